"""Step 2: checked annotations -> rows of the release tables, one article at a time.

Each function turns one kind of record into rows: it resolves texts to offsets (spans.resolve),
fills the computed columns, runs the named rules of cartel_campaign.rules on the row and sends
it to the sink. A failed rule is reported at the annotation line of the key that filled the
failing column. References between tables are checked once every row exists (check_references).
"""
from __future__ import annotations

import difflib

from .. import checks, crosswalk, rules, shapes
from . import yamlio
from .annotations import Annotation, Checker, check_items, evidence_items
from .errors import BuildError
from .provenance import RECORDS, Provenance, key_path
from .spans import resolve
from .yamlio import Doc


class Ids:
    """Ids seen so far, per table, with where they were defined (duplicates are refused). Only the
    file and the key path are kept, not the parsed file: the line is found by reading it again."""

    def __init__(self):
        self.where: dict = {}

    def add(self, table: str, rid: str, doc: Doc, path: tuple) -> None:
        if (table, rid) in self.where:
            source, file, other_path, kept = self.where[(table, rid)]
            other = kept or (doc if source == doc.source else yamlio.load(source, file))
            raise doc.error(path, f"duplicate {table} id {rid!r} (already defined at {file}:{other.line(*other_path)})")
        self.where[(table, rid)] = (doc.source, doc.file, path, None if doc.source else doc)  # a Doc not read from a file is kept


def actor_rows(doc: Doc, actors: list[dict], sink) -> rules.ArticleAliases:
    """actors and actor_aliases rows; returns which alias names which actor in each article (an alias names
    one actor; anonymous sources of different articles may be described alike: rules.ArticleAliases)."""
    owner: dict[str, list] = {}  # alias -> (the article it names its actor in, None: all; actor id; path) of each actor it names
    owners = []
    for i, row in enumerate(actors):
        for finding in rules.row_findings("actors", row):
            raise doc.error((i,) + key_path(shapes.ACTOR, finding.column), rules.message(finding))
        sink.add("actors", row)
        scope = rules.anonymous_article(row["actor_id"], row["actor_type"])
        for j, alias in enumerate(doc.data[i]["aliases"]):
            clash = next((entry for entry in owner.get(alias, ()) if None in (entry[0], scope) or entry[0] == scope), None)
            if clash:
                _, first_actor, first_path = clash
                raise doc.error((i, "aliases", j), f"alias {alias!r} of {row['actor_id']!r} already belongs to {first_actor!r} "
                                f"(line {doc.line(*first_path)}); an alias must name one actor (anonymous sources of different "
                                "articles excepted)")
            owner.setdefault(alias, []).append((scope, row["actor_id"], (i, "aliases", j)))
            owners.append((alias, row["actor_id"], row["actor_type"]))
            sink.add("actor_aliases", {"actor_id": row["actor_id"], "alias": alias})
    return rules.ArticleAliases(owners)


def evidence_rows(checker: Checker, ann: Annotation, path: tuple, table: str, record_id: str) -> list[dict]:
    rows = []
    for i, (text, occurrence, text_path) in enumerate(evidence_items(checker, ann.doc, path + ("evidence",), f"{path[0]}[{path[1]}]")):
        start, end = resolve(ann.text, text, occurrence, ann.doc, text_path, f"{record_id}: evidence #{i + 1}")
        rows.append({"record_table": table, "record_id": record_id, "article_id": ann.article_id,
                     "char_start": start, "char_end": end, "text": ann.text[start:end], "basis": "annotated"})
    return rows


def article_row(ann: Annotation, sink) -> None:
    row = dict(ann.row, article_id=ann.article_id, seed_file=f"seeds/{ann.article_file}", n_chars=len(ann.text))
    if row["title"] is not None:
        resolve(ann.text, row["title"], None, ann.doc, ("title",), "title")  # in the article, once
    sink.add("articles", row)


def _record_id(ann: Annotation, path: tuple, rid: str, ids: Ids, table: str) -> None:
    ids.add(table, rid, ann.doc, path + ("id",))


def quote_rows(checker: Checker, ann: Annotation, ids: Ids, sink, summary) -> None:
    """quotes (+ their evidence)."""
    for i, row, node in check_items(checker, ann, "quotes", shapes.QUOTE):
        path, qid = ("quotes", i), row["quote_id"]
        _record_id(ann, path, qid, ids, "quotes")
        start, end = resolve(ann.text, row["text"], node.get("occurrence"), ann.doc, path + ("text",), qid)
        row.update(article_id=ann.article_id, char_start=start, char_end=end, n_words=len(row["text"].split()))
        sink.add("quotes", row)
        summary.add("quotes", row)
        sink.add("evidence", {"record_table": "quotes", "record_id": qid, "article_id": ann.article_id,
                              "char_start": start, "char_end": end, "text": row["text"], "basis": "quote_span"})
        for ev in evidence_rows(checker, ann, path, "quotes", qid):
            sink.add("evidence", ev)


def exclusion_rows(checker: Checker, ann: Annotation, sink) -> None:
    for i, row, node in check_items(checker, ann, "exclusions", shapes.EXCLUSION):
        path = ("exclusions", i)
        start, end = resolve(ann.text, row["text"], node.get("occurrence"), ann.doc, path + ("text",), f"exclusions[{i}]")
        row.update(article_id=ann.article_id, char_start=start, char_end=end)
        sink.add("quote_exclusions", row)


def event_rows(checker: Checker, ann: Annotation, ids: Ids, roles: list[str], sink, summary) -> None:
    """events, event_actors (+ evidence)."""
    for i, row, node in check_items(checker, ann, "events", shapes.EVENT):
        path, eid = ("events", i), row["event_id"]
        _record_id(ann, path, eid, ids, "events")
        row["article_id"] = ann.article_id
        if row["date_precision"] == "day" and row["date_end"] is None and row["status"] != "ongoing":
            row["date_end"] = row["date_start"]  # a day: start alone
        row["time_precision"] = crosswalk.time_precision(row["date_precision"], row["date_start"], row["date_end"])
        row["geo_precision"] = crosswalk.geo_precision(row["location"], row["country"])
        evidence = evidence_rows(checker, ann, path, "events", eid)
        sink.add("events", row)
        for ev in evidence:
            sink.add("evidence", ev)
        for x in role_rows(ann, path, eid, node["actors"], roles):
            sink.add("event_actors", x)
            summary.add("event_actors", x)


def role_rows(ann: Annotation, path: tuple, eid: str, actors_map: dict, roles: list[str]):
    """event_actors rows of one event: its `actors:` mapping, role -> actor ids."""
    for role, value in actors_map.items():
        if role not in roles:
            raise ann.doc.error(path + ("actors", role), f"{eid}: actor role must be one of {', '.join(roles)}; found {role!r}")
        for k, aid in enumerate(value if isinstance(value, list) else [value]):
            if not isinstance(aid, str):
                raise ann.doc.error(path + ("actors", role) + ((k,) if isinstance(value, list) else ()), f"{eid}: {role} must list actor ids, found {aid!r}")
            yield {"event_id": eid, "actor_id": aid, "role": role}


def designation_rows(checker: Checker, ann: Annotation, ids: Ids, sink, summary) -> None:
    for i, row, _ in check_items(checker, ann, "designations", shapes.DESIGNATION):
        path, did = ("designations", i), row["designation_id"]
        _record_id(ann, path, did, ids, "designations")
        row["article_id"] = ann.article_id
        evidence = evidence_rows(checker, ann, path, "designations", did)
        sink.add("designations", row)
        summary.add("designations", row)
        for ev in evidence:
            sink.add("evidence", ev)


def claim_rows(checker: Checker, ann: Annotation, ids: Ids, sink) -> None:
    """claims, claim_quotes (+ evidence). (That its event and designation are this article's is a
    release rule, checked once all rows exist.)"""
    for i, row, node in check_items(checker, ann, "claims", shapes.CLAIM):
        path, cid = ("claims", i), row["claim_id"]
        _record_id(ann, path, cid, ids, "claims")
        quote_ids = _claim_quotes(ann, path, cid, node.get("quotes") or [])
        row.update(article_id=ann.article_id, speech=rules.claim_speech(quote_ids))
        evidence = evidence_rows(checker, ann, path, "claims", cid)
        sink.add("claims", row)
        for qid in quote_ids:
            sink.add("claim_quotes", {"claim_id": cid, "quote_id": qid})
        for ev in evidence:
            sink.add("evidence", ev)


def _claim_quotes(ann: Annotation, path: tuple, cid: str, value) -> list[str]:
    """A claim's `quotes:` list (that they are this article's quotes is rule claim-quotes-of-own-article)."""
    for k, qid in enumerate(value):
        if not isinstance(qid, str):
            raise ann.doc.error(path + ("quotes", k), f"{cid}: quotes must list quote ids of this article; found {qid!r}")
    if len(set(value)) != len(value):
        raise ann.doc.error(path + ("quotes",), f"{cid}: a quote is listed twice")
    return list(value)


def article_rows(checker: Checker, ann: Annotation, ids: Ids, roles: list[str], sink, summary) -> None:
    """Every row one article's annotation gives (articles, quotes, exclusions, events, designations, claims, evidence).
    A draft gives its articles row only: nothing it proposes is published before it is checked."""
    article_row(ann, sink)
    if ann.row["annotation_status"] == "draft":
        return
    quote_rows(checker, ann, ids, sink, summary)
    exclusion_rows(checker, ann, sink)
    event_rows(checker, ann, ids, roles, sink, summary)
    designation_rows(checker, ann, ids, sink, summary)
    claim_rows(checker, ann, ids, sink)


def check_article(ann: Annotation, rows: list[tuple[str, dict]], forms: dict, seeds, version: str | None = None) -> None:
    """Every row, record and article rule (rules.article_findings, as validate runs them) on the rows one
    article gave (the rules release `version` is held to; None: all); the first failure is an error at
    the annotation line of its column."""
    by_table: dict = {}
    for table, row in rows:
        by_table.setdefault(table, []).append(row)
    for finding in rules.article_findings(rules.ArticleView(ann.article_id, ann.text, by_table, forms), version):
        where = Provenance(seeds, docs={f"{ann.article_id}.yaml": ann.doc}).locate(finding.table, finding.row, finding.column, by_table)
        raise BuildError(*(where or (ann.doc.file, None)), rules.message(finding))


def crosswalk_rows(path, display: str, checker: Checker, sink) -> None:
    """The crosswalk table, from schemas/crosswalk.json, checked against the event and claim types."""
    try:
        mapping = crosswalk.load_crosswalk(path)
    except ValueError as err:
        raise BuildError(display, None, str(err)) from None
    problems = crosswalk.check_crosswalk(mapping, checker.enum("events", "event_type"), checker.enum("claims", "claim_type"))
    if problems:
        raise BuildError(display, None, "the crosswalk does not fit the types:\n  " + "\n  ".join(problems))
    for row in crosswalk.crosswalk_rows(mapping):
        sink.add("crosswalk", row)


def mention_rows(rows: list[dict], sink, summary, first) -> None:
    """actor_mentions of one article (rules.mentions), counted for actor_summary; first mentions to
    `first` (a table builder of evidence rows)."""
    for m in rows:
        sink.add("actor_mentions", m)
        summary.add("actor_mentions", m)
    for row in rules.first_mention_evidence(rows):
        first.add(row)


def check_aliases_found(doc: Doc, owner: dict, found_aliases: set, mentioned: set, actor_ids: list[str]) -> None:
    for i, aid in enumerate(actor_ids):
        for j, alias in enumerate(doc.data[i]["aliases"]):
            if alias not in found_aliases:
                raise doc.error((i, "aliases", j), f"alias {alias!r} of {aid!r} is never found as a mention: it does not occur as a whole word "
                                "in any article, or only inside a longer alias (list only forms that stand on their own)")
    for i, aid in enumerate(actor_ids):
        if aid not in mentioned:
            raise doc.error((i,), f"actor {aid!r} is never mentioned on its own (its aliases only occur inside longer aliases of other actors); "
                            "it would have no evidence")


# ----------------------------------------------------------- references ----


def check_references(tables: dict, schemas: dict, locate) -> None:
    """Foreign keys of every table (declared in its schema, checked by cartel_campaign.checks);
    the first broken one is an error at the annotation line behind it (`locate(table, row, column)`)."""
    for name, cols, ref, _, row, _ in checks.foreign_key_failures(tables, schemas):
        col = cols[0]
        known = tables[ref][_ref_col(schemas, name, col)].to_pylist() if len(cols) == 1 else []
        close = difflib.get_close_matches(str(row[col]), known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        where = locate(name, row, col) or (None, None)
        raise BuildError(where[0], where[1], f"{_label(name, row, col)}: unknown {ref} id {row[col]!r}{hint}")


def _ref_col(schemas: dict, table: str, column: str) -> str:
    fk = next(fk for fk in schemas[table]["foreignKeys"] if fk["fields"] == [column])
    return fk["reference"]["fields"][0]


def _label(table: str, row: dict, column: str) -> str:
    """How a failing reference is named in messages: '<record id>: <annotation key>'."""
    if table == "event_actors":
        return f"{row['event_id']}: {row['role']}"
    if table == "actors":
        return f"actor {row['actor_id']!r}: {key_name(shapes.ACTOR, column)}"
    if table in RECORDS:
        _, id_col, shape = RECORDS[table]
        return f"{row[id_col]}: {key_name(shape, column)}"
    return f"{next((v for k, v in row.items() if k.endswith('_id')), '')}: {column}"


def key_name(shape, column: str) -> str:
    return ".".join(key_path(shape, column)) or column


def check_release_rules(tables: dict, locate) -> None:
    """The release rules (rows compared across articles: rules.release_findings, as validate runs them);
    the first failure is an error at the annotation line of the failing column (`locate(table, row, column)`)."""
    rows = {t: checks.LazyRows(tables[t]) for t in rules.RELEASE_TABLES if t in tables}
    for finding in rules.release_findings(rows):
        where = locate(finding.table, finding.row, finding.column) or (None, None)
        raise BuildError(where[0], where[1], f"{_label(finding.table, finding.row, finding.column)}: {finding.message} [{finding.rule.code}]")
