"""Rule `record-has-evidence` (release): every record of an evidenced table has evidence, and every evidence row a record."""
from __future__ import annotations

from collections import defaultdict

from ... import records
from ..registry import rule


@rule("record-has-evidence", "release", ("evidence", *(r.table for r in records.evidenced())),
      "every record of an evidenced table has evidence, and every evidence row a record")
def record_has_evidence(rows):
    evidence_of: dict = defaultdict(list)  # record table -> its evidence rows, in order: the evidence is read once
    for e in rows.get("evidence", ()):
        evidence_of[e["record_table"]].append(e)
    for rt in records.evidenced():
        cited = {e["record_id"] for e in evidence_of[rt.table]}
        ids = set()
        for row in rows.get(rt.table, ()):
            ids.add(row[rt.id_column])
            if row[rt.id_column] not in cited:
                yield rt.table, row, rt.id_column, "has no evidence row"
        for e in evidence_of[rt.table] if rt.table in rows else ():
            if e["record_id"] not in ids:
                yield "evidence", e, "record_id", f"record {e['record_id']!r} does not exist in {rt.table}"
