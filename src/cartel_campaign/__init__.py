"""cartel-campaign-data: events, actors, designations and quotes from five news articles.

    >>> import cartel_campaign as cc
    >>> cc.tables()
    >>> events = cc.load("events")            # newest release
    >>> old = cc.load("events", version="0.1.0")

Loading needs only pandas and pyarrow; validation (pandera, Frictionless) lives in
``cartel_campaign.validate`` and is never imported on the load path.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path

from ._version import __version__

__all__ = ["__version__", "load", "load_all", "tables", "versions", "data_root", "release_dir", "datapackage"]

DATA_ENV = "CARTEL_CAMPAIGN_DATA"
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def data_root() -> Path:
    """Folder holding datapackage.json, dataset/ and seeds/.

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


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


def versions(root: Path | None = None) -> list[str]:
    """Published dataset versions, oldest first."""
    base = Path(root or data_root()) / "dataset"
    found = [p.name for p in base.iterdir() if _VERSION.match(p.name) and (p / "datapackage.json").is_file()] if base.is_dir() else []
    return sorted(found, key=_version_key)


def release_dir(version: str | None = None) -> Path:
    version = version or __version__
    path = data_root() / "dataset" / version
    if not (path / "datapackage.json").is_file():
        raise ValueError(f"unknown dataset version {version!r}; published versions: {', '.join(versions()) or 'none'}")
    return path


@lru_cache(maxsize=None)
def _datapackage(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def datapackage(version: str | None = None) -> dict:
    """The release's own datapackage.json (paths relative to its folder) as a dict."""
    return _datapackage(release_dir(version) / "datapackage.json")


def tables(version: str | None = None) -> list[str]:
    """Names of the tables in a release, in their documented order."""
    return [r["name"] for r in datapackage(version)["resources"]]


def load(table: str, version: str | None = None):
    """Load one table of a release as a pandas DataFrame.

    Dates come back as datetime64, integers as nullable Int64, text and ids as strings.
    """
    names = tables(version)
    if table not in names:
        raise ValueError(f"unknown table {table!r}; tables: {', '.join(names)}")
    import pyarrow.parquet as pq

    return pq.read_table(release_dir(version) / f"{table}.parquet").to_pandas(date_as_object=False)


def load_all(version: str | None = None) -> dict:
    """Every table of a release, as {name: DataFrame}."""
    return {name: load(name, version) for name in tables(version)}
