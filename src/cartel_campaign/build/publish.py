"""Step 4: write a release (Parquet, CSV, datapackage.json, manifest) and publish it atomically.

A release is written to a temporary folder, validated there, and only then moved
into dataset/<version>/ with one rename; the root datapackage.json is replaced with
os.replace. A release whose entry in seeds/releases.yaml says `status: published` is never
overwritten (decided from that file alone, never from git); a draft is replaced.
"""
from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import shutil
import signal
from pathlib import Path

from ..release import json_text, sha256_file, write_manifest, write_table
from . import exports
from .errors import BuildError


#: Test hook, used only by tests/test_atomic_publish.py: with CARTEL_CAMPAIGN_TEST_KILL_AT=<point>
#: the build kills itself (SIGKILL: no cleanup, no finally) when it reaches that kill_point, to
#: prove that a crash at any step leaves the published releases and datapackage.json intact.
KILL_AT = "CARTEL_CAMPAIGN_TEST_KILL_AT"


def kill_point(name: str) -> None:
    """Test hook (see KILL_AT): die here if asked to; does nothing otherwise."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def descriptor(meta: dict, schemas: dict, version: str, sources: list[dict], stats: dict, prefix: str = "") -> dict:
    """The Data Package descriptor of a release; `prefix` makes paths relative to the repository root."""
    out = {k: meta[k] for k in ("name", "title", "description", "homepage", "keywords", "licenses", "contributors") if k in meta}
    out["version"] = version
    out["source_rights"] = meta["source_rights"]
    out["sources"] = sources
    out["resources"] = []
    for name in meta["tables"]:
        schema = copy.deepcopy(schemas[name])
        schema.pop("$schema", None)
        res = {
            "name": name,
            "path": f"{prefix}{name}.csv",
            "profile": "tabular-data-resource",
            "title": schema.pop("title", name),
            "description": schema.pop("description", ""),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": stats[name]["bytes"],
            "hash": f"sha256:{stats[name]['sha256']}",
            "derived": name in meta["derived_tables"],
            "parquet_path": f"{prefix}{name}.parquet",
            "schema": schema,
        }
        out["resources"].append(res)
    return out


def write_release(folder: Path, tables: dict, schemas: dict, meta: dict, version: str, sources: list[dict]) -> None:
    """Write every table (Parquet + CSV), the release's datapackage.json and its manifest."""
    folder.mkdir(parents=True)
    stats = {}
    for name in meta["tables"]:
        write_table(tables[name], folder, name)
        stats[name] = {"bytes": (folder / f"{name}.csv").stat().st_size, "sha256": sha256_file(folder / f"{name}.csv")}
    desc = descriptor(meta, schemas, version, sources, stats)
    desc["exports"] = exports.write_exports(folder, tables)
    (folder / "datapackage.json").write_text(json_text(desc), encoding="utf-8")
    write_manifest(folder, version)


def root_descriptor(release: Path, version: str) -> dict:
    """The root datapackage.json: the newest release's descriptor, paths from the repository root."""
    desc = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    prefix = f"dataset/{version}/"
    for res in desc["resources"]:
        res["path"] = prefix + res["path"]
        res["parquet_path"] = prefix + res["parquet_path"]
    for export in desc.get("exports", []):
        export["path"] = prefix + export["path"]
    return desc


def same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ between two folders (names relative to them)."""
    names = {p.relative_to(a) for p in a.rglob("*") if p.is_file()} | {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    return sorted(str(n) for n in names if not (a / n).is_file() or not (b / n).is_file() or (a / n).read_bytes() != (b / n).read_bytes())


@contextlib.contextmanager
def build_lock(root: Path):
    """One build at a time per checkout: a second one is refused, not queued."""
    path = root / ".build.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(path, None, "another build is running in this checkout (lock held); wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    kill_point(f"writing {path.name}")
    os.replace(tmp, path)


def publish(root: Path, staged: Path, version: str, generated: dict[str, bytes], *, draft: bool) -> str:
    """Move a validated release into dataset/<version>/ and write the generated files.

    Returns 'published', 'unchanged' or 'replaced' (a draft only). Refuses to change a published release.
    """
    target = root / "dataset" / version
    state = "published"
    if target.exists():
        diff = same_tree(staged, target)
        if not diff:
            state = "unchanged"
        elif draft:
            old = target.with_name(f".{version}.old-{os.getpid()}")
            os.rename(target, old)
            shutil.rmtree(old)
            state = "replaced"
        else:
            raise BuildError(
                target, None,
                f"release {version} is already published and the rebuild differs ({', '.join(diff[:5])}); a published "
                "version is never edited: add a new version to seeds/releases.yaml (status: draft)",
            )
    if state != "unchanged":
        target.parent.mkdir(exist_ok=True)
        os.rename(staged, target)
    kill_point("moved")
    for rel, data in generated.items():
        path = root / rel
        for stale in path.parent.glob(f".{path.name}.tmp-*"):  # left by a killed build (the lock says none is running)
            stale.unlink()
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
        kill_point(f"wrote {rel}")
    return state
