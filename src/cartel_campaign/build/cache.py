"""Skip an unchanged rebuild: if every input (seeds, schemas, build scripts, package code, pins,
library versions) and every output (the release and the generated files) is byte-identical to
what the last successful build recorded, there is nothing to do.

The record lives in .build-cache.json (not tracked). `build --check` never uses it: it always
rebuilds from scratch and compares bytes.
"""
from __future__ import annotations

import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

from ..release import sha256_file

CACHE = ".build-cache.json"
INPUTS = ("seeds/*", "schemas/*.json", "docs/card.md", "docs/unreleased.md", "requirements/lock.txt")
#: The code that builds: this package, wherever it is installed from.
CODE = Path(__file__).resolve().parents[1]
LIBRARIES = ("pandas", "pyarrow", "numpy", "pandera", "frictionless", "matplotlib", "pyyaml", "sentencex")


def _sha(path: Path) -> str:
    return sha256_file(path)  # read a piece at a time: an explorer page grows with the data


def inputs_digest(root: Path) -> str:
    h = hashlib.sha256(sys.version.encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}=={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}: missing".encode())
    for pattern in INPUTS:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for path in sorted(CODE.rglob("*.py")):
        h.update(str(path.relative_to(CODE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def outputs(root: Path, version: str, generated: list[str]) -> dict[str, str]:
    release = root / "dataset" / version
    files = sorted(p for p in release.iterdir() if p.is_file()) if release.is_dir() else []
    files += [root / rel for rel in generated if (root / rel).is_file()]
    return {str(p.relative_to(root)): _sha(p) for p in files}


def is_fresh(root: Path, version: str) -> bool:
    path = root / CACHE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if record.get("version") != version or record.get("inputs") != inputs_digest(root):
        return False
    recorded = record.get("outputs", {})
    generated = [k for k in recorded if not k.startswith(f"dataset/{version}/")]
    return bool(recorded) and outputs(root, version, generated) == recorded


def record(root: Path, version: str, generated: list[str]) -> None:
    data = {"version": version, "inputs": inputs_digest(root), "outputs": outputs(root, version, generated)}
    tmp = root / f"{CACHE}.tmp"
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(root / CACHE)
