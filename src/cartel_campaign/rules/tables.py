"""The derived tables, computed once: `SummaryCounter` (actor_summary), `compare` (a recomputed table against the
release's, as rows) and `view_problems` (an analysis-ready view recomputed with cartel_campaign.views and compared with
the release's, as Arrow tables: `compare_tables`).
"""
from __future__ import annotations

from collections import Counter, defaultdict

import pyarrow as pa
import pyarrow.compute as pc

from .. import views


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


def _rows_differ(expected, found):
    """Whether each row's value differs (two Nones are the same)."""
    same = pc.fill_null(pc.equal(expected, found), False)
    return pc.invert(pc.or_(same, pc.and_(pc.is_null(expected), pc.is_null(found))))


def compare_tables(expected: pa.Table, found: pa.Table) -> list[str]:
    """compare, on two Arrow tables of the same schema: the first row that differs, each of its differing columns with
    the release's value and the recomputed one."""
    if len(expected) != len(found):
        return [f"the release has {len(found)} rows, recomputing them from the other tables and the articles gives {len(expected)}"]
    if expected.equals(found):
        return []
    differ = {c: _rows_differ(expected[c], found[c]) for c in expected.column_names}
    firsts = [i for i in (pc.index(d, True).as_py() for d in differ.values()) if i >= 0]
    if not firsts:
        return []  # the same values (tables may differ only in how they are chunked)
    i = min(firsts)
    cols = [c for c, d in differ.items() if d[i].as_py()]
    return [f"row {i}: {', '.join(f'{c} is {found[c][i].as_py()!r}, recomputed {expected[c][i].as_py()!r}' for c in cols)}"]


def view_problems(name: str, rows: dict) -> list[str]:
    """View `name` recomputed from the release's other tables (`rows`: table -> checks.LazyRows, as the rule runner gives
    them; their .table is read) with the columns and types of the release's own view, then compared with it."""
    tables = {t: getattr(rows.get(t), "table", None) for t in (name, *views.SOURCES[name])}
    missing = [t for t, table in tables.items() if table is None]
    if missing:
        return [f"not recomputed: the release has no readable {' or '.join(missing)} table"]
    found = tables.pop(name)
    try:
        expected = views.view_table(name, tables, found.schema)
    except (views.ViewError, KeyError, pa.ArrowException) as err:
        return [f"cannot be recomputed from the other tables with the release's columns and types: {err}"]
    return compare_tables(expected, found)
