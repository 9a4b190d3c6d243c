"""Every rule of the dataset, declared once, with a stable code; and the derived tables, computed once.

Each rule is a named function registered with `@rule(code, scope, tables, name, column, since)`.
The build and `cartel_campaign.validate` run the same rules through the runners below: the build on
the rows it derives (a failure is reported at the annotation FILE:LINE behind the failing column),
`validate` on the rows of a published release (table, row, id; FILE:LINE too in a checkout). Every
message ends with the rule's code in brackets, e.g. `[fatalities-in-evidence]`.

Scopes (what a rule's check receives):

* row      check(row) -> None | message | (column, message): one row on its own;
* record   check(row, view) -> the same: one row, with its article (`ArticleView`: the text, the
           article's rows, evidence by record, the actors' aliases);
* article  check(view) -> (table, row, column, message) per failure: an article's rows together;
* release  check(rows) -> (table, row, column, message) per failure: rows compared across articles
           (`rows`: table -> list of row dicts);
* derived  check(rows, texts) -> messages: a derived table recomputed from the others and the texts
           (the build computes these tables with the same functions, so only `validate` runs them);
* files    check(folder, tables, schemas) -> messages: a release's files (manifest, Parquet bytes,
           CSV, exports, descriptor), registered by cartel_campaign.validation.files and run there by
           `file_problems` (validate on a release, the build on what it staged).

`since`: the first release held to the rule; a published release is checked by the rules of its time.
Only the standard library is imported here (the loader never imports this module).
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from pathlib import PurePosixPath

from .. import crosswalk, records, speech, views
from .aliases import AliasFinder, ArticleAliases, first_mention_evidence, mentions
from .registry import RULES, SCOPES, ArticleView, Finding, article_findings, label, message, release_findings, row_findings, rule, rules_of
from .tables import SummaryCounter, compare
from .text import (NUMBERED_ID, QUOTE_MARKS, SPAN_TABLES, anonymous_article, article_number, claim_speech, fits_marks, linked_events,
                   number_word, own_article_rule, positions, quote_mark_spans, same_event_as_rule)

#: The names other modules use (`rules.X`, `from .rules import X`).
__all__ = [
    "AliasFinder", "ArticleAliases", "ArticleView", "CLAIM_MODES", "Finding", "NUMBERED_ID", "QUOTE_MARKS", "RELEASE_TABLES", "REPORTING",
    "RULES", "SCOPES", "SummaryCounter", "anonymous_article", "article_findings", "article_number", "claim_is_not_an_event_rule",
    "claim_link_rule", "claim_speech", "event_in_own_voice_rule", "first_mention_evidence", "fits_marks", "mentions", "message",
    "number_word", "positions", "quote_mark_spans", "release_findings", "reporting_verb_rule", "row_findings", "rule", "rules_of",
]


@rule("published-in-order", "row", "articles", "published_earliest <= published_latest", "published_latest")
def published_in_order(r):
    if r["published_earliest"] > r["published_latest"]:
        return f"published: earliest {r['published_earliest']} is after latest {r['published_latest']}"


@rule("date-given-with-precision", "row", ("events", "claims"), "dates given unless date_precision is unknown", "date_precision")
def date_given_with_precision(r):
    start, end, precision = r["date_start"], r["date_end"], r["date_precision"]
    if precision == "unknown" and (start or end):
        return "date precision is unknown but a date is given; drop start/end or set the precision"
    if precision == "window":
        return window_problem(r)
    if precision != "unknown" and start is None:
        return f"date precision {precision!r} needs a start date"
    if precision != "unknown" and end is None and r.get("status") != "ongoing":
        return f"date precision {precision!r} needs start and end (day: start alone)"


def window_problem(r):
    """A window (the text gives no date): its end is required (the latest day the date can be), its start
    only where the text supports a lower bound; it is always inferred."""
    if r["date_end"] is None:
        return "date precision 'window' needs an end (the latest day the date can be: the article's latest publication bound or earlier)"
    if not r["date_inferred"]:
        return "a date window is inferred (the text gives no date): set inferred: true and say in basis where each bound comes from"


@rule("ongoing-has-no-end", "row", "events", "an ongoing event has no end date (a window bounds when it began)", "date_end", since="1.1.0")
def ongoing_has_no_end(r):
    if r["status"] == "ongoing" and r["date_end"] is not None and r["date_precision"] != "window":
        return (f"an ongoing event has no end date (found {r['date_end']}): its date says when it began "
                "(start, with the precision of that start)")


@rule("placed-in-time", "row", ("events", "claims"), "every claim and every event not scheduled has a date or a date window",
      "date_precision", since="1.2.0")
def placed_in_time(r):
    if r["date_precision"] == "unknown" and r.get("status") != "scheduled":
        return ("no date: give the date the text states, or else a date window it cannot lie outside "
                "({precision: window, end: <the article's latest publication bound>, start: <the earliest bound the text supports, "
                "if any>, inferred: true, basis: ...})")


@rule("claimant-basis-agrees", "row", "claims", "a claim names its claimant exactly when claimant_basis is named",
      "claimant_basis", since="1.2.0")
def claimant_basis_agrees(r):
    if r["claimant_basis"] == "named" and r["claimant_actor_id"] is None:
        return ("no claimant: give the actor who makes the claim, or, where the text names nobody, claimant_basis "
                "unnamed ('allegedly', 'so-called') or passive ('accused of', 'labeled as', 'deemed')")
    if r["claimant_basis"] != "named" and r["claimant_actor_id"] is not None:
        return "claimant", f"claimant_basis is {r['claimant_basis']!r} but a claimant is given ({r['claimant_actor_id']!r}); a named claimant has basis named"


#: Claim types whose act is itself a denial, rejection or refusal: always negative.
NEGATIVE_TYPES = ("deny", "reject")
#: Claim types that may be either: an assurance that something will (positive) or will not (negative) be done.
EITHER_POLARITY_TYPES = ("assure",)


@rule("claim-coded-one-way", "row", "claims", "the same act gets the same polarity and type", "polarity", since="1.2.0")
def claim_coded_one_way(r):
    t = r["claim_type"]
    if t in NEGATIVE_TYPES and r["polarity"] != "negative":
        return f"a {t} claim is negative (the act is a denial, rejection or refusal); found {r['polarity']!r}"
    if t not in NEGATIVE_TYPES + EITHER_POLARITY_TYPES and r["polarity"] != "positive":
        return (f"a {t} claim is positive: polarity says whether the act denies, rejects or promises not to act, "
                f"not whether its words contain a negation; found {r['polarity']!r}")
    if t == "acknowledge" and r["modality"] == "future":
        return ("modality", "a statement of what will (not) be done is an assurance (type assure), whatever the verb "
                "('confirmed'); acknowledge is for what already holds")


@rule("dates-in-order", "row", ("events", "claims"), "date_start <= date_end", "date_end")
def dates_in_order(r):
    if r["date_start"] and r["date_end"] and r["date_start"] > r["date_end"]:
        return f"date start {r['date_start']} is after end {r['date_end']}"


@rule("inferred-date-has-basis", "row", ("events", "designations", "claims"), "date_basis given when date_inferred", "date_inferred")
def inferred_date_has_basis(r):
    if r["date_inferred"] and not r["date_basis"]:
        return "inferred dates need a basis saying what was inferred and why"


@rule("fatalities-qualified", "row", "events", "fatalities_qualifier given iff a fatality number is", "fatalities_qualifier")
def fatalities_qualified(r):
    numbers = [n for n in ("fatalities", "fatalities_cumulative") if r[n] is not None]
    if r["fatalities_qualifier"] is not None and not numbers:
        return (f"fatalities_qualifier {r['fatalities_qualifier']!r} goes with a fatality number "
                "(fatalities or fatalities_cumulative); found none")
    if numbers and r["fatalities_qualifier"] is None:
        return numbers[0], f"{numbers[0]} {r[numbers[0]]} needs fatalities_qualifier (exact or approximate); found none"


@rule("cumulative-only-on-series", "row", "events", "fatalities_cumulative only on strike_series rows", "fatalities_cumulative")
def cumulative_only_on_series(r):
    if r["fatalities_cumulative"] is not None and r["event_type"] != "strike_series":
        return "fatalities_cumulative is only for strike_series events"


@rule("no-claimed-event", "row", "events", "no event is claimed (a claim is a claims row)", "attribution", since="1.1.0")
def no_claimed_event(r):
    if r["attribution"] == "claimed":
        return ("attribution claimed: what an actor claims and the article does not confirm is that actor's claim; "
                "record it under claims, not as an event")


@rule("claimed-event-has-source", "row", "events", "source_actor_id given for claimed rows", "attribution")
def claimed_event_has_source(r):
    if r["attribution"] == "claimed" and not r["source_actor_id"]:
        return "a claimed event needs 'source' (who claims it)"


@rule("same-event-not-itself", "row", "events", "same_event_as is not the row itself", "same_event_as")
def same_event_not_itself(r):
    if r["same_event_as"] is not None and r["same_event_as"] == r["event_id"]:
        return "same_event_as points at the event itself"


@rule("announced-before-effective", "row", "designations", "announced_date <= effective_date", "effective_date")
def announced_before_effective(r):
    if r["announced_date"] and r["effective_date"] and r["announced_date"] > r["effective_date"]:
        return f"announced_date {r['announced_date']} is after effective_date {r['effective_date']}"


@rule("direct-quote-not-reported", "row", "quotes", "reported_by not on a direct quote", "reported_by_actor_id")
def direct_quote_not_reported(r):
    if r["attribution"] == "direct" and r["reported_by_actor_id"] is not None:
        return (f"a direct quote has no reported_by (found {r['reported_by_actor_id']!r}); "
                "use attribution reported_by_third_party or anonymous, or drop reported_by")


@rule("third-party-quote-reported", "row", "quotes", "reported_by given on a reported_by_third_party quote", "attribution")
def third_party_quote_reported(r):
    if r["attribution"] == "reported_by_third_party" and r["reported_by_actor_id"] is None:
        return "a reported_by_third_party quote needs reported_by (who passed the words on); found none"


@rule("affiliation-not-itself", "row", "actors", "affiliation is not the actor itself", "affiliation_actor_id")
def affiliation_not_itself(r):
    if r["affiliation_actor_id"] is not None and r["affiliation_actor_id"] == r["actor_id"]:
        return "affiliation points at the actor itself"


#: The date columns held to the plausible window, in the order they are checked.
DATE_COLUMNS = ("published_earliest", "published_latest", "date_start", "date_end", "announced_date", "effective_date")


@rule("plausible-dates", "row", ("articles", "events", "designations"), "dates in the plausible window")
def plausible_dates(r):
    for col in DATE_COLUMNS:
        problem = plausible_date_rule(r.get(col), col)
        if problem:
            return col, problem


#: PLOVER 2.0 modes of the claim types that have modes (PLOVER_MANUAL.tex, the modes table of each
#: type; tests/test_claims.py checks these agree with the vocabularies in schemas/crosswalk.json).
CLAIM_MODES = {
    "accuse": ("disapprove", "investigate", "allege"),
    "threaten": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "request": ("assist", "change", "yield", "meet"),
    "reject": ("assist", "change", "yield", "meet"),
    "consult": ("visit", "third-party", "multilateral", "phone"),
}


@rule("claim-mode-of-type", "row", "claims", "claim_mode is a mode of claim_type", "claim_mode")
def claim_mode_of_type(r):
    mode, allowed = r["claim_mode"], CLAIM_MODES.get(r["claim_type"], ())
    if mode is not None and mode not in allowed:
        modes = f"one of {', '.join(allowed)}" if allowed else "left out (the type has no modes)"
        return f"mode {mode!r} is not a mode of claim type {r['claim_type']!r}: expected {modes}"


@rule("time-precision-derived", "row", "events", "time_precision is derived from the date", "time_precision", since="1.1.0")
def time_precision_derived(r):
    expected = crosswalk.time_precision(r["date_precision"], r["date_start"], r["date_end"])
    if r.get("time_precision") != expected:
        return f"time_precision is {r.get('time_precision')!r}, but the date ({r['date_precision']}) gives {expected!r}"


@rule("geo-precision-derived", "row", "events", "geo_precision is derived from location and country", "geo_precision", since="1.1.0")
def geo_precision_derived(r):
    expected = crosswalk.geo_precision(r["location"], r["country"])
    if r.get("geo_precision") != expected:
        return f"geo_precision is {r.get('geo_precision')!r}, but location {r['location']!r} gives {expected!r}"


@rule("span-not-empty", "row", tuple(SPAN_TABLES), "char_start < char_end", "char_end")
def span_not_empty(r):
    if not r["char_start"] < r["char_end"]:
        return f"char_start {r['char_start']} is not before char_end {r['char_end']}"


@rule("span-length-is-text", "row", tuple(SPAN_TABLES), "char_end - char_start == the length of the span's text")
def span_length_is_text(r):
    column = "alias" if "alias" in r else "text"
    if r["char_end"] - r["char_start"] != len(r[column]):
        return column, (f"char_end - char_start is {r['char_end'] - r['char_start']} but the {'alias' if column == 'alias' else 'text'} "
                        f"has {len(r[column])} characters")


@rule("id-has-article-number", "row", tuple(r.table for r in records.id_prefixed()), "record ids start with their article's number")
def id_has_article_number(r):
    id_column = next(iter(r))  # a record table's id is its first column (tests/test_records.py)
    prefix = article_number(r["article_id"]) + "-"
    if not r[id_column].startswith(prefix):
        return id_column, f"id must start with the article number {prefix!r}, found {r[id_column]!r}"


def span_text_rule(article: str, start: int, end: int, text: str) -> str | None:
    """Rule 'span text is the article's text at its offsets'."""
    found = article[start:end]
    if found != text:
        return f"article[{start}:{end}] is {found!r}, expected {text!r}"
    return None


def where_in_marks(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """Where a span that does not fill its quotation marks lies, for messages."""
    for ms, me in marks:
        if ms <= start and end <= me:
            return f"found {text[start:end]!r} inside the marks around {text[ms:me]!r}"
    for ms, me in marks:
        if start < me and ms < end:
            return f"found {text[start:end]!r}, which straddles the quotation marks around {text[ms:me]!r}"
    return f"found {text[start:end]!r} outside any quotation marks"


def quotation_mark_rule(article: str, status: str, spans: list[tuple[str, int, int]]) -> list[tuple[int | None, str, int | None]]:
    """Rule 'every pair of quotation marks is one quote or one exclusion'.

    `spans`: (kind, start, end) of each quote (kind 'quote') and exclusion ('exclusion') of one
    article, in annotation order. Returns (index into spans or None for the whole article,
    message, index of the span that already covers the same marks or None); a message about
    such a clash contains '{other}', for the caller to name that span.
    """
    marks = quote_mark_spans(article)
    covered: dict = {}
    problems = []
    for i, (kind, start, end) in enumerate(spans):
        mark = fits_marks(article, start, end, marks)
        if mark is None:
            if kind == "quote":
                problems.append((i, "a quote must be the whole text inside one pair of quotation marks "
                                    f"(less only a leading '>' or a trailing comma); {where_in_marks(article, start, end, marks)}", None))
            else:
                problems.append((i, f"text must be the whole text inside one pair of quotation marks; {where_in_marks(article, start, end, marks)}", None))
        elif mark in covered:
            problems.append((i, f"the quotation marks around {article[mark[0]:mark[1]]!r} (chars {mark[0]}-{mark[1]}) are already covered by "
                                "{other}; a passage in quotation marks is one quote or one exclusion", covered[mark]))
        else:
            covered[mark] = i
    if status == "complete":
        missing = [(s, e) for s, e in marks if (s, e) not in covered]
        if missing:
            problems.append((None, f"status is complete but {len(missing)} quotation-mark span(s) have no quote or exclusion: "
                                   + "; ".join(f"{article[s:e]!r} (chars {s}-{e})" for s, e in missing) + "; add a quote or an exclusion for each", None))
    return problems


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


#: Dates outside this window are not plausible for a late-2025 campaign seen in the articles.
PLAUSIBLE_DATES = ("1990-01-01", "2030-12-31")


def plausible_date_rule(value, column: str) -> str | None:
    """Rule 'dates lie in the plausible window' (PLAUSIBLE_DATES)."""
    low, high = PLAUSIBLE_DATES
    if value is not None and not low <= str(value) <= high:
        return f"{column} {value} is outside the plausible window {low} .. {high}"
    return None


def after_publication_rule(event: dict, published_latest) -> str | None:
    """Rule 'an event that occurred is not dated after its article's latest publication date'."""
    if event["status"] == "occurred" and event["date_start"] is not None and published_latest is not None \
            and event["date_start"] > published_latest:
        return (f"an occurred event cannot start ({event['date_start']}) after the article's latest "
                f"publication date {published_latest}; set status scheduled or correct the date")
    return None


def anonymous_speaker_rule(quote: dict, actor_type: str | None) -> str | None:
    """Rule 'an anonymous quote's speaker is an anonymous_source actor, and only an anonymous quote's'."""
    if quote["attribution"] == "anonymous" and actor_type not in (None, "anonymous_source"):
        return f"an anonymous quote's speaker must be an anonymous_source actor; {quote['speaker_actor_id']!r} is a {actor_type}"
    if quote["attribution"] != "anonymous" and actor_type == "anonymous_source":
        return (f"speaker {quote['speaker_actor_id']!r} is an anonymous_source actor, so the quote's attribution must be anonymous; "
                f"found {quote['attribution']}")
    return None


def reference_chain_rule(links: dict[str, str | None], what: str) -> dict[str, str]:
    """Rule 'a reference (same_event_as, affiliation) never comes back to where it started':
    id -> message for each id whose chain of references is a cycle."""
    out = {}
    for start in links:
        seen, node = [start], links.get(start)
        while node is not None and node not in seen and node in links:
            seen.append(node)
            node = links.get(node)
        if node == start:
            out[start] = f"{what} forms a cycle: " + " -> ".join(seen + [start])
    return out


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


def inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def event_in_own_voice_rule(evidence: list[tuple[int, int]], claimed_quotes: list[tuple[int, int]]) -> str | None:
    """Rule 'an event is not a claim': an event needs evidence outside the quotes that carry claims;
    an event resting only on someone's claimed words is that person's claim (a claims row)."""
    if evidence and all(inside_any(s, e, claimed_quotes) for s, e in evidence):
        return ("every evidence passage of the event lies inside a quote that carries a claim: an event resting only on "
                "someone's words is their claim; record it in claims (or add evidence in the article's own voice)")
    return None


def claim_is_not_an_event_rule(claim_spans: set, about_event: str | None, event_spans: dict, event_types: dict) -> str | None:
    """Rule 'a claim is never also an event': no event rests on exactly the evidence of a claim
    (the same statement recorded twice) unless the claim says it is about that event and the
    event is not itself a statement."""
    for eid, spans in event_spans.items():
        if claim_spans and set(spans) == claim_spans and (eid != about_event or event_types.get(eid) == "statement"):
            return (f"the claim has exactly the evidence of event {eid!r}: a statement is recorded once, as a claim "
                    "(a threat is a claim; what is done is an event); remove the event, or, if the claim is about it, say so with about_event")
    return None


# Rules that a record's type and roles are the article's words (issue 14.2; from 1.1.0 on:
# releases before it were published without them).
HEDGE = re.compile(
    r"\b(?:allegedly|alleged|accus\w*|suspected|reportedly|so-called|deemed|"
    r"(?:identified|described|describe|describes|labell?ed|called|considered) as|"
    r"what [^.]{0,80}\b(?:calls?|called|identified|described|describes|labell?ed|considers?|deems?))\b", re.I)
FACILITATION = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:facilitat\w*|help(?:ed|s)?|enabl\w*|assist\w*)\b", re.I)
MOBILIZED = re.compile(r"mobili[sz]|called up|call-up|activat", re.I)
APPEAL = re.compile(r"\bcall(?:s|ed)? on\b|\burg(?:ed|es|ing)\b|\bappeal", re.I)
MATERIAL = re.compile(r"\b(?:footage|video|images?|photos?|documents?|recordings?)\b", re.I)
FTO = re.compile(r"foreign terrorist organi[sz]ations?|\bFTO\b", re.I)


def event_type_words_rule(event_type: str, evidence_texts: list[str]) -> str | None:
    """Rule 'an event's type is the text's word': a mobilization mobilizes; a statement is words."""
    text = " ".join(evidence_texts)
    if event_type == "mobilization" and not MOBILIZED.search(text):
        hint = " (the evidence is an appeal: type statement)" if APPEAL.search(text) else ""
        return f"type mobilization, but no evidence passage says anyone was mobilized (mobilized, called up, activated){hint}"
    if event_type == "statement" and MATERIAL.search(text):
        return "type statement, but the evidence is about released material (footage, video, documents): type disclosure"
    return None


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


def _named_at(forms: list[str], passage: str) -> list[tuple[int, int]]:
    return [m.span() for f in forms for m in re.finditer(r"(?<!\w)" + re.escape(f) + r"(?!\w)", passage)]


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


def same_event_rule(event: dict, other: dict) -> str | None:
    """Rule 'same_event_as links events the texts agree on': same type, and overlapping dates where both are dated
    (an ongoing event's date is when it began: only its start counts)."""
    if event["event_type"] != other["event_type"]:
        return f"links {other['event_id']!r}, but the types differ ({event['event_type']} vs {other['event_type']}); the texts do not report the same event"
    a, b = _date_span(event), _date_span(other)
    if a and b and (a[1] < b[0] or b[1] < a[0]):
        return (f"links {other['event_id']!r}, but the dates do not overlap ({a[0]}..{a[1]} vs {b[0]}..{b[1]}); "
                "the texts disagree on when it happened: keep two unlinked rows and say why in a note")
    return None


def _date_span(event: dict):
    if event["date_start"] is None:
        return None
    return event["date_start"], event["date_end"] or event["date_start"]


def title_rule(article: str, title: str | None) -> str | None:
    """Rule 'a title is the headline at the start of the article'."""
    if title is not None and not article.startswith(title):
        at = article.find(title)
        if at > 0:
            return f"title must be the headline at the start of the article text; found it at char {at}"
        return f"title {title!r} is not the start of the article text"
    return None


@rule("span-is-article-text", "record", tuple(SPAN_TABLES), "a span's text is the article's text at its offsets")
def span_is_article_text(r, view):
    column = "alias" if "alias" in r else "text"
    return span_text_rule(view.text, r["char_start"], r["char_end"], r[column])


@rule("title-is-headline", "record", "articles", "a title is the headline at the start of the article", "title")
def title_is_headline(r, view):
    return title_rule(view.text, r["title"])


@rule("outlet-and-byline-in-text", "record", "articles", "outlet and byline are copied from the article text")
def outlet_and_byline_in_text(r, view):
    for column in ("outlet", "byline"):
        if r.get(column) is not None and r[column] not in view.text:
            return column, (f"{column} must be copied from the article text (leave it out where the text does not state it); "
                            f"{r[column]!r} is not in {PurePosixPath(r['seed_file']).name}")


@rule("fatalities-in-evidence", "record", "events", "fatality numbers appear in the event's evidence")
def fatalities_in_evidence(r, view):
    found = fatalities_rule(r, view.evidence_texts("events", r["event_id"]))
    return found[0] if found else None


@rule("event-type-is-the-texts-word", "record", "events", "an event's type is the text's word", "event_type", since="1.1.0")
def event_type_is_the_texts_word(r, view):
    return event_type_words_rule(r["event_type"], view.evidence_texts("events", r["event_id"]))


@rule("designation-type-is-the-texts-word", "record", "designations", "a designation's type is the text's word", "designation_type",
      since="1.1.0")
def designation_type_is_the_texts_word(r, view):
    return designation_type_words_rule(r["designation_type"], view.evidence_texts("designations", r["designation_id"]))


@rule("role-in-own-voice", "record", "event_actors", "a role rests on the article's own voice, not an allegation or a facilitation",
      "actor_id", since="1.1.0")
def role_in_own_voice(r, view):
    return role_words_rule(r["role"], view.forms.get(r["actor_id"], []), view.evidence_texts("events", r["event_id"]))


@rule("claim-speech-from-quotes", "record", "claims", "speech is direct exactly when quotes carry the claim", "speech")
def claim_speech_from_quotes(r, view):
    quote_ids = view.quote_ids(r["claim_id"])
    if r["speech"] != claim_speech(quote_ids):
        return f"speech is {r['speech']!r} but {len(quote_ids)} quote(s) carry it (claim_quotes)"


@rule("indirect-claim-shows-reporting-verb", "record", "claims", "a claim without a quote shows the verb of saying", "evidence")
def indirect_claim_shows_reporting_verb(r, view):
    if not view.quote_ids(r["claim_id"]):
        return reporting_verb_rule(view.evidence_texts("claims", r["claim_id"]))


@rule("claim-not-also-an-event", "record", "claims", "a statement is recorded once: a claim is never also an event", "evidence")
def claim_not_also_an_event(r, view):
    spans = {(e["char_start"], e["char_end"]) for e in view.evidence("claims", r["claim_id"])}
    types = {e["event_id"]: e["event_type"] for e in view.rows.get("events", ())}
    return claim_is_not_an_event_rule(spans, r["about_event_id"], view.event_spans(), types)


@rule("quotation-marks-covered", "article", ("quotes", "quote_exclusions", "articles"),
      "every pair of quotation marks is one quote or one exclusion, and a quote fills its marks", "text")
def quotation_marks_covered(view):
    spans = [(t, row) for t in ("quotes", "quote_exclusions") for row in view.rows.get(t, ())]
    kinds = [("quote" if t == "quotes" else "exclusion", row["char_start"], row["char_end"]) for t, row in spans]
    article = view.rows["articles"][0]
    for i, problem, other in quotation_mark_rule(view.text, article["annotation_status"], kinds):
        if i is None:
            yield "articles", article, "annotation_status", problem
            continue
        if other is not None:
            problem = problem.replace("{other}", label(*spans[other]))
        yield spans[i][0], spans[i][1], "text", problem


@rule("claim-quotes-of-own-article", "article", ("claim_quotes", "quotes"), "a claim's quotes are quotes of its article", "quote_id")
def claim_quotes_of_own_article(view):
    own = [q["quote_id"] for q in view.rows.get("quotes", ())]
    for link in view.rows.get("claim_quotes", ()):
        if link["quote_id"] not in own:
            close = difflib.get_close_matches(link["quote_id"], sorted(own), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            yield "claim_quotes", link, "quote_id", f"quotes must list quote ids of this article; found {link['quote_id']!r}{hint}"


@rule("quote-carries-claim-or-says-why", "article", ("quotes", "claim_quotes"), "every quote is carried by a claim or says why not",
      since="1.1.0")
def quote_carries_claim_or_says_why(view):
    quotes = {q["quote_id"]: q for q in view.rows.get("quotes", ())}
    linked = {link["quote_id"] for link in view.rows.get("claim_quotes", ())}
    for qid, problem in claim_link_rule(linked, {q: row["no_claim_reason"] for q, row in quotes.items()}):
        yield "quotes", quotes[qid], "no_claim_reason" if quotes[qid]["no_claim_reason"] else "quote_id", problem


@rule("event-in-own-voice", "article", ("events", "quotes", "claim_quotes"), "an event is not a claim: it has evidence outside claimed quotes",
      since="1.1.0")
def event_in_own_voice(view):
    linked = {link["quote_id"] for link in view.rows.get("claim_quotes", ())}
    claimed = [(q["char_start"], q["char_end"]) for q in view.rows.get("quotes", ()) if q["quote_id"] in linked]
    spans = view.event_spans()
    for event in view.rows.get("events", ()):
        problem = event_in_own_voice_rule(spans[event["event_id"]], claimed)
        if problem:
            yield "events", event, "evidence", problem


@rule("article-not-a-copy", "release", "articles", "no article is a copy of another (the same text, the same sha256)", "sha256")
def article_not_a_copy(rows):
    first: dict = {}
    for a in rows.get("articles", ()):
        if a["sha256"] in first:
            yield "articles", a, "sha256", (f"article {a['article_id']} has the same text as {first[a['sha256']]} (sha256 {a['sha256'][:12]}…): "
                                            "an article is annotated once; remove the copy")
        first.setdefault(a["sha256"], a["article_id"])


@rule("reference-not-a-cycle", "release", ("events", "actors"), "a reference (same_event_as, affiliation) never comes back to where it started")
def reference_not_a_cycle(rows):
    for table, id_col, col, what in (("events", "event_id", "same_event_as", "same_event_as"),
                                     ("actors", "actor_id", "affiliation_actor_id", "affiliation")):
        cycles = reference_chain_rule({r[id_col]: r[col] for r in rows.get(table, ())}, what)
        for row in rows.get(table, ()):
            if row[id_col] in cycles and row[col] != row[id_col]:  # pointing at itself is a row rule
                yield table, row, col, cycles[row[id_col]]


@rule("same-event-across-articles", "release", "events", "same_event_as points at an earlier article's row", "same_event_as")
def same_event_across_articles(rows):
    for e, other in linked_events(rows):
        problem = same_event_as_rule(e, other["article_id"])
        if problem:
            yield "events", e, "same_event_as", problem


@rule("same-event-agrees", "release", "events", "same_event_as links events of the same type and overlapping dates", "same_event_as")
def same_event_agrees(rows):
    for e, other in linked_events(rows):
        problem = same_event_as_rule(e, other["article_id"]) is None and same_event_rule(e, other)
        if problem:
            yield "events", e, "same_event_as", problem


@rule("occurred-not-after-publication", "release", ("events", "articles"), "an occurred event is not dated after its article's publication",
      "date_start")
def occurred_not_after_publication(rows):
    latest = {a["article_id"]: a["published_latest"] for a in rows.get("articles", ())}
    for e in rows.get("events", ()):
        problem = after_publication_rule(e, latest.get(e["article_id"]))
        if problem:
            yield "events", e, "date_start", problem


@rule("window-ends-by-publication", "release", ("events", "claims", "articles"),
      "a date window ends no later than its article's latest publication date", "date_end", since="1.2.0")
def window_ends_by_publication(rows):
    latest = {a["article_id"]: a["published_latest"] for a in rows.get("articles", ())}
    for table in ("events", "claims"):
        for r in rows.get(table, ()):
            bound = latest.get(r["article_id"])
            if r["date_precision"] == "window" and r["date_end"] is not None and bound is not None and r["date_end"] > bound:
                yield table, r, "date_end", (f"a date window ends ({r['date_end']}) after the article's latest publication "
                                             f"date {bound}; what an article reports cannot lie after it appeared")


@rule("anonymous-source-id-has-article-number", "release", ("actors", "articles"), "an anonymous source's id starts with its article's number",
      "actor_id")
def anonymous_source_id_has_article_number(rows):
    numbers = {article_number(a["article_id"]) for a in rows.get("articles", ())}
    for a in rows.get("actors", ()):
        if a["actor_type"] == "anonymous_source" and anonymous_article(a["actor_id"], a["actor_type"]) not in numbers:
            yield "actors", a, "actor_id", "an anonymous_source actor's id starts with its article's number (e.g. '001-unnamed-official')"


@rule("anonymous-quote-speaker", "release", ("quotes", "actors"), "an anonymous quote's speaker is an anonymous source, and only its",
      "speaker_actor_id")
def anonymous_quote_speaker(rows):
    types = {a["actor_id"]: a["actor_type"] for a in rows.get("actors", ())}
    for q in rows.get("quotes", ()):
        problem = anonymous_speaker_rule(q, types.get(q["speaker_actor_id"]))
        if problem:
            yield "quotes", q, "speaker_actor_id", problem


@rule("anonymous-source-of-own-article", "release", ("quotes", "actors"), "an anonymous source speaks only in its own article")
def anonymous_source_of_own_article(rows):
    types = {a["actor_id"]: a["actor_type"] for a in rows.get("actors", ())}
    for q in rows.get("quotes", ()):
        for col in ("speaker_actor_id", "reported_by_actor_id"):
            aid = q[col]
            problem = aid and own_article_rule("anonymous source", aid, anonymous_article(aid, types.get(aid)), article_number(q["article_id"]))
            if problem:
                yield "quotes", q, col, problem


@rule("links-within-article", "release", ("designations", "claims", "claim_quotes", "events", "quotes"),
      "a designation's event, a claim's event, designation and quotes are its own article's")
def links_within_article(rows):
    article_of = {t: {r[records.BY_TABLE[t].id_column]: r["article_id"] for r in rows.get(t, ())}
                  for t in ("events", "designations", "quotes")}
    for d in rows.get("designations", ()):
        problem = d["event_id"] and own_article_rule("event", d["event_id"], article_of["events"].get(d["event_id"]), d["article_id"])
        if problem:
            yield "designations", d, "event_id", problem
    claims = {c["claim_id"]: c for c in rows.get("claims", ())}
    for c in claims.values():
        for col, table, what in (("about_event_id", "events", "event"), ("about_designation_id", "designations", "designation")):
            problem = c[col] and own_article_rule(what, c[col], article_of[table].get(c[col]), c["article_id"])
            if problem:
                yield "claims", c, col, problem
    for link in rows.get("claim_quotes", ()):
        claim = claims.get(link["claim_id"])
        problem = claim and own_article_rule("quote", link["quote_id"], article_of["quotes"].get(link["quote_id"]), claim["article_id"])
        if problem:
            yield "claim_quotes", link, "quote_id", problem


@rule("record-has-evidence", "release", ("evidence", *(r.table for r in records.evidenced())),
      "every record of an evidenced table has evidence, and every evidence row a record")
def record_has_evidence(rows):
    evidence_of: dict = defaultdict(list)  # record table -> its evidence rows, in order: the evidence is read once
    for e in rows.get("evidence", ()):
        evidence_of[e["record_table"]].append(e)
    for rt in records.evidenced():
        cited = {e["record_id"] for e in evidence_of[rt.table]}
        ids = set()
        for row in rows.get(rt.table, ()):
            ids.add(row[rt.id_column])
            if row[rt.id_column] not in cited:
                yield rt.table, row, rt.id_column, "has no evidence row"
        for e in evidence_of[rt.table] if rt.table in rows else ():
            if e["record_id"] not in ids:
                yield "evidence", e, "record_id", f"record {e['record_id']!r} does not exist in {rt.table}"


#: The tables each release rule reads (a release that lacks one of them, older than the table, gives it empty).
RELEASE_TABLES = sorted({t for r in RULES.values() if r.scope == "release" for t in r.tables})


def recomputed_mentions(rows: dict, texts: dict) -> list[dict]:
    types = {a["actor_id"]: a["actor_type"] for a in rows["actors"]}
    aliases = ArticleAliases((a["alias"], a["actor_id"], types.get(a["actor_id"])) for a in rows["actor_aliases"])
    out = []
    for a in rows["articles"]:
        if a["article_id"] in texts:
            finder, owner = aliases.for_article(a["article_id"])
            out += mentions(a["article_id"], texts[a["article_id"]], finder, owner)
    return out


@rule("actor-mentions-recomputed", "derived", ("actor_mentions", "actor_aliases", "articles", "actors"),
      "actor_mentions are every alias found in every article")
def actor_mentions_recomputed(rows, texts):
    return compare(recomputed_mentions(rows, texts), list(rows["actor_mentions"]))


@rule("first-mentions-recomputed", "derived", ("evidence", "actor_mentions"), "an actor's evidence is its first mention in each article")
def first_mentions_recomputed(rows, texts):
    recorded = [r for r in rows["evidence"] if r["basis"] == "first_mention"]
    return compare(list(first_mention_evidence(rows["actor_mentions"])), recorded)


@rule("actor-summary-recomputed", "derived", ("actor_summary", "actors", *SummaryCounter.FED_BY), "actor_summary counts the other tables")
def actor_summary_recomputed(rows, texts):
    summary = SummaryCounter()
    for table in SummaryCounter.FED_BY:
        for row in rows[table]:
            summary.add(table, row)
    return compare(list(summary.rows([a["actor_id"] for a in rows["actors"]])), list(rows["actor_summary"]))


@rule("events-wide-recomputed", "derived", ("events_wide", *views.SOURCES["events_wide"]),
      "events_wide is the events joined with their actors, crosswalk codes and articles", since="1.2.0")
def events_wide_recomputed(rows, texts):
    return compare(views.events_wide(rows), list(rows["events_wide"]))


@rule("claims-wide-recomputed", "derived", ("claims_wide", *views.SOURCES["claims_wide"]),
      "claims_wide is the claims joined with their actors, crosswalk codes, quotes and evidence", since="1.2.0")
def claims_wide_recomputed(rows, texts):
    return compare(views.claims_wide(rows), list(rows["claims_wide"]))


@rule("dyads-recomputed", "derived", ("dyads", *views.SOURCES["dyads"]), "dyads are the source -> target pairs of the events and claims",
      since="1.2.0")
def dyads_recomputed(rows, texts):
    return compare(views.dyads(rows), list(rows["dyads"]))
