"""What one article gives (stage.ArticleRows), kept between builds in the build's work area.

An article's rows depend on its annotation, its text, the actor registry (seeds/actors.yaml), the
schemas, the newest release's version and status, and the code (cache.code_digest: Python, the
libraries, this package). The sha256 of all of them is the entry's name, so an entry is reused only
for exactly the inputs it was derived from; anything else is derived again. What depends on all
articles (ids across articles, summaries, checks, files, docs) is always recomputed.

Entries are pickles in WORK/articles/ (publish.WORK, the build's own folder, which the build
empties of everything else); they are written with O_EXCL and O_NOFOLLOW, never through a link,
and an entry is written only if the files still hold the bytes its name was computed from once the
article is derived. After a build, entries it did not use are removed. `build --check` never reads
them.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from .. import rules
from . import annotations, cache, derive, ownfiles, publish
from .errors import BuildError
from .tables import Sink, TableBuilder


@dataclass
class ArticleRows:
    """Everything one article gives, derived on its own: its annotation, its actor_mentions rows, the rows
    and summary counts it adds and the ids it defines, in order, and the error that stopped it (if any)."""
    ann: annotations.Annotation
    mentions: list
    rows: list
    counts: list
    ids: list
    error: BuildError | None

    def add_to(self, sink: Sink, summary: rules.SummaryCounter, ids: derive.Ids, first: TableBuilder) -> None:
        """Take the article's rows, as if it had been derived here: ids first (a repeat of another
        article's id is the error it would have been), then the article's own error, then the rows."""
        derive.mention_rows(self.mentions, sink, summary, first)
        for table, rid, path in self.ids:
            ids.add(table, rid, self.ann.doc, path)
        if self.error is not None:
            raise self.error
        for table, row in self.rows:
            sink.add(table, row)
        for table, row in self.counts:
            summary.add(table, row)


def salt(root: Path, schemas: dict, newest: dict) -> bytes:
    """What every article's rows depend on besides its own files."""
    h = hashlib.sha256(cache.code_digest().encode())
    h.update(pickle.dumps(sorted(schemas.items()), protocol=5))
    h.update(f"{newest['version']}\0{newest['status']}\0".encode())
    h.update((root / "seeds" / "actors.yaml").read_bytes())
    return h.digest()


def _own_bytes(path: Path) -> list[bytes]:
    """The annotation's bytes and its article's (seeds/<same name>.txt, the only article it may name)."""
    return [path.read_bytes(), path.with_suffix(".txt").read_bytes() if path.with_suffix(".txt").is_file() else b""]


class Store:
    """The entries in folder (created if missing; a link or a file there is refused: ownfiles.own_folder)."""

    def __init__(self, folder: Path, salt: bytes):
        self.folder, self.salt, self.used = ownfiles.own_folder(folder, "the articles' kept rows"), salt, set()

    def key(self, path: Path) -> str:
        """The entry name of the article whose annotation is path (hashing the bytes of both its files)."""
        h = hashlib.sha256(self.salt)
        for data in _own_bytes(path):
            h.update(len(data).to_bytes(8, "little") + data)
        return h.hexdigest()

    def has(self, key: str) -> bool:
        entry = self.folder / f"{key}.pickle"
        return entry.is_file() and not entry.is_symlink()

    def load(self, key: str) -> ArticleRows | None:
        """The kept ArticleRows; None for an entry that cannot be read (damaged, or of other code): derive it again."""
        try:
            fd = os.open(self.folder / f"{key}.pickle", os.O_RDONLY | ownfiles.NOFOLLOW | ownfiles.CLOEXEC)
            with os.fdopen(fd, "rb") as handle:
                article = pickle.load(handle)
        except Exception:  # noqa: BLE001 - any failure to unpickle means the entry is not usable
            return None
        if not isinstance(article, ArticleRows):
            return None
        self.used.add(key)
        return article

    def save(self, key: str, path: Path, article, pickled: bytes | None = None) -> None:
        """Keep the article's rows under key (pickled: the article's pickled bytes, where they were made already),
        unless its files changed since key was computed (or it failed)."""
        if article.error is not None or self.key(path) != key:
            return
        tmp = self.folder / f"{key}.tmp"
        ownfiles.write_new(tmp, pickle.dumps(article, protocol=5) if pickled is None else pickled, "a cached article")
        os.replace(tmp, self.folder / f"{key}.pickle")
        self.used.add(key)

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        for entry in self.folder.iterdir():
            if entry.name.removesuffix(".pickle") not in self.used:
                publish.remove(entry)
