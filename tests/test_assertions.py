"""The dataset assertions (seeds/assertions.yaml): well formed, held by every release, each kind of
measure refused by the build and by validate when a release breaks it, a malformed file refused at
FILE:LINE, and the file shipped where validate finds it."""
from __future__ import annotations

import pyarrow as pa
import pytest

from conftest import ROOT, copy_project, newest_built, newest_version

import cartel_campaign as cc
from cartel_campaign import assertions, fields
from cartel_campaign.build import pipeline
from cartel_campaign.validation.files import read_release

DECLARED = assertions.declared(ROOT)


def test_the_checkout_declares_assertions_and_each_names_a_real_table_and_column():
    assert len(DECLARED) >= 10
    for a in DECLARED:
        assert assertions.entry_problem(a) is None
        assert a["since"] in cc.versions(drafts=True), a
        columns = [f["name"] for f in fields.table_schema(ROOT / "schemas", a["table"])["fields"]]
        assert a.get("column", columns[0]) in columns, a
        assert "until" not in a or a["until"] in cc.versions(drafts=True) and a["since"] <= a["until"], a


def test_an_assertion_holds_from_since_up_to_until():
    ended = [{"since": "0.1.0", "until": "1.0.0", "table": "events", "rows": {"min": 1}}]
    assert assertions.assertion_problems({}, "1.0.0", ended) == ["assertion #1 (events): the release has no table events"]
    assert assertions.assertion_problems({}, "1.1.0", ended) == []


@pytest.mark.parametrize("version", cc.versions(drafts=True))
def test_every_release_holds_its_assertions(version):
    _, tables, _, _ = read_release(ROOT / "dataset" / version)
    assert assertions.assertion_problems(tables, version, DECLARED) == []


@pytest.fixture(scope="module")
def newest():
    version = newest_version(ROOT)
    _, tables, _, _ = read_release(ROOT / "dataset" / version)
    return version, tables


def without(table, column: str):
    return table.set_column(table.schema.get_field_index(column), column, pa.nulls(table.num_rows, table.schema.field(column).type))


def constant(table, column: str, value, type_):
    return table.set_column(table.schema.get_field_index(column), column, pa.array([value] * table.num_rows, type_))


@pytest.mark.parametrize("assertion, tamper, expected", [
    ({"since": "0.1.0", "table": "events", "rows": {"min": 25}}, lambda t: {**t, "events": t["events"].slice(0, 3)},
     "assertion #1 (events): rows is 3, expected at least 25"),
    ({"since": "0.1.0", "table": "quotes", "column": "speaker_actor_id", "filled": {"min": 1.0}},
     lambda t: {**t, "quotes": without(t["quotes"], "speaker_actor_id")}, "assertion #1 (quotes.speaker_actor_id): filled is 0.000, expected at least 1.0"),
    ({"since": "0.1.0", "table": "events", "column": "fatalities", "sum": {"max": 10}},
     lambda t: {**t, "events": constant(t["events"].slice(0, 3), "fatalities", 7, pa.int64())},
     "assertion #1 (events.fatalities): sum is 21, expected at most 10"),
    ({"since": "0.1.0", "table": "articles", "column": "sha256", "distinct": {"min": 5}},
     lambda t: {**t, "articles": constant(t["articles"], "sha256", "0" * 64, pa.string())},
     "assertion #1 (articles.sha256): distinct is 1, expected at least 5"),
    ({"since": "0.1.0", "table": "nothing", "rows": {"min": 1}}, lambda t: t, "assertion #1 (nothing): the release has no table nothing"),
])
def test_a_broken_assertion_is_reported(newest, assertion, tamper, expected):
    version, tables = newest
    assert assertions.assertion_problems(tamper(tables), version, [assertion]) == [expected]


def test_a_later_assertion_does_not_hold_an_older_release(newest):
    version, _ = newest
    assert assertions.assertion_problems({}, "0.1.0", [{"since": version, "table": "events", "rows": {"min": 1}}]) == []


STRICT = '\n- since: "0.1.0"\n  table: claims\n  rows: {max: 10}\n'


def test_the_build_refuses_a_release_that_breaks_an_assertion(tmp_path, capsys):
    root = copy_project(tmp_path / "project")
    path = root / assertions.FILE
    path.write_text(path.read_text(encoding="utf-8") + STRICT, encoding="utf-8")
    assert pipeline.main(["--root", str(root), "-q", "--force"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: seeds/assertions.yaml: release ") and "breaks the dataset's assertions" in err
    assert f"assertion #{len(DECLARED) + 1} (claims): rows is {cc.load('claims', newest_built()).shape[0]}, expected at most 10" in err


def test_validate_refuses_a_release_that_breaks_an_assertion(tmp_path):
    from cartel_campaign import validate

    root = copy_project(tmp_path / "project")
    path = root / assertions.FILE
    path.write_text(path.read_text(encoding="utf-8") + STRICT, encoding="utf-8")
    problems = validate.validate_release(newest_version(root), root, use_frictionless=False)
    assert f"assertion #{len(DECLARED) + 1} (claims): rows is {cc.load('claims', newest_built()).shape[0]}, expected at most 10" in problems


@pytest.mark.parametrize("entry, message", [
    ('- since: "0.1.0"\n  table: events\n  rows: {min: 1}\n  count: {min: 2}\n', "assertion #{n}: unknown key(s) ['count']"),
    ('- since: 0.1\n  table: events\n  rows: {min: 1}\n', "assertion #{n}: since must be a quoted version 'MAJOR.MINOR.PATCH', found 0.1"),
    ('- since: "0.1.0"\n  table: events\n  column: fatalities\n  sum: {least: 1}\n', "assertion #{n}: sum must map min and/or max to numbers"),
    ('- since: "0.1.0"\n  table: events\n  filled: {min: 1}\n', "assertion #{n}: filled needs a column"),
])
def test_a_malformed_assertion_is_refused_at_its_line(tmp_path, capsys, entry, message):
    root = copy_project(tmp_path / "project")
    path = root / assertions.FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text + entry, encoding="utf-8")
    assert pipeline.main(["--root", str(root), "-q", "--force"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: seeds/assertions.yaml:{text.count(chr(10)) + 1}: " + message.format(n=len(DECLARED) + 1)), err


def test_the_wheel_carries_the_assertions():
    """validate outside a checkout reads <data>/seeds/assertions.yaml: the wheel's data map ships it."""
    text = (ROOT / "hatch_build.py").read_text(encoding="utf-8")
    assert '"seeds/assertions.yaml"' in text.split("DATA = ", 1)[1].split("\n\n", 1)[0]


def test_a_changed_assertion_is_a_changed_input_of_the_build(tmp_path):
    from cartel_campaign.build import cache

    root = copy_project(tmp_path / "project")
    before = cache.inputs_digest(root)
    path = root / assertions.FILE
    path.write_text(path.read_text(encoding="utf-8").replace("{min: 5}", "{min: 6}", 1), encoding="utf-8")
    assert cache.inputs_digest(root) != before
