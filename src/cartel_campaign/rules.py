"""Every rule of the dataset, said once, with a name; and the derived tables, computed once.

The build runs these rules on each row it derives (and reports a failure at the annotation
FILE:LINE that produced the value); `cartel_campaign.validate` runs the same rules on the rows of
a published release (and reports table, row and id). Three kinds:

* row rules    `ROW_RULES[table]`: within one row (dates in order, a basis for inferred dates …);
* text rules   functions taking the article text: spans equal their article slice, fatality
               numbers in the event's evidence, quotes fill their quotation marks, titles;
* derived      `mentions`, `first_mention_evidence`, `actor_summary`: computed from the other
               tables by the build, and recomputed by `validate` to compare.

Only the standard library is imported here (the loader never imports this module).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

from . import crosswalk, speech

# ------------------------------------------------------------------ registry ----


@dataclass(frozen=True)
class Rule:
    name: str  # what it checks, as shown in messages
    table: str
    column: str  # the column a failure points at (its annotation key gives the line)
    check: Callable[[dict], str | tuple | None]  # the row -> None, what is wrong, or (column to point at, what is wrong)
    since: tuple = (0, 0, 0)  # the first release held to it (a published release is checked by the rules of its time)


ROW_RULES: dict[str, list[Rule]] = defaultdict(list)


def row_rule(table: str | tuple, name: str, column: str, since: str = "0.0.0"):
    """Register a row rule for one table (or several); `since`: the first release it applies to."""

    def register(fn):
        for t in (table if isinstance(table, tuple) else (table,)):
            ROW_RULES[t].append(Rule(name, t, column, fn, version_key(since)))
        return fn

    return register


def version_key(version: str) -> tuple:
    return tuple(int(p) for p in version.split("."))


def check_row(table: str, row: dict, version: str | None = None) -> list[tuple[Rule, str, str]]:
    """(rule, column at fault, message) for every row rule the row breaks (of those that apply to
    release `version`; all of them when None, as in the build)."""
    out = []
    for rule in ROW_RULES.get(table, ()):
        if version is not None and rule.since > version_key(version):
            continue
        found = rule.check(row)
        if found:
            column, message = found if isinstance(found, tuple) else (rule.column, found)
            out.append((rule, column, message))
    return out


# ------------------------------------------------------------------ row rules ----


@row_rule("articles", "published_earliest <= published_latest", "published_latest")
def _(r):
    if r["published_earliest"] > r["published_latest"]:
        return f"published: earliest {r['published_earliest']} is after latest {r['published_latest']}"


@row_rule(("events", "claims"), "dates given unless date_precision is unknown", "date_precision")
def _(r):
    start, end, precision = r["date_start"], r["date_end"], r["date_precision"]
    if precision == "unknown" and (start or end):
        return "date precision is unknown but a date is given; drop start/end or set the precision"
    if precision != "unknown" and start is None:
        return f"date precision {precision!r} needs a start date"
    if precision != "unknown" and end is None and r.get("status") != "ongoing":
        return f"date precision {precision!r} needs start and end (day: start alone)"


@row_rule("events", "an ongoing event has no end date", "date_end", since="1.1.0")
def _(r):
    if r["status"] == "ongoing" and r["date_end"] is not None:
        return (f"an ongoing event has no end date (found {r['date_end']}): its date says when it began "
                "(start, with the precision of that start)")


@row_rule(("events", "claims"), "date_start <= date_end", "date_end")
def _(r):
    if r["date_start"] and r["date_end"] and r["date_start"] > r["date_end"]:
        return f"date start {r['date_start']} is after end {r['date_end']}"


@row_rule(("events", "designations", "claims"), "date_basis given when date_inferred", "date_inferred")
def _(r):
    if r["date_inferred"] and not r["date_basis"]:
        return "inferred dates need a basis saying what was inferred and why"


@row_rule("events", "fatalities_qualifier given iff a fatality number is", "fatalities_qualifier")
def _(r):
    numbers = [n for n in ("fatalities", "fatalities_cumulative") if r[n] is not None]
    if r["fatalities_qualifier"] is not None and not numbers:
        return (f"fatalities_qualifier {r['fatalities_qualifier']!r} goes with a fatality number "
                "(fatalities or fatalities_cumulative); found none")
    if numbers and r["fatalities_qualifier"] is None:
        return numbers[0], f"{numbers[0]} {r[numbers[0]]} needs fatalities_qualifier (exact or approximate); found none"


@row_rule("events", "fatalities_cumulative only on strike_series rows", "fatalities_cumulative")
def _(r):
    if r["fatalities_cumulative"] is not None and r["event_type"] != "strike_series":
        return "fatalities_cumulative is only for strike_series events"


@row_rule("events", "no event is claimed (a claim is a claims row)", "attribution", since="1.1.0")
def _(r):
    if r["attribution"] == "claimed":
        return "attribution claimed: what an actor claims and the article does not confirm is that actor's claim; record it under claims, not as an event"


@row_rule("events", "source_actor_id given for claimed rows", "attribution")
def _(r):
    if r["attribution"] == "claimed" and not r["source_actor_id"]:
        return "a claimed event needs 'source' (who claims it)"


@row_rule("events", "same_event_as is not the row itself", "same_event_as")
def _(r):
    if r["same_event_as"] is not None and r["same_event_as"] == r["event_id"]:
        return "same_event_as points at the event itself"


@row_rule("designations", "announced_date <= effective_date", "effective_date")
def _(r):
    if r["announced_date"] and r["effective_date"] and r["announced_date"] > r["effective_date"]:
        return f"announced_date {r['announced_date']} is after effective_date {r['effective_date']}"


@row_rule("quotes", "reported_by not on a direct quote", "reported_by_actor_id")
def _(r):
    if r["attribution"] == "direct" and r["reported_by_actor_id"] is not None:
        return (f"a direct quote has no reported_by (found {r['reported_by_actor_id']!r}); "
                "use attribution reported_by_third_party or anonymous, or drop reported_by")


@row_rule("quotes", "reported_by given on a reported_by_third_party quote", "attribution")
def _(r):
    if r["attribution"] == "reported_by_third_party" and r["reported_by_actor_id"] is None:
        return "a reported_by_third_party quote needs reported_by (who passed the words on); found none"


@row_rule("actors", "affiliation is not the actor itself", "affiliation_actor_id")
def _(r):
    if r["affiliation_actor_id"] is not None and r["affiliation_actor_id"] == r["actor_id"]:
        return "affiliation points at the actor itself"


def _plausible(columns):
    def check(r):
        for col in columns:
            problem = plausible_date_rule(r[col], col)
            if problem:
                return col, problem
    return check


for _table, _columns in (("articles", ("published_earliest", "published_latest")), ("events", ("date_start", "date_end")),
                         ("designations", ("announced_date", "effective_date"))):
    row_rule(_table, "dates in the plausible window", _columns[0])(_plausible(_columns))


#: PLOVER 2.0 modes of the claim types that have modes (PLOVER_MANUAL.tex, the modes table of each
#: type; tests/test_claims.py checks these agree with the vocabularies in schemas/crosswalk.json).
CLAIM_MODES = {
    "accuse": ("disapprove", "investigate", "allege"),
    "threaten": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "request": ("assist", "change", "yield", "meet"),
    "reject": ("assist", "change", "yield", "meet"),
    "consult": ("visit", "third-party", "multilateral", "phone"),
}


@row_rule("claims", "claim_mode is a mode of claim_type", "claim_mode")
def _(r):
    mode, allowed = r["claim_mode"], CLAIM_MODES.get(r["claim_type"], ())
    if mode is not None and mode not in allowed:
        modes = f"one of {', '.join(allowed)}" if allowed else "left out (the type has no modes)"
        return f"mode {mode!r} is not a mode of claim type {r['claim_type']!r}: expected {modes}"


def claim_speech(quote_ids: list[str]) -> str:
    """A claim's speech: direct when quotes carry it, indirect otherwise (the build computes it, validate recomputes)."""
    return "direct" if quote_ids else "indirect"


@row_rule("events", "time_precision is derived from the date", "time_precision", since="1.1.0")
def _(r):
    expected = crosswalk.time_precision(r["date_precision"], r["date_start"], r["date_end"])
    if r.get("time_precision") != expected:
        return f"time_precision is {r.get('time_precision')!r}, but the date ({r['date_precision']}) gives {expected!r}"


@row_rule("events", "geo_precision is derived from location and country", "geo_precision", since="1.1.0")
def _(r):
    expected = crosswalk.geo_precision(r["location"], r["country"])
    if r.get("geo_precision") != expected:
        return f"geo_precision is {r.get('geo_precision')!r}, but location {r['location']!r} gives {expected!r}"


SPAN_TABLES = {"quotes": "text", "evidence": "text", "quote_exclusions": "text", "actor_mentions": "alias"}


@row_rule(tuple(SPAN_TABLES), "char_start < char_end", "char_end")
def _(r):
    if not r["char_start"] < r["char_end"]:
        return f"char_start {r['char_start']} is not before char_end {r['char_end']}"


@row_rule(("quotes", "evidence", "quote_exclusions"), "char_end - char_start == len(text)", "text")
def _(r):
    if r["char_end"] - r["char_start"] != len(r["text"]):
        return f"char_end - char_start is {r['char_end'] - r['char_start']} but the text has {len(r['text'])} characters"


@row_rule("actor_mentions", "char_end - char_start == len(alias)", "alias")
def _(r):
    if r["char_end"] - r["char_start"] != len(r["alias"]):
        return f"char_end - char_start is {r['char_end'] - r['char_start']} but the alias has {len(r['alias'])} characters"


# ------------------------------------------------------------------ text rules ----

# Quotation-mark spans: an opening mark (curly, straight, or a closing curly mark used
# as an opener), text without quotation marks or line breaks, a closing mark.
QUOTE_MARKS = speech.DOUBLE_MARKS
# What a quote row may leave out of its quotation marks: a leading '>' (a quoted tweet's
# marker) and spaces; a trailing comma that belongs to the reporting sentence.
_LEAD_OK = re.compile(r"[>\s]*")
_TRAIL_OK = re.compile(r"[,\s]*")


def quote_mark_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks, double or single (speech.quote_mark_matches)."""
    return [m.span(1) for m in speech.quote_mark_matches(text)]


def positions(article: str, text: str) -> list[int]:
    """Every start offset of text in article (overlapping occurrences included): what `occurrence: N` counts."""
    found, i = [], article.find(text)
    while i != -1:
        found.append(i)
        i = article.find(text, i + 1)
    return found


def span_text_rule(article: str, start: int, end: int, text: str) -> str | None:
    """Rule 'span text is the article's text at its offsets'."""
    found = article[start:end]
    if found != text:
        return f"article[{start}:{end}] is {found!r}, expected {text!r}"
    return None


def fits_marks(text: str, start: int, end: int, marks: list[tuple[int, int]]):
    """The quotation-mark span that (start, end) fills, allowing only the permitted leftovers."""
    for ms, me in marks:
        if ms <= start and end <= me and _LEAD_OK.fullmatch(text[ms:start]) and _TRAIL_OK.fullmatch(text[end:me]):
            return ms, me
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


_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()


def number_word(n: int) -> str:
    return _WORDS[n] if n < len(_WORDS) else str(n)


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


def same_event_as_rule(event: dict, other_article_id: str | None) -> str | None:
    """Rule 'same_event_as points at another article's row' (one event per report per article)."""
    if event["same_event_as"] is not None and other_article_id == event["article_id"]:
        return (f"same_event_as {event['same_event_as']!r} is in the same article; one article reports an event once "
                "(merge the rows instead)")
    if event["same_event_as"] is not None and other_article_id is not None and other_article_id > event["article_id"]:
        return (f"same_event_as is set on the later article's row; {event['same_event_as']!r} is in the later article "
                f"{other_article_id}: set it there, pointing at {event['event_id']!r}")
    return None


def own_article_rule(what: str, ref_id: str, ref_article: str | None, article_id: str) -> str | None:
    """Rule 'a record refers only to its own article's records' (a designation's event, an anonymous speaker)."""
    if ref_article is not None and ref_article != article_id:
        return f"{what} {ref_id!r} belongs to article {ref_article}, not to this article {article_id}"
    return None


def article_number(article_id: str) -> str:
    """An article's number: its id up to the underscore ('004' of '004_a369d1b0aa72c426'); record ids start with it."""
    return article_id.split("_", 1)[0]


#: An id that starts with an article number ('004-unnamed-official').
NUMBERED_ID = re.compile(r"([0-9]+)-")


def anonymous_article(actor_id: str, actor_type: str | None) -> str | None:
    """The article number an anonymous_source actor belongs to (its id starts with it)."""
    m = NUMBERED_ID.match(actor_id) if actor_type == "anonymous_source" else None
    return m.group(1) if m else None


def cross_row_problems(rows: dict[str, list[dict]]):
    """The rules that compare rows with other rows: (table, row, column, message) per failure.

    `rows`: table -> list of row dicts (articles, actors, events, quotes)."""
    events = {e["event_id"]: e for e in rows.get("events", [])}
    for cycles, table, id_col, col in (
            (reference_chain_rule({e["event_id"]: e["same_event_as"] for e in events.values()}, "same_event_as"), "events", "event_id", "same_event_as"),
            (reference_chain_rule({a["actor_id"]: a["affiliation_actor_id"] for a in rows.get("actors", [])}, "affiliation"), "actors", "actor_id", "affiliation_actor_id")):
        for row in rows.get(table, []):
            if row[id_col] in cycles and row[col] != row[id_col]:  # pointing at itself is a row rule
                yield table, row, col, cycles[row[id_col]]
    for e in events.values():
        other = events.get(e["same_event_as"]) if e["same_event_as"] is not None else None
        problem = (same_event_as_rule(e, other["article_id"]) or same_event_rule(e, other)) if other and other is not e else None
        if problem:
            yield "events", e, "same_event_as", problem
    latest = {a["article_id"]: a["published_latest"] for a in rows.get("articles", [])}
    for e in events.values():
        problem = after_publication_rule(e, latest.get(e["article_id"]))
        if problem:
            yield "events", e, "date_start", problem
    types = {a["actor_id"]: a["actor_type"] for a in rows.get("actors", [])}
    numbers = {article_number(a["article_id"]) for a in rows.get("articles", [])}
    for a in rows.get("actors", []):
        if a["actor_type"] == "anonymous_source" and anonymous_article(a["actor_id"], a["actor_type"]) not in numbers:
            yield "actors", a, "actor_id", "an anonymous_source actor's id starts with its article's number (e.g. '001-unnamed-official')"
    for q in rows.get("quotes", []):
        problem = anonymous_speaker_rule(q, types.get(q["speaker_actor_id"]))
        if problem:
            yield "quotes", q, "speaker_actor_id", problem
        for col in ("speaker_actor_id", "reported_by_actor_id"):
            aid = q[col]
            problem = aid and own_article_rule("anonymous source", aid, anonymous_article(aid, types.get(aid)), article_number(q["article_id"]))
            if problem:
                yield "quotes", q, col, problem
    for d in rows.get("designations", []):
        other = events.get(d["event_id"]) if d["event_id"] else None
        problem = other and own_article_rule("event", d["event_id"], other["article_id"], d["article_id"])
        if problem:
            yield "designations", d, "event_id", problem
    article_of = {"events": {e: r["article_id"] for e, r in events.items()},
                  "designations": {d["designation_id"]: d["article_id"] for d in rows.get("designations", [])},
                  "quotes": {q["quote_id"]: q["article_id"] for q in rows.get("quotes", [])}}
    claims = {c["claim_id"]: c for c in rows.get("claims", [])}
    for c in claims.values():
        for col, table, what in (("about_event_id", "events", "event"), ("about_designation_id", "designations", "designation")):
            problem = c[col] and own_article_rule(what, c[col], article_of[table].get(c[col]), c["article_id"])
            if problem:
                yield "claims", c, col, problem
    for link in rows.get("claim_quotes", []):
        claim = claims.get(link["claim_id"])
        problem = claim and own_article_rule("quote", link["quote_id"], article_of["quotes"].get(link["quote_id"]), claim["article_id"])
        if problem:
            yield "claim_quotes", link, "quote_id", problem


CROSS_TABLES = ("articles", "actors", "events", "quotes", "designations")
#: Tables cross_row_problems also reads where a release has them (from 1.1.0 on).
CROSS_TABLES_OPTIONAL = ("claims", "claim_quotes")


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
WORD_RULES_SINCE = "1.1.0"
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
        return f"title must be the headline at the start of the article text; found it at char {at}" if at > 0 else f"title {title!r} is not the start of the article text"
    return None


def id_prefix_rule(record_id: str, article_id: str) -> str | None:
    """Rule 'record ids start with their article's number'."""
    prefix = article_number(article_id) + "-"
    if not record_id.startswith(prefix):
        return f"id must start with the article number {prefix!r}, found {record_id!r}"
    return None


# ------------------------------------------------------------------ derived tables ----


class AliasFinder:
    """Whole-word, case-sensitive, leftmost-longest matches of any alias in a text.

    The same matches as the regex (?<!\\w)(?:a1|a2|…)(?!\\w) with the aliases longest first, found
    without compiling that regex: an alias that starts with a word character can only start
    where a whole word of the text starts, and that word must equal the alias's first word; so
    each word of the text is looked up once and only the aliases with that first word (longest
    first) are tried. Linear in the text, and building it is linear in the aliases.
    """

    WORD = re.compile(r"\w+")
    WORD_CHAR = re.compile(r"\w")

    def __init__(self, aliases):
        self.by_first: dict[str, list[str]] = defaultdict(list)
        other = []
        for alias in aliases:
            m = self.WORD.match(alias)
            (self.by_first[m.group()] if m else other).append(alias)
        for candidates in self.by_first.values():
            candidates.sort(key=lambda a: (-len(a), a))
        # aliases starting with a non-word character (none in the articles): the plain regex, for all
        self.regex = (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in sorted(aliases, key=lambda a: (-len(a), a))) + r")(?!\w)")
                      if other else None)

    def finditer(self, text: str):
        """(start, end, alias) of every match, left to right, not overlapping."""
        if self.regex is not None:
            for m in self.regex.finditer(text):
                yield m.start(), m.end(), m.group()
            return
        end_of_last = 0
        for word in self.WORD.finditer(text):
            start = word.start()
            if start < end_of_last:
                continue
            for alias in self.by_first.get(word.group(), ()):
                end = start + len(alias)
                if text.startswith(alias, start) and not self.WORD_CHAR.match(text, end):
                    yield start, end, alias
                    end_of_last = end
                    break


def mentions(article_id: str, text: str, finder: AliasFinder, owner: dict[str, str]):
    """actor_mentions rows of one article: every alias found (owner: alias -> actor id)."""
    for start, end, alias in finder.finditer(text):
        yield {"article_id": article_id, "char_start": start, "char_end": end, "actor_id": owner[alias], "alias": alias}


def first_mention_evidence(mention_rows):
    """evidence rows (basis first_mention): each actor's first mention in each article, in order of first appearance."""
    first: dict = {}
    for m in mention_rows:
        first.setdefault((m["actor_id"], m["article_id"]), m)
    for (aid, article_id), m in first.items():
        yield {"record_table": "actors", "record_id": aid, "article_id": article_id, "char_start": m["char_start"],
               "char_end": m["char_end"], "text": m["alias"], "basis": "first_mention"}


class SummaryCounter:
    """actor_summary, counted in one pass over each table (fed row by row, then `rows(actor_ids)`)."""

    def __init__(self):
        self.n_mentions, self.articles = Counter(), defaultdict(set)
        self.n_quotes, self.events, self.n_targets = Counter(), defaultdict(set), Counter()
        self.aliases: set = set()  # aliases found at least once

    def add(self, table: str, row: dict) -> None:
        if table == "actor_mentions":
            self.n_mentions[row["actor_id"]] += 1
            self.articles[row["actor_id"]].add(row["article_id"])
            self.aliases.add(row["alias"])
        elif table == "quotes":
            self.n_quotes[row["speaker_actor_id"]] += 1
        elif table == "event_actors":
            self.events[row["actor_id"]].add(row["event_id"])
        elif table == "designations":
            self.n_targets[row["target_actor_id"]] += 1

    FED_BY = ("actor_mentions", "quotes", "event_actors", "designations")

    def rows(self, actor_ids):
        for aid in actor_ids:
            arts = self.articles.get(aid, ())
            yield {"actor_id": aid, "n_mentions": self.n_mentions[aid], "n_articles": len(arts), "n_quotes": self.n_quotes[aid],
                   "n_events": len(self.events.get(aid, ())), "n_designations_as_target": self.n_targets[aid],
                   "first_article_id": min(arts, default=None)}
