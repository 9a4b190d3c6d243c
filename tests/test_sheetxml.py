"""The workbook's table sheets made a column at a time (cartel_campaign.sheetxml) are byte for byte the workbook
XlsxWriter writes one cell at a time, on awkward values; its check (workbook_content_problems) tells a boolean
from a number."""
from __future__ import annotations

import random
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from cartel_campaign import sheetxml, workbook

xlsxwriter = pytest.importorskip("xlsxwriter")
pytest.importorskip("python_calamine")


def cell_by_cell(path: Path, tables: dict) -> None:
    """The workbook as XlsxWriter writes it with one call per cell (the writer before sheetxml)."""
    wb = xlsxwriter.Workbook(str(path), workbook.OPTIONS)
    wb.set_properties({"created": workbook.CREATED})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheet = wb.add_worksheet(workbook.README)
    for i, row in enumerate(workbook.readme_rows(path.parent.name, tables)):
        workbook._write_row(sheet, i, row, day)
    for name, table in tables.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, table.column_names)
        writers = [workbook._writer(ws, sheetxml.python_type(field.type), day) for field in table.schema]
        for i, row in enumerate(zip(*[column.to_pylist() for column in table.columns]), 1):
            for j, value in enumerate(row):
                if value is not None:
                    writers[j](i, j, value)
    wb.close()


AWKWARD_TEXT = ["plain", "", " lead", "trail ", "\tt", "n\n", "a\nb", "mid\tdle", "\xa0nbsp", "nbsp\xa0", "\u3000ideo", "x\u2028",
                "\x00nul", "bell\x07", "\x1f", "_x0041_", "a_x00e9_b", "_x", "_X0041_", "snake_case", "<r>rich</r>", "<r>x",
                "a & b < c > d", "\"quoted\" 'apos'", "Nicolás Maduro", "emoji 😀", "\ufffe", "\uffff", "x" * 16_383,
                "y" * 16_384, "z" * 40_000, "😀" * 16_400, "]]>", "&amp;", None]


def awkward_tables() -> dict:
    n = len(AWKWARD_TEXT)
    ints = [0, -1, 2 ** 53, -(2 ** 53), 2 ** 53 + 1, -(2 ** 60), 10 ** 15, 10 ** 16, 123456789012345678] + [7] * (n - 10) + [None]
    floats = [0.1, -0.0, 1e20, 1.5, 1 / 3, 2.0 ** 70, 1e-300] + [2.5] * (n - 8) + [None]
    dates = [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(1970, 1, 1), date(2025, 12, 31), date(9999, 12, 31)] \
        + [date(2025, 1, 20)] * (n - 7) + [None]
    bools = [True, False] * (n // 2) + [None] * (n % 2)
    stamps = [datetime(2025, 1, 2, 3, 4, 5)] * (n - 1) + [None]
    events = pa.table({"text": pa.array(AWKWARD_TEXT, pa.string()), "big": pa.array(AWKWARD_TEXT, pa.large_string()),
                       "count": pa.array(ints, pa.int64()), "share": pa.array(floats, pa.float64()),
                       "day": pa.array(dates, pa.date32()), "flag": pa.array(bools, pa.bool_()),
                       "stamp": pa.array(stamps, pa.timestamp("s")), "empty": pa.nulls(n, pa.string())})
    gaps = pa.table({"a": pa.array([None, "x", None, None, "y", None], pa.string()),  # rows with no value, first and last
                     "b": pa.array([None, None, None, 3, None, None], pa.int32())})
    old_dates = pa.table({"day": pa.array([date(1899, 12, 31), date(1, 1, 1), None], pa.date32())})
    return {"articles": pa.table({"article_id": ["001"]}), "events": events, "gaps": gaps, "old_dates": old_dates,
            "no_rows": pa.table({"a": pa.array([], pa.string()), "d": pa.array([], pa.date32())}),
            "only_missing": pa.table({"a": pa.nulls(3, pa.string())}),
            # XlsxWriter's write_row writes no cell for an empty name and stops after a name it truncates
            "odd_header": pa.table({"": [None, "x", None], "b": pa.array([None, 2, None], pa.int64()), "n" * 40_000: ["y", None, None],
                                    "after": pa.nulls(3, pa.string()), " ": [None, None, None]}),
            "unnamed": pa.table({"": pa.array([None, None, 1.5, None])}), "unnamed_empty": pa.table({"": pa.nulls(2, pa.string())})}


def random_tables(seed: int) -> dict:
    pieces = ["a", "Z", "_", "x", "X", "0", "F", "&", "<", ">", "r", " ", "\t", "\n", "\xa0", "\x01", "é", "😀", "\u2028", "/", '"']
    rng = random.Random(seed)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 9))) if rng.random() > 0.1 else None for _ in range(3000)]
    return {"articles": pa.table({"article_id": ["001"]}),
            "random": pa.table({"t": pa.array(texts, pa.string()),
                                "n": pa.array([rng.choice([None, rng.randrange(-10 ** 6, 10 ** 6)]) for _ in texts], pa.int64())})}


def random_typed_tables(seed: int) -> dict:
    """Tables of random shape: columns of every kind the writer tells apart, names that XlsxWriter's header call
    changes, missing values in runs, columns in chunks of which some are empty."""
    rng = random.Random(seed)
    texts = ["", " ", "a", "_x0041_", "<r>", "</r>", "\r\n", "\x85", "\u2028", "&", "😀", "\x00", "é"]
    kinds = {"text": (pa.string(), lambda: "".join(rng.choices(texts, k=rng.randrange(4)))),
             "large": (pa.large_string(), lambda: rng.choice(texts) * rng.choice([1, 16_384])),
             "int": (pa.int64(), lambda: rng.choice([0, -1, 2 ** 53, 2 ** 53 + 1, -(2 ** 63), rng.randrange(-999, 999)])),
             "uint": (pa.uint64(), lambda: rng.choice([0, 2 ** 64 - 1, rng.randrange(2 ** 60)])),
             "float": (pa.float32(), lambda: rng.choice([-0.0, 0.1, 1e30, 5e-40, rng.uniform(-9, 9)])),
             "date": (pa.date32(), lambda: date.fromordinal(rng.choice([1, 693_594, 693_654, 693_655, rng.randrange(693_000, 3_652_059)]))),
             "bool": (pa.bool_(), lambda: rng.random() < 0.5), "stamp": (pa.timestamp("ms"), lambda: datetime(2025, 1, rng.randrange(1, 31))),
             "dict": (pa.dictionary(pa.int8(), pa.string()), lambda: rng.choice(texts))}
    tables = {"articles": pa.table({"article_id": ["001"]})}
    for t in range(3):
        n, columns = rng.choice([0, 1, 7, 30]), {}
        for j in range(rng.randrange(1, 6)):
            arrow_type, value = kinds[rng.choice(list(kinds))]
            missing = rng.choice([0, 0.3, 0.9, 1])
            values = pa.array([None if rng.random() < missing else value() for _ in range(n)], arrow_type)
            cuts = sorted(rng.randrange(n + 1) for _ in range(2))
            columns[rng.choice(["", " ", "x" * 32_768, f"c{j}"]) if rng.random() < 0.3 else f"c{j}"] = pa.chunked_array(
                [values.slice(a, b - a) for a, b in zip([0, *cuts], [*cuts, n])], arrow_type)
        tables[f"t{t}"] = pa.Table.from_arrays(list(columns.values()), names=list(columns))
    return tables


@pytest.mark.parametrize("batch_rows", [sheetxml.BATCH_ROWS, 4])
def test_same_bytes_as_cell_by_cell(tmp_path, monkeypatch, batch_rows):
    monkeypatch.setattr(sheetxml, "BATCH_ROWS", batch_rows)  # 4: rows cross batches, some batches have no value at all
    for k, tables in enumerate([awkward_tables(), random_tables(1), random_tables(2), *map(random_typed_tables, range(12))]):
        folder = tmp_path / str(k) / "1.9.0"
        folder.mkdir(parents=True)
        workbook.write_workbook(folder / "columns.xlsx", tables)
        cell_by_cell(folder / "cells.xlsx", tables)
        assert (folder / "columns.xlsx").read_bytes() == (folder / "cells.xlsx").read_bytes(), k


def test_without_dates_the_date_format_is_not_in_the_styles(tmp_path):
    """XlsxWriter lists a format once a cell uses it: a table whose date column holds no date must not add it."""
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"d": pa.nulls(2, pa.date32())})}
    workbook.write_workbook(tmp_path / "a.xlsx", tables)
    cell_by_cell(tmp_path / "b.xlsx", tables)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_whitespace_is_what_python_matches_as_whitespace():
    assert sheetxml.WHITESPACE == "".join(chr(c) for c in range(0x110000) if re.match(r"\s", chr(c)))


def test_nan_is_refused_as_xlsxwriter_refuses_it(tmp_path):
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"x": pa.array([float("nan")])})}
    with pytest.raises(TypeError, match="NAN/INF"):
        cell_by_cell(tmp_path / "b.xlsx", tables)
    with pytest.raises(TypeError, match="NAN/INF"):
        workbook.write_workbook(tmp_path / "a.xlsx", tables)


def test_a_table_longer_than_a_sheet_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sheetxml, "MAX_ROWS", 3)
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"x": ["a", "b", "c"]})}
    with pytest.raises(ValueError, match="sheet t: 3 rows: a sheet holds at most 2 below its header"):
        workbook.write_workbook(tmp_path / "a.xlsx", tables)


def test_a_table_wider_than_a_sheet_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sheetxml, "MAX_COLUMNS", 2)
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"x": ["a"], "y": ["b"], "z": ["c"]})}
    with pytest.raises(ValueError, match="sheet t: 3 columns: a sheet holds at most 2"):
        workbook.write_workbook(tmp_path / "a.xlsx", tables)


def test_check_tells_a_boolean_from_a_number(tmp_path, monkeypatch):
    """A workbook whose boolean cells were rewritten as the numbers 1 and 0 (or the other way round) is refused,
    though Python's == takes True for 1.0; so is a missing number written as the number 0."""
    flags = pa.table({"id": ["a", "b"], "flag": [True, False], "n": pa.array([1, None], pa.int64())})
    tables = {"articles": pa.table({"article_id": ["001"]}), "flags": flags}
    rewrites = {"flag as numbers": flags.set_column(1, "flag", pa.array([1, 0], pa.int64())),
                "numbers as booleans": flags.set_column(2, "n", pa.array([True, None], pa.bool_())),
                "missing as 0": flags.set_column(2, "n", pa.array([1, 0], pa.int64()))}
    first_row = {"flag as numbers": 2, "numbers as booleans": 2, "missing as 0": 3}
    workbook.write_workbook(tmp_path / "good.xlsx", tables)
    assert workbook.workbook_content_problems(tmp_path / "good.xlsx", tables) == []
    for case, table in rewrites.items():
        workbook.write_workbook(tmp_path / "bad.xlsx", {**tables, "flags": table})
        assert workbook.workbook_content_problems(tmp_path / "bad.xlsx", tables) == [
            f"sheet flags: row {first_row[case]} is not the table's (the sheet has 2 rows below its header, the table 2)"], case
    monkeypatch.setattr(workbook, "_same_kinds", lambda got, numbers: True)  # without the kinds, == lets two through
    passed = []
    for case, table in rewrites.items():
        workbook.write_workbook(tmp_path / "bad.xlsx", {**tables, "flags": table})
        if not workbook.workbook_content_problems(tmp_path / "bad.xlsx", tables):
            passed.append(case)
    assert passed == ["flag as numbers", "numbers as booleans"]


def rewrite(good: Path, bad: Path, part: str, old: bytes, new: bytes) -> None:
    """Workbook `bad`: `good` with `old` replaced by `new` in its part `part` (as a hostile rewrite would)."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            assert name != part or old in data
            dst.writestr(name, data.replace(old, new) if name == part else data)


def test_check_refuses_a_readme_not_the_releases(tmp_path):
    """The README sheet is the release's: its version (the folder's name), text and the tables' row counts."""
    (tmp_path / "1.9.0").mkdir()
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"x": [1, 2]})}
    workbook.write_workbook(tmp_path / "1.9.0" / "good.xlsx", tables)
    assert workbook.workbook_content_problems(tmp_path / "1.9.0" / "good.xlsx", tables) == []
    readme = "xl/worksheets/sheet1.xml"
    for old, new in ((b"are CC-BY-4.0", b"are CC0-1.0!!"), (b'<c r="B9"><v>2</v>', b'<c r="B9"><v>3</v>'),
                     (b'<c r="B8"><v>1</v>', b'<c r="B8" t="b"><v>1</v>'), (b"Release 1.9.0", b"Release 2.0.0")):
        rewrite(tmp_path / "1.9.0" / "good.xlsx", tmp_path / "1.9.0" / "bad.xlsx", readme, old, new)
        assert workbook.workbook_content_problems(tmp_path / "1.9.0" / "bad.xlsx", tables) == [
            "sheet README: is not the README of release 1.9.0 with these tables"], new
    (tmp_path / "2.0.0").mkdir()
    (tmp_path / "1.9.0" / "good.xlsx").rename(tmp_path / "2.0.0" / "good.xlsx")
    assert workbook.workbook_content_problems(tmp_path / "2.0.0" / "good.xlsx", tables) == [
        "sheet README: is not the README of release 2.0.0 with these tables"]


def test_check_refuses_the_sheets_in_another_order(tmp_path):
    tables = {"articles": pa.table({"article_id": ["001"]}), "a": pa.table({"x": [1]}), "b": pa.table({"x": [1]})}
    workbook.write_workbook(tmp_path / "w.xlsx", tables)
    assert workbook.workbook_content_problems(tmp_path / "w.xlsx", tables) == []
    swapped = {"articles": tables["articles"], "b": tables["b"], "a": tables["a"]}
    assert workbook.workbook_content_problems(tmp_path / "w.xlsx", swapped) == [
        "sheets ['README', 'articles', 'a', 'b'] are not README and the tables ['articles', 'b', 'a'], in that order"]


def test_check_names_a_sheet_it_cannot_read(tmp_path):
    """A hostile rewrite calamine refuses to read (a boolean cell holding 2) is a problem, not a traceback."""
    tables = {"articles": pa.table({"article_id": ["001"]}), "flags": pa.table({"flag": [True]})}
    workbook.write_workbook(tmp_path / "good.xlsx", tables)
    rewrite(tmp_path / "good.xlsx", tmp_path / "bad.xlsx", "xl/worksheets/sheet3.xml", b'<c r="A2" t="b"><v>1</v></c>', b'<c r="A2" t="b"><v>2</v></c>')
    problems = workbook.workbook_content_problems(tmp_path / "bad.xlsx", tables)
    assert problems == ["sheet flags: not readable (CalamineError: Unrecognized boolean cell value: 2)"]


def test_an_unreadable_readme_keeps_the_other_findings(tmp_path):
    """A README sheet calamine cannot read is one finding among the others: a formula in a table sheet is still
    named (the README's finding used to replace the list)."""
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"n": pa.array([1], pa.int64())})}
    workbook.write_workbook(tmp_path / "good.xlsx", tables)
    rewrite(tmp_path / "good.xlsx", tmp_path / "half.xlsx", "xl/worksheets/sheet1.xml", b'<c r="B9"><v>1</v></c>', b'<c r="B9" t="b"><v>2</v></c>')
    rewrite(tmp_path / "half.xlsx", tmp_path / "bad.xlsx", "xl/worksheets/sheet3.xml", b'<c r="A2"><v>1</v></c>', b'<c r="A2"><f>1</f><v>1</v></c>')
    problems = workbook.workbook_content_problems(tmp_path / "bad.xlsx", tables)
    assert any(p.startswith("part xl/worksheets/sheet3.xml: holds a formula") for p in problems), problems
    assert any(p.startswith("sheet README: not readable") for p in problems), problems


def test_check_accepts_the_rows_and_columns_the_sheet_leaves_out(tmp_path):
    """A sheet ends at its last cell: trailing rows with no value, and an unnamed last column with no value, have no
    cell, and read back as missing values; a value in such a place, or dropped from it, is still refused."""
    awkward = awkward_tables()
    tables = {name: awkward[name] for name in ("articles", "gaps", "only_missing", "unnamed", "no_rows")}
    tables["unnamed_last"] = pa.table({"a": ["x", None], "": pa.nulls(2, pa.string())})
    workbook.write_workbook(tmp_path / "w.xlsx", tables)
    assert workbook.workbook_content_problems(tmp_path / "w.xlsx", tables) == []
    for sheet, checked in ({"a": ["x", "y"]}, {"a": ["x", None]}), ({"a": ["x", None]}, {"a": ["x", "y"]}):
        workbook.write_workbook(tmp_path / "bad.xlsx", {"articles": tables["articles"], "t": pa.table(sheet)})
        assert workbook.workbook_content_problems(tmp_path / "bad.xlsx", {"articles": tables["articles"], "t": pa.table(checked)}) == [
            f"sheet t: row 3 is not the table's (the sheet has {2 if sheet['a'][1] else 1} rows below its header, the table 2)"]


def test_check_refuses_a_sheet_moved_right(tmp_path):
    """calamine's rows begin at the sheet's first column with a cell: a sheet whose cells all moved one column to
    the right (here: written with an unnamed empty first column) is not the table; with that column, it is."""
    table = pa.table({"id": ["a", "b"], "n": [1, 2]})
    moved = pa.table({"": pa.nulls(2, pa.string()), "id": ["a", "b"], "n": [1, 2]})
    workbook.write_workbook(tmp_path / "w.xlsx", {"articles": pa.table({"article_id": ["001"]}), "t": moved})
    assert workbook.workbook_content_problems(tmp_path / "w.xlsx", {"articles": pa.table({"article_id": ["001"]}), "t": moved}) == []
    assert workbook.workbook_content_problems(tmp_path / "w.xlsx", {"articles": pa.table({"article_id": ["001"]}), "t": table}) == [
        "sheet t: header ['', 'id', 'n'] is not the columns ['id', 'n']"]


def _rezipped(source: Path, target: Path, part: str | None = None, change=None, added: dict | None = None) -> Path:
    """A copy of the workbook with one part changed and parts added, as a hostile rewrite would make it."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, change(data) if info.filename == part else data)
        for name, data in (added or {}).items():
            new.writestr(name, data)
    return target


def test_check_refuses_active_content(tmp_path, monkeypatch):
    """A formula whose cached value is the table's (calamine reads the value, not the formula), a defined name
    and an extra part (an external link) are refused; without active_content_problems the values check lets each
    through."""
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"x": ["a", "b"], "n": pa.array([1, 2], pa.int64())})}
    folder = tmp_path / "1.9.0"
    folder.mkdir()
    workbook.write_workbook(folder / "good.xlsx", tables)
    fetch = b'WEBSERVICE("http://example.invalid/")'
    sheet, names = "xl/worksheets/sheet3.xml", b'</sheets><definedNames><definedName name="z">' + fetch + b"</definedName></definedNames>"
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    cases = {
        "formula": (sheet, lambda d: d.replace(b'<c r="B2"><v>1</v></c>', b'<c r="B2"><f>1+0*LEN(' + fetch + b')</f><v>1</v></c>'), None),
        "formula with attributes": (sheet, lambda d: d.replace(b'<c r="B3"><v>2</v></c>',
                                                               b'<c r="B3"><f ca="1">2+0*LEN(' + fetch + b')</f><v>2</v></c>'), None),
        "defined name": ("xl/workbook.xml", lambda d: d.replace(b"</sheets>", names), None),
        "external link part": (None, None, {"xl/externalLinks/externalLink1.xml": link}),
    }
    assert workbook.workbook_content_problems(folder / "good.xlsx", tables) == []
    for case, (part, change, added) in cases.items():
        bad = _rezipped(folder / "good.xlsx", folder / f"{case}.xlsx", part, change, added)
        assert bad.read_bytes() != (folder / "good.xlsx").read_bytes(), case
        problems = workbook.workbook_content_problems(bad, tables)
        assert problems and all("formula" in p or "not those of a workbook of values" in p for p in problems), (case, problems)
    monkeypatch.setattr(workbook, "active_content_problems", lambda *args: [])
    for case in cases:
        assert workbook.workbook_content_problems(folder / f"{case}.xlsx", tables) == [], case


def test_each_part_of_the_check_finds_the_problems_of_its_sheet(tmp_path):
    """The check's parts (check_parts: README, then one per table; the build runs them side by side) find, together,
    what the whole check finds, in its order, and each the problems of its own sheet: a formula or a changed value in
    a table's sheet is found by that table's part alone; a changed README, an extra part or a formula outside the
    table sheets by the README part alone."""
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"x": ["a", "b"], "n": pa.array([1, 2], pa.int64())})}
    folder = tmp_path / "1.9.0"
    folder.mkdir()
    good = folder / "good.xlsx"
    workbook.write_workbook(good, tables)
    fetch = b'<f>1+0*LEN(WEBSERVICE("http://example.invalid/"))</f>'
    cases = {
        "t": [("xl/worksheets/sheet3.xml", lambda d: d.replace(b'<c r="B2"><v>1</v></c>', b'<c r="B2">' + fetch + b"<v>1</v></c>"), None),
              ("xl/worksheets/sheet3.xml", lambda d: d.replace(b"<v>2</v>", b"<v>3</v>"), None)],
        "articles": [("xl/worksheets/sheet2.xml", lambda d: d.replace(b"001", b"002"), None)],
        workbook.README: [("xl/worksheets/sheet1.xml", lambda d: d.replace(b"Release 1.9.0", b"Release 9.9.9"), None),
                          ("xl/styles.xml", lambda d: d.replace(b"</styleSheet>", b"<dxfs><dxf>" + fetch + b"</dxf></dxfs></styleSheet>"), None),
                          (None, None, {"xl/vbaProject.bin": b"macro"})],
    }
    assert workbook.check_parts(tables) == [workbook.README, "articles", "t"]
    for owner, changes in cases.items():
        for k, (part, change, added) in enumerate(changes):
            bad = _rezipped(good, folder / f"{owner}-{k}.xlsx", part, change, added)
            whole = workbook.workbook_content_problems(bad, tables)
            found = {p: workbook.workbook_content_problems(bad, tables, part=p) for p in workbook.check_parts(tables)}
            assert whole and [x for p in workbook.check_parts(tables) for x in found[p]] == whole, (owner, k, found)
            assert found[owner] == whole, (owner, k, found)


def test_check_refuses_a_part_stored_twice(tmp_path):
    """A part stored twice in the archive (a copy with a formula, then a clean copy): zipfile reads the last copy
    only, so without this finding the formula scan never sees the first copy, which another reader may open."""
    tables = {"articles": pa.table({"article_id": ["001"]}), "t": pa.table({"x": ["a", "b"], "n": pa.array([1, 2], pa.int64())})}
    folder = tmp_path / "1.9.0"
    folder.mkdir()
    workbook.write_workbook(folder / "good.xlsx", tables)
    sheet = "xl/worksheets/sheet3.xml"
    with zipfile.ZipFile(folder / "good.xlsx") as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(folder / "bad.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            if name == sheet:
                out.writestr(name, data.replace(b'<c r="B2"><v>1</v></c>',
                                                b'<c r="B2"><f>1+0*LEN(WEBSERVICE("http://example.invalid/"))</f><v>1</v></c>'))
            out.writestr(name, data)
    whole = workbook.workbook_content_problems(folder / "bad.xlsx", tables)
    assert whole == [f"parts ['{sheet}'] are stored more than once (a workbook of values has each once)"]
    assert workbook.workbook_content_problems(folder / "bad.xlsx", tables, part=workbook.README) == whole


FORMULA_ELEMENTS = [b"<f>", b'<f ca="1">', b"<f/>", b"<f\n>", b"<x:f>", b"<formula>", b"<formula1>", b"<x:formula2 ", b"<definedName ",
                    b"<ns0:definedName>"]


@pytest.mark.parametrize("chunk", [workbook.CHUNK, 7])
def test_the_formula_scan_finds_every_form_it_looks_for(tmp_path, monkeypatch, chunk):
    """Every element FORMULA matches, with or without a namespace prefix, is found, also across the chunks the part is
    read in: the scan runs FORMULA only on text that holds one of FORMULA_HINTS, so a hint missing would let one through."""
    monkeypatch.setattr(workbook, "CHUNK", chunk)
    padding = b'<row r="2"><c r="A2" t="inlineStr"><is><t>a:b &lt;f</t></is></c></row>' * 3
    for element in FORMULA_ELEMENTS:
        assert workbook.FORMULA.search(element), element
        path = tmp_path / "w.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("clean.xml", padding)
            archive.writestr("part.xml", padding + element + b"1</f>" + padding)
        with zipfile.ZipFile(path) as archive:
            assert not workbook._holds_formula(archive, "clean.xml")
            assert workbook._holds_formula(archive, "part.xml"), element


@pytest.mark.parametrize("batch_rows", [workbook.BATCH_ROWS, 3])
def test_check_names_the_first_row_that_differs(tmp_path, monkeypatch, batch_rows):
    """The sheet is compared with the table a batch of rows at a time, a column at a time: the first row that differs
    is named by its row number, whichever batch and column it is in, and so is a row the sheet has beyond the table's
    or lacks."""
    monkeypatch.setattr(workbook, "BATCH_ROWS", batch_rows)
    articles = pa.table({"article_id": ["001"]})
    table = pa.table({"id": [f"r{i}" for i in range(10)], "n": pa.array(range(10), pa.int64()),
                      "flag": [i % 2 == 0 for i in range(10)], "note": pa.array([None] * 10, pa.string())})

    def problems(sheet: pa.Table) -> list[str]:
        workbook.write_workbook(tmp_path / "w.xlsx", {"articles": articles, "t": sheet})
        return workbook.workbook_content_problems(tmp_path / "w.xlsx", {"articles": articles, "t": table}, part="t")

    assert problems(table) == []
    for i in range(10):
        for j, value in ((0, pa.scalar("x")), (1, pa.scalar(99, pa.int64())), (2, pa.scalar(i % 2 != 0)), (3, pa.scalar("y"))):
            column = table.column(j).to_pylist()
            column[i] = value.as_py()
            changed = table.set_column(j, table.field(j), pa.array(column, table.field(j).type))
            assert problems(changed) == [f"sheet t: row {i + 2} is not the table's (the sheet has 10 rows below its header, the table 10)"], (i, j)
    assert problems(table.slice(0, 7)) == ["sheet t: row 9 is not the table's (the sheet has 7 rows below its header, the table 10)"]
    longer = pa.concat_tables([table, table.slice(0, 2)])
    assert problems(longer) == ["sheet t: row 12 is not the table's (the sheet has 12 rows below its header, the table 10)"]


@pytest.mark.parametrize("batch_rows", [workbook.BATCH_ROWS, 1])
def test_check_compares_the_columns_the_sheet_ends_before(tmp_path, monkeypatch, batch_rows):
    """A last column named "" has no header cell (XlsxWriter writes none for an empty name): a sheet that leaves out
    that column's values reads as a rectangle narrower than the table, and its missing cells are compared as empty
    with the table's values, not left out of the comparison."""
    monkeypatch.setattr(workbook, "BATCH_ROWS", batch_rows)
    articles = pa.table({"article_id": ["001"]})
    table = pa.table({"a": ["x", "y", "z"], "": pa.array([None, "kept", None], pa.string())})
    emptied = table.set_column(1, table.field(1), pa.nulls(3, pa.string()))

    def problems(sheet: pa.Table) -> list[str]:
        workbook.write_workbook(tmp_path / "w.xlsx", {"articles": articles, "t": sheet})
        return workbook.workbook_content_problems(tmp_path / "w.xlsx", {"articles": articles, "t": table}, part="t")

    assert problems(table) == []
    assert problems(emptied) == ["sheet t: row 3 is not the table's (the sheet has 3 rows below its header, the table 3)"]


@pytest.mark.parametrize("prefix", [b"x", b"x" * 50_000])
def test_the_formula_scan_searches_a_chunk_at_a_time_however_long_a_tag(tmp_path, monkeypatch, prefix):
    """A part with no "<" after its last (a few kilobytes of archive can inflate to gigabytes of one byte) is searched
    a chunk at a time, not again whole with every chunk; a formula whose tag a chunk's end cuts, after a prefix of any
    length, is still found."""
    monkeypatch.setattr(workbook, "CHUNK", 1000)
    searched = []

    class Counted:
        def search(self, text):
            searched.append(len(text))
            return FORMULA.search(text)

    FORMULA = workbook.FORMULA
    monkeypatch.setattr(workbook, "FORMULA", Counted())
    path = tmp_path / "w.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("long.xml", b"<" + b"a" * 50_000 + b" :f" * 2000)  # a hint in every chunk: each is searched
        archive.writestr("cut.xml", b"<a>" * 333 + b"<" + prefix + b":formula1>1</x:formula1>")
    with zipfile.ZipFile(path) as archive:
        assert not workbook._holds_formula(archive, "long.xml")
        assert max(searched) < 1100, "a chunk's search holds all the part before it"
        assert workbook._holds_formula(archive, "cut.xml")
