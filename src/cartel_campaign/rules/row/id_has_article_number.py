"""Rule `id-has-article-number` (row): record ids start with their article's number."""
from __future__ import annotations

from ... import records
from ..registry import rule
from ..text import article_number


@rule("id-has-article-number", "row", tuple(r.table for r in records.id_prefixed()), "record ids start with their article's number")
def id_has_article_number(r):
    id_column = next(iter(r))  # a record table's id is its first column (tests/test_records.py)
    prefix = article_number(r["article_id"]) + "-"
    if not r[id_column].startswith(prefix):
        return id_column, f"id must start with the article number {prefix!r}, found {r[id_column]!r}"
