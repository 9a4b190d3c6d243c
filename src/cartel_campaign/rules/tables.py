"""The derived tables, computed once: `SummaryCounter` (actor_summary) and `compare` (a recomputed table against the
release's).
"""
from __future__ import annotations

from collections import Counter, defaultdict


class SummaryCounter:
    """actor_summary, counted in one pass over each table (fed row by row, then `rows(actor_ids)`)."""

    def __init__(self):
        self.n_mentions, self.articles = Counter(), defaultdict(set)
        self.n_quotes, self.events, self.n_targets = Counter(), defaultdict(set), Counter()
        self.aliases: set = set()  # aliases found at least once

    def add(self, table: str, row: dict) -> None:
        if table == "actor_mentions":
            self.n_mentions[row["actor_id"]] += 1
            self.articles[row["actor_id"]].add(row["article_id"])
            self.aliases.add(row["alias"])
        elif table == "quotes":
            self.n_quotes[row["speaker_actor_id"]] += 1
        elif table == "event_actors":
            self.events[row["actor_id"]].add(row["event_id"])
        elif table == "designations":
            self.n_targets[row["target_actor_id"]] += 1

    FED_BY = ("actor_mentions", "quotes", "event_actors", "designations")

    def rows(self, actor_ids):
        for aid in actor_ids:
            arts = self.articles.get(aid, ())
            yield {"actor_id": aid, "n_mentions": self.n_mentions[aid], "n_articles": len(arts), "n_quotes": self.n_quotes[aid],
                   "n_events": len(self.events.get(aid, ())), "n_designations_as_target": self.n_targets[aid],
                   "first_article_id": min(arts, default=None)}


def compare(expected: list[dict], found: list[dict]) -> list[str]:
    if expected == found:
        return []
    if len(expected) != len(found):
        return [f"the release has {len(found)} rows, recomputing them from the other tables and the articles gives {len(expected)}"]
    i = next(i for i, (a, b) in enumerate(zip(expected, found)) if a != b)
    cols = [k for k in expected[i] if expected[i].get(k) != found[i].get(k)]
    return [f"row {i}: {', '.join(f'{c} is {found[i].get(c)!r}, recomputed {expected[i].get(c)!r}' for c in cols)}"]
