"""Rule `first-mentions-recomputed` (derived): an actor's evidence is its first mention in each article."""
from __future__ import annotations

from ..aliases import first_mention_evidence
from ..registry import rule
from ..tables import compare


@rule("first-mentions-recomputed", "derived", ("evidence", "actor_mentions"), "an actor's evidence is its first mention in each article")
def first_mentions_recomputed(rows, texts):
    recorded = [r for r in rows["evidence"] if r["basis"] == "first_mention"]
    return compare(list(first_mention_evidence(rows["actor_mentions"])), recorded)
