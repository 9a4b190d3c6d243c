"""Rows -> Arrow tables, streaming: one builder per table collects rows and turns every BATCH rows
into an Arrow record batch (Arrow converts the row mappings, as one struct array), so the build never
holds more than one batch of Python rows per table. A row must fill exactly its schema's columns: a missing or unknown column
is an error, never dropped or filled in.
"""
from __future__ import annotations

import pyarrow as pa

from .. import release
from .errors import BuildError

#: Rows per batch. Small: the rows waiting in the builders are Python objects, and at most this many per table are
#: held at a time. With 4096, at 300x the waiting rows took some 40 arenas of Python's allocator that the few
#: objects the build keeps (made between them) then pinned for the rest of the build (about 20 MB more).
BATCH = 512


class TableBuilder:
    def __init__(self, name: str, table_schema: dict):
        self.name, self.schema = name, release.arrow_schema(table_schema)
        self.columns = [f.name for f in self.schema]
        self._names = set(self.columns)
        self._struct = pa.struct(list(self.schema))
        self._rows: list[dict] = []
        self._batches: list = []

    def add(self, row: dict) -> None:
        """Take a row (kept as it is until its batch is made: not changed after it is added)."""
        if row.keys() != self._names:
            missing = [c for c in self.columns if c not in row]
            unknown = [c for c in row if c not in self._names]
            raise BuildError(None, None, f"{self.name}: a row must fill exactly the schema's columns; missing {missing}, unknown {unknown}")
        self._rows.append(row)
        if len(self._rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        rows = pa.array(self._rows, type=self._struct)
        self._batches.append(pa.RecordBatch.from_arrays(rows.flatten(), schema=self.schema))
        self._rows = []

    def extend(self, table: pa.Table) -> None:
        """Append the rows of a finished table (of the same schema) after the rows added so far."""
        if self._rows:
            self._flush()
        self._batches += table.to_batches()

    def finish(self) -> pa.Table:
        if self._rows or not self._batches:
            self._flush()
        table = pa.Table.from_batches(self._batches, schema=self.schema).combine_chunks()  # one chunk: the files do not depend on BATCH
        self._batches = []  # the batches are copied into the table: let them go now
        return table


class Sink:
    """One builder per table of the release."""

    def __init__(self, schemas: dict, names: list[str]):
        self.builders = {name: TableBuilder(name, schemas[name]) for name in names}

    def add(self, table: str, row: dict) -> None:
        self.builders[table].add(row)

    def finish(self) -> dict:
        return {name: b.finish() for name, b in self.builders.items()}
