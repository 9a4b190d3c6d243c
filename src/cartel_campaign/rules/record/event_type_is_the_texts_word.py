"""Rule `event-type-is-the-texts-word` (record): an event's type is the text's word."""
from __future__ import annotations

import re

from ..registry import rule


MOBILIZED = re.compile(r"mobili[sz]|called up|call-up|activat", re.I)
APPEAL = re.compile(r"\bcall(?:s|ed)? on\b|\burg(?:ed|es|ing)\b|\bappeal", re.I)
MATERIAL = re.compile(r"\b(?:footage|video|images?|photos?|documents?|recordings?)\b", re.I)


def event_type_words_rule(event_type: str, evidence_texts: list[str]) -> str | None:
    """Rule 'an event's type is the text's word': a mobilization mobilizes; a statement is words."""
    text = " ".join(evidence_texts)
    if event_type == "mobilization" and not MOBILIZED.search(text):
        hint = " (the evidence is an appeal: type statement)" if APPEAL.search(text) else ""
        return f"type mobilization, but no evidence passage says anyone was mobilized (mobilized, called up, activated){hint}"
    if event_type == "statement" and MATERIAL.search(text):
        return "type statement, but the evidence is about released material (footage, video, documents): type disclosure"
    return None


@rule("event-type-is-the-texts-word", "record", "events", "an event's type is the text's word", "event_type", since="1.1.0")
def event_type_is_the_texts_word(r, view):
    return event_type_words_rule(r["event_type"], view.evidence_texts("events", r["event_id"]))
