"""The release as one spreadsheet workbook (export workbook-xlsx, since 1.2.0): a README sheet (what the
release is, its tables with their row counts, the license and where the full documentation is), then one
sheet per table, its header the column names, in the release's table order. Spreadsheets read
.xlsx text as Unicode, so names such as "Nicolás" show as written (a UTF-8 CSV without BOM does not).

Written with XlsxWriter (the `build` extra; the table sheets' rows made a column at a time, cartel_campaign.sheetxml)
and read back for its check with python-calamine (the `validate` extra); the file is byte-identical from one build
to the next: the workbook's creation time is fixed (CREATED) and XlsxWriter gives every zip entry a fixed time.
The check (workbook_content_problems) holds the file to values only (active_content_problems: no formula, no part
beyond XlsxWriter's), the release's README sheet, and each table's sheet in order, cell by cell and kind by kind.
"""
from __future__ import annotations

import itertools
import re
import zipfile
import zlib
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from .sheetxml import python_type

README = "README"


def readme_rows(version: str, tables: dict) -> list[list]:
    from .rules.text import number_word  # the count in words, as the build's {articles} (build/counts.py)

    articles = number_word(tables["articles"].num_rows)
    rows = [["cartel-campaign-data"], [f"Release {version}"],
            [f"Tables annotated from {articles} news articles (late 2025) on the US campaign against Latin American drug cartels and "
             "the Maduro government of Venezuela. Every row is backed by character-offset evidence spans in its article."],
            ["Each sheet after this one is a table of the release (header: its column names). Columns, types and allowed values: "
             "docs/CODEBOOK.md and the release's datapackage.json. Several values in one cell are separated by ' | '."],
            ["The tables are CC-BY-4.0; the article texts belong to their publishers and are not covered by that license."], [],
            ["table", "rows"]]
    return rows + [[name, table.num_rows] for name, table in tables.items()]


#: The workbook's creation time: the file holds no build time (XlsxWriter gives every zip entry a fixed time).
CREATED = datetime(2000, 1, 1)
#: Values written as they are: no text is turned into a number, formula or link.
#: constant_memory: each sheet's rows go to a temporary file as they are written (text inline, no shared-string table).
OPTIONS = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def _writer(ws, kind: type, day):
    """The XlsxWriter call for a value of Python type `kind`: text, a date (with the date format), a boolean, a
    number; anything else as its text."""
    if kind is str:
        return ws.write_string
    if issubclass(kind, date):
        return lambda i, j, value: ws.write_datetime(i, j, value, day)
    if kind is bool:
        return ws.write_boolean
    if kind in (int, float):
        return ws.write_number
    return lambda i, j, value: ws.write_string(i, j, str(value))


def _write_row(ws, i: int, row, day) -> None:
    """A row of Python values, each written by the call for its type."""
    for j, value in enumerate(row):
        if value is not None:
            _writer(ws, type(value), day)(i, j, value)


def write_workbook(path: Path, tables: dict) -> int:
    """The export (cartel_campaign.exports); `path` is in the release folder (named by its version). Returns the
    number of table sheets. Written with XlsxWriter in constant-memory mode: the README sheet a cell at a time, each
    table's rows as the XML XlsxWriter gives them, made a column at a time (cartel_campaign.sheetxml)."""
    import xlsxwriter
    import xlsxwriter.exceptions

    from . import sheetxml

    wb = xlsxwriter.Workbook(str(path), OPTIONS)
    wb.set_properties({"created": CREATED})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheet = wb.add_worksheet(README)
    for i, row in enumerate(readme_rows(Path(path).parent.name, tables)):
        _write_row(sheet, i, row, day)
    for name, table in tables.items():
        try:
            sheetxml.write_table(wb.add_worksheet(name), table, day)
        except ValueError as err:
            raise ValueError(f"sheet {name}: {err}") from None
    try:
        wb.close()
    except xlsxwriter.exceptions.FileCreateError as err:  # XlsxWriter's wrapper of the system's refusal (disk full, ...)
        raise (err.args[0] if err.args and isinstance(err.args[0], OSError) else OSError(str(err))) from None
    return len(tables)


def check_parts(tables: dict) -> list[str]:
    """The check's parts, one per sheet, which can run apart (the build runs them side by side): README (with the
    sheets' names and order, and the whole file's values-only check), then each table's sheet."""
    return [README, *tables]


def workbook_content_problems(path: Path, tables: dict, part: str | None = None) -> list[str]:
    """The workbook has the release's README sheet (its version: the name of `path`'s folder) and then one sheet per
    table, in the tables' order, each with the table's header and values (read with python-calamine: an empty cell
    reads as an empty text, which is how a missing value is written). part: one of check_parts(tables) alone; the
    whole check (None) finds the parts' problems, in their order."""
    from python_calamine import CalamineWorkbook

    parts = check_parts(tables) if part is None else [part]
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
    except Exception as err:  # calamine raises several kinds for a file that is not a workbook
        return [f"not an .xlsx workbook ({type(err).__name__}: {err})"] if README in parts else []
    if names != [README, *tables]:
        return [f"sheets {names} are not README and the tables {list(tables)}, in that order"] if README in parts else []
    place = {name: i for i, name in enumerate(names, 1)}
    return [problem for name in parts for problem in
            (_readme_problems(wb, path, tables) if name == README else _sheet_problems(wb, path, place[name], name, tables[name]))]


def _readme_problems(wb, path: Path, tables: dict) -> list[str]:
    """The file holds no part beyond a workbook of values', no formula in its parts but the table sheets, and its README
    sheet is the release's."""
    problems = active_content_problems(path, len(tables) + 1, [*PARTS, sheet_part(1)])
    try:
        readme = list(_sheet_rows(wb.get_sheet_by_name(README)))
    except Exception as err:  # calamine refuses a cell it cannot read (e.g. a boolean that is not 0 or 1)
        return problems + [f"sheet {README}: not readable ({type(err).__name__}: {err})"]
    want = readme_rows(Path(path).parent.name, tables)
    width = max(map(len, want))
    if _kinds([_as_wide(row, width) for row in readme]) != _kinds([_as_wide(row, width) for row in want]):
        problems.append(f"sheet {README}: is not the README of release {Path(path).parent.name} with these tables")
    return problems


def _sheet_problems(wb, path: Path, place: int, name: str, table) -> list[str]:
    """The table's sheet (the workbook's sheet number `place`) holds no formula, and has the table's header and, row by
    row, its values of the same kinds."""
    problems = active_content_problems(path, None, [sheet_part(place)])
    try:
        rows = _sheet_rows(wb.get_sheet_by_name(name))  # a row at a time, compared with the table's a batch at a time
    except Exception as err:  # calamine refuses a cell it cannot read (e.g. a boolean that is not 0 or 1)
        return problems + [f"sheet {name}: not readable ({type(err).__name__}: {err})"]
    header = _as_wide(next(rows, None), table.num_columns)
    if header != table.column_names:
        return problems + [f"sheet {name}: header {header} is not the columns {table.column_names}"]
    numbers = [(j, kind is bool) for j, kind in enumerate(map(python_type, table.schema.types)) if kind in (bool, int, float)]
    n_sheet, differs, first = 0, None, 2  # differs: the first sheet row that is not the table's; first: the batch's
    for size, want in _batches_as_read(table):
        got = list(itertools.islice(rows, size))
        n_sheet += len(got)
        if differs is None and (at := _first_difference(got, want, size, table.num_columns, numbers)) is not None:
            differs = first + at
        first += size
    beyond = sum(1 for _ in rows)  # sheet rows below the table's last
    n_sheet += beyond
    if differs is None and beyond:
        differs = first
    if differs is not None:
        problems.append(f"sheet {name}: row {differs} is not the table's (the sheet has {n_sheet} rows below its header, the table {table.num_rows})")
    return problems


def _first_difference(got: list[list], want: list[list], size: int, width: int, numbers: list[tuple[int, bool]]) -> int | None:
    """Where (from 0) the sheet's rows `got` first differ from a batch of `size` table rows, given as its columns `want`
    (as the sheet reads back); None where they do not. Rows the sheet ends before read as empty. Compared a column at
    a time where the rows have one width (calamine reads a sheet as a rectangle), else row by row."""
    got = got + [[""] * width] * (size - len(got))
    lengths = set(map(len, got))
    if len(lengths) == 1 and (short := width - lengths.pop()) >= 0:
        columns = list(zip(*got)) + [("",) * size] * short  # the last columns, all empty: the sheet ends before them
        if all(column == tuple(values) for column, values in zip(columns, want)) and _same_kinds(columns, numbers):
            return None
    wanted = zip(*want) if want else iter(lambda: (), None)
    for i, (row, values) in enumerate(zip(got, wanted)):
        row = _as_wide(row, width)
        if row != list(values) or not _same_kinds(list(zip(row)), numbers):
            return i
    return None


#: The parts of the workbook XlsxWriter writes for values alone (and xl/worksheets/sheet<N>.xml, one per sheet).
#: Any other part is not the export's: macros, external links, data connections, a sheet's relationships (which a
#: hyperlink to a web address needs), embedded objects.
PARTS = ("[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml", "xl/_rels/workbook.xml.rels",
         "xl/styles.xml", "xl/theme/theme1.xml", "xl/workbook.xml")
#: An element that holds a formula, with any namespace prefix: a cell's formula (f; its cached value is what
#: calamine reads, so the values check cannot see it), a conditional format's or a validation's (formula,
#: formula1, formula2), a defined name. A formula runs when the workbook is opened and may fetch (WEBSERVICE).
FORMULA = re.compile(rb"<(?:[^\s<>/:]+:)?(?:f|formula[12]?|definedName)[\s>/]")
#: Bytes every FORMULA match holds one of: "f" (or "formula...") after its "<" or its prefix's ":", or the name
#: definedName. A part without any is not searched with FORMULA (bytes.find is some ten times faster than the
#: expression, which tries every "<"; each hint is a scan of the part).
FORMULA_HINTS = (b"<f", b":f", b"definedName")
#: Bytes of a part inflated at a time.
CHUNK = 1 << 20
#: A text's end that may begin a FORMULA element cut by the chunk's end: "<", a prefix (or a name) and ":" with the
#: start of a name (the longest, definedName, has 11 bytes).
CUT = re.compile(rb"<([^\s<>/:]*)(:[^\s<>/:]{0,11})?")


def active_content_problems(path: Path, n_sheets: int | None, scanned: list[str]) -> list[str]:
    """The workbook holds values only: no part beyond PARTS and its n_sheets sheets, none stored twice (zipfile reads
    the last copy only; both unless n_sheets is None), and no formula (FORMULA) in the parts `scanned`."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            present = set(names)
            extra = sorted(present - set(PARTS) - {sheet_part(i) for i in range(1, n_sheets + 1)}) if n_sheets is not None else []
            problems = [f"parts {extra} are not those of a workbook of values"] if extra else []
            twice = sorted(name for name, n in Counter(names).items() if n > 1) if n_sheets is not None else []
            problems += [f"parts {twice} are stored more than once (a workbook of values has each once)"] if twice else []
            holding = [name for name in scanned if name in present and _holds_formula(archive, name)]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as err:
        return [f"not a readable .xlsx archive ({type(err).__name__}: {err})"]
    return problems + [f"part {name}: holds a formula (a value is expected; a formula runs when the workbook is opened)"
                       for name in holding]


def sheet_part(number: int) -> str:
    """The archive's part holding the workbook's sheet `number` (1: the first), as XlsxWriter names it."""
    return f"xl/worksheets/sheet{number}.xml"


def _holds_formula(archive: zipfile.ZipFile, name: str) -> bool:
    """A FORMULA element anywhere in the part, read a chunk at a time (a tag cut by a chunk's end is read whole)."""
    with archive.open(name) as part:
        tail = b""
        while chunk := part.read(CHUNK):
            text = tail + chunk
            if any(hint in text for hint in FORMULA_HINTS) and FORMULA.search(text):
                return True
            tail = _cut_tag(text)
    return False


def _cut_tag(text: bytes) -> bytes:
    """The end of `text` that may begin a FORMULA element (CUT), kept short: a prefix longer than a name is kept as one
    byte ("_"), which FORMULA matches as it matches any prefix; b"" where no element can begin. Without this, a part
    with no "<" after its last would be searched again whole with every chunk (a small archive could hold gigabytes)."""
    start = text.rfind(b"<")
    cut = CUT.fullmatch(text, start) if start >= 0 else None
    if cut is None:
        return b""
    prefix, name = cut.groups()
    return b"<" + (prefix if len(prefix) <= 11 else b"_") + (name or b"")


def _sheet_rows(sheet):
    """The sheet's rows from column A (calamine's begin at the first column with a cell)."""
    before = [""] * (sheet.start[1] if sheet.start else 0)
    return (before + row for row in sheet.iter_rows()) if before else sheet.iter_rows()


def _kinds(rows: list[list]) -> list[list[tuple]]:
    """Each value with whether it is a boolean (Python's == takes True for 1)."""
    return [[(value.__class__ is bool, value) for value in row] for row in rows]


def _as_wide(row, width: int) -> list:
    """A sheet row as a list of `width` cells: the sheet ends at its last cell, so the cells after a row's last
    (or every cell of a row after the sheet's last) read as empty, which is how missing values are written."""
    cells = list(row) if row is not None else []
    return cells + [""] * (width - len(cells))


#: Rows turned into Python at a time (memory stays bounded by a batch, not a table).
BATCH_ROWS = 4096


def _batches_as_read(table):
    """The table a batch at a time, each as (its number of rows, its columns as the sheet reads back)."""
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield batch.num_rows, [_column_as_read(column) for column in batch.columns]


def _column_as_read(column) -> list:
    import pyarrow.compute as pc

    kind = python_type(column.type)
    if kind is str:
        return pc.fill_null(column, "").to_pylist()
    return ["" if value is None else value if kind is not object else str(value) for value in column.to_pylist()]


def _same_kinds(columns: list, numbers: list[tuple[int, bool]]) -> bool:
    """The cells of the table's number and boolean columns (`numbers`: index, is boolean) read back as that kind (or
    empty): Python's == takes True for 1 and 1.0, which the values' comparison cannot tell apart."""
    for j, boolean in numbers:
        kinds = set(map(type, columns[j]))
        if (not kinds <= {bool, str}) if boolean else bool in kinds:
            return False
    return True
