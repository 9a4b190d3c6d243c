"""Rule `span-not-empty` (row): char_start < char_end."""
from __future__ import annotations

from ..registry import rule
from ..text import SPAN_TABLES


@rule("span-not-empty", "row", tuple(SPAN_TABLES), "char_start < char_end", "char_end")
def span_not_empty(r):
    if not r["char_start"] < r["char_end"]:
        return f"char_start {r['char_start']} is not before char_end {r['char_end']}"
