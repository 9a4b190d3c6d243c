"""What a value from the data may be where a person meets it: a spreadsheet, a terminal, a rendered
Markdown page. One named function each, used by every writer and printer:

* `formula_rule`        text written by an annotator must not begin like a spreadsheet formula (the
                        build refuses it at FILE:LINE); verbatim article text is guarded in the CSV
                        instead (release.Dialect.guard), and `validate` checks every CSV cell
                        (`formula_cells`);
* `control_character`   an article's text holds no control character but newline and tab (the build
                        refuses one at FILE:LINE:COLUMN);
* `terminal`            a value as the command line prints it: control and bidirectional-formatting
                        characters shown as escapes (`safe_output` also keeps a stdout that cannot
                        encode a character from failing);
* `markdown`            a value as a generated Markdown document shows it: literal text, never HTML,
                        a link or a table cell break.

Only the standard library is imported here (pyarrow inside the one function that needs it).
"""
from __future__ import annotations

import html
import re
import sys

from .release import CSV

# ------------------------------------------------------------------ spreadsheets ----


def formula_rule(value: str) -> str | None:
    """Rule 'no annotated text begins like a spreadsheet formula': a value beginning with one of
    CSV.formula_start (= + - @ tab CR) is run as a formula by Excel and LibreOffice when the CSV is
    opened, quoted or not. None when the value is safe, else what is wrong."""
    if value[:1] and value[0] in CSV.formula_start:
        return (f"begins with {value[0]!r}, which a spreadsheet opening the CSV runs as a formula; "
                f"expected text beginning with a letter, a digit or a quotation mark (found {value[:60]!r})")
    return None


#: Cells per column a formula finding names (the first ones).
FORMULA_CELLS_NAMED = 5


def formula_cells(table, what: str, limit: int = FORMULA_CELLS_NAMED, first_row: int = 0) -> dict[str, list[str]]:
    """formula_rule on every text cell of a table read from a CSV as written (before CSV.unguard): the cells the CSV
    format should have guarded (the first `limit` per column), by column (each text column's list, maybe empty); rows
    are counted from first_row (the table is a part of a CSV read a block at a time)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    starts = pa.array(list(CSV.formula_start))
    problems = {}
    for name, column in zip(table.column_names, table.columns):
        if not pa.types.is_string(column.type):
            continue
        flagged = pc.fill_null(pc.is_in(pc.utf8_slice_codeunits(column, 0, 1), value_set=starts), False)
        problems[name] = [f"{what}: row {first_row + row}, column {name}: a cell {formula_rule(column[row].as_py())}"
                          for row in (pc.indices_nonzero(flagged).to_pylist()[:limit] if pc.any(flagged).as_py() else [])]
    return problems


# ------------------------------------------------------------------ article text ----

#: Control characters no text may hold where a person reads it: C0 but tab and newline, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_character(text: str) -> tuple[int, int, str] | None:
    """Rule 'an article holds no control character but newline and tab' (NUL, ESC, CR, the other
    C0 and C1 controls): (line, column, what was found) of the first one, both from 1; None if clean."""
    m = CONTROL.search(text)
    if m is None:
        return None
    line_start = text.rfind("\n", 0, m.start()) + 1
    return (text.count("\n", 0, m.start()) + 1, m.start() - line_start + 1,
            f"a control character U+{ord(m.group()):04X}; expected text with no control character but newline and tab")


# ------------------------------------------------------------------ terminals ----

#: What a terminal would act on rather than show: controls (not tab, newline) and invisible or bidirectional formatting.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def terminal(text: str) -> str:
    """Text as the command line prints it: every character a terminal would act on (ESC, CR, BEL,
    C1 controls, bidirectional overrides …) shown as its escape (\\x1b, \\u202e); tab and newline kept."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def safe_output() -> None:
    """stdout and stderr never fail on a character their encoding lacks (a cp1252 redirect): it is
    written as an escape (\\u2192) instead."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.errors or "strict") == "strict":
            stream.reconfigure(errors="backslashreplace")


def echo(text: str = "", file=None, end: str = "\n") -> None:
    """print() for text holding values from the data: through `terminal`."""
    print(terminal(str(text)), file=file if file is not None else sys.stdout, end=end)


# ------------------------------------------------------------------ Markdown ----

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`\[\]|])")


def markdown(value, code: bool = False) -> str:
    """A value as literal text in a generated Markdown document (a table cell, a list item, a
    paragraph): HTML's < > & as entities, Markdown's \\ ` [ ] | escaped (no link, code span or
    cell break), line breaks as spaces;
    so a rendering by pandoc, MkDocs or GitHub shows the value and never runs or links it.

    code=True: the value as an inline code span: a run of backticks longer than any inside it
    (inside a code span nothing is HTML or markup; | is still escaped for table cells)."""
    text = " ".join(str(value).splitlines())
    if code:
        fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False))
