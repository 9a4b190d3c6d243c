"""The build's own files in the checkout (.build.lock, .build-cache.json.tmp, the per-article cache):
opened and created without following a symbolic link. A link where one of them belongs was not
made by the build, so the build refuses it with a message instead of writing where it points.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import BuildError

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _refuse_link(path: Path, what: str) -> BuildError:
    return BuildError(path, None, f"is a symbolic link where the build keeps {what}; the build never writes through a link "
                                  "it did not make; remove the link and build again")


def open_lock(path: Path) -> int:
    """A file descriptor of the lock file, created if missing, never through a symbolic link."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW | CLOEXEC, 0o644)
    except OSError as err:
        if err.errno == errno.ELOOP or path.is_symlink():
            raise _refuse_link(path, "its lock file") from None
        raise


def clear(path: Path, what: str) -> None:
    """Remove a regular file the build makes that a killed build left at path; a link there is refused."""
    if path.is_symlink():
        raise _refuse_link(path, what)
    if path.exists():
        if not path.is_file():
            raise BuildError(path, None, f"expected {what}, found a folder or special file; remove it and build again")
        path.unlink()


def own_folder(path: Path, what: str) -> Path:
    """The folder where the build keeps `what` between builds, created if missing; a link or a file there is
    refused (the build never writes through a link it did not make)."""
    if path.is_symlink():
        raise _refuse_link(path, what)
    if path.exists() and not path.is_dir():
        raise BuildError(path, None, f"expected the folder of {what}, found a file; remove it and build again")
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_new(path: Path, data: bytes, what: str) -> None:
    """Write data to path, a file the build makes: a regular file left there (by a killed build) is
    replaced; a link, or anything that appears there meanwhile, is refused (O_EXCL, O_NOFOLLOW)."""
    clear(path, what)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o644)
    except FileExistsError:
        raise BuildError(path, None, f"appeared while the build was writing {what} (another program?); nothing was written through it; "
                                     "build again") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
