"""Rule `span-is-article-text` (record): a span's text is the article's text at its offsets."""
from __future__ import annotations

from ..registry import rule
from ..text import SPAN_TABLES


def span_text_rule(article: str, start: int, end: int, text: str) -> str | None:
    """Rule 'span text is the article's text at its offsets'."""
    found = article[start:end]
    if found != text:
        return f"article[{start}:{end}] is {found!r}, expected {text!r}"
    return None


@rule("span-is-article-text", "record", tuple(SPAN_TABLES), "a span's text is the article's text at its offsets")
def span_is_article_text(r, view):
    column = "alias" if "alias" in r else "text"
    return span_text_rule(view.text, r["char_start"], r["char_end"], r[column])
