"""Rule `events-wide-recomputed` (derived): events_wide is the events joined with their actors, crosswalk codes and articles."""
from __future__ import annotations

from ... import views
from ..registry import rule
from ..tables import view_problems


@rule("events-wide-recomputed", "derived", ("events_wide", *views.SOURCES["events_wide"]),
      "events_wide is the events joined with their actors, crosswalk codes and articles", since="1.2.0")
def events_wide_recomputed(rows, texts):
    return view_problems("events_wide", rows)
