"""Rule `anonymous-source-id-has-article-number` (release): an anonymous source's id starts with its article's number."""
from __future__ import annotations

from ..registry import rule
from ..text import anonymous_article, article_number


@rule("anonymous-source-id-has-article-number", "release", ("actors", "articles"), "an anonymous source's id starts with its article's number",
      "actor_id")
def anonymous_source_id_has_article_number(rows):
    numbers = {article_number(a["article_id"]) for a in rows.get("articles", ())}
    for a in rows.get("actors", ()):
        if a["actor_type"] == "anonymous_source" and anonymous_article(a["actor_id"], a["actor_type"]) not in numbers:
            yield "actors", a, "actor_id", "an anonymous_source actor's id starts with its article's number (e.g. '001-unnamed-official')"
