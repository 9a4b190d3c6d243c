"""Rule `quote-carries-claim-or-says-why` (article): every quote is carried by a claim or says why not."""
from __future__ import annotations

from ..registry import rule


def claim_link_rule(linked: set[str], reasons: dict[str, str | None]) -> list[tuple[str, str]]:
    """Rule 'every quote is carried by a claim or says why not': (quote id, message) per failure, in quote order.
    `linked`: quote ids some claim lists; `reasons`: quote id -> its no_claim_reason, for every quote."""
    out = []
    for qid in reasons:
        if qid in linked and reasons[qid]:
            out.append((qid, "the quote carries a claim (claim_quotes) but also gives no_claim; drop one"))
        elif qid not in linked and not reasons[qid]:
            out.append((qid, "no claim lists this quote: link it from the claim it carries (claims[].quotes) "
                             "or say why it carries none (no_claim: reason)"))
    return out


@rule("quote-carries-claim-or-says-why", "article", ("quotes", "claim_quotes"), "every quote is carried by a claim or says why not",
      since="1.1.0")
def quote_carries_claim_or_says_why(view):
    quotes = {q["quote_id"]: q for q in view.rows.get("quotes", ())}
    linked = {link["quote_id"] for link in view.rows.get("claim_quotes", ())}
    for qid, problem in claim_link_rule(linked, {q: row["no_claim_reason"] for q, row in quotes.items()}):
        yield "quotes", quotes[qid], "no_claim_reason" if quotes[qid]["no_claim_reason"] else "quote_id", problem
