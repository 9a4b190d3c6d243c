"""Shared fixtures: the repository root, throwaway project copies, running the build."""
from __future__ import annotations

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


def add_correction(root: Path, table: str, record_id: str) -> None:
    """Say in seeds/corrections.yaml why a record of the newest release changed (the build refuses an unexplained change)."""
    from cartel_campaign.build import pipeline

    path = root / "seeds" / "corrections.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"\n- version: {pipeline.read_version(root)}\n  table: {table}\n  record_id: {record_id}\n"
                    "  what: Changed by a test.\n  why: The test changes this record on purpose.\n", encoding="utf-8")
