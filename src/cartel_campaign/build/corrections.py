"""Step 3c: every change to a published record is explained (seeds/corrections.yaml).

A release may correct records of the previous one; each corrected record needs an entry (what and
why, per record), which CHANGELOG.md lists under the release. A record counts as corrected when a
value it had changes, when it disappears, or when its evidence spans or (events) its roles change.
Records added, and columns new in this release, are not corrections.
"""
from __future__ import annotations

import json
from pathlib import Path

from .. import diff as ccdiff
from .. import records
from .errors import BuildError

FILE = "seeds/corrections.yaml"


def _old_columns(folder: Path) -> dict[str, set]:
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: {f["name"] for f in r["schema"]["fields"]} for r in desc["resources"]}


def corrected_records(previous: Path, staged: Path) -> dict[tuple, str]:
    """(table, record id) -> what changed, for every record of `previous` that `staged` corrects."""
    changes = ccdiff.diff(previous, staged)
    old_columns = _old_columns(previous)
    out: dict[tuple, str] = {}
    corrected = records.corrected()
    for table in (r.table for r in corrected):
        rows = changes.get(table)
        if rows is None:
            continue
        for r in rows.itertuples():
            if r.change == "removed":
                out[(table, r.key)] = "removed"
            elif r.change == "changed":
                cols = [c for c in r.changed_columns.split(",") if c in old_columns.get(table, set())]
                if cols:
                    out[(table, r.key)] = "changed " + ", ".join(cols)
    # added or removed records are not in both releases: their evidence and child rows are no correction
    new_or_gone = {(rt.table, r.key) for rt in corrected if rt.table in changes
                   for r in changes[rt.table].itertuples() if r.change in ("added", "removed")}
    annotated_evidence = {rt.table for rt in corrected if rt.evidenced and rt.annotated}  # actors' evidence is derived
    for r in changes["evidence"].itertuples() if "evidence" in changes else ():
        table, record_id = r.key.split("|")[:2]
        if table in annotated_evidence and r.change in ("added", "removed") and (table, record_id) not in out:
            if (table, record_id) not in new_or_gone:
                out[(table, record_id)] = "evidence changed"
    for rt in corrected:
        for child in rt.children:
            for r in changes[child].itertuples() if child in changes else ():
                record_id = r.key.split("|")[0]
                if (rt.table, record_id) not in out and (rt.table, record_id) not in new_or_gone:
                    out[(rt.table, record_id)] = f"{child} changed"
    return out


def check_corrections(previous: Path, staged: Path, release: dict) -> None:
    """Every corrected record has an entry for this release, and every entry names a corrected record."""
    found = corrected_records(previous, staged)
    entries = {(c["table"], c["record_id"]): c for c in release["corrections"]}
    missing = [f"{table} {rid!r} ({what})" for (table, rid), what in sorted(found.items()) if (table, rid) not in entries]
    if missing:
        raise BuildError(FILE, None, f"release {release['version']} corrects {len(missing)} record(s) of {previous.name} without saying what and why; "
                                     "add an entry (version, table, record_id, what, why) for each:\n  " + "\n  ".join(missing))
    for (table, rid), entry in entries.items():
        if (table, rid) not in found:
            raise BuildError(FILE, entry["line"], f"{table} {rid!r}: listed as corrected in {release['version']}, "
                                                  f"but the record is the same as in {previous.name} (or new)")
