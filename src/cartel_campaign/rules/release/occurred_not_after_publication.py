"""Rule `occurred-not-after-publication` (release): an occurred event is not dated after its article's publication."""
from __future__ import annotations

from ..registry import rule


def after_publication_rule(event: dict, published_latest) -> str | None:
    """Rule 'an event that occurred is not dated after its article's latest publication date'."""
    if event["status"] == "occurred" and event["date_start"] is not None and published_latest is not None \
            and event["date_start"] > published_latest:
        return (f"an occurred event cannot start ({event['date_start']}) after the article's latest "
                f"publication date {published_latest}; set status scheduled or correct the date")
    return None


@rule("occurred-not-after-publication", "release", ("events", "articles"), "an occurred event is not dated after its article's publication",
      "date_start")
def occurred_not_after_publication(rows):
    latest = {a["article_id"]: a["published_latest"] for a in rows.get("articles", ())}
    for e in rows.get("events", ()):
        problem = after_publication_rule(e, latest.get(e["article_id"]))
        if problem:
            yield "events", e, "date_start", problem
