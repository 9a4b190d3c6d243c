"""The sentences of an article as character spans (Python str indices, end exclusive).

Shared by ``cartel_campaign.draft`` and ``cartel_campaign.coverage``. Sentence boundaries come
from pysbd (install the ``annotate`` extra); it is imported only when sentences are asked for.
"""
from __future__ import annotations

from functools import lru_cache

from .cores import usable_cores

#: From this many texts on, a Splitter splits them in worker processes (one per core).
PARALLEL_FROM = 100


@lru_cache(maxsize=1)
def _segmenter():
    try:
        import pysbd
    except ImportError:
        raise ImportError("sentence splitting needs pysbd: pip install 'cartel-campaign-data[annotate]'") from None
    return pysbd.Segmenter(language="en", clean=False)


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line without its line break."""
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding white space."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence, without surrounding white space, in order.

    A line break always ends a sentence (headlines and paragraphs are lines); within a line,
    pysbd finds the boundaries. Each sentence pysbd returns is located in the line after the
    previous one and runs up to the next one, so the sentences cover every non-blank character.
    """
    spans = []
    for line_start, line_end in _line_spans(text):
        line = text[line_start:line_end]
        if not line.strip():
            continue
        starts, pos = [], 0
        for segment in _segmenter().segment(line):
            found = line.find(segment.strip(), pos) if segment.strip() else -1
            if found != -1:  # pysbd keeps the text (clean=False); a piece not found joins the previous sentence
                starts.append(found)
                pos = found + len(segment.strip())
        starts = sorted(set([0, *starts]))
        for a, b in zip(starts, [*starts[1:], len(line)]):
            s, e = _strip(text, line_start + a, line_start + b)
            if s < e:
                spans.append((s, e))
    return spans


def _split_all(texts: list[str]) -> list[list[tuple[int, int]]]:
    return [sentence_spans(t) for t in texts]


class Splitter:
    """sentence_spans of many texts, each distinct text split once.

    `start(texts)` hands the texts to worker processes (from PARALLEL_FROM texts on, one per usable
    core, at most 8), which split them in the background while the caller goes on; `spans(texts)`
    returns each text's sentences, in order, splitting here what was not started. An article's
    sentences depend on its text alone, so the results do not depend on who split them. Use it as a
    context manager: the workers end with it."""

    def __init__(self):
        self._done: dict = {}
        self._pending: dict = {}  # text -> (future of its part, position in the part)
        self._pool = None

    def start(self, texts) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self._done and t not in self._pending]
        workers = min(usable_cores(), 8)
        if len(todo) < PARALLEL_FROM or workers < 2:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if "fork" not in multiprocessing.get_all_start_methods():
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        size = max(1, len(todo) // (workers * 8))
        for i in range(0, len(todo), size):
            part = todo[i:i + size]
            future = self._pool.submit(_split_all, part)
            self._pending.update((t, (future, j)) for j, t in enumerate(part))

    def spans(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        self.start(texts)
        for t in texts:
            if t in self._done:
                continue
            if t in self._pending:
                future, j = self._pending.pop(t)
                self._done[t] = future.result()[j]
            else:
                self._done[t] = sentence_spans(t)
        return [self._done[t] for t in texts]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Splitter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
