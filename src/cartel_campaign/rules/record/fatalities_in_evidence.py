"""Rule `fatalities-in-evidence` (record): fatality numbers appear in the event's evidence."""
from __future__ import annotations

import re

from ..registry import rule
from ..text import number_word


_MONTH_BEFORE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+$")


def number_in_text(n: int, text: str) -> bool:
    """The number stands in the text as a whole number: digits or a number word.

    Not part of a longer number, a decimal, an ordinal (20th), a date (Nov. 4, 2025-11-04) or a
    longer word ("one" in "someone", "four" in "fourteen")."""
    for m in re.finditer(rf"(?<![\d.,/-]){n}(?!\d|(?:st|nd|rd|th)\b|[.,/-]\d)", text):
        if not _MONTH_BEFORE.search(text, 0, m.start()):
            return True
    return bool(re.search(rf"\b{number_word(n)}\b", text, re.IGNORECASE))


def fatalities_rule(event: dict, evidence_texts: list[str]) -> list[tuple[str, str]]:
    """Rule 'fatality numbers appear in the event's evidence': (column, message) per failure."""
    out = []
    for col in ("fatalities", "fatalities_cumulative"):
        n = event[col]
        if n is not None and not any(number_in_text(n, t) for t in evidence_texts):
            out.append((col, f"{col} {n} does not appear in the event's evidence text (as digits or a number word)"))
    return out


@rule("fatalities-in-evidence", "record", "events", "fatality numbers appear in the event's evidence")
def fatalities_in_evidence(r, view):
    found = fatalities_rule(r, view.evidence_texts("events", r["event_id"]))
    return found[0] if found else None
