"""Bad input never gets through: a catalogue of broken annotations, articles, registries and schemas.

Each case mutates a copy of the project (seeds/*.yaml, seeds/*.txt, seeds/actors.yaml,
seeds/releases.yaml, schemas/), runs the build in-process (`pipeline.main`, as
`cartel-campaign build` does) and checks three things:

* the build stops with exit code 2;
* the message is exactly `error: FILE:LINE: message`, saying what was expected and what was found;
* nothing in the project changed: no release, no datapackage.json, no generated file.

Line numbers are computed from the mutated file (not written by hand), so the cases survive
edits to the seeds that do not touch the mutated passages.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import copy_project, newest_version, releases_ready_for_a_new_version

from cartel_campaign import fields
from cartel_campaign.build import pipeline, publish

A0 = "seeds/000_41a7ef844e344957.yaml"
A1 = "seeds/001_2394b04778fce3d8.yaml"
A2 = "seeds/002_8b94e034f7dca91b.yaml"
A3 = "seeds/003_2475ecbfe2fd795f.yaml"
A4 = "seeds/004_a369d1b0aa72c426.yaml"
T4 = "seeds/004_a369d1b0aa72c426.txt"
ACTORS = "seeds/actors.yaml"
RELEASES = "seeds/releases.yaml"
EVENTS_SCHEMA = "schemas/events.schema.json"
FIELDS = "schemas/fields.json"
NAMES = dict(A0=A0, A1=A1, A2=A2, A3=A3, A4=A4, T4=T4, ACTORS=ACTORS, RELEASES=RELEASES, EVENTS_SCHEMA=EVENTS_SCHEMA, FIELDS=FIELDS)
MUTABLE = ("seeds", "schemas")  # what the cases edit; restored after each case
IGNORED = (".build.lock", ".build-cache.json")  # the lock file (empty) and the rebuild cache the build creates (not data)


class Seeds:
    """Edits of the project copy; every edit asserts that its anchor text is there exactly once."""

    def __init__(self, root: Path):
        self.root = root

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).write_bytes(text.encode("utf-8"))

    def line(self, rel: str, needle: str) -> int:
        """1-based line of the (only) occurrence of needle."""
        text = self.read(rel)
        assert text.count(needle) == 1, (rel, needle, text.count(needle))
        return text[: text.index(needle)].count("\n") + 1

    def replace(self, rel: str, old: str, new: str) -> int:
        """Replace the only occurrence of old by new; returns the line where old started."""
        line = self.line(rel, old)
        self.write(rel, self.read(rel).replace(old, new))
        return line

    def sha256(self, rel: str) -> str:
        return hashlib.sha256((self.root / rel).read_bytes()).hexdigest()


CASES = []


def case(name: str, expected: str):
    """Register a case: `expected` is the message after 'error: ', formatted with NAMES and what the mutation returns."""

    def register(mutate):
        CASES.append(pytest.param(mutate, expected, id=name))
        return mutate

    return register


# ------------------------------------------------------------------ YAML and files ----
@case("yaml-syntax-error", "{A4}:{line}: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence started at line {start})")
def _(s):
    start = s.replace(A4, "status: complete", "status: [complete")
    return {"line": s.line(A4, "title: "), "start": start}


@case("yaml-unclosed-quote", "{A4}:{line}: YAML syntax error: expected <block end>, but found '<scalar>' (while parsing a block mapping started at line {start})")
def _(s):
    # the title's string runs on to the next '"' (in published.basis); YAML stumbles on what follows it
    s.replace(A4, 'Foreign Terrorist Organization"\n', "Foreign Terrorist Organization\n")
    return {"line": s.line(A4, '("As the November 24'), "start": s.line(A4, "article: ")}


@case("yaml-duplicate-key", "{A4}:{line}: duplicate key 'speaker' (first at line {first})")
def _(s):
    first = s.replace(A4, "    speaker: donald-trump\n    text: We’re stopping", "    speaker: donald-trump\n    speaker: marco-rubio\n    text: We’re stopping")
    return {"line": first + 1, "first": first}


@case("empty-annotation-file", "{A4}:1: the file is empty (expected a YAML mapping)")
def _(s):
    s.write(A4, "")


@case("comments-only-annotation-file", "{A4}:1: the file is empty (expected a YAML mapping)")
def _(s):
    s.write(A4, "# Annotation of 004_a369d1b0aa72c426.txt: to do\n")


@case("annotation-is-a-list", "{A4}:1: annotation: expected a mapping, found a list ['article', 'quotes']")
def _(s):
    s.write(A4, "- article\n- quotes\n")


@case("annotation-not-utf8", "{A4}:{line}: not UTF-8 ('utf-8' codec can't decode byte 0xe9 in position {pos}: invalid continuation byte)")
def _(s):
    raw = (s.root / A4).read_bytes()
    pos = raw.index(b"status: complete") + len(b"status: complete")
    (s.root / A4).write_bytes(raw[:pos] + b" caf\xe9" + raw[pos:])
    return {"line": raw[:pos].count(b"\n") + 1, "pos": pos + 4}


@case("quote-is-text-not-mapping", "{A4}:{line}: quotes[0]: expected a mapping, found text 'We’re stopping drug dealers'")
def _(s):
    start = s.line(A4, "  - id: 004-trump-stopping-drug-dealers")
    s.replace(A4, "quotes:\n  - id: 004-trump-stopping-drug-dealers", "quotes:\n  - We’re stopping drug dealers\n  - id: 004-trump-stopping-drug-dealers")
    return {"line": start}


@case("evidence-is-a-number", "{A4}:{line}: quotes[0].evidence: expected text (or a mapping with text and occurrence), found a number 42")
def _(s):
    return {"line": s.replace(A4, "      - “We’re stopping drug dealers and drugs from coming into our country,” Trump told reporters", "      - 42")}


# ------------------------------------------------------------------ shape ----
@case("unknown-key", "{A4}:{line}: quotes[0]: unknown key 'speakr' (did you mean 'speaker'?); expected one of: id, speaker, text, occurrence, attribution, reported_by, note, no_claim, evidence")
def _(s):
    return {"line": s.replace(A4, "    speaker: donald-trump\n    text: We’re stopping", "    speakr: donald-trump\n    text: We’re stopping")}


@case("unknown-key-in-actor", "{ACTORS}:{line}: actor #2: unknown key 'alias' (did you mean 'aliases'?); expected one of: id, name, type, country, description, affiliation, wikidata, aliases")
def _(s):
    return {"line": s.replace(ACTORS, "  aliases: [Marco Rubio, Secretary Rubio, Rubio]", "  alias: [Marco Rubio, Secretary Rubio, Rubio]")}


@case("missing-required-field", "{A4}:{line}: quotes[0]: missing required key 'attribution'")
def _(s):
    line = s.line(A4, "  - id: 004-trump-stopping-drug-dealers")
    s.replace(A4, "    text: We’re stopping drug dealers and drugs from coming into our country\n    attribution: direct\n",
              "    text: We’re stopping drug dealers and drugs from coming into our country\n")
    return {"line": line}


@case("missing-required-field-in-actor", "{ACTORS}:{line}: actor #2: missing required key 'name'")
def _(s):
    line = s.line(ACTORS, "- id: marco-rubio")
    s.replace(ACTORS, "  name: Marco Rubio\n", "")
    return {"line": line}


@case("id-not-a-slug", "{A4}:{line}: quotes[0]: id must be a slug of lower-case letters, digits and single hyphens (e.g. 'marco-rubio'), found '004_Trump-stopping'")
def _(s):
    return {"line": s.replace(A4, "id: 004-trump-stopping-drug-dealers", "id: 004_Trump-stopping")}


@case("id-without-article-prefix", "{A4}:{line}: trump-stopping-drug-dealers: id must start with the article number '004-', found 'trump-stopping-drug-dealers' [id-has-article-number]")
def _(s):
    return {"line": s.replace(A4, "id: 004-trump-stopping-drug-dealers", "id: trump-stopping-drug-dealers")}


@case("id-with-another-articles-prefix", "{A4}:{line}: 003-cartel-de-los-soles-fto-takes-effect: id must start with the article number '004-', found '003-cartel-de-los-soles-fto-takes-effect' [id-has-article-number]")
def _(s):
    line = s.replace(A4, "id: 004-cartel-de-los-soles-fto-takes-effect", "id: 003-cartel-de-los-soles-fto-takes-effect")
    return {"line": line}


# ------------------------------------------------------------------ spans ----
@case("quote-text-not-in-article",
      "{A4}:{line}: 004-trump-stopping-drug-dealers: text not found in the article: 'We’re stopping drug lords and drugs from coming into our country'; "
      "closest passage in the article: 'cking. “We’re stopping drug dealers and drugs from coming into our country,” Trump t'")
def _(s):
    return {"line": s.replace(A4, "    text: We’re stopping drug dealers", "    text: We’re stopping drug lords")}


@case("evidence-not-in-article",
      "{A4}:{line}: 004-trump-see-what-happens: evidence #1: text not found in the article: 'the president said, adding'; "
      "closest passage in the article: 'to talk,” the president remarked, adding, “We’'")
def _(s):
    return {"line": s.replace(A4, "      - the president remarked, adding", "      - the president said, adding")}


@case("evidence-nothing-similar",
      "{A4}:{line}: 004-trump-see-what-happens: evidence #1: text not found in the article: 'zzzz'; nothing similar is in the article")
def _(s):
    return {"line": s.replace(A4, "      - the president remarked, adding", "      - zzzz")}


@case("text-found-twice-without-occurrence",
      "{A4}:{line}: 004-cartel-de-los-soles-treasury-sanctions: evidence #1: text occurs 4 times in the article (at offsets {offsets}): "
      "'Cartel de los Soles'; add 'occurrence: N' (1 = first) to say which, or quote a longer passage")
def _(s):
    text = s.read(A4)
    old = "      - the Cartel de los Soles had already been sanctioned by the Treasury Department under counterterrorism authorities\n"
    assert text.count(old) == 2  # the event and the designation cite the same passage
    line = text[: text.rindex(old)].count("\n") + 1
    s.write(A4, text[: text.rindex(old)] + "      - Cartel de los Soles\n" + text[text.rindex(old) + len(old):])
    article = s.read(T4)
    offsets = [i for i in range(len(article)) if article.startswith("Cartel de los Soles", i)]
    return {"line": line, "offsets": ", ".join(map(str, offsets))}


@case("occurrence-out-of-range",
      "{A4}:{line}: 004-rubio-no-sanctuary: occurrence 2 asked for, but the text occurs 1 time(s): 'no sanctuary'")
def _(s):
    return {"line": s.replace(A4, "    text: no sanctuary\n", "    text: no sanctuary\n    occurrence: 2\n")}


@case("occurrence-zero", "{A4}:{line}: quotes[4]: occurrence must be a whole number ≥ 1, found 0")
def _(s):
    return {"line": s.replace(A4, "    text: no sanctuary\n", "    text: no sanctuary\n    occurrence: 0\n") + 1}


@case("straight-apostrophe-for-curly",
      "{A4}:{line}: 004-trump-stopping-drug-dealers: text not found in the article: \"We're stopping drug dealers and drugs from coming into our country\"; "
      "the article has it with different quote marks, dashes or spaces (\"'\"→'’'). Paste exactly: 'We’re stopping drug dealers and drugs from coming into our country'")
def _(s):
    return {"line": s.replace(A4, "    text: We’re stopping drug dealers", "    text: We're stopping drug dealers")}


@case("straight-double-quotes-for-curly",
      "{A4}:{line}: 004-trump-stopping-drug-dealers: evidence #1: text not found in the article: "
      "'\"We’re stopping drug dealers and drugs from coming into our country,\" Trump told reporters'; "
      "the article has it with different quote marks, dashes or spaces ('\"'→'“', '\"'→'”'). "
      "Paste exactly: '“We’re stopping drug dealers and drugs from coming into our country,” Trump told reporters'")
def _(s):
    return {"line": s.replace(A4, "      - “We’re stopping drug dealers and drugs from coming into our country,” Trump told reporters",
                              "      - '\"We’re stopping drug dealers and drugs from coming into our country,\" Trump told reporters'")}


@case("hyphen-for-em-dash",
      "{A4}:{line}: 004-trump-it-allows-us: evidence #2: text not found in the article: 'a symbolic gesture-it potentially opens the door'; "
      "the article has it with different quote marks, dashes or spaces ('-'→'—'). Paste exactly: 'a symbolic gesture—it potentially opens the door'")
def _(s):
    anchor = "      - When questioned about whether this designation would allow"
    text = s.read(A4)
    at = text.index(anchor, text.index("  - id: 004-trump-it-allows-us\n"))  # the quote's evidence (a claim cites it too)
    line = text[:at].count("\n") + 1
    end = text.index("\n", at) + 1
    s.write(A4, text[:end] + "      - a symbolic gesture-it potentially opens the door\n" + text[end:])
    return {"line": line + 1}


@case("hyphen-for-en-dash",
      "{A2}:{line}: 002-source-close-to-white-house-destroy-cartel: text not found in the article: "
      "'The president is determined to not just dismantle - but completely destroy - [Venezuelan dictator Nicolas] Maduro’s Cartel de Los Soles and obliterate their operations in the Western Hemisphere.'; "
      "the article has it with different quote marks, dashes or spaces ('-'→'–'). "
      "Paste exactly: 'The president is determined to not just dismantle – but completely destroy – [Venezuelan dictator Nicolas] Maduro’s Cartel de Los Soles and obliterate their operations in the Western Hemisphere.'")
def _(s):
    return {"line": s.replace(A2, "not just dismantle – but completely destroy –", "not just dismantle - but completely destroy -")}


@case("non-breaking-space",
      "{A1}:{line}: 001-us-training-for-mexico-operations: evidence #2: text not found in the article: "
      "'The report\\xa0noted that the administration has not finalized the mission’s scope.'; "
      "the article has it with different quote marks, dashes or spaces ('\\xa0'→' '). "
      "Paste exactly: 'The report noted that the administration has not finalized the mission’s scope.'")
def _(s):
    return {"line": s.replace(A1, "      - The report noted that", "      - The report\u00a0noted that")}


@case("text-with-surrounding-spaces",
      "{A4}:{line}: 004-rubio-no-sanctuary: text has leading or trailing spaces: ' no sanctuary'; expected the passage without them")
def _(s):
    return {"line": s.replace(A4, "    text: no sanctuary\n", "    text: ' no sanctuary'\n")}


@case("quote-does-not-fill-its-marks",
      "{A4}:{line}: 004-trump-stopping-drug-dealers: a quote must be the whole text inside one pair of quotation marks "
      "(less only a leading '>' or a trailing comma); found 'We’re stopping drug dealers' inside the marks around "
      "'We’re stopping drug dealers and drugs from coming into our country,' [quotation-marks-covered]")
def _(s):
    return {"line": s.replace(A4, "    text: We’re stopping drug dealers and drugs from coming into our country\n", "    text: We’re stopping drug dealers\n")}


@case("quote-outside-quotation-marks",
      "{A4}:{line}: 004-trump-stopping-drug-dealers: a quote must be the whole text inside one pair of quotation marks "
      "(less only a leading '>' or a trailing comma); found 'Trump told reporters' outside any quotation marks [quotation-marks-covered]")
def _(s):
    line = s.replace(A4, "    text: We’re stopping drug dealers and drugs from coming into our country\n", "    text: Trump told reporters\n")
    return {"line": line}


@case("exclusion-outside-quotation-marks",
      "{A4}:{line}: exclusion 'Secretary of State Marco Rubio': text must be the whole text inside one pair of quotation marks; found 'Secretary of State Marco Rubio' outside any quotation marks [quotation-marks-covered]")
def _(s):
    text = s.read(A4)
    s.write(A4, text + "\nexclusions:\n  - text: Secretary of State Marco Rubio\n    reason: not in quotation marks\n")
    return {"line": len(text.splitlines()) + 3}


@case("uncovered-quotation-marks",
      "{A4}:{line}: status is complete but 1 quotation-mark span(s) have no quote or exclusion: 'no sanctuary' (chars {start}-{end}); "
      "add a quote or an exclusion for each [quotation-marks-covered]")
def _(s):
    text = s.read(A4)
    start = text.index("  - id: 004-rubio-no-sanctuary")
    end = text.index("  - id: 004-administration-armed-conflict")
    s.write(A4, text[:start] + text[end:])
    article = s.read(T4)
    return {"line": s.line(A4, "status: complete"), "start": article.index("no sanctuary"), "end": article.index("no sanctuary") + len("no sanctuary")}


@case("quotation-marks-covered-twice",
      "{A4}:{line}: 004-rubio-no-sanctuary-again: the quotation marks around 'no sanctuary' (chars {start}-{end}) are already covered by "
      "004-rubio-no-sanctuary; a passage in quotation marks is one quote or one exclusion [quotation-marks-covered]")
def _(s):
    first = s.line(A4, "    text: no sanctuary\n")
    s.replace(A4, "  - id: 004-administration-armed-conflict\n",
              "  - id: 004-rubio-no-sanctuary-again\n    speaker: marco-rubio\n    text: no sanctuary\n    attribution: direct\n\n"
              "  - id: 004-administration-armed-conflict\n")
    article = s.read(T4)
    return {"line": s.line(A4, "  - id: 004-rubio-no-sanctuary-again") + 2, "first": first,
            "start": article.index("no sanctuary"), "end": article.index("no sanctuary") + len("no sanctuary")}


@case("title-not-the-headline", "{A4}:{line}: title must be the headline at the start of the article text; found it at char {start} [title-is-headline]")
def _(s):
    line = s.replace(A4, 'title: "US Escalates Stance Against Venezuela: Cartel de los Soles Designated as Foreign Terrorist Organization"',
                     "title: In a significant policy shift")
    return {"line": line, "start": s.read(T4).index("In a significant policy shift")}


# ------------------------------------------------------------------ references ----
@case("unknown-actor-id", "{A4}:{line}: 004-trump-stopping-drug-dealers: speaker: unknown actors id 'donald-trum' (did you mean 'donald-trump'?)")
def _(s):
    return {"line": s.replace(A4, "    speaker: donald-trump\n    text: We’re stopping", "    speaker: donald-trum\n    text: We’re stopping")}


@case("unknown-actor-in-event-role", "{A4}:{line}: 004-cartel-de-los-soles-fto-announced: target: unknown actors id 'cartel-of-the-suns' (did you mean 'cartel-del-noreste'?)")
def _(s):
    return {"line": s.replace(A4, "      announcer: [marco-rubio]\n      agent: [us-department-of-state]\n      target: [cartel-de-los-soles]",
                              "      announcer: [marco-rubio]\n      agent: [us-department-of-state]\n      target: [cartel-of-the-suns]") + 2}


@case("event-role-not-an-id", "{A4}:{line}: 004-cartel-de-los-soles-fto-announced: agent must list actor ids, found 42")
def _(s):
    return {"line": s.replace(A4, "      announcer: [marco-rubio]\n      agent: [us-department-of-state]\n      target: [cartel-de-los-soles]",
                              "      announcer: [marco-rubio]\n      agent: [42]\n      target: [cartel-de-los-soles]") + 1}


@case("unknown-event-role",
      "{A4}:{line}: 004-cartel-de-los-soles-fto-announced: actor role must be one of agent, target, authorizer, announcer, subject, victim, participant, facilitator; found 'killer'")
def _(s):
    return {"line": s.replace(A4, "      announcer: [marco-rubio]\n      agent: [us-department-of-state]\n      target: [cartel-de-los-soles]",
                              "      announcer: [marco-rubio]\n      killer: [us-department-of-state]\n      target: [cartel-de-los-soles]") + 1}


@case("duplicate-quote-id", "{A4}:{line}: duplicate quotes id '004-trump-stopping-drug-dealers' (already defined at {A4}:{first})")
def _(s):
    first = s.line(A4, "id: 004-trump-stopping-drug-dealers")
    return {"line": s.replace(A4, "id: 004-trump-it-allows-us", "id: 004-trump-stopping-drug-dealers"), "first": first}


@case("duplicate-event-id", "{A4}:{line}: duplicate events id '004-cartel-de-los-soles-fto-announced' (already defined at {A4}:{first})")
def _(s):
    first = s.line(A4, "id: 004-cartel-de-los-soles-fto-announced")
    return {"line": s.replace(A4, "id: 004-cartel-de-los-soles-fto-takes-effect", "id: 004-cartel-de-los-soles-fto-announced"), "first": first}


@case("duplicate-actor-id", "{ACTORS}:{line}: duplicate actor id 'donald-trump' (first at line {first})")
def _(s):
    first = s.line(ACTORS, "- id: donald-trump")
    return {"line": s.replace(ACTORS, "- id: marco-rubio", "- id: donald-trump"), "first": first}


@case("dangling-designation-event", "{A4}:{line}: 004-cartel-de-los-soles-fto: event: unknown events id '004-cartel-de-los-soles-fto-announce' (did you mean '004-cartel-de-los-soles-fto-announced'?)")
def _(s):
    return {"line": s.replace(A4, "    event: 004-cartel-de-los-soles-fto-announced", "    event: 004-cartel-de-los-soles-fto-announce")}


@case("dangling-same-event-as", "{A3}:{line}: 003-us-bounty-maduro: same_event_as: unknown events id '002-reward-for-maduro' (did you mean '002-reward-for-maduro-arrest'?)")
def _(s):
    return {"line": s.replace(A3, "same_event_as: 002-reward-for-maduro-arrest", "same_event_as: 002-reward-for-maduro")}


@case("dangling-affiliation", "{ACTORS}:{line}: actor 'marco-rubio': affiliation: unknown actors id 'us-state-department' (did you mean 'us-department-of-state'?)")
def _(s):
    text = s.read(ACTORS)
    old = "  affiliation: us-department-of-state\n"
    line = text[: text.index(old)].count("\n") + 1
    s.write(ACTORS, text.replace(old, "  affiliation: us-state-department\n", 1))
    return {"line": line}


@case("dangling-event-source", "{A1}:{line}: 001-us-training-for-mexico-operations: source: unknown actors id 'nbc'")
def _(s):
    return {"line": s.replace(A1, "    source: nbc-news\n", "    source: nbc\n")}


# ------------------------------------------------------------------ actors ----
@case("alias-not-found",
      "{ACTORS}:{line}: alias 'Donald J. Trump' of 'donald-trump' is never found as a mention: it does not occur as a whole word "
      "in any article, or only inside a longer alias (list only forms that stand on their own)")
def _(s):
    return {"line": s.replace(ACTORS, "  aliases: [President Donald Trump, ", "  aliases: [Donald J. Trump, President Donald Trump, ")}


@case("alias-of-two-actors", "{ACTORS}:{line}: alias 'Trump' of 'marco-rubio' already belongs to 'donald-trump' (line {first}); an alias must name one actor (anonymous sources of different articles excepted)")
def _(s):
    first = s.line(ACTORS, "  aliases: [President Donald Trump, ")
    return {"line": s.replace(ACTORS, "  aliases: [Marco Rubio, Secretary Rubio, Rubio]", "  aliases: [Marco Rubio, Secretary Rubio, Rubio, Trump]"), "first": first}


@case("alias-with-surrounding-spaces", "{ACTORS}:{line}: actor 'marco-rubio': alias must be non-empty text without surrounding spaces, found ' Rubio'")
def _(s):
    return {"line": s.replace(ACTORS, "  aliases: [Marco Rubio, Secretary Rubio, Rubio]", "  aliases: [Marco Rubio, Secretary Rubio, ' Rubio']")}


@case("actor-country-lower-case", "{ACTORS}:{line}: actor #2: country must be an ISO 3166-1 alpha-2 code in capitals, quoted (e.g. 'US'), found 'us'")
def _(s):
    text = s.read(ACTORS)
    i = text.index("- id: marco-rubio")
    j = text.index("  country: US\n", i)
    s.write(ACTORS, text[:j] + "  country: us\n" + text[j + len("  country: US\n"):])
    return {"line": text[:j].count("\n") + 1}


@case("actor-type-not-allowed", "{ACTORS}:{line}: actor #1: type must be one of {types}; found 'politician'")
def _(s):
    types = fields.table_schema(s.root / "schemas", "actors")
    allowed = next(f for f in types["fields"] if f["name"] == "actor_type")["constraints"]["enum"]
    text = s.read(ACTORS)
    i = text.index("- id: donald-trump")
    j = text.index("  type: person\n", i)
    s.write(ACTORS, text[:j] + "  type: politician\n" + text[j + len("  type: person\n"):])
    return {"line": text[:j].count("\n") + 1, "types": ", ".join(allowed)}


@case("wikidata-not-a-qid", "{ACTORS}:{line}: actor #1: wikidata must be a Wikidata id such as 'Q42', found '22686'")
def _(s):
    return {"line": s.replace(ACTORS, "  wikidata: Q22686\n", "  wikidata: '22686'\n")}


# ------------------------------------------------------------------ dates ----
@case("date-not-a-date", "{A4}:{line}: published: earliest must be a date YYYY-MM-DD, found 'early 2025'")
def _(s):
    return {"line": s.replace(A4, "  earliest: 2025-01-20", "  earliest: early 2025")}


@case("date-impossible", "{A4}:{line}: published: latest must be a real date YYYY-MM-DD, found '2025-11-31' (day is out of range for month)")
def _(s):
    return {"line": s.replace(A4, "  latest: 2025-11-23", "  latest: 2025-11-31")}


@case("date-as-number", "{A4}:{line}: designations[0]: effective_date must be a date YYYY-MM-DD, found 20251124")
def _(s):
    return {"line": s.replace(A4, "    effective_date: 2025-11-24", "    effective_date: 20251124")}


@case("event-date-start-after-end", "{A4}:{line}: 004-cartel-de-los-soles-fto-takes-effect: date start 2025-11-24 is after end 2025-11-22 [dates-in-order]")
def _(s):
    s.replace(A4, "      start: 2025-11-24\n", "      start: 2025-11-24\n      end: 2025-11-22\n")
    return {"line": s.line(A4, "      end: 2025-11-22")}


@case("ongoing-event-with-an-end-date", "{A4}:{line}: 004-us-non-recognition-of-maduro-government: an ongoing event has no end date (found 2025-11-01): its date says when it began (start, with the precision of that start) [ongoing-has-no-end]")
def _(s):
    s.replace(A4, "      start: 2019-01-01\n", "      start: 2019-01-01\n      end: 2025-11-01\n")
    return {"line": s.line(A4, "      end: 2025-11-01")}


@case("published-earliest-after-latest", "{A4}:{line}: published: earliest 2025-12-01 is after latest 2025-11-23 [published-in-order]")
def _(s):
    s.replace(A4, "  earliest: 2025-01-20", "  earliest: 2025-12-01")
    return {"line": s.line(A4, "  latest: 2025-11-23")}


@case("date-precision-day-without-start", "{A4}:{line}: 004-cartel-de-los-soles-fto-takes-effect: date precision 'day' needs a start date [date-given-with-precision]")
def _(s):
    line = s.line(A4, "      start: 2025-11-24\n")
    s.replace(A4, "      start: 2025-11-24\n", "")
    return {"line": line}


@case("date-precision-unknown-with-a-date", "{A2}:{line}: 002-us-departments-to-coordinate-actions: date precision is unknown but a date is given; drop start/end or set the precision [date-given-with-precision]")
def _(s):
    return {"line": s.replace(A2, "    date: {precision: unknown}", "    date: {start: 2025-11-20, precision: unknown}")}


@case("date-precision-not-allowed", "{A2}:{line}: events[1].date: precision must be one of {allowed}; found 'week'")
def _(s):
    return {"line": s.replace(A2, "    date: {precision: unknown}", "    date: {precision: week}"), "allowed": ", ".join(allowed_values(s, "date_precision"))}


@case("inferred-date-without-basis", "{A4}:{line}: 004-cartel-de-los-soles-fto-takes-effect: inferred dates need a basis saying what was inferred and why [inferred-date-has-basis]")
def _(s):
    text = s.read(A4)
    at = text.index("      inferred: true\n", text.index("  - id: 004-cartel-de-los-soles-fto-takes-effect"))
    line = text[:at].count("\n") + 1  # the key the rule is about
    i = text.index("      basis: Text states \"effective November 24\" and")
    j = text.index("\n", i) + 1
    s.write(A4, text[:i] + text[j:])
    return {"line": line}


@case("designation-announced-after-effective", "{A4}:{line}: 004-cartel-de-los-soles-fto: announced_date 2025-11-30 is after effective_date 2025-11-24 [announced-before-effective]")
def _(s):
    s.replace(A4, "    effective_date: 2025-11-24\n", "    announced_date: 2025-11-30\n    effective_date: 2025-11-24\n")
    return {"line": s.line(A4, "    effective_date: 2025-11-24\n")}


# ------------------------------------------------------------------ fatalities ----
@case("fatalities-negative", "{A1}:{line}: events[4]: fatalities must be a whole number ≥ 0, found -4")
def _(s):
    return {"line": s.replace(A1, "    fatalities: 4\n", "    fatalities: -4\n")}


@case("fatalities-not-a-number", "{A1}:{line}: events[4]: fatalities must be a whole number ≥ 0, found 'four'")
def _(s):
    return {"line": s.replace(A1, "    fatalities: 4\n", "    fatalities: four\n")}


@case("fatalities-fraction", "{A1}:{line}: events[4]: fatalities must be a whole number ≥ 0, found 4.5")
def _(s):
    return {"line": s.replace(A1, "    fatalities: 4\n", "    fatalities: 4.5\n")}


@case("fatalities-not-in-evidence", "{A1}:{line}: 001-us-20th-strike-on-vessels: fatalities 5 does not appear in the event's evidence text (as digits or a number word) [fatalities-in-evidence]")
def _(s):
    return {"line": s.replace(A1, "    fatalities: 4\n", "    fatalities: 5\n")}


@case("fatalities-qualifier-without-number",
      "{A4}:{line}: 004-cartel-de-los-soles-fto-takes-effect: fatalities_qualifier 'exact' goes with a fatality number (fatalities or fatalities_cumulative); found none [fatalities-qualified]")
def _(s):
    return {"line": s.replace(A4, "    status: scheduled\n", "    status: scheduled\n    fatalities_qualifier: exact\n") + 1}


@case("fatalities-without-qualifier", "{A1}:{line}: 001-us-20th-strike-on-vessels: fatalities 4 needs fatalities_qualifier (exact or approximate); found none [fatalities-qualified]")
def _(s):
    line = s.line(A1, "    fatalities: 4\n")
    s.replace(A1, "    fatalities: 4\n    fatalities_qualifier: exact\n", "    fatalities: 4\n")
    return {"line": line}


@case("fatalities-cumulative-on-a-single-strike", "{A1}:{line}: 001-us-20th-strike-on-vessels: fatalities_cumulative is only for strike_series events [cumulative-only-on-series]")
def _(s):
    return {"line": s.replace(A1, "    fatalities: 4\n", "    fatalities_cumulative: 4\n")}


# ------------------------------------------------------------------ enums and rules ----
@case("enum-value-not-allowed", "{A4}:{line}: events[0]: type must be one of {allowed}; found 'designations' (did you mean 'designation'?)")
def _(s):
    allowed = allowed_values(s, "event_type")
    line = s.line(A4, "  - id: 004-cartel-de-los-soles-fto-announced") + 1
    text = s.read(A4).splitlines(keepends=True)
    assert text[line - 1] == "    type: designation\n"
    text[line - 1] = "    type: designations\n"
    s.write(A4, "".join(text))
    return {"line": line, "allowed": ", ".join(allowed)}


@case("quote-attribution-not-allowed", "{A4}:{line}: quotes[0]: attribution must be one of direct, reported_by_third_party, anonymous; found 'directly' (did you mean 'direct'?)")
def _(s):
    return {"line": s.replace(A4, "our country\n    attribution: direct\n", "our country\n    attribution: directly\n") + 1}


@case("claimed-event", "{A4}:{line}: 004-cartel-de-los-soles-treasury-sanctions: attribution claimed: what an actor claims and the article does not confirm is that actor's claim; record it under claims, not as an event [no-claimed-event]")
def _(s):
    text = s.read(A4)
    i = text.index("  - id: 004-cartel-de-los-soles-treasury-sanctions")
    j = text.index("    attribution: reported\n", i)
    s.write(A4, text[:j] + "    attribution: claimed\n" + text[j + len("    attribution: reported\n"):])
    return {"line": text[:j].count("\n") + 1}


@case("metadata-only-with-annotations", "{A4}:{line}: status is metadata_only but the file has annotations (quotes, events, designations, claims); set status: complete")
def _(s):
    return {"line": s.replace(A4, "status: complete", "status: metadata_only")}


@case("outlet-not-in-the-text", "{A4}:{line}: outlet must be copied from the article text (leave it out where the text does not state it); "
      "'Reuters' is not in 004_a369d1b0aa72c426.txt [outlet-and-byline-in-text]")
def _(s):
    return {"line": s.replace(A4, "outlet: ~", "outlet: Reuters")}


@case("draft-annotation-in-a-published-release", "{A4}:{line}: status is draft, but release {version} is published in seeds/releases.yaml; "
      "finish the annotation (status: complete) or keep the release a draft")
def _(s):
    s.write(RELEASES, released(s))
    version = [line.split(":", 1)[1].strip() for line in s.read(RELEASES).splitlines() if line.startswith("- version:")][-1]
    return {"line": s.replace(A4, "status: complete", "status: draft"), "version": version}


@case("schema-enum-narrowed", "{A1}:{line}: events[4]: type must be one of {allowed}; found 'strike' (did you mean 'strike_series'?)")
def _(s):
    s.replace(FIELDS, '      "enum": [\n        "strike",\n', '      "enum": [\n')  # event_type's first value (the field dictionary holds it)
    return {"line": s.line(A1, "    type: strike\n"), "allowed": ", ".join(allowed_values(s, "event_type"))}


@case("schema-not-json", "{EVENTS_SCHEMA}:{line}: not valid JSON: Expecting ',' delimiter (column {column}); expected a Table Schema")
def _(s):
    line = s.replace(EVENTS_SCHEMA, '      "name": "event_id",\n', '      "name": "event_id"\n')
    return {"line": line + 1, "column": len('      "description"') - len('"description"') + 1}


# ------------------------------------------------------------------ articles ----
@case("article-edited-after-annotation", "{A4}:{line}: article 004_a369d1b0aa72c426.txt changed since it was annotated: sha256 expected {old}, found {new}")
def _(s):
    old = s.sha256(T4)
    s.write(T4, s.read(T4).replace("a tougher approach", "a harder approach"))
    return {"line": s.line(A4, "sha256: "), "old": old, "new": s.sha256(T4)}


@case("article-with-crlf", "{T4}:1: the article has CR (\\r) line ends; expected LF only (copy the seed byte for byte)")
def _(s):
    s.write(T4, s.read(T4).replace("\n", "\r\n"))
    s.replace(A4, s.read(A4).splitlines()[2], f"sha256: {s.sha256(T4)}")  # re-annotated: only the line ends are wrong


@case("article-with-bom", "{T4}:1: the article starts with a UTF-8 byte-order mark; expected plain UTF-8 (copy the seed byte for byte)")
def _(s):
    s.write(T4, "\ufeff" + s.read(T4))


@case("article-not-utf8", "{T4}:{line}: the article is not valid UTF-8 (invalid start byte)")
def _(s):
    raw = (s.root / T4).read_bytes()
    pos = raw.index(b"Maduro")
    (s.root / T4).write_bytes(raw[:pos] + b"\xff" + raw[pos:])
    return {"line": raw[:pos].count(b"\n") + 1}


@case("article-missing", "{A4}:{line}: article 004_a369d1b0aa72c426.txt not found in seeds/")
def _(s):
    (s.root / T4).unlink()
    return {"line": s.line(A4, "article: 004_a369d1b0aa72c426.txt")}


@case("article-without-annotation", "{T4}: article 004_a369d1b0aa72c426.txt has no annotation file (expected {A4})")
def _(s):
    (s.root / A4).unlink()


@case("annotation-names-another-article", "{A4}:{line}: annotation file 004_a369d1b0aa72c426.yaml must be named after its article 003_2475ecbfe2fd795f.yaml")
def _(s):
    return {"line": s.replace(A4, "article: 004_a369d1b0aa72c426.txt", "article: 003_2475ecbfe2fd795f.txt")}


def _announced_date(s, new: str) -> int:
    """Replace the date block of 004-cartel-de-los-soles-fto-announced by `new`; returns its first line."""
    text = s.read(A4)
    i = text.index("  - id: 004-cartel-de-los-soles-fto-announced")
    j = text.index("    date:\n", i)
    k = text.index("    attribution:", j)
    s.write(A4, text[:j] + new + text[k:])
    return text[:j].count("\n") + 1


ANNOUNCED_WINDOW = "    status: occurred\n    date:\n      start: 2025-01-20\n      end: 2025-11-23\n      precision: window\n      inferred: true\n"


@case("event-without-date-or-window", "{A4}:{line}: 004-cartel-de-los-soles-fto-announced: no date: give the date the text states, or else a date window it cannot lie outside ({{precision: window, end: <the article's latest publication bound>, start: <the earliest bound the text supports, if any>, inferred: true, basis: ...}}) [placed-in-time]")
def _(s):
    return {"line": _announced_date(s, "    date: {precision: unknown}\n")}


@case("window-not-inferred", "{A4}:{line}: 004-cartel-de-los-soles-fto-announced: a date window is inferred (the text gives no date): set inferred: true and say in basis where each bound comes from [date-given-with-precision]")
def _(s):
    line = s.replace(A4, ANNOUNCED_WINDOW, ANNOUNCED_WINDOW.replace("inferred: true", "inferred: false"))
    return {"line": line + 4}  # precision: window


@case("window-after-publication", "{A4}:{line}: 004-cartel-de-los-soles-fto-announced: date.end: a date window ends (2025-11-30) after the article's latest publication date 2025-11-23; what an article reports cannot lie after it appeared [window-ends-by-publication]")
def _(s):
    line = s.replace(A4, ANNOUNCED_WINDOW, ANNOUNCED_WINDOW.replace("end: 2025-11-23", "end: 2025-11-30"))
    return {"line": line + 3}


@case("claim-without-claimant-or-basis", "{A4}:{line}: 004-trump-may-hold-discussions-with-maduro: no claimant: give the actor who makes the claim, or, where the text names nobody, claimant_basis unnamed ('allegedly', 'so-called') or passive ('accused of', 'labeled as', 'deemed') [claimant-basis-agrees]")
def _(s):
    line = s.replace(A4, "  - id: 004-trump-may-hold-discussions-with-maduro\n    claimant: donald-trump\n",
                     "  - id: 004-trump-may-hold-discussions-with-maduro\n")
    return {"line": line}


@case("denial-coded-positive", "{A3}:{line}: 003-maduro-government-rejects-drug-allegations: a deny claim is negative (the act is a denial, rejection or refusal); found 'positive' [claim-coded-one-way]")
def _(s):
    old = "    type: deny\n    summary: Maduro's government has vehemently rejected the US allegations of drug involvement.\n    polarity: negative\n"
    return {"line": s.replace(A3, old, old.replace("negative", "positive")) + 2}


# ------------------------------------------------------------------ claims ----
@case("claim-mode-of-another-type", "{A0}:{line}: 000-rubio-cartel-de-los-soles-masquerades-as-government: mode 'violence' is not a mode of claim type 'accuse': expected one of disapprove, investigate, allege [claim-mode-of-type]")
def _(s):
    return {"line": s.replace(A0, "    type: accuse\n    mode: allege\n    summary: >-\n      Rubio described the Cartel", "    type: accuse\n    mode: violence\n    summary: >-\n      Rubio described the Cartel") + 1}


@case("claim-quote-of-another-article", "{A0}:{line}: 000-rubio-cartel-de-los-soles-masquerades-as-government: quotes must list quote ids of this article; found '004-trump-see-what-happens' [claim-quotes-of-own-article]")
def _(s):
    return {"line": s.replace(A0, "    quotes: [000-rubio-masquerade-as-government]", "    quotes: [004-trump-see-what-happens]")}


@case("claim-about-an-event-of-another-article", "{A0}:{line}: 000-rubio-us-never-recognized-maduro-regime: about_event: event '004-us-non-recognition-of-maduro-government' "
      "belongs to article 004_a369d1b0aa72c426, not to this article 000_41a7ef844e344957 [links-within-article]")
def _(s):
    return {"line": s.replace(A0, "    about_event: 000-us-non-recognition-of-maduro-regime\n", "    about_event: 004-us-non-recognition-of-maduro-government\n")}


@case("quote-carried-by-no-claim", "{A4}:{line}: 004-trump-see-what-happens: no claim lists this quote: link it from the claim it carries (claims[].quotes) or say why it carries none (no_claim: reason) [quote-carries-claim-or-says-why]")
def _(s):
    s.replace(A4, "    no_claim: >-\n      A remark that asserts, threatens or offers nothing (\"We'll see what happens.\").\n", "")
    return {"line": s.line(A4, "  - id: 004-trump-see-what-happens")}


@case("quote-linked-and-no-claim", "{A0}:{line}: 000-rubio-masquerade-as-government: the quote carries a claim (claim_quotes) but also gives no_claim; drop one [quote-carries-claim-or-says-why]")
def _(s):
    text = s.read(A0)
    start = text.index("  - id: 000-rubio-masquerade-as-government\n")
    ev = text.index("    evidence:", start)
    s.write(A0, text[:ev] + "    no_claim: A label, not a claim.\n" + text[ev:])
    return {"line": s.line(A0, "    no_claim: A label, not a claim.")}


@case("indirect-claim-without-a-reporting-verb", "{A4}:{line}: 004-american-officials-cartel-is-narcoterrorist-organization: a claim with no quote needs an evidence passage showing how the article reports it (a verb of saying such as 'said', 'denied', 'accused', 'warned', 'according to'); none found in: 'a narcoterrorist organization' [indirect-claim-shows-reporting-verb]")
def _(s):
    s.replace(A4, "      - This decisive action targets what American officials describe as a narcoterrorist organization\n", "      - a narcoterrorist organization\n")
    text = s.read(A4)
    start = text.index("  - id: 004-american-officials-cartel-is-narcoterrorist-organization")
    return {"line": text[:text.index("    evidence:", start)].count("\n") + 2}  # the evidence list


# ------------------------------------------------------------------ the text's words (issue 14.2) ----
@case("target-resting-on-an-allegation", "{A3}:{line}: 003-us-strike-caribbean-vessel: target tren-de-aragua: the evidence names the target only inside an allegation or a label ('a recent US military strike in the Caribbean that killed 11 individuals aboard a vessel allegedly linked to the Venezuelan' …): record the allegation as a claim, not a role [role-in-own-voice]")
def _(s):
    old = "    actors:\n      agent: [us-military]\n    evidence:\n      - a recent US military strike"
    return {"line": s.replace(A3, old, old.replace("[us-military]\n", "[us-military]\n      target: [tren-de-aragua]\n")) + 2}


@case("deployment-typed-as-mobilization", "{A3}:{line}: 003-us-warships-caribbean: type mobilization, but no evidence passage says anyone was mobilized (mobilized, called up, activated) [event-type-is-the-texts-word]")
def _(s):
    text = s.read(A3)
    at = text.index("    type: deployment", text.index("  - id: 003-us-warships-caribbean"))
    s.write(A3, text[:at] + "    type: mobilization" + text[at + len("    type: deployment"):])
    return {"line": text[:at].count("\n") + 1}


@case("appeal-recorded-as-a-statement-event-and-a-claim", "{A3}:{line}: 003-maduro-calls-venezuelans-to-join-militia: the claim has exactly the evidence of event '003-maduro-call': "
      "a statement is recorded once, as a claim (a threat is a claim; what is done is an event); remove the event, or, if the claim is about it, say so with about_event [claim-not-also-an-event]")
def _(s):
    text = s.read(A3)
    at = text.index("designations:\n")
    s.write(A3, text[:at] + "  - id: 003-maduro-call\n    type: statement\n    summary: Maduro has called on Venezuelans to join the militia.\n"
            "    status: occurred\n    date: {end: 2025-12-31, precision: window, inferred: true, basis: No date; the article's latest bound.}\n"
            "    attribution: reported\n    actors:\n      agent: [nicolas-maduro]\n    evidence:\n"
            "      - Maduro has called on Venezuelans to join the militia to defend the country against potential aggression\n\n" + text[at:])
    text = s.read(A3)
    start = text.index("  - id: 003-maduro-calls-venezuelans-to-join-militia")
    return {"line": text[:text.index("    evidence:", start)].count("\n") + 2}


@case("footage-typed-as-statement", "{A3}:{line}: 003-us-strike-footage-released: type statement, but the evidence is about released material (footage, video, documents): type disclosure [event-type-is-the-texts-word]")
def _(s):
    return {"line": s.replace(A3, "    type: disclosure", "    type: statement")}


@case("entity-typed-as-fto", "{A3}:{line}: 003-tren-de-aragua-fto: type foreign_terrorist_organization, but no evidence passage says 'Foreign Terrorist Organization' or 'FTO' (another terrorist designation is other_terrorist_designation) [designation-type-is-the-texts-word]")
def _(s):
    return {"line": s.replace(A3, "    type: other_terrorist_designation", "    type: foreign_terrorist_organization")}


@case("facilitator-as-agent", "{A2}:{line}: 002-extradition-of-29-cartel-members: agent donald-trump: the text says 'Trump facilitated': someone who facilitated it is its facilitator, not its agent [role-in-own-voice]")
def _(s):
    return {"line": s.replace(A2, "      facilitator: [donald-trump]", "      agent: [donald-trump]")}


@case("same-event-of-another-type", "{A3}:{line}: 003-us-bounty-maduro: same_event_as: links '002-reward-for-maduro-arrest', but the types differ (sanction vs reward); the texts do not report the same event [same-event-agrees]")
def _(s):
    text = s.read(A3)
    at = text.index("    type: reward", text.index("  - id: 003-us-bounty-maduro"))
    s.write(A3, text[:at] + "    type: sanction" + text[at + len("    type: reward"):])
    return {"line": s.line(A3, "    same_event_as: 002-reward-for-maduro-arrest")}


@case("anonymous-source-without-article-number", "{ACTORS}:{line}: actor 'cartel-de-los-soles': id: an anonymous_source actor's id starts with its "
      "article's number (e.g. '001-unnamed-official') [anonymous-source-id-has-article-number]")
def _(s):
    s.replace(ACTORS, "  name: Cartel de los Soles\n  type: criminal_organization\n", "  name: Cartel de los Soles\n  type: anonymous_source\n")
    return {"line": s.line(ACTORS, "- id: cartel-de-los-soles\n")}


@case("event-resting-on-claimed-words", "{A4}:{line}: 004-cartel-de-los-soles-fto-takes-effect: every evidence passage of the event lies inside a "
      "quote that carries a claim: an event resting only on someone's words is their claim; record it in claims (or add evidence in the "
      "article's own voice) [event-in-own-voice]")
def _(s):
    text = s.read(A4)
    start = text.index("    evidence:\n", text.index("  - id: 004-cartel-de-los-soles-fto-takes-effect"))
    end = text.index("\n\n", start)
    s.write(A4, text[:start] + "    evidence:\n      - drug dealers and drugs from coming into our country" + text[end:])
    return {"line": text[:start].count("\n") + 2}  # the evidence list starts on the next line


# ------------------------------------------------------------------ corrections ----
@case("correction-without-an-entry", "seeds/corrections.yaml: release 1.2.0 corrects 1 record(s) of 1.1.0 without saying what and why; add an entry "
      "(version, table, record_id, what, why) for each:\n  actors 'marco-rubio' (changed description)")
def _(s):
    s.replace(ACTORS, "  description: US Secretary of State\n", "  description: Secretary of State of the US\n")
    return newest_two(s)


@case("correction-entry-for-an-unchanged-record", "seeds/corrections.yaml:{line}: events '004-us-non-recognition-of-maduro-government': listed as corrected in 1.2.0, but the record is the same as in 1.1.0 (or new)")
def _(s):
    text = s.read("seeds/corrections.yaml")
    s.write("seeds/corrections.yaml", text + "\n- version: 1.2.0\n  table: events\n  record_id: 004-us-non-recognition-of-maduro-government\n  what: Nothing at all, really.\n  why: A test of the corrections rule.\n")
    return {"line": len(text.splitlines()) + 4}


def newest_two(s) -> dict:
    """The newest release of seeds/releases.yaml (new) and the one before it (old)."""
    versions = [line.split(":", 1)[1].strip() for line in s.read(RELEASES).splitlines() if line.startswith("- version:")]
    return {"new": versions[-1], "old": versions[-2]}


def allowed_values(s, column: str) -> list[str]:
    """The allowed values of an events column, from the schema as the build resolves it (field dictionary included)."""
    field = next(f for f in fields.table_schema(s.root / "schemas", "events")["fields"] if f["name"] == column)
    return field["constraints"]["enum"]


# ------------------------------------------------------------------ releases ----
def released(s) -> str:
    """seeds/releases.yaml with its draft (if any) marked published and its newest release pinned, ready for a new entry."""
    return releases_ready_for_a_new_version(s.root)


@case("release-listed-but-not-published", "{RELEASES}:{line}: release 98.0.0 is listed but dataset/98.0.0/ is not published")
def _(s):
    text = released(s)
    s.write(RELEASES, text + "\n- version: 98.0.0\n  date: 2099-12-01\n  status: published\n  notes: Never built.\n\n- version: 99.0.0\n  date: 2099-12-02\n  status: draft\n  notes: Built on 98.0.0.\n")
    return {"line": len(text.splitlines()) + 2}


@case("versions-not-increasing", "{RELEASES}:{line}: versions must increase: 0.9.0 comes after {newest}")
def _(s):
    text = released(s)
    newest = newest_version(s.root)
    s.write(RELEASES, text + "\n- version: 0.9.0\n  date: 2026-12-01\n  status: draft\n  notes: Out of order.\n")
    return {"line": len(text.splitlines()) + 2, "newest": newest}


@case("version-not-quoted-semver", "{RELEASES}:{line}: release #{n}: version must be a quoted version 'MAJOR.MINOR.PATCH' (e.g. '1.0.0'), found 1.1")
def _(s):
    text = released(s)
    s.write(RELEASES, text + "\n- version: 1.1\n  date: 2026-12-01\n  status: draft\n  notes: Bad version.\n")
    return {"line": len(text.splitlines()) + 2, "n": text.count("- version:") + 1}


@case("release-date-goes-back", "{RELEASES}:{line}: release date 2026-01-01 is before the previous release's {previous}")
def _(s):
    text = released(s)
    previous = pipeline.read_releases(s.root)[-1]["date"]
    s.write(RELEASES, text + "\n- version: 99.0.0\n  date: 2026-01-01\n  status: draft\n  notes: Back in time.\n")
    return {"line": len(text.splitlines()) + 3, "previous": previous}


@case("release-without-notes", "{RELEASES}:{line}: release #{n}: missing required key 'notes'")
def _(s):
    text = released(s)
    s.write(RELEASES, text + "\n- version: 99.0.0\n  date: 2026-12-01\n  status: draft\n")
    return {"line": len(text.splitlines()) + 2, "n": text.count("- version:") + 1}


def _pin(s, version: str) -> str:
    return next(r["manifest_sha256"] for r in pipeline.read_releases(s.root) if r["version"] == version)


@case("published-release-without-a-pin", "{RELEASES}:{line}: release 1.0.0 is published and no longer the newest: pin it to its files by adding "
      "`manifest_sha256: {sha}` to its entry (the sha256 of dataset/1.0.0/manifest.json)")
def _(s):
    s.replace(RELEASES, f"  manifest_sha256: {_pin(s, '1.0.0')}\n", "")
    return {"line": s.line(RELEASES, "- version: 1.0.0"), "sha": s.sha256("dataset/1.0.0/manifest.json")}


@case("pin-does-not-match-the-release", "{RELEASES}:{line}: release 0.1.0: expected dataset/0.1.0/manifest.json with sha256 {pin} (its manifest_sha256), "
      "found sha256 {sha}: a published release is never changed; restore its files (to change data, add a new version)")
def _(s):
    pin = "f" * 64
    s.replace(RELEASES, f"manifest_sha256: {_pin(s, '0.1.0')}", f"manifest_sha256: {pin}")
    return {"line": s.line(RELEASES, "- version: 0.1.0"), "pin": pin, "sha": s.sha256("dataset/0.1.0/manifest.json")}


@case("pin-not-a-sha256", "{RELEASES}:{line}: release #2: manifest_sha256 must be a sha256 digest: 64 lower-case hexadecimal digits, found '6ef0c682d450'")
def _(s):
    return {"line": s.replace(RELEASES, f"manifest_sha256: {_pin(s, '1.0.0')}", "manifest_sha256: 6ef0c682d450")}


# ------------------------------------------------------------------ bounded input (issue 13.8) ----
@case("yaml-anchor", "{A4}:{line}: an anchor (&s); expected plain values (anchors and aliases are not used in annotations: write the value out)")
def _(s):
    return {"line": s.replace(A4, "status: complete", "status: &s complete")}


@case("yaml-alias-bomb", "{A4}:{line}: an anchor (&a); expected plain values (anchors and aliases are not used in annotations: write the value out)")
def _(s):
    bomb = "x: &a [1, 1]\n" + "".join(f"x{i}: &a{i} [*a{'' if i == 0 else i - 1}, *a{'' if i == 0 else i - 1}]\n" for i in range(30))
    s.write(A4, s.read(A4) + bomb)
    return {"line": s.line(A4, "x: &a [1, 1]")}


@case("yaml-nul-byte", "{A4}:{line}: a binary control character U+0000; expected plain text (no NUL or other control bytes)")
def _(s):
    return {"line": s.replace(A4, "status: complete", "status: complete\x00")}


@case("yaml-binary-content", "{A4}:1: a binary control character U+0001; expected plain text (no NUL or other control bytes)")
def _(s):
    (s.root / A4).write_bytes(bytes(range(1, 9)) * 100)


@case("yaml-deep-nesting", "{A4}:{line}: nesting deeper than 10 levels; expected the shapes of seeds/GUIDE.md")
def _(s):
    return {"line": s.replace(A4, "status: complete", "status: complete\nx: " + "[" * 5000 + "]" * 5000) + 1}


@case("yaml-huge-scalar", "{A4}:{line}: a value of 6000 characters; expected at most 5000")
def _(s):
    return {"line": s.replace(A4, "status: complete", "status: complete\nx: " + "y" * 6000) + 1}


@case("seed-name-upper-case", "seeds/004_A369D1B0AA72C426.yaml: seed file name '004_A369D1B0AA72C426.yaml' does not follow the naming rule; expected NNN_<16 lower-case hex>.txt or .yaml (e.g. 004_a369d1b0aa72c426.yaml); nothing else in seeds/ may start with a number and an underscore")
def _(s):
    (s.root / A4).rename(s.root / "seeds/004_A369D1B0AA72C426.yaml")


@case("seed-name-yml", "seeds/004_a369d1b0aa72c426.yml: seed file name '004_a369d1b0aa72c426.yml' does not follow the naming rule; expected NNN_<16 lower-case hex>.txt or .yaml (e.g. 004_a369d1b0aa72c426.yaml); nothing else in seeds/ may start with a number and an underscore")
def _(s):
    (s.root / A4).rename(s.root / "seeds/004_a369d1b0aa72c426.yml")


@case("seed-name-width", "seeds/0005_a369d1b0aa72c426.txt: seed file name '0005_a369d1b0aa72c426.txt' does not follow the naming rule; expected NNN_<16 lower-case hex>.txt or .yaml (e.g. 004_a369d1b0aa72c426.yaml); nothing else in seeds/ may start with a number and an underscore")
def _(s):
    s.write("seeds/0005_a369d1b0aa72c426.txt", s.read(T4))


@case("stray-annotation-file", "seeds/005_a369d1b0aa72c426.draft.yaml: seed file name '005_a369d1b0aa72c426.draft.yaml' does not follow the naming rule; "
      "expected NNN_<16 lower-case hex>.txt or .yaml (e.g. 004_a369d1b0aa72c426.yaml); nothing else in seeds/ may start with a number and an underscore")
def _(s):
    s.write("seeds/005_a369d1b0aa72c426.draft.yaml", s.read(A4))


def sixth_article(s, name: str) -> int:
    """Article 004 copied as a sixth article `name` (its annotation a draft; the newest release made a draft);
    returns the line of the copy's `article:` key."""
    newest = s.read(RELEASES).rstrip("\n").rsplit("\n- version: ", 1)
    if "status: draft" not in newest[1]:  # the newest release must be a draft to hold a draft annotation
        s.write(RELEASES, newest[0] + "\n- version: " + newest[1].replace("status: published", "status: draft") + "\n")
    s.write(f"seeds/{name}.txt", s.read(T4))
    text = s.read(A4).replace("article: 004_a369d1b0aa72c426.txt", f"article: {name}.txt").replace("status: complete", "status: draft")
    s.write(f"seeds/{name}.yaml", text)
    return text[:text.index("article: ")].count("\n") + 1


@case("new-article-not-named-after-its-text", "seeds/005_0123456789abcdef.yaml:{line}: a new article is named after its text: expected "
      "005_{sha16}.txt (NNN_ and the first 16 hex digits of its sha256), found 005_0123456789abcdef.txt; rename the article and its annotation")
def _(s):
    return {"line": sixth_article(s, "005_0123456789abcdef"), "sha16": s.sha256(T4)[:16]}


@case("article-copied-as-a-new-article", "seeds/005_{sha16}.yaml:{line}: 005_{sha16}: sha256: article 005_{sha16} has the same text as "
      "004_a369d1b0aa72c426 (sha256 {sha12}…): an article is annotated once; remove the copy [article-not-a-copy]")
def _(s):
    name = f"005_{s.sha256(T4)[:16]}"
    sixth_article(s, name)
    text = s.read(f"seeds/{name}.yaml")
    return {"line": text[:text.index("sha256: ")].count("\n") + 1, "sha16": s.sha256(T4)[:16], "sha12": s.sha256(T4)[:12]}


# ------------------------------------------------------------------ exact values (issue 13.1) ----
@case("id-with-trailing-newline", "{ACTORS}:{line}: actor #1: id 'donald-trump\\n' differs from the valid 'donald-trump' only by leading or trailing spaces")
def _(s):
    return {"line": s.replace(ACTORS, "- id: donald-trump\n", '- id: "donald-trump\\n"\n')}


@case("country-with-zero-width-space", "{ACTORS}:{line}: actor #2: country 'US\\u200b' differs from the valid 'US' only by an invisible or control character U+200B at position 2")
def _(s):
    text = s.read(ACTORS)
    i = text.index("- id: marco-rubio")
    j = text.index("  country: US\n", i)
    s.write(ACTORS, text[:j] + '  country: "US\\u200B"\n' + text[j + len("  country: US\n"):])
    return {"line": text[:j].count("\n") + 1}


@case("alias-not-nfc", "{ACTORS}:{line}: actor 'marco-rubio': alias has text that is not in Unicode normal form NFC: 'Rubio\u0301'; expected 'Rubió'")
def _(s):
    return {"line": s.replace(ACTORS, "aliases: [Marco Rubio, Secretary Rubio, Rubio]", "aliases: [Marco Rubio, Secretary Rubio, \"Rubio\u0301\"]")}


@case("alias-with-bidi-mark", "{ACTORS}:{line}: actor 'marco-rubio': alias has an invisible or control character U+202E at position 0: '\\u202eRubio'; expected 'Rubio'")
def _(s):
    return {"line": s.replace(ACTORS, "aliases: [Marco Rubio, Secretary Rubio, Rubio]", "aliases: [Marco Rubio, Secretary Rubio, \"\u202eRubio\"]")}


# ------------------------------------------------------------------ numbers and dates (issue 13.5) ----
@case("fatalities-from-an-ordinal", "{A1}:{line}: 001-us-20th-strike-on-vessels: fatalities 20 does not appear in the event's evidence text (as digits or a number word) [fatalities-in-evidence]")
def _(s):
    return {"line": s.replace(A1, "    fatalities: 4\n", "    fatalities: 20\n")}


@case("fatalities-from-a-longer-word", "{A1}:{line}: 001-us-20th-strike-on-vessels: fatalities 4 does not appear in the event's evidence text (as digits or a number word) [fatalities-in-evidence]")
def _(s):
    s.replace(A1, "the Caribbean and Pacific, killing four people.", "the Caribbean and Pacific, killing fourteen people.")
    s.replace("seeds/001_2394b04778fce3d8.txt", "the Caribbean and Pacific, killing four people.", "the Caribbean and Pacific, killing fourteen people.")
    s.replace(A1, s.read(A1).splitlines()[2], f"sha256: {s.sha256('seeds/001_2394b04778fce3d8.txt')}")
    return {"line": s.line(A1, "    fatalities: 4\n")}


@case("occurred-event-after-publication", "{A4}:{line}: 004-cartel-de-los-soles-fto-announced: date.start: an occurred event cannot start (2025-12-01) after the article's latest publication date 2025-11-23; set status scheduled or correct the date [occurred-not-after-publication]")
def _(s):
    return {"line": _announced_date(s, "    date: {start: 2025-12-01, precision: day}\n")}


@case("date-outside-plausible-window", "{A4}:{line}: published_earliest 1025-01-20 is outside the plausible window 1990-01-01 .. 2030-12-31 [plausible-dates]")
def _(s):
    return {"line": s.replace(A4, "  earliest: 2025-01-20", "  earliest: 1025-01-20")}


# ------------------------------------------------------------------ guide rules (issue 13.6) ----
@case("direct-quote-with-reported-by", "{A4}:{line}: 004-trump-stopping-drug-dealers: a direct quote has no reported_by (found 'cnn'); use attribution reported_by_third_party or anonymous, or drop reported_by [direct-quote-not-reported]")
def _(s):
    return {"line": s.replace(A4, "our country\n    attribution: direct\n", "our country\n    attribution: direct\n    reported_by: cnn\n") + 2}


@case("third-party-quote-without-reported-by", "{A4}:{line}: 004-trump-stopping-drug-dealers: a reported_by_third_party quote needs reported_by (who passed the words on); found none [third-party-quote-reported]")
def _(s):
    return {"line": s.replace(A4, "our country\n    attribution: direct\n", "our country\n    attribution: reported_by_third_party\n") + 1}


@case("anonymous-quote-with-named-speaker", "{A4}:{line}: 004-trump-stopping-drug-dealers: speaker: an anonymous quote's speaker must be an anonymous_source actor; 'donald-trump' is a person [anonymous-quote-speaker]")
def _(s):
    s.replace(A4, "our country\n    attribution: direct\n", "our country\n    attribution: anonymous\n")
    return {"line": s.line(A4, "    speaker: donald-trump\n    text: We’re stopping")}


@case("self-affiliation", "{ACTORS}:{line}: actor 'marco-rubio': affiliation points at the actor itself [affiliation-not-itself]")
def _(s):
    text = s.read(ACTORS)
    i = text.index("- id: marco-rubio")
    j = text.index("  affiliation: us-department-of-state\n", i)
    s.write(ACTORS, text[:j] + "  affiliation: marco-rubio\n" + text[j + len("  affiliation: us-department-of-state\n"):])
    return {"line": text[:j].count("\n") + 1}


@case("affiliation-cycle", "{ACTORS}:{line}: actor 'marco-rubio': affiliation: affiliation forms a cycle: marco-rubio -> us-department-of-state -> marco-rubio [reference-not-a-cycle]")
def _(s):
    text = s.read(ACTORS)
    s.replace(ACTORS, "- id: us-department-of-state\n  name: US Department of State\n", "- id: us-department-of-state\n  name: US Department of State\n  affiliation: marco-rubio\n")
    i = text.index("- id: marco-rubio")
    return {"line": text[:text.index("  affiliation: us-department-of-state\n", i)].count("\n") + 1}


@case("same-event-as-itself", "{A3}:{line}: 003-us-bounty-maduro: same_event_as points at the event itself [same-event-not-itself]")
def _(s):
    return {"line": s.replace(A3, "same_event_as: 002-reward-for-maduro-arrest", "same_event_as: 003-us-bounty-maduro")}


@case("same-event-as-within-one-article", "{A3}:{line}: 003-us-bounty-maduro: same_event_as: same_event_as '003-tren-de-aragua-fto-designation' is in the same article; one article reports an event once (merge the rows instead) [same-event-across-articles]")
def _(s):
    return {"line": s.replace(A3, "same_event_as: 002-reward-for-maduro-arrest", "same_event_as: 003-tren-de-aragua-fto-designation")}


@case("same-event-as-cycle", "{A2}:{line}: 002-reward-for-maduro-arrest: same_event_as: same_event_as forms a cycle: 002-reward-for-maduro-arrest -> 003-us-bounty-maduro -> 002-reward-for-maduro-arrest [reference-not-a-cycle]")
def _(s):
    return {"line": s.replace(A2, "  - id: 002-reward-for-maduro-arrest\n    type: reward\n",
                              "  - id: 002-reward-for-maduro-arrest\n    same_event_as: 003-us-bounty-maduro\n    type: reward\n") + 1}


@case("same-event-as-on-the-earlier-article", "{A2}:{line}: 002-reward-for-maduro-arrest: same_event_as: same_event_as is set on the later article's row; '003-us-bounty-maduro' is in the later article 003_2475ecbfe2fd795f: set it there, pointing at '002-reward-for-maduro-arrest' [same-event-across-articles]")
def _(s):
    s.replace(A3, "    same_event_as: 002-reward-for-maduro-arrest\n", "")
    return {"line": s.replace(A2, "  - id: 002-reward-for-maduro-arrest\n    type: reward\n",
                              "  - id: 002-reward-for-maduro-arrest\n    same_event_as: 003-us-bounty-maduro\n    type: reward\n") + 1}


@case("designation-event-of-another-article", "{A4}:{line}: 004-cartel-de-los-soles-fto: event: event '003-tren-de-aragua-fto-designation' belongs to article 003_2475ecbfe2fd795f, not to this article 004_a369d1b0aa72c426 [links-within-article]")
def _(s):
    return {"line": s.replace(A4, "    event: 004-cartel-de-los-soles-fto-announced", "    event: 003-tren-de-aragua-fto-designation")}


@case("anonymous-speaker-of-another-article", "{A4}:{line}: 004-trump-stopping-drug-dealers: speaker: anonymous source '001-unnamed-defense-department-official' belongs to article 001, not to this article 004 [anonymous-source-of-own-article]")
def _(s):
    s.replace(A4, "our country\n    attribution: direct\n", "our country\n    attribution: anonymous\n")
    return {"line": s.replace(A4, "    speaker: donald-trump\n    text: We’re stopping", "    speaker: 001-unnamed-defense-department-official\n    text: We’re stopping")}
@case("published-entry-removed", "{RELEASES}: expected an entry for every release in dataset/; found dataset/0.1.0/ with none (a published release's entry is never removed or changed: put it back; anything else does not belong in dataset/)")
def _(s):
    text = s.read(RELEASES)
    start = text.index("- version: 0.1.0")
    s.write(RELEASES, text[:start] + text[text.index("- version: 1.0.0"):])


@case("published-entry-renamed", "{RELEASES}:{line}: release 1.0.1 is listed but dataset/1.0.1/ is not published")
def _(s):
    return {"line": s.replace(RELEASES, "- version: 1.0.0", "- version: 1.0.1")}


@case("published-entries-reordered", "{RELEASES}:{line}: versions must increase: 0.1.0 comes after 1.0.0")
def _(s):
    text = s.read(RELEASES)
    a, b, c = text.index("- version: 0.1.0"), text.index("- version: 1.0.0"), text.index("- version: 1.1.0")
    s.write(RELEASES, text[:a] + text[b:c] + text[a:b] + text[c:])
    return {"line": s.line(RELEASES, "- version: 0.1.0")}


@case("version-that-is-code", "{RELEASES}:{line}: release #3: version must be a quoted version 'MAJOR.MINOR.PATCH' (e.g. '1.0.0'), found '1.1.0\"; import os'")
def _(s):
    return {"line": s.replace(RELEASES, "- version: 1.1.0", "- version: '1.1.0\"; import os'")}


# ------------------------------------------------------------------ the test ----
def _tree(root: Path) -> dict:
    """Every file of the project (bytes), but the build's lock file, rebuild record and kept per-article results and docs."""
    kept = [root / publish.WORK / name for name in publish.KEEP]
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in IGNORED and not any(p.is_relative_to(k) for k in kept)}


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    """One project copy for all cases; each case's edits are undone after it."""
    return copy_project(tmp_path_factory.mktemp("bad-inputs") / "project")


@pytest.fixture
def fresh(proj):
    pristine = {rel: data for rel, data in _tree(proj).items() if rel.split("/")[0] in MUTABLE}
    yield proj
    for p in [p for d in MUTABLE for p in (proj / d).rglob("*") if p.is_file()]:
        if str(p.relative_to(proj)) not in pristine:
            p.unlink()
    for rel, data in pristine.items():
        if not (proj / rel).is_file() or (proj / rel).read_bytes() != data:
            (proj / rel).write_bytes(data)


def test_the_unbroken_copy_builds(fresh, capsys):
    """The control: without a mutation the copy builds (nothing to publish) and nothing changes."""
    before = _tree(fresh)
    assert pipeline.main(["--root", str(fresh), "-q"]) == 0, capsys.readouterr().err
    assert _tree(fresh) == before


@pytest.mark.parametrize("mutate, expected", CASES)
def test_bad_input_is_refused_with_file_line_and_nothing_changes(fresh, mutate, expected, capsys):
    values = mutate(Seeds(fresh)) or {}
    before = _tree(fresh)
    code = pipeline.main(["--root", str(fresh), "-q"])
    err = capsys.readouterr().err
    assert _tree(fresh) == before, "a refused build changed files"
    assert not [p for p in (fresh / publish.WORK).iterdir() if p.name not in publish.KEEP], "a refused build left staging files"
    assert code == 2, err
    assert err == "error: " + expected.format(**NAMES, **values) + "\n"


def test_the_catalogue_is_large_and_distinct():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("mutate, expected", [c for c in CASES if c.id in ("unknown-actor-id", "article-with-bom", "uncovered-quotation-marks")])
def test_check_mode_refuses_the_same_way(fresh, mutate, expected, capsys):
    """`build --check` stops on bad input with the same message (exit 2, not 1: the input is wrong, not the data)."""
    values = mutate(Seeds(fresh)) or {}
    before = _tree(fresh)
    code = pipeline.main(["--root", str(fresh), "-q", "--check"])
    err = capsys.readouterr().err
    assert _tree(fresh) == before
    assert (code, err) == (2, "error: " + expected.format(**NAMES, **values) + "\n")
