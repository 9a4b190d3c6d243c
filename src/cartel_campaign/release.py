"""The release format, said once: Table Schema -> Arrow types, the CSV dialect, how a table is
written to and read from Parquet and CSV, and the manifest.

The build writes with these functions and every reader (loader, validation, diff, docs, the
Frictionless key check) reads with them. pyarrow is imported inside functions, so importing
this module costs nothing.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

#: Frictionless field type -> (pyarrow type factory name, pandas dtype after loading, numpy_type in pandas metadata)
TYPES = {
    "string": ("string", "str", "object"),
    "integer": ("int64", "Int64", "Int64"),
    "date": ("date32", "datetime64[ms]", "object"),
    "boolean": ("bool_", "bool", "bool"),
}
_PANDAS_TYPE = {"string": "unicode", "integer": "int64", "date": "date", "boolean": "bool"}
#: Versions of the libraries recorded in the pandas metadata of the Parquet files (see pandas_metadata).
PARQUET_COMPRESSION = "zstd"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Dialect:
    """How every CSV file of a release is written and read (one object for every writer and reader).

    UTF-8, comma-separated, a header row, fields quoted only when needed with '"' (a quote inside
    is doubled), LF line ends, an empty cell for a missing value (never for an empty string:
    text is never empty), booleans as true/false, dates as YYYY-MM-DD.

    No cell begins like a spreadsheet formula (= + - @ tab CR: Excel and LibreOffice run such a
    cell, quoted or not). Text the annotators write is refused by the build when it begins so
    (safety.formula_rule); verbatim text (quotes, evidence, titles from the articles) is guarded:
    a text value that begins with formula_start, after any apostrophes, is written with one more
    apostrophe (formula_guard) in front, which a reader removes (`unguard`), so every value
    round-trips and the CSV equals the Parquet file, which holds the text unchanged.
    """

    delimiter: str = ","
    quote_char: str = '"'
    double_quote: bool = True
    line_terminator: str = "\n"
    header: bool = True
    null: str = ""
    true: str = "true"
    false: str = "false"
    encoding: str = "utf-8"
    formula_start: str = "=+-@\t\r"
    formula_guard: str = "'"

    def descriptor(self) -> dict:
        """The Frictionless CSV Dialect of these files (for a resource's `dialect`)."""
        return {"delimiter": self.delimiter, "quoteChar": self.quote_char, "doubleQuote": self.double_quote,
                "lineTerminator": self.line_terminator, "header": self.header}

    def _guarded(self, guards: str) -> str:
        """An RE2 pattern: the start of a value with `guards` in front of (apostrophes and) a formula character."""
        start = "".join(f"\\x{{{ord(c):x}}}" for c in self.formula_start)
        return f"^{guards}((?:{self.formula_guard})*[{start}])"

    def guard(self, table):
        """The table as its CSV file holds it: formula_guard in front of every text value that needs it."""
        return self._map_text(table, self._guarded(""), self.formula_guard + "\\1")

    def unguard(self, table):
        """The table as read from its CSV file, back to its values: one formula_guard removed where guard added it."""
        return self._map_text(table, self._guarded(self.formula_guard), "\\1")

    def _map_text(self, table, pattern: str, replacement: str):
        import pyarrow as pa
        import pyarrow.compute as pc

        firsts = pa.array(list(self.formula_start + self.formula_guard))
        for i, field in enumerate(table.schema):
            if not pa.types.is_string(field.type):
                continue
            column = table.column(i)
            if pc.any(pc.is_in(pc.utf8_slice_codeunits(column, 0, 1), value_set=firsts)).as_py():  # else nothing to change (fast)
                table = table.set_column(i, field, pc.replace_substring_regex(column, pattern, replacement, max_replacements=1))
        return table

    def write_options(self):
        import pyarrow.csv as pacsv

        return pacsv.WriteOptions(include_header=self.header, delimiter=self.delimiter, quoting_style="needed")

    def read_options(self, **kw):
        import pyarrow.csv as pacsv

        return pacsv.ReadOptions(autogenerate_column_names=not self.header, **kw)

    def parse_options(self):
        import pyarrow.csv as pacsv

        return pacsv.ParseOptions(delimiter=self.delimiter, quote_char=self.quote_char, double_quote=self.double_quote,
                                  newlines_in_values=True)

    def convert_options(self, column_types: dict, include_columns: list | None = None):
        import pyarrow.csv as pacsv

        return pacsv.ConvertOptions(
            column_types=column_types, include_columns=include_columns or [], null_values=[self.null],
            strings_can_be_null=True, quoted_strings_can_be_null=True, true_values=[self.true], false_values=[self.false],
        )


CSV = Dialect()


def is_required(field: dict) -> bool:
    return bool(field.get("constraints", {}).get("required", False))


def pandas_metadata(table_schema: dict) -> bytes:
    """The pandas metadata stored in every Parquet file (so integers load as nullable Int64).

    It is what `pyarrow.Table.from_pandas` writes for the frame the schema describes, written here
    from the schema alone so that no pandas frame is ever built on the way to the file.
    """
    import pandas
    import pyarrow

    columns = [{"name": f["name"], "field_name": f["name"], "pandas_type": _PANDAS_TYPE[f["type"]],
                "numpy_type": TYPES[f["type"]][2], "metadata": None} for f in table_schema["fields"]]
    meta = {"index_columns": [], "column_indexes": [], "columns": columns, "attributes": {},
            "creator": {"library": "pyarrow", "version": pyarrow.__version__}, "pandas_version": pandas.__version__}
    return json.dumps(meta).encode()


def arrow_schema(table_schema: dict, *, with_pandas: bool = True):
    """The Arrow schema of a table: its types, nullability from `required`, and (with_pandas: as the Parquet files
    store it) the pandas metadata and each column's description as field metadata (b"description"), which
    pyarrow and other Arrow readers show."""
    import pyarrow as pa

    def metadata(f: dict):
        return {b"description": f["description"].encode("utf-8")} if with_pandas and f.get("description") else None

    schema = pa.schema([pa.field(f["name"], getattr(pa, TYPES[f["type"]][0])(), nullable=not is_required(f), metadata=metadata(f))
                        for f in table_schema["fields"]])
    return schema.with_metadata({b"pandas": pandas_metadata(table_schema)}) if with_pandas else schema


def write_table(table, folder: Path, name: str) -> None:
    """Write one table as folder/name.parquet and folder/name.csv."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    pq.write_table(table, folder / f"{name}.parquet", compression=PARQUET_COMPRESSION)
    pacsv.write_csv(CSV.guard(table), folder / f"{name}.csv", CSV.write_options())


def read_parquet(path: Path, columns: list[str] | None = None):
    """A release's Parquet file as an Arrow table (only `columns`, where given)."""
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=columns)


def reads_back_as(path: Path, table) -> bool:
    """The Parquet file reads back as `table`: its schema, then each column, read alone (memory holds one column)."""
    import pyarrow.parquet as pq

    with open(path, "rb") as f:
        parquet = pq.ParquetFile(f)
        return parquet.schema_arrow.equals(table.schema) and all(
            parquet.read(columns=[name], use_threads=False).column(0).equals(table.column(name)) for name in table.column_names)


#: Bytes of a CSV file read at a time where it is read a block at a time (csv_blocks).
CSV_BLOCK_BYTES = 1 << 20


def _csv_reading(table_schema: dict, **read) -> dict:
    """pyarrow's options for reading a release's CSV file in the one dialect (CSV), typed by its Table Schema
    (read: ReadOptions beyond the dialect's)."""
    schema = arrow_schema(table_schema, with_pandas=False)
    return {"read_options": CSV.read_options(**read), "parse_options": CSV.parse_options(),
            "convert_options": CSV.convert_options({f.name: f.type for f in schema})}


def csv_blocks(path: Path, table_schema: dict):
    """A release's CSV file read a block at a time (pyarrow's streaming reader), typed by its Table Schema, its cells as
    written: (its column names, an iterator of its blocks as Arrow tables). Memory holds a block, not the file."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(path, **_csv_reading(table_schema, use_threads=False, block_size=CSV_BLOCK_BYTES))
    return reader.schema.names, (pa.Table.from_batches([batch]) for batch in reader)


def read_csv(path: Path, table_schema: dict, *, as_written: bool = False):
    """A release's CSV file as an Arrow table typed by its Table Schema: its values (the CSV's
    formula guards removed), or the cells as_written."""
    import pyarrow.csv as pacsv

    cells = pacsv.read_csv(path, **_csv_reading(table_schema))
    return cells if as_written else CSV.unguard(cells)


def to_pandas(table):
    """Arrow -> pandas as the loader gives it: dates datetime64, integers Int64, text str."""
    import pandas as pd
    import pyarrow as pa

    return table.to_pandas(date_as_object=False, types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def row_count(path: Path) -> int:
    """Rows of a Parquet file, from its footer (no data read)."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def json_text(obj) -> str:
    """JSON as every generated JSON file of the project is written."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_files(paths: list[Path]) -> list[str]:
    """sha256_file of each path, several files at a time, one per usable core (hashlib and file reads let other
    threads run): a large release is hashed in a fraction of the time."""
    from concurrent.futures import ThreadPoolExecutor

    from .cores import usable_cores

    with ThreadPoolExecutor(max(1, min(len(paths), usable_cores()))) as pool:
        return list(pool.map(sha256_file, paths))


def manifest_entries(folder: Path) -> list[dict]:
    files = [p for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST]
    return [{"path": p.name, "bytes": p.stat().st_size, "sha256": digest} for p, digest in zip(files, sha256_files(files))]


def write_manifest(folder: Path, version: str) -> None:
    (folder / MANIFEST).write_text(json_text({"version": version, "files": manifest_entries(folder)}), encoding="utf-8")


def root_descriptor(release: Path, version: str) -> dict:
    """The root datapackage.json: the newest release's descriptor, paths from the repository root."""
    desc = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    prefix = f"dataset/{version}/"
    for res in desc["resources"]:
        res["path"] = prefix + res["path"]
        res["parquet_path"] = prefix + res["parquet_path"]
    for export in desc.get("exports", []):
        export["path"] = prefix + export["path"]
    return desc
