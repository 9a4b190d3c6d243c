"""The JSON-lines exports (deltas, PLOVER) are made a column at a time (cartel_campaign.jsontext), and must still be
exactly what json.dumps(line, ensure_ascii=False, sort_keys=True) of the line as Python objects gives: here against
that reference, on values that need escaping, missing values, dates, and changes of every kind."""
from __future__ import annotations

import datetime
import json

import pyarrow as pa
import pytest

from cartel_campaign import deltas, jsontext

AWKWARD = ["plain", 'a "quoted" word', "back\\slash", "line\nbreak\ttab\r\x01\x1f", "ünïcödé “curly” \u2028 \x7f 😀", "", None]


def _reference(value):
    return json.dumps(value.isoformat() if hasattr(value, "isoformat") else value, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("values, kind", [
    (AWKWARD, pa.string()),
    (AWKWARD, pa.large_string()),
    ([0, -7, 2**62, None], pa.int64()),
    ([1, None], pa.int8()),
    ([True, False, None], pa.bool_()),
    ([datetime.date(2025, 9, 2), datetime.date(5, 1, 1), None], pa.date32()),
    ([1.5, float("nan"), -0.0, 1e100, None], pa.float64()),
    ([datetime.datetime(2025, 9, 2, 13, 5), None], pa.timestamp("s")),
    ([["a", "b\n"], None], pa.list_(pa.string())),
])
def test_a_column_encodes_as_json_dumps_encodes_each_value(values, kind):
    array = pa.array(values, kind)
    assert jsontext.encode(array).to_pylist() == [_reference(v) for v in values]
    assert jsontext.encode(pa.chunked_array([array.slice(0, 1), array.slice(1)])).to_pylist() == [_reference(v) for v in values]


def _reference_deltas(old: dict, new: dict, keys: dict, old_version, new_version) -> str:
    """The delta file as the export was first written: every row a Python dict, every line json.dumps of it."""
    def rows(table, pk):
        return {tuple(jsontext.iso(r[c]) for c in pk): {k: jsontext.iso(v) for k, v in r.items()} for r in table.to_pylist()}

    lines = [{"op": "HEADER", "from": old_version, "to": new_version}]
    for name in list(new) + [t for t in old if t not in new]:
        pk = keys.get(name) or (old[name].column_names if name in old else None)
        if name not in old:
            lines += [{"op": "ADD", "table": name, "key": None, "row": {k: jsontext.iso(v) for k, v in r.items()}} for r in new[name].to_pylist()]
            continue
        before, after = rows(old[name], pk), rows(new[name], pk) if name in new else {}
        columns = set(old[name].column_names)
        lines += [{"op": "ADD", "table": name, "key": dict(zip(pk, k)), "row": after[k]} for k in sorted(after.keys() - before.keys(), key=str)]
        for k in sorted(after.keys() & before.keys(), key=str):
            changed = [c for c in after[k] if c in columns and before[k].get(c) != after[k][c]]
            added = [c for c in after[k] if c not in columns and after[k][c] is not None]
            if changed or added:
                lines.append({"op": "MOD", "table": name, "key": dict(zip(pk, k)), "row": after[k], "changed_columns": changed, "new_columns": added})
        lines += [{"op": "DEL", "table": name, "key": dict(zip(pk, k)), "row": None} for k in sorted(before.keys() - after.keys(), key=str)]
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)


def _releases():
    day = datetime.date
    old = {
        "things": pa.table({"id": ["a", "b", "c", "d'q", "e", "a"], "text": ["same", "was", None, "x", 'y"', "dup first"],
                            "n": [1, 2, 3, None, 5, 6], "on": [day(2025, 1, 1), None, day(2025, 1, 3), None, None, None],
                            "score": [0.5, 1.0, None, 2.0, float("nan"), 1.0]}),
        "pairs": pa.table({"x": ["p", "p", "q"], "y": [1, 2, 1], "v": ["k", "l\n", "m"]}),
        "gone": pa.table({"g": ["only", "before"]}),
        "nokey": pa.table({"u": ["1", "2"], "w": [True, False]}),
    }
    new = {
        "things": pa.table({"id": ["b", "a", "f", "c", "e", "g\u2028"], "text": ["now ü", "dup first", "new", None, 'y"', "\x00"],
                            "n": [2, 6, 7, 3, 5, None], "on": [None, None, day(2026, 2, 2), day(2025, 1, 4), None, None],
                            "score": [1.0, 1.0, 3.0, None, float("nan"), None], "extra": [None, "filled", "x", None, "y", None]}),
        "pairs": pa.table({"x": ["q", "p", "r"], "y": [1, 2, 9], "v": ["m", "L", "n"]}),
        "fresh": pa.table({"f": ["1", None, "tab\there"], "when": [day(2024, 12, 31), None, day(1999, 1, 1)]}),
        "nokey": pa.table({"u": ["2", "3"], "w": [False, None]}),
    }
    keys = {"things": ["id"], "pairs": ["x", "y"], "gone": ["g"], "nokey": []}
    return old, new, keys


@pytest.mark.parametrize("batch", [1, 2, 4096])
def test_the_delta_file_is_what_json_dumps_of_each_line_gives(tmp_path, monkeypatch, batch):
    monkeypatch.setattr(deltas, "BATCH_ROWS", batch)
    old, new, keys = _releases()
    expected = _reference_deltas(old, new, keys, "1.0.0", "1.1.0")
    assert '"op": "MOD"' in expected and '"op": "DEL"' in expected and '"new_columns": ["extra"]' in expected
    monkeypatch.setattr(deltas, "_release", lambda folder: (old, keys, "1.0.0") if folder else ({}, {}, None))
    (tmp_path / "1.1.0").mkdir()
    path = tmp_path / "1.1.0" / "deltas.jsonl"
    n = deltas.write_deltas(path, new, tmp_path / "previous")
    assert path.read_text(encoding="utf-8") == expected and n == expected.count("\n") - 1
    assert deltas.deltas_content_problems(path, new, tmp_path / "previous") == []
    deltas.write_deltas(path, new, None)
    assert path.read_text(encoding="utf-8") == _reference_deltas({}, new, {}, None, "1.1.0")


def test_the_delta_check_reads_json_not_formatting_and_refuses_a_changed_value(tmp_path, monkeypatch):
    old, new, keys = _releases()
    monkeypatch.setattr(deltas, "_release", lambda folder: (old, keys, "1.0.0"))
    (tmp_path / "1.1.0").mkdir()
    path = tmp_path / "1.1.0" / "deltas.jsonl"
    deltas.write_deltas(path, new, tmp_path)
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n")[:-1]]  # (not splitlines: U+2028 is in a value)
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")  # other formatting, the same JSON
    assert deltas.deltas_content_problems(path, new, tmp_path) == []
    lines[3]["row"]["text"] = "tampered"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert deltas.deltas_content_problems(path, new, tmp_path) == [
        f"differs from the changes between 1.0.0 and 1.1.0 from line 4 on ({len(lines)} lines, recomputed {len(lines)})"]
    lines[3]["op"] = "PUT"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert deltas.deltas_content_problems(path, new, tmp_path) == ["line 4: unknown op 'PUT' (expected ADD, MOD, DEL)"]


# ------------------------------------------------------------------ PLOVER ----

from cartel_campaign import plover  # noqa: E402


def _reference_plover(tables: dict) -> str:
    """The PLOVER file as the export was first written: every record a Python dict, every line json.dumps of it."""
    rows = {name: tables[name].to_pylist() for name in plover.TABLES}
    iso = lambda v: v.isoformat() if v is not None else None  # noqa: E731
    notes = {(c["scheme_table"], c["local_type"]): c["note"] for c in rows["crosswalk"]}
    articles = {a["article_id"]: a for a in rows["articles"]}
    evidence: dict = {}
    for ev in rows["evidence"]:
        if ev["record_table"] in ("events", "claims"):
            evidence.setdefault((ev["record_table"], ev["record_id"]), []).append(ev)
    precision = {("events", e["event_id"]): e["date_precision"] for e in rows["events"]}
    precision.update({("claims", c["claim_id"]): c["date_precision"] for c in rows["claims"]})
    out = []
    for d in rows["dyads"]:
        key, art = (d["record_table"], d["record_id"]), articles[d["article_id"]]
        spans = sorted(evidence.get(key, []), key=lambda e: (e["char_start"], e["char_end"]))
        out.append({
            "id": d["dyad_id"], "date": iso(d["date_start"]), "date_end": iso(d["date_end"]), "date_precision": precision[key],
            "actor": None if d["actor_id"] is None else {"actor": d["actor_name"], "actor_id": d["actor_id"]},
            "recipient": None if d["recipient_id"] is None else {"actor": d["recipient_name"], "actor_id": d["recipient_id"]},
            "event": d["plover_type"], "mode": d["plover_mode"], "quad_class": d["quad_class"],
            "context": [d["local_type"], "claim" if d["record_table"] == "claims" else "event"],
            "no_plover_category": notes.get((d["record_table"], d["local_type"])) if d["plover_type"] is None else None,
            "event_text": spans[0]["text"] if spans else None,
            "text_info": [{"article_id": e["article_id"], "char_start": e["char_start"], "char_end": e["char_end"], "text": e["text"]} for e in spans],
            "cite_info": {"article_id": art["article_id"], "title": art["title"], "outlet": art["outlet"], "byline": art["byline"],
                          "seed_file": art["seed_file"], "sha256": art["sha256"], "published_earliest": iso(art["published_earliest"]),
                          "published_latest": iso(art["published_latest"])},
            "local": {"table": d["record_table"], "record_id": d["record_id"], "type": d["local_type"], "polarity": d["polarity"]},
        })
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in out)


@pytest.fixture(scope="module")
def release_tables():
    from conftest import ROOT, newest_version
    from cartel_campaign.validation.files import read_release

    return read_release(ROOT / "dataset" / newest_version(ROOT))[1]


def _awkward(tables: dict) -> dict:
    """The release's tables with evidence passages that need escaping, in an order that is not text order, a passage
    for a designation (not in PLOVER), and a dyad without actors."""
    ev = tables["evidence"]
    texts, records = ev["text"].to_pylist(), list(zip(ev["record_table"].to_pylist(), ev["record_id"].to_pylist()))
    first, second = next((i, j) for i, r in enumerate(records) if r[0] == "events" for j in range(i + 1, len(records)) if records[j] == r)
    texts[first], texts[second] = 'said "no"\n\tthen\\ \x02 \u2028 “ok” 😀', ""
    ev = ev.set_column(ev.column_names.index("text"), ev.schema.field("text"), pa.array(texts, ev.schema.field("text").type))
    ev = ev.take(list(range(ev.num_rows))[::-1])
    dyads = tables["dyads"]
    for column in ("actor_id", "actor_name"):
        dyads = dyads.set_column(dyads.column_names.index(column), dyads.schema.field(column).with_nullable(True),
                                 pa.array([None] + dyads[column].to_pylist()[1:], dyads.schema.field(column).type))
    return dict(tables, evidence=ev, dyads=dyads)


@pytest.mark.parametrize("batch", [1, 7, 4096])
def test_the_plover_file_is_what_json_dumps_of_each_record_gives(release_tables, tmp_path, monkeypatch, batch):
    monkeypatch.setattr(plover, "BATCH_ROWS", batch)
    for tables in (release_tables, _awkward(release_tables)):
        path = tmp_path / "p.jsonl"
        n = plover.write_plover(path, tables)
        expected = _reference_plover(tables)
        assert path.read_text(encoding="utf-8") == expected and n == tables["dyads"].num_rows
    assert "\\u0002" in expected and "\u2028" in expected and '"actor": null' in expected


def test_the_plover_check_reads_lines_not_unicode_line_separators(release_tables, tmp_path):
    """A passage with U+2028 (a line separator to str.splitlines, not in a file of lines): the record is still one line."""
    tables = _awkward(release_tables)
    path = tmp_path / "p.jsonl"
    plover.write_plover(path, tables)
    assert "\u2028" in path.read_text(encoding="utf-8")
    assert plover.plover_content_problems(path, tables) == []
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n")[:-1]]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")  # other formatting, the same JSON
    assert plover.plover_content_problems(path, tables) == []
    records[-1]["text_info"] = records[-1]["text_info"][::-1] + [{}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert plover.plover_content_problems(path, tables) == ["records differ from the events and claims of the release"]
    path.write_text("".join(json.dumps(r) + "\n" for r in records[:-1]), encoding="utf-8")
    assert plover.plover_content_problems(path, tables) == [f"{len(records) - 1} records whose ids are not the {len(records)} dyads in order"]
    plover.write_plover(path, tables)
    assert plover.plover_content_problems(path, dict(tables, articles=tables["articles"].slice(1)))[0].startswith("cannot be recomputed")


# ------------------------------------------------------------------ FtM ----

def test_the_ftm_writer_keeps_every_designation_passage_designation_entities_would(release_tables, tmp_path):
    """write_designations hands designation_entities only the evidence that may be of designations; a record_table
    that is 'designations' once stripped (as designation_entities reads it) is still among them."""
    from cartel_campaign import ftm

    ev = release_tables["evidence"]
    padded = pa.array([f" {t}\t" if t == "designations" else t for t in ev["record_table"].to_pylist()], ev.schema.field("record_table").type)
    tables = dict(release_tables, evidence=ev.set_column(ev.column_names.index("record_table"), ev.schema.field("record_table"), padded))
    ftm.write_designations(tmp_path / "a.jsonl", tables)
    expected = ftm.designation_entities({name: tables[name].to_pylist() for name in ftm.TABLES})
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8") == ftm.to_jsonl(expected)
    assert any(e["properties"].get("summary") for e in expected)


def test_the_plover_check_reads_as_json_only_the_lines_that_differ(release_tables, tmp_path, monkeypatch):
    """A line that is its recomputed line is not parsed again (the check's cost at scale); a tampered line is, and
    is refused; with tables it cannot recompute from, every line is read and its own problems come first."""
    path = tmp_path / "p.jsonl"
    plover.write_plover(path, release_tables)
    lines = path.read_text(encoding="utf-8").split("\n")[:-1]
    assert '"event": "ASSAULT"' in lines[2]
    lines[2] = lines[2].replace('"event": "ASSAULT"', '"event": "BOMB"', 1)
    path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    parsed = []
    real = plover._loads
    monkeypatch.setattr(plover, "_loads", lambda text: parsed.append(text) or real(text))
    problems = plover.plover_content_problems(path, release_tables)
    assert parsed == [lines[2] + "\n"] and any("is not a PLOVER 2.0 category" in p for p in problems), problems
    parsed.clear()
    problems = plover.plover_content_problems(path, dict(release_tables, articles=release_tables["articles"].slice(1)))
    assert len(parsed) == len(lines) and any("is not a PLOVER 2.0 category" in p for p in problems), problems


# ------------------------------------------------------------------ JSON compared type for type ----

def test_the_checks_tell_true_from_1_and_1_from_1_point_0(release_tables, tmp_path):
    """A line that differs in text is compared as JSON type for type: `true` rewritten as `1` (deltas) or a character
    offset as a float (PLOVER) is refused, though Python's == takes True for 1 and 1.0 for 1."""
    import re

    from conftest import ROOT, newest_version

    version = newest_version(ROOT)
    folder = tmp_path / version
    folder.mkdir()
    path = folder / "deltas.jsonl"
    real = (ROOT / "dataset" / version / "deltas.jsonl").read_text(encoding="utf-8")
    previous = ROOT / "dataset" / jsontext.json.loads(real.split("\n", 1)[0])["from"]
    path.write_text(real.replace(": true", ": 1", 1), encoding="utf-8")
    assert ": true" in real and deltas.deltas_content_problems(path, release_tables, previous) != []
    path.write_text(real, encoding="utf-8")
    assert deltas.deltas_content_problems(path, release_tables, previous) == []
    path = folder / "p.jsonl"
    plover.write_plover(path, release_tables)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'("char_end": \d+)', r"\1.0", text, count=1), encoding="utf-8")
    assert plover.plover_content_problems(path, release_tables) == ["records differ from the events and claims of the release"]
