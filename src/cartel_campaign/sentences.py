"""The sentences of an article as character spans (Python str indices, end exclusive).

Shared by ``cartel_campaign.draft`` and ``cartel_campaign.coverage``. Sentence boundaries come
from pysbd (install the ``annotate`` extra); it is imported only when sentences are asked for.
"""
from __future__ import annotations

from functools import lru_cache


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
