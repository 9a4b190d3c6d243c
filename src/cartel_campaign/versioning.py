"""Release versions, said once: MAJOR.MINOR.PATCH, compared as numbers (standard library only: the loader uses it)."""
from __future__ import annotations

import re

VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def version_key(version: str) -> tuple[int, ...]:
    """'1.10.0' -> (1, 10, 0), so versions sort as numbers."""
    return tuple(int(p) for p in version.split("."))


def is_version(text: str) -> bool:
    return bool(VERSION.match(text))
