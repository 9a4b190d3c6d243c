"""Rule `span-length-is-text` (row): char_end - char_start == the length of the span's text."""
from __future__ import annotations

from ..registry import rule
from ..text import SPAN_TABLES


@rule("span-length-is-text", "row", tuple(SPAN_TABLES), "char_end - char_start == the length of the span's text")
def span_length_is_text(r):
    column = "alias" if "alias" in r else "text"
    if r["char_end"] - r["char_start"] != len(r[column]):
        return column, (f"char_end - char_start is {r['char_end'] - r['char_start']} but the {'alias' if column == 'alias' else 'text'} "
                        f"has {len(r[column])} characters")
