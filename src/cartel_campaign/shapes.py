"""Declared shapes: which annotation key fills which column of which table, said once.

In the spirit of unitedstates/congress-legislators' explicit field lists: every key an annotator
may write in seeds/*.yaml is listed here with the column it fills. A key's type, enum, pattern,
bounds and whether it is required come from that column in schemas/<table>.schema.json, so a
column is described in exactly two places that cannot disagree: its schema (what it holds) and
this table (where it comes from). The annotation checks, the derivation of rows and the writer
all read these shapes; a key not listed is an error, and a row must fill exactly its schema's
columns (tested: every column of every table is either filled by a key or computed).

Kinds of keys:
  Key(column)          the value fills that column of the record's row
  Key(column, default) ... and the column takes `default` when the key is absent
  Nested(shape)        a mapping whose keys fill columns of the same row (events' `date`;
                       left out, its columns take `absent` values or the keys' defaults)
  Rows(table)          a list (or mapping) whose items become rows of another table
  Aid(type)            helps the build (`occurrence`: which occurrence of a text); fills nothing
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Key:
    column: str
    default: object = None
    verbatim: bool = False  # text copied from the article: the article match decides, not the text rules


@dataclass(frozen=True)
class Aid:
    type: str  # "occurrence" (a whole number >= 1) or "article" (a seed file name)


@dataclass(frozen=True)
class Rows:
    table: str
    required: bool = False  # at least one item


@dataclass(frozen=True)
class Nested:
    shape: "Shape"
    required: bool = False
    absent: dict = field(default_factory=dict)  # column values when the mapping is left out (else the keys' defaults)


@dataclass(frozen=True)
class Shape:
    name: str  # what the annotator calls it, for messages
    table: str | None  # the table whose columns its keys fill (None: the keys declare their own types)
    keys: dict = field(default_factory=dict)
    computed: tuple = ()  # columns the build computes, not an annotator


SPAN = Shape("evidence", "evidence", {"text": Key("text", verbatim=True), "occurrence": Aid("occurrence")},
             computed=("record_table", "record_id", "article_id", "char_start", "char_end", "basis"))

ACTOR = Shape("actor", "actors", {
    "id": Key("actor_id"), "name": Key("name"), "type": Key("actor_type"), "country": Key("country"),
    "description": Key("description"), "affiliation": Key("affiliation_actor_id"), "wikidata": Key("wikidata_qid"),
    "aliases": Rows("actor_aliases", required=True),
})

PUBLISHED = Shape("published", "articles", {
    "earliest": Key("published_earliest"), "latest": Key("published_latest"), "basis": Key("published_basis"),
})

QUOTE = Shape("quote", "quotes", {
    "id": Key("quote_id"), "speaker": Key("speaker_actor_id"), "text": Key("text", verbatim=True), "occurrence": Aid("occurrence"),
    "attribution": Key("attribution"), "reported_by": Key("reported_by_actor_id"), "note": Key("note"),
    "no_claim": Key("no_claim_reason"), "evidence": Rows("evidence"),
}, computed=("article_id", "char_start", "char_end", "n_words"))


def date_shape(table: str) -> Shape:
    """The `date:` mapping of an event or a claim (the same keys fill the same-named columns)."""
    return Shape("date", table, {
        "start": Key("date_start"), "end": Key("date_end"), "precision": Key("date_precision"),
        "inferred": Key("date_inferred", default=False), "basis": Key("date_basis"),
    })


DATE = date_shape("events")
CLAIM_DATE = date_shape("claims")

EVENT = Shape("event", "events", {
    "id": Key("event_id"), "type": Key("event_type"), "summary": Key("summary"), "status": Key("status"),
    "date": Nested(DATE, absent={"date_precision": "unknown"}), "location": Key("location"), "country": Key("country"), "fatalities": Key("fatalities"),
    "fatalities_cumulative": Key("fatalities_cumulative"), "fatalities_qualifier": Key("fatalities_qualifier"),
    "attribution": Key("attribution"), "source": Key("source_actor_id"), "same_event_as": Key("same_event_as"),
    "note": Key("note"), "actors": Rows("event_actors", required=True), "evidence": Rows("evidence", required=True),
}, computed=("article_id", "time_precision", "geo_precision"))

DESIGNATION = Shape("designation", "designations", {
    "id": Key("designation_id"), "target": Key("target_actor_id"), "authority": Key("authority_actor_id"),
    "type": Key("designation_type"), "legal_basis": Key("legal_basis"), "status": Key("status"),
    "announced_date": Key("announced_date"), "effective_date": Key("effective_date"),
    "date_inferred": Key("date_inferred", default=False), "date_basis": Key("date_basis"), "event": Key("event_id"),
    "note": Key("note"), "evidence": Rows("evidence", required=True),
}, computed=("article_id",))

CLAIM = Shape("claim", "claims", {
    "id": Key("claim_id"), "claimant": Key("claimant_actor_id"), "claimant_basis": Key("claimant_basis", default="named"), "target": Key("target_actor_id"),
    "about_event": Key("about_event_id"), "about_designation": Key("about_designation_id"),
    "type": Key("claim_type"), "mode": Key("claim_mode"), "summary": Key("summary"),
    "polarity": Key("polarity"), "modality": Key("modality"), "quotes": Rows("claim_quotes"),
    "date": Nested(CLAIM_DATE, absent={"date_precision": "unknown"}), "note": Key("note"),
    "evidence": Rows("evidence", required=True),
}, computed=("article_id", "speech"))

EXCLUSION = Shape("exclusion", "quote_exclusions", {"text": Key("text", verbatim=True), "occurrence": Aid("occurrence"), "reason": Key("reason")},
                  computed=("article_id", "char_start", "char_end"))

ANNOTATION = Shape("annotation", "articles", {
    "article": Aid("article"), "sha256": Key("sha256"), "status": Key("annotation_status"), "title": Key("title", verbatim=True),
    "outlet": Key("outlet", verbatim=True), "byline": Key("byline", verbatim=True),
    "published": Nested(PUBLISHED, required=True),
    "quotes": Rows("quotes"), "events": Rows("events"), "designations": Rows("designations"), "claims": Rows("claims"),
    "exclusions": Rows("quote_exclusions"),
}, computed=("article_id", "seed_file", "n_chars"))

RELEASE = Shape("release", "releases", {
    "version": Key("version"), "date": Key("date"), "status": Key("status"), "notes": Key("notes"), "breaking": Key("breaking"),
    "manifest_sha256": Key("manifest_sha256"),
})

CORRECTION = Shape("correction", "corrections", {
    "version": Key("version"), "table": Key("table"), "record_id": Key("record_id"), "what": Key("what"), "why": Key("why"),
})

#: What a value matching each schema pattern looks like, for messages.
PATTERN_HELP = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "a slug of lower-case letters, digits and single hyphens (e.g. 'marco-rubio')",
    "^[A-Z]{2}$": "an ISO 3166-1 alpha-2 code in capitals, quoted (e.g. 'US')",
    "^Q[1-9][0-9]*$": "a Wikidata id such as 'Q42'",
    "^[0-9a-f]{64}$": "a sha256 digest: 64 lower-case hexadecimal digits",
    "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$": "a quoted version 'MAJOR.MINOR.PATCH' (e.g. '1.0.0')",
}
