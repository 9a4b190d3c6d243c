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


def table_delta(name: str, old, new, pk: list[str] | None) -> list[dict]:
    """The delta lines of one table (old or new None: the table is new or gone; pk None: a new table, whose
    rows are all ADD, in table order, with key null)."""
    if old is None:
        return [{"op": "ADD", "table": name, "key": None, "row": _row(r)} for r in new.to_pylist()]
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
    return out


def delta_lines(old_tables: dict, new_tables: dict, keys: dict, old_version: str | None, new_version: str) -> list[dict]:
    """Every delta line from the old release's tables to the new one's (`keys`: the old release's primary keys)."""
    lines = [{"op": "HEADER", "from": old_version, "to": new_version}]
    names = list(new_tables) + [t for t in old_tables if t not in new_tables]
    for name in names:
        key = keys.get(name) or (old_tables[name].column_names if name in old_tables else None)
        lines += table_delta(name, old_tables.get(name), new_tables.get(name), key)
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


def compute(path: Path, tables: dict, previous: Path | None) -> list[dict]:
    old_tables, old_keys, old_version = _release(previous)
    return delta_lines(old_tables, tables, old_keys, old_version, Path(path).parent.name)


def to_jsonl(lines: list[dict]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)


def write_deltas(path: Path, tables: dict, previous: Path | None) -> int:
    """The export (cartel_campaign.exports): returns the number of ADD/MOD/DEL lines."""
    lines = compute(path, tables, previous)
    Path(path).write_text(to_jsonl(lines), encoding="utf-8")
    return len(lines) - 1


def deltas_content_problems(path: Path, tables: dict, previous: Path | None) -> list[str]:
    """The delta file is valid JSON lines of known ops and is exactly what the release and the previous one give."""
    try:
        lines = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    except (ValueError, UnicodeDecodeError) as err:
        return [f"not JSON lines ({err})"]
    problems = [f"line {i + 2}: unknown op {line.get('op')!r} (expected {', '.join(OPS)})"
                for i, line in enumerate(lines[1:]) if not isinstance(line, dict) or line.get("op") not in OPS]
    if problems:
        return problems
    expected = compute(path, tables, previous)
    if lines != expected:
        n = next((i for i, (a, b) in enumerate(zip(lines, expected)) if a != b), min(len(lines), len(expected)))
        return [f"differs from the changes between {expected[0]['from']} and {expected[0]['to']} from line {n + 1} on "
                f"({len(lines)} lines, recomputed {len(expected)})"]
    return []
