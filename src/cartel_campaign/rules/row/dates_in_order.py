"""Rule `dates-in-order` (row): date_start <= date_end."""
from __future__ import annotations

from ..registry import rule


@rule("dates-in-order", "row", ("events", "claims"), "date_start <= date_end", "date_end")
def dates_in_order(r):
    if r["date_start"] and r["date_end"] and r["date_start"] > r["date_end"]:
        return f"date start {r['date_start']} is after end {r['date_end']}"
