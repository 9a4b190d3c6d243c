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

from ..release import sha256_files
from . import ownfiles

CACHE = ".build-cache.json"
TEMPORARY = f"{CACHE}.tmp"
WHAT = "its rebuild record's temporary file"
INPUTS = ("seeds/*", "schemas/*.json", "docs/card.md", "docs/reviews/*.md", "docs/unreleased.md", "requirements/lock.txt")
#: The code that builds: this package, wherever it is installed from.
CODE = Path(__file__).resolve().parents[1]
LIBRARIES = ("pandas", "pyarrow", "numpy", "pandera", "frictionless", "matplotlib", "pyyaml", "sentencex", "xlsxwriter")


def code_digest() -> str:
    """The code that builds: Python's and the libraries' versions and this package's source."""
    h = hashlib.sha256(sys.version.encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}=={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}: missing".encode())
    for path in sorted(CODE.rglob("*.py")):
        h.update(str(path.relative_to(CODE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def inputs_digest(root: Path) -> str:
    h = hashlib.sha256(code_digest().encode())
    for pattern in INPUTS:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def outputs(root: Path, version: str, generated: list[str]) -> dict[str, str]:
    release = root / "dataset" / version
    files = sorted(p for p in release.iterdir() if p.is_file()) if release.is_dir() else []
    files += [root / rel for rel in generated if (root / rel).is_file()]
    return {str(p.relative_to(root)): digest for p, digest in zip(files, sha256_files(files))}  # read a piece at a time: an explorer page grows with the data


def is_fresh(root: Path, version: str, inputs: str) -> bool:
    """Whether the last build recorded these inputs (inputs_digest) and the outputs are still what it wrote."""
    path = root / CACHE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if record.get("version") != version or record.get("inputs") != inputs:
        return False
    recorded = record.get("outputs", {})
    generated = [k for k in recorded if not k.startswith(f"dataset/{version}/")]
    return bool(recorded) and outputs(root, version, generated) == recorded


def recorded_outputs(root: Path) -> dict[str, str]:
    """The outputs the last build recorded ({} when there is no readable record)."""
    try:
        return json.loads((root / CACHE).read_text(encoding="utf-8")).get("outputs", {})
    except (OSError, ValueError, AttributeError):
        return {}


def record(root: Path, version: str, generated: list[str], inputs: str) -> None:
    """Record a successful build: inputs is the digest taken before the build read anything, so an
    input saved during the build differs from it and the next build rebuilds."""
    data = {"version": version, "inputs": inputs, "outputs": outputs(root, version, generated)}
    ownfiles.write_new(root / TEMPORARY, (json.dumps(data, indent=1) + "\n").encode(), WHAT)
    (root / TEMPORARY).replace(root / CACHE)


def clear_temporary(root: Path) -> None:
    """Before a build: the record's temporary file a killed build left goes; a link there is refused."""
    ownfiles.clear(root / TEMPORARY, WHAT)
