"""The release as one spreadsheet workbook (export workbook-xlsx, since 1.2.0): a README sheet (what the
release is, its tables with their row counts, the license and where the full documentation is), then one
sheet per table, its header the column names, in the release's table order. Spreadsheets read
.xlsx text as Unicode, so names such as "Nicolás" show as written (a UTF-8 CSV without BOM does not).

Written with openpyxl (the `build` extra); the file is byte-identical from one build to the next: the
workbook's creation and modification times are the release's date and every zip entry has a fixed time.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

README = "README"
#: The zip entries' time (the earliest a zip file can hold): no build time in the file.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def readme_rows(version: str, tables: dict) -> list[list]:
    rows = [["cartel-campaign-data"], [f"Release {version}"],
            ["Tables annotated from five news articles (late 2025) on the US campaign against Latin American drug cartels and "
             "the Maduro government of Venezuela. Every row is backed by character-offset evidence spans in its article."],
            ["Each sheet after this one is a table of the release (header: its column names). Columns, types and allowed values: "
             "docs/CODEBOOK.md and the release's datapackage.json. Several values in one cell are separated by ' | '."],
            ["The tables are CC-BY-4.0; the article texts belong to their publishers and are not covered by that license."], [],
            ["table", "rows"]]
    return rows + [[name, table.num_rows] for name, table in tables.items()]


def _cell(value):
    return value if value is None or isinstance(value, (str, int, float, bool, date)) else str(value)


def _fixed_zip(data: bytes, when: str) -> bytes:
    """The workbook with every entry's time fixed and the modification time openpyxl stamps on save replaced by `when`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + when.encode() + rb"\g<2>", content)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=ZIP_TIME), content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_workbook(path: Path, tables: dict) -> int:
    """The export (cartel_campaign.exports); `path` is in the release folder (named by its version). Returns the
    number of table sheets."""
    from openpyxl import Workbook

    names = list(tables)
    wb = Workbook()
    sheet = wb.active
    sheet.title = README
    for row in readme_rows(Path(path).parent.name, tables):
        sheet.append(row)
    for name in names:
        ws = wb.create_sheet(name)
        ws.append(tables[name].column_names)
        for row in tables[name].to_pylist():
            ws.append([_cell(v) for v in row.values()])
    stamp = datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    Path(path).write_bytes(_fixed_zip(buffer.getvalue(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return len(names)


def workbook_content_problems(path: Path, tables: dict) -> list[str]:
    """The workbook has a README sheet and then one sheet per table, each with the table's header and values."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception as err:  # openpyxl raises many kinds for a file that is not a workbook
        return [f"not an .xlsx workbook ({type(err).__name__}: {err})"]
    try:
        if wb.sheetnames[:1] != [README] or set(wb.sheetnames[1:]) != set(tables):
            return [f"sheets {wb.sheetnames} are not README and the tables {sorted(tables)}"]
        problems = []
        for name, table in tables.items():
            rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
            if not rows or rows[0] != table.column_names:
                problems.append(f"sheet {name}: header {rows[:1]} is not the columns {table.column_names}")
                continue
            expected = [[_as_read(v) for v in r.values()] for r in table.to_pylist()]
            if [[_as_read(v) for v in r] for r in rows[1:]] != expected:
                problems.append(f"sheet {name}: {len(rows) - 1} rows that are not the table's {table.num_rows}")
        return problems
    finally:
        wb.close()


def _as_read(value):
    """A value as it compares between the table and the sheet (a sheet's dates read back as datetimes)."""
    if isinstance(value, datetime):
        return value.date()
    return value
