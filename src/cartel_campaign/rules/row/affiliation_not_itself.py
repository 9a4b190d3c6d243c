"""Rule `affiliation-not-itself` (row): affiliation is not the actor itself."""
from __future__ import annotations

from ..registry import rule


@rule("affiliation-not-itself", "row", "actors", "affiliation is not the actor itself", "affiliation_actor_id")
def affiliation_not_itself(r):
    if r["affiliation_actor_id"] is not None and r["affiliation_actor_id"] == r["actor_id"]:
        return "affiliation points at the actor itself"
