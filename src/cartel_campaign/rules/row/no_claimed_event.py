"""Rule `no-claimed-event` (row): no event is claimed (a claim is a claims row)."""
from __future__ import annotations

from ..registry import rule


@rule("no-claimed-event", "row", "events", "no event is claimed (a claim is a claims row)", "attribution", since="1.1.0")
def no_claimed_event(r):
    if r["attribution"] == "claimed":
        return ("attribution claimed: what an actor claims and the article does not confirm is that actor's claim; "
                "record it under claims, not as an event")
