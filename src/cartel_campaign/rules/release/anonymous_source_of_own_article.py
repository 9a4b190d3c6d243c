"""Rule `anonymous-source-of-own-article` (release): an anonymous source speaks only in its own article."""
from __future__ import annotations

from ..registry import rule
from ..text import anonymous_article, article_number, own_article_rule


@rule("anonymous-source-of-own-article", "release", ("quotes", "actors"), "an anonymous source speaks only in its own article")
def anonymous_source_of_own_article(rows):
    types = {a["actor_id"]: a["actor_type"] for a in rows.get("actors", ())}
    for q in rows.get("quotes", ()):
        for col in ("speaker_actor_id", "reported_by_actor_id"):
            aid = q[col]
            problem = aid and own_article_rule("anonymous source", aid, anonymous_article(aid, types.get(aid)), article_number(q["article_id"]))
            if problem:
                yield "quotes", q, col, problem
