"""Rule `claimed-event-has-source` (row): source_actor_id given for claimed rows."""
from __future__ import annotations

from ..registry import rule


@rule("claimed-event-has-source", "row", "events", "source_actor_id given for claimed rows", "attribution")
def claimed_event_has_source(r):
    if r["attribution"] == "claimed" and not r["source_actor_id"]:
        return "a claimed event needs 'source' (who claims it)"
