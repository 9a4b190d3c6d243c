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
