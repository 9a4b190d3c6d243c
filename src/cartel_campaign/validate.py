"""Validation of a published release: manifest, CSV/Parquet agreement, pandera frame
checks derived from the Table Schemas, span integrity against the articles, and
Frictionless package validation (types, primary and foreign keys).

Heavy libraries (pandera, frictionless) are imported inside functions: this module
is never imported on the load path.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import _schema

MANIFEST = "manifest.json"
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
def check_frictionless(descriptor: Path) -> list[str]:
    """The same check as `frictionless validate datapackage.json`."""
    import frictionless

    report = frictionless.validate(str(descriptor))
    problems = [f"{descriptor.name}: {e.message}" for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            row = getattr(e, "row_number", None)
            problems.append(f"{task.name}{f' row {row}' if row else ''}: {e.message}")
    return problems


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
        recorded = {e["path"]: e for e in json.loads(path.read_text(encoding="utf-8"))["files"]}
    except (ValueError, KeyError, TypeError) as err:
        return [f"{folder.name}/{MANIFEST}: unreadable ({err})"]
    actual = {e["path"]: e for e in manifest_entries(folder)}
    problems = [f"{folder.name}/{name}: listed in {MANIFEST} but missing" for name in sorted(recorded.keys() - actual.keys())]
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
            problems.append(f"{name}.parquet: unreadable ({type(err).__name__}: {err})")
            continue
        frames[name] = pq_df
        try:
            csv_df = _schema.read_csv(folder / res["path"], schema)
        except Exception as err:  # noqa: BLE001
            problems.append(f"{res['path']}: unreadable ({type(err).__name__}: {err})")
            continue
        if list(csv_df.columns) != list(pq_df.columns) or len(csv_df) != len(pq_df):
            problems.append(f"{name}: CSV and Parquet disagree (CSV {len(csv_df)} rows {list(csv_df.columns)}, Parquet {len(pq_df)} rows {list(pq_df.columns)})")
            continue
        for col in pq_df.columns:
            a, b = pq_df[col], csv_df[col]
            same = (a.isna() & b.isna()) | (a.astype(object) == b.astype(object))
            if not same.all():
                i = int((~same).to_numpy().nonzero()[0][0])
                problems.append(f"{name}: CSV and Parquet disagree at row {i}, column {col}: CSV {b.iloc[i]!r}, Parquet {a.iloc[i]!r}")
    return package, frames, schemas, problems


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
