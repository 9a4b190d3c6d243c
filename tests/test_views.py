"""The analysis-ready views (cartel_campaign.views: events_wide, claims_wide, dyads), from 1.2.0 on: what each
row says is what the joins a researcher would write by hand give, on the newest release."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import ROOT, newest_version

import cartel_campaign as cc
from cartel_campaign import crosswalk, views

NEWEST = newest_version(ROOT)
VIEWS = ("events_wide", "claims_wide", "dyads")


@pytest.fixture(scope="module")
def t():
    return {name: cc.load(name, NEWEST) for name in ("events", "event_actors", "actors", "claims", "claim_quotes", "quotes", "crosswalk", *VIEWS)}


def test_the_views_are_derived_tables_of_the_release_and_documented():
    meta = json.loads((ROOT / "schemas" / "package.json").read_text(encoding="utf-8"))
    assert set(VIEWS) <= set(meta["derived_tables"]) and set(VIEWS) <= set(meta["tables"])
    assert set(views.COMPUTE) == set(VIEWS)
    assert set(VIEWS) <= set(cc.tables(NEWEST))
    codebook = (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8")
    assert all(f"## {v}" in codebook for v in VIEWS)


def test_events_wide_has_one_row_per_event_with_agents_and_targets_by_name(t):
    wide, ev, ea, names = t["events_wide"], t["events"], t["event_actors"], t["actors"].set_index("actor_id")["name"]
    assert list(wide["event_id"]) == list(ev["event_id"])
    for _, row in wide.iterrows():
        agents = list(ea[(ea.event_id == row.event_id) & (ea.role == "agent")].actor_id)
        targets = list(ea[(ea.event_id == row.event_id) & (ea.role == "target")].actor_id)
        assert (row.actor1_ids.split(views.SEP) if pd.notna(row.actor1_ids) else []) == agents
        assert (row.actor2_ids.split(views.SEP) if pd.notna(row.actor2_ids) else []) == targets
        assert (row.actor1_names.split(views.SEP) if pd.notna(row.actor1_names) else []) == [names[a] for a in agents]
    merged = wide.merge(ev, on="event_id", suffixes=("", "_ev"))
    assert (merged["fatalities"].fillna(-1) == merged["fatalities_ev"].fillna(-1)).all()


def test_events_wide_carries_the_crosswalk_codes(t):
    cw = t["crosswalk"][t["crosswalk"].scheme_table == "events"].set_index("local_type")
    for _, row in t["events_wide"].iterrows():
        for col in ("plover_type", "acled_event_type", "acled_sub_event_type"):
            expected = cw.loc[row.event_type, col]
            assert (pd.isna(row[col]) and pd.isna(expected)) or row[col] == expected, (row.event_id, col)


def test_events_reported_in_two_articles_count_two_articles(t):
    ev, wide = t["events"], t["events_wide"].set_index("event_id")
    linked = ev[ev.same_event_as.notna()]
    assert len(linked) >= 1
    for _, e in linked.iterrows():
        for eid in (e.event_id, e.same_event_as):
            assert wide.loc[eid, "n_reporting_articles"] == 2
            assert wide.loc[eid, "same_event_group"] == e.same_event_as
            assert set(wide.loc[eid, "reported_in"].split(views.SEP)) == {e.article_id, ev.set_index("event_id").loc[e.same_event_as, "article_id"]}
    alone = wide[~wide.index.isin(set(linked.event_id) | set(linked.same_event_as))]
    assert (alone.n_reporting_articles == 1).all() and (alone.same_event_group == alone.index).all()


def test_claims_wide_holds_names_and_quote_texts(t):
    wide, cq, quotes = t["claims_wide"].set_index("claim_id"), t["claim_quotes"], t["quotes"].set_index("quote_id")
    assert list(wide.index) == list(t["claims"].claim_id)
    for cid, group in cq.groupby("claim_id", sort=False):
        assert wide.loc[cid, "quote_texts"].split(views.SEP) == [quotes.loc[q, "text"] for q in group.quote_id]
    assert wide.loc[~wide.index.isin(cq.claim_id), "quote_texts"].isna().all()
    assert wide.evidence_text.notna().all()
    assert (wide.claimant_name.notna() == wide.claimant_actor_id.notna()).all()  # a claim whose maker the text does not name has no name


def test_dyads_pair_every_agent_with_every_target_and_each_claim_once(t):
    dy, ea = t["dyads"], t["event_actors"]
    for eid in t["events"].event_id:
        n_agents = max(1, ((ea.event_id == eid) & (ea.role == "agent")).sum())
        n_targets = max(1, ((ea.event_id == eid) & (ea.role == "target")).sum())
        assert (dy.record_id == eid).sum() == n_agents * n_targets, eid
    claims = dy[dy.record_table == "claims"]
    assert sorted(claims.record_id) == sorted(t["claims"].claim_id)
    assert dy.dyad_id.is_unique


def test_quad_class_follows_the_plover_type():
    assert set(crosswalk.PLOVER_QUAD) == set(json.loads((ROOT / "schemas" / "crosswalk.json").read_text(encoding="utf-8"))["vocabularies"]["plover"])
    rows = {"events": [{"event_id": "e", "article_id": "a", "event_type": "strike", "date_start": None, "date_end": None}],
            "event_actors": [{"event_id": "e", "actor_id": "x", "role": "agent"}], "claims": [],
            "actors": [{"actor_id": "x", "name": "X"}],
            "crosswalk": [{"scheme_table": "events", "local_type": "strike", "plover_type": "ASSAULT", "plover_mode": None}]}
    (row,) = views.dyads(rows)
    assert (row["actor_id"], row["recipient_id"], row["quad_class"], row["dyad_id"]) == ("x", None, "material_conflict", "e/x->?")


def test_same_event_group_follows_a_chain_to_its_end():
    events = [{"event_id": "c", "same_event_as": "b"}, {"event_id": "b", "same_event_as": "a"}, {"event_id": "a", "same_event_as": None}]
    assert views.event_groups(events) == {"a": "a", "b": "a", "c": "a"}
