"""Rule `same-event-not-itself` (row): same_event_as is not the row itself."""
from __future__ import annotations

from ..registry import rule


@rule("same-event-not-itself", "row", "events", "same_event_as is not the row itself", "same_event_as")
def same_event_not_itself(r):
    if r["same_event_as"] is not None and r["same_event_as"] == r["event_id"]:
        return "same_event_as points at the event itself"
