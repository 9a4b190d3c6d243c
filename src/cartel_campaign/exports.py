"""The export formats of a release, declared once (in the spirit of zavod's exporters): each has a
name, a file, its descriptor fields, the function that writes it (run by the build; may need the
`build` extra) and the function that checks its content (run by the build on what it wrote and by
`validate`). The descriptor's "exports" list, the build's writer and `validate` all read EXPORTS;
a new format is one entry here plus its writer, checker and tests.
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .release import sha256_file


@dataclass(frozen=True)
class ExportFormat:
    name: str  # the descriptor's name for it
    path: str  # its file in the release folder
    format: str
    mediatype: str
    title: str
    description: str
    writer: str  # "module:function" writing it: function(path, tables) -> the number of items written (imported when writing)
    check: Callable[[Path, dict], list[str]]  # (its file, the release's Arrow tables) -> problems with its content
    since: str  # the first release that has it
    previous: bool = False  # writer and check also take the previous release's folder (None: there is none)
    #: "module:function" giving, from the tables, the parts its check can be run in apart (the build runs them side by
    #: side): check(..., part=p) finds one part's problems, and the whole check those of every part, in that order.
    parts: str | None = None

    def write(self, folder: Path, tables: dict, previous: Path | None = None) -> dict:
        """Write the export into `folder`; returns its descriptor entry."""
        module, function = self.writer.split(":")
        path = folder / self.path
        items = getattr(importlib.import_module(module), function)(path, tables, *((previous,) if self.previous else ()))
        return {"name": self.name, "path": self.path, "format": self.format, "mediatype": self.mediatype, "title": self.title,
                "description": self.description, "bytes": path.stat().st_size, "hash": f"sha256:{sha256_file(path)}", "entities": items}

    def check_parts(self, tables: dict) -> list:
        """The parts its check runs in: those it declares, or the whole check alone (None)."""
        if self.parts is None:
            return [None]
        module, function = self.parts.split(":")
        return getattr(importlib.import_module(module), function)(tables)

    def check_file(self, folder: Path, tables: dict, previous: Path | None = None, part=None) -> list[str]:
        """The problems its check finds in its file in `folder`: all, or one part's (one of check_parts)."""
        args = (folder / self.path, tables, *((previous,) if self.previous else ()))
        return self.check(*args) if part is None else self.check(*args, part=part)


def ftm_content_problems(path: Path, tables: dict) -> list[str]:
    """The FollowTheMoney file holds one Sanction per designation row (record ids equal)."""
    try:
        entities = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    except (ValueError, UnicodeDecodeError) as err:
        return [f"not JSON lines ({err})"]
    if "designations" not in tables:
        return []
    records = sorted(v for e in entities if isinstance(e, dict) and e.get("schema") == "Sanction"
                     for v in (e.get("properties") or {}).get("recordId", []))
    expected = sorted(tables["designations"]["designation_id"].to_pylist())
    if records != expected:
        return [f"Sanction record ids {records} are not the designations {expected}"]
    return []


def _lazy(target: str) -> Callable[..., list[str]]:
    """A content check named "module:function", imported when it runs (its module may need the validate extra)."""
    def check(path: Path, tables: dict, *previous, **part) -> list[str]:
        module, function = target.split(":")
        return getattr(importlib.import_module(module), function)(path, tables, *previous, **part)

    check.__qualname__ = check.__name__ = target.split(":")[1]
    return check


EXPORTS: tuple[ExportFormat, ...] = (
    ExportFormat(
        name="designations-ftm", path="designations.ftm.jsonl", format="jsonl", mediatype="application/x-ndjson",
        title="Designations as FollowTheMoney entities",
        description="Each designation as a FollowTheMoney Sanction, with its designated Person/Organization/PublicBody and its source "
                    "Article (see cartel_campaign.ftm); reads as is in OpenSanctions-style tooling (followthemoney).",
        writer="cartel_campaign.ftm:write_designations", check=ftm_content_problems, since="1.1.0"),
    ExportFormat(
        name="events-claims-plover", path="events_claims.plover.jsonl", format="jsonl", mediatype="application/x-ndjson",
        title="Events and claims as PLOVER 2.0 event records",
        description="One PLOVER 2.0 record per source -> target act (the rows of dyads): actor, recipient, event, mode, quad class, "
                    "the evidence with its character offsets (text_info) and the article (cite_info). Where PLOVER has no category "
                    "for a local type, event is null and no_plover_category says why (see cartel_campaign.plover).",
        writer="cartel_campaign.plover:write_plover", check=_lazy("cartel_campaign.plover:plover_content_problems"), since="1.2.0"),
    ExportFormat(
        name="workbook-xlsx", path="cartel_campaign.xlsx", format="xlsx",
        mediatype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        title="The release as a spreadsheet workbook",
        description="A README sheet, then one sheet per table (header: the column names), for spreadsheet users: text is Unicode "
                    "as written (see cartel_campaign.workbook).",
        writer="cartel_campaign.workbook:write_workbook", check=_lazy("cartel_campaign.workbook:workbook_content_problems"), since="1.2.0",
        parts="cartel_campaign.workbook:check_parts"),
    ExportFormat(
        name="deltas", path="deltas.jsonl", format="jsonl", mediatype="application/x-ndjson",
        title="Changes against the previous release",
        description="OpenSanctions-style delta: a HEADER line (from, to), then one line per record added (ADD), changed (MOD: "
                    "changed_columns, new_columns) or removed (DEL), by table and primary key, with the new row; apply it to the "
                    "previous release instead of reloading everything (see cartel_campaign.deltas).",
        writer="cartel_campaign.deltas:write_deltas", check=_lazy("cartel_campaign.deltas:deltas_content_problems"), since="1.2.0",
        previous=True),
)

BY_NAME = {e.name: e for e in EXPORTS}


def previous_release(folder: Path) -> Path | None:
    """The release before the one in `folder`, among its sibling folders (None: it is the first)."""
    from .versioning import is_version, version_key

    older = [p for p in folder.parent.iterdir() if is_version(p.name) and version_key(p.name) < version_key(folder.name)
             and (p / "datapackage.json").is_file()] if is_version(folder.name) else []
    return max(older, key=lambda p: version_key(p.name), default=None)


def export_problems(folder: Path, tables: dict, previous: Path | None = None, checked: dict | None = None) -> list[str]:
    """Every export the release's descriptor lists: a known format, present, with its recorded size and
    sha256, and content its format's check accepts (`previous`: the previous release's folder, default its
    sibling before it; `checked`: {name: (sha256, problems)} the build's export jobs found, reused for a file
    that still has that sha256)."""
    previous = previous if previous is not None else previous_release(folder)
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    problems = []
    for entry in desc.get("exports", []):
        fmt, path = BY_NAME.get(entry.get("name")), folder / str(entry.get("path"))
        where = f"{folder.name}/{entry.get('path')}"
        if fmt is None or entry.get("path") != fmt.path:
            problems.append(f"{where}: not a known export ({entry.get('name')!r}; known: {', '.join(BY_NAME)})")
            continue
        if not path.is_file():
            problems.append(f"{where}: listed under exports but missing")
            continue
        digest = sha256_file(path)
        if path.stat().st_size != entry.get("bytes") or f"sha256:{digest}" != entry.get("hash"):
            problems.append(f"{where}: size or sha256 differs from datapackage.json")
        known = (checked or {}).get(fmt.name)
        found = known[1] if known is not None and known[0] == digest else fmt.check_file(folder, tables, previous)
        problems += [f"{where}: {p}" for p in found]
    return problems
