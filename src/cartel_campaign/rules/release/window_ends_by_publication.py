"""Rule `window-ends-by-publication` (release): a date window ends no later than its article's latest publication date."""
from __future__ import annotations

from ..registry import rule


@rule("window-ends-by-publication", "release", ("events", "claims", "articles"),
      "a date window ends no later than its article's latest publication date", "date_end", since="1.2.0")
def window_ends_by_publication(rows):
    latest = {a["article_id"]: a["published_latest"] for a in rows.get("articles", ())}
    for table in ("events", "claims"):
        for r in rows.get(table, ()):
            bound = latest.get(r["article_id"])
            if r["date_precision"] == "window" and r["date_end"] is not None and bound is not None and r["date_end"] > bound:
                yield table, r, "date_end", (f"a date window ends ({r['date_end']}) after the article's latest publication "
                                             f"date {bound}; what an article reports cannot lie after it appeared")
