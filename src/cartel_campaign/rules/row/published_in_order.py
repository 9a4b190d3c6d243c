"""Rule `published-in-order` (row): published_earliest <= published_latest."""
from __future__ import annotations

from ..registry import rule


@rule("published-in-order", "row", "articles", "published_earliest <= published_latest", "published_latest")
def published_in_order(r):
    if r["published_earliest"] > r["published_latest"]:
        return f"published: earliest {r['published_earliest']} is after latest {r['published_latest']}"
