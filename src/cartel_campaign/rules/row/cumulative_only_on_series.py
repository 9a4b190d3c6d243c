"""Rule `cumulative-only-on-series` (row): fatalities_cumulative only on strike_series rows."""
from __future__ import annotations

from ..registry import rule


@rule("cumulative-only-on-series", "row", "events", "fatalities_cumulative only on strike_series rows", "fatalities_cumulative")
def cumulative_only_on_series(r):
    if r["fatalities_cumulative"] is not None and r["event_type"] != "strike_series":
        return "fatalities_cumulative is only for strike_series events"
