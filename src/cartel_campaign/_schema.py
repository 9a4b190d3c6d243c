"""Table Schema (Frictionless JSON) -> Arrow types and typed readers.

This module is the one bridge from schemas/*.schema.json to bytes on disk; it
imports pyarrow lazily so that importing it costs nothing.
"""
from __future__ import annotations

from pathlib import Path

#: Frictionless field type -> (pyarrow type factory name, pandas dtype after loading)
TYPES = {
    "string": ("string", "str"),
    "integer": ("int64", "Int64"),
    "date": ("date32", "datetime64[ms]"),
    "boolean": ("bool_", "bool"),
}


def field_names(table_schema: dict) -> list[str]:
    return [f["name"] for f in table_schema["fields"]]


def arrow_schema(table_schema: dict):
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(f["name"], getattr(pa, TYPES[f["type"]][0])(), nullable=not f.get("constraints", {}).get("required", False))
            for f in table_schema["fields"]
        ]
    )


def _to_pandas(table):
    import pandas as pd
    import pyarrow as pa

    return table.to_pandas(date_as_object=False, types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def read_csv(path: Path, table_schema: dict):
    """Read a release CSV with the types its schema declares (empty cell = missing)."""
    import pyarrow.csv as pacsv

    schema = arrow_schema(table_schema)
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=None),
        convert_options=pacsv.ConvertOptions(
            column_types={f.name: f.type for f in schema},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            true_values=["true"],
            false_values=["false"],
        ),
    )
    return _to_pandas(table)


def read_parquet(path: Path):
    import pyarrow.parquet as pq

    return _to_pandas(pq.read_table(path))


def row_count(path: Path) -> int:
    """Rows of a Parquet file, from its footer (no data read)."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows
