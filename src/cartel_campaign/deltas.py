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
table order, then ADD, MOD, DEL, each by key. Standard library only (the tables are Arrow).
"""
from __future__ import annotations

import json
from pathlib import Path

OPS = ("ADD", "MOD", "DEL")


def _cell(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row(row: dict) -> dict:
    return {k: _cell(v) for k, v in row.items()}


def _keyed(table, pk: list[str]) -> dict:
    return {tuple(_cell(r[c]) for c in pk): _row(r) for r in table.to_pylist()}


#: Rows turned into Python at a time where a new table's rows are all ADD lines (memory stays bounded).
BATCH_ROWS = 4096


def table_delta(name: str, old, new, pk: list[str] | None):
    """The delta lines of one table, in order (old or new None: the table is new or gone; pk None: a new table,
    whose rows are all ADD, in table order, with key null, read a batch at a time)."""
    if old is None:
        for batch in new.to_batches(max_chunksize=BATCH_ROWS):
            yield from ({"op": "ADD", "table": name, "key": None, "row": _row(r)} for r in batch.to_pylist())
        return
    old_rows = _keyed(old, pk) if old is not None else {}
    new_rows = _keyed(new, pk) if new is not None else {}
    old_columns = set(old.column_names) if old is not None else set()

    def line(op, key, row, **more):
        return {"op": op, "table": name, "key": dict(zip(pk, key)), "row": row, **more}

    out = [line("ADD", k, new_rows[k]) for k in sorted(new_rows.keys() - old_rows.keys(), key=str)]
    for k in sorted(new_rows.keys() & old_rows.keys(), key=str):
        before, after = old_rows[k], new_rows[k]
        changed = [c for c in after if c in old_columns and before.get(c) != after[c]]
        added = [c for c in after if c not in old_columns and after[c] is not None]
        if changed or added:
            out.append(line("MOD", k, after, changed_columns=changed, new_columns=added))
    out += [line("DEL", k, None) for k in sorted(old_rows.keys() - new_rows.keys(), key=str)]
    yield from out


def iter_delta_lines(old_tables: dict, new_tables: dict, keys: dict, old_version: str | None, new_version: str):
    """Every delta line from the old release's tables to the new one's, in order, one table at a time (`keys`:
    the old release's primary keys)."""
    yield {"op": "HEADER", "from": old_version, "to": new_version}
    names = list(new_tables) + [t for t in old_tables if t not in new_tables]
    for name in names:
        key = keys.get(name) or (old_tables[name].column_names if name in old_tables else None)
        yield from table_delta(name, old_tables.get(name), new_tables.get(name), key)


def delta_lines(old_tables: dict, new_tables: dict, keys: dict, old_version: str | None, new_version: str) -> list[dict]:
    """iter_delta_lines as a list."""
    return list(iter_delta_lines(old_tables, new_tables, keys, old_version, new_version))


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
    """The delta lines of the release in path's folder (tables) against previous, in order, one at a time."""
    old_tables, old_keys, old_version = _release(previous)
    return iter_delta_lines(old_tables, tables, old_keys, old_version, Path(path).parent.name)


def to_json(line: dict) -> str:
    return json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n"


def write_deltas(path: Path, tables: dict, previous: Path | None) -> int:
    """The export (cartel_campaign.exports), written a line at a time: returns the number of ADD/MOD/DEL lines."""
    n = 0
    with open(path, "w", encoding="utf-8") as handle:
        for n, line in enumerate(compute(path, tables, previous)):
            handle.write(to_json(line))
    return n


def deltas_content_problems(path: Path, tables: dict, previous: Path | None) -> list[str]:
    """The delta file is valid JSON lines of known ops and is exactly what the release and the previous one give."""
    expected = compute(path, tables, previous)
    header = next(expected)
    problems, n_lines, n_expected, first_difference = [], 0, 1, None
    try:
        with open(path, encoding="utf-8") as handle:  # a line at a time, compared with the recomputed line
            for i, text in enumerate(handle):
                line, n_lines = json.loads(text), i + 1
                if i and (not isinstance(line, dict) or line.get("op") not in OPS):
                    problems.append(f"line {i + 1}: unknown op {line.get('op') if isinstance(line, dict) else None!r} (expected {', '.join(OPS)})")
                want = header if i == 0 else next(expected, None)
                n_expected += i > 0 and want is not None
                if first_difference is None and line != want:
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
