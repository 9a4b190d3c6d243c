"""pandera checks of a release's tables, derived from their Table Schemas (column checks; rules across
columns and tables are cartel_campaign.rules)."""
from __future__ import annotations

from .. import checks, release


def pandera_schema(table: str, table_schema: dict):
    """The pandera DataFrameSchema of a table, from its Frictionless Table Schema (column checks;
    rules across columns and tables are cartel_campaign.rules, run on the rows)."""
    import pandera.pandas as pa

    columns = {}
    for field in table_schema["fields"]:
        c = field.get("constraints", {})
        col_checks = []
        if "enum" in c:
            col_checks.append(pa.Check.isin(c["enum"]))
        if "pattern" in c:  # a Table Schema pattern matches the whole value; fullmatch refuses a trailing newline too
            col_checks.append(pa.Check.str_matches("^(?:" + checks.pattern_body(c["pattern"]) + r")\Z"))
        if "minLength" in c:
            col_checks.append(pa.Check.str_length(min_value=c["minLength"]))
        if "minimum" in c:
            col_checks.append(pa.Check.ge(c["minimum"]))
        if "maximum" in c:
            col_checks.append(pa.Check.le(c["maximum"]))
        columns[field["name"]] = pa.Column(
            release.TYPES[field["type"]][1],
            checks=col_checks,
            nullable=not c.get("required", False),
            unique=c.get("unique", False),
            description=field.get("description"),
        )
    pk = table_schema.get("primaryKey", [])
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=pk if len(pk) > 1 else None, name=table)


def check_frames(frames: dict, schemas: dict) -> list[str]:
    """pandera checks of every frame (pandas); returns readable problems (table, row, column, check, value)."""
    import pandera.errors

    problems = []
    for table, df in frames.items():
        try:
            pandera_schema(table, schemas[table]).validate(df, lazy=True)
        except pandera.errors.SchemaErrors as err:
            for case in err.failure_cases.head(50).itertuples():
                where = f"row {case.index}" if case.index is not None and case.index == case.index else "table"
                problems.append(f"{table}: {where}, column {case.column}: check {case.check} failed (found {case.failure_case!r})")
    return problems


def check_tables_with_pandera(tables: dict, schemas: dict, batch_rows: int = 100_000) -> list[str]:
    """pandera on Arrow tables, a batch of rows at a time (bounded memory); row numbers are the table's."""
    problems = []
    for name, table in tables.items():
        for offset in range(0, max(table.num_rows, 1), batch_rows):
            try:
                frame = release.to_pandas(table.slice(offset, batch_rows))
            except (TypeError, ValueError, KeyError) as err:  # e.g. pandas metadata naming other types than the columns'
                problems.append(f"{name}: not made a pandas frame of its Parquet's columns ({type(err).__name__}: {err})")
                break
            frame.index += offset
            problems += check_frames({name: frame}, {name: schemas[name]})
    return problems
