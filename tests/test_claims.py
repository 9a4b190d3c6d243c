"""The claims layer (issue 14): the rules that keep a claim its claimant's, and the published claims."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import ROOT, newest_built

import cartel_campaign as cc
from cartel_campaign import fields, rules


@pytest.fixture(scope="module")
def t():
    version = newest_built()
    return {name: cc.load(name, version) for name in ("claims", "claim_quotes", "quotes", "events", "evidence", "actors")}


# ------------------------------------------------------------------ the rules ----


def test_claim_modes_are_the_plover_modes_of_the_crosswalk():
    plover = json.loads((ROOT / "schemas" / "crosswalk.json").read_text(encoding="utf-8"))["vocabularies"]["plover"]
    for claim_type, modes in rules.CLAIM_MODES.items():
        assert sorted(modes) == sorted(plover[claim_type.upper()]), claim_type
    schema = fields.table_schema(ROOT / "schemas", "claims")
    mode_enum = next(f for f in schema["fields"] if f["name"] == "claim_mode")["constraints"]["enum"]
    assert sorted(mode_enum) == sorted({m for modes in rules.CLAIM_MODES.values() for m in modes})


def test_a_mode_must_belong_to_its_type():
    row = {"claim_id": "004-a-claim", "article_id": "004_a369d1b0aa72c426", "claim_type": "deny", "claim_mode": "allege",
           "claimant_actor_id": "donald-trump", "claimant_basis": "named", "polarity": "negative", "modality": "asserted",
           "date_start": None, "date_end": dt.date(2025, 11, 23), "date_precision": "window", "date_inferred": True, "date_basis": "a window"}
    assert [f.rule.code for f in rules.row_findings("claims", row)] == ["claim-mode-of-type"]
    assert rules.row_findings("claims", dict(row, claim_type="accuse", polarity="positive")) == []


def test_a_claim_with_no_named_claimant_says_how_the_text_reports_it():
    row = {"claim_id": "003-a-claim", "article_id": "003_2475ecbfe2fd795f", "claim_type": "accuse", "claim_mode": "allege",
           "polarity": "positive", "modality": "asserted",
           "claimant_actor_id": None, "claimant_basis": "unnamed", "date_start": None, "date_end": dt.date(2025, 12, 31),
           "date_precision": "window", "date_inferred": True, "date_basis": "a window"}
    assert rules.row_findings("claims", row) == []
    assert [f.rule.code for f in rules.row_findings("claims", dict(row, claimant_basis="named"))] == ["claimant-basis-agrees"]
    assert [f.rule.code for f in rules.row_findings("claims", dict(row, claimant_actor_id="united-states"))] == ["claimant-basis-agrees"]
    assert rules.row_findings("claims", row, "1.1.0") == []  # a rule of 1.2.0 on


def test_polarity_is_the_acts():
    row = {"claim_id": "000-a-claim", "article_id": "000_41a7ef844e344957", "claim_type": "accuse", "claim_mode": None,
           "polarity": "negative", "modality": "asserted",
           "claimant_actor_id": "marco-rubio", "claimant_basis": "named", "date_start": None, "date_end": dt.date(2025, 12, 31),
           "date_precision": "window", "date_inferred": True, "date_basis": "a window"}
    assert [f.rule.code for f in rules.row_findings("claims", row)] == ["claim-coded-one-way"]
    assert rules.row_findings("claims", dict(row, claim_type="assure")) == []
    assert [f.column for f in rules.row_findings("claims", dict(row, claim_type="acknowledge", polarity="positive", modality="future"))] == ["modality"]


def test_an_indirect_claim_shows_its_reporting_verb():
    assert rules.reporting_verb_rule(["Caracas has vehemently rejected the US allegations"]) is None
    assert rules.reporting_verb_rule(["according to officials, the group"]) is None
    assert "verb of saying" in rules.reporting_verb_rule(["the group traffics drugs into the country"])


def test_every_quote_is_linked_or_says_why_not():
    reasons = {"q1": None, "q2": "an analyst's view", "q3": None, "q4": "a remark"}
    found = rules.claim_link_rule({"q1", "q4"}, reasons)
    assert [q for q, _ in found] == ["q3", "q4"]


def test_an_event_resting_only_on_claimed_words_is_refused():
    claimed = [(100, 140)]
    assert "record it in claims" in rules.event_in_own_voice_rule([(105, 120)], claimed)
    assert rules.event_in_own_voice_rule([(105, 120), (200, 260)], claimed) is None
    assert rules.event_in_own_voice_rule([(105, 120)], []) is None


def test_a_statement_is_recorded_once():
    events, types = {"e-policy": [(10, 50), (60, 90)], "e-call": [(200, 240)]}, {"e-policy": "policy", "e-call": "statement"}
    assert "recorded once, as a claim" in rules.claim_is_not_an_event_rule({(10, 50), (60, 90)}, None, events, types)
    assert rules.claim_is_not_an_event_rule({(10, 50), (60, 90)}, "e-policy", events, types) is None
    assert rules.claim_is_not_an_event_rule({(10, 50)}, None, events, types) is None
    assert "recorded once, as a claim" in rules.claim_is_not_an_event_rule({(200, 240)}, "e-call", events, types)


# ------------------------------------------------------------------ the data ----


def test_every_article_has_claims_with_evidence(t):
    claims, evidence = t["claims"], t["evidence"]
    assert set(claims.article_id) == set(cc.load("articles", newest_built()).article_id)
    backed = set(evidence.loc[evidence.record_table == "claims", "record_id"])
    assert set(claims.claim_id) <= backed


def test_speech_is_direct_exactly_when_a_quote_carries_the_claim(t):
    carried = set(t["claim_quotes"].claim_id)
    for row in t["claims"].itertuples():
        assert row.speech == ("direct" if row.claim_id in carried else "indirect"), row.claim_id


def test_claim_quotes_link_quotes_of_the_claims_own_article(t):
    merged = t["claim_quotes"].merge(t["claims"][["claim_id", "article_id"]], on="claim_id").merge(
        t["quotes"][["quote_id", "article_id"]], on="quote_id", suffixes=("_claim", "_quote"))
    assert len(merged) == len(t["claim_quotes"])
    assert (merged.article_id_claim == merged.article_id_quote).all()


def test_every_quote_is_carried_by_a_claim_or_says_why_not(t):
    carried = set(t["claim_quotes"].quote_id)
    quotes = t["quotes"]
    assert (quotes.quote_id.isin(carried) != quotes.no_claim_reason.notna()).all()


def test_no_claim_is_an_event_role(t):
    """The allegations the 1.0.0 data turned into roles are claims now (issue 14.2)."""
    roles = cc.load("event_actors", newest_built())
    assert not ((roles.event_id == "003-us-strike-caribbean-vessel") & (roles.actor_id == "tren-de-aragua")).any()
    claims = t["claims"]
    assert ((claims.claimant_actor_id == "maduro-government") & (claims.claim_type == "deny")).any()


def test_no_threat_is_an_event(t):
    assert "002-tariff-threats-mexico-canada" not in set(t["events"].event_id)
    threats = t["claims"][t["claims"].claim_type == "threaten"]
    assert "002-administration-tariff-threats" in set(threats.claim_id)
