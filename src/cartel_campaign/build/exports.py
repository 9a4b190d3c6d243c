"""Step 3b: exports of a release in other standard formats, written next to its tables.

Today one: the designations as FollowTheMoney entities (designations.ftm.jsonl), built and
validated with the followthemoney library (cartel_campaign.ftm). Each export is listed under
"exports" in the release's datapackage.json with its size and sha256 (not as a tabular resource).
"""
from __future__ import annotations

from pathlib import Path

from .. import ftm
from ..release import sha256_file
from .errors import BuildError

FTM_FILE = "designations.ftm.jsonl"


def write_exports(folder: Path, tables: dict) -> list[dict]:
    """Write every export of the release into `folder`; returns their descriptor entries."""
    rows = {name: tables[name].to_pylist() for name in ftm.TABLES}
    entities = ftm.designation_entities(rows)
    problems = ftm.validate_entities(entities)
    if problems:
        raise BuildError(f"dataset/{folder.name}/{FTM_FILE}", None, "FollowTheMoney rejects the export:\n  " + "\n  ".join(problems))
    path = folder / FTM_FILE
    ftm.write_jsonl(entities, path)
    return [{
        "name": "designations-ftm",
        "path": FTM_FILE,
        "format": "jsonl",
        "mediatype": "application/x-ndjson",
        "title": "Designations as FollowTheMoney entities",
        "description": "Each designation as a FollowTheMoney Sanction, with its designated Person/Organization/PublicBody and its source Article "
                       "(see cartel_campaign.ftm); reads as is in OpenSanctions-style tooling (followthemoney).",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256_file(path)}",
        "entities": len(entities),
    }]
