"""Dataset assertions (seeds/assertions.yaml, in the spirit of zavod's `assertions:`): floors and
ceilings that a release must hold, checked by the build and by `validate` (the wheel carries the file
in its data folder). PyYAML and pyarrow are imported inside the functions (not on the load path)."""
from __future__ import annotations

from pathlib import Path

from .versioning import is_version, version_key

FILE = "seeds/assertions.yaml"
MEASURES = ("rows", "filled", "sum", "distinct")
KEYS = ("since", "until", "table", "column", "why", *MEASURES)


class AssertionsError(ValueError):
    """seeds/assertions.yaml is not a list of well-formed assertions: (line, what is wrong)."""

    def __init__(self, line: int | None, message: str):
        super().__init__(f"{FILE}{f':{line}' if line else ''}: {message}")
        self.line, self.message = line, message


def declared(root: Path) -> list[dict]:
    """The assertions of the dataset at root (none when the root has no seeds/assertions.yaml: a test or
    synthetic root; a checkout and the wheel have it)."""
    import yaml

    path = Path(root) / FILE
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise AssertionsError(mark.line + 1 if mark else None, f"YAML syntax error: {getattr(err, 'problem', err)}") from None
    if not isinstance(data, list):
        raise AssertionsError(1, "expected a list of assertions")
    for i, entry in enumerate(data):
        problem = entry_problem(entry)
        if problem:
            raise AssertionsError(node.value[i].start_mark.line + 1, f"assertion #{i + 1}: {problem}")
    return data


def entry_problem(entry) -> str | None:
    """What is wrong with one assertion, or None."""
    if not isinstance(entry, dict):
        return f"expected a mapping (since, table, column, a measure), found {entry!r}"
    unknown = sorted(set(entry) - set(KEYS))
    kinds = [m for m in MEASURES if m in entry]
    if unknown:
        return f"unknown key(s) {unknown}; expected {', '.join(KEYS)}"
    if not isinstance(entry.get("since"), str) or not is_version(entry["since"]):
        return f"since must be a quoted version 'MAJOR.MINOR.PATCH', found {entry.get('since')!r}"
    if "until" in entry and (not isinstance(entry["until"], str) or not is_version(entry["until"])):
        return f"until must be a quoted version 'MAJOR.MINOR.PATCH', found {entry['until']!r}"
    if not isinstance(entry.get("table"), str):
        return "table is missing"
    if len(kinds) != 1:
        return f"expected exactly one measure of {', '.join(MEASURES)}, found {kinds or 'none'}"
    bounds = entry[kinds[0]]
    if not isinstance(bounds, dict) or not bounds or set(bounds) - {"min", "max"} \
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bounds.values()):
        return f"{kinds[0]} must map min and/or max to numbers, found {bounds!r}"
    if kinds[0] != "rows" and not isinstance(entry.get("column"), str):
        return f"{kinds[0]} needs a column"
    return None


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


def assertion_problems(tables: dict, version: str, assertions: list[dict]) -> list[str]:
    """Every assertion release `version` is held to (from `since`, up to `until` where given) that its tables break (a table it lacks is a problem too)."""
    problems = []
    for i, a in enumerate(assertions):
        if version_key(a["since"]) > version_key(version) or "until" in a and version_key(a["until"]) < version_key(version):
            continue
        what = a["table"] + (f".{a['column']}" if "column" in a else "")
        if a["table"] not in tables:
            problems.append(f"assertion #{i + 1} ({what}): the release has no table {a['table']}")
            continue
        if "column" in a and a["column"] not in tables[a["table"]].column_names:
            problems.append(f"assertion #{i + 1} ({what}): the table has no column {a['column']}")
            continue
        kind, value = measure(tables[a["table"]], a)
        bounds = a[kind]
        if "min" in bounds and value < bounds["min"] or "max" in bounds and value > bounds["max"]:
            expected = " and ".join(f"{'at least' if k == 'min' else 'at most'} {v}" for k, v in bounds.items())
            shown = f"{value:.3f}" if isinstance(value, float) else value
            problems.append(f"assertion #{i + 1} ({what}): {kind} is {shown}, expected {expected}")
    return problems
