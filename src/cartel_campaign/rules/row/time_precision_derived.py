"""Rule `time-precision-derived` (row): time_precision is derived from the date."""
from __future__ import annotations

from ... import crosswalk
from ..registry import rule


@rule("time-precision-derived", "row", "events", "time_precision is derived from the date", "time_precision", since="1.1.0")
def time_precision_derived(r):
    expected = crosswalk.time_precision(r["date_precision"], r["date_start"], r["date_end"])
    if r.get("time_precision") != expected:
        return f"time_precision is {r.get('time_precision')!r}, but the date ({r['date_precision']}) gives {expected!r}"
