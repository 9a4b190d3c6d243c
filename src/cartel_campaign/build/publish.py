"""Step 4: write a release (Parquet, CSV, datapackage.json, manifest; the exports: build/exports.py) and publish it atomically.

A release is written to a temporary folder, validated there, and only then moved
into dataset/<version>/ with one rename; the root datapackage.json is replaced with
os.replace. A release whose entry in seeds/releases.yaml says `status: published` is never
overwritten (decided from that file alone, never from git); a draft is replaced.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import ctypes
import errno
import fcntl
import filecmp
import json
import os
import shutil
import signal
from pathlib import Path

from .. import is_draft_folder
from ..release import json_text, root_descriptor, sha256_file, write_manifest, write_table  # noqa: F401 - root_descriptor: part of this module's API
from . import ownfiles
from .errors import BuildError


#: Test hook, used only by tests/test_atomic_publish.py: with CARTEL_CAMPAIGN_TEST_KILL_AT=<point>
#: the build kills itself (SIGKILL: no cleanup, no finally) when it reaches that kill_point, to
#: prove that a crash at any step leaves the published releases and datapackage.json intact.
KILL_AT = "CARTEL_CAMPAIGN_TEST_KILL_AT"


def kill_point(name: str) -> None:
    """Test hook (see KILL_AT): die here if asked to; does nothing otherwise."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def descriptor(meta: dict, schemas: dict, version: str, sources: list[dict], stats: dict, prefix: str = "", draft: bool = False) -> dict:
    """The Data Package descriptor of a release; `prefix` makes paths relative to the repository root; a draft
    release says so ("status": "draft": cartel_campaign.versions() leaves it out unless asked)."""
    out = {k: meta[k] for k in ("name", "title", "description", "homepage", "keywords", "licenses", "contributors") if k in meta}
    out["version"] = version
    if draft:
        out["status"] = "draft"
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


def write_tables(folder: Path, tables: dict, schemas: dict, meta: dict, version: str, sources: list[dict], draft: bool = False) -> dict:
    """Write every table (Parquet + CSV) and the release's datapackage.json (its exports are added by
    finish_release) into `folder` (made by the build, where its export jobs may already write); returns the descriptor."""
    folder.mkdir(parents=True, exist_ok=True)
    stats = {}
    for name in meta["tables"]:
        write_table(tables[name], folder, name)
        stats[name] = {"bytes": (folder / f"{name}.csv").stat().st_size, "sha256": sha256_file(folder / f"{name}.csv")}
    desc = descriptor(meta, schemas, version, sources, stats, draft=draft)
    (folder / "datapackage.json").write_text(json_text(desc), encoding="utf-8")
    return desc


def finish_release(folder: Path, desc: dict, exports: list[dict], version: str) -> None:
    """The release's datapackage.json with its exports' entries (build/exports.py), and its manifest. The descriptor
    is replaced in one rename: a job may be reading the one write_tables wrote."""
    partial = folder / "datapackage.json.partial"
    partial.write_text(json_text({**desc, "exports": exports}), encoding="utf-8")
    os.replace(partial, folder / "datapackage.json")
    write_manifest(folder, version)


def same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ between two folders (names relative to them), compared a piece at a time (a table's CSV grows with the data)."""
    names = {p.relative_to(a) for p in a.rglob("*") if p.is_file()} | {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    return sorted(str(n) for n in names if not (a / n).is_file() or not (b / n).is_file() or not filecmp.cmp(a / n, b / n, shallow=False))


WORK = ".build-tmp"  # the build's own scratch folder in the checkout: staging, and a replaced draft set aside
ASIDE = "replaced-"  # WORK/replaced-<version>: a draft's previous folder while its new one is moved in
KEPT = "articles"  # WORK/articles/: what each article gave, kept between builds (build/articles.py)
KEPT_DOCS = "docs"  # WORK/docs/: generated docs (the timeline, the explorer's article sections) kept between builds (build/keptdocs.py)
#: What the build keeps in WORK on purpose; everything else there is a killed build's leftover.
KEPT_FOLDERS = (KEPT, KEPT_DOCS)


def remove(path: Path) -> None:
    """Remove a leftover path of any kind (file, link or folder)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextlib.contextmanager
def build_lock(root: Path):
    """One build at a time per checkout: a second one is refused, not queued."""
    path = root / ".build.lock"
    if path.is_dir() and not path.is_symlink():
        raise BuildError(path, None, "expected the build's lock file, found a folder; remove it and build again")
    with open(ownfiles.open_lock(path), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(path, None, "another build is running in this checkout (lock held); wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def work_folder(root: Path) -> Path:
    """The scratch folder, emptied of what a killed build left (call with the lock held).

    A draft set aside by a replace that was killed is first put back or dropped (recover)."""
    work = root / WORK
    if work.is_symlink() or (work.exists() and not work.is_dir()):
        work.unlink()
    work.mkdir(exist_ok=True)
    recover(root)
    for stale in work.iterdir():
        if stale.name not in KEPT_FOLDERS:
            remove(stale)
    return work


def recover(root: Path) -> list[str]:
    """Finish a draft replace that was killed between its two renames; returns the versions recovered.

    WORK/replaced-<v> is the previous dataset/<v>/. If dataset/<v>/ exists, the new release
    was moved in (it is complete: it was validated before the move) and the old one is dropped;
    if not, the build died between the renames and the old release goes back in place.
    """
    recovered = []
    for aside in sorted((root / WORK).glob(f"{ASIDE}*")):
        target = root / "dataset" / aside.name[len(ASIDE):]
        if target.exists() or not aside.is_dir():
            remove(aside)
        else:
            os.rename(aside, target)
            recovered.append(target.name)
    return recovered


def same_content(path: Path, data: bytes | Path) -> bool:
    """Whether the file at path holds data: bytes, or the content of a staged file (compared piece by piece)."""
    if not path.is_file():
        return False
    if isinstance(data, Path):
        return filecmp.cmp(path, data, shallow=False)
    return path.read_bytes() == data


def atomic_write(path: Path, data: bytes | Path) -> None:
    """Write data (bytes, or a staged file's content) to path in one step: a reader sees the old file or the new."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        if isinstance(data, Path):
            shutil.copyfile(data, tmp)
        else:
            tmp.write_bytes(data)
        kill_point(f"writing {path.name}")
        os.replace(tmp, path)
    except OSError:
        remove(tmp)
        raise


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the system has no such call."""
    func = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if func is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_draft(root: Path, staged: Path, target: Path) -> None:
    """Put a draft's new folder in place of its old one.

    With an atomic exchange, dataset/<v>/ is at every moment the old or the new release; the old
    one ends in the staging folder, which is removed after the build (or by the next one). Without
    it, the old folder is set aside in WORK/replaced-<v> for the two renames; a kill in between is
    put right by the next build (recover)."""
    if exchange(staged, target):
        kill_point("swapped")
        remove(staged)
        return
    aside = root / WORK / f"{ASIDE}{target.name}"
    os.rename(target, aside)
    kill_point("set aside")
    try:
        os.rename(staged, target)
    except OSError:
        os.rename(aside, target)
        raise
    kill_point("replaced")
    remove(aside)


VERSION_FILE = "src/cartel_campaign/_version.py"


def check_generated(generated: dict[str, bytes | Path], version: str) -> None:
    """Whatever the data, a generated file cannot break the package: the Python files compile and
    _version.py says exactly the version (importing cartel_campaign runs it); JSON files parse.
    (Those are always bytes: a staged file (a Path) is a page or a figure.)"""
    for rel, data in generated.items():
        if isinstance(data, Path) and rel.endswith((".py", ".json")):
            raise BuildError(rel, None, "a generated Python or JSON file must be checked before it is written; nothing was published")
        try:
            if rel.endswith(".py"):
                tree = ast.parse(data.decode("utf-8"), rel)
                if rel == VERSION_FILE:
                    said = [ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                            and [getattr(t, "id", None) for t in node.targets] == ["__version__"]]
                    if said != [version]:
                        raise ValueError(f"it sets __version__ to {said}, not {version!r}")
            elif rel.endswith(".json"):
                json.loads(data)
        except (SyntaxError, ValueError, UnicodeDecodeError) as err:
            raise BuildError(rel, None, f"the generated file would not load ({type(err).__name__}: {err}); nothing was published") from None


def publish(root: Path, staged: Path, version: str, generated: dict[str, bytes | Path], *, draft: bool) -> str:
    """Move a validated release into dataset/<version>/ and write the generated files.

    Returns 'published', 'unchanged' or 'replaced' (a draft only). Refuses to change a published release.
    The folder of a draft (its datapackage.json says so) is replaced when its entry turns published: that is
    its publication (the descriptor loses "status": "draft"), not an edit of a published release.
    """
    check_generated(generated, version)
    target = root / "dataset" / version
    state = "published"
    if target.exists():
        diff = same_tree(staged, target)
        if not diff:
            state = "unchanged"
        elif draft or is_draft_folder(target):
            replace_draft(root, staged, target)
            state = "replaced" if draft else "published"
        else:
            raise BuildError(
                target, None,
                f"release {version} is already published and the rebuild differs ({', '.join(diff[:5])}); a published "
                "version is never edited: add a new version to seeds/releases.yaml (status: draft)",
            )
    if state == "published" and not target.exists():
        target.parent.mkdir(exist_ok=True)
        os.rename(staged, target)
    kill_point("moved")
    for rel, data in generated.items():
        path = root / rel
        for stale in path.parent.glob(f".{path.name}.tmp-*"):  # left by a killed build (the lock says none is running)
            remove(stale)
        if not same_content(path, data):
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
        kill_point(f"wrote {rel}")
    return state
