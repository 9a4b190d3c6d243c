"""Rule `date-given-with-precision` (row): dates given unless date_precision is unknown."""
from __future__ import annotations

from ..registry import rule


@rule("date-given-with-precision", "row", ("events", "claims"), "dates given unless date_precision is unknown", "date_precision")
def date_given_with_precision(r):
    start, end, precision = r["date_start"], r["date_end"], r["date_precision"]
    if precision == "unknown" and (start or end):
        return "date precision is unknown but a date is given; drop start/end or set the precision"
    if precision == "window":
        return window_problem(r)
    if precision != "unknown" and start is None:
        return f"date precision {precision!r} needs a start date"
    if precision != "unknown" and end is None and r.get("status") != "ongoing":
        return f"date precision {precision!r} needs start and end (day: start alone)"


def window_problem(r):
    """A window (the text gives no date): its end is required (the latest day the date can be), its start
    only where the text supports a lower bound; it is always inferred."""
    if r["date_end"] is None:
        return "date precision 'window' needs an end (the latest day the date can be: the article's latest publication bound or earlier)"
    if not r["date_inferred"]:
        return "a date window is inferred (the text gives no date): set inferred: true and say in basis where each bound comes from"
