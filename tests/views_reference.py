"""The views as the build computed them up to the Arrow views (cartel_campaign.views before it was a column at a time):
row by row, from Python row mappings, kept unchanged as the reference tests/test_views.py compares the Arrow views with.
`rows`: table -> list of row dicts.
"""
from __future__ import annotations

from cartel_campaign import crosswalk, views

#: Separator of several ids, names or texts in one cell.
SEP = " | "  # the same separator as cartel_campaign.views.SEP
#: The views, in the order the release lists them, with the tables each is computed from.
SOURCES = {
    "events_wide": ("events", "event_actors", "actors", "crosswalk", "articles"),
    "claims_wide": ("claims", "claim_quotes", "quotes", "actors", "crosswalk", "evidence"),
    "dyads": ("events", "event_actors", "claims", "actors", "crosswalk"),
}
#: event_actors roles that make actor1 (the source) and actor2 (the recipient) of an event.
SOURCE_ROLE, TARGET_ROLE = "agent", "target"


def _join(values) -> str | None:
    values = [v for v in values if v is not None]
    return SEP.join(values) if values else None


def _names(rows: dict) -> dict:
    return {a["actor_id"]: a["name"] for a in rows["actors"]}


def _plover(rows: dict, table: str) -> dict:
    """local type -> its crosswalk row (scheme table `table`)."""
    return {c["local_type"]: c for c in rows["crosswalk"] if c["scheme_table"] == table}


def _roles(rows: dict) -> dict:
    """event id -> [(role, actor id)] in event_actors order."""
    out: dict = {}
    for x in rows["event_actors"]:
        out.setdefault(x["event_id"], []).append((x["role"], x["actor_id"]))
    return out


def event_groups(events) -> dict:
    """event id -> the id of the first report of the same event: views.event_groups, still the same Python pass
    (tests/test_views.py pins its answers on chains and cycles)."""
    return views.event_groups([e["event_id"] for e in events], [e["same_event_as"] for e in events])


def events_wide(rows: dict) -> list[dict]:
    names, cw, roles, group = _names(rows), _plover(rows, "events"), _roles(rows), event_groups(rows["events"])
    titles = {a["article_id"]: a["title"] for a in rows["articles"]}
    reported: dict = {}
    for e in rows["events"]:
        reported.setdefault(group[e["event_id"]], set()).add(e["article_id"])
    out = []
    for e in rows["events"]:
        eid, c = e["event_id"], cw.get(e["event_type"], {})
        event_roles = roles.get(eid, [])
        actor1 = [a for r, a in event_roles if r == SOURCE_ROLE]
        actor2 = [a for r, a in event_roles if r == TARGET_ROLE]
        others = [f"{r}:{a}" for r, a in event_roles if r not in (SOURCE_ROLE, TARGET_ROLE)]
        articles = sorted(reported[group[eid]])
        out.append({
            "event_id": eid, "event_type": e["event_type"], "plover_type": c.get("plover_type"), "plover_mode": c.get("plover_mode"),
            "acled_event_type": c.get("acled_event_type"), "acled_sub_event_type": c.get("acled_sub_event_type"),
            "status": e["status"], "date_start": e["date_start"], "date_end": e["date_end"], "date_precision": e["date_precision"],
            "time_precision": e["time_precision"], "summary": e["summary"],
            "actor1_ids": _join(actor1), "actor1_names": _join(names.get(a) for a in actor1),
            "actor2_ids": _join(actor2), "actor2_names": _join(names.get(a) for a in actor2),
            "other_actors": _join(others),
            "location": e["location"], "country": e["country"], "geo_precision": e["geo_precision"],
            "fatalities": e["fatalities"], "fatalities_cumulative": e["fatalities_cumulative"], "fatalities_qualifier": e["fatalities_qualifier"],
            "attribution": e["attribution"], "source_actor_id": e["source_actor_id"], "source_actor_name": names.get(e["source_actor_id"]),
            "article_id": e["article_id"], "article_title": titles.get(e["article_id"]),
            "same_event_group": group[eid], "reported_in": _join(articles), "n_reporting_articles": len(articles),
        })
    return out


def claims_wide(rows: dict) -> list[dict]:
    names, cw = _names(rows), _plover(rows, "claims")
    quote_text = {q["quote_id"]: q["text"] for q in rows["quotes"]}
    quotes: dict = {}
    for link in rows["claim_quotes"]:
        quotes.setdefault(link["claim_id"], []).append(link["quote_id"])
    evidence: dict = {}
    for ev in rows["evidence"]:
        if ev["record_table"] == "claims":
            evidence.setdefault(ev["record_id"], []).append(ev["text"])
    out = []
    for c in rows["claims"]:
        cid, x = c["claim_id"], cw.get(c["claim_type"], {})
        qids = quotes.get(cid, [])
        out.append({
            "claim_id": cid, "claimant_actor_id": c["claimant_actor_id"], "claimant_name": names.get(c["claimant_actor_id"]),
            "claimant_basis": c["claimant_basis"],
            "target_actor_id": c["target_actor_id"], "target_name": names.get(c["target_actor_id"]),
            "claim_type": c["claim_type"], "claim_mode": c["claim_mode"], "plover_type": x.get("plover_type"), "plover_mode": x.get("plover_mode"),
            "speech": c["speech"], "polarity": c["polarity"], "modality": c["modality"], "summary": c["summary"],
            "date_start": c["date_start"], "date_end": c["date_end"], "date_precision": c["date_precision"],
            "about_event_id": c["about_event_id"], "about_designation_id": c["about_designation_id"],
            "quote_ids": _join(qids), "quote_texts": _join(quote_text.get(q) for q in qids), "evidence_text": _join(evidence.get(cid, [])),
            "article_id": c["article_id"],
        })
    return out


def dyad_id(record_id: str, source: str | None, target: str | None) -> str:
    """'<record id>/<source>-><target>', '?' for a side nobody fills."""
    return f"{record_id}/{source or '?'}->{target or '?'}"


def _dyad(rows_meta: dict, table: str, record: dict, rid: str, local_type: str, source, target, polarity, mode=None) -> dict:
    """One dyad row; `mode`: the act's own PLOVER mode (a claim's claim_mode), else the crosswalk's."""
    names, cw = rows_meta["names"], rows_meta[table]
    c = cw.get(local_type, {})
    plover = c.get("plover_type")
    return {
        "dyad_id": dyad_id(rid, source, target), "record_table": table, "record_id": rid, "article_id": record["article_id"],
        "date_start": record["date_start"], "date_end": record["date_end"],
        "actor_id": source, "actor_name": names.get(source), "recipient_id": target, "recipient_name": names.get(target),
        "local_type": local_type, "plover_type": plover, "plover_mode": mode or c.get("plover_mode"),
        "quad_class": crosswalk.PLOVER_QUAD.get(plover), "polarity": polarity,
    }


def dyads(rows: dict) -> list[dict]:
    meta = {"names": _names(rows), "events": _plover(rows, "events"), "claims": _plover(rows, "claims")}
    roles, out = _roles(rows), []
    for e in rows["events"]:
        event_roles = roles.get(e["event_id"], [])
        sources = [a for r, a in event_roles if r == SOURCE_ROLE] or [None]
        targets = [a for r, a in event_roles if r == TARGET_ROLE] or [None]
        out += [_dyad(meta, "events", e, e["event_id"], e["event_type"], s, t, None) for s in sources for t in targets]
    for c in rows["claims"]:
        out.append(_dyad(meta, "claims", c, c["claim_id"], c["claim_type"], c["claimant_actor_id"], c["target_actor_id"], c["polarity"],
                         c["claim_mode"]))
    return out


#: view name -> the function computing its rows.
COMPUTE = {"events_wide": events_wide, "claims_wide": claims_wide, "dyads": dyads}
