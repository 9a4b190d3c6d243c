"""Rule `indirect-claim-shows-reporting-verb` (record): a claim without a quote shows the verb of saying."""
from __future__ import annotations

from ... import speech
from ..registry import rule


#: Verbs (and phrases) by which an article reports what someone said, for claims with no quote
#: (one list with the draft's speech verbs: speech.REPORTING_WORDS).
REPORTING = speech.REPORTING


def reporting_verb_rule(evidence_texts: list[str]) -> str | None:
    """Rule 'a claim without a quote shows the reporting verb': some evidence passage of an
    indirect claim contains a verb of saying (said, denied, accused, warned, according to …)."""
    if not any(REPORTING.search(t) for t in evidence_texts):
        return ("a claim with no quote needs an evidence passage showing how the article reports it "
                "(a verb of saying such as 'said', 'denied', 'accused', 'warned', 'according to'); none found in: "
                + "; ".join(repr(t) for t in evidence_texts))
    return None


@rule("indirect-claim-shows-reporting-verb", "record", "claims", "a claim without a quote shows the verb of saying", "evidence")
def indirect_claim_shows_reporting_verb(r, view):
    if not view.quote_ids(r["claim_id"]):
        return reporting_verb_rule(view.evidence_texts("claims", r["claim_id"]))
