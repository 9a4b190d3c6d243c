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
from .provenance import RECORDS, key_path
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


def apply_row_rules(table: str, row: dict, doc: Doc, path: tuple, shape: shapes.Shape, label: str) -> None:
    """Run the table's row rules; the first failure is an error at the failing column's key."""
    for _, column, message in rules.check_row(table, row):
        raise doc.error(path + key_path(shape, column), f"{label}: {message}" if label else message)


def actor_rows(doc: Doc, actors: list[dict], sink) -> dict[str, str]:
    """actors and actor_aliases rows; returns alias -> actor id (an alias names one actor)."""
    owner: dict[str, tuple] = {}
    for i, row in enumerate(actors):
        apply_row_rules("actors", row, doc, (i,), shapes.ACTOR, f"actor {row['actor_id']!r}")
        sink.add("actors", row)
        for j, alias in enumerate(doc.data[i]["aliases"]):
            if alias in owner:
                first_actor, first_path = owner[alias]
                raise doc.error((i, "aliases", j), f"alias {alias!r} of {row['actor_id']!r} already belongs to {first_actor!r} "
                                f"(line {doc.line(*first_path)}); an alias must name one actor")
            owner[alias] = (row["actor_id"], (i, "aliases", j))
            sink.add("actor_aliases", {"actor_id": row["actor_id"], "alias": alias})
    return {alias: aid for alias, (aid, _) in owner.items()}


def evidence_rows(checker: Checker, ann: Annotation, path: tuple, table: str, record_id: str) -> list[dict]:
    rows = []
    for i, (text, occurrence, text_path) in enumerate(evidence_items(checker, ann.doc, path + ("evidence",), f"{path[0]}[{path[1]}]")):
        start, end = resolve(ann.text, text, occurrence, ann.doc, text_path, f"{record_id}: evidence #{i + 1}")
        rows.append({"record_table": table, "record_id": record_id, "article_id": ann.article_id,
                     "char_start": start, "char_end": end, "text": ann.text[start:end], "basis": "annotated"})
    return rows


def article_row(ann: Annotation, sink) -> None:
    row = dict(ann.row, article_id=ann.article_id, seed_file=f"seeds/{ann.data['article']}", n_chars=len(ann.text))
    if row["title"] is not None:
        resolve(ann.text, row["title"], None, ann.doc, ("title",), "title")  # in the article, once
        problem = rules.title_rule(ann.text, row["title"])
        if problem:
            raise ann.doc.error(("title",), problem)
    for key in ("outlet", "byline"):
        if row[key] is not None and row[key] not in ann.text:
            raise ann.doc.error((key,), f"{key} must be copied from the article text (leave it out where the text does not state it); "
                                f"{row[key]!r} is not in {ann.data['article']}")
    apply_row_rules("articles", row, ann.doc, (), shapes.ANNOTATION, "")
    sink.add("articles", row)


def _record_id(ann: Annotation, path: tuple, rid: str, what: str, ids: Ids, table: str) -> None:
    problem = rules.id_prefix_rule(rid, ann.article_id)
    if problem:
        raise ann.doc.error(path + ("id",), f"{what} {problem}")
    ids.add(table, rid, ann.doc, path + ("id",))


def quote_rows(checker: Checker, ann: Annotation, ids: Ids, sink, summary) -> list[tuple]:
    """quotes (+ their evidence); returns (kind, start, end, path) for the quotation-mark rule."""
    marks = []
    for i, row, node in check_items(checker, ann, "quotes", shapes.QUOTE):
        path, qid = ("quotes", i), row["quote_id"]
        _record_id(ann, path, qid, "quote", ids, "quotes")
        start, end = resolve(ann.text, row["text"], node.get("occurrence"), ann.doc, path + ("text",), qid)
        row.update(article_id=ann.article_id, char_start=start, char_end=end, n_words=len(row["text"].split()))
        apply_row_rules("quotes", row, ann.doc, path, shapes.QUOTE, qid)
        marks.append(("quote", start, end, path + ("text",), qid))
        sink.add("quotes", row)
        summary.add("quotes", row)
        sink.add("evidence", {"record_table": "quotes", "record_id": qid, "article_id": ann.article_id,
                              "char_start": start, "char_end": end, "text": row["text"], "basis": "quote_span"})
        for ev in evidence_rows(checker, ann, path, "quotes", qid):
            sink.add("evidence", ev)
    return marks


def exclusion_rows(checker: Checker, ann: Annotation, sink) -> list[tuple]:
    marks = []
    for i, row, node in check_items(checker, ann, "exclusions", shapes.EXCLUSION):
        path = ("exclusions", i)
        start, end = resolve(ann.text, row["text"], node.get("occurrence"), ann.doc, path + ("text",), f"exclusions[{i}]")
        row.update(article_id=ann.article_id, char_start=start, char_end=end)
        marks.append(("exclusion", start, end, path + ("text",), f"exclusions[{i}]"))
        sink.add("quote_exclusions", row)
    return marks


def check_quotation_marks(ann: Annotation, marks: list[tuple]) -> None:
    """Rule: every pair of quotation marks is one quote or one exclusion (and a quote fills its marks)."""
    for i, message, other in rules.quotation_mark_rule(ann.text, ann.row["annotation_status"], [m[:3] for m in marks]):
        if i is None:
            raise ann.doc.error(("status",), message)
        label = marks[i][4]
        if other is not None:
            message = message.replace("{other}", f"{marks[other][4]} ({ann.doc.file}:{ann.doc.line(*marks[other][3])})")
        raise ann.doc.error(marks[i][3], f"{label}: {message}")


def event_rows(checker: Checker, ann: Annotation, ids: Ids, roles: list[str], sink, summary, forms: dict) -> dict[str, list]:
    """events, event_actors (+ evidence); returns event id -> its evidence spans (start, end)."""
    spans = {}
    for i, row, node in check_items(checker, ann, "events", shapes.EVENT):
        path, eid = ("events", i), row["event_id"]
        _record_id(ann, path, eid, "event", ids, "events")
        row["article_id"] = ann.article_id
        if row["date_precision"] == "day" and row["date_end"] is None and row["status"] != "ongoing":
            row["date_end"] = row["date_start"]  # a day: start alone
        row["time_precision"] = crosswalk.time_precision(row["date_precision"], row["date_start"], row["date_end"])
        row["geo_precision"] = crosswalk.geo_precision(row["location"], row["country"])
        apply_row_rules("events", row, ann.doc, path, shapes.EVENT, eid)
        evidence = evidence_rows(checker, ann, path, "events", eid)
        texts = [e["text"] for e in evidence]
        for col, message in rules.fatalities_rule(row, texts):
            raise ann.doc.error(path + (col,), f"{eid}: {message}")
        problem = rules.event_type_words_rule(row["event_type"], texts)
        if problem:
            raise ann.doc.error(path + ("type",), f"{eid}: {problem}")
        sink.add("events", row)
        for ev in evidence:
            sink.add("evidence", ev)
        for x in role_rows(ann, path, eid, node["actors"], roles):
            problem = rules.role_words_rule(x["role"], forms.get(x["actor_id"], []), texts)
            if problem:
                raise ann.doc.error(path + ("actors", x["role"]), f"{eid}: {x['role']} {x['actor_id']}: {problem}")
            sink.add("event_actors", x)
            summary.add("event_actors", x)
        spans[eid] = [(e["char_start"], e["char_end"]) for e in evidence]
    return spans


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
        _record_id(ann, path, did, "designation", ids, "designations")
        row["article_id"] = ann.article_id
        apply_row_rules("designations", row, ann.doc, path, shapes.DESIGNATION, did)
        evidence = evidence_rows(checker, ann, path, "designations", did)
        problem = rules.designation_type_words_rule(row["designation_type"], [e["text"] for e in evidence])
        if problem:
            raise ann.doc.error(path + ("type",), f"{did}: {problem}")
        sink.add("designations", row)
        summary.add("designations", row)
        for ev in evidence:
            sink.add("evidence", ev)


def claim_rows(checker: Checker, ann: Annotation, ids: Ids, sink, event_spans: dict) -> set[str]:
    """claims, claim_quotes (+ evidence); returns the ids of the quotes that carry a claim.
    (That its event and designation are this article's is a cross-row rule, checked once all rows exist.)"""
    own_quotes = set(ann.local_ids["quotes"])
    linked = set()
    for i, row, node in check_items(checker, ann, "claims", shapes.CLAIM):
        path, cid = ("claims", i), row["claim_id"]
        _record_id(ann, path, cid, "claim", ids, "claims")
        quote_ids = _claim_quotes(ann, path, cid, node.get("quotes") or [], own_quotes)
        row.update(article_id=ann.article_id, speech=rules.claim_speech(quote_ids))
        apply_row_rules("claims", row, ann.doc, path, shapes.CLAIM, cid)
        evidence = evidence_rows(checker, ann, path, "claims", cid)
        if not quote_ids:
            problem = rules.reporting_verb_rule([e["text"] for e in evidence])
            if problem:
                raise ann.doc.error(path + ("evidence",), f"{cid}: {problem}")
        problem = rules.claim_is_not_an_event_rule({(e["char_start"], e["char_end"]) for e in evidence}, row["about_event_id"],
                                                   event_spans, ann.event_types)
        if problem:
            raise ann.doc.error(path + ("evidence",), f"{cid}: {problem}")
        sink.add("claims", row)
        for qid in quote_ids:
            sink.add("claim_quotes", {"claim_id": cid, "quote_id": qid})
        for ev in evidence:
            sink.add("evidence", ev)
        linked.update(quote_ids)
    return linked


def _claim_quotes(ann: Annotation, path: tuple, cid: str, value, own_quotes: set) -> list[str]:
    for k, qid in enumerate(value):
        if not isinstance(qid, str) or qid not in own_quotes:
            close = difflib.get_close_matches(str(qid), sorted(own_quotes), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ann.doc.error(path + ("quotes", k), f"{cid}: quotes must list quote ids of this article; found {qid!r}{hint}")
    if len(set(value)) != len(value):
        raise ann.doc.error(path + ("quotes",), f"{cid}: a quote is listed twice")
    return list(value)


def check_claim_links(ann: Annotation, linked: set[str]) -> None:
    """Rule: every quote is carried by a claim or says why not (no_claim)."""
    reasons = {q["id"]: q.get("no_claim") for q in ann.data.get("quotes") or []}
    for qid, message in rules.claim_link_rule(linked, reasons):
        i = list(reasons).index(qid)  # the first failure only: it is raised
        raise ann.doc.error(("quotes", i, "no_claim") if reasons[qid] else ("quotes", i, "id"), f"{qid}: {message}")


def check_events_in_own_voice(ann: Annotation, event_spans: dict, claimed_quotes: list[tuple[int, int]]) -> None:
    """Rule: an event is not a claim (it has evidence outside the quotes that carry claims)."""
    for i, (eid, spans) in enumerate(event_spans.items()):
        problem = rules.event_in_own_voice_rule(spans, claimed_quotes)
        if problem:
            raise ann.doc.error(("events", i, "evidence"), f"{eid}: {problem}")


def article_rows(checker: Checker, ann: Annotation, ids: Ids, roles: list[str], sink, summary, forms: dict) -> None:
    """Every row one article's annotation gives (articles, quotes, exclusions, events, designations, claims, evidence).
    A draft gives its articles row only: nothing it proposes is published before it is checked."""
    article_row(ann, sink)
    if ann.row["annotation_status"] == "draft":
        return
    marks = quote_rows(checker, ann, ids, sink, summary) + exclusion_rows(checker, ann, sink)
    check_quotation_marks(ann, marks)
    event_spans = event_rows(checker, ann, ids, roles, sink, summary, forms)
    designation_rows(checker, ann, ids, sink, summary)
    linked = claim_rows(checker, ann, ids, sink, event_spans)
    check_claim_links(ann, linked)
    check_events_in_own_voice(ann, event_spans, [(m[1], m[2]) for m in marks if m[0] == "quote" and m[4] in linked])


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
            raise doc.error((i,), f"actor {aid!r} is never mentioned on its own (its aliases only occur inside longer aliases of other actors); it would have no evidence")


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


def check_cross_rows(tables: dict, locate) -> None:
    """The rules comparing rows with rows (rules.cross_row_problems); the first failure is an error
    at the annotation line of the failing column (`locate(table, row, column)`)."""
    rows = {t: checks.LazyRows(tables[t]) for t in rules.CROSS_TABLES + rules.CROSS_TABLES_OPTIONAL}
    for table, row, column, message in rules.cross_row_problems(rows):
        where = locate(table, row, column) or (None, None)
        raise BuildError(where[0], where[1], f"{_label(table, row, column)}: {message}")
