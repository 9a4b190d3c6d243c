"""Dataset assertions (assertions.json beside this module): floors and ceilings that a release must
hold, checked by the build and by `validate`. pyarrow is imported inside the functions."""
from __future__ import annotations

import json
from pathlib import Path

from .versioning import version_key

FILE = Path(__file__).with_name("assertions.json")
MEASURES = ("rows", "filled", "sum", "distinct")


def declared() -> list[dict]:
    return json.loads(FILE.read_text(encoding="utf-8"))["assertions"]


def measure(table, assertion: dict):
    """The value an assertion bounds, measured on an Arrow table."""
    import pyarrow.compute as pc

    kind = next(m for m in MEASURES if m in assertion)
    if kind == "rows":
        return kind, table.num_rows
    column = table[assertion["column"]]
    if kind == "filled":
        return kind, (table.num_rows - column.null_count) / table.num_rows if table.num_rows else 0.0
    if kind == "sum":
        return kind, pc.sum(column).as_py() or 0
    return kind, len(pc.unique(column).drop_null()) if len(column) else 0


def assertion_problems(tables: dict, version: str, assertions: list[dict] | None = None) -> list[str]:
    """Every assertion release `version` is held to that its tables break (a table it lacks is a problem too)."""
    problems = []
    for i, a in enumerate(declared() if assertions is None else assertions):
        if version_key(a["since"]) > version_key(version) or "until" in a and version_key(a["until"]) < version_key(version):
            continue
        what = a["table"] + (f".{a['column']}" if "column" in a else "")
        if a["table"] not in tables:
            problems.append(f"assertion #{i + 1} ({what}): the release has no table {a['table']}")
            continue
        kind, value = measure(tables[a["table"]], a)
        bounds = a[kind]
        if "min" in bounds and value < bounds["min"] or "max" in bounds and value > bounds["max"]:
            expected = " and ".join(f"{'at least' if k == 'min' else 'at most'} {v}" for k, v in bounds.items())
            shown = f"{value:.3f}" if isinstance(value, float) else value
            problems.append(f"assertion #{i + 1} ({what}): {kind} is {shown}, expected {expected}")
    return problems
