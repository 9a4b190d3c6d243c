"""The declared shapes and the schemas agree: every column of an annotated table is filled by exactly
one annotation key or computed by the build, and every key names a real column."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT

from cartel_campaign import records, shapes


def schema_columns(table: str) -> list[str]:
    return [f["name"] for f in json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text(encoding="utf-8"))["fields"]]


@pytest.mark.parametrize("table", sorted(records.ANNOTATED))
def test_every_column_comes_from_one_key_or_the_build(table):
    filled = [k.column for s in records.ANNOTATED[table] for k in s.keys.values() if isinstance(k, shapes.Key)]
    computed = [c for s in records.ANNOTATED[table] for c in s.computed]
    assert sorted(filled + computed) == sorted(schema_columns(table)), "a column missing, unknown, or filled twice"


def test_child_tables_and_item_shapes_exist():
    tables = set(json.loads((ROOT / "schemas" / "package.json").read_text(encoding="utf-8"))["tables"])
    for shape in [s for group in records.ANNOTATED.values() for s in group]:
        for kind in shape.keys.values():
            if isinstance(kind, shapes.Rows):
                assert kind.table in tables, (shape.name, kind.table)
    for table, item in records.ITEM.items():
        assert item.table == table
