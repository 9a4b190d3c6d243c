"""Generated documentation kept between builds in the build's work area (publish.KEPT_DOCS), so that a
build whose change does not reach a figure or page takes it from there instead of computing it again:
the timeline figure, and each article's section of the explorer pages (explorer.cached_article_html).

An entry is named by the sha256 of the code (cache.code_digest: Python, the libraries, this package)
and of every input it is computed from, given by the caller (for the timeline: the very facts and
counts it draws, computed afresh from the release in every build; for an article's section: its text,
spans and labels). It is reused only for exactly those inputs; anything else is computed again.
Nothing is written through a link: a link (or a file) where the folder should be is refused, entries
are written with O_EXCL and O_NOFOLLOW and read with O_NOFOLLOW. After a build, entries it did not
use are removed. `build --check` never reads them.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

from . import cache, ownfiles, publish


class DocsStore:
    """Entries in folder (created if missing; a link or a file there is refused: nothing is written through a link)."""

    def __init__(self, folder: Path):
        self.folder, self.salt, self.used = ownfiles.own_folder(folder, "kept generated docs"), cache.code_digest().encode(), set()

    def key(self, name: str, inputs: list[bytes]) -> str:
        h = hashlib.sha256(self.salt + b"\0" + name.encode() + b"\0")
        for data in inputs:
            h.update(len(data).to_bytes(8, "little") + data)
        return h.hexdigest()

    def get(self, name: str, inputs: list[bytes], make: Callable[[], bytes]) -> bytes:
        """The kept bytes of `name` for these inputs, or make() (then kept)."""
        key = self.key(name, inputs)
        entry = self.folder / key
        try:
            fd = os.open(entry, os.O_RDONLY | ownfiles.NOFOLLOW | ownfiles.CLOEXEC)
            with os.fdopen(fd, "rb") as handle:
                data = handle.read()
        except OSError:  # not kept (or a link, which is never read): made again
            data = make()
            ownfiles.write_new(self.folder / f"{key}.tmp", data, "a kept generated file")
            os.replace(self.folder / f"{key}.tmp", entry)
        self.used.add(key)
        return data

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        for entry in self.folder.iterdir():
            if entry.name not in self.used:
                publish.remove(entry)


def get(store: DocsStore | None, name: str, inputs: list[bytes], make: Callable[[], bytes]) -> bytes:
    """store.get, or make() when nothing is kept (build --check, tests)."""
    return make() if store is None else store.get(name, inputs, make)
