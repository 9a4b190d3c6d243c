"""A table's rows as the sheet XML that XlsxWriter writes for them in constant-memory mode, made a column at a
time with Arrow. The workbook export (cartel_campaign.workbook) hands this text to XlsxWriter in place of one
XlsxWriter call per cell; XlsxWriter still writes everything else (the sheet around the rows, styles, the zip).

Why: XlsxWriter's per-cell calls cost about 10 µs a cell, most of the build's time at scale (the workbook job
alone was 22.8 CPU-s at 300×), and the workbook of a published release keeps its bytes. The text made here is,
character for character, what XlsxWriter (3.3, pinned in requirements/lock.txt) writes for the same values in
constant-memory mode (Worksheet._write_single_row and _write_cell): tests/test_sheetxml.py compares whole
workbooks written both ways, on awkward values.

- The header (row 1, the column names) is written by XlsxWriter itself (Worksheet.write_row: an empty name has no
  cell, and a name it truncates ends the header), and handed to the sheet before the rows.
- A row is `<row r="N">`, its cells in column order, then `</row>`. A missing value has no cell, and a row with
  no value at all is left out.
- Text is an inline string. A text XlsxWriter changes (control characters, `_xHHHH_`, whitespace at either end,
  rich-string markup, longer than half of Excel's cell limit) is written value by value by XlsxWriter's own
  helpers; any other text only has & < > escaped, in Arrow.
- Integers up to 2**53 are their decimal text (what XlsxWriter's `{:.16G}` gives for them). Larger integers,
  floats, dates (the serial number, with the date format) and booleans (`t="b"`, 1 or 0) are made value by value.

XlsxWriter internals this relies on (hence `xlsxwriter<3.4` in the build extra; the tests fail if one changes):
the worksheet's row file `ws.fh`, `ws._write_single_row` and `ws._check_dimensions` (rows and the <dimension>),
`Format._get_xf_index` (the date style), and the helpers that make one text or date as XlsxWriter does
(`XMLwriter._escape_control_characters`, `utility._preserve_whitespace`, `_utf16_len`, `_utf16_truncate`,
`_datetime_to_excel_datetime`).
"""
from __future__ import annotations

import functools
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

#: Rows made at a time: memory stays bounded by a batch, not a table (at 300×, 16,384 rows at a time added 207 MB to
#: the workbook job, 4,096 rows 73 MB, for the same CPU time).
BATCH_ROWS = 4_096
#: Rows in a sheet (Excel's limit; XlsxWriter drops a cell beyond it).
MAX_ROWS = 1_048_576
#: Columns in a sheet (Excel's limit; XlsxWriter drops a cell beyond it).
MAX_COLUMNS = 16_384
#: XlsxWriter's longest text in a cell, in UTF-16 units (Worksheet.xls_strmax); it truncates a longer one.
MAX_TEXT = 32_767
#: The characters Python's `\s` matches, which XlsxWriter's whitespace test uses (tests check the list).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
              "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"
#: A text XlsxWriter changes beyond escaping & < > (RE2 syntax): control characters and U+FFFE/U+FFFF (written as
#: _xHHHH_), "_x" (it may begin such an escape, which is escaped in turn), rich-string markup, whitespace at either end.
CHANGED_TEXT = f"[\\x{{0}}-\\x{{1f}}\\x{{fffe}}\\x{{ffff}}]|_x|^<r>|^{_SPACE}|{_SPACE}$"
#: What XlsxWriter escapes in a cell's text (XMLwriter._escape_data), in this order.
ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
#: Excel's serial number of 1970-01-01 (it counts 1900-02-29, a day that never was; XlsxWriter's _datetime_to_excel_datetime).
EXCEL_1970 = 25_569
#: Integers whose decimal text is their `{:.16G}` (exact as a float, under 17 digits).
EXACT_INTEGER = 2 ** 53


def write_table(ws, table: pa.Table, day) -> None:
    """The table's header (row 1, its column names) and its rows into worksheet `ws` of a constant-memory
    XlsxWriter workbook, just added and not written to; `day` is the workbook's date format."""
    if not table.num_columns:
        return
    if table.num_rows >= MAX_ROWS:
        raise ValueError(f"{table.num_rows:,} rows: a sheet holds at most {MAX_ROWS - 1:,} below its header")
    if table.num_columns > MAX_COLUMNS:
        raise ValueError(f"{table.num_columns:,} columns: a sheet holds at most {MAX_COLUMNS:,}")
    ws.write_row(0, 0, table.column_names)
    ws._write_single_row(1)  # the header's row XML, written before the rows (XlsxWriter writes a row once the next begins)
    first = 1
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        for row, column in _write_rows(ws, batch, first, day):  # the cells' extent, as XlsxWriter records it for <dimension>
            ws._check_dimensions(row, column)
        first += batch.num_rows


def _write_rows(ws, batch: pa.RecordBatch, first: int, day) -> list[tuple[int, int]]:
    """The batch's rows as sheet rows `first`, `first` + 1, ... (counted from 0); returns the corners (row, column)
    of the written cells' extent, none if no cell was written."""
    from xlsxwriter.utility import xl_col_to_name

    numbers = pc.cast(pa.array(range(first + 1, first + batch.num_rows + 1), pa.int64()), pa.string())
    cells = [column_cells(column, xl_col_to_name(j), numbers, day) for j, column in enumerate(batch.columns)]
    present = functools.reduce(pc.or_, [pc.is_valid(c) for c in cells])
    rows = pc.binary_join_element_wise('<row r="', numbers, '">',
                                       pc.binary_join_element_wise(*cells, "", null_handling="replace", null_replacement=""),
                                       "</row>", "").filter(present)
    _append_utf8(ws.fh, rows)
    written = pc.indices_nonzero(present)
    columns = [j for j, c in enumerate(cells) if c.null_count < len(c)]
    return [(first + written[0].as_py(), columns[0]), (first + written[-1].as_py(), columns[-1])] if columns else []


def _append_utf8(fh, texts: pa.StringArray) -> None:
    """The texts, one after the other, appended to XlsxWriter's row file (a UTF-8 text file) as the UTF-8 bytes Arrow
    holds them in (no Python text is made): its text layer is flushed first, so what was written through it comes before."""
    if len(texts):
        _, offsets, data = texts.buffers()
        offsets = pa.Array.from_buffers(pa.int32(), len(texts) + 1, [None, offsets], offset=texts.offset)
        fh.flush()
        fh.buffer.write(memoryview(data)[offsets[0].as_py():offsets[-1].as_py()])


def column_cells(column: pa.Array, letter: str, numbers: pa.Array, day) -> pa.Array:
    """Each value's <c> element (null where the value is missing); `letter` is the column's, `numbers` the rows'
    numbers as text."""
    kind = python_type(column.type)
    if kind is str:
        return _text_cells(column, letter, numbers)
    if kind is int and _exact(column):
        return pc.binary_join_element_wise('<c r="', letter, numbers, '"><v>', pc.cast(column, pa.string()), "</v></c>", "")
    if kind is date and pa.types.is_date32(column.type) and _after_1900_leap_day(column):
        serial = pc.cast(pc.add(pc.cast(column, pa.int32()), EXCEL_1970), pa.string())
        return pc.binary_join_element_wise('<c r="', letter, numbers, f'" s="{day._get_xf_index()}"><v>', serial, "</v></c>", "")
    make = {int: _number_cell, float: _number_cell, bool: _boolean_cell, date: functools.partial(_date_cell, day=day)}.get(
        kind, lambda ref, value: text_cell(ref, str(value)))
    return pa.array([None if value is None else make(f"{letter}{n}", value)
                     for n, value in zip(numbers.to_pylist(), column.to_pylist())], pa.string())


def python_type(arrow_type) -> type:
    """The Python type a column's values are written as (object: written as their text)."""
    tests = ((pa.types.is_string, str), (pa.types.is_large_string, str), (pa.types.is_date, date), (pa.types.is_boolean, bool),
             (pa.types.is_integer, int), (pa.types.is_floating, float))
    return next((kind for test, kind in tests if test(arrow_type)), object)


def _exact(column: pa.Array) -> bool:
    """Every integer's decimal text is its `{:.16G}`."""
    low, high = pc.min_max(column).values()
    return low.as_py() is None or (-EXACT_INTEGER <= low.as_py() and high.as_py() <= EXACT_INTEGER)


def _after_1900_leap_day(column: pa.Array) -> bool:
    """Every date is after 1900-02-28 (from there on, Excel's serial number is the days since 1970 + EXCEL_1970),
    and at least one is given (the date format is used only then: see _date_cell)."""
    low = pc.min(pc.cast(column, pa.int32())).as_py()
    return low is not None and low + EXCEL_1970 > 60


def _text_cells(column: pa.Array, letter: str, numbers: pa.Array) -> pa.Array:
    """Inline strings: the texts XlsxWriter changes value by value (text_cell), the others escaped in Arrow."""
    if pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    escaped = column
    for character, entity in ESCAPES:
        escaped = pc.replace_substring(escaped, character, entity)
    cells = pc.binary_join_element_wise('<c r="', letter, numbers, '" t="inlineStr"><is><t>', escaped, "</t></is></c>", "")
    changed = pc.fill_null(pc.or_(pc.match_substring_regex(column, CHANGED_TEXT),
                                  pc.greater(pc.utf8_length(column), MAX_TEXT // 2)), False)
    indices = pc.indices_nonzero(changed).to_pylist()
    if not indices:
        return cells
    own = [None] * len(column)
    for i in indices:
        own[i] = text_cell(f"{letter}{numbers[i].as_py()}", column[i].as_py())
    return pc.if_else(changed, pa.array(own, pa.string()), cells)


def text_cell(ref: str, text: str) -> str:
    """An inline string as XlsxWriter writes it in constant-memory mode (Worksheet._write_string and _write_cell)."""
    from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate
    from xlsxwriter.xmlwriter import XMLwriter

    if len(text) > MAX_TEXT // 2 and _utf16_len(text) > MAX_TEXT:
        text = _utf16_truncate(text, MAX_TEXT)
    text = XMLwriter._escape_control_characters(text)
    if text.startswith("<r>") and text.endswith("</r>"):
        return f'<c r="{ref}" t="inlineStr"><is>{text}</is></c>'
    preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    for character, entity in ESCAPES:
        text = text.replace(character, entity)
    return f'<c r="{ref}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


def _number_cell(ref: str, number) -> str:
    if number != number or number in (float("inf"), float("-inf")):  # XlsxWriter's refusal, without nan_inf_to_errors
        raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
    return f'<c r="{ref}"><v>{number:.16G}</v></c>'


def _boolean_cell(ref: str, value: bool) -> str:
    return f'<c r="{ref}" t="b"><v>{1 if value else 0}</v></c>'


def _date_cell(ref: str, value: date, day) -> str:
    from xlsxwriter.utility import _datetime_to_excel_datetime

    # The format's index is asked for only when a date is written: XlsxWriter lists a format in the workbook's
    # styles once a cell has used it.
    return f'<c r="{ref}" s="{day._get_xf_index()}"><v>{_datetime_to_excel_datetime(value, False, False):.16G}</v></c>'
