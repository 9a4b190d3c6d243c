"""build/tables.py: rows become Arrow record batches, each batch converted by Arrow in one call."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from cartel_campaign.build import tables
from cartel_campaign.build.errors import BuildError

SCHEMA = {"fields": [{"name": "id", "type": "string", "constraints": {"required": True}},
                     {"name": "n", "type": "integer"}, {"name": "on", "type": "date"}]}


def test_a_batch_of_rows_is_converted_in_one_call(monkeypatch):
    calls = []
    real = pa.array
    monkeypatch.setattr(tables.pa, "array", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(tables, "BATCH", 3)
    builder = tables.TableBuilder("t", SCHEMA)
    rows = [{"id": f"r{i}", "n": i if i % 2 else None, "on": dt.date(2025, 1, i + 1)} for i in range(7)]
    for row in rows:
        builder.add(row)
    table = builder.finish()
    assert table.to_pylist() == rows and table.schema == builder.schema and table.column(0).num_chunks == 1
    assert len(calls) == 3, "one conversion per batch (3 + 3 + 1 rows), not one per column"


def test_a_row_must_fill_exactly_the_columns():
    builder = tables.TableBuilder("t", SCHEMA)
    with pytest.raises(BuildError, match=r"missing \['on'\], unknown \['x'\]"):
        builder.add({"id": "a", "n": 1, "x": 2})
