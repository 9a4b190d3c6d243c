"""Step 3b: the release's exports in other standard formats (cartel_campaign.exports.EXPORTS), written
next to its tables and listed under "exports" in its datapackage.json with size and sha256. Each export is
one job (build/jobs.py): written, then its content checked by its format's check (the one `validate` runs)."""
from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from ..exports import BY_NAME, EXPORTS
from ..versioning import version_key
from . import jobs
from .errors import BuildError


def formats_of(folder: Path) -> list[str]:
    """The exports the release in `folder` (named by its version) has."""
    return [f.name for f in EXPORTS if version_key(f.since) <= version_key(folder.name)]


def write_and_check(name: str, folder: Path, previous: Path | None) -> tuple[dict, tuple[str, list[str]]]:
    """A job: write export `name` into `folder` from the shared tables; returns its descriptor entry and
    (its sha256, the problems its format's check finds in it)."""
    fmt, tables = BY_NAME[name], jobs.shared()
    try:
        entry = fmt.write(folder, tables, previous)
    except ValueError as err:
        raise BuildError(f"dataset/{folder.name}/{fmt.path}", None, str(err)) from None
    path = folder / fmt.path
    return entry, (entry["hash"].removeprefix("sha256:"), fmt.check(path, tables, *((previous,) if fmt.previous else ())))


#: The costliest export (the workbook: written, compressed and read back to be checked): started before every other job, so that with two
#: workers it has one to itself and the other jobs, the explorer first, share the other.
COSTLIEST = "workbook-xlsx"


def start_exports(run: jobs.Jobs, folder: Path, previous: Path | None, costliest: bool) -> list[Future]:
    """The release's exports as jobs: the costliest one (costliest=True), or every other one."""
    return [run.submit(write_and_check, name, folder, previous) for name in formats_of(folder) if (name == COSTLIEST) == costliest]


def finish_exports(futures: list[Future]) -> tuple[list[dict], dict[str, tuple[str, list[str]]]]:
    """The exports' descriptor entries in EXPORTS order, and {name: (sha256, problems)} of their checks."""
    results = [f.result() for f in futures]
    order = {f.name: i for i, f in enumerate(EXPORTS)}
    entries = sorted((entry for entry, _ in results), key=lambda e: order[e["name"]])
    return entries, {entry["name"]: checked for entry, checked in results}
