"""The sentences of an article as character spans (Python str indices, end exclusive).

Shared by ``cartel_campaign.draft`` and ``cartel_campaign.coverage``. Sentence boundaries come
from pysbd (install the ``annotate`` extra); it is imported only when sentences are asked for.
"""
from __future__ import annotations

import os
from functools import lru_cache

#: From this many texts on, sentence_spans_many splits them in worker processes (one per core).
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


def sentence_spans_many(texts: list[str], memo: dict | None = None) -> list[list[tuple[int, int]]]:
    """sentence_spans of each text, in order; each distinct text split once (memo: text -> spans,
    kept across calls). Many texts are split in worker processes, one per usable core: an article's
    sentences depend on its text alone, and the order of the results is the order of texts."""
    memo = {} if memo is None else memo
    todo = list(dict.fromkeys(t for t in texts if t not in memo))
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    if len(todo) >= PARALLEL_FROM and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            memo.update(zip(todo, pool.map(sentence_spans, todo, chunksize=max(1, len(todo) // (workers * 8)))))
    else:
        memo.update((t, sentence_spans(t)) for t in todo)
    return [memo[t] for t in texts]
