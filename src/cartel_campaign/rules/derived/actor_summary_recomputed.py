"""Rule `actor-summary-recomputed` (derived): actor_summary counts the other tables."""
from __future__ import annotations

from ..registry import rule
from ..tables import SummaryCounter, compare


@rule("actor-summary-recomputed", "derived", ("actor_summary", "actors", *SummaryCounter.FED_BY), "actor_summary counts the other tables")
def actor_summary_recomputed(rows, texts):
    summary = SummaryCounter()
    for table in SummaryCounter.FED_BY:
        for row in rows[table]:
            summary.add(table, row)
    return compare(list(summary.rows([a["actor_id"] for a in rows["actors"]])), list(rows["actor_summary"]))
