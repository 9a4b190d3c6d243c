"""The record-table registry (cartel_campaign.records) agrees with schemas/ both ways, and everything
that needs to know the record tables follows it (the drift issue 21 found: claims missing from
corrections, from the metadata_only guard and from the evidence test)."""
from __future__ import annotations

import json
import shutil

import pytest
import yaml

from conftest import ROOT, copy_project, newest_version, releases_ready_for_a_new_version

from cartel_campaign import fields, records, shapes
from cartel_campaign.build import pipeline


def schema(table: str) -> dict:
    return fields.table_schema(ROOT / "schemas", table)


def enum(table: str, column: str) -> set:
    return set(next(f for f in schema(table)["fields"] if f["name"] == column)["constraints"]["enum"])


def test_every_record_table_is_a_table_with_its_id_first_and_as_primary_key():
    tables = json.loads((ROOT / "schemas" / "package.json").read_text(encoding="utf-8"))["tables"]
    for rt in records.RECORD_TABLES:
        assert rt.table in tables, rt.table
        if rt.id_column:
            assert schema(rt.table)["fields"][0]["name"] == rt.id_column, rt.table  # rules read a record's id as its first column
            assert schema(rt.table)["primaryKey"] == [rt.id_column], rt.table
        assert rt.shape.table == rt.table


def test_the_annotation_lists_are_exactly_the_annotated_record_tables():
    lists = {key: kind.table for key, kind in shapes.ANNOTATION.keys.items() if isinstance(kind, shapes.Rows)}
    assert lists == {rt.list_key: rt.table for rt in records.annotated()}


def test_evidence_and_corrections_name_exactly_the_registrys_tables():
    assert enum("evidence", "record_table") == {rt.table for rt in records.evidenced()}
    assert enum("corrections", "table") == {rt.table for rt in records.corrected()}


def test_evidenced_tables_are_those_whose_shape_has_evidence_or_the_actors():
    with_evidence = {rt.table for rt in records.annotated() if "evidence" in rt.shape.keys}
    assert with_evidence | {"actors"} == {rt.table for rt in records.evidenced()}


def test_child_tables_key_on_their_record():
    for rt in records.RECORD_TABLES:
        for child in rt.children:
            assert schema(child)["primaryKey"][0] == rt.id_column, child


def test_annotation_statuses_with_records_are_real_statuses():
    assert set(records.STATUSES_WITH_RECORDS) < enum("articles", "annotation_status")


# ----------------------------------------------------------------- the drift, closed ----


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("records") / "project")


def _next_version(root) -> None:
    text = releases_ready_for_a_new_version(root)
    (root / "seeds" / "releases.yaml").write_text(text + "\n- version: 99.0.0\n  date: 2099-01-01\n  status: draft\n  notes: A release made by a test.\n",
                                                  encoding="utf-8")


def test_a_changed_published_claim_needs_a_correction(proj, capsys):
    """Before the registry, a new release could change a published claim's summary and modality with no entry."""
    seeds = proj / "seeds"
    saved = {p.name: p.read_bytes() for p in seeds.iterdir()}
    try:
        _next_version(proj)
        a4 = seeds / "004_a369d1b0aa72c426.yaml"
        text = a4.read_text(encoding="utf-8")
        old = ("    summary: American officials describe the Cartel de los Soles as a narcoterrorist organization.\n    polarity: positive\n"
               "    modality: asserted\n")
        assert text.count(old) == 1
        a4.write_text(text.replace(old, "    summary: American officials call the Cartel de los Soles a narcoterrorist organization.\n"
                                        "    polarity: positive\n    modality: hypothetical\n"), encoding="utf-8")
        assert pipeline.main(["--root", str(proj), "-q"]) == 2
        err = capsys.readouterr().err
        assert f"release 99.0.0 corrects 1 record(s) of {newest_version(ROOT)} without saying what and why" in err
        assert "claims '004-american-officials-cartel-is-narcoterrorist-organization' (changed summary, modality)" in err
    finally:
        for name, data in saved.items():
            (seeds / name).write_bytes(data)
        shutil.rmtree(proj / "dataset" / "99.0.0", ignore_errors=True)


def test_a_metadata_only_annotation_holding_only_claims_is_refused(proj, capsys):
    seeds = proj / "seeds"
    a4 = seeds / "004_a369d1b0aa72c426.yaml"
    saved = a4.read_bytes()
    try:
        data = yaml.safe_load(saved)
        kept = {k: v for k, v in data.items() if k not in ("quotes", "events", "designations", "exclusions")}
        kept["status"] = "metadata_only"
        assert kept["claims"]
        a4.write_text(yaml.safe_dump(kept, sort_keys=False, allow_unicode=True), encoding="utf-8")
        assert pipeline.main(["--root", str(proj), "-q"]) == 2
        err = capsys.readouterr().err
        assert "status is metadata_only but the file has annotations (claims); set status: complete" in err
    finally:
        a4.write_bytes(saved)


# ----------------------------------------------------------------- anonymous sources described alike ----

ANONYMOUS = """- id: 001-white-house-source
  name: White House source (001)
  type: anonymous_source
  aliases: [White House source]
- id: 002-white-house-source
  name: White House source (002)
  type: anonymous_source
  aliases: [White House source]
- id: white-house
  name: White House
  type: government_agency
  aliases: [White House]
"""


def actor_aliases(tmp_path, text: str):
    from cartel_campaign.build import annotations, derive, project, stage

    (tmp_path / "actors.yaml").write_text(text, encoding="utf-8")
    _, schemas = project.load_schemas(ROOT)
    doc, actors = annotations.load_actors(tmp_path / "actors.yaml", "seeds/actors.yaml", annotations.Checker(schemas))
    return derive.actor_rows(doc, actors, stage.Recorder())


def test_anonymous_sources_of_two_articles_may_be_described_alike(tmp_path):
    """Issue 23: the guide's anonymous source (alias = its description) is legal in every article; each
    alias names its own article's source, and no other article's."""
    from cartel_campaign import rules

    aliases = actor_aliases(tmp_path, ANONYMOUS)
    text = "A White House source said so; the White House did not."
    for article, expected in (("001_0000000000000000", "001-white-house-source"), ("002_0000000000000000", "002-white-house-source")):
        finder, owner = aliases.for_article(article)
        assert [(m["alias"], m["actor_id"]) for m in rules.mentions(article, text, finder, owner)] == [
            ("White House source", expected), ("White House", "white-house")]
    finder, owner = aliases.for_article("003_0000000000000000")
    assert [m["actor_id"] for m in rules.mentions("003_0000000000000000", text, finder, owner)] == ["white-house", "white-house"]


@pytest.mark.parametrize("actors, clash", [
    (ANONYMOUS.replace("002-white-house-source", "001-another-source"), "alias 'White House source' of '001-another-source' already belongs "
                                                                        "to '001-white-house-source'"),  # the same article
    (ANONYMOUS + "- id: someone\n  name: Someone\n  type: person\n  aliases: [White House source]\n",
     "alias 'White House source' of 'someone' already belongs to '001-white-house-source'"),  # a named actor
])
def test_an_alias_still_names_one_actor_where_it_is_matched(tmp_path, actors, clash):
    from cartel_campaign.build.errors import BuildError

    with pytest.raises(BuildError, match=clash):
        actor_aliases(tmp_path, actors)


def test_a_finder_plus_aliases_finds_what_one_finder_of_all_finds():
    from cartel_campaign import rules

    base, extra = ["White House", "House", "Defense Secretary Pete Hegseth"], ["White House source", "Defense Secretary", "Pete"]
    text = "The White House source met Defense Secretary Pete Hegseth; Pete and the House, Defense Secretary."
    assert list(rules.AliasFinder(base).plus(extra).finditer(text)) == list(rules.AliasFinder(base + extra).finditer(text))
