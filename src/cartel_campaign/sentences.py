"""The sentences of an article as character spans (Python str indices, end exclusive).

Shared by ``cartel_campaign.draft`` and ``cartel_campaign.coverage``. Sentence boundaries come
from sentencex (Wikimedia's rule-based splitter, compiled; install the ``annotate`` extra); it is
imported only when sentences are asked for. Until 1.1.0's docs the splitter was pysbd, about 100
times slower; the two differ on two of the five articles (see CHANGELOG).
"""
from __future__ import annotations

from functools import lru_cache

#: The language whose abbreviations and punctuation rules sentencex applies.
LANGUAGE = "en"


@lru_cache(maxsize=1)
def _segment():
    try:
        import sentencex
    except ImportError:
        raise ImportError("sentence splitting needs sentencex: pip install 'cartel-campaign-data[annotate]'") from None
    return sentencex.segment


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
    sentencex finds the boundaries. Each sentence it returns is located in the line after the
    previous one and runs up to the next one, so the sentences cover every non-blank character.
    """
    segment = _segment()
    spans = []
    for line_start, line_end in _line_spans(text):
        line = text[line_start:line_end]
        if not line.strip():
            continue
        starts, pos = [], 0
        for piece in segment(LANGUAGE, line):
            found = line.find(piece.strip(), pos) if piece.strip() else -1
            if found != -1:  # the pieces keep the text; a piece not found joins the previous sentence
                starts.append(found)
                pos = found + len(piece.strip())
        starts = sorted(set([0, *starts]))
        for a, b in zip(starts, [*starts[1:], len(line)]):
            s, e = _strip(text, line_start + a, line_start + b)
            if s < e:
                spans.append((s, e))
    return spans


class Splitter:
    """sentence_spans of many texts, each distinct text split once (the coverage figures split the
    same article for every release). Use it as a context manager: what it holds goes with it."""

    def __init__(self):
        self._done: dict[str, list[tuple[int, int]]] = {}

    def spans(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        for t in texts:
            if t not in self._done:
                self._done[t] = sentence_spans(t)
        return [self._done[t] for t in texts]

    def close(self) -> None:
        self._done.clear()

    def __enter__(self) -> Splitter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
