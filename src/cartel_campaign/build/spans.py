"""Step 2: find the character offsets of annotated texts in their article.

Offsets are Python string indices (code points) into the article, end exclusive.
The article is never normalized: a text must match exactly. When it does not,
the error suggests the exact passage to paste (same words, other quote style,
dash or space) or shows the closest passage.
"""
from __future__ import annotations

import difflib

from ..rules import positions


# Characters that look alike; used only to suggest a fix, never to match.
_LOOKALIKE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    }
)


def _hint(article: str, text: str) -> str:
    loose = positions(article.translate(_LOOKALIKE), text.translate(_LOOKALIKE))
    if loose:
        exact = article[loose[0] : loose[0] + len(text)]
        diffs = [f"{a!r}→{b!r}" for a, b in zip(text, exact) if a != b]
        return (
            f"; the article has it with different quote marks, dashes or spaces ({', '.join(dict.fromkeys(diffs))}). "
            f"Paste exactly: {exact!r}"
        )
    match = difflib.SequenceMatcher(None, article, text, autojunk=False).find_longest_match(0, len(article), 0, len(text))
    if match.size < max(4, len(text) // 4):  # a stray letter or word in common is not a lead
        return "; nothing similar is in the article"
    # the longest part in common, aligned as in the text, with 10 characters more on each side
    start = match.a - match.b
    return f"; closest passage in the article: {article[max(0, start - 10) : start + len(text) + 10]!r}"


def resolve(article: str, text: str, occurrence: int | None, doc, path: tuple, what: str) -> tuple[int, int]:
    """(char_start, char_end) of text in article, or a BuildError at the annotation line of `path` in `doc`."""
    if text != text.strip():
        raise doc.error(path, f"{what}: text has leading or trailing spaces: {text!r}; expected the passage without them")
    found = positions(article, text)
    if not found:
        raise doc.error(path, f"{what}: text not found in the article: {text!r}{_hint(article, text)}")
    if occurrence is None:
        if len(found) > 1:
            raise doc.error(
                path,
                f"{what}: text occurs {len(found)} times in the article (at offsets {', '.join(map(str, found))}): "
                f"{text!r}; add 'occurrence: N' (1 = first) to say which, or quote a longer passage",
            )
        start = found[0]
    else:
        if occurrence > len(found):
            raise doc.error(path, f"{what}: occurrence {occurrence} asked for, but the text occurs {len(found)} time(s): {text!r}")
        start = found[occurrence - 1]
    return start, start + len(text)

