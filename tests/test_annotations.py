"""Completeness and truthfulness checks on the newest release, computed independently of the build.

These read the published tables and the article texts; they do not reuse the build's own code,
so a bug in the build cannot hide a gap in the data.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import ROOT, newest_built

import cartel_campaign as cc

NUMBER_WORDS = {4: "four", 11: "eleven", 29: "twenty-nine"}
QUOTE_CHARS = "\u201c\u201d\""


@pytest.fixture(scope="module")
def t():
    return cc.load_all(newest_built())


@pytest.fixture(scope="module")
def texts(t):
    return {r.article_id: (ROOT / r.seed_file).read_text(encoding="utf-8") for r in t["articles"].itertuples()}


def quotation_pairs(text: str) -> list[tuple[int, int]]:
    """Inner spans of quotation-mark pairs: marks are paired in order within each paragraph."""
    pairs, offset = [], 0
    for para in text.split("\n"):
        marks = [offset + i for i, ch in enumerate(para) if ch in QUOTE_CHARS]
        assert len(marks) % 2 == 0, f"odd number of quotation marks in paragraph at offset {offset}: {para[:80]!r}"
        pairs += [(marks[i] + 1, marks[i + 1]) for i in range(0, len(marks), 2)]
        offset += len(para) + 1
    return pairs


def test_every_article_is_annotated_completely(t):
    assert set(t["articles"]["annotation_status"]) == {"complete"}


def test_every_quotation_mark_span_is_a_quote_or_an_exclusion(t, texts):
    covered = pd.concat([t["quotes"][["article_id", "char_start", "char_end"]], t["quote_exclusions"][["article_id", "char_start", "char_end"]]])
    uncovered = []
    n_pairs = 0
    for aid, text in texts.items():
        rows = covered[covered.article_id == aid]
        for s, e in quotation_pairs(text):
            n_pairs += 1
            inside = rows[(rows.char_start >= s) & (rows.char_end <= e)]
            if len(inside) != 1:
                uncovered.append(f"{aid} [{s}:{e}] {text[s:e]!r} ({len(inside)} rows)")
    assert uncovered == [], "quotation marks without exactly one quote/exclusion:\n" + "\n".join(uncovered)
    assert n_pairs == len(covered)


def test_quote_text_is_what_stands_between_the_marks(t, texts):
    """Only a leading '>' (tweet marker) or a trailing comma may be left out of the marks' content."""
    for q in t["quotes"].itertuples():
        text = texts[q.article_id]
        s = max(i for i in range(q.char_start) if text[i] in QUOTE_CHARS) + 1
        e = min(i for i in range(q.char_end, len(text)) if text[i] in QUOTE_CHARS)
        assert re.fullmatch(r"[>\s]*", text[s : q.char_start]), q.quote_id
        assert re.fullmatch(r"[,\s]*", text[q.char_end : e]), q.quote_id


def test_every_alias_occurs_in_an_article(t, texts):
    corpus = "\n".join(texts.values())
    missing = [a for a in t["actor_aliases"]["alias"] if not re.search(rf"(?<!\w){re.escape(a)}(?!\w)", corpus)]
    assert missing == []


def test_every_actor_is_backed_by_a_mention_or_evidence(t):
    backed = set(t["actor_mentions"]["actor_id"]) | set(t["evidence"].loc[t["evidence"].record_table == "actors", "record_id"])
    assert set(t["actors"]["actor_id"]) - backed == set()


def test_every_actor_row_refers_to_known_actors(t):
    ids = set(t["actors"]["actor_id"])
    for table, cols in {"quotes": ["speaker_actor_id", "reported_by_actor_id"], "event_actors": ["actor_id"],
                        "designations": ["target_actor_id", "authority_actor_id"], "events": ["source_actor_id"]}.items():
        for col in cols:
            assert set(t[table][col].dropna()) <= ids, (table, col)


def test_fatality_numbers_appear_in_their_own_evidence(t):
    ev = t["evidence"][t["evidence"].record_table == "events"]
    checked = 0
    for e in t["events"].itertuples():
        for n in (e.fatalities, e.fatalities_cumulative):
            if pd.isna(n):
                continue
            spans = " ".join(ev.loc[ev.record_id == e.event_id, "text"])
            assert re.search(rf"(?<!\d){int(n)}(?!\d)", spans) or NUMBER_WORDS.get(int(n), "\0") in spans.lower(), e.event_id
            checked += 1
    assert checked >= 3  # the 20th strike (4), the September 2 strike (11), the running total (~80)


def test_running_totals_are_never_single_event_fatalities(t):
    e = t["events"]
    assert e.loc[e.fatalities_cumulative.notna(), "event_type"].eq("strike_series").all()
    assert e.loc[e.event_type == "strike_series", "fatalities"].isna().all()


def test_events_and_designations_have_evidence_in_their_own_article(t):
    ev = t["evidence"]
    for table, key in (("events", "event_id"), ("designations", "designation_id"), ("quotes", "quote_id")):
        own = t[table][[key, "article_id"]].rename(columns={key: "record_id"})
        joined = own.merge(ev[ev.record_table == table], on=["record_id", "article_id"], how="left", indicator=True)
        assert (joined["_merge"] == "both").groupby(joined["record_id"]).any().all(), table
        foreign = ev[ev.record_table == table].merge(own, on="record_id", suffixes=("", "_record"))
        assert (foreign.article_id == foreign.article_id_record).all(), table


def test_claims_are_attributed(t):
    e = t["events"]
    assert e.loc[e.attribution == "claimed", "source_actor_id"].notna().all()
    anon = t["quotes"].merge(t["actors"], left_on="speaker_actor_id", right_on="actor_id")
    assert (anon.loc[anon.actor_type == "anonymous_source", "attribution"] == "anonymous").all()


def test_inferred_dates_say_why(t):
    for table in ("events", "designations"):
        df = t[table]
        assert df.loc[df.date_inferred, "date_basis"].notna().all(), table
    stated_day = t["events"][t["events"].date_precision == "day"]
    assert stated_day.date_inferred.all(), "no article states a year next to a day: every day-precise date infers its year"


def test_designations_are_only_what_the_texts_state(t):
    d = t["designations"]
    assert sorted(zip(d.target_actor_id, d.designation_type)) == [
        ("cartel-de-los-soles", "foreign_terrorist_organization"),
        ("cartel-de-los-soles", "sanctions"),
        ("cartel-del-noreste", "foreign_terrorist_organization"),
        ("tren-de-aragua", "other_terrorist_designation"),  # the text says "foreign terrorist entity"
    ]
    fto = d[d.designation_id == "004-cartel-de-los-soles-fto"].iloc[0]
    assert fto.effective_date == pd.Timestamp("2025-11-24") and fto.date_inferred
    assert fto.legal_basis == "Section 219 of the Immigration and Nationality Act"


def test_same_event_links_are_symmetric_in_meaning(t):
    e = t["events"].set_index("event_id")
    for eid, other in e["same_event_as"].dropna().items():
        assert e.loc[eid, "article_id"] != e.loc[other, "article_id"], eid
        assert e.loc[eid, "event_type"] == e.loc[other, "event_type"], eid
