"""Rule `claim-coded-one-way` (row): the same act gets the same polarity and type."""
from __future__ import annotations

from ..registry import rule


#: Claim types whose act is itself a denial, rejection or refusal: always negative.
NEGATIVE_TYPES = ("deny", "reject")
#: Claim types that may be either: an assurance that something will (positive) or will not (negative) be done.
EITHER_POLARITY_TYPES = ("assure",)


@rule("claim-coded-one-way", "row", "claims", "the same act gets the same polarity and type", "polarity", since="1.2.0")
def claim_coded_one_way(r):
    t = r["claim_type"]
    if t in NEGATIVE_TYPES and r["polarity"] != "negative":
        return f"a claim of type {t} is negative (the act is a denial, rejection or refusal); found {r['polarity']!r}"
    if t not in NEGATIVE_TYPES + EITHER_POLARITY_TYPES and r["polarity"] != "positive":
        return (f"a claim of type {t} is positive: polarity says whether the act denies, rejects or promises not to act, "
                f"not whether its words contain a negation; found {r['polarity']!r}")
    if t == "acknowledge" and r["modality"] == "future":
        return ("modality", "a statement of what will (not) be done is an assurance (type assure), whatever the verb "
                "('confirmed'); acknowledge is for what already holds")
