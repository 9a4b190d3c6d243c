"""Rule `role-in-own-voice` (record): a role rests on the article's own voice, not an allegation or a facilitation."""
from __future__ import annotations

import functools
import re

from ..registry import rule


# Rules that a record's type and roles are the article's words (issue 14.2; from 1.1.0 on:
# releases before it were published without them).
HEDGE = re.compile(
    r"\b(?:allegedly|alleged|accus\w*|suspected|reportedly|so-called|deemed|"
    r"(?:identified|described|describe|describes|labell?ed|called|considered) as|"
    r"what [^.]{0,80}\b(?:calls?|called|identified|described|describes|labell?ed|considers?|deems?))\b", re.I)
FACILITATION = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:facilitat\w*|help(?:ed|s)?|enabl\w*|assist\w*)\b", re.I)


@functools.lru_cache(maxsize=4096)
def _whole_word(form: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)")


def _named_at(forms: list[str], passage: str) -> list[tuple[int, int]]:
    return [m.span() for f in forms for m in _whole_word(f).finditer(passage)]


def role_words_rule(role: str, forms: list[str], evidence_texts: list[str]) -> str | None:
    """Rule 'a role rests on the article's own voice': a target named in the evidence only inside an
    allegation or label ("allegedly linked to", "what the administration identified as") gets no
    role; an actor the text says facilitated something is not its agent. `forms`: the actor's aliases."""
    spans = [(p, s, e) for p in evidence_texts for s, e in _named_at(forms, p)]
    if role == "target" and spans and all(HEDGE.search(re.split(r"[.;]", p[:s])[-1]) for p, s, _ in spans):
        return ("the evidence names the target only inside an allegation or a label "
                f"({spans[0][0][:spans[0][1]].split('.')[-1].strip()!r} …): record the allegation as a claim, not a role")
    if role == "agent":
        for p, s, e in spans:
            m = FACILITATION.search(p[e:])
            if m:
                return f"the text says {p[s:e + m.end()]!r}: someone who facilitated it is its facilitator, not its agent"
    return None


@rule("role-in-own-voice", "record", "event_actors", "a role rests on the article's own voice, not an allegation or a facilitation",
      "actor_id", since="1.1.0")
def role_in_own_voice(r, view):
    return role_words_rule(r["role"], view.forms.get(r["actor_id"], []), view.evidence_texts("events", r["event_id"]))
