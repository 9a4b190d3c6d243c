"""Rule `same-event-agrees` (release): same_event_as links events of the same type and overlapping dates."""
from __future__ import annotations

from ..registry import rule
from ..text import linked_events, same_event_as_rule


def same_event_rule(event: dict, other: dict) -> str | None:
    """Rule 'same_event_as links events the texts agree on': same type, and overlapping dates where both are dated
    (an ongoing event's date is when it began: only its start counts)."""
    if event["event_type"] != other["event_type"]:
        return f"links {other['event_id']!r}, but the types differ ({event['event_type']} vs {other['event_type']}); the texts do not report the same event"
    a, b = _date_span(event), _date_span(other)
    if a and b and (a[1] < b[0] or b[1] < a[0]):
        return (f"links {other['event_id']!r}, but the dates do not overlap ({a[0]}..{a[1]} vs {b[0]}..{b[1]}); "
                "the texts disagree on when it happened: keep two unlinked rows and say why in a note")
    return None


def _date_span(event: dict):
    if event["date_start"] is None:
        return None
    return event["date_start"], event["date_end"] or event["date_start"]


@rule("same-event-agrees", "release", "events", "same_event_as links events of the same type and overlapping dates", "same_event_as")
def same_event_agrees(rows):
    for e, other in linked_events(rows):
        problem = same_event_as_rule(e, other["article_id"]) is None and same_event_rule(e, other)
        if problem:
            yield "events", e, "same_event_as", problem
