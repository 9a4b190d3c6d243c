"""The Table Schema's constraints, checked on Arrow tables with pyarrow.compute (one translation
of each constraint; the build runs it on the tables it holds in memory, `validate` on a release).

required, unique, primaryKey, enum, pattern (a full match: RE2's `$` does not accept a trailing
newline), minimum, maximum, minLength, and foreignKeys across tables. pyarrow is imported
inside the functions.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence


def pattern_body(pattern: str) -> str:
    """A Table Schema pattern without its anchors: it always matches the whole value, so each
    checker anchors it its own way (re.fullmatch, RE2 ^…$, Python ^…\\Z)."""
    return pattern.removeprefix("^").removesuffix("$")


def _row_ids(table, mask, limit: int = 5) -> list[int]:
    import pyarrow.compute as pc

    if len(mask) == 0:  # an empty table's column may have no chunk at all: pyarrow < 26 crashes (segfault) on it here
        return []
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()[:limit]


def _cells(table, column, rows) -> str:
    col = table[column]
    return ", ".join(f"row {i}: {col[i].as_py()!r}" for i in rows)


def constraint_problems(name: str, table, table_schema: dict) -> list[str]:
    """Every row that breaks a constraint of its column, or a unique / primary key (first 5 per check)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    problems = []
    for field in table_schema["fields"]:
        col, c = field["name"], field.get("constraints", {})
        if col not in table.column_names:
            problems.append(f"{name}: column {col} is missing")
            continue
        values = table[col]
        checks = []
        if c.get("required"):
            checks.append(("required", pc.is_null(values)))
        if "enum" in c:
            checks.append((f"enum {c['enum']}", pc.invert(pc.is_in(values, value_set=pa.array(c["enum"], values.type)))))
        if "pattern" in c:
            pattern = "^(?:" + pattern_body(c["pattern"]) + ")$"
            checks.append((f"pattern {c['pattern']}", pc.invert(pc.match_substring_regex(values, pattern))))
        if "minLength" in c:
            checks.append((f"minLength {c['minLength']}", pc.less(pc.utf8_length(values), c["minLength"])))
        if "minimum" in c:
            checks.append((f"minimum {c['minimum']}", pc.less(values, c["minimum"])))
        if "maximum" in c:
            checks.append((f"maximum {c['maximum']}", pc.greater(values, c["maximum"])))
        if c.get("unique"):
            checks.append(("unique", _duplicated(table, [col])))
        for what, bad in checks:
            if what != "required":  # a missing value breaks only `required`
                bad = pc.and_kleene(bad, pc.is_valid(values))
            rows = _row_ids(table, bad)
            if rows:
                problems.append(f"{name}: column {col}: {what} broken at {_cells(table, col, rows)}")
    pk = table_schema.get("primaryKey", [])
    if len(pk) > 1 and all(k in table.column_names for k in pk):
        rows = _row_ids(table, _duplicated(table, pk))
        if rows:
            problems.append(f"{name}: primary key ({', '.join(pk)}) repeated at rows {rows}")
    return problems


def _duplicated(table, columns):
    """A boolean mask: rows whose key (non-null) occurs more than once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    key = _key(table, columns)
    if len(key) == 0:  # see _row_ids: a column with no chunk at all
        return pa.array([], pa.bool_())
    counts = pc.value_counts(key)  # (a grouped count_all needs pyarrow >= 13; the package supports 10.0.1)
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    return pc.is_in(key, value_set=repeated)


def _key(table, columns):
    """One string column standing for a (possibly compound) key; null where any part is null."""
    import pyarrow.compute as pc

    if len(columns) == 1:
        return table[columns[0]]
    parts = [pc.cast(table[c], "string") for c in columns]
    return pc.binary_join_element_wise(*parts, "\x1f")


def foreign_key_failures(tables: dict, schemas: dict):
    """Yield (table, columns, referenced table, first failing row index, row dict, count) for every broken foreign key."""
    import pyarrow.compute as pc

    for name, table in tables.items():
        for fk in schemas[name].get("foreignKeys", []):
            cols, ref_cols = fk["fields"], fk["reference"]["fields"]
            ref = fk["reference"]["resource"] or name
            if ref not in tables:
                continue
            values = _key(table, cols)
            ok = pc.or_kleene(pc.is_null(values), pc.is_in(values, value_set=pc.unique(_key(tables[ref], ref_cols))))
            bad = pc.invert(ok)
            n = pc.sum(bad).as_py() or 0
            if n:
                i = pc.index(ok, False).as_py()
                yield name, cols, ref, i, table.slice(i, 1).to_pylist()[0], n


def foreign_key_problems(tables: dict, schemas: dict) -> list[str]:
    return [f"{name}: row {i}: {', '.join(cols)} {[row[c] for c in cols]!r} not found in {ref}"
            + (f" ({n} rows in all)" if n > 1 else "")
            for name, cols, ref, i, row, n in foreign_key_failures(tables, schemas)]


class _Row(Mapping):
    """One row of a LazyRows: its values are read from the table's columns, each column turned into
    Python values the first time any row asks for it."""

    __slots__ = ("_rows", "_i")

    def __init__(self, rows: "LazyRows", i: int):
        self._rows, self._i = rows, i

    def __getitem__(self, column: str):
        values = self._rows._columns.get(column)  # a column already turned into Python values (else column() does it)
        return (values if values is not None else self._rows.column(column))[self._i]

    def __iter__(self):
        return iter(self._rows.names)

    def __len__(self) -> int:
        return len(self._rows.names)


class LazyRows(Sequence):
    """An Arrow table's rows as read-only mappings, for rules that compare rows with rows: only the
    columns the rules read become Python objects (a table's long texts never do)."""

    def __init__(self, table):
        self.table, self.names, self._columns = table, list(table.column_names), {}
        self._rows = [_Row(self, i) for i in range(table.num_rows)]

    def column(self, name: str) -> list:
        if name not in self._columns:
            if name not in self.names:
                raise KeyError(name)
            self._columns[name] = self.table.column(name).to_pylist()
        return self._columns[name]

    def __getitem__(self, i):
        return self._rows[i]

    def __len__(self) -> int:
        return len(self._rows)


def arrow_rows(table, batch_rows: int = 50_000):
    """The rows of an Arrow table as dicts, a batch at a time (for a pass over every row; LazyRows for rules)."""
    for batch in table.to_batches(batch_rows):
        yield from batch.to_pylist()
