"""Rule `plausible-dates` (row): dates in the plausible window."""
from __future__ import annotations

from ..registry import rule


#: The date columns held to the plausible window, in the order they are checked.
DATE_COLUMNS = ("published_earliest", "published_latest", "date_start", "date_end", "announced_date", "effective_date")


@rule("plausible-dates", "row", ("articles", "events", "designations"), "dates in the plausible window")
def plausible_dates(r):
    for col in DATE_COLUMNS:
        problem = plausible_date_rule(r.get(col), col)
        if problem:
            return col, problem


#: Dates outside this window are not plausible for a late-2025 campaign seen in the articles.
PLAUSIBLE_DATES = ("1990-01-01", "2030-12-31")


def plausible_date_rule(value, column: str) -> str | None:
    """Rule 'dates lie in the plausible window' (PLAUSIBLE_DATES)."""
    low, high = PLAUSIBLE_DATES
    if value is not None and not low <= str(value) <= high:
        return f"{column} {value} is outside the plausible window {low} .. {high}"
    return None
