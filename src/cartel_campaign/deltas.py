"""Machine-readable deltas of a release against the previous one (export deltas, since 1.2.0), in the manner
of OpenSanctions' delta files: JSON lines, a first line {"op": "HEADER", "from": <previous version>, "to":
<version>}, then one line per record that is new (ADD), changed (MOD) or gone (DEL), by table and primary
key, so an update can be applied without reloading everything:

    {"op": "ADD", "table": "claims", "key": {"claim_id": "…"}, "row": {…the new row…}}
    {"op": "MOD", "table": "events", "key": {…}, "row": {…}, "changed_columns": [...], "new_columns": [...]}
    {"op": "DEL", "table": "quotes", "key": {…}, "row": null}

changed_columns: columns both releases have whose value differs; new_columns: columns the previous release
lacks that the row fills (as `cartel-campaign diff` tells them apart). A record's key is its primary key in the
previous release's schema; a table the previous release lacks has every row as ADD with key null. Dates are ISO strings. Lines are in
table order, then ADD, MOD, DEL, each by key. Each line is made from the
tables' columns a batch at a time (cartel_campaign.jsontext): the same text as json.dumps(line, ensure_ascii=False,
sort_keys=True) of the line as Python objects.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from . import jsontext
from .jsontext import dumps, join, obj

OPS = ("ADD", "MOD", "DEL")
#: Lines made at a time (memory stays bounded by a batch, not by the table).
BATCH_ROWS = 4096
#: Arrow types whose values are the same in Python and in JSON (no date or time to write as an ISO string).
_PLAIN = (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_boolean)
#: Arrow types whose values compare in Arrow exactly as their Python values do (others compare as Python values).
_SAME_IN_ARROW = (*_PLAIN, pa.types.is_date32)


def _cell(value):
    return jsontext.iso(value)


def _row(row: dict) -> dict:
    return {k: _cell(v) for k, v in row.items()}


def _fields(table, columns) -> dict:
    """{column: its values as JSON text}."""
    return {c: jsontext.encode(table[c]) for c in columns}


def _positions(table, pk: list[str]) -> dict:
    """{key (the primary key's values, dates as ISO strings): the row's position}; a repeated key: its last row."""
    columns = [table[c].to_pylist() for c in pk]
    columns = [col if _plain(table[c].type) else [_cell(v) for v in col] for c, col in zip(pk, columns)]
    return {key: i for i, key in enumerate(zip(*columns))}


def _plain(kind) -> bool:
    return any(test(kind) for test in _PLAIN)


def _arrow_compares(kind) -> bool:
    return any(test(kind) for test in _SAME_IN_ARROW)


def _differs(before, after) -> pa.Array:
    """Row by row, whether the values differ (None and a value differ; two None do not)."""
    if before.type == after.type and _arrow_compares(after.type):
        unequal = pc.fill_null(pc.not_equal(before, after), False)
        return pc.or_(unequal, pc.xor(pc.is_null(before), pc.is_null(after)))
    return pa.array([b != a for b, a in zip(map(_cell, before.to_pylist()), map(_cell, after.to_pylist()))], pa.bool_())


def _names(flags: dict):
    """Row by row, the JSON list of the names whose flag is set ({name: boolean column})."""
    if not flags:
        return "[]"
    joined = join(*[pc.if_else(flag, dumps(name) + ", ", "") for name, flag in flags.items()])
    return join("[", pc.utf8_rtrim(joined, characters=", "), "]")


def _slices(positions: list[int]):
    for i in range(0, len(positions), BATCH_ROWS):
        yield positions[i:i + BATCH_ROWS]


def _modified(before, after, pk: list[str], tail: str):
    """The MOD lines of rows with the same keys (before and after, row by row): those with a changed value or a new
    column filled."""
    old_columns = set(before.column_names)
    changed = {c: _differs(before[c], after[c]) for c in after.column_names if c in old_columns}
    added = {c: pc.is_valid(after[c]) for c in after.column_names if c not in old_columns}
    flags = list(changed.values()) + list(added.values())
    if not flags:
        return None
    mask = flags[0]
    for flag in flags[1:]:
        mask = pc.or_(mask, flag)
    if not pc.any(mask).as_py():
        return None
    after = after.filter(mask)
    changed = {c: pc.filter(f, mask) for c, f in changed.items()}
    added = {c: pc.filter(f, mask) for c, f in added.items()}
    return join('{"changed_columns": ', _names(changed), ', "key": ', *obj(_fields(after, pk)), ', "new_columns": ', _names(added),
                ', "op": "MOD", "row": ', *obj(_fields(after, after.column_names)), tail)


def table_delta(name: str, old, new, pk: list[str] | None):
    """The delta lines of one table, in order, as JSON text a batch at a time (Arrow arrays of lines). old or new
    None: the table is new or gone; old None: every row is ADD, in table order, with key null."""
    tail = ', "table": ' + dumps(name) + "}\n"
    if old is None:
        for batch in new.to_batches(max_chunksize=BATCH_ROWS):
            yield join('{"key": null, "op": "ADD", "row": ', *obj(_fields(batch, batch.schema.names)), tail)
        return
    old_at = _positions(old, pk)
    new_at = _positions(new, pk) if new is not None else {}
    for rows in _slices([new_at[k] for k in sorted(new_at.keys() - old_at.keys(), key=str)]):
        t = new.take(rows)
        yield join('{"key": ', *obj(_fields(t, pk)), ', "op": "ADD", "row": ', *obj(_fields(t, t.column_names)), tail)
    common = sorted(new_at.keys() & old_at.keys(), key=str)
    for keys in _slices(common):
        lines = _modified(old.take([old_at[k] for k in keys]), new.take([new_at[k] for k in keys]), pk, tail)
        if lines is not None and len(lines):
            yield lines
    for rows in _slices([old_at[k] for k in sorted(old_at.keys() - new_at.keys(), key=str)]):
        yield join('{"key": ', *obj(_fields(old.take(rows), pk)), ', "op": "DEL", "row": null', tail)


def _key_columns(name: str, old_tables: dict, keys: dict) -> list[str] | None:
    """A table's key: its primary key in the old release (all its old columns where it has none)."""
    return keys.get(name) or (old_tables[name].column_names if name in old_tables else None)


def iter_delta_lines(old_tables: dict, new_tables: dict, keys: dict, old_version: str | None, new_version: str):
    """Every delta line from the old release's tables to the new one's, in order, as JSON text a batch at a time
    (Arrow arrays of lines, the header first), one table at a time (`keys`: the old release's primary keys)."""
    yield pa.array([dumps({"op": "HEADER", "from": old_version, "to": new_version}) + "\n"])
    names = list(new_tables) + [t for t in old_tables if t not in new_tables]
    for name in names:
        yield from table_delta(name, old_tables.get(name), new_tables.get(name), _key_columns(name, old_tables, keys))


def delta_lines(old_tables: dict, new_tables: dict, keys: dict, old_version: str | None, new_version: str) -> list[dict]:
    """The delta lines as Python objects (a record's key in its primary key's order)."""
    lines = [json.loads(text) for batch in iter_delta_lines(old_tables, new_tables, keys, old_version, new_version)
             for text in batch.to_pylist()]
    for line in lines[1:]:
        if line["key"] is not None:
            line["key"] = {c: line["key"][c] for c in _key_columns(line["table"], old_tables, keys)}
    return lines


def _release(folder: Path | None) -> tuple[dict, dict, str | None]:
    """A release folder's Arrow tables and primary keys (nothing for None: no previous release)."""
    if folder is None:
        return {}, {}, None
    from .release import read_parquet

    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables = {r["name"]: read_parquet(folder / f"{r['name']}.parquet") for r in desc["resources"]}
    keys = {r["name"]: list(r["schema"].get("primaryKey") or []) for r in desc["resources"]}
    return tables, keys, desc["version"]


def compute(path: Path, tables: dict, previous: Path | None):
    """The delta lines of the release in path's folder (tables) against previous, in order, as text a line at a time."""
    old_tables, old_keys, old_version = _release(previous)
    for batch in iter_delta_lines(old_tables, tables, old_keys, old_version, Path(path).parent.name):
        yield from batch.to_pylist()


def write_deltas(path: Path, tables: dict, previous: Path | None) -> int:
    """The export (cartel_campaign.exports), written a batch of lines at a time: returns the number of ADD/MOD/DEL lines."""
    old_tables, old_keys, old_version = _release(previous)
    n = 0
    with open(path, "wb") as handle:
        for batch in iter_delta_lines(old_tables, tables, old_keys, old_version, Path(path).parent.name):
            jsontext.write(handle, batch)
            n += len(batch)
    return n - 1


def deltas_content_problems(path: Path, tables: dict, previous: Path | None) -> list[str]:
    """The delta file is valid JSON lines of known ops and is exactly what the release and the previous one give
    (a line is compared as text with the recomputed line, and as JSON where the texts differ)."""
    expected = compute(path, tables, previous)
    header_text = next(expected)
    header = json.loads(header_text)
    problems, n_lines, n_expected, first_difference = [], 0, 1, None
    try:
        with open(path, encoding="utf-8") as handle:  # a line at a time, compared with the recomputed line
            for i, text in enumerate(handle):
                want = header_text if i == 0 else next(expected, None)
                n_lines = i + 1
                n_expected += i > 0 and want is not None
                if text == want:  # the recomputed line itself: JSON, of a known op
                    continue
                line = json.loads(text)
                if i and (not isinstance(line, dict) or line.get("op") not in OPS):
                    problems.append(f"line {i + 1}: unknown op {line.get('op') if isinstance(line, dict) else None!r} (expected {', '.join(OPS)})")
                if first_difference is None and (want is None or not jsontext.same_json(line, want)):
                    first_difference = min(i, n_expected)
    except (ValueError, UnicodeDecodeError) as err:
        return [f"not JSON lines ({err})"]
    if problems:
        return problems
    n_expected += sum(1 for _ in expected)
    if first_difference is not None or n_lines != n_expected:
        n = first_difference if first_difference is not None else min(n_lines, n_expected)
        return [f"differs from the changes between {header['from']} and {header['to']} from line {n + 1} on "
                f"({n_lines} lines, recomputed {n_expected})"]
    return []
