"""The standard-format exports from 1.2.0 (cartel_campaign.exports): PLOVER 2.0 JSON lines of the events and
claims, and the .xlsx workbook. Each is written by the build, listed in the descriptor and checked by validate;
each check refuses a broken file."""
from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

from conftest import ROOT, newest_version

from cartel_campaign import exports, plover, workbook
from cartel_campaign.validation.files import read_release

NEWEST = newest_version(ROOT)
FOLDER = ROOT / "dataset" / NEWEST


@pytest.fixture(scope="module")
def tables():
    return read_release(FOLDER)[1]


def test_the_release_lists_both_exports_and_validate_accepts_them(tables):
    listed = {e["name"]: e for e in json.loads((FOLDER / "datapackage.json").read_text(encoding="utf-8"))["exports"]}
    assert {"events-claims-plover", "workbook-xlsx"} <= set(listed)
    assert exports.export_problems(FOLDER, tables) == []


def _records() -> list[dict]:
    return [json.loads(line) for line in (FOLDER / "events_claims.plover.jsonl").read_text(encoding="utf-8").splitlines()]


def test_plover_has_one_record_per_dyad_and_says_where_plover_has_no_category(tables):
    records = _records()
    assert [r["id"] for r in records] == tables["dyads"]["dyad_id"].to_pylist()
    uncategorized = [r for r in records if r["event"] is None]
    assert uncategorized and all(r["no_plover_category"] for r in uncategorized)
    assert all(r["no_plover_category"] is None for r in records if r["event"] is not None)
    for r in records:
        for span in r["text_info"]:
            assert span["char_end"] - span["char_start"] == len(span["text"])


@pytest.mark.parametrize("tamper, message", [
    (lambda r: r.update(event="BOMB", quad_class=None), "is not a PLOVER 2.0 category"),
    (lambda r: r.update(event=None, mode=None, quad_class=None, no_plover_category=None), "no event and no no_plover_category"),
    (lambda r: r.update(quad_class="verbal_cooperation"), "quad_class"),
    (lambda r: r.update(id="nobody/x->y"), "is not a row of dyads"),
    (lambda r: r["actor"].update(actor="Someone else"), "records differ from the events and claims"),
])
def test_the_plover_check_refuses_a_broken_record(tables, tmp_path, tamper, message):
    records = _records()
    tamper(next(r for r in records if r["event"] == "ASSAULT" and r["actor"]))
    path = tmp_path / "x.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    problems = plover.plover_content_problems(path, tables)
    assert any(message in p for p in problems), problems


def test_the_workbook_has_a_readme_and_one_sheet_per_table_with_unicode_as_written(tables):
    wb = load_workbook(FOLDER / "cartel_campaign.xlsx", read_only=True)
    assert wb.sheetnames == ["README", *tables]
    names = [row[1] for row in wb["actors"].iter_rows(min_row=2, values_only=True)]
    assert "Nicolás Maduro" in names
    wb.close()


def test_the_workbook_is_the_same_bytes_when_written_again(tables, tmp_path):
    folder = tmp_path / NEWEST
    folder.mkdir()
    workbook.write_workbook(folder / "a.xlsx", tables)
    assert (folder / "a.xlsx").read_bytes() == (FOLDER / "cartel_campaign.xlsx").read_bytes()


def test_the_workbook_check_refuses_a_missing_row_or_sheet(tables, tmp_path):
    folder = tmp_path / NEWEST
    folder.mkdir()
    short = dict(tables, events=tables["events"].slice(1))
    workbook.write_workbook(folder / "short.xlsx", short)
    assert any("sheet events" in p for p in workbook.workbook_content_problems(folder / "short.xlsx", tables))
    fewer = {k: v for k, v in tables.items() if k != "dyads"}
    workbook.write_workbook(folder / "fewer.xlsx", fewer)
    assert any("are not README and the tables" in p for p in workbook.workbook_content_problems(folder / "fewer.xlsx", tables))
    (folder / "bad.xlsx").write_text("not a workbook", encoding="utf-8")
    assert any("not an .xlsx workbook" in p for p in workbook.workbook_content_problems(folder / "bad.xlsx", tables))


def test_validate_refuses_an_export_changed_after_the_build(tables, tmp_path):
    copy = tmp_path / NEWEST
    shutil.copytree(FOLDER, copy)
    path = copy / "events_claims.plover.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace('"ASSAULT"', '"SANCTION"', 1), encoding="utf-8")
    problems = exports.export_problems(copy, tables)
    assert any("size or sha256 differs" in p for p in problems) and any("quad_class" in p for p in problems), problems


# ------------------------------------------------------------------ deltas ----

from cartel_campaign import deltas  # noqa: E402
from cartel_campaign import diff as ccdiff  # noqa: E402


def _lines(old: str, new: str) -> list[dict]:
    old_tables, keys, _ = deltas._release(ROOT / "dataset" / old)
    new_tables, _, _ = deltas._release(ROOT / "dataset" / new)
    return deltas.delta_lines(old_tables, new_tables, keys, old, new)


def _apply(old: str, lines: list[dict]) -> dict:
    """The previous release's rows with the delta applied: {table: {key: row}}."""
    old_tables, keys, _ = deltas._release(ROOT / "dataset" / old)
    state = {t: {tuple(deltas._cell(r[c]) for c in keys[t]): deltas._row(r) for r in tab.to_pylist()} for t, tab in old_tables.items()}
    for line in lines[1:]:
        rows = state.setdefault(line["table"], {})
        if line["key"] is None:
            rows[len(rows)] = line["row"]
        else:
            key = tuple(line["key"].values())
            if line["op"] == "DEL":
                del rows[key]
            else:
                rows[key] = line["row"]
    return state


@pytest.mark.parametrize("old, new", [("0.1.0", "1.0.0"), ("1.0.0", "1.1.0")])
def test_applying_the_delta_to_the_previous_release_gives_the_release(old, new):
    state = _apply(old, _lines(old, new))
    new_tables, _, _ = deltas._release(ROOT / "dataset" / new)
    for name, table in new_tables.items():  # rows take the new release's columns (a new column is empty unless a MOD fills it)
        expected = sorted(json.dumps(deltas._row(r), sort_keys=True) for r in table.to_pylist())
        applied = [{c: r.get(c) for c in table.column_names} for r in state[name].values()]
        assert sorted(json.dumps(r, sort_keys=True) for r in applied) == expected, name


def test_the_delta_counts_are_what_diff_says():
    lines = _lines("1.0.0", "1.1.0")
    for table, rows in ccdiff.diff("1.0.0", "1.1.0").items():
        ops = [line["op"] for line in lines[1:] if line["table"] == table]
        assert ops.count("ADD") == (rows.change == "added").sum(), table
        assert ops.count("DEL") == (rows.change == "removed").sum(), table
        assert ops.count("MOD") == rows.change.isin(["changed", "new columns"]).sum(), table


def test_the_release_delta_is_against_the_previous_release_and_checked(tables, tmp_path):
    lines = [json.loads(x) for x in (FOLDER / "deltas.jsonl").read_text(encoding="utf-8").splitlines()]
    previous = exports.previous_release(FOLDER)
    assert lines[0] == {"op": "HEADER", "from": previous.name, "to": NEWEST}
    copy = tmp_path / "d.jsonl"
    copy.write_text("".join(json.dumps(x) + "\n" for x in lines[:-1]), encoding="utf-8")  # a change left out
    (tmp_path / NEWEST).mkdir()
    assert any("differs from the changes" in p for p in deltas.deltas_content_problems(copy, tables, previous))
    assert deltas.deltas_content_problems(FOLDER / "deltas.jsonl", tables, previous) == []
    assert any("differs" in p for p in deltas.deltas_content_problems(FOLDER / "deltas.jsonl", tables, None))  # against no release
