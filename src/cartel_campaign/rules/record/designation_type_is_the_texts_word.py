"""Rule `designation-type-is-the-texts-word` (record): a designation's type is the text's word."""
from __future__ import annotations

import re

from ..registry import rule


FTO = re.compile(r"foreign terrorist organi[sz]ations?|\bFTO\b", re.I)


def designation_type_words_rule(designation_type: str, evidence_texts: list[str]) -> str | None:
    """Rule 'a designation's type is the text's word' (FTO only where the text says so)."""
    text = " ".join(evidence_texts)
    if designation_type == "foreign_terrorist_organization" and not FTO.search(text):
        return ("type foreign_terrorist_organization, but no evidence passage says 'Foreign Terrorist Organization' or 'FTO' "
                "(another terrorist designation is other_terrorist_designation)")
    if designation_type == "other_terrorist_designation" and (FTO.search(text) or not re.search(r"terror", text, re.I)):
        return "type other_terrorist_designation needs 'terror…' and no FTO wording in its evidence"
    if designation_type == "sanctions" and not re.search(r"sanction", text, re.I):
        return "type sanctions, but no evidence passage says 'sanction…'"
    return None


@rule("designation-type-is-the-texts-word", "record", "designations", "a designation's type is the text's word", "designation_type",
      since="1.1.0")
def designation_type_is_the_texts_word(r, view):
    return designation_type_words_rule(r["designation_type"], view.evidence_texts("designations", r["designation_id"]))
