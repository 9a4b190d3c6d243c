"""A release's files: the manifest, Parquet bytes, CSV/Parquet agreement, the exports, the descriptor
(rules of scope `files`, registered in cartel_campaign.rules' registry here and run by `file_problems`
on a published release by validate and on a staged release by the build), and the article texts."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import exports, integrity, release, rules
from ..release import MANIFEST, manifest_entries
from ..safety import FORMULA_CELLS_NAMED, formula_cells
from ..versioning import is_version
from ..checks import arrow_rows as _rows


def check_manifest(folder: Path) -> list[str]:
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{folder.name}: {MANIFEST} is missing"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        recorded = {e["path"]: e for e in manifest["files"]}
    except (ValueError, KeyError, TypeError) as err:
        return [f"{folder.name}/{MANIFEST}: unreadable ({err})"]
    problems = []
    if is_version(folder.name) and manifest.get("version") != folder.name:
        problems.append(f"{folder.name}/{MANIFEST}: version is {manifest.get('version')!r}, expected {folder.name!r} (the release's folder)")
    actual = {e["path"]: e for e in manifest_entries(folder)}
    problems += [f"{folder.name}/{name}: listed in {MANIFEST} but missing" for name in sorted(recorded.keys() - actual.keys())]
    problems += [f"{folder.name}/{name}: file not listed in {MANIFEST}" for name in sorted(actual.keys() - recorded.keys())]
    for name in sorted(recorded.keys() & actual.keys()):
        want, got = recorded[name], actual[name]
        if (want.get("bytes"), want.get("sha256")) != (got["bytes"], got["sha256"]):
            problems.append(
                f"{folder.name}/{name}: changed since publication (manifest {want.get('bytes')} bytes sha256 {str(want.get('sha256'))[:12]}…, "
                f"found {got['bytes']} bytes sha256 {got['sha256'][:12]}…)"
            )
    return problems


def read_release(folder: Path) -> tuple[dict, dict, dict, list[str]]:
    """Every table of a release as Arrow (from Parquet), its schemas, and the files that cannot be read."""
    import pyarrow.parquet as pq

    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables, schemas, problems = {}, {}, []
    for res in package["resources"]:
        name, schema = res["name"], res["schema"]
        schemas[name] = schema
        try:
            table = release.read_parquet(folder / f"{name}.parquet")
            pq.ParquetFile(folder / f"{name}.parquet").metadata  # a damaged footer reads back but fails here  # noqa: B018
        except Exception as err:  # noqa: BLE001 - any unreadable file is a finding (a folder in its place reads as an empty table)
            problems.append(f"{name}.parquet: unreadable ({type(err).__name__}: {str(err).strip()})")
            continue
        beyond = dates_beyond_python(table)
        if beyond:  # the checks read values as Python objects: the table is left out, as an unreadable one is
            problems.append(f"{name}.parquet: column {beyond} holds a date outside 0001-01-01..9999-12-31 (not checked further)")
            continue
        tables[name] = table
    return package, tables, schemas, problems


def dates_beyond_python(table) -> str | None:
    """The first date or time column with a value Python's datetime cannot hold (its lowest and highest value
    tell), or None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for field, column in zip(table.schema, table.columns):
        if pa.types.is_date(field.type) or pa.types.is_timestamp(field.type):
            low, high = pc.min_max(column).values()
            try:
                low.as_py(), high.as_py()
            except (OverflowError, ValueError):
                return field.name
    return None


# ------------------------------------------------------------------ rules of scope files ----


def file_rule(code: str, name: str, since: str = "0.0.0"):
    """Register a rule on a release's files: check(folder, tables, schemas, previous, checked) -> messages (previous: the
    previous release's folder, where the release is not in dataset/ beside it: a staged build; checked: what the
    build's export jobs already found, see file_problems)."""
    return rules.rule(code, "files", ("files",), name, since=since)


def file_problems(folder: Path, tables: dict, schemas: dict, version: str | None, previous: Path | None = None,
                  checked: dict | None = None, only: tuple | None = None, skip: tuple = ()) -> list[str]:
    """Every files rule release `version` is held to (None: all), on the release in `folder` (only: these rules' codes
    alone; skip: but these). checked: {export name: (sha256, problems)} the build's export jobs found
    (build/exports.py), reused for an export file with that sha256."""
    return [f"{message} [{r.code}]" for r in rules.rules_of("files", version=version)
            if (only is None or r.code in only) and r.code not in skip
            for message in r.check(folder, tables, schemas, previous, checked or {})]


@file_rule("manifest-lists-every-file", "manifest.json lists every file of the release with its size and sha256")
def manifest_lists_every_file(folder, tables, schemas, previous, checked):
    return check_manifest(folder)


@file_rule("descriptor-is-the-release", "datapackage.json names the release's version and is a valid Frictionless descriptor")
def descriptor_is_the_release(folder, tables, schemas, previous, checked):
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    problems = check_descriptor(folder / "datapackage.json")
    if is_version(folder.name) and package.get("version") != folder.name:
        problems.append(f"{folder.name}/datapackage.json: version is {package.get('version')!r}, expected {folder.name!r} (the release's folder)")
    return problems


@file_rule("parquet-is-what-its-rows-encode", "each Parquet file is exactly what its own rows encode to")
def parquet_is_what_its_rows_encode(folder, tables, schemas, previous, checked):
    return [p for name, table in tables.items() for p in check_parquet_bytes(folder / f"{name}.parquet", table)]


@file_rule("csv-agrees-with-parquet", "each CSV holds exactly its Parquet's rows, and no cell begins like a formula")
def csv_agrees_with_parquet(folder, tables, schemas, previous, checked):
    return [p for name, table in tables.items()
            for p in csv_agreement(folder / f"{name}.csv", table, schemas[name], f"{name}.csv and {name}.parquet disagree")]


@file_rule("exports-as-recorded", "every export is a known format, as datapackage.json records it, with the content its format's check accepts")
def exports_as_recorded(folder, tables, schemas, previous, checked):
    return exports.export_problems(folder, tables, previous, checked)


def csv_agreement(path: Path, table, schema: dict, pair: str) -> list[str]:
    """The CSV holds exactly the Parquet's rows (read with the one CSV dialect, typed by the schema),
    and no cell of it begins like a spreadsheet formula (safety.formula_rule). Read a block at a time
    (release.csv_blocks), each compared with the table's rows at its place: the problems are those of the
    whole file (formulas first, then its shape, then the first column that differs, at its first row)."""
    formulas: dict[str, list[str]] = {}
    differs: dict[str, tuple[int, object, object]] = {}  # column -> (row, CSV value, Parquet value) of its first difference
    n_rows = 0
    try:
        names, blocks = release.csv_blocks(path, schema)
        for cells in blocks:
            for name, found in formula_cells(cells, path.name, first_row=n_rows).items():
                formulas[name] = (formulas.get(name, []) + found)[:FORMULA_CELLS_NAMED]
            if not any(formulas.values()) and names == table.column_names and n_rows + cells.num_rows <= table.num_rows:
                _first_differences(release.CSV.unguard(cells), table.slice(n_rows, cells.num_rows), n_rows, differs)
            n_rows += cells.num_rows
    except Exception as err:  # noqa: BLE001
        return [f"{path.name}: unreadable ({type(err).__name__}: {str(err).strip()})"]
    if any(formulas.values()):
        return [problem for found in formulas.values() for problem in found]
    if names != table.column_names or n_rows != table.num_rows:
        return [f"{pair}: CSV has {n_rows} rows {names}, Parquet {table.num_rows} rows {table.column_names}"]
    col = next((c for c in table.column_names if c in differs), None)
    if col is None:
        return []
    i, b, a = differs[col]
    return [f"{pair} at row {i}, column {col}: CSV {b!r}, Parquet {a!r}"]


def _first_differences(csv, table, first_row: int, differs: dict) -> None:
    """Record in differs, for each column not there yet, the first row (counted from first_row) where the CSV's block
    and the table's rows at its place differ."""
    import pyarrow.compute as pc

    for col in table.column_names:
        if col in differs:
            continue
        a, b = table[col], csv[col].cast(table.schema.field(col).type)
        same = pc.fill_null(pc.equal(a, b), False)
        same = pc.or_(same, pc.and_(pc.is_null(a), pc.is_null(b)))
        if pc.all(same).as_py() is False:
            i = pc.index(same, False).as_py()
            differs[col] = (first_row + i, b[i].as_py(), a[i].as_py())


def check_parquet_bytes(path: Path, rows) -> list[str]:
    """A Parquet file must be exactly what its own rows encode to (rows: they, as the caller holds them: validate reads
    every table from its Parquet file; the build holds the table it wrote, which the file reads back as
    (validate_tables_written checks that first)).

    Reading a file back does not notice every damage: a changed byte in the footer, the
    column statistics or a page header often reads back the same rows (and misleads query
    engines that filter on statistics). The build writes with pyarrow's defaults and the
    file's own codec, so re-encoding the rows reproduces the file byte for byte; this is
    checked when the file was written by the same pyarrow version as the one running (a
    different writer may encode differently; the manifest's sha256 still covers the file).
    """
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    if meta.created_by != f"parquet-cpp-arrow version {pa.__version__}":
        return []
    codec = meta.row_group(0).column(0).compression.lower() if meta.num_row_groups and meta.num_columns else release.PARQUET_COMPRESSION
    buf = io.BytesIO()
    pq.write_table(rows, buf, compression=codec)
    raw, again = path.read_bytes(), buf.getvalue()
    if raw == again:
        return []
    at = next((i for i, (x, y) in enumerate(zip(raw, again)) if x != y), min(len(raw), len(again)))
    return [f"{path.parent.name}/{path.name}: damaged: its rows read back, but the file ({len(raw)} bytes) is not what they encode to "
            f"({len(again)} bytes; first difference at byte {at}: footer, statistics or page header)"]


def article_texts(root: Path, articles) -> tuple[dict, list[str]]:
    """The article texts a release names (articles.seed_file under root), checked against their sha256."""
    texts, problems = {}, []
    for row in _rows(articles):
        try:
            path = integrity.article_file(root, row["seed_file"], f"articles: {row['article_id']}: seed_file")
        except integrity.IntegrityError as err:
            problems.append(str(err))
            continue
        if not path.is_file():
            problems.append(f"articles: {row['seed_file']} is missing")
            continue
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != row["sha256"]:
            problems.append(f"articles: {row['seed_file']} sha256 is {hashlib.sha256(raw).hexdigest()}, the release records {row['sha256']}")
        texts[row["article_id"]] = raw.decode("utf-8")
    return texts, problems


def check_descriptor(descriptor: Path) -> list[str]:
    """The package descriptor (metadata, schemas) is valid for Frictionless; rows are not read."""
    import frictionless

    try:
        from .frictionless_check import frictionless_package

        frictionless_package(str(descriptor)).to_descriptor(validate=True)
    except frictionless.FrictionlessException as err:
        return [f"{descriptor.name}: {err.error.message}"]
    return []


def root_datapackage_problems(root: Path) -> list[str]:
    """The root datapackage.json is the newest release's descriptor (paths from the root), byte for byte."""
    from .. import versions

    found = versions(root, drafts=True)
    path = root / "datapackage.json"
    if not found:
        return []
    newest = found[-1]
    expected = release.json_text(release.root_descriptor(root / "dataset" / newest, newest)).encode()
    if not path.is_file():
        return [f"datapackage.json is missing; expected the descriptor of the newest release, {newest}"]
    if path.read_bytes() != expected:
        try:
            said = json.loads(path.read_text(encoding="utf-8")).get("version")
        except (ValueError, AttributeError, UnicodeDecodeError):
            said = "unreadable"
        return [f"datapackage.json: expected the descriptor of the newest release, {newest} (dataset/{newest}/datapackage.json "
                f"with paths from the root); found a different one (version {said!r})"]
    return []
