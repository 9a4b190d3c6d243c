"""Step 3b: the release's exports in other standard formats (cartel_campaign.exports.EXPORTS), written
next to its tables and listed under "exports" in its datapackage.json with size and sha256. Each export is
a job (build/jobs.py) writing it, then its content checked by its format's check (the one `validate` runs), in one
job or, where the format splits its check in parts, in one job per part, so that the workers share the work."""
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


def write_export(name: str, folder: Path, previous: Path | None) -> dict:
    """A job: write export `name` into `folder` from the shared tables; returns its descriptor entry."""
    fmt = BY_NAME[name]
    try:
        return fmt.write(folder, jobs.shared(), previous)
    except ValueError as err:
        raise BuildError(f"dataset/{folder.name}/{fmt.path}", None, str(err)) from None


def check_export(name: str, folder: Path, previous: Path | None, part) -> list[str]:
    """A job: the problems one part of export `name`'s content check (its format's, the one `validate` runs) finds."""
    return BY_NAME[name].check_file(folder, jobs.shared(), previous, part)


#: The costliest export (the workbook: written, compressed and read back to be checked): started before every other job, so that with two
#: workers one writes it while the other takes the other jobs.
COSTLIEST = "workbook-xlsx"


def start_exports(run: jobs.Jobs, folder: Path, previous: Path | None) -> list[Future]:
    """The release's exports written, as jobs, the costliest first."""
    names = sorted(formats_of(folder), key=lambda name: name != COSTLIEST)
    return [run.submit(write_export, name, folder, previous) for name in names]


def finish_exports(run: jobs.Jobs, writes: list[Future], folder: Path, previous: Path | None
                   ) -> tuple[list[dict], dict[str, tuple[str, list[str]]]]:
    """Each export's check, started in its parts (ExportFormat.check_parts) as jobs as soon as its file is written; returns
    the exports' descriptor entries in EXPORTS order, and {name: (sha256, problems)} of their checks. A write that
    failed is raised (the first in `writes` order), once every write has ended."""
    checks = {}
    for done in run.completed(writes):
        if done.exception() is None:
            entry = done.result()
            checks[entry["name"]] = (entry, [run.submit(check_export, entry["name"], folder, previous, part)
                                             for part in BY_NAME[entry["name"]].check_parts(run.tables)])
    for write in writes:
        write.result()
    order = {f.name: i for i, f in enumerate(EXPORTS)}
    entries = sorted((entry for entry, _ in checks.values()), key=lambda e: order[e["name"]])
    return entries, {name: (entry["hash"].removeprefix("sha256:"), [p for part in parts for p in part.result()])
                     for name, (entry, parts) in checks.items()}
