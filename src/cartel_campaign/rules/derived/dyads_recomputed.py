"""Rule `dyads-recomputed` (derived): dyads are the source -> target pairs of the events and claims."""
from __future__ import annotations

from ... import views
from ..registry import rule
from ..tables import view_problems


@rule("dyads-recomputed", "derived", ("dyads", *views.SOURCES["dyads"]), "dyads are the source -> target pairs of the events and claims",
      since="1.2.0")
def dyads_recomputed(rows, texts):
    return view_problems("dyads", rows)
