"""The record tables, declared once: every part of the project that needs to know which tables hold
records (annotated lists, evidence, id prefixes, corrections, statuses, where a row came from) reads
RECORD_TABLES; nothing else lists them (tests/test_records.py checks this list against schemas/ both ways).

A record table is one whose rows are records a reader can cite: the actor registry's actors and the
lists of each article's annotation (quotes, exclusions, events, designations, claims).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import shapes


@dataclass(frozen=True)
class RecordTable:
    table: str  # the published table
    list_key: str | None  # its list in seeds/NNN_<hash>.yaml (None: the actor registry, seeds/actors.yaml)
    id_column: str | None  # its primary key column (None: rows have no id of their own)
    shape: shapes.Shape  # the keys of one item
    evidenced: bool  # every record has evidence rows (evidence.record_table names the table)
    id_prefixed: bool  # ids start with the article number ('004-…')
    corrected: bool  # a change to a published record needs an entry in seeds/corrections.yaml
    children: tuple = ()  # tables whose rows belong to a record (their key starts with its id): a change there corrects it
    since: str = "0.1.0"  # the first release that has the table

    @property
    def annotated(self) -> bool:
        """Written in an article's annotation (not in the actor registry)."""
        return self.list_key is not None


RECORD_TABLES: tuple[RecordTable, ...] = (
    RecordTable("actors", None, "actor_id", shapes.ACTOR, evidenced=True, id_prefixed=False, corrected=True),
    RecordTable("quotes", "quotes", "quote_id", shapes.QUOTE, evidenced=True, id_prefixed=True, corrected=True),
    RecordTable("quote_exclusions", "exclusions", None, shapes.EXCLUSION, evidenced=False, id_prefixed=False, corrected=False),
    RecordTable("events", "events", "event_id", shapes.EVENT, evidenced=True, id_prefixed=True, corrected=True,
                children=("event_actors",)),
    RecordTable("designations", "designations", "designation_id", shapes.DESIGNATION, evidenced=True, id_prefixed=True,
                corrected=True),
    RecordTable("claims", "claims", "claim_id", shapes.CLAIM, evidenced=True, id_prefixed=True, corrected=True,
                children=("claim_quotes",), since="1.1.0"),
)

BY_TABLE: dict[str, RecordTable] = {r.table: r for r in RECORD_TABLES}

#: Annotation statuses whose files hold records (a metadata_only annotation holds its articles row only;
#: a draft's records are checked but not published).
STATUSES_WITH_RECORDS = ("complete", "draft")


def annotated() -> list[RecordTable]:
    """The record tables of an article's annotation, in the order the build derives them."""
    return [r for r in RECORD_TABLES if r.annotated]


def evidenced() -> list[RecordTable]:
    return [r for r in RECORD_TABLES if r.evidenced]


def id_prefixed() -> list[RecordTable]:
    return [r for r in RECORD_TABLES if r.id_prefixed]


def corrected() -> list[RecordTable]:
    return [r for r in RECORD_TABLES if r.corrected]


def by_list_key(key: str) -> RecordTable:
    return next(r for r in RECORD_TABLES if r.list_key == key)


#: The shape of the items of each Rows key, by table (record tables and evidence).
ITEM = {**{r.table: r.shape for r in annotated()}, "evidence": shapes.SPAN}

#: The shapes whose keys fill each annotated table's columns (the rest are computed by the build).
ANNOTATED = {"actors": [shapes.ACTOR], "articles": [shapes.ANNOTATION, shapes.PUBLISHED],
             **{r.table: [r.shape, *(k.shape for k in r.shape.keys.values() if isinstance(k, shapes.Nested))] for r in annotated()}}
