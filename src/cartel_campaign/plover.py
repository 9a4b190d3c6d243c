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

Standard library only.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import crosswalk

#: The tables a PLOVER file is written from.
TABLES = ("dyads", "evidence", "articles", "crosswalk", "events", "claims")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _party(actor_id, name) -> dict | None:
    return None if actor_id is None else {"actor": name, "actor_id": actor_id}


def plover_records(rows: dict) -> list[dict]:
    """PLOVER records of a release (`rows`: table -> list of row dicts)."""
    notes = {(c["scheme_table"], c["local_type"]): c["note"] for c in rows["crosswalk"]}
    articles = {a["article_id"]: a for a in rows["articles"]}
    evidence: dict = {}
    for ev in rows["evidence"]:
        if ev["record_table"] in ("events", "claims"):
            evidence.setdefault((ev["record_table"], ev["record_id"]), []).append(ev)
    precision = {("events", e["event_id"]): e["date_precision"] for e in rows["events"]}
    precision.update({("claims", c["claim_id"]): c["date_precision"] for c in rows["claims"]})
    out = []
    for d in rows["dyads"]:
        key, art = (d["record_table"], d["record_id"]), articles[d["article_id"]]
        spans = sorted(evidence.get(key, []), key=lambda e: (e["char_start"], e["char_end"]))
        out.append({
            "id": d["dyad_id"], "date": _iso(d["date_start"]), "date_end": _iso(d["date_end"]), "date_precision": precision[key],
            "actor": _party(d["actor_id"], d["actor_name"]), "recipient": _party(d["recipient_id"], d["recipient_name"]),
            "event": d["plover_type"], "mode": d["plover_mode"], "quad_class": d["quad_class"],
            "context": [d["local_type"], "claim" if d["record_table"] == "claims" else "event"],
            "no_plover_category": notes.get((d["record_table"], d["local_type"])) if d["plover_type"] is None else None,
            "event_text": spans[0]["text"] if spans else None,
            "text_info": [{"article_id": e["article_id"], "char_start": e["char_start"], "char_end": e["char_end"], "text": e["text"]} for e in spans],
            "cite_info": {"article_id": art["article_id"], "title": art["title"], "outlet": art["outlet"], "byline": art["byline"],
                          "seed_file": art["seed_file"], "sha256": art["sha256"], "published_earliest": _iso(art["published_earliest"]),
                          "published_latest": _iso(art["published_latest"])},
            "local": {"table": d["record_table"], "record_id": d["record_id"], "type": d["local_type"], "polarity": d["polarity"]},
        })
    return out


def _rows(tables: dict) -> dict:
    return {name: tables[name].to_pylist() for name in TABLES}


def write_plover(path: Path, tables: dict) -> int:
    """The export (cartel_campaign.exports): one PLOVER record per line, keys sorted; returns the number of records."""
    records = plover_records(_rows(tables))
    Path(path).write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records), encoding="utf-8")
    return len(records)


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


def plover_content_problems(path: Path, tables: dict) -> list[str]:
    """The PLOVER file holds one valid record per dyad, in the dyads' order, and is what the tables give."""
    try:
        records = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    except (ValueError, UnicodeDecodeError) as err:
        return [f"not JSON lines ({err})"]
    if any(name not in tables for name in TABLES):
        return []
    ids = tables["dyads"]["dyad_id"].to_pylist()
    known = set(ids)  # once: a set per record made the check quadratic in the dyads
    problems = [p for r in records for p in record_problems(r, known)]
    if [r.get("id") if isinstance(r, dict) else None for r in records] != ids:
        problems.append(f"{len(records)} records whose ids are not the {len(ids)} dyads in order")
    elif not problems:
        try:
            expected = plover_records(_rows(tables))
        except (KeyError, TypeError, AttributeError) as err:  # tables that do not fit together (reported by their own checks too)
            return [f"cannot be recomputed from the release's tables ({type(err).__name__}: {err})"]
        if records != expected:
            problems.append("records differ from the events and claims of the release")
    return problems
