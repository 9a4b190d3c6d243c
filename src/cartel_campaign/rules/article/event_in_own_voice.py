"""Rule `event-in-own-voice` (article): an event is not a claim: it has evidence outside claimed quotes."""
from __future__ import annotations

from ..registry import rule


def inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def event_in_own_voice_rule(evidence: list[tuple[int, int]], claimed_quotes: list[tuple[int, int]]) -> str | None:
    """Rule 'an event is not a claim': an event needs evidence outside the quotes that carry claims;
    an event resting only on someone's claimed words is that person's claim (a claims row)."""
    if evidence and all(inside_any(s, e, claimed_quotes) for s, e in evidence):
        return ("every evidence passage of the event lies inside a quote that carries a claim: an event resting only on "
                "someone's words is their claim; record it in claims (or add evidence in the article's own voice)")
    return None


@rule("event-in-own-voice", "article", ("events", "quotes", "claim_quotes"), "an event is not a claim: it has evidence outside claimed quotes",
      since="1.1.0")
def event_in_own_voice(view):
    linked = {link["quote_id"] for link in view.rows.get("claim_quotes", ())}
    claimed = [(q["char_start"], q["char_end"]) for q in view.rows.get("quotes", ()) if q["quote_id"] in linked]
    spans = view.event_spans()
    for event in view.rows.get("events", ()):
        problem = event_in_own_voice_rule(spans[event["event_id"]], claimed)
        if problem:
            yield "events", event, "evidence", problem
