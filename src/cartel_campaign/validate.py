"""Validation of a published release: manifest, CSV/Parquet agreement, pandera frame
checks derived from the Table Schemas, span integrity against the articles, and
Frictionless package validation (types, primary and foreign keys).

Heavy libraries (pandera, frictionless) are imported inside functions: this module
is never imported on the load path.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from . import _schema

MANIFEST = "manifest.json"
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
SPAN_TABLES = ("quotes", "evidence", "actor_mentions", "quote_exclusions")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------- pandera ----
def _row_rules(table: str) -> dict:
    """Rules across columns of one row; said once, used for every release."""

    def le(a, b):
        return lambda df: df[a].isna() | df[b].isna() | (df[a] <= df[b])

    spans = {
        "char_start < char_end": lambda df: df["char_start"] < df["char_end"],
        "char_end - char_start == len(text)": lambda df: (df["char_end"] - df["char_start"]) == df["text" if "text" in df else "alias"].str.len(),
    }
    rules = {
        "articles": {"published_earliest <= published_latest": le("published_earliest", "published_latest")},
        "events": {
            "date_start <= date_end": le("date_start", "date_end"),
            "dates given unless date_precision is unknown": lambda df: (df["date_precision"] == "unknown")
            == (df["date_start"].isna() & df["date_end"].isna()),
            "date_start and date_end both given or both empty": lambda df: df["date_start"].isna() == df["date_end"].isna(),
            "date_basis given when date_inferred": lambda df: ~df["date_inferred"] | df["date_basis"].notna(),
            "fatalities_cumulative only on strike_series rows": lambda df: df["fatalities_cumulative"].isna() | (df["event_type"] == "strike_series"),
            "fatalities_qualifier given iff a fatality number is": lambda df: df["fatalities_qualifier"].notna()
            == (df["fatalities"].notna() | df["fatalities_cumulative"].notna()),
            "source_actor_id given for claimed rows": lambda df: (df["attribution"] != "claimed") | df["source_actor_id"].notna(),
            "same_event_as is not the row itself": lambda df: df["same_event_as"].isna() | (df["same_event_as"] != df["event_id"]),
        },
        "designations": {
            "announced_date <= effective_date": le("announced_date", "effective_date"),
            "date_basis given when date_inferred": lambda df: ~df["date_inferred"] | df["date_basis"].notna(),
        },
        "quotes": spans,
        "evidence": spans,
        "quote_exclusions": spans,
        "actor_mentions": spans,
    }
    return rules.get(table, {})


def pandera_schema(table: str, table_schema: dict):
    """Build the pandera DataFrameSchema for a table from its Frictionless Table Schema."""
    import pandera.pandas as pa

    columns = {}
    for field in table_schema["fields"]:
        c = field.get("constraints", {})
        checks = []
        if "enum" in c:
            checks.append(pa.Check.isin(c["enum"]))
        if "pattern" in c:
            checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$"))  # Table Schema patterns match whole values
        if "minLength" in c:
            checks.append(pa.Check.str_length(min_value=c["minLength"]))
        if "minimum" in c:
            checks.append(pa.Check.ge(c["minimum"]))
        if "maximum" in c:
            checks.append(pa.Check.le(c["maximum"]))
        columns[field["name"]] = pa.Column(
            _schema.TYPES[field["type"]][1],
            checks=checks,
            nullable=not c.get("required", False),
            unique=c.get("unique", False),
            description=field.get("description"),
        )
    pk = table_schema.get("primaryKey", [])
    row_checks = [pa.Check(fn, name=name, error=name) for name, fn in _row_rules(table).items()]
    return pa.DataFrameSchema(
        columns, checks=row_checks, strict=True, ordered=True, unique=pk if len(pk) > 1 else None, name=table
    )


def check_frames(frames: dict, schemas: dict) -> list[str]:
    """pandera checks of every frame; returns readable problems (table, row, column, check, value)."""
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


# ---------------------------------------------------------- cross-table ----
def check_integrity(frames: dict, articles_text: dict[str, str]) -> list[str]:
    """Span integrity against the article texts, evidence coverage and polymorphic references."""
    problems = []
    for table in SPAN_TABLES:
        df = frames.get(table)
        if df is None:
            continue
        text_col = "text" if "text" in df else "alias"
        for i, row in enumerate(df.itertuples(index=False)):
            article = articles_text.get(row.article_id)
            if article is None:
                problems.append(f"{table}: row {i}: article_id {row.article_id!r} has no article text")
                continue
            found = article[row.char_start : row.char_end]
            if found != getattr(row, text_col):
                problems.append(
                    f"{table}: row {i}: article[{row.char_start}:{row.char_end}] is {found!r}, expected {getattr(row, text_col)!r}"
                )
    ev = frames.get("evidence")
    if ev is not None:
        keys = {"actors": "actor_id", "events": "event_id", "designations": "designation_id", "quotes": "quote_id"}
        for table, key in keys.items():
            if table not in frames:
                continue
            ids = set(frames[table][key])
            cited = set(ev.loc[ev["record_table"] == table, "record_id"])
            for missing in sorted(ids - cited):
                problems.append(f"{table}: {key} {missing!r} has no evidence row")
            for dangling in sorted(cited - ids):
                problems.append(f"evidence: record_id {dangling!r} does not exist in {table}")
    return problems


# ------------------------------------------------------------ frictionless ----
#: Releases whose CSV files total more bytes than this are validated in parallel processes.
FRICTIONLESS_PARALLEL_BYTES = 4_000_000


def check_frictionless(descriptor: Path) -> list[str]:
    """The same check as `frictionless validate datapackage.json`, with the same messages.

    Fast path (see _frictionless_fast): Frictionless reads every row of every resource and
    checks everything it checks there (types, constraints, unique fields, primary keys, row
    shape, bytes, hash) with the foreign keys taken out, in parallel processes for a large
    release; the foreign keys are checked on key sets (string keys read with pyarrow, other
    keys collected during the Frictionless pass) instead of Frictionless re-reading every
    referenced resource row by row once per foreign key. If all of that passes, stock
    Frictionless passes the release too. If anything at all is found, or the fast path
    cannot run, stock Frictionless runs: problems are always its own messages, in its order.
    """
    descriptor = Path(descriptor)
    try:
        if _frictionless_fast(descriptor):
            return []
    except Exception:  # noqa: BLE001 - any surprise: let stock Frictionless say what it is
        pass
    return check_frictionless_stock(descriptor)


def check_frictionless_stock(descriptor: Path) -> list[str]:
    """Stock `frictionless.validate` on the package, its problems in its order (one string each)."""
    import frictionless

    descriptor = Path(descriptor)
    report = frictionless.validate(str(descriptor))
    problems = [f"{descriptor.name}: {e.message}" for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            row = getattr(e, "row_number", None)
            problems.append(f"{task.name}{f' row {row}' if row else ''}: {e.message}")
    return problems


def _frictionless_package(descriptor: str):
    import frictionless

    resource = frictionless.Resource(descriptor)
    if resource.datatype != "package":
        raise ValueError(f"{descriptor} is not a data package")
    return resource.read_metadata()


def _frictionless_fast(descriptor: Path) -> bool:
    """True when the package is valid; False when something was found or it cannot tell."""
    import os
    import pickle
    import subprocess
    import sys

    package = _frictionless_package(str(descriptor))
    package.to_descriptor(validate=True)  # metadata errors raise: the stock validator reports them
    raw = {r.get("name"): r for r in json.loads(descriptor.read_text(encoding="utf-8")).get("resources", [])}
    resources = {r.name: r for r in package.resources}
    plan: dict[str, list] = {name: [] for name in resources}  # keys to collect in the Frictionless pass
    arrow_fks, row_fks = [], []  # (resource, fields, referenced resource, referenced fields)

    def plain_csv(res, names):  # a key that pyarrow reads exactly as Frictionless does
        fields = {f.name: f for f in res.schema.fields}
        spec = raw.get(res.name, {})
        return (res.format == "csv" and "dialect" not in spec and spec.get("encoding", "utf-8").lower() in ("utf-8", "utf8")
                and all(n in fields and fields[n].type == "string" and list(fields[n].missing_values) == [""] for n in names))

    for res in package.resources:
        for fk in res.schema.foreign_keys:
            source = fk["reference"]["resource"] or res.name
            if source not in resources:
                return False
            target, key = tuple(fk["fields"]), tuple(fk["reference"]["fields"])
            if not set(target) <= {f.name for f in res.schema.fields}:
                continue  # Frictionless skips such a key as well (and reports the missing field)
            if plain_csv(res, target) and plain_csv(resources[source], key):
                arrow_fks.append((res.name, target, source, key))
            else:
                row_fks.append((res.name, target, source, key))
                for who, entry in ((res.name, ("target", target)), (source, ("source", key))):
                    if entry not in plan[who]:
                        plan[who].append(entry)

    # the Frictionless pass, biggest resources first, spread over processes when large
    cost, total = {}, 0
    for name, res in resources.items():
        lines = 0
        with open(res.normpath, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                lines += chunk.count(b"\n")
                total += len(chunk)
        cost[name] = lines * (17 + 3.3 * len(res.schema.fields)) + 1  # ~µs: per row + per cell
    order = sorted(resources, key=lambda n: -cost[n])
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs, results = [], []
    try:
        if total > FRICTIONLESS_PARALLEL_BYTES and cpus > 1:
            bins, load = [[] for _ in range(min(cpus, len(order)))], [0.0] * min(cpus, len(order))
            for name in order:  # each to the least loaded process
                i = load.index(min(load))
                bins[i].append(name)
                load[i] += cost[name]
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")) if p))
            code = ("import pickle, sys; from cartel_campaign.validate import _frictionless_task as t; "
                    "sys.stdout.buffer.write(pickle.dumps(t(*pickle.load(sys.stdin.buffer))))")
            for names in bins:
                proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
                proc.stdin.write(pickle.dumps((str(descriptor), {n: plan[n] for n in names})))
                proc.stdin.close()
                jobs.append(proc)
        else:
            results.append(_frictionless_task(str(descriptor), {n: plan[n] for n in order}, package))

        # meanwhile: foreign keys on string columns, as sets of key values read with pyarrow
        wanted: dict[str, set] = {}
        for name, target, source, key in arrow_fks:
            wanted.setdefault(name, set()).add(target)
            wanted.setdefault(source, set()).add(key)
        sets = {(name, fields): found for name, keys in wanted.items() for fields, found in _csv_key_sets(resources[name].normpath, keys).items()}
        arrow_ok = all(_key_subset(sets[(name, target)], sets[(source, key)]) for name, target, source, key in arrow_fks)
        for proc in jobs:
            out = proc.stdout.read()
            if proc.wait() != 0:
                return False
            results.append(pickle.loads(out))  # noqa: S301 - our own child's output
        keys: dict = {}
        for valid, found in results:
            if not valid:
                return False
            keys.update(found)
        return arrow_ok and all(keys[("target", name, target)] <= keys[("source", source, key)] for name, target, source, key in row_fks)
    finally:
        for proc in jobs:  # only if we are leaving early: a worker still running is of no use
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _csv_key_sets(path: str, keys: set) -> dict:
    """{fields: the distinct values of those string columns} for each key, reading the CSV once,
    in blocks. Empty cells are missing; keys whose cells are all missing are left out (as
    Frictionless does). One column: a pyarrow array; several: a set of tuples (None = missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    columns = sorted({f for key in keys for f in key})
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns, column_types={f: pa.string() for f in columns},
            null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
        ),
    )
    parts: dict = {key: [] for key in keys if len(key) == 1}
    tuples: dict = {key: set() for key in keys if len(key) > 1}
    for batch in reader:
        for key in parts:
            parts[key].append(pc.unique(batch.column(key[0])))
        for key, found in tuples.items():
            distinct = pa.Table.from_batches([batch]).select(list(key)).group_by(list(key)).aggregate([])
            found.update(cells for cells in zip(*(distinct.column(f).to_pylist() for f in key)) if any(c is not None for c in cells))
    out: dict = dict(tuples)
    for key, chunks in parts.items():
        out[key] = pc.drop_null(pc.unique(pa.chunked_array(chunks, type=pa.string())))
    return out


def _key_subset(values, allowed) -> bool:
    """Every key value in `values` is in `allowed` (both from _csv_key_sets)."""
    if isinstance(values, set):
        return values <= allowed
    import pyarrow.compute as pc

    return len(values) == 0 or bool(pc.all(pc.is_in(values, value_set=allowed)).as_py())


def _frictionless_task(descriptor: str, plan: dict, package=None) -> tuple[bool, dict]:
    """Validate resources with Frictionless, foreign keys left out; collect the key values the
    planned foreign keys compare, as Frictionless reads them (typed; all-empty keys skipped)."""
    package = package or _frictionless_package(descriptor)
    keys: dict = {}
    for name, wanted in plan.items():
        resource = package.get_resource(name)
        resource.schema.foreign_keys = []  # this package object is ours alone
        collect = [(keys.setdefault((kind, name, key), set()), key, kind == "source") for kind, key in wanted]

        def on_row(row, collect=collect):
            for found, key, is_source in collect:
                cells = tuple(row.get(f) for f in key) if is_source else tuple(row[f] for f in key)
                if set(cells) != {None}:
                    found.add(cells)

        report = resource.validate(on_row=on_row if collect else None)
        if not report.valid or report.warnings:
            return False, keys  # the stock validator will say what
    return True, keys


# ----------------------------------------------------------------- files ----
def manifest_entries(folder: Path) -> list[dict]:
    return [
        {"path": p.name, "bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST
    ]


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
    if _VERSION.match(folder.name) and manifest.get("version") != folder.name:
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
    """Read every table of a release from Parquet and CSV; report disagreement between the two."""
    import pandas as pd

    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    frames, schemas, problems = {}, {}, []
    for res in package["resources"]:
        name, schema = res["name"], res["schema"]
        schemas[name] = schema
        try:
            pq_df = _schema.read_parquet(folder / f"{name}.parquet")
        except Exception as err:  # noqa: BLE001 - any unreadable file is a finding
            problems.append(f"{name}.parquet: unreadable ({type(err).__name__}: {str(err).strip()})")
            continue
        frames[name] = pq_df
        problems += check_parquet_bytes(folder / f"{name}.parquet")
        try:
            csv_df = _schema.read_csv(folder / res["path"], schema)
        except Exception as err:  # noqa: BLE001
            problems.append(f"{res['path']}: unreadable ({type(err).__name__}: {str(err).strip()})")
            continue
        pair = f"{res['path']} and {name}.parquet disagree"
        if list(csv_df.columns) != list(pq_df.columns) or len(csv_df) != len(pq_df):
            problems.append(f"{pair}: CSV has {len(csv_df)} rows {list(csv_df.columns)}, Parquet {len(pq_df)} rows {list(pq_df.columns)}")
            continue
        for col in pq_df.columns:
            a, b = pq_df[col], csv_df[col]
            same = (a.isna() & b.isna()) | (a.astype(object) == b.astype(object))
            if not same.all():
                i = int((~same).to_numpy().nonzero()[0][0])
                problems.append(f"{pair} at row {i}, column {col}: CSV {_cell(b.iloc[i])!r}, Parquet {_cell(a.iloc[i])!r}")
    return package, frames, schemas, problems


def _cell(value):
    """A cell for messages: every kind of missing value shows as None."""
    import pandas as pd

    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value  # numpy scalar -> Python


def check_parquet_bytes(path: Path) -> list[str]:
    """A Parquet file must be exactly what its own rows encode to.

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
    codec = meta.row_group(0).column(0).compression.lower() if meta.num_row_groups and meta.num_columns else "zstd"
    buf = io.BytesIO()
    pq.write_table(pq.read_table(path), buf, compression=codec)
    raw, again = path.read_bytes(), buf.getvalue()
    if raw == again:
        return []
    at = next((i for i, (x, y) in enumerate(zip(raw, again)) if x != y), min(len(raw), len(again)))
    return [f"{path.parent.name}/{path.name}: damaged: its rows read back, but the file ({len(raw)} bytes) is not what they encode to "
            f"({len(again)} bytes; first difference at byte {at}: footer, statistics or page header)"]


def check_derived(frames: dict) -> list[str]:
    """actor_summary counts what the other tables hold (so a row lost from them shows)."""
    need = ("actor_summary", "actor_mentions", "quotes", "event_actors", "designations")
    if any(t not in frames for t in need):
        return []
    mentions = frames["actor_mentions"]
    expected = {
        "n_mentions": (mentions.groupby("actor_id").size(), "rows in actor_mentions"),
        "n_articles": (mentions.groupby("actor_id")["article_id"].nunique(), "articles in actor_mentions"),
        "n_quotes": (frames["quotes"].groupby("speaker_actor_id").size(), "quotes with it as speaker"),
        "n_events": (frames["event_actors"].groupby("actor_id")["event_id"].nunique(), "events in event_actors"),
        "n_designations_as_target": (frames["designations"].groupby("target_actor_id").size(), "designations with it as target"),
        "first_article_id": (mentions.groupby("actor_id")["article_id"].min(), "first article in actor_mentions"),
    }
    problems = []
    for row in frames["actor_summary"].itertuples(index=False):
        for col, (series, what) in expected.items():
            want = _cell(series.get(row.actor_id, None if col == "first_article_id" else 0))
            got = _cell(getattr(row, col))
            if got != want:
                problems.append(f"actor_summary: actor_id {row.actor_id!r}: {col} is {got!r}, but the release has {want!r} {what}")
    return problems


def article_texts(root: Path, frames: dict) -> tuple[dict, list[str]]:
    texts, problems = {}, []
    for row in frames["articles"].itertuples(index=False):
        path = root / row.seed_file
        if not path.is_file():
            problems.append(f"articles: {row.seed_file} is missing")
            continue
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != row.sha256:
            problems.append(f"articles: {row.seed_file} sha256 is {hashlib.sha256(raw).hexdigest()}, the release records {row.sha256}")
        texts[row.article_id] = raw.decode("utf-8")
    return texts, problems


def validate_release(version: str | None = None, root: Path | None = None, *, folder: Path | None = None, use_frictionless: bool = True) -> list[str]:
    """Every check on one release (default: the newest). Returns a list of problems (empty = valid).

    `root` holds seeds/ and dataset/; `folder` overrides where the release itself is (a staged build).
    """
    from . import __version__, data_root

    root = Path(root) if root else data_root()
    folder = Path(folder) if folder else root / "dataset" / (version or __version__)
    if not (folder / "datapackage.json").is_file():
        return [f"{folder}: no datapackage.json (not a release)"]
    problems = check_manifest(folder)
    _, frames, schemas, read_problems = read_release(folder)
    problems += read_problems
    problems += check_frames(frames, schemas)
    problems += check_derived(frames)
    if "articles" in frames:
        texts, text_problems = article_texts(root, frames)
        problems += text_problems + check_integrity(frames, texts)
    if use_frictionless:
        problems += check_frictionless(folder / "datapackage.json")
    return problems


def validate_all(root: Path | None = None) -> dict[str, list[str]]:
    """Validate every published release and the root datapackage.json."""
    from . import data_root, versions

    root = Path(root) if root else data_root()
    results = {v: validate_release(v, root) for v in versions(root)}
    results["datapackage.json"] = check_frictionless(root / "datapackage.json")
    return results
