"""Rule `claim-not-also-an-event` (record): a statement is recorded once: a claim is never also an event."""
from __future__ import annotations

from ..registry import rule


def claim_is_not_an_event_rule(claim_spans: set, about_event: str | None, event_spans: dict, event_types: dict) -> str | None:
    """Rule 'a claim is never also an event': no event rests on exactly the evidence of a claim
    (the same statement recorded twice) unless the claim says it is about that event and the
    event is not itself a statement."""
    for eid, spans in event_spans.items():
        if claim_spans and set(spans) == claim_spans and (eid != about_event or event_types.get(eid) == "statement"):
            return (f"the claim has exactly the evidence of event {eid!r}: a statement is recorded once, as a claim "
                    "(a threat is a claim; what is done is an event); remove the event, or, if the claim is about it, say so with about_event")
    return None


@rule("claim-not-also-an-event", "record", "claims", "a statement is recorded once: a claim is never also an event", "evidence")
def claim_not_also_an_event(r, view):
    spans = {(e["char_start"], e["char_end"]) for e in view.evidence("claims", r["claim_id"])}
    types = {e["event_id"]: e["event_type"] for e in view.rows.get("events", ())}
    return claim_is_not_an_event_rule(spans, r["about_event_id"], view.event_spans(), types)
