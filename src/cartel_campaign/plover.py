"""The events and claims as PLOVER 2.0 event records, one JSON object per line (export events-claims-plover,
since 1.2.0). One record per source -> target act: the rows of the dyads view, so a record has one actor
and one recipient as PLOVER's do.

Each record: id (the dyad id), date (the first day it may have taken place; date_end and date_precision
beside it), actor and recipient ({"actor": name, "actor_id": id}, null where the text names none), event
and mode (PLOVER 2.0, from the crosswalk or a claim's own mode), quad_class, context (the local type, and
"claim" or "event"), no_plover_category (where PLOVER has no category for the local type: the crosswalk's
note saying why; the record's event is then null rather than a forced category), event_text (the first
evidence passage), text_info (every evidence passage with its character offsets in the article),
cite_info (the article: id, title, outlet, byline, file, sha256, publication-date bounds), and local (the
table and record it comes from).

Each line is made from the tables' columns a batch of dyads at a time (cartel_campaign.jsontext): the same text as
json.dumps(record, ensure_ascii=False, sort_keys=True) of the record as Python objects.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from . import crosswalk, jsontext
from .jsontext import dumps, encode, join, obj

#: The tables a PLOVER file is written from.
TABLES = ("dyads", "evidence", "articles", "crosswalk", "events", "claims")
#: Dyads made into lines at a time (memory stays bounded by a batch).
BATCH_ROWS = 4096


def _dates(column) -> pa.Array:
    """A date column as JSON text (ISO strings); any other type is an error, as the records need dates."""
    if not pa.types.is_temporal(column.type):
        raise TypeError(f"expected dates, found {column.type}")
    return encode(column)


def _passages(evidence) -> tuple[dict, pa.Array, pa.Array]:
    """The evidence of each event and claim, in text order (by char_start, then char_end, then as listed): {(table,
    record id): its position}, and at that position its first passage's text and its text_info list, as JSON text."""
    evidence = evidence.filter(pc.fill_null(pc.is_in(evidence["record_table"], pa.array(["events", "claims"])), False))
    evidence = evidence.take(pc.sort_indices(evidence, [(c, "ascending") for c in ("record_table", "record_id", "char_start", "char_end")]))
    text = encode(evidence["text"])
    items = join(*obj({"article_id": encode(evidence["article_id"]), "char_end": encode(evidence["char_end"]),
                       "char_start": encode(evidence["char_start"]), "text": text}))
    keys = list(zip(evidence["record_table"].to_pylist(), evidence["record_id"].to_pylist()))
    starts = [i for i, key in enumerate(keys) if i == 0 or key != keys[i - 1]]
    offsets = pa.array(starts + [len(keys)], pa.int32())
    text_info = join("[", pc.binary_join(pa.ListArray.from_arrays(offsets, items), ", "), "]")
    first_text = text.take(pa.array(starts, pa.int64()))
    return {keys[i]: n for n, i in enumerate(starts)}, first_text, text_info


def _cite_info(articles) -> dict:
    """{article_id: the article's cite_info as JSON text}."""
    cite = join(*obj({c: encode(articles[c]) for c in ("article_id", "title", "outlet", "byline", "seed_file", "sha256")}
                     | {c: _dates(articles[c]) for c in ("published_earliest", "published_latest")}))
    return dict(zip(articles["article_id"].to_pylist(), cite.to_pylist()))


def _party(actor_id, name) -> pa.Array:
    """{"actor": name, "actor_id": id}, null where there is no id."""
    return pc.if_else(pc.is_null(actor_id), "null", join(*obj({"actor": encode(name), "actor_id": encode(actor_id)})))


def _fields(tables: dict):
    """The PLOVER records of a release (its Arrow tables), a batch of dyads at a time, in the dyads' order: {field:
    its JSON text, a column}."""
    notes = {(t, local): dumps(note) for t, local, note in zip(*(tables["crosswalk"][c].to_pylist() for c in ("scheme_table", "local_type", "note")))}
    articles = _cite_info(tables["articles"])
    at, first_text, text_info = _passages(tables["evidence"])
    precision = {("events", i): p for i, p in zip(tables["events"]["event_id"].to_pylist(), encode(tables["events"]["date_precision"]).to_pylist())}
    precision.update({("claims", i): p for i, p in zip(tables["claims"]["claim_id"].to_pylist(), encode(tables["claims"]["date_precision"]).to_pylist())})
    for d in tables["dyads"].to_batches(max_chunksize=BATCH_ROWS):
        table, local_type, plover_type = d["record_table"].to_pylist(), d["local_type"].to_pylist(), d["plover_type"].to_pylist()
        keys = list(zip(table, d["record_id"].to_pylist()))
        passages = pa.array([at.get(k) for k in keys], pa.int64())
        claims = pc.fill_null(pc.equal(d["record_table"], "claims"), False)
        yield {
            "id": encode(d["dyad_id"]), "date": _dates(d["date_start"]), "date_end": _dates(d["date_end"]),
            "date_precision": pa.array([precision[k] for k in keys], pa.string()),
            "actor": _party(d["actor_id"], d["actor_name"]), "recipient": _party(d["recipient_id"], d["recipient_name"]),
            "event": encode(d["plover_type"]), "mode": encode(d["plover_mode"]), "quad_class": encode(d["quad_class"]),
            "context": join("[", encode(d["local_type"]), ", ", pc.if_else(claims, '"claim"', '"event"'), "]"),
            "no_plover_category": pa.array([notes.get((t, local), "null") if p is None else "null"
                                            for t, local, p in zip(table, local_type, plover_type)], pa.string()),
            "event_text": pc.fill_null(first_text.take(passages), "null"),
            "text_info": pc.fill_null(text_info.take(passages), "[]"),
            "cite_info": pa.array([articles[a] for a in d["article_id"].to_pylist()], pa.string()),
            "local": join(*obj({"table": encode(d["record_table"]), "record_id": encode(d["record_id"]), "type": encode(d["local_type"]),
                                "polarity": encode(d["polarity"])})),
        }


def plover_lines(tables: dict):
    """The PLOVER records of a release (its Arrow tables), one JSON line per dyad, in the dyads' order, a batch at a
    time (Arrow arrays of lines)."""
    for fields in _fields(tables):
        yield join(*obj(fields), "\n")


def write_plover(path: Path, tables: dict) -> int:
    """The export (cartel_campaign.exports): one PLOVER record per line, keys sorted; returns the number of records."""
    n = 0
    with open(path, "wb") as handle:
        for lines in plover_lines(tables):
            jsontext.write(handle, lines)
            n += len(lines)
    return n


def record_problems(record, dyad_ids: set) -> list[str]:
    """What is wrong with one PLOVER record: not an object, no known id, an event outside PLOVER 2.0, an event
    that is null without saying why, a mode without an event, a quad class that is not the event's."""
    if not isinstance(record, dict):
        return [f"expected an object, found {type(record).__name__}"]
    rid, event = record.get("id"), record.get("event")
    problems = [] if rid in dyad_ids else [f"id {rid!r} is not a row of dyads"]
    if event is not None and event not in crosswalk.PLOVER_QUAD:
        problems.append(f"{rid}: event {event!r} is not a PLOVER 2.0 category")
    if event is None and not record.get("no_plover_category"):
        problems.append(f"{rid}: no event and no no_plover_category saying why")
    if event is None and record.get("mode") is not None:
        problems.append(f"{rid}: a mode without an event")
    if record.get("quad_class") != crosswalk.PLOVER_QUAD.get(event):
        problems.append(f"{rid}: quad_class {record.get('quad_class')!r} is not that of {event!r}")
    return problems


#: The fields of a record that record_problems reads.
CHECKED = ("id", "event", "mode", "quad_class", "no_plover_category")


class _NotJSONLines(Exception):
    pass


def _loads(text: str):
    try:
        return json.loads(text)
    except ValueError as err:
        raise _NotJSONLines(err) from None


def _file_lines(path: Path):
    """The file's lines, one at a time."""
    try:
        with open(path, encoding="utf-8") as handle:
            yield from handle
    except UnicodeDecodeError as err:
        raise _NotJSONLines(err) from None


def _read_problems(path: Path, tables: dict) -> list[str]:
    """Each record of the file checked on its own, and whether their ids are the dyads in order (every line read as
    JSON; nothing recomputed)."""
    ids = tables["dyads"]["dyad_id"].to_pylist()
    known = set(ids)  # once: a set per record made the check quadratic in the dyads
    problems, in_order, n = [], True, 0
    for n, text in enumerate(_file_lines(path), 1):
        record = _loads(text)
        problems += record_problems(record, known)
        in_order = in_order and n <= len(ids) and (record.get("id") if isinstance(record, dict) else None) == ids[n - 1]
    if not (in_order and n == len(ids)):
        problems.append(f"{n} records whose ids are not the {len(ids)} dyads in order")
    return problems


def _compared(path: Path, tables: dict) -> tuple[list[str], bool]:
    """_read_problems and whether the file is what the tables give, in one pass: a line that is the recomputed line
    is that record (its checked fields read from their JSON text); any other line is read as JSON."""
    ids = tables["dyads"]["dyad_id"].to_pylist()
    known = set(ids)
    problems, in_order, same, n = [], True, True, 0
    lines = _file_lines(path)
    for fields in _fields(tables):
        checked = {f: json.loads("[" + ", ".join(fields[f].to_pylist()) + "]") for f in CHECKED}  # the batch's values
        for i, (want, text) in enumerate(zip(join(*obj(fields), "\n").to_pylist(), lines)):
            n += 1
            if text == want:
                record = {f: checked[f][i] for f in CHECKED}
            else:
                record = _loads(text)
                same = same and jsontext.same_json(record, want)
            problems += record_problems(record, known)
            in_order = in_order and (record.get("id") if isinstance(record, dict) else None) == ids[n - 1]
    for n, text in enumerate(lines, n + 1):  # lines past the dyads
        problems += record_problems(_loads(text), known)
        in_order = False
    if not (in_order and n == len(ids)):
        problems.append(f"{n} records whose ids are not the {len(ids)} dyads in order")
    return problems, same


def plover_content_problems(path: Path, tables: dict) -> list[str]:
    """The PLOVER file holds one valid record per dyad, in the dyads' order, and is what the tables give (each line
    compared as text with the recomputed line, and as JSON where the texts differ). The file is read a line at a time."""
    try:
        if any(name not in tables for name in TABLES):  # JSON lines is all that can be checked
            for text in _file_lines(path):
                _loads(text)
            return []
        try:
            problems, same = _compared(path, tables)
        except (KeyError, TypeError, AttributeError) as err:  # tables that do not fit together (reported by their own checks too)
            return _read_problems(path, tables) or [f"cannot be recomputed from the release's tables ({type(err).__name__}: {err})"]
    except _NotJSONLines as err:
        return [f"not JSON lines ({err})"]
    if problems:
        return problems
    return [] if same else ["records differ from the events and claims of the release"]
