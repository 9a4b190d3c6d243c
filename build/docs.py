"""Step 5: files generated from the schemas and the release (codebook, figure, citation)."""
from __future__ import annotations

from pathlib import Path


def generate(root: Path, release: Path, version: str, meta: dict, schemas: dict) -> dict[str, bytes]:
    """{path relative to the repository root: bytes} of every generated documentation file."""
    return {}
