"""The dataset assertions (src/cartel_campaign/assertions.json): well formed, held by every release,
and each kind of measure refused by the build and by validate when a release breaks it."""
from __future__ import annotations

import json

import pyarrow as pa
import pytest

from conftest import ROOT, copy_project, newest_version

import cartel_campaign as cc
from cartel_campaign import assertions, fields
from cartel_campaign.build import pipeline
from cartel_campaign.validation.files import read_release


def test_every_assertion_is_well_formed():
    tables = json.loads((ROOT / "schemas" / "package.json").read_text(encoding="utf-8"))["tables"]
    for a in assertions.declared():
        kinds = [m for m in assertions.MEASURES if m in a]
        assert len(kinds) == 1 and set(a[kinds[0]]) <= {"min", "max"} and a[kinds[0]], a
        assert a["table"] in tables, a
        assert a["since"] in cc.versions(), a
        if kinds[0] != "rows":
            assert a["column"] in [f["name"] for f in fields.table_schema(ROOT / "schemas", a["table"])["fields"]], a
        assert "until" not in a or a["until"] in cc.versions() and a["since"] <= a["until"], a
        assert set(a) <= {"since", "until", "table", "column", "why", *assertions.MEASURES}, a


def test_an_assertion_holds_from_since_up_to_until():
    ended = [{"since": "0.1.0", "until": "1.0.0", "table": "events", "rows": {"min": 1}}]
    assert assertions.assertion_problems({}, "1.0.0", ended) == ["assertion #1 (events): the release has no table events"]
    assert assertions.assertion_problems({}, "1.1.0", ended) == []


@pytest.mark.parametrize("version", cc.versions())
def test_every_release_holds_its_assertions(version):
    _, tables, _, _ = read_release(ROOT / "dataset" / version)
    assert assertions.assertion_problems(tables, version) == []


@pytest.fixture(scope="module")
def newest():
    version = newest_version(ROOT)
    _, tables, _, _ = read_release(ROOT / "dataset" / version)
    return version, tables


def without(table, column: str):
    return table.set_column(table.schema.get_field_index(column), column, pa.nulls(table.num_rows, table.schema.field(column).type))


@pytest.mark.parametrize("assertion, tamper, expected", [
    ({"since": "0.1.0", "table": "events", "rows": {"min": 25}}, lambda t: {**t, "events": t["events"].slice(0, 3)},
     "assertion #1 (events): rows is 3, expected at least 25"),
    ({"since": "0.1.0", "table": "quotes", "column": "speaker_actor_id", "filled": {"min": 1.0}},
     lambda t: {**t, "quotes": without(t["quotes"], "speaker_actor_id")}, "assertion #1 (quotes.speaker_actor_id): filled is 0.000, expected at least 1.0"),
    ({"since": "0.1.0", "table": "events", "column": "fatalities", "sum": {"max": 10}},
     lambda t: {**t, "events": t["events"].set_column(t["events"].schema.get_field_index("fatalities"), "fatalities",
                                                     pa.array([7] * t["events"].num_rows, pa.int64()))},
     "assertion #1 (events.fatalities): sum is {7 * events}, expected at most 10"),
    ({"since": "0.1.0", "table": "articles", "column": "sha256", "distinct": {"min": 5}},
     lambda t: {**t, "articles": t["articles"].set_column(t["articles"].schema.get_field_index("sha256"), "sha256",
                                                         pa.array(["0" * 64] * t["articles"].num_rows))},
     "assertion #1 (articles.sha256): distinct is 1, expected at least 5"),
    ({"since": "0.1.0", "table": "nothing", "rows": {"min": 1}}, lambda t: t, "assertion #1 (nothing): the release has no table nothing"),
])
def test_a_broken_assertion_is_reported(newest, assertion, tamper, expected):
    version, tables = newest
    assert assertions.assertion_problems(tamper(tables), version, [assertion]) == [expected.replace("{7 * events}", str(7 * tables["events"].num_rows))]


def test_a_later_assertion_does_not_hold_an_older_release(newest):
    version, tables = newest
    assert assertions.assertion_problems({}, "0.1.0", [{"since": version, "table": "events", "rows": {"min": 1}}]) == []


def test_the_build_refuses_a_release_that_breaks_an_assertion(tmp_path, monkeypatch, capsys):
    root = copy_project(tmp_path / "project")
    strict = [*assertions.declared(), {"since": "0.1.0", "table": "claims", "rows": {"max": 10}}]
    monkeypatch.setattr(assertions, "declared", lambda: strict)
    assert pipeline.main(["--root", str(root), "-q", "--force"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: src/cartel_campaign/assertions.json: release ") and "breaks the dataset's assertions" in err
    claims = cc.load("claims").shape[0]
    assert f"assertion #{len(strict)} (claims): rows is {claims}, expected at most 10" in err


def test_validate_refuses_a_release_that_breaks_an_assertion(monkeypatch):
    from cartel_campaign import validate

    version = newest_version(ROOT)
    monkeypatch.setattr(assertions, "declared", lambda: [{"since": "0.1.0", "table": "claims", "rows": {"max": 10}}])
    problems = validate.validate_release(version, ROOT, use_frictionless=False)
    assert f"assertion #1 (claims): rows is {cc.load('claims').shape[0]}, expected at most 10" in problems


def test_a_changed_assertion_is_a_changed_input_of_the_build(tmp_path, monkeypatch):
    """The rebuild cache hashes the package's declarations with its code: editing assertions.json rebuilds."""
    import shutil

    from cartel_campaign.build import cache

    code = tmp_path / "cartel_campaign"
    shutil.copytree(cache.CODE, code, ignore=shutil.ignore_patterns("__pycache__", "data"))
    monkeypatch.setattr(cache, "CODE", code)
    before = cache.inputs_digest(ROOT)
    (code / "assertions.json").write_text((code / "assertions.json").read_text(encoding="utf-8").replace('"min": 5', '"min": 6', 1), encoding="utf-8")
    assert cache.inputs_digest(ROOT) != before
