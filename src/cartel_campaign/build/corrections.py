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
from .errors import BuildError

CORRECTED_TABLES = ("actors", "events", "designations", "quotes")
FILE = "seeds/corrections.yaml"


def _old_columns(folder: Path) -> dict[str, set]:
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: {f["name"] for f in r["schema"]["fields"]} for r in desc["resources"]}


def corrected_records(previous: Path, staged: Path) -> dict[tuple, str]:
    """(table, record id) -> what changed, for every record of `previous` that `staged` corrects."""
    changes = ccdiff.diff(previous, staged)
    old_columns = _old_columns(previous)
    out: dict[tuple, str] = {}
    for table in CORRECTED_TABLES:
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
    # added or removed records are not in both releases: their evidence and roles are no correction
    new_or_gone = {(table, r.key) for table in ("events", "designations", "quotes") if table in changes
                   for r in changes[table].itertuples() if r.change in ("added", "removed")}
    for r in changes["evidence"].itertuples() if "evidence" in changes else ():
        table, record_id = r.key.split("|")[:2]
        if table in ("events", "designations", "quotes") and r.change in ("added", "removed") and (table, record_id) not in out:
            if (table, record_id) not in new_or_gone:
                out[(table, record_id)] = "evidence changed"
    for r in changes["event_actors"].itertuples() if "event_actors" in changes else ():
        event_id = r.key.split("|")[0]
        if ("events", event_id) not in out and ("events", event_id) not in new_or_gone:
            out[("events", event_id)] = "roles changed"
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
            raise BuildError(FILE, entry["line"], f"{table} {rid!r}: listed as corrected in {release['version']}, but the record is the same as in {previous.name} (or new)")
