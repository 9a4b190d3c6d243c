"""Rule `placed-in-time` (row): every claim and every event not scheduled has a date or a date window."""
from __future__ import annotations

from ..registry import rule


@rule("placed-in-time", "row", ("events", "claims"), "every claim and every event not scheduled has a date or a date window",
      "date_precision", since="1.2.0")
def placed_in_time(r):
    if r["date_precision"] == "unknown" and r.get("status") != "scheduled":
        return ("no date: give the date the text states, or else a date window it cannot lie outside "
                "({precision: window, end: <the article's latest publication bound>, start: <the earliest bound the text supports, "
                "if any>, inferred: true, basis: ...})")
