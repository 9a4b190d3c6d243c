"""cartel-campaign-data: events, actors, designations and quotes from five news articles.

    >>> import cartel_campaign as cc
    >>> cc.versions()                          # the published releases this install carries
    >>> cc.tables()                            # table names of the newest published release
    >>> cc.describe("events")                  # its data dictionary: columns, types, allowed values
    >>> events = cc.load("events")             # a pandas DataFrame (backend="arrow" or "polars" too)
    >>> old = cc.load("events", version="0.1.0")
    >>> cc.path("events", format="csv")        # the file itself, for DuckDB, polars, R, ...
    >>> print(cc.article_text(events.article_id[0]))

Loading needs only pandas and pyarrow; validation (pandera, Frictionless) lives in
``cartel_campaign.validate`` and is never imported on the load path.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from ._version import __version__
from .versioning import is_version, version_key

__all__ = ["__version__", "load", "load_all", "tables", "versions", "describe", "path", "article_text",
           "data_root", "release_dir", "datapackage", "ReleaseError", "DamagedFileError", "DATA_ENV"]


def __dir__() -> list[str]:
    """The package's namespace as dir(), tab completion and help() show it: its API only (not its imports,
    helpers or submodules)."""
    return sorted(__all__)

DATA_ENV = "CARTEL_CAMPAIGN_DATA"
FORMATS = ("parquet", "csv")
BACKENDS = {"pandas": "pandas", "arrow": "pyarrow", "polars": "polars"}


class ReleaseError(ValueError):
    """A version, table, format, backend or article the installed data does not have."""


class DamagedFileError(ReleaseError):
    """A release's file that is not what the release records (its manifest's sha256, an article's sha256),
    or a path in its data that leads outside the data."""


def data_root() -> Path:
    """Folder holding datapackage.json, dataset/ and seeds/ (and docs/CODEBOOK.md, CHANGELOG.md, CITATION.cff).

    Installed from a wheel, that is the package's ``data`` folder (found with
    importlib.resources); in a source checkout it is the repository root. The
    environment variable CARTEL_CAMPAIGN_DATA overrides both.
    """
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    from importlib.resources import files

    packaged = Path(str(files(__name__))) / "data"
    if (packaged / "datapackage.json").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "datapackage.json").is_file():
        return checkout
    raise FileNotFoundError(
        "cartel_campaign: no data found (expected datapackage.json in the installed package's "
        f"data folder or in the checkout {checkout}); set {DATA_ENV} or build the dataset first"
    )


def versions(root: Path | None = None, drafts: bool = False) -> list[str]:
    """The published dataset versions this install carries (the folders dataset/X.Y.Z with a datapackage.json),
    oldest first. A draft (a release being prepared in a checkout: its datapackage.json says "status": "draft")
    is listed only with drafts=True; it can still be loaded by naming it (``load(table, version=...)``)."""
    base = Path(root or data_root()) / "dataset"
    found = [p.name for p in base.iterdir() if is_version(p.name) and (p / "datapackage.json").is_file()] if base.is_dir() else []
    return sorted((v for v in found if drafts or not is_draft_folder(base / v)), key=version_key)


def is_draft_folder(folder: Path) -> bool:
    """A release folder written as a draft (its datapackage.json says "status": "draft"): never published."""
    try:
        return json.loads((folder / "datapackage.json").read_text(encoding="utf-8")).get("status") == "draft"
    except (OSError, ValueError, AttributeError):
        return False  # an unreadable descriptor is not hidden: loading or validating it says what is wrong


def checked_version(version, root: Path | None = None) -> str:
    """`version` if it is one of versions(root, drafts=True) (None: the newest published release); else TypeError/ReleaseError.

    Only a name from that list is ever joined to a path, so no argument can reach outside dataset/.
    """
    known, published = versions(root, drafts=True), versions(root)
    said = f"published versions: {', '.join(published) or 'none'}" + "".join(f"; draft: {v}" for v in known if v not in published)
    if version is None:
        if not published:
            raise ReleaseError(f"no published release to load by default; {said} (a draft is loaded only when named: version=...)")
        return published[-1]
    if not isinstance(version, str):
        raise TypeError(f"version must be a string such as {(published or known or ['1.0.0'])[-1]!r}, not {type(version).__name__}; {said}")
    if version not in known:
        raise ReleaseError(f"unknown dataset version {version!r}; {said}")
    return version


def release_dir(version: str | None = None) -> Path:
    """The folder of one release (default: the newest published release; a draft only when named)."""
    return data_root() / "dataset" / checked_version(version)


@lru_cache(maxsize=None)
def _datapackage(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def datapackage(version: str | None = None) -> dict:
    """The release's own datapackage.json (paths relative to its folder) as a dict."""
    return _datapackage(release_dir(version) / "datapackage.json")


def tables(version: str | None = None) -> list[str]:
    """Names of the tables in a release, in their documented order."""
    return [r["name"] for r in datapackage(version)["resources"]]


def _resource(table: str, version: str | None) -> dict:
    resources = {r["name"]: r for r in datapackage(version)["resources"]}
    if table not in resources:
        added = _first_release_with(table)
        if added is not None:
            raise ReleaseError(f"release {checked_version(version)} has no table {table!r}: it was added in {added} "
                               f"(load it with version={added!r} or later); tables of {checked_version(version)}: {', '.join(resources)}")
        raise ReleaseError(f"unknown table {table!r}; tables: {', '.join(resources)}")
    return resources[table]


def _first_release_with(table: str) -> str | None:
    """The oldest release this install carries that has the table (None: none has it)."""
    return next((v for v in versions(drafts=True) if any(r["name"] == table for r in datapackage(v)["resources"])), None)


def path(table: str, version: str | None = None, format: str = "parquet") -> Path:
    """The file of one table of a release: ``format`` is "parquet" (typed) or "csv" (see the release's datapackage.json).

    For DuckDB, polars, R or any tool that reads files: ``duckdb.sql(f"SELECT * FROM '{cc.path('events')}'")``.
    """
    if format not in FORMATS:
        raise ReleaseError(f"unknown format {format!r}; formats: {', '.join(FORMATS)}")
    _resource(table, version)
    return release_dir(version) / f"{table}.{format}"


def load(table: str, version: str | None = None, backend: str = "pandas", categories: bool = False):
    """Load one table of a release as a pandas DataFrame, an Arrow table or a polars DataFrame.

    version: default the newest published release (``versions()[-1]``). In a checkout where the next release
    is being prepared, its draft is loaded only when named (``versions(drafts=True)`` lists it): a draft
    may still change, so nothing reads it unasked.

    Tables: articles, actors, actor_aliases, events, event_actors, designations, quotes, claims,
    claim_quotes, quote_exclusions, evidence, actor_mentions, actor_summary, crosswalk, and from 1.2.0 the
    analysis-ready views events_wide, claims_wide and dyads (``tables(version)`` lists a release's own; ``describe(table)`` gives each column's type,
    description and allowed values).

    backend: "pandas" (dates datetime64, integers nullable Int64, text and ids strings), "arrow"
    (a pyarrow.Table with the release's Arrow schema) or "polars" (needs polars: the `polars` extra).

    The file is checked against the size and sha256 its release's manifest.json records (once per
    process while it is unchanged): a damaged or changed file raises DamagedFileError naming it.

    categories=True: every column with allowed values (``describe(table).allowed``) becomes a pandas
    Categorical / polars Enum whose categories are all the allowed values, in the schema's order, present
    or not (off by default: plain strings load fastest and compare with any string).
    """
    if backend not in BACKENDS:
        raise ReleaseError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
    file = path(table, version)
    from . import release

    if backend == "polars":
        try:
            import polars
        except ModuleNotFoundError:
            raise ModuleNotFoundError("load(..., backend='polars') needs polars, which is not installed; "
                                      "install it with: pip install 'cartel-campaign-data[polars]'", name="polars") from None
        frame = polars.from_arrow(read_verified(file))
        return frame.with_columns(polars.col(c).cast(polars.Enum(v)) for c, v in _enums(table, version).items()) if categories else frame
    if categories and backend == "arrow":
        raise ReleaseError("categories=True applies to the pandas and polars backends (an Arrow table keeps the release's types)")
    table_ = read_verified(file)
    if backend == "arrow":
        return table_
    frame = release.to_pandas(table_)
    if categories:
        import pandas as pd

        for column, values in _enums(table, version).items():
            categorical = pd.Categorical(frame[column], categories=values)
            if categorical.isna().sum() != frame[column].isna().sum():  # never turn a value into a missing one
                raise ReleaseError(f"{table}.{column}: a value outside its allowed values {values}; validate the release")
            frame[column] = categorical
    return frame


def _enums(table: str, version: str | None) -> dict:
    """column -> its allowed values, for the columns of a table that have them."""
    return {f["name"]: f["constraints"]["enum"] for f in _resource(table, version)["schema"]["fields"] if "enum" in f.get("constraints", {})}


def read_verified(file: Path):
    """A release's Parquet file as Arrow, its bytes checked against the release's manifest first
    (once per file per process): a damaged or changed file is a DamagedFileError naming it."""
    from . import integrity, release

    try:
        if not integrity.unchecked(file):  # checked earlier in this process and unchanged since
            return release.read_parquet(file)
        import pyarrow as pa

        stamp = integrity.stamp(file)
        with pa.OSFile(str(file)) as f:  # memory Arrow owns: pyarrow may abort at exit reading from a Python bytes object
            data = f.read_buffer()
        integrity.check_file(file, data, stamp)
    except integrity.IntegrityError as err:
        raise DamagedFileError(str(err)) from None
    return release.read_parquet(pa.BufferReader(data))


def load_all(version: str | None = None, backend: str = "pandas") -> dict:
    """Every table of a release, as {name: table} (see load)."""
    return {name: load(name, version, backend) for name in tables(version)}


def describe(table: str | None = None, version: str | None = None):
    """The data dictionary of a release from its datapackage.json, as a pandas DataFrame.

    One row per column (of ``table``, or of every table): table, column, type, required, unique,
    allowed (the allowed values, or the pattern a text must match), description.
    """
    import pandas as pd

    names = [_resource(table, version)["name"]] if table is not None else tables(version)
    rows = [{"table": r["name"], "column": f["name"], "type": f["type"],
             "required": bool(f.get("constraints", {}).get("required", False)),
             "unique": bool(f.get("constraints", {}).get("unique", False)),
             "allowed": _allowed(f.get("constraints", {})), "description": f.get("description", "")}
            for r in datapackage(version)["resources"] if r["name"] in names for f in r["schema"]["fields"]]
    return pd.DataFrame(rows, columns=["table", "column", "type", "required", "unique", "allowed", "description"])


def _allowed(constraints: dict) -> str:
    if "enum" in constraints:
        return ", ".join(map(str, constraints["enum"]))
    if "pattern" in constraints:
        return f"matches {constraints['pattern']}"
    if "minimum" in constraints:
        return f">= {constraints['minimum']}"
    return ""


def article_text(article_id: str, version: str | None = None) -> str:
    """The full text of one source article (an ``article_id`` of the articles table, e.g. from ``load("quotes")``).

    Character offsets in the tables (char_start, char_end) index this string.
    """
    from . import integrity

    articles = load("articles", version, backend="arrow").select(["article_id", "seed_file", "sha256"]).to_pylist()
    files = {row["article_id"]: row for row in articles}
    if article_id not in files:
        raise ReleaseError(f"unknown article {article_id!r}; articles: {', '.join(files)}")
    row = files[article_id]
    try:
        file = integrity.article_file(data_root(), row["seed_file"], f"article {article_id}: seed_file")
        return integrity.check_sha256(file, row["sha256"]).decode("utf-8")
    except integrity.IntegrityError as err:
        raise DamagedFileError(str(err)) from None
