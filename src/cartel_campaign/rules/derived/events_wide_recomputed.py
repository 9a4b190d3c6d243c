"""Rule `events-wide-recomputed` (derived): events_wide is the events joined with their actors, crosswalk codes and articles."""
from __future__ import annotations

from ... import views
from ..registry import rule
from ..tables import compare


@rule("events-wide-recomputed", "derived", ("events_wide", *views.SOURCES["events_wide"]),
      "events_wide is the events joined with their actors, crosswalk codes and articles", since="1.2.0")
def events_wide_recomputed(rows, texts):
    return compare(views.events_wide(rows), list(rows["events_wide"]))
