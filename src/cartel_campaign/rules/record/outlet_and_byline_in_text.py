"""Rule `outlet-and-byline-in-text` (record): outlet and byline are copied from the article text."""
from __future__ import annotations

from pathlib import PurePosixPath

from ..registry import rule


@rule("outlet-and-byline-in-text", "record", "articles", "outlet and byline are copied from the article text")
def outlet_and_byline_in_text(r, view):
    for column in ("outlet", "byline"):
        if r.get(column) is not None and r[column] not in view.text:
            return column, (f"{column} must be copied from the article text (leave it out where the text does not state it); "
                            f"{r[column]!r} is not in {PurePosixPath(r['seed_file']).name}")
