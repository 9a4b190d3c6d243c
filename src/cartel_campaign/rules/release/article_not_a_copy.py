"""Rule `article-not-a-copy` (release): no article is a copy of another (the same text, the same sha256)."""
from __future__ import annotations

from ..registry import rule


@rule("article-not-a-copy", "release", "articles", "no article is a copy of another (the same text, the same sha256)", "sha256")
def article_not_a_copy(rows):
    first: dict = {}
    for a in rows.get("articles", ()):
        if a["sha256"] in first:
            yield "articles", a, "sha256", (f"article {a['article_id']} has the same text as {first[a['sha256']]} (sha256 {a['sha256'][:12]}…): "
                                            "an article is annotated once; remove the copy")
        first.setdefault(a["sha256"], a["article_id"])
