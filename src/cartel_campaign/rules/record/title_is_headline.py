"""Rule `title-is-headline` (record): a title is the headline at the start of the article."""
from __future__ import annotations

from ..registry import rule


def title_rule(article: str, title: str | None) -> str | None:
    """Rule 'a title is the headline at the start of the article'."""
    if title is not None and not article.startswith(title):
        at = article.find(title)
        if at > 0:
            return f"title must be the headline at the start of the article text; found it at char {at}"
        return f"title {title!r} is not the start of the article text"
    return None


@rule("title-is-headline", "record", "articles", "a title is the headline at the start of the article", "title")
def title_is_headline(r, view):
    return title_rule(view.text, r["title"])
