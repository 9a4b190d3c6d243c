"""Step 3b: the release's exports in other standard formats (cartel_campaign.exports.EXPORTS), written
next to its tables and listed under "exports" in its datapackage.json with size and sha256."""
from __future__ import annotations

from pathlib import Path

from ..versioning import version_key
from ..exports import EXPORTS
from .errors import BuildError


def write_exports(folder: Path, tables: dict, previous: Path | None = None) -> list[dict]:
    """Write every export of the release (`folder` is named by its version) into `folder` (`previous`: the previous
    release's folder, None for the first); returns their descriptor entries."""
    entries = []
    for fmt in (f for f in EXPORTS if version_key(f.since) <= version_key(folder.name)):
        try:
            entries.append(fmt.write(folder, tables, previous))
        except ValueError as err:
            raise BuildError(f"dataset/{folder.name}/{fmt.path}", None, str(err)) from None
    return entries

