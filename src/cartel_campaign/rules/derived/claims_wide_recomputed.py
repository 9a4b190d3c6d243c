"""Rule `claims-wide-recomputed` (derived): claims_wide is the claims joined with their actors, crosswalk codes, quotes and evidence."""
from __future__ import annotations

from ... import views
from ..registry import rule
from ..tables import view_problems


@rule("claims-wide-recomputed", "derived", ("claims_wide", *views.SOURCES["claims_wide"]),
      "claims_wide is the claims joined with their actors, crosswalk codes, quotes and evidence", since="1.2.0")
def claims_wide_recomputed(rows, texts):
    return view_problems("claims_wide", rows)
