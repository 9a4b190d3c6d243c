"""Rule `announced-before-effective` (row): announced_date <= effective_date."""
from __future__ import annotations

from ..registry import rule


@rule("announced-before-effective", "row", "designations", "announced_date <= effective_date", "effective_date")
def announced_before_effective(r):
    if r["announced_date"] and r["effective_date"] and r["announced_date"] > r["effective_date"]:
        return f"announced_date {r['announced_date']} is after effective_date {r['effective_date']}"
