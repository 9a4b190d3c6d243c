"""schemas/crosswalk.json: complete against the enums in schemas/, vocabulary checked, rows match the
crosswalk Table Schema; ACLED-style precision codes derived from events."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from conftest import ROOT, newest_built

import cartel_campaign as cc
from cartel_campaign import crosswalk as cw
from cartel_campaign import fields

CROSSWALK = ROOT / "schemas" / "crosswalk.json"
#: claim_type values of the planned claims table (issue 14); read from its schema once it exists.
PLANNED_CLAIM_TYPES = ["accuse", "threaten", "reject", "request", "consult", "support", "agree", "concede", "aid", "justify", "assure", "acknowledge", "deny"]


def enum(table: str, field: str) -> list[str]:
    schema = fields.table_schema(ROOT / "schemas", table)
    return next(f for f in schema["fields"] if f["name"] == field)["constraints"]["enum"]


def event_types() -> list[str]:
    return enum("events", "event_type")


def claim_types() -> list[str]:
    if (ROOT / "schemas" / "claims.schema.json").is_file():
        return enum("claims", "claim_type")
    return PLANNED_CLAIM_TYPES


@pytest.fixture
def crosswalk() -> dict:
    return cw.load_crosswalk(CROSSWALK)


def test_crosswalk_is_complete_and_valid(crosswalk):
    assert cw.check_crosswalk(crosswalk, event_types(), claim_types()) == []
    rows = cw.crosswalk_rows(crosswalk)
    assert [(r["scheme_table"], r["local_type"]) for r in rows] == [("events", t) for t in event_types()] + [("claims", t) for t in claim_types()]


def test_every_local_type_is_checked_against_the_enums(crosswalk):
    """A type missing from the file, an extra type and a type mapped twice are all reported."""
    assert cw.check_crosswalk(crosswalk, event_types() + ["blockade"], claim_types()) == ["mappings.events: 'blockade' is not mapped"]
    short = copy.deepcopy(crosswalk)
    dropped = short["mappings"]["claims"].pop(0)["local_type"]
    short["mappings"]["events"].append(dict(short["mappings"]["events"][0]))
    problems = cw.check_crosswalk(short, event_types()[1:], claim_types())
    assert f"mappings.claims: {dropped!r} is not mapped" in problems
    assert any("'strike' is mapped twice" in p for p in problems)
    assert any("'strike' is not a events type" in p for p in problems)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("plover_type", "BOMB", "plover_type 'BOMB' is not a PLOVER event type"),
        ("plover_mode", "nuclear", "plover_mode 'nuclear' is not a mode of ASSAULT"),
        ("acled_event_type", "Terrorism", "acled_event_type 'Terrorism' is not an ACLED event type"),
        ("acled_sub_event_type", "Armed clash", "acled_sub_event_type 'Armed clash' is not a sub-event type of Explosions/Remote violence"),
        ("plover", "ASSAULT", "unknown key 'plover'"),
    ],
)
def test_unknown_vocabulary_is_caught(crosswalk, field, value, message):
    bad = copy.deepcopy(crosswalk)
    strike = bad["mappings"]["events"][0]
    assert strike["local_type"] == "strike"
    strike[field] = value
    problems = cw.check_crosswalk(bad, event_types(), claim_types())
    assert len(problems) == 1 and message in problems[0] and problems[0].startswith("mappings.events[0] (strike): ")


def test_no_equivalent_needs_a_note_and_a_mode_needs_a_type(crosswalk):
    bad = copy.deepcopy(crosswalk)
    series = next(e for e in bad["mappings"]["events"] if e["local_type"] == "strike_series")
    series["note"] = None
    series["plover_mode"] = "aerial"
    problems = cw.check_crosswalk(bad, event_types(), claim_types())
    assert any("plover_mode 'aerial' given without a plover_type" in p for p in problems)
    assert any("needs a note saying why" in p for p in problems)


def test_duplicate_keys_and_bad_json_are_clear_errors(tmp_path):
    text = CROSSWALK.read_text(encoding="utf-8")
    dup = tmp_path / "dup.json"
    dup.write_text(text.replace('"plover_type": "ASSAULT",', '"plover_type": "ASSAULT", "plover_type": "COERCE",', 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"dup\.json: duplicate key\(s\) 'plover_type'"):
        cw.load_crosswalk(dup)
    broken = tmp_path / "broken.json"
    broken.write_text(text.replace('"vocabularies": {', '"vocabularies" {', 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json: line \d+, column \d+"):
        cw.load_crosswalk(broken)


def test_vocabularies_match_the_crosswalk_table_schema(crosswalk):
    """The enums of schemas/crosswalk.schema.json are the file's vocabularies; every row fits the schema."""
    schema = fields.table_schema(ROOT / "schemas", "crosswalk")
    columns = {f["name"]: f for f in schema["fields"]}
    assert list(columns) == list(cw.COLUMNS)
    assert all(f.get("description") for f in columns.values())
    plover, acled = crosswalk["vocabularies"]["plover"], crosswalk["vocabularies"]["acled"]
    assert columns["plover_type"]["constraints"]["enum"] == list(plover)
    assert set(columns["plover_mode"]["constraints"]["enum"]) == {m for modes in plover.values() for m in modes}
    assert columns["acled_event_type"]["constraints"]["enum"] == list(acled)
    assert columns["acled_sub_event_type"]["constraints"]["enum"] == [s for subs in acled.values() for s in subs]
    assert len(plover) == 16 and len(acled) == 6 and len(columns["acled_sub_event_type"]["constraints"]["enum"]) == 25

    from frictionless import Resource, Schema

    rows = cw.crosswalk_rows(crosswalk)
    table = [list(cw.COLUMNS)] + [["" if r[c] is None else r[c] for c in cw.COLUMNS] for r in rows]
    report = Resource(data=table, schema=Schema.from_descriptor(schema)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])


def test_time_precision():
    assert [cw.time_precision(p) for p in ("day", "month", "year", "unknown")] == [1, 3, 3, None]
    assert cw.time_precision("range", date(2025, 9, 1), date(2025, 9, 7)) == 2  # 7 days
    assert cw.time_precision("range", "2025-09-01", "2025-09-08") == 3  # 8 days
    assert cw.time_precision("range", date(2025, 1, 20), date(2025, 12, 31)) == 3
    assert cw.time_precision("range") == 3  # bounds unknown: no claim to a week
    with pytest.raises(ValueError, match="found 'weekly'"):
        cw.time_precision("weekly")


@pytest.mark.parametrize(
    "location, country, code",
    [
        (None, None, None),
        ("", "", None),
        (None, "MX", 3),
        ("the Caribbean", None, 3),
        ("the Caribbean and Pacific", None, 3),
        ("Latin America", None, 3),
        ("off Venezuela\u2019s coast", None, 3),
        ("Puerto Rico", None, 3),
        ("Venezuela", "VE", 3),
        ("near Uruapan", "MX", 2),
        ("outside Caracas", "VE", 2),
        ("Uruapan", "MX", 1),
    ],
)
def test_geo_precision(location, country, code):
    assert cw.geo_precision(location, country) == code


def test_a_date_window_has_the_precision_of_its_span():
    end = date(2025, 11, 23)
    assert cw.time_precision("window", None, end) == 3  # open: no lower bound
    assert cw.time_precision("window", date(2025, 11, 20), end) == 2
    assert cw.time_precision("window", date(2025, 1, 20), end) == 3


def test_precision_of_the_release_events():
    """Every event of the current release gets a code the rules define; the strike dated to the day is 1."""
    events = cc.load("events", newest_built())
    times = [cw.time_precision(r.date_precision, r.date_start, r.date_end) for r in events.itertuples()]
    geos = [cw.geo_precision(r.location, r.country) for r in events.itertuples()]
    assert set(times) <= {1, 2, 3, None} and set(geos) <= {1, 2, 3, None}
    by_id = dict(zip(events["event_id"], zip(times, geos)))
    assert by_id["003-us-strike-caribbean-vessel"] == (1, 3)
    assert by_id["001-carlos-manzo-assassination"] == (3, 3)  # an open date window (no lower bound) is 3
    assert by_id["002-reward-for-maduro-arrest"] == (3, None)
    assert by_id["002-us-departments-to-coordinate-actions"] == (None, None)  # scheduled, undated
