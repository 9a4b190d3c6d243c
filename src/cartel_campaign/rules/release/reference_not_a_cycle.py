"""Rule `reference-not-a-cycle` (release): a reference (same_event_as, affiliation) never comes back to where it started."""
from __future__ import annotations

from ..registry import rule


def reference_chain_rule(links: dict[str, str | None], what: str) -> dict[str, str]:
    """Rule 'a reference (same_event_as, affiliation) never comes back to where it started':
    id -> message for each id whose chain of references is a cycle."""
    out = {}
    for start in links:
        seen, node = [start], links.get(start)
        while node is not None and node not in seen and node in links:
            seen.append(node)
            node = links.get(node)
        if node == start:
            out[start] = f"{what} forms a cycle: " + " -> ".join(seen + [start])
    return out


@rule("reference-not-a-cycle", "release", ("events", "actors"), "a reference (same_event_as, affiliation) never comes back to where it started")
def reference_not_a_cycle(rows):
    for table, id_col, col, what in (("events", "event_id", "same_event_as", "same_event_as"),
                                     ("actors", "actor_id", "affiliation_actor_id", "affiliation")):
        cycles = reference_chain_rule({r[id_col]: r[col] for r in rows.get(table, ())}, what)
        for row in rows.get(table, ()):
            if row[id_col] in cycles and row[col] != row[id_col]:  # pointing at itself is a row rule
                yield table, row, col, cycles[row[id_col]]
