"""The analysis-ready views (cartel_campaign.views: events_wide, claims_wide, dyads), from 1.2.0 on: what each
row says is what the joins a researcher would write by hand give, on the newest release; the Arrow views (a column
at a time) give exactly what the row-by-row reference (tests/views_reference.py, the build's code before) gives, on
the release and on small awkward tables; and the rules that recompute them name the first row that differs."""
from __future__ import annotations

import datetime as dt
import json
import random

import pandas as pd
import pyarrow as pa
import pytest

import views_reference as reference
from conftest import ROOT, newest_version

import cartel_campaign as cc
from cartel_campaign import checks, crosswalk, release, views
from cartel_campaign.build.project import load_schemas
from cartel_campaign.build.stage import view_tables
from cartel_campaign.rules.tables import compare_tables, view_problems
from cartel_campaign.validation.files import read_release

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
    tables = arrow({"events": [{"event_id": "e", "article_id": "a", "event_type": "strike"}],
                    "event_actors": [{"event_id": "e", "actor_id": "x", "role": "agent"}],
                    "actors": [{"actor_id": "x", "name": "X"}],
                    "crosswalk": [{"scheme_table": "events", "local_type": "strike", "plover_type": "ASSAULT"}]})
    (row,) = views.dyads(tables, SCHEMAS["dyads"]).to_pylist()
    assert (row["actor_id"], row["recipient_id"], row["quad_class"], row["dyad_id"]) == ("x", None, "material_conflict", "e/x->?")


def test_same_event_group_follows_a_chain_to_its_end_and_stops_at_a_cycle():
    assert views.event_groups(["c", "b", "a"], ["b", "a", None]) == {"a": "a", "b": "a", "c": "a"}
    assert views.event_groups(["p", "q", "r"], ["q", "p", "r"]) == {"p": "q", "q": "p", "r": "r"}


# ------------------------------------------------------------------ Arrow views against the row-by-row reference ----

_, _TABLE_SCHEMAS = load_schemas(ROOT)
#: Every table's Arrow schema as the build writes it.
SCHEMAS = {name: release.arrow_schema(s) for name, s in _TABLE_SCHEMAS.items()}
SOURCE_TABLES = sorted({t for name in views.COMPUTE for t in views.SOURCES[name]})


def arrow(rows: dict) -> dict:
    """Hand-made source tables (a column a row leaves out is None; a table left out is empty) as the build's Arrow tables."""
    return {t: pa.Table.from_pylist([{f.name: r.get(f.name) for f in SCHEMAS[t]} for r in rows.get(t, [])], schema=SCHEMAS[t])
            for t in SOURCE_TABLES}


def reference_view(name: str, tables: dict) -> pa.Table:
    rows = {t: tables[t].to_pylist() for t in views.SOURCES[name]}
    return pa.Table.from_pylist(reference.COMPUTE[name](rows), schema=SCHEMAS[name])


def assert_views_are_the_reference(tables: dict) -> dict:
    out = {}
    for name in views.COMPUTE:
        got, want = views.view_table(name, tables, SCHEMAS[name]), reference_view(name, tables)
        assert got.schema.equals(want.schema, check_metadata=True), name
        assert got.equals(want), (name, compare_tables(got, want))
        out[name] = got
    return out


def test_the_arrow_views_are_the_row_by_row_views_and_the_releases_on_the_newest_release():
    _, tables, _, problems = read_release(ROOT / "dataset" / NEWEST)
    assert not problems
    got = assert_views_are_the_reference(tables)
    built = view_tables({t: tables[t] for t in SOURCE_TABLES}, _TABLE_SCHEMAS)  # what the build writes
    for name in views.COMPUTE:
        assert got[name].num_rows > 0 and got[name].equals(tables[name]) and built[name].equals(tables[name]), name
        assert built[name].num_columns == tables[name].num_columns and built[name].column(0).num_chunks == 1


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


AWKWARD = {
    "articles": [{"article_id": "a1", "title": "One"}, {"article_id": "a2", "title": None}, {"article_id": "a3", "title": "Three"},
                 {"article_id": "a1", "title": "One, again"}],  # a key twice: the last row counts, as in a dict
    "actors": [{"actor_id": "x", "name": "X"}, {"actor_id": "y", "name": "Y"}, {"actor_id": "z", "name": "Z"},
               {"actor_id": "x", "name": "X2"}],
    "crosswalk": [{"scheme_table": "events", "local_type": "strike", "plover_type": "ASSAULT", "plover_mode": "aerial",
                   "acled_event_type": "Battles"},
                  {"scheme_table": "claims", "local_type": "strike", "plover_type": "ACCUSE"},  # another scheme's row
                  {"scheme_table": "events", "local_type": "talk", "plover_type": "CONSULT", "plover_mode": None},
                  {"scheme_table": "events", "local_type": "strike", "plover_type": "COERCE", "plover_mode": "seize",
                   "acled_sub_event_type": "Attack"},
                  {"scheme_table": "claims", "local_type": "accusation", "plover_type": "ACCUSE", "plover_mode": "crime"},
                  {"scheme_table": "claims", "local_type": "denial", "plover_type": "REJECT", "plover_mode": None}],
    "events": [
        {"event_id": "e1", "article_id": "a1", "event_type": "talk", "date_start": day("2025-09-02"), "summary": "no actors"},
        {"event_id": "e2", "article_id": "a1", "event_type": "strike", "date_start": day("2025-09-01"), "date_end": day("2025-09-03"),
         "source_actor_id": "x", "fatalities": 3, "location": "Sea"},
        {"event_id": "e3", "article_id": "a3", "event_type": "strike", "same_event_as": "e2", "source_actor_id": "ghost"},
        {"event_id": "e4", "article_id": "a2", "event_type": "unknown-type", "same_event_as": "e3"},  # a chain of 3: e4 -> e3 -> e2
        {"event_id": "e5", "article_id": "a1", "event_type": "strike", "same_event_as": "e3"},  # same article twice in a group
        {"event_id": "c1", "article_id": "a2", "event_type": "talk", "same_event_as": "c2"},  # a cycle
        {"event_id": "c2", "article_id": "a3", "event_type": "talk", "same_event_as": "c1"},
        {"event_id": "s1", "article_id": "zz", "event_type": "talk", "same_event_as": "s1"},  # itself; an unknown article
        {"event_id": "d1", "article_id": "a1", "event_type": "talk", "same_event_as": "c1"},  # a chain into a cycle
        {"event_id": "t1", "article_id": "a1", "event_type": "strike"},  # targets only
        {"event_id": "g1", "article_id": "a1", "event_type": "strike"},  # agents only, one of them unnamed
    ],
    "event_actors": [
        {"event_id": "e2", "actor_id": "z", "role": "target"}, {"event_id": "e2", "actor_id": "x", "role": "agent"},
        {"event_id": "t1", "actor_id": "y", "role": "target"}, {"event_id": "e2", "actor_id": "x", "role": "witness"},
        {"event_id": "e2", "actor_id": "y", "role": "agent"}, {"event_id": "e2", "actor_id": "ghost", "role": "target"},
        {"event_id": "e3", "actor_id": "y", "role": "victim"}, {"event_id": "nope", "actor_id": "x", "role": "agent"},
        {"event_id": "g1", "actor_id": "ghost", "role": "agent"}, {"event_id": "g1", "actor_id": "z", "role": "agent"},
        {"event_id": "t1", "actor_id": "x", "role": "target"}, {"event_id": "e2", "actor_id": "z", "role": "agent"},
    ],
    "claims": [
        {"claim_id": "k1", "article_id": "a1", "claim_type": "accusation", "claim_mode": None, "claimant_actor_id": "x",
         "target_actor_id": "ghost", "polarity": "positive", "date_start": day("2025-09-05")},
        {"claim_id": "k2", "article_id": "a2", "claim_type": "denial", "claim_mode": "own-mode", "claimant_actor_id": None,
         "target_actor_id": "y", "polarity": "negative"},
        {"claim_id": "k3", "article_id": "a3", "claim_type": "accusation", "claim_mode": "", "claimant_actor_id": "z",
         "target_actor_id": None, "polarity": "positive"},
        {"claim_id": "k4", "article_id": "a3", "claim_type": "unknown-type", "claimant_actor_id": "", "target_actor_id": ""},
    ],
    "quotes": [{"quote_id": "q1", "text": "first"}, {"quote_id": "q2", "text": "second"}, {"quote_id": "q3", "text": "third"}],
    "claim_quotes": [{"claim_id": "k2", "quote_id": "q2"}, {"claim_id": "k3", "quote_id": "q3"}, {"claim_id": "k2", "quote_id": "q1"},
                     {"claim_id": "k2", "quote_id": "q-missing"}, {"claim_id": "k2", "quote_id": "q3"}],
    "evidence": [{"record_table": "claims", "record_id": "k2", "text": "ev two"}, {"record_table": "events", "record_id": "k1", "text": "not a claim's"},
                 {"record_table": "claims", "record_id": "k1", "text": "ev one"}, {"record_table": "claims", "record_id": "k2", "text": "ev two again"},
                 {"record_table": "actors", "record_id": "k3", "text": "an actor's"}],
}


def test_the_arrow_views_are_the_row_by_row_views_on_awkward_tables():
    got = assert_views_are_the_reference(arrow(AWKWARD))
    wide = {r["event_id"]: r for r in got["events_wide"].to_pylist()}
    assert wide["e2"]["actor1_ids"] == "x | y | z" and wide["e2"]["actor2_names"] == "Z" and wide["e2"]["other_actors"] == "witness:x"
    assert wide["e1"]["actor1_ids"] is None and wide["g1"]["actor1_names"] == "Z"
    assert [wide[e]["same_event_group"] for e in ("e4", "c1", "c2", "s1", "d1")] == ["e2", "c2", "c1", "s1", "c2"]
    assert wide["e4"]["reported_in"] == "a1 | a2 | a3" and wide["e4"]["n_reporting_articles"] == 3
    claims = {r["claim_id"]: r for r in got["claims_wide"].to_pylist()}
    assert claims["k2"]["quote_texts"] == "second | first | third" and claims["k1"]["quote_ids"] is None
    assert claims["k2"]["evidence_text"] == "ev two | ev two again" and claims["k4"]["evidence_text"] is None
    dyads = got["dyads"].to_pylist()
    assert [d["dyad_id"] for d in dyads if d["record_id"] == "e2"] == [f"e2/{s}->{t}" for s in "xyz" for t in ("z", "ghost")]
    assert [d["dyad_id"] for d in dyads if d["record_table"] == "claims"] == ["k1/x->ghost", "k2/?->y", "k3/z->?", "k4/?->?"]


def many(seed: int) -> dict:
    """Source tables of a few hundred rows in shuffled order: ids drawn from small pools, so keys repeat, links chain and
    cycle, and some ids name nothing."""
    rnd = random.Random(seed)

    def pick(prefix: str, n: int, none: float = 0.0):
        return None if rnd.random() < none else f"{prefix}{rnd.randrange(n)}"

    events = [{"event_id": f"e{i}", "article_id": pick("a", 6), "event_type": pick("t", 4), "same_event_as": pick("e", 60, 0.6),
               "source_actor_id": pick("x", 25, 0.3), "date_start": day("2025-01-01") + dt.timedelta(days=i)} for i in range(60)]
    claims = [{"claim_id": f"k{i}", "article_id": pick("a", 6), "claim_type": pick("t", 4), "claim_mode": rnd.choice([None, "", "m"]),
               "claimant_actor_id": pick("x", 25, 0.2), "target_actor_id": pick("x", 25, 0.3), "polarity": "positive"} for i in range(80)]
    return {
        "articles": [{"article_id": f"a{i}", "title": f"T{i}"} for i in range(5)],
        "actors": [{"actor_id": f"x{rnd.randrange(25)}", "name": f"N{i}"} for i in range(30)],
        "crosswalk": [{"scheme_table": rnd.choice(["events", "claims"]), "local_type": pick("t", 4), "plover_type": rnd.choice(list(crosswalk.PLOVER_QUAD)),
                       "plover_mode": rnd.choice([None, "p"]), "acled_event_type": rnd.choice([None, "A"])} for _ in range(10)],
        "events": events, "claims": claims,
        "event_actors": [{"event_id": pick("e", 64), "actor_id": pick("x", 28, 0.05),
                          "role": rnd.choice(["agent", "target", "agent", "target", "witness", None])}
                         for _ in range(300)],
        "quotes": [{"quote_id": f"q{i}", "text": f"quote {i}"} for i in range(40)],
        "claim_quotes": [{"claim_id": pick("k", 85), "quote_id": pick("q", 45)} for _ in range(120)],
        "evidence": [{"record_table": rnd.choice(["claims", "events", "quotes"]), "record_id": pick("k", 85), "text": f"ev {i}"} for i in range(400)],
    }


@pytest.mark.parametrize("seed", range(5))
def test_the_arrow_views_are_the_row_by_row_views_on_many_shuffled_rows(seed):
    got = assert_views_are_the_reference(arrow(many(seed)))
    assert got["dyads"].num_rows > got["events_wide"].num_rows + got["claims_wide"].num_rows


def test_the_arrow_views_are_the_row_by_row_views_on_empty_tables():
    got = assert_views_are_the_reference(arrow({}))
    assert all(t.num_rows == 0 for t in got.values())
    only_events = assert_views_are_the_reference(arrow({"events": AWKWARD["events"], "claims": AWKWARD["claims"]}))
    assert only_events["dyads"].num_rows == len(AWKWARD["events"]) + len(AWKWARD["claims"])


# ------------------------------------------------------------------ the rules that recompute the views ----

@pytest.fixture(scope="module")
def newest_tables():
    _, tables, _, problems = read_release(ROOT / "dataset" / NEWEST)
    assert not problems
    return tables


def held(tables: dict, name: str) -> dict:
    """What validate's rule runner gives a view's rule: its tables as checks.LazyRows."""
    return {t: checks.LazyRows(tables[t]) for t in (name, *views.SOURCES[name]) if t in tables}


def tampered(table: pa.Table, row: int, column: str, value) -> pa.Table:
    rows = table.to_pylist()
    rows[row][column] = value
    return pa.Table.from_pylist(rows, schema=table.schema)


def test_a_view_rule_names_the_first_row_and_column_that_differ(newest_tables):
    assert all(view_problems(name, held(newest_tables, name)) == [] for name in views.COMPUTE)
    wide = newest_tables["events_wide"]
    row = wide["n_reporting_articles"].to_pylist().index(2)
    bad = tampered(tampered(wide, row, "n_reporting_articles", 1), row + 1, "summary", "changed")
    assert view_problems("events_wide", held({**newest_tables, "events_wide": bad}, "events_wide")) == [
        f"row {row}: n_reporting_articles is 1, recomputed 2"]
    dyads = newest_tables["dyads"]
    at = next(i for i, d in enumerate(dyads.to_pylist()) if d["actor_name"] is not None and d["quad_class"] is not None)
    d = dyads.slice(at, 1).to_pylist()[0]
    both = tampered(tampered(dyads, at, "actor_name", None), at, "quad_class", "peace")
    assert view_problems("dyads", held({**newest_tables, "dyads": both}, "dyads")) == [
        f"row {at}: actor_name is None, recomputed {d['actor_name']!r}, quad_class is 'peace', recomputed {d['quad_class']!r}"]
    fewer = newest_tables["claims_wide"].slice(1)
    assert view_problems("claims_wide", held({**newest_tables, "claims_wide": fewer}, "claims_wide")) == [
        f"the release has {fewer.num_rows} rows, recomputing them from the other tables and the articles gives {fewer.num_rows + 1}"]


def test_a_view_rule_reports_a_missing_table_or_other_columns_without_a_traceback(newest_tables):
    without = {t: newest_tables[t] for t in newest_tables if t != "actors"}
    assert view_problems("dyads", held(without, "dyads")) == ["not recomputed: the release has no readable actors table"]
    renamed = newest_tables["dyads"].rename_columns(["id", *newest_tables["dyads"].column_names[1:]])
    (message,) = view_problems("dyads", held({**newest_tables, "dyads": renamed}, "dyads"))
    assert message.startswith("cannot be recomputed from the other tables with the release's columns and types: its columns are ['id'")
    retyped = newest_tables["events_wide"].set_column(0, "event_id", pa.array(range(newest_tables["events_wide"].num_rows)))
    (message,) = view_problems("events_wide", held({**newest_tables, "events_wide": retyped}, "events_wide"))
    assert message.startswith("cannot be recomputed") and "column event_id is int64" in message


def test_a_view_rule_refuses_a_column_made_text_in_the_release(newest_tables):
    """A view's number column turned into text in the release (its values the numbers' digits) is not the view: the
    recompute is not cast to the release's text to compare equal (before, the rule compared Python values: 2 != "2")."""
    wide = newest_tables["events_wide"]
    at = wide.schema.get_field_index("n_reporting_articles")
    as_text = wide.set_column(at, pa.field("n_reporting_articles", pa.string(), nullable=False), wide.column(at).cast(pa.string()))
    (message,) = view_problems("events_wide", held({**newest_tables, "events_wide": as_text}, "events_wide"))
    assert message.startswith("cannot be recomputed") and "column n_reporting_articles is string, the view computes int64" in message
    dates = newest_tables["dyads"]
    at = dates.schema.get_field_index("date_start")
    as_text = dates.set_column(at, pa.field("date_start", pa.string()), dates.column(at).cast(pa.string()))
    (message,) = view_problems("dyads", held({**newest_tables, "dyads": as_text}, "dyads"))
    assert "column date_start is string" in message
    stamped = dates.set_column(at, pa.field("date_start", pa.timestamp("s")), dates.column(at).cast(pa.timestamp("s")))
    (message,) = view_problems("dyads", held({**newest_tables, "dyads": stamped}, "dyads"))
    assert "column date_start is timestamp[s]" in message
