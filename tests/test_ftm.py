"""FollowTheMoney export of designations: one Sanction per designation pointing at its target,
aliases kept, FtM's own validation passes (and bites), byte-deterministic output."""
from __future__ import annotations

import copy
import json

import pytest

import cartel_campaign as cc
from cartel_campaign import ftm

RELEASE = "1.0.0"


@pytest.fixture(scope="module")
def release_rows() -> dict:
    return ftm.release_tables(RELEASE)


@pytest.fixture(scope="module")
def entities(release_rows) -> list[dict]:
    return ftm.designation_entities(release_rows)


def made_up_rows() -> dict:
    """Two designations of one person (one with dates and a legal basis), one of a group of unknown type."""
    return {
        "designations": [
            {"designation_id": "900-el-jefe-sanctions", "article_id": "900_0123456789abcdef", "target_actor_id": "el-jefe",
             "authority_actor_id": "treasury", "designation_type": "sanctions", "legal_basis": "Executive Order 14059",
             "status": "announced", "announced_date": "2025-03-01", "effective_date": "2025-03-15", "date_inferred": False,
             "date_basis": None, "event_id": None, "note": None},
            {"designation_id": "900-el-jefe-fto", "article_id": "900_0123456789abcdef", "target_actor_id": "el-jefe",
             "authority_actor_id": "treasury", "designation_type": "foreign_terrorist_organization", "legal_basis": None,
             "status": "in_effect", "announced_date": None, "effective_date": None, "date_inferred": False,
             "date_basis": None, "event_id": None, "note": "Made up."},
            {"designation_id": "900-la-banda-fto", "article_id": "900_0123456789abcdef", "target_actor_id": "la-banda",
             "authority_actor_id": "treasury", "designation_type": "foreign_terrorist_organization", "legal_basis": None,
             "status": "in_effect", "announced_date": None, "effective_date": None, "date_inferred": False,
             "date_basis": None, "event_id": None, "note": None},
        ],
        "actors": [
            {"actor_id": "el-jefe", "name": "José Pérez", "actor_type": "person", "country": "MX", "description": None,
             "affiliation_actor_id": None, "wikidata_qid": "Q42"},
            {"actor_id": "la-banda", "name": "La Banda", "actor_type": "group", "country": None, "description": None,
             "affiliation_actor_id": None, "wikidata_qid": None},
            {"actor_id": "treasury", "name": "US Department of the Treasury", "actor_type": "government_agency",
             "country": "US", "description": None, "affiliation_actor_id": None, "wikidata_qid": None},
        ],
        "actor_aliases": [
            {"actor_id": "el-jefe", "alias": "José Pérez"},
            {"actor_id": "el-jefe", "alias": "El Jefe"},
            {"actor_id": "el-jefe", "alias": "Pérez"},
        ],
        "articles": [
            {"article_id": "900_0123456789abcdef", "seed_file": "seeds/900_0123456789abcdef.txt", "title": None,
             "published_earliest": "2025-01-01", "published_latest": "2026-02-01"},
        ],
        "evidence": [
            {"record_table": "designations", "record_id": "900-el-jefe-sanctions", "article_id": "900_0123456789abcdef",
             "char_start": 50, "char_end": 60, "text": "second bit", "basis": "annotated"},
            {"record_table": "designations", "record_id": "900-el-jefe-sanctions", "article_id": "900_0123456789abcdef",
             "char_start": 0, "char_end": 9, "text": "first bit", "basis": "annotated"},
            {"record_table": "events", "record_id": "900-el-jefe-sanctions", "article_id": "900_0123456789abcdef",
             "char_start": 0, "char_end": 9, "text": "not this", "basis": "annotated"},
        ],
    }


def by_schema(entities: list[dict], schema: str) -> list[dict]:
    return [e for e in entities if e["schema"] == schema]


def test_every_designation_is_one_sanction_on_its_target(entities, release_rows):
    designations = release_rows["designations"]
    assert designations
    sanctions = {s["properties"]["recordId"][0]: s for s in by_schema(entities, "Sanction")}
    assert sorted(sanctions) == sorted(d["designation_id"] for d in designations)
    ids = {e["id"]: e for e in entities}
    actors = {a["actor_id"]: a for a in release_rows["actors"]}
    for d in designations:
        s = sanctions[d["designation_id"]]["properties"]
        (target_id,) = s["entity"]
        target = ids[target_id]
        assert target["schema"] == "Organization"  # every 1.0.0 target is a criminal organization
        assert target["properties"]["name"] == [actors[d["target_actor_id"]]["name"]]
        assert s["authority"] == [actors[d["authority_actor_id"]]["name"]]
        assert ids[s["proof"][0]]["schema"] == "Article"
    # The two Cartel de los Soles designations share one target entity.
    targets = {d["target_actor_id"] for d in designations}
    articles = {d["article_id"] for d in designations}
    assert len(by_schema(entities, "Organization")) == len(targets) and len(entities) == len(designations) + len(targets) + len(articles)


def test_release_details_follow_the_rows(entities):
    ids = {e["id"]: e["properties"] for e in entities}
    soles = ids["cartel-campaign-actor-cartel-de-los-soles"]
    assert soles["alias"] == ["Cartel de Los Soles"] and soles["country"] == ["ve"]
    fto = ids["cartel-campaign-designation-004-cartel-de-los-soles-fto"]
    assert fto["program"] == ["Foreign Terrorist Organization (Section 219 of the Immigration and Nationality Act)"]
    assert fto["startDate"] == ["2025-11-24"] and "listingDate" not in fto  # no announcement date in the text
    assert fto["status"] == ["announced"]
    assert fto["summary"][1] == "By invoking Section 219 of the Immigration and Nationality Act"
    assert any(d.startswith("Dates: ") and "inferred" in d for d in fto["description"])
    assert not any("sourceUrl" in p or "reason" in p for p in ids.values())


def test_made_up_rows(release_rows):
    entities = ftm.designation_entities(made_up_rows())
    assert ftm.validate_entities(entities) == []
    ids = {e["id"]: e for e in entities}
    person = ids["cartel-campaign-actor-el-jefe"]
    assert person["schema"] == "Person"
    assert person["properties"] == {"name": ["José Pérez"], "alias": ["El Jefe", "Pérez"], "country": ["mx"], "wikidataId": ["Q42"]}
    assert ids["cartel-campaign-actor-la-banda"]["schema"] == "LegalEntity"  # unsure: an unnamed kind of group
    sanctions = by_schema(entities, "Sanction")
    assert len(sanctions) == 3
    assert sum(s["properties"]["entity"] == [person["id"]] for s in sanctions) == 2
    dated = ids["cartel-campaign-designation-900-el-jefe-sanctions"]["properties"]
    assert dated["listingDate"] == ["2025-03-01"] and dated["startDate"] == ["2025-03-15"]
    assert dated["program"] == ["Sanctions (Executive Order 14059)"] and dated["country"] == ["us"]
    assert dated["summary"] == ["first bit", "second bit"]  # text order; evidence of other tables ignored
    article = ids["cartel-campaign-article-900-0123456789abcdef"]["properties"]
    assert article == {"fileName": ["900_0123456789abcdef.txt"]}  # publication spans two years: no date


def test_bad_rows_are_clear_errors():
    rows = made_up_rows()
    rows["designations"][0]["target_actor_id"] = "nobody"
    with pytest.raises(ValueError, match="designations row '900-el-jefe-sanctions': target_actor_id 'nobody' not found"):
        ftm.designation_entities(rows)
    rows = made_up_rows()
    rows["designations"][0]["effective_date"] = "2025-13-45"
    with pytest.raises(ValueError, match="designations row '900-el-jefe-sanctions': startDate '2025-13-45' is not a valid FtM date"):
        ftm.designation_entities(rows)


def test_release_entities_pass_ftm_validation(entities):
    assert ftm.validate_entities(entities) == []


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda es: es[0]["properties"].__setitem__("country", ["VE"]), "country: ['VE'] is not in FtM's normal form"),
        (lambda es: es[-1]["properties"].pop("entity"), "entity: required by Sanction but missing"),
        (lambda es: es[-1]["properties"].__setitem__("startDate", ["2025-13-45"]), "startDate: Invalid value: '2025-13-45'"),
        (lambda es: es[-1]["properties"].__setitem__("entity", ["cartel-campaign-actor-nobody"]), "not among the entities"),
        (lambda es: es[0]["properties"].__setitem__("colour", ["red"]), "colour: not a property of Organization"),
        (lambda es: es[0].__setitem__("schema", "Cartel"), "unknown FtM schema 'Cartel'"),
        (lambda es: es[0].__setitem__("id", "bad_id"), "id 'bad_id' is not a valid FtM entity id"),
        (lambda es: es.append(copy.deepcopy(es[0])), "occurs 2 times"),
    ],
)
def test_a_broken_entity_is_caught(entities, break_it, message):
    broken = copy.deepcopy(entities)
    break_it(broken)
    problems = ftm.validate_entities(broken)
    assert problems and any(message in p for p in problems), problems


def test_output_is_byte_deterministic(tmp_path, release_rows, entities):
    """Same bytes from a second run, from shuffled input rows and from pandas rows (cc.load)."""
    first, second = tmp_path / "a.ftm.json", tmp_path / "b.ftm.json"
    ftm.write_jsonl(entities, first)
    shuffled = {name: list(reversed(rows)) for name, rows in release_rows.items()}
    ftm.write_jsonl(ftm.designation_entities(shuffled), second)
    assert first.read_bytes() == second.read_bytes()
    pandas_rows = {name: cc.load(name, RELEASE).to_dict("records") for name in ftm.TABLES}
    assert ftm.to_jsonl(ftm.designation_entities(pandas_rows)).encode("utf-8") == first.read_bytes()
    lines = first.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(e["id"] for e in entities)


def test_ftm_validate_command_keeps_every_value(tmp_path, entities):
    """`ftm validate` (FtM's own re-parse and clean) reads the file and changes no property value."""
    from click.testing import CliRunner
    from followthemoney.cli.cli import cli

    path, out = tmp_path / "in.ftm.json", tmp_path / "out.ftm.json"
    ftm.write_jsonl(entities, path)
    result = CliRunner().invoke(cli, ["validate", "-i", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    cleaned = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(e["id"], e["schema"], e["properties"]) for e in cleaned] == [(e["id"], e["schema"], e["properties"]) for e in entities]
