"""Rule `ongoing-has-no-end` (row): an ongoing event has no end date (a window bounds when it began)."""
from __future__ import annotations

from ..registry import rule


@rule("ongoing-has-no-end", "row", "events", "an ongoing event has no end date (a window bounds when it began)", "date_end", since="1.1.0")
def ongoing_has_no_end(r):
    if r["status"] == "ongoing" and r["date_end"] is not None and r["date_precision"] != "window":
        return (f"an ongoing event has no end date (found {r['date_end']}): its date says when it began "
                "(start, with the precision of that start)")
