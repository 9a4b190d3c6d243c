"""Rule `same-event-across-articles` (release): same_event_as points at an earlier article's row."""
from __future__ import annotations

from ..registry import rule
from ..text import linked_events, same_event_as_rule


@rule("same-event-across-articles", "release", "events", "same_event_as points at an earlier article's row", "same_event_as")
def same_event_across_articles(rows):
    for e, other in linked_events(rows):
        problem = same_event_as_rule(e, other["article_id"])
        if problem:
            yield "events", e, "same_event_as", problem
