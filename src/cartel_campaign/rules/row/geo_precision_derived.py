"""Rule `geo-precision-derived` (row): geo_precision is derived from location and country."""
from __future__ import annotations

from ... import crosswalk
from ..registry import rule


@rule("geo-precision-derived", "row", "events", "geo_precision is derived from location and country", "geo_precision", since="1.1.0")
def geo_precision_derived(r):
    expected = crosswalk.geo_precision(r["location"], r["country"])
    if r.get("geo_precision") != expected:
        return f"geo_precision is {r.get('geo_precision')!r}, but location {r['location']!r} gives {expected!r}"
