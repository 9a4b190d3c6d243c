"""Rule `actor-mentions-recomputed` (derived): actor_mentions are every alias found in every article."""
from __future__ import annotations

from ..aliases import ArticleAliases, mentions
from ..registry import rule
from ..tables import compare


def recomputed_mentions(rows: dict, texts: dict) -> list[dict]:
    types = {a["actor_id"]: a["actor_type"] for a in rows["actors"]}
    aliases = ArticleAliases((a["alias"], a["actor_id"], types.get(a["actor_id"])) for a in rows["actor_aliases"])
    out = []
    for a in rows["articles"]:
        if a["article_id"] in texts:
            finder, owner = aliases.for_article(a["article_id"])
            out += mentions(a["article_id"], texts[a["article_id"]], finder, owner)
    return out


@rule("actor-mentions-recomputed", "derived", ("actor_mentions", "actor_aliases", "articles", "actors"),
      "actor_mentions are every alias found in every article")
def actor_mentions_recomputed(rows, texts):
    return compare(recomputed_mentions(rows, texts), list(rows["actor_mentions"]))
