"""Shared fixtures: the repository root, throwaway project copies, running the build."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_IGNORE = shutil.ignore_patterns(".venv", ".git", ".build-tmp", "__pycache__", ".pytest_cache", "dist", "*.egg-info", ".build.lock", ".build-cache.json")


def copy_project(dest: Path) -> Path:
    """A full copy of the working tree (no .venv/.git) to build or break without touching the real one."""
    shutil.copytree(ROOT, dest, ignore=_IGNORE)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cartel_campaign.build.pipeline", "--root", str(root), "-q", *args],
                          capture_output=True, text=True, timeout=600)


def tree_bytes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Tally:
    """Counts that the build's forked processes add to as well as this one (its derive process, its workers): a line
    per count appended to a file (one short write, whole with O_APPEND)."""

    def __init__(self, path: Path):
        self.path = path
        path.write_text("", encoding="utf-8")

    def add(self, key: str) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(key + "\n")

    def added(self) -> list[str]:
        """Every count added, in the order written."""
        return self.path.read_text(encoding="utf-8").split()

    def counts(self, *keys: str) -> dict[str, int]:
        added = self.added()
        return {key: added.count(key) for key in keys}


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from the checkout."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], check=True, capture_output=True, text=True, timeout=600)
    (whl,) = out.glob("cartel_campaign_data-*.whl")
    return whl


def fresh_venv(where: Path) -> Path:
    """A new virtual environment; returns its bin/ folder."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=300)
    return where / "bin"


def user_env(**extra) -> dict:
    """The environment of a user outside the checkout: no data override, no pinned constraints unless given."""
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}
    env.pop("CARTEL_CAMPAIGN_DATA", None)
    if "PIP_CONSTRAINT" not in extra:
        env.pop("PIP_CONSTRAINT", None)
    return env


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory):
    """The wheel (with its polars extra) and DuckDB installed into a fresh venv, and a folder outside the checkout."""
    base = tmp_path_factory.mktemp("installed")
    bin_ = fresh_venv(base / "venv")
    env = user_env(PIP_CONSTRAINT=str(ROOT / "requirements" / "lock.txt"))
    subprocess.run([str(bin_ / "python"), "-m", "pip", "install", "--quiet", f"{wheel}[polars]", "duckdb"], check=True, env=env, timeout=900)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return bin_, elsewhere


def newest_version(root: Path) -> str:
    """The version the build makes: the newest entry of seeds/releases.yaml."""
    from cartel_campaign.build import pipeline

    return pipeline.read_releases(root)[-1]["version"]


def newest_built() -> str:
    """The newest release built in this checkout, a draft included: what a test of the release being prepared
    reads. cartel_campaign.versions()[-1], load()'s default, is the newest *published* release; the two differ
    while a draft is open and agree once it is published."""
    import cartel_campaign as cc

    return cc.versions(drafts=True)[-1]


def as_published(data_root: Path, dest: Path) -> Path:
    """A data root holding only the newest release built under `data_root`, marked published (its descriptor
    without "status": "draft"): where a user's snippet for that release runs as it will once the release is
    published (the same files if it already is). Returns dest."""
    import json

    import cartel_campaign as cc

    newest = data_root / "dataset" / cc.versions(data_root, drafts=True)[-1]
    shutil.copytree(newest, dest / "dataset" / newest.name)
    for desc in (dest / "dataset" / newest.name / "datapackage.json", dest / "datapackage.json"):
        source = newest / "datapackage.json" if desc.parent != dest else data_root / "datapackage.json"
        data = json.loads(source.read_text(encoding="utf-8"))
        data.pop("status", None)
        desc.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return dest


def add_correction(root: Path, table: str, record_id: str) -> None:
    """Say in seeds/corrections.yaml why a record of the newest release changed (the build refuses an unexplained change)."""

    path = root / "seeds" / "corrections.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"\n- version: {newest_version(root)}\n  table: {table}\n  record_id: {record_id}\n"
                    "  what: Changed by a test.\n  why: The test changes this record on purpose.\n", encoding="utf-8")


def releases_ready_for_a_new_version(root: Path) -> str:
    """seeds/releases.yaml as a maintainer leaves it before adding the next version: its draft (if any)
    marked published, and its newest release pinned to its manifest (the build requires a pin on every
    published release but the newest)."""
    from cartel_campaign.release import sha256_file

    text = (root / "seeds" / "releases.yaml").read_text(encoding="utf-8").replace("status: draft", "status: published")
    head, sep, newest = text.rpartition("\n- version: ")
    if "manifest_sha256:" not in newest:
        pin = sha256_file(root / "dataset" / newest_version(root) / "manifest.json")
        newest = newest.replace("\n  status: published\n", f"\n  status: published\n  manifest_sha256: {pin}\n", 1)
    return head + sep + newest


def formula_put_in(workbook: Path) -> None:
    """A hostile edit of a workbook: its first number cell given a formula whose cached value is the cell's own (a
    reader of values sees the same table; the formula runs when the workbook is opened). Rewritten in place."""
    import re
    import zipfile

    cell = re.compile(rb'<c r="([A-Z]+[0-9]+)"><v>([^<]*)</v></c>')
    with zipfile.ZipFile(workbook) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    sheet = next(info.filename for info, data in parts if info.filename.startswith("xl/worksheets/") and cell.search(data))
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            archive.writestr(info, cell.sub(rb'<c r="\1"><f>\2+0*LEN(WEBSERVICE("http://example.invalid/"))</f><v>\2</v></c>', data, count=1)
                             if info.filename == sheet else data)
