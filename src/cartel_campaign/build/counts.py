"""Counts said in words in generated text, derived from the data: `{articles}` (and `{Articles}` at the
start of a sentence) in schemas/package.json, a table schema's description or docs/card.md becomes the
number of articles the release holds ("five"), so adding an article never leaves a stale count behind."""
from __future__ import annotations

from ..rules import number_word


def with_article_count(value, n: int):
    """value (text, or lists and mappings holding text) with the placeholders filled for n articles."""
    if isinstance(value, str):
        word = number_word(n)
        return value.replace("{articles}", word).replace("{Articles}", word[:1].upper() + word[1:])
    if isinstance(value, list):
        return [with_article_count(v, n) for v in value]
    if isinstance(value, dict):
        return {k: with_article_count(v, n) for k, v in value.items()}
    return value
