"""Draft the annotation of a new article, for a person to check and complete.

    python -m cartel_campaign.draft seeds/005_<hash>.txt [-o seeds/005_<hash>.yaml] [--actors seeds/actors.yaml]

The draft has the shape of seeds/NNN_*.yaml (see seeds/GUIDE.md) with ``status: draft``:
article and sha256 filled in; the publication bounds left empty (the build rejects the file
until they are filled) with every date the text states listed; one entry for every pair of
quotation marks, as a quote (speaker, attribution and evidence proposed from the nearest
attribution) or as an exclusion (titles, names, terms); the registry actors the text mentions
and the capitalized names it does not know; candidate events as commented-out skeletons.
Every proposal the heuristics are unsure of carries a ``# check: <why>`` comment.

The YAML is written as text (so that the comments stay); PyYAML only reads the actor registry.
"""
from __future__ import annotations

import argparse
import bisect
import functools
import hashlib
import json
import os
import stat
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import speech
from .build.yamlio import MAX_BYTES
from .rules import NUMBERED_ID, article_number, positions
from .sentences import sentence_spans

# ------------------------------------------------------------------ word lists ----
# Verbs and nouns that introduce someone's words ("Rubio stated", "Trump's response").
SPEECH_VERBS = speech.SPEECH_VERBS  # one list with rules.REPORTING
SPEECH_NOUNS = speech.NOUNS
# Verbs that may come before the speaker: "said Rubio", "added the president".
INVERTED_VERBS = "said says added adds asked wrote writes continued explained noted stated told warned replied insisted".split()
SPEECH = re.compile(r"\b(?:[Aa]ccording to|" + "|".join((*SPEECH_VERBS, *SPEECH_NOUNS)) + r")\b")
AFTER_SPEECH = re.compile(r"(?:\s+(?:has|have|had|also|then|later|again|just|[a-z]\w*ly))*\s+(?:" + "|".join(SPEECH_VERBS) + r")\b")
INVERTED = re.compile(r"(?:" + "|".join(INVERTED_VERBS) + r")\s+")
# Words that may stand between a subject and its speech verb: "NBC report suggesting", "Rubio had characterized".
FILLERS_AT_END = re.compile(r"(?:\s+(?:has|have|had|is|was|were|will|would|also|then|later|again|once|previously|just|now|"
                            r"reportedly|report|reports|statement|spokesperson|office|[a-z]\w*ly))*\s*$")
PASSIVE_BEFORE = re.compile(r"\b(?:been|being|was|were|is|are)\s+(?:[a-z]+ly\s+)?$")
RELATIVE_AT_END = re.compile(r",?\s+who\s*$")
# "the administration identified" -> an actor whose alias contains the noun.
GENERIC = re.compile(r"\b[Tt]he (administration|government|regime|ministry|department|agency|military|army|report|newspaper|outlet|"
                     r"network|broadcaster|secretary|minister|spokesperson|spokesman|spokeswoman)\b")
REPORT_NOUNS = {"report", "newspaper", "outlet", "network", "broadcaster"}
# "Nicolás Maduro's government" -> the actor with the alias "Maduro government".
POSSESSIVE_NOUN = re.compile(r"['’]s\s+(government|administration|regime|ministry|cabinet|party|army|military|forces|office)\b")
PRONOUN = re.compile(r"\b(he|she|it|they|him|He|She|It|They)\b")
PERSON_PRONOUNS = {"he", "she", "him"}
# Unnamed sources: "a source close to ...", "an official", "officials".
ANONYMOUS = re.compile(r"\b(?:[Aa]n?|[Tt]he|[Tt]wo|[Tt]hree|[Ss]everal)?\s*(?:[\w-]+\s+){0,3}?"
                       r"(?:source|sources|official|officials|spokesperson|aide|aides|diplomat|diplomats)$")
# Words that introduce a name or a term, not someone's words.
NAMING_CUE = re.compile(r"(?:so-called|dubbed|titled|entitled|nicknamed|known as|headlined|"
                        r"the (?:term|word|phrase|slogan|hashtag|label|name|headline|title))\s*$", re.IGNORECASE)
WEAK_NAMING_CUE = re.compile(r"\b(?:called|named)\s*$")
# Verbs (and subjects) that make a quoted passage a statement rather than a term.
VERB_HINTS = set("is are was were be been being am will would shall should can could may might must do does did has have had "
                 "not i we you they he she it going".split())
SMALL_WORDS = set("a an the of and or for to in on at by de del la los las y with from as".split())
FUNCTION_WORDS = set(
    "a an the this that these those it its he she they we i you his her their our my your him them us who whom which what "
    "when where while why how if as at by for from in into of on onto to with without within despite after before during "
    "since until upon over under between among against about around across through toward towards and or but nor so yet "
    "also then there here thus however meanwhile moreover furthermore nevertheless together certain some many most more "
    "multiple several various other another each every both either neither such no not all any according anything "
    "everything something nothing anyone everyone someone nobody".split())
TITLE_WORDS = set("president secretary minister deputy press general attorney mayor senator governor director chief spokesperson "
                  "leader vice prime former acting u.s. us".split())
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
DATES = [
    re.compile(MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b"),
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+" + MONTH + r"(?:,?\s+\d{4})?\b"),
    re.compile(r"\b(?:January|February|March|April|June|July|August|September|October|November|December)(?:\s+\d{4})?\b"),
    re.compile(r"\b(?:(?:since|in|by|until|before|after|from|of|early|mid|late)[\s-]+)?(?:19|20)\d{2}\b"),
    re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    re.compile(r"\b(?:yesterday|today|tonight|tomorrow|(?:earlier |later )?(?:this|last|next) (?:week|month|year)|"
               r"the (?:first|past|last) \d+ (?:days|weeks|months|years))\b", re.IGNORECASE),
]
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
                "nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands dozen dozens").split()
NUMBER = re.compile(r"(?<![-\w])\$?\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?(?:\s+(?:million|billion|thousand|hundred))?\b"
                    r"|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
# Words that suggest an event (GUIDE.md "Events") and the event type they suggest.
EVENT_CUES = [
    (re.compile(r"\b(?:air)?strik(?:e|es|ing)\b|\bstruck\b|\bbomb(?:s|ed|ing)\b", re.IGNORECASE), "strike"),
    (re.compile(r"\bdeploy(?:s|ed|ing|ment|ments)?\b", re.IGNORECASE), "deployment"),
    (re.compile(r"\bdesignat(?:e|es|ed|ing)\b", re.IGNORECASE), "designation"),
    (re.compile(r"\bsanction(?:ed|ing)\b|\b(?:impose[sd]?|new)\s+sanctions\b", re.IGNORECASE), "sanction"),
    (re.compile(r"\b(?:kill(?:s|ed|ing)?|assassinat(?:e|ed|ion)|murder(?:s|ed)?|deaths?)\b", re.IGNORECASE), "killing"),
    (re.compile(r"\b(?:seiz(?:e|es|ed|ing|ure|ures)|captur(?:e|es|ed|ing)|arrest(?:s|ed|ing)?|raid(?:s|ed)?|launch(?:es|ed|ing)?)\b",
                re.IGNORECASE), "military_operation"),
    (re.compile(r"\bmobiliz(?:e|es|ed|ing|ation)\b", re.IGNORECASE), "mobilization"),
    (re.compile(r"\bextradit(?:e|es|ed|ion)\b", re.IGNORECASE), "extradition"),
    (re.compile(r"\b(?:reward|bounty)\b", re.IGNORECASE), "reward"),
    (re.compile(r"\b(?:authoriz(?:e|es|ed|ing|ation)|approv(?:e|es|ed|ing|al))\b", re.IGNORECASE), "authorization"),
]
# A capitalized name ending where a speech verb starts: "Defense Minister Vladimir Padrino", "Center for Strategic and International Studies".
NAME_AT_END = re.compile(r"[A-Z][\w’'.-]*(?:(?:\s+(?:of|for|and|de|del|la|los|las|y))?\s+[A-Z][\w’'.-]*)*$")
# Between the head of a phrase and a name that completes it: "Ryan Berg of the CSIS", "a source close to the White House".
HEAD_GAP = re.compile(r"\s+(?:of|at|from|with|close to|familiar with|near)(?:\s+the)?\s+$")
WORD = re.compile(r"[^\W_][\w\-’'.]*[^\W_]|[^\W_]")
INITIAL_GAP = re.compile(r"\.[ \t]+")
NAME_GAP = re.compile(r"[ \t]+(?:(?:of|for|and|de|del|da|do|van|von|y|al|el)[ \t]+|de[ \t]+l[ao]s?[ \t]+)?")


class DraftError(Exception):
    """Bad input (file, line, what was expected, what was found): exit code 2, no traceback."""


# ------------------------------------------------------------------- registry ----
def load_actors(path: Path) -> list[dict]:
    """seeds/actors.yaml as a list of {id, aliases, type, name}; DraftError with file and line when malformed."""
    import yaml

    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DraftError(f"{path}: cannot read the actor registry ({err})") from None
    try:
        node = yaml.compose(source)
        actors = yaml.safe_load(source)
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        raise DraftError(f"{path}:{'' if line is None else line + 1}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(actors, list):
        raise DraftError(f"{path}:1: expected a list of actors, found {type(actors).__name__}")
    for i, actor in enumerate(actors):
        line = node.value[i].start_mark.line + 1
        if not isinstance(actor, dict) or not isinstance(actor.get("id"), str):
            raise DraftError(f"{path}:{line}: actor #{i + 1}: expected a mapping with an id, found {actor!r}"[:300])
        aliases = actor.get("aliases")
        if not isinstance(aliases, list) or not aliases or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise DraftError(f"{path}:{line}: actor {actor['id']!r}: aliases must be a non-empty list of names, found {aliases!r}"[:300])
        for key in ("name", "type"):
            if actor.get(key) is not None and not isinstance(actor[key], str):
                key_line = next(k.start_mark.line + 1 for k, _ in node.value[i].value if k.value == key)
                raise DraftError(f"{path}:{key_line}: actor {actor['id']!r}: {key} must be text, found {actor[key]!r}"[:300])
    return actors


#: Names the articles use for an agency whose registry name differs ("Pentagon" for the Department of Defense):
#: the form -> a form derived from a registry name. The draft proposes them with a check, never as aliases.
KNOWN_FORMS = {"Pentagon": "Department of Defense", "Department of War": "Department of Defense",
               "War Department": "Department of Defense", "Department of State": "State Department"}


def name_forms(actor: dict) -> set[str]:
    """Other ways an article may write a registry actor that is not an alias: a person's name, given name +
    surname and surname ("Pete Hegseth", "Hegseth" from "Secretary of Defense Pete Hegseth"); an agency's
    "Department of X" / "X Department" and its name without "US"."""
    if actor.get("type") == "anonymous_source":
        return set()
    names = [actor.get("name") or "", *actor["aliases"]]
    forms = set()
    if actor.get("type") == "person":
        for name in names:
            words = [w for w in name.split() if w[:1].isupper()]
            while words and words[0].lower() in TITLE_WORDS | {"defense", "state", "war", "homeland", "security", "white", "house", "of"}:
                words.pop(0)
            if len(words) >= 2:
                forms |= {" ".join(words[-2:]), words[-1]}
            elif words:
                forms.add(words[-1])
        return {f for f in forms if f.lower() not in FUNCTION_WORDS | TITLE_WORDS and len(f) > 2}
    for name in names:
        if "(" in name:
            continue
        bare = re.sub(r"^(?:US|U\.S\.|United States) (?=Department )", "", name)
        forms |= {name, bare} if " " in name else {name}
        m = re.fullmatch(r"Department of (?:the )?(\w+)", bare)
        if m:
            forms.add(f"{m.group(1)} Department")
        m = re.fullmatch(r"(\w+) Department", bare)
        if m:
            forms.add(f"Department of {m.group(1)}")
    return forms


@dataclass
class Registry:
    owner: dict  # alias (or a form derived from a name, see name_forms) -> actor id
    types: dict  # actor id -> type
    names: dict  # actor id -> name
    pattern: re.Pattern
    derived: dict = field(default_factory=dict)  # form that is not an alias -> how it was derived

    @classmethod
    def from_actors(cls, actors: list[dict]) -> "Registry":
        owner = {alias: a["id"] for a in actors for alias in a["aliases"]}
        derived: dict[str, set] = {}
        for a in actors:
            for form in name_forms(a) - set(owner):
                derived.setdefault(form, set()).add(a["id"])
        why = {}
        for form, ids in derived.items():
            if len(ids) == 1:  # a surname two actors share names neither
                owner[form] = next(iter(ids))
                why[form] = "a form of its name"
        for form, target in KNOWN_FORMS.items():
            if form not in owner and target in owner:
                owner[form], why[form] = owner[target], f"“{form}” is another name for “{target}”"
        aliases = sorted(owner, key=lambda s: (-len(s), s))  # leftmost-longest, as the build matches them
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, aliases)) + r")(?!\w)") if aliases else re.compile(r"(?!)")
        return cls(owner, {a["id"]: a.get("type") for a in actors}, {a["id"]: a.get("name") or a["id"] for a in actors}, pattern, why)

    def is_person(self, actor_id) -> bool:
        return self.types.get(actor_id) == "person"

    def ids_named_by_noun(self, noun: str) -> list[str]:
        """Actors with an alias ending in noun ("Trump administration" for "administration"); anonymous sources left out."""
        return sorted({aid for alias, aid in self.owner.items()
                       if alias.split()[-1].lower() == noun and self.types.get(aid) != "anonymous_source"})


# ------------------------------------------------------------------- analysis ----
@dataclass
class Ref:
    """A stretch of text that names (or points to) an actor: an alias, a pronoun, "the administration"."""

    start: int
    end: int
    actor_id: str | None
    surface: str
    how: str  # alias | possessive | pronoun | generic | name | anonymous
    via: str = ""  # for pronouns and generic phrases: the alias they were resolved to
    via_start: int | None = None  # where that alias stands


@dataclass
class Finding:
    ref: Ref
    evidence: list  # (start, end) of each attribution passage
    rule: str  # after | verb | according | noun | subject | previous | next
    head_of: str = ""  # "Ryan Berg of the CSIS": the longer phrase the speaker was taken from


@dataclass
class QuoteProposal:
    mark: tuple[int, int]  # the text inside the quotation marks
    start: int
    end: int
    kind: str  # quote | exclusion
    speaker: str | None = None
    attribution: str | None = None
    reported_by: str | None = None
    evidence: list = field(default_factory=list)
    reason: str | None = None
    qid: str | None = None
    checks: list = field(default_factory=list)
    speaker_checks: list = field(default_factory=list)
    finding: Finding | None = None


@dataclass
class ClaimProposal:
    """A verbal claim (GUIDE.md "Claims") drafted from its reporting verb, with the quotes that carry it."""

    ref: Ref  # the claimant as the text names it
    verb: tuple[int, int]  # the reporting verb
    evidence: list  # (start, end) of the passages that show it
    quotes: list = field(default_factory=list)  # QuoteProposal
    checks: list = field(default_factory=list)  # about the claimant
    targets: list = field(default_factory=list)  # actor ids named after the verb in the clause
    finding: Finding | None = None
    cid: str | None = None
    type_mode: tuple = ("acknowledge", None)


#: The date a draft proposes for a claim or an event (GUIDE.md "Dates"): a window the annotator bounds.
WINDOW = "{precision: window, end: ~, inferred: true, basis: ~}"
WINDOW_HELP = ("the text states no date: end = the article's latest publication bound (published.latest) or an earlier bound "
               "the text gives; add start: the earliest bound the text supports, if any; basis: why; a stated date replaces the window")


@dataclass
class EventCandidate:
    sentence: tuple[int, int]
    types: list
    cues: list
    numbers: list
    dates: list
    actors: list


@dataclass
class Proposal:
    article: str
    sha256: str
    text: str
    title: str | None
    dates: list  # (start, end)
    quotes: list  # QuoteProposal
    mentioned: dict  # actor id -> (first alias, mentions, mentions inside a longer capitalized name)
    new_names: dict  # name -> count
    events: list  # EventCandidate
    derived: dict = field(default_factory=dict)  # Registry.derived
    claims: list = field(default_factory=list)  # ClaimProposal


#: How far back (characters) a pronoun or "the administration" looks for what it stands for.
LOOKBACK = 3000


def _before(refs: list[Ref], i: int, floor: int) -> list[Ref]:
    """The references before refs[i] that end before it starts and start after floor (refs sorted by start)."""
    out = []
    for j in range(i - 1, -1, -1):
        if refs[j].start < floor:
            break
        if refs[j].end <= refs[i].start:
            out.append(refs[j])
    return out[::-1]


class Context:
    """The article with its sentences, quotation marks and references to actors."""

    def __init__(self, text: str, registry: Registry):
        self.text, self.reg = text, registry
        self.sentences = sentence_spans(text)
        self.marks = [(m.start(), m.end()) for m in speech.quote_mark_matches(text)]  # with the marks
        self.mentions = [(m.start(), m.end(), registry.owner[m.group()], m.group()) for m in registry.pattern.finditer(text)
                         if not another_persons_name(text, m.start(), m.group(), registry)]
        self.names = name_spans(text, self.mentions, self.sentences, self.marks)
        self._mark_starts = [s for s, _ in self.marks]
        self._mention_starts = [s for s, *_ in self.mentions]
        self._sentence_starts = [s for s, _ in self.sentences]
        self.sentence_index = {span: i for i, span in enumerate(self.sentences)}
        self.refs = self._refs()
        self._ref_starts = [r.start for r in self.refs]
        self._by_start: dict[int, Ref] = {}
        self._by_end: dict[int, Ref] = {}
        for r in self.refs:
            if r.start not in self._by_start or r.end > self._by_start[r.start].end:
                self._by_start[r.start] = r
            if r.end not in self._by_end or r.start < self._by_end[r.end].start:
                self._by_end[r.end] = r

    # Lookups by position use bisection over the sorted, non-overlapping marks, mentions, sentences and
    # references, so that drafting stays linear in the number of quotation marks.
    def in_quotes(self, start: int, end: int | None = None) -> bool:
        end = start + 1 if end is None else end
        i = bisect.bisect_left(self._mark_starts, end) - 1
        return i >= 0 and self.marks[i][1] > start

    def in_mention(self, pos: int) -> bool:
        i = bisect.bisect_right(self._mention_starts, pos) - 1
        return i >= 0 and self.mentions[i][1] > pos

    def marks_between(self, start: int, end: int) -> bool:
        """Whether a pair of quotation marks opens strictly between start and end."""
        i = bisect.bisect_right(self._mark_starts, start)
        return i < len(self.marks) and self.marks[i][0] < end

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i][1] > pos:
            return self.sentences[i]
        return pos, pos

    def refs_between(self, start: int, end: int) -> list[Ref]:
        """The references that start in [start, end), in text order."""
        return self.refs[bisect.bisect_left(self._ref_starts, start):bisect.bisect_left(self._ref_starts, end)]

    def line_end(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end == -1 else end

    # -- references
    def _refs(self) -> list[Ref]:
        refs = [self._possessive(s, e, aid, alias) for s, e, aid, alias in self.mentions
                if not self.in_quotes(s, e) and not inside_longer_name(self.text, s, e)]
        refs += [Ref(s, e, None, self.text[s:e], "name") for s, e in self.names if not self.in_quotes(s, e)]
        taken = bytearray(len(self.text))
        for r in refs:
            taken[r.start:r.end] = b"\1" * (r.end - r.start)
        for m in GENERIC.finditer(self.text):
            if not self.in_quotes(m.start(), m.end()) and not any(taken[m.start():m.end()]):
                refs.append(Ref(m.start(), m.end(), None, m.group(), "generic"))
        for m in PRONOUN.finditer(self.text):
            if not self.in_quotes(m.start()) and not taken[m.start()]:
                refs.append(Ref(m.start(), m.end(), None, m.group(), "pronoun"))
        refs.sort(key=lambda r: r.start)
        for i, r in enumerate(refs):  # in text order, so that each resolves against the references before it
            if r.how == "generic":
                self._resolve_generic(r, _before(refs, i, r.start - LOOKBACK))
            elif r.how == "pronoun":
                self._resolve_pronoun(r, _before(refs, i, r.start - LOOKBACK))
        return refs

    def _possessive(self, start: int, end: int, actor_id: str, alias: str) -> Ref:
        """"Nicolás Maduro's government" names the actor with the alias "Maduro government", if there is one."""
        m = POSSESSIVE_NOUN.match(self.text, end)
        if m:
            for candidate in (f"{alias} {m.group(1)}", f"{alias.split()[-1]} {m.group(1)}"):
                if candidate in self.reg.owner:
                    return Ref(start, m.end(), self.reg.owner[candidate], self.text[start:m.end()], "possessive", candidate)
        return Ref(start, end, actor_id, alias, "alias")

    def _resolve_pronoun(self, ref: Ref, refs: list[Ref]) -> None:
        """he/she: the last person named before; it/they: the last organization, state or other non-person.
        A name not in the registry counts when its words say what it is ("Ministry of Defense", "John Smith")."""
        want_person = ref.surface.lower() in PERSON_PRONOUNS
        for r in reversed([r for r in refs if r.how in ("alias", "possessive", "name")]):
            if (r.how == "name" and _name_kind(r.surface) == ("person" if want_person else "organization")) or (
                    r.actor_id and self.reg.is_person(r.actor_id) == want_person):
                ref.actor_id, ref.via, ref.via_start = r.actor_id, r.surface, r.start
                return

    def _resolve_generic(self, ref: Ref, refs: list[Ref]) -> None:
        noun = ref.surface.split()[-1].lower()
        word = re.compile(rf"\b{noun}\b", re.IGNORECASE)
        earlier = [r for r in refs if r.actor_id and r.how in ("alias", "possessive")
                   and self.reg.types.get(r.actor_id) != "anonymous_source"]
        for r in reversed(earlier):
            if word.search(r.via or r.surface):
                ref.actor_id, ref.via, ref.via_start = r.actor_id, r.surface, r.start
                return
        if noun in REPORT_NOUNS:
            for r in reversed(earlier):
                if self.reg.types.get(r.actor_id) == "media":
                    ref.actor_id, ref.via = r.actor_id, r.surface
                    return
        ids = self.reg.ids_named_by_noun(noun)
        if len(ids) == 1:
            ref.actor_id, ref.via = ids[0], f"the only registry actor with “{noun}” in an alias"

    def ref_ending_at(self, pos: int) -> Ref | None:
        return self._by_end.get(pos)

    def ref_starting_at(self, pos: int) -> Ref | None:
        return self._by_start.get(pos)

    def ref_in_run(self, pos: int) -> Ref | None:
        """The last reference in the run of capitalized words (after an optional "the") that starts at pos:
        "U.S. Defense Secretary Pete Hegseth" -> Pete Hegseth; "the State Department" -> State Department."""
        run = re.match(r"(?:the\s+)?(?:[A-Z][\w.’'-]*(?:\s+(?:of|for|de)\s+|\s+)?)*", self.text[pos:pos + 120])
        end = pos + (run.end() if run else 0)
        inside = [r for r in self.refs_between(pos, end) if r.end <= end + 1 and r.how != "pronoun"]
        if not inside:
            return self.ref_starting_at(pos)
        return inside[-1]

    def ref_after_titles(self, pos: int) -> Ref | None:
        """The reference after pos, past spaces and titles: "according to President Petro" -> Petro."""
        ref = self.ref_starting_at(pos + len(re.match(r"\s*", self.text[pos:]).group()))
        if ref is None:
            titles = re.match(r"\s*(?:[A-Z][\w.]*\s+){1,3}", self.text[pos:])
            words = titles.group().split() if titles else []
            while words and words[0].lower().rstrip(".") in TITLE_WORDS:
                pos += len(re.match(r"\s*\S+", self.text[pos:]).group())
                words.pop(0)
                ref = self.ref_starting_at(pos + len(re.match(r"\s*", self.text[pos:]).group()))
                if ref is not None:
                    break
        return ref

    def name_ending_at(self, pos: int, floor: int) -> Ref | None:
        """A capitalized name not in the registry ("John Smith") or an unnamed source ("a senior official") ending at pos."""
        before = self.text[floor:pos]
        m = NAME_AT_END.search(before)
        if m and not self.in_quotes(floor + m.start()):
            words = m.group().split()
            while words and words[0].lower() in FUNCTION_WORDS:
                words.pop(0)
            if words:
                start = pos - len(" ".join(words))
                return Ref(start, pos, None, self.text[start:pos], "name")
        m = ANONYMOUS.search(before)
        if m and not self.in_quotes(floor + m.start()):
            phrase = m.group().strip()
            return Ref(pos - len(phrase), pos, None, phrase, "anonymous")
        return None

    def subject_before(self, pos: int, floor: int) -> tuple[Ref | None, str]:
        """The subject of the speech verb at pos: the reference just before it, past auxiliaries and adverbs."""
        m = FILLERS_AT_END.search(self.text, floor, pos)
        end = m.start() if m else pos
        ref = self.ref_ending_at(end) or self.name_ending_at(end, floor)
        if ref is None:  # "Maduro, who condemned": the relative pronoun's antecedent
            who = RELATIVE_AT_END.search(self.text, floor, end)
            ref = (self.ref_ending_at(who.start()) or self.name_ending_at(who.start(), floor)) if who else None
        if ref is None:
            return None, ""
        return self.head_of_phrase(ref)

    def head_of_phrase(self, ref: Ref) -> tuple[Ref, str]:
        """"Ryan Berg of the Center for Strategic and International Studies": the head is Ryan Berg;
        "a source close to the White House": the head is the unnamed source."""
        longer, floor = "", self.sentence_of(ref.start)[0]
        while True:
            gap = HEAD_GAP.search(self.text, floor, ref.start)
            prev = (self.ref_ending_at(gap.start()) or self.name_ending_at(gap.start(), floor)) if gap else None
            if prev is None or prev.how not in ("alias", "name", "anonymous"):
                return ref, longer
            longer = self.text[prev.start:ref.end]
            ref = prev

    def sentence_subject(self, start: int, end: int) -> Ref | None:
        """The first reference of the sentence, or the last one in its run of capitalized words
        ("US Secretary of State Marco Rubio" -> Marco Rubio)."""
        refs = [r for r in self.refs_between(start, end) if r.end <= end]
        if not refs:
            return None
        first = refs[0]
        run = re.match(r"(?:[\s]+(?:of\s+)?[A-Z][\w’'.-]*)*", self.text[first.end:end])
        run_end = first.end + (run.end() if run else 0)
        return [r for r in refs if r.start < run_end][-1]


# ----------------------------------------------------------------- speakers ----
def speaker_after(ctx: Context, close: int) -> Finding | None:
    """“…,” Trump told reporters / “…,” he said / “…,” said Rubio."""
    text = ctx.text
    pos = close + len(re.match(r"[\s,—–]*", text[close:ctx.line_end(close)]).group())
    if close > 0 and ctx.sentence_of(pos) != ctx.sentence_of(close - 1):
        return None  # the quote ends its sentence: what follows is a new sentence (speaker_nearby may still use it)
    ref = ctx.ref_in_run(pos)  # “…,” Hegseth said / “…,” Defense Secretary Pete Hegseth said / “…,” the State Department said
    if ref is not None:
        m = AFTER_SPEECH.match(text, ref.end)
        if m:
            head, longer = ctx.head_of_phrase(ref)
            end = pos + len(re.match(r"[^,.;:!?“”\"\n]*", text[pos:]).group())
            return Finding(head, [_trim(ctx, pos, end)], "after", longer)
        if ctx.ref_starting_at(pos) is not None:
            return None
    m = INVERTED.match(text, pos)
    if m:
        ref = ctx.ref_in_run(m.end())  # “…,” said Rubio / said U.S. Defense Secretary Pete Hegseth
        if ref is not None:
            return Finding(ref, [(pos, ref.end)], "after")
    return None


def speaker_before(ctx: Context, open_: int, floor: int) -> Finding | None:
    """Rubio stated that … “…” / which Rubio described as “…” / according to Rubio, … “…”."""
    cues = [m for m in SPEECH.finditer(ctx.text, floor, open_) if not ctx.in_quotes(m.start()) and not ctx.in_mention(m.start())]
    for cue in reversed(cues):
        word = cue.group().lower()
        if word == "according to":
            ref = ctx.ref_after_titles(cue.end())
            if ref is not None and ctx.reg.types.get(ref.actor_id) != "media":
                return Finding(ref, _evidence_spans(ctx, cue.start(), ref.end, open_), "according")
            continue
        if word in SPEECH_NOUNS:
            m = re.search(r"['’]s(?:\s+[\w-]+){0,2}\s+$", ctx.text[floor:cue.start()])
            ref = ctx.ref_ending_at(floor + m.start()) if m else None
            if ref is not None:
                return Finding(ref, [(ref.start, cue.end())], "noun")
            continue
        ref, longer = ctx.subject_before(cue.start(), floor)
        if ref is not None:  # the evidence starts at the pronoun's antecedent when it is in the same sentence
            start = ref.via_start if ref.via_start is not None and ref.via_start >= floor else ref.start
            return Finding(ref, _evidence_spans(ctx, start, cue.end(), open_), "verb", longer)
    if any(not PASSIVE_BEFORE.search(ctx.text, max(floor, cue.start() - 20), cue.start()) for cue in cues):
        ref = ctx.sentence_subject(floor, open_)  # not "X has been accused of …": the accused party does not speak
        if ref is not None:
            return Finding(ref, _evidence_spans(ctx, ref.start, ref.end, open_), "subject")
    return None


def speaker_nearby(ctx: Context, sentence: tuple[int, int]) -> Finding | None:
    """The previous sentence ends with its speaker ("Rubio said:") or the next one starts with it ("He added …")."""
    i = ctx.sentence_index.get(sentence, -1)
    if i > 0:
        s, e = ctx.sentences[i - 1]
        if not ctx.in_quotes(s, e):
            cues = [m for m in SPEECH.finditer(ctx.text, s, e) if m.group().lower() in SPEECH_VERBS]
            for cue in reversed(cues):
                ref, longer = ctx.subject_before(cue.start(), s)
                if ref is not None:
                    return Finding(ref, [(ref.start, cue.end())], "previous", longer)
    if 0 <= i < len(ctx.sentences) - 1 and "\n" not in ctx.text[sentence[1] - 1:ctx.sentences[i + 1][0]]:  # same paragraph
        s, e = ctx.sentences[i + 1]
        ref = ctx.ref_starting_at(s)
        m = AFTER_SPEECH.match(ctx.text, ref.end) if ref else None
        if m:
            return Finding(ref, [(s, m.end())], "next")
    return None


EVIDENCE_MAX = 160  # characters; a longer attribution passage is split (speaker and verb; the clause before the quote)


def _trim(ctx: Context, start: int, end: int) -> tuple[int, int]:
    """(start, end) without trailing spaces and dashes."""
    return start, start + len(ctx.text[start:end].rstrip(" \t—–-"))


def _clause_before(ctx: Context, open_: int, floor: int) -> tuple[int, int] | None:
    """The clause just before an opening mark: "indicating the US is now", "with the statement,"."""
    end = _trim(ctx, floor, open_)[1]
    body = ctx.text[floor:end].rstrip(",")
    cut = max((i for i, ch in enumerate(body) if ch in ",;:—–“”\"("), default=-1)
    start = floor + cut + 1
    start += len(ctx.text[start:end]) - len(ctx.text[start:end].lstrip())
    return (start, end) if start < end else None


def _evidence_spans(ctx: Context, start: int, head_end: int, open_: int) -> list[tuple[int, int]]:
    """The attribution passage from the speaker up to the quote; when that is long or holds other
    quotation marks: the speaker with the speech verb, and the clause just before the quote."""
    whole = _trim(ctx, start, open_)
    if whole[1] - whole[0] <= EVIDENCE_MAX and not ctx.marks_between(start, open_):
        return [whole]
    head = _trim(ctx, start, head_end)
    clause = _clause_before(ctx, open_, head_end)
    return [head] + ([clause] if clause and clause != head else [])


def reported_by(ctx: Context, sentence: tuple[int, int], speaker: str | None) -> tuple[Ref | None, tuple[int, int] | None]:
    """Who the article has the words from: "as reported in a tweet by X", "CNN cited …", "according to CNN", "told Fox News"."""
    s, e = sentence
    text = ctx.text
    candidates = []
    for m in re.finditer(r"\b(?:as\s+)?reported\b[^.;“”\"\n]{0,60}?\bby\s+(?:the\s+)?", text[s:e]):
        ref = ctx.ref_starting_at(s + m.end())
        if ref is not None:
            candidates.append((ref, (s + m.start(), ref.end)))
    for m in re.finditer(r"\b(?:[Aa]ccording to|told|in an interview with)\s+(?:the\s+)?", text[s:e]):
        ref = ctx.ref_starting_at(s + m.end())
        if ref is not None and ctx.reg.types.get(ref.actor_id) == "media":
            candidates.append((ref, (s + m.start(), ref.end)))
    for ref in ctx.refs_between(s, e):
        if ctx.reg.types.get(ref.actor_id) == "media":
            m = re.match(r"\s+(?:cited|quoted|citing|quoting)\b", text[ref.end:e])
            if m:
                candidates.append((ref, (ref.start, ref.end + m.end())))
    for ref, span in candidates:
        if (ref.actor_id or ref.how == "name") and (ref.actor_id is None or ref.actor_id != speaker) and not ctx.in_quotes(*span):
            return ref, span
    return None, None


def find_speaker(ctx: Context, open_: int, close: int) -> Finding | None:
    sentence = ctx.sentence_of(open_)
    return (speaker_after(ctx, close) or speaker_before(ctx, open_, sentence[0]) or speaker_at_end(ctx, close, sentence)
            or speaker_nearby(ctx, sentence))


BY_UNNAMED = re.compile(r"(?:some|many|several|other|two|three|a few)?\s*(?:[a-z][\w-]+\s+)?(?:experts|analysts|critics|officials|sources|observers|lawmakers|"
                        r"diplomats|residents|activists|scholars)\b")


def speaker_by(ctx: Context, close: int) -> Finding | None:
    """“…” by Y, after "called" or "described as": Y is the speaker (a name, or unnamed "some experts")."""
    m = re.match(r"\s+by\s+(?:the\s+)?", ctx.text[close:])
    if m is None:
        return None
    pos = close + m.end()
    ref = ctx.ref_starting_at(pos)
    if ref is None:
        unnamed = BY_UNNAMED.match(ctx.text, pos)
        ref = Ref(pos, unnamed.end(), None, unnamed.group(), "anonymous") if unnamed and unnamed.group().strip() else None
    if ref is None:
        return None
    head, longer = ctx.head_of_phrase(ref)
    return Finding(head, [(pos - len(m.group().lstrip()), ref.end)], "after", longer)


def speaker_at_end(ctx: Context, close: int, sentence: tuple[int, int]) -> Finding | None:
    """A sentence that ends with its attribution: … a “very clear” message to the cartels, Hegseth said Wednesday."""
    tail = ctx.text[close:sentence[1]]
    m = re.search(r",\s+(?=[^,;“”\"]*$)", tail)
    if m is None:
        return None
    pos = close + m.end()
    titled = [r for r in ctx.refs_between(pos, min(sentence[1], pos + 200)) if re.fullmatch(r"(?:[A-Z][\w.’'-]*\s+)*", ctx.text[pos:r.start])]
    ref = next((r for r in reversed(titled) if AFTER_SPEECH.match(ctx.text, r.end)), None)  # "U.S. Defense Secretary Pete Hegseth said"
    verb = AFTER_SPEECH.match(ctx.text, ref.end) if ref else None
    if verb is None or ctx.in_quotes(pos, verb.end()):
        return None
    head, longer = ctx.head_of_phrase(ref)
    return Finding(head, [_trim(ctx, pos, verb.end())], "end", longer)


def speaker_checks(ctx: Context, finding: Finding) -> list[str]:
    """Why a proposed speaker needs a look, if it does."""
    ref, checks = finding.ref, []
    if ref.how == "pronoun":
        kind = "person" if ref.surface.lower() in PERSON_PRONOUNS else "non-person actor"
        if not ref.via:
            checks.append(f"“{ref.surface}”: no {kind} named before it")
        else:
            checks.append(f"“{ref.surface}” taken as {ref.via}, the last {kind} named before it"
                          + ("" if ref.actor_id else ", who is not in seeds/actors.yaml: add the actor, then put its id here"))
    elif ref.how == "generic":
        checks.append(f"“{ref.surface}” taken as {ref.actor_id} ({ref.via})" if ref.actor_id else f"“{ref.surface}”: no registry actor found for it")
    elif ref.how == "possessive":
        checks.append(f"“{ref.surface}” taken as the actor with the alias “{ref.via}”")
    elif ref.how == "name":
        checks.append(f"attributed to “{ref.surface}”, who is not in seeds/actors.yaml: add the actor, then put its id here")
    elif ref.how == "anonymous":
        checks.append(f"unnamed source “{ref.surface}”: add an anonymous_source actor (id starting with the article number) to seeds/actors.yaml")
    if finding.head_of:
        checks.append(f"speaker taken as the head of “{finding.head_of}”")
    rule = {"subject": "no speech verb with a subject next to the quote; the speaker is the subject of the sentence",
            "previous": "attribution taken from the previous sentence", "next": "attribution taken from the next sentence"}.get(finding.rule)
    if rule:
        checks.append(rule)
    if ref.actor_id and ctx.reg.types.get(ref.actor_id) == "anonymous_source":
        checks.append("anonymous sources are one actor per article and description; is this the same source?")
    return checks


# ------------------------------------------------------------------- quotes ----
def quote_text_span(text: str, ms: int, me: int) -> tuple[int, int]:
    """The quote's text inside the marks, less a leading '>' and a trailing comma (GUIDE.md "Quotes")."""
    lead = re.match(r"[>\s]*", text[ms:me]).end()
    trail = re.search(r"[,\s]*$", text[ms + lead:me]).start()
    return ms + lead, ms + lead + trail


def is_title_like(words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return len(content) >= 2 and all(w[0].isupper() for w in content) and words[0].lower() not in VERB_HINTS and not words[-1].endswith((".", "!", "?"))


def is_term_like(words: list[str]) -> bool:
    """Short and without a verb: "historic", "paradigm shift" (a term or a scare quote, unless someone said it)."""
    plain = [re.sub(r"[^\w’'-]", "", w).lower() for w in words]
    return len(words) <= 3 and not any(w in VERB_HINTS or w.endswith(("n’t", "n't", "’s", "'s", "’re", "'re", "’ll", "'ll")) for w in plain)


def propose_quote(ctx: Context, match: re.Match) -> QuoteProposal:
    ms, me = match.span(1)
    start, end = quote_text_span(ctx.text, ms, me)
    q = QuoteProposal((ms, me), start, end, "quote")
    if start == end:  # nothing but '>', commas or spaces inside the marks
        q.start, q.end = ms + len(ctx.text[ms:me]) - len(ctx.text[ms:me].lstrip()), me - len(ctx.text[ms:me]) + len(ctx.text[ms:me].rstrip())
        return _exclude(q, "no words inside the quotation marks", "what are these marks for?")
    words = ctx.text[start:end].split()
    sentence = ctx.sentence_of(match.start())
    before = ctx.text[sentence[0]:match.start()]
    finding = find_speaker(ctx, match.start(), match.end())
    if WEAK_NAMING_CUE.search(before) or re.search(r"\b(?:labell?ed|described|branded|termed)(?:\s+\w+){0,2}\s+as\s*$", before):
        finding = speaker_by(ctx, match.end()) or finding  # called “…” by Y: Y's words
    if NAMING_CUE.search(before) or (WEAK_NAMING_CUE.search(before) and (finding is None or finding.rule in ("subject", "previous", "next"))):
        cue = (NAMING_CUE.search(before) or WEAK_NAMING_CUE.search(before)).group().strip()
        return _exclude(q, f"a name or term the article introduces with “{cue}”, not someone's words", None)
    strong = finding is not None and finding.rule in ("after", "verb", "according", "noun", "end")
    if is_title_like(words) and not strong:
        return _exclude(q, "a title or name in quotation marks (capitalized words, no verb), not someone's words",
                        "title-like; if someone is quoted, make it a quote")
    if finding is None and is_term_like(words):
        return _exclude(q, "a term the article puts in quotation marks (short, no verb, no speaker named nearby)",
                        "scare quotes or a term? if someone said it, make it a quote")
    q.finding = finding
    _attribute(ctx, q, finding, sentence)
    if is_term_like(words) and finding is not None:
        q.checks.append("short phrase: someone's words, or a term the article puts in quotes (then an exclusion)?")
    if is_title_like(words):
        q.checks.append("title-like words: a quote, or a title (then an exclusion)?")
    return q


def _exclude(q: QuoteProposal, reason: str, check: str | None) -> QuoteProposal:
    q.kind, q.reason = "exclusion", reason
    if check:
        q.checks.append(check)
    return q


def _attribute(ctx: Context, q: QuoteProposal, finding: Finding | None, sentence: tuple[int, int]) -> None:
    if finding is None:
        q.speaker_checks.append("no attribution found in this or the neighbouring sentences: whose words are these?")
        q.attribution = "direct"
        q.checks.append("attribution depends on the speaker")
        return
    ref = finding.ref
    q.speaker = ref.actor_id
    q.speaker_checks += speaker_checks(ctx, finding)
    q.evidence += [span for span in finding.evidence if span[0] < span[1]]
    by, by_span = reported_by(ctx, sentence, q.speaker)
    anonymous = ref.how == "anonymous" or ctx.reg.types.get(ref.actor_id) == "anonymous_source"
    if by is not None:
        q.reported_by = by.actor_id
        if by.actor_id is None:
            q.checks.append(f"reported by “{by.surface}”, who is not in seeds/actors.yaml: add the actor and set reported_by")
        if by_span not in q.evidence:
            q.evidence.append(by_span)
    q.attribution = "anonymous" if anonymous else "reported_by_third_party" if by is not None else "direct"


def carry_follow_on(ctx: Context, quotes: list[QuoteProposal]) -> None:
    """A quote with no attribution that follows another quote in the same paragraph, with no other
    party named between them, continues it: “…,” Ortiz said. “…” (same speaker, with a check)."""
    previous = None
    for q in quotes:
        if q.kind != "quote":
            continue
        if q.finding is None and previous is not None and previous.finding is not None and _continues(ctx, previous, q):
            _, before_close = previous.mark
            q.speaker_checks = [f"follow-on quote: taken as the speaker of the quote before it (“{_one_line(ctx.text[previous.start:previous.end])[:40]}…”)"]
            q.checks = [c for c in q.checks if c != "attribution depends on the speaker"]
            _attribute(ctx, q, previous.finding, ctx.sentence_of(previous.start))
            q.speaker_checks = [c for c in q.speaker_checks if not c.startswith("no attribution")]
            q.finding = previous.finding
        previous = q


def _continues(ctx: Context, previous: QuoteProposal, q: QuoteProposal) -> bool:
    gap_start, gap_end = previous.mark[1] + 1, q.mark[0] - 1
    if "\n" in ctx.text[gap_start:gap_end] or gap_end - gap_start > 200:
        return False
    speaker = previous.finding.ref.actor_id or previous.finding.ref.surface
    for r in ctx.refs_between(gap_start, gap_end):
        if (r.actor_id or r.surface) != speaker and r.how != "pronoun":
            return False
    return True


# ------------------------------------------------------------------- claims ----
CLAIM_VERB = re.compile(r"\b(?:[Aa]ccording to|" + "|".join(sorted(speech.SPEECH_VERBS, key=len, reverse=True)) + r")\b")
#: PLOVER modes a reporting verb shows (GUIDE.md "Claims"); other verbs leave the mode to the annotator.
MODE_BY_VERB = {"alleged": "allege", "alleges": "allege", "alleging": "allege", "condemned": "disapprove", "condemns": "disapprove",
                "denounced": "disapprove", "denounces": "disapprove", "criticized": "disapprove", "criticised": "disapprove",
                "criticizes": "disapprove", "complained": "disapprove"}
NEGATIVE_TYPES = {"deny", "reject"}
FUTURE_TYPES = {"threaten", "assure"}
CLAUSE_END = re.compile(r"[.;:!?\n]|,\s+(?:but|while|although|though|as|and)\b|\s[—–]\s")


def claim_proposals(ctx: Context, quotes: list[QuoteProposal]) -> list[ClaimProposal]:
    """One claim per attributed run of quotes (direct), then one per reporting verb with a subject that
    no quote's attribution already holds (indirect), in text order."""
    claims = direct_claims(ctx, quotes)
    taken = bytearray(len(ctx.text))
    for a, b in (span for c in claims for span in c.evidence + [(q.start, q.end) for q in c.quotes]):
        taken[a:b] = b"\1" * (b - a)
    for s, e in ctx.sentences:
        for cue in CLAIM_VERB.finditer(ctx.text, s, e):
            if ctx.in_quotes(cue.start()) or ctx.in_mention(cue.start()) or taken[cue.start()]:
                continue
            claim = indirect_claim(ctx, cue, s, e)
            if claim is not None:
                claims.append(claim)
                for a, b in claim.evidence:
                    taken[a:b] = b"\1" * (b - a)
    claims.sort(key=lambda c: min(a for a, _ in c.evidence + [(q.start, q.end) for q in c.quotes]))
    for c in claims:
        c.type_mode = claim_type(ctx, c)
    return claims


def direct_claims(ctx: Context, quotes: list[QuoteProposal]) -> list[ClaimProposal]:
    claims: list[ClaimProposal] = []
    for q in quotes:
        if q.kind != "quote" or q.finding is None:
            continue
        if claims and claims[-1].finding is q.finding:
            claims[-1].quotes.append(q)
            continue
        evidence = [span for span in q.finding.evidence if span[0] < span[1]]
        verb = next((m.span() for a, b in evidence for m in CLAIM_VERB.finditer(ctx.text, a, b)), None)
        claim = ClaimProposal(q.finding.ref, verb or (0, 0), evidence, [q], list(q.speaker_checks), finding=q.finding)
        claim.targets = _targets(ctx, claim.ref, (verb or evidence[0] if evidence else (q.start, q.start))[1], ctx.sentence_of(q.start)[1])
        claims.append(claim)
    return claims


def indirect_claim(ctx: Context, cue: re.Match, s: int, e: int) -> ClaimProposal | None:
    """“<claimant> <verb> …” or “according to <claimant>, …”: the claimant, and the clause as evidence."""
    if cue.group().lower() == "according to":
        ref = ctx.ref_after_titles(cue.end())
        if ref is None:
            return None
        start, head = cue.start(), ref.end
    else:
        ref, _ = ctx.subject_before(cue.start(), s)
        if ref is None:
            return None
        start = ref.via_start if ref.via_start is not None and ref.via_start >= s else ref.start
        head = cue.end()
    stop = CLAUSE_END.search(ctx.text, head + 1, e)
    end = min(stop.start() if stop else e, start + EVIDENCE_MAX)
    evidence = [_trim(ctx, start, max(end, cue.end()))]
    claim = ClaimProposal(ref, cue.span(), evidence, checks=speaker_checks(ctx, Finding(ref, evidence, "verb")))
    claim.targets = _targets(ctx, ref, cue.end(), end)
    return claim


def _targets(ctx: Context, claimant: Ref, start: int, end: int) -> list[str]:
    """Registry actors named after the verb in the same clause, other than the claimant: whom the claim is about."""
    return list(dict.fromkeys(r.actor_id for r in ctx.refs_between(start, end) if r.actor_id
                              and r.actor_id != claimant.actor_id and r.how in ("alias", "possessive")))


def claim_type(ctx: Context, c: ClaimProposal) -> tuple[str, str | None]:
    """The type its verb gives; for a neutral verb ("said", "stated": acknowledge), the type what is said shows:
    a threat of force or penalties, or an accusation."""
    verb = ctx.text[c.verb[0]:c.verb[1]].lower()
    kind = speech.CLAIM_TYPE.get(verb, "acknowledge")
    if kind == "acknowledge":
        kind = content_type(claim_content(ctx, c)) or kind
    return kind, MODE_BY_VERB.get(verb)


THREAT_CUE = re.compile(r"\b(?:will|would|could|ready to|prepared to|going to|determined to|not rule out|considering|options?|suggest\w*|hint\w*)"
                        r"\b[^.;]{0,80}?\b(?:strikes?|attack\w*|force|military|hunt\w*|kill\w*|act|action|operations?|invade|invasion|"
                        r"tariffs?|cut|sanctions?|punish\w*|confront\w*|respond\w*|destroy\w*|obliterat\w*|eliminat\w*|dismantl\w*)\b", re.I)
ACCUSE_CUE = re.compile(r"\b(?:terroris\w*|criminal\w*|murder\w*|narco\w*|traffick\w*|illegal\w*|drug (?:leader|dealer|lord)s?|"
                        r"dictator\w*|regime|corrupt\w*|exploit\w*|violat\w*|unlawful\w*|aggression|lies|lying)\b", re.I)


def claim_content(ctx: Context, c: ClaimProposal) -> str:
    """What the claim says: the rest of the verb's sentence, and the quotes that carry it."""
    end = ctx.sentence_of(c.verb[0])[1] if c.verb != (0, 0) else c.verb[1]
    return " ".join([ctx.text[c.verb[1]:end]] + [ctx.text[q.mark[0]:q.mark[1]] for q in c.quotes])


def content_type(content: str) -> str | None:
    if THREAT_CUE.search(content):
        return "threaten"
    if ACCUSE_CUE.search(content):
        return "accuse"
    return None


# ------------------------------------------------------------ other proposals ----
def date_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Every stated date or year ("November 24", "since 2019", "this year"), longest first where they overlap."""
    end = len(text) if end is None else end
    found = sorted({m.span() for p in DATES for m in p.finditer(text, start, end)}, key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int]] = []
    for s, e in found:
        if not kept or s >= kept[-1][1]:
            kept.append((s, e))
    return kept


def number_spans(text: str, start: int, end: int, dates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [m.span() for m in NUMBER.finditer(text, start, end) if not any(s < m.end() and m.start() < e for s, e in dates)]


def another_persons_name(text: str, start: int, form: str, reg: Registry) -> bool:
    """A surname derived from a registry name, written after a given name the registry does not know:
    "Mark Kelly" is not Anna Kelly."""
    if form not in reg.derived or " " in form:
        return False
    m = re.search(r"([A-Z][\w’'.-]*) $", text[max(0, start - 30):start])
    return (bool(m) and m.group(1).lower() not in TITLE_WORDS and m.group(1).lower() not in FUNCTION_WORDS  # "The Pentagon" is the Pentagon
            and not text[max(0, start - 30):start].rstrip().endswith("."))


def inside_longer_name(text: str, start: int, end: int) -> bool:
    """An alias that is part of a longer name the registry does not know ("Defense" in "Ministry of Defense",
    "White House" in "White House Press Secretary Anna Kelly") names something else: not a speaker."""
    if not text[start:end].endswith(".") and re.match(r" [A-Z]", text[end:end + 2]):
        return True
    m = re.search(r"([A-Z][\w’'-]*) of (?:the )?$", text[max(0, start - 40):start])
    return bool(m) and m.group(1).lower() not in TITLE_WORDS


def name_spans(text: str, mentions: list, sentences: list, marks: list) -> list[tuple[int, int]]:
    """Where the text names something with capitalized words that are not a registry alias.
    Headings (title-case lines) are left out: their capitals do not mark names."""
    masked = list(text)
    for s, e in [(s, e) for s, e, _, _ in mentions if not inside_longer_name(text, s, e)] + heading_spans(text) + furniture_spans(text):
        masked[s:e] = "\0" * (e - s)
    aliases = {alias for _, _, _, alias in mentions}
    masked = "".join(masked)
    starts = {s for s, _ in sentences} | {s + 1 for s, _ in marks} | {m.end() for m in re.finditer(r"[.!?:;]\s+", text)}
    lower_words = {w.lower() for w in re.findall(r"\b[a-z][\w’'-]*", text)}
    inside_sentences = {_bare(m.group()) for m in WORD.finditer(masked) if m.group()[0].isupper() and m.start() not in starts}
    spans = []
    for run in _capitalized_runs(masked):
        if len(run) == 1 and run[0][0] in starts and _bare(run[0][1]) not in inside_sentences:
            continue  # one capitalized word at a sentence start, never capitalized elsewhere: an ordinary word
        for words in _name_segments(text, run, run[0][0] in starts, lower_words):
            start = words[0][0]
            name = _bare(text[start:words[-1][0] + len(words[-1][1])])
            if len(name) > 1 and name not in aliases and not re.fullmatch(MONTH + r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday", name):
                spans.append((start, start + len(name)))
    return spans


FURNITURE_LIST = re.compile(r"\b(?:Filed [Uu]nder|Tags|Tagged|Categories|Category|Topics|Related)\s*:\s*[A-Z][\w’'-]*(?:(?:,\s*|\s+)[A-Z][\w’'-]*)*")


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """A web page's labels ("Filed Under: News, World News"): not names the article uses."""
    return [m.span() for m in FURNITURE_LIST.finditer(text)]


def new_names(ctx: Context) -> dict[str, int]:
    """Capitalized names that are not registry aliases and may be actors, with counts, in order of appearance:
    two names joined by "and" are two, "Gustavo Petro of Colombia" is a person and a place, places, adjectives
    of nationality, months, laws and designations are left out, and a surname counts with its whole name."""
    counts: dict[str, int] = {}
    capitalized = {w for w in re.findall(r"\b[A-Z][\w’'-]+", ctx.text)} | set(ctx.reg.owner)
    laws = law_acronyms(ctx.text)
    modifier: dict[str, bool] = {}  # name -> only ever written before an office ("former Uruapan mayor"): a place
    for s, e in ctx.names:
        whole = ctx.text[s:e]
        for name in split_name(whole) if is_actor_name(whole, capitalized) else []:
            if is_actor_name(name, capitalized) and name not in laws and not before_a_bracketed_mention(ctx, e, name, whole):
                counts[name] = counts.get(name, 0) + 1
                modifier[name] = modifier.get(name, True) and name == whole and bool(BEFORE_AN_OFFICE.match(ctx.text, e))
    return fold_surnames({n: c for n, c in counts.items() if not (modifier[n] and " " not in n)})


def before_a_bracketed_mention(ctx: Context, end: int, name: str, whole: str) -> bool:
    """A given name an editor's bracket cuts from a registry name ("[… dictator Nicolas] Maduro’s"): that actor."""
    m = re.match(r"\][ \t]+", ctx.text[end:end + 3])
    return bool(m) and whole.endswith(name) and ctx.in_mention(end + m.end())


BEFORE_AN_OFFICE = re.compile(r"[ \t]+(?:mayor|governor|councillor|councilman|prosecutor|police|state|city|municipality)\b")


def split_name(name: str) -> list[str]:
    """“Ecuador and Colombia” -> two names (not an organization's “Center for … and …”); “Gustavo Petro of Colombia”
    -> the person and the place."""
    words = {w.lower() for w in name.split()}
    if words & ORG_WORDS:
        return [name]
    parts = [p for p in re.split(r"\s+and\s+", name) if p]
    out = []
    for part in parts:
        head, of, rest = part.partition(" of ")
        out += [head, rest] if of and _name_kind(head) == "person" else [part]
    return out


MONTH_ABBREVIATIONS = set("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split())
NOT_ACTOR_WORDS = set("act section order amendment article operation hemisphere".split())
DESIGNATION_WORDS = {"Foreign Terrorist Organization", "Foreign Terrorist Organizations", "FTO", "FTOs"}
REGION_PREFIXES = {"latin", "south", "north", "central", "western", "eastern", "southern", "northern"}


def is_actor_name(name: str, capitalized: set[str]) -> bool:
    """Could name an actor: not a place, an adjective of nationality, a month, a law, a designation or a code."""
    words = name.split()
    lower = {w.lower() for w in words}
    if name in MONTH_ABBREVIATIONS or name in DESIGNATION_WORDS or re.search(r"\d|-[a-z]", name):
        return False
    if len(words) == 1 and (is_plural_noun(name) or name.lower() in FURNITURE_WORDS):
        return False
    if lower & NOT_ACTOR_WORDS or (lower & PLACE_WORDS and not lower & ORG_WORDS):
        return False
    if len(words) <= 2 and is_demonym(words[-1], capitalized) and (len(words) == 1 or words[0].lower() in REGION_PREFIXES):
        return False
    return True


FURNITURE_WORDS = set("filed under published updated posted share advertisement related subscribe tags tagged category "
                      "categories photo photos credit image images caption read more comments newsletter".split())
LAW_WORDS = set("act law code amendment convention treaty statute bill resolution".split())


def is_shouted(word: str) -> bool:
    """A word of five or more letters written in capitals ("WASHINGTON —", "THOUSAND"): a dateline or emphasis,
    not an acronym (acronyms are short: CIA, OSV, NATO)."""
    return sum(c.isalpha() for c in word) >= 5 and word.upper() == word and any(c.isalpha() for c in word)


def is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 4 and word.isalpha() and word.isupper()


def is_plural_noun(word: str) -> bool:
    """One capitalized word in the plural ("Marines", "Agencies", "Democrats"): a group described, not a name."""
    return len(word) > 4 and not word.isupper() and bool(re.search(r"(?:[^sui]s|ies)$", word)) and not word.endswith(("ss", "us", "is", "as", "os"))


def law_acronyms(text: str) -> set[str]:
    """Acronyms of the laws the text names ("the Immigration and Nationality Act" -> INA)."""
    return {"".join(w[0] for w in m.group().split() if w[0].isupper()) for m in LAW_NAME.finditer(text)}


LAW_NAME = re.compile(r"\b(?:[A-Z][\w’'-]*\s+(?:(?:of|and|for|on)\s+)?)+(?:" + "|".join(w.title() for w in LAW_WORDS) + r")\b")


def is_demonym(word: str, capitalized: set[str]) -> bool:
    """“Venezuelan(s)”, “Colombian”, “Mexican”: the adjective of a place the text or the registry names
    (Venezuela, Colombia, Mexico), or “American” (also “Latin American”)."""
    bare = re.sub(r"s$", "", word)
    if bare in ("American", "European", "African", "Asian") or re.fullmatch(r"\w{4,}(?:ian|ish)", bare):
        return True
    m = re.fullmatch(r"(\w{4,}?)(?:ian|an|n|ese)", bare)
    if m is None:
        return False
    stem = m.group(1)
    return any(c != word and c != bare and c.startswith(stem) and len(c) <= len(stem) + 2 and " " not in c for c in capitalized)


def fold_surnames(counts: dict[str, int]) -> dict[str, int]:
    """A one-word name that ends a longer proposed name (“Petro” after “Gustavo Petro”) counts with it."""
    out = dict(counts)
    for name in counts:
        if " " not in name:
            longer = [n for n in counts if n != name and n.split()[-1] == name and _name_kind(n) == "person"]
            if len(longer) == 1:
                out[longer[0]] += out.pop(name)
    return out


ORG_WORDS = set("ministry department agency office council party army navy force forces court bank company group cartel gang "
                "news times post journal center centre institute university committee government administration police "
                "guard command embassy commission foundation network television radio assembly nations".split())
PLACE_WORDS = set("america hemisphere sea ocean river city island islands republic province state states gulf caribbean pacific "
                  "atlantic coast county region valley mountains europe asia africa oceania antarctica americas".split())


def _name_kind(name: str) -> str:
    """What an unregistered name probably is: organization (an organization word), person (two or three words), or unknown."""
    words = [w.lower() for w in name.split()]
    if ORG_WORDS & set(words):
        return "organization"
    if 2 <= len(words) <= 3 and not PLACE_WORDS & set(words) and all(w[0].isupper() for w in name.split()):
        return "person"
    return "unknown"


def _name_segments(text: str, run: list, at_sentence_start: bool, lower_words: set) -> list[list]:
    """The names in a run of capitalized words: without a sentence-initial ordinary word ("Despite"),
    function words, and titles, which separate names ("Deputy White House Press Secretary Anna Kelly"
    -> White House, Anna Kelly; "Secretary of State Marco Rubio" -> Marco Rubio)."""
    words = list(run)
    first = _bare(words[0][1]).lower()
    if at_sentence_start and (first in FUNCTION_WORDS or first in lower_words or first.endswith("ly")):
        words = words[1:]
    segments, current, i = [], [], 0
    while i < len(words):
        word = _bare(words[i][1]).lower()
        following = _bare(words[i + 1][1]).lower() if i + 1 < len(words) else ""
        if is_shouted(words[i][1]) or word in FURNITURE_WORDS:  # "WASHINGTON (OSV News)", "Filed Under": not a name's words
            segments.append(current)
            current = []
            i += 1
            continue
        if current and is_acronym(_bare(words[i][1])) and not is_acronym(_bare(current[-1][1])):  # "Kate Scanlon OSV News": two names
            segments.append(current)
            current = []
        if word in TITLE_WORDS and following not in ORG_WORDS:  # "General Assembly" is a name, "General Ortiz" a title
            segments.append(current)
            current = []
            gap = text[words[i][0] + len(words[i][1]):words[i + 1][0]] if i + 1 < len(words) else ""
            i += 2 if re.fullmatch(r"\s+of\s+", gap) else 1  # "Secretary of State": the title's complement goes too
            continue
        if current or word not in FUNCTION_WORDS:
            current.append(words[i])
        i += 1
    segments.append(current)
    return [seg for seg in segments if seg]


def is_heading(line: str) -> bool:
    """A headline or subheading: no final punctuation, not long, most words capitalized."""
    words = line.split()
    if not words or len(words) > 25 or re.search(r"[.!?:;,\"”’]$", line.strip()):
        return False
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return sum(w[0].isupper() for w in content) >= 0.6 * len(content)


def heading_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        if is_heading(line):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _bare(word: str) -> str:
    """A word or name without a possessive or contracted ending ("Trump’s", "We’re") or a trailing period."""
    return re.sub(r"(?:['’](?:s|re|ll|ve|d|m)|n['’]t|[.,;:])$", "", word)


def _capitalized_runs(masked: str):
    """Lists of (start, word) for runs of capitalized words joined by spaces or a connector ("of", "de los")."""
    run: list = []
    for m in WORD.finditer(masked):
        word = m.group()
        if not word[0].isupper():
            continue
        if run:
            prev_start, prev = run[-1]
            gap = masked[prev_start + len(prev):m.start()]
            initial = len(prev) == 1 and prev.isupper() and INITIAL_GAP.fullmatch(gap)  # "Gerald R. Ford": one name
            if NAME_GAP.fullmatch(gap) and not prev.endswith((".", ",", ":")) or (prev.endswith(".") and len(prev) <= 4 and NAME_GAP.fullmatch(gap)) or initial:
                run.append((m.start(), word))
                continue
            yield run
        run = [(m.start(), word)]
    if run:
        yield run


def event_candidates(ctx: Context) -> list[EventCandidate]:
    found = []
    for s, e in ctx.sentences:
        plain = list(ctx.text[s:e])
        for ms, me in ctx.marks[bisect.bisect_left(ctx._mark_starts, s):bisect.bisect_left(ctx._mark_starts, e)]:
            plain[ms - s:me - s] = " " * (min(me, e) - ms)  # remarks inside quotation marks are quotes, not events
        plain = "".join(plain)
        cues = [(m.group(), kind) for pattern, kind in EVENT_CUES for m in pattern.finditer(plain)]
        if not cues:
            continue
        dates = date_spans(ctx.text, s, e)
        actors = list(dict.fromkeys(m[2] for m in ctx.mentions[bisect.bisect_left(ctx._mention_starts, s):bisect.bisect_left(ctx._mention_starts, e)]))
        found.append(EventCandidate((s, e), list(dict.fromkeys(k for _, k in cues)), list(dict.fromkeys(c for c, _ in cues)),
                                    [ctx.text[a:b] for a, b in number_spans(ctx.text, s, e, dates)], [ctx.text[a:b] for a, b in dates], actors))
    return found


def headline(text: str) -> str | None:
    """The first line, if it is a heading with more text below (GUIDE.md: `title` only if the article starts with a headline)."""
    first, _, rest = text.partition("\n")
    return first if first == first.strip() and rest.strip() and is_heading(first) else None


def propose(text: str, article: str, actors: list[dict]) -> Proposal:
    """Everything the draft proposes for one article (render() writes it as YAML)."""
    ctx = Context(text, Registry.from_actors(actors))
    title = headline(text)
    mentioned: dict[str, tuple[str, int, int]] = {}
    for s, e, aid, alias in ctx.mentions:
        first, n, inside = mentioned.get(aid, (alias, 0, 0))
        mentioned[aid] = (first, n + 1, inside + inside_longer_name(text, s, e))
    quotes = [propose_quote(ctx, m) for m in speech.quote_mark_matches(text)]
    carry_follow_on(ctx, quotes)
    claims = claim_proposals(ctx, quotes)
    quote_ids(quotes, text, article, ctx.reg)
    claim_ids(claims, article, ctx.reg)
    return Proposal(article=article, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text, title=title,
                    dates=date_spans(text), quotes=quotes,
                    mentioned=mentioned, new_names=new_names(ctx), events=event_candidates(ctx), derived=ctx.reg.derived,
                    claims=claims)


# ------------------------------------------------------------------- writing ----
def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar (JSON escapes, plus the characters YAML reads as line breaks)."""
    out = json.dumps(value, ensure_ascii=False)
    for ch in "\u0085\u2028\u2029\ufeff":
        out = out.replace(ch, f"\\u{ord(ch):04x}")
    return out


# Characters a YAML comment cannot hold: line breaks (YAML also breaks lines at U+0085, U+2028, U+2029) and non-printables.
_NOT_IN_COMMENT = re.compile("[^\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")


#: A file name written as is in the draft's YAML; any other is written as a quoted, escaped string.
PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _one_line(text: str) -> str:
    """Article text made safe for a comment: one line, printable characters only."""
    return _NOT_IN_COMMENT.sub(" ", text)


def _comment(checks: list[str]) -> str:
    return f"  # check: {_one_line('; '.join(checks))}" if checks else ""


def _slug(words: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", ascii_)).strip("-")


@functools.lru_cache(maxsize=8192)
def _positions(text: str, passage: str) -> tuple[int, ...]:
    return tuple(positions(text, passage))  # once per passage: a draft asks for each several times


def _occurrence(text: str, start: int, end: int) -> int | None:
    """1-based occurrence of text[start:end] when it occurs more than once (the build's `occurrence:`)."""
    found = _positions(text, text[start:end])
    return bisect.bisect_left(found, start) + 1 if len(found) > 1 else None


class UniqueIds:
    """base, base-2, base-3 …: the first id not issued yet, without rescanning the taken ones."""

    def __init__(self):
        self.issued: set = set()
        self.next: dict = {}

    def new(self, base: str) -> str:
        n = self.next.get(base, 1)
        uid = base if n == 1 else f"{base}-{n}"
        while uid in self.issued:
            n += 1
            uid = f"{base}-{n}"
        self.next[base] = n + 1
        self.issued.add(uid)
        return uid


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left, right = text[max(0, start - width):start], text[end:end + width]
    return _one_line(f"…{left}[{text[start:end]}]{right}…")


def _span_lines(text: str, span: tuple[int, int], indent: str) -> list[str]:
    s, e = span
    occ = _occurrence(text, s, e)
    if occ is None:
        return [f"{indent}- {yaml_str(text[s:e])}"]
    return [f"{indent}- text: {yaml_str(text[s:e])}", f"{indent}  occurrence: {occ}"]


def _speaker_slug(actor_id: str | None, names: dict, types: dict) -> str:
    """"rubio" for marco-rubio (a person's last name); otherwise the id's first two parts: "trump-administration"."""
    if actor_id is None:
        return "unknown"
    if types.get(actor_id) == "person" and names.get(actor_id):
        return _slug(names[actor_id].split()[-1])
    numbered = NUMBERED_ID.match(actor_id)
    return "-".join(actor_id[numbered.end() if numbered else 0:].split("-")[:2])


def quote_ids(quotes: list[QuoteProposal], text: str, article: str, reg: Registry) -> None:
    """Readable unique ids: NNN-<speaker>-<first words>."""
    taken = UniqueIds()
    for q in quotes:
        if q.kind == "quote":
            q.qid = _quote_id(q, text, article, reg, taken)


def claim_ids(claims: list[ClaimProposal], article: str, reg: Registry) -> None:
    """NNN-<claimant>-<type>-<n>."""
    ids = UniqueIds()
    for c in claims:
        c.cid = ids.new(f"{article_number(article)}-{_speaker_slug(c.ref.actor_id, reg.names, reg.types)}-{c.type_mode[0]}")


def _quote_id(q: QuoteProposal, text: str, article: str, reg: Registry, taken: UniqueIds) -> str:
    who = _speaker_slug(q.speaker, reg.names, reg.types)
    words = "-".join(_slug(text[q.start:q.end]).split("-")[:4]) or "quote"
    return taken.new(f"{article_number(article)}-{who}-{words}")


def render(p: Proposal) -> str:
    """The draft annotation as YAML text with comments."""
    t = p.text
    out = [
        f"# Draft annotation of {_one_line(p.article)}, made by `python -m cartel_campaign.draft`. Guide: seeds/GUIDE.md",
        "# Check every proposal (the '# check:' comments say where the draft is unsure), complete published,",
        "# events and designations, then set status: complete and run `cartel-campaign build --check`.",
        f"article: {p.article if PLAIN_NAME.fullmatch(p.article) else yaml_str(p.article)}",
        f"sha256: {p.sha256}",
        "status: draft  # a draft release gets only this article's row; set to complete when every proposal is checked",
    ]
    if p.title:
        out.append(f"title: {yaml_str(p.title)}  # check: the first line looks like a headline; delete this line if it is not")
    out += ["outlet: ~  # the publisher, copied from the text, only if the text states it (not an outlet it cites)",
            "byline: ~  # the author byline, copied from the text, only if the text carries one"]
    out.append("published:")
    if p.dates:
        out.append("  # Dates the text states (GUIDE.md \"Dates\": a date the article looks forward to bounds it from above,")
        out.append("  # a dated event it reports bounds it from below):")
        out += [f"  #   {_one_line(t[s:e])}  {_context(t, s, e)}" for s, e in p.dates]
    else:
        out.append("  # The text states no date.")
    out += [
        "  # earliest, latest and basis are left empty (~) on purpose: the build stops with",
        "  # \"published: 'earliest' is empty\" until you fill them in (YYYY-MM-DD, and the basis citing the text).",
        "  earliest: ~",
        "  latest: ~",
        "  basis: ~",
        "",
        "# Registry actors (seeds/actors.yaml) the article mentions: id, first alias found, mentions.",
    ]
    out += [f"#   {aid}: {_one_line(alias)} ({n}×)" + _mention_check(alias, n, inside, p.derived)
            for aid, (alias, n, inside) in p.mentioned.items()] or ["#   none"]
    out.append("# Capitalized names not in seeds/actors.yaml (possible new actors; add those that are actors, with every alias):")
    out += [f"#   {_one_line(name)} ({n}×)" for name, n in p.new_names.items()] or ["#   none"]
    out += ["", *_quotes_block(p), "", *_events_block(p), "designations: []", "", *_claims_block(p), "", *_exclusions_block(p)]
    return "\n".join(out) + "\n"


def _mention_check(alias: str, n: int, inside: int, derived: dict) -> str:
    checks = ["only inside longer names; is it this actor?"] if inside == n else []
    if alias in derived:
        checks.append(f"not an alias ({derived[alias]}): if it is this actor, add “{alias}” to its aliases")
    return _comment(checks)


def _quotes_block(p: Proposal) -> list[str]:
    quotes = [q for q in p.quotes if q.kind == "quote"]
    if not quotes:
        return ["quotes: []"]
    out = ["quotes:"]
    carriers = {id(q): c.cid for c in p.claims for q in c.quotes}
    for q in quotes:
        occ = _occurrence(p.text, q.start, q.end)
        out.append(f"  - id: {q.qid}")
        out.append(f"    speaker: {q.speaker or '~'}{_comment(q.speaker_checks)}")
        out.append(f"    text: {yaml_str(p.text[q.start:q.end])}")
        if occ:
            out.append(f"    occurrence: {occ}")
        out.append(f"    attribution: {q.attribution}{_comment(q.checks)}")
        if q.reported_by:
            out.append(f"    reported_by: {q.reported_by}")
        carrier = carriers.get(id(q))
        if carrier:
            out.append(f"    # carried by the claim {carrier} (claims:); if that claim goes, say here why the quote carries none (no_claim:)")
        else:
            out.append("    no_claim: ~  # check: list this quote in the claim it carries (claims:) and delete this line, or say why it carries none")
        if q.evidence:
            out.append("    evidence:")
            for span in q.evidence:
                out += _span_lines(p.text, span, "      ")
        out.append("")
    return out[:-1]


def _events_block(p: Proposal) -> list[str]:
    out = ["events: []"]
    if not p.events:
        return out + [""]
    out += [
        "# Candidate events: sentences with strike/deploy/designate/seize/kill/... words. Uncomment and complete each",
        "# one that reports an event (GUIDE.md \"Events\": one event per report; claims stay claims); delete the rest.",
    ]
    starts = sorted((a, i) for i, c in enumerate(p.claims) for a, _ in c.evidence)  # (evidence start, claim): found by bisection
    for n, ev in enumerate(p.events, 1):
        s, e = ev.sentence
        inside = starts[bisect.bisect_left(starts, (s, -1)):bisect.bisect_left(starts, (e, -1))]
        said = [p.claims[min(i for _, i in inside)]] if inside else []  # the first claim with evidence in the sentence
        out += [
            f"#  - id: {_one_line(p.article[:3])}-event-{n}"
            + (f"  # check: the sentence reports what someone says (claim {said[0].cid}): an event only if the article"
               " itself says it happened, else attribution: attributed with source: the claimant, or none" if said else ""),
            f"#    type: {ev.types[0]}  # from: {', '.join(ev.cues)}" + (f"; also possible: {', '.join(ev.types[1:])}" if ev.types[1:] else ""),
            "#    summary: ~  # one sentence, claims attributed",
            "#    status: occurred  # occurred | ongoing | scheduled",
            f"#    date: {WINDOW}  # dates in the sentence: {', '.join(ev.dates) or 'none'}; a stated date replaces the window",
            f"#    fatalities: ~  # numbers in the sentence: {', '.join(ev.numbers) or 'none'} (only a number the text states for this event)",
            "#    attribution: reported  # reported | attributed (then source: actor id); what someone claims is a claim, not an event",
            f"#    actors: {{agent: [], target: []}}  # registry actors in the sentence: {', '.join(ev.actors) or 'none'}",
            "#    evidence:",
            *["#" + line for line in _span_lines(p.text, (s, e), "      ")],
        ]
    return out + [""]


def _claims_block(p: Proposal) -> list[str]:
    head = ["# Claims drafted from reporting verbs (GUIDE.md \"Claims\"): check claimant, target, type and mode, write the",
            "# summary, and add the claims the draft did not see (only a named party's reporting verb makes a proposal)."]
    if not p.claims:
        return ["claims: []", *head]
    out = ["claims:", *head]
    ctx_text = p.text
    for c in p.claims:
        kind, mode = c.type_mode
        verb = ctx_text[c.verb[0]:c.verb[1]]
        out.append(f"  - id: {c.cid}")
        out.append(f"    claimant: {c.ref.actor_id or '~'}{_comment(c.checks)}")
        if c.targets:
            out.append(f"    target: {c.targets[0]}" + _comment([f"the first registry actor named after the verb; also named: {', '.join(c.targets[1:])}"]
                                                               if c.targets[1:] else ["the first registry actor named after the verb"]))
        said = speech.CLAIM_TYPE.get(verb.lower(), "acknowledge") != kind  # a neutral verb; the type is from what is said
        out.append(f"    type: {kind}" + _comment([(f"from what “{verb}” introduces (a threat or an accusation)" if said else f"from “{verb}”")
                                                  if verb else "no reporting verb in the attribution; the type is a default"]))
        if mode:
            out.append(f"    mode: {mode}")
        out.append("    summary: ~  # check: one neutral sentence in the article's terms saying who claims what")
        out.append(f"    polarity: {'negative' if kind in NEGATIVE_TYPES else 'positive'}")
        out.append(f"    modality: {'future' if kind in FUTURE_TYPES else 'asserted'}")
        out.append(f"    date: {WINDOW}  # check: {WINDOW_HELP}")
        if c.quotes:
            out.append(f"    quotes: [{', '.join(q.qid for q in c.quotes)}]  # speech: direct")
        else:
            out.append("    # speech: indirect (no quote); the evidence shows the verb of saying")
        out.append("    evidence:")
        for span in c.evidence:
            out += _span_lines(ctx_text, span, "      ")
    return out


def _exclusions_block(p: Proposal) -> list[str]:
    excl = [q for q in p.quotes if q.kind == "exclusion"]
    if not excl:
        return ["exclusions: []"]
    out = ["exclusions:"]
    for q in excl:
        out.append(f"  - text: {yaml_str(p.text[q.start:q.end])}")
        occ = _occurrence(p.text, q.start, q.end)
        if occ:
            out.append(f"    occurrence: {occ}")
        out.append(f"    reason: {yaml_str(q.reason)}{_comment(q.checks)}")
    return out


# ---------------------------------------------------------------------- API ----
#: The largest article the draft reads: the build's size limit for a seeds file (yamlio.MAX_BYTES).
MAX_ARTICLE_BYTES = MAX_BYTES


def read_article_bytes(path: Path) -> bytes:
    """The article's bytes, read once: a regular file of at most MAX_ARTICLE_BYTES (never a device, FIFO or
    folder, which could be endless or block)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO opens at once instead of waiting for a writer
    except OSError as err:
        raise DraftError(f"{path}: cannot read the article ({err.strerror or err})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "folder" if stat.S_ISDIR(mode) else "FIFO" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"
        raise DraftError(f"{path}: a {kind}, not a regular file; expected the article's text file")
    with os.fdopen(fd, "rb") as f:
        try:
            raw = f.read(MAX_ARTICLE_BYTES + 1)
        except OSError as err:
            raise DraftError(f"{path}: cannot read the article ({err.strerror or err})") from None
    if len(raw) > MAX_ARTICLE_BYTES:
        raise DraftError(f"{path}: larger than {MAX_ARTICLE_BYTES:,} bytes; expected one news article")
    return raw


def read_article(path: Path) -> str:
    return decode_article(path, read_article_bytes(path))


def decode_article(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise DraftError(f"{path}:{line}: the article is not valid UTF-8 ({err.reason})") from None


def draft(article_path: Path, actors: list[dict]) -> str:
    """The draft annotation (YAML text with comments) of the article at article_path."""
    return render(draft_proposal(article_path, actors))


def draft_proposal(article_path: Path, actors: list[dict]) -> Proposal:
    article_path = Path(article_path)
    raw = read_article_bytes(article_path)
    proposal = propose(decode_article(article_path, raw), article_path.name, actors)
    proposal.sha256 = hashlib.sha256(raw).hexdigest()  # of the bytes read, not of a second read
    return proposal


def name_note(article_path: Path, sha256: str) -> str | None:
    """Where a new article is not named NNN_<the first 16 hex digits of its sha256> (the build refuses it, GUIDE.md):
    the name to give it and its annotation. The articles of published releases keep their names."""
    number = Path(article_path).name.split("_", 1)[0]
    if Path(article_path).stem == f"{number}_{sha256[:16]}" or Path(article_path).stem in published_articles(article_path):
        return None
    return (f"note: a new article is named after its text: rename {Path(article_path).name} to {number}_{sha256[:16]}.txt "
            f"(NNN_ and the first 16 hex digits of its sha256), the annotation to {number}_{sha256[:16]}.yaml, and its "
            "article: line to match, before you build")


def published_articles(article_path: Path) -> set[str]:
    """The articles of the published releases of the checkout whose seeds/ holds article_path (none outside a checkout)."""
    root = Path(article_path).resolve().parent.parent
    if not (root / "seeds" / "releases.yaml").is_file():
        return set()
    from .build import project
    from .build.errors import BuildError

    try:
        return project.published_article_ids(root, project.read_releases(root))
    except BuildError:
        return set()  # a broken releases.yaml: the build says what is wrong with it


def default_actors(article_path: Path) -> Path | None:
    """seeds/actors.yaml of the checkout that holds the article, else of the current directory's checkout."""
    for folder in [*Path(article_path).resolve().parents, Path.cwd(), *Path.cwd().parents]:
        if (folder / "seeds" / "actors.yaml").is_file():
            return folder / "seeds" / "actors.yaml"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartel-campaign draft", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("article", type=Path, help="the article text (seeds/NNN_<hash>.txt)")
    parser.add_argument("-o", "--out", type=Path, help="write the draft here (default: standard output)")
    parser.add_argument("--actors", type=Path, help="the actor registry (default: seeds/actors.yaml of the checkout)")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    args = parser.parse_args(argv)
    try:
        actors_path = args.actors or default_actors(args.article)
        if actors_path is None:
            raise DraftError(f"no seeds/actors.yaml found above {args.article} or the current directory; pass --actors FILE")
        proposal = draft_proposal(args.article, load_actors(actors_path))
        text = render(proposal)
        if args.out is None:
            sys.stdout.write(text)
        elif args.out.is_symlink():  # never write through a link we did not make (it may point anywhere, or nowhere yet)
            raise DraftError(f"{args.out} is a symbolic link; not writing through it (give the annotation's own path)")
        elif args.out.exists() and not args.force:
            raise DraftError(f"{args.out} exists; not overwriting an annotation (pass --force to replace it)")
        else:
            try:
                args.out.write_text(text, encoding="utf-8")
            except OSError as err:
                raise DraftError(f"{args.out}: cannot write the draft ({err.strerror or err})") from None
            print(f"wrote {args.out}", file=sys.stderr)
        note = name_note(args.article, proposal.sha256)
        if note:
            print(note, file=sys.stderr)
    except (DraftError, ImportError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
