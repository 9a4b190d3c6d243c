"""Validation of a release: every check, put together from cartel_campaign.validation (one module per
job: schema, rule_runner, files, exports, frictionless_check). `cartel-campaign validate` runs
`validate_release`; the build runs `validate_written` on what it just wrote.

Heavy libraries (pandera, frictionless) are imported inside functions: this module is never
imported on the load path, and it never imports the build.
"""
from __future__ import annotations

from pathlib import Path

from . import checks, exports
from .assertions import assertion_problems
from .versioning import is_version
from .validation.files import (article_texts, check_descriptor, check_manifest, csv_agreement, read_release,
                               root_datapackage_problems)
from .validation.frictionless_check import FRICTIONLESS_PARALLEL_BYTES, check_frictionless, check_frictionless_stock
from .validation.rule_runner import rule_problems
from .validation.schema import check_frames, check_tables_with_pandera, pandera_schema

__all__ = ["FRICTIONLESS_PARALLEL_BYTES", "check_frames", "check_frictionless", "check_frictionless_stock", "check_manifest",
           "content_problems", "pandera_schema", "root_datapackage_problems", "validate_release", "validate_written"]


def content_problems(tables: dict, schemas: dict, root: Path, where=None, version: str | None = None) -> list[str]:
    """Every check of the rows themselves: constraints, keys, pandera, and every rule (rows, spans, texts, derived tables)."""
    problems = [p for name, t in tables.items() for p in checks.constraint_problems(name, t, schemas[name])]
    problems += checks.foreign_key_problems(tables, schemas)
    problems += check_tables_with_pandera(tables, schemas)
    if version is not None and is_version(version):
        problems += assertion_problems(tables, version)
    texts = {}
    if "articles" in tables:
        texts, text_problems = article_texts(root, tables["articles"])
        problems += text_problems
    return problems + rule_problems(tables, texts, version, where)


def validate_written(folder: Path, tables: dict, schemas: dict, previous: Path | None = None) -> list[str]:
    """The build's check of what it just wrote: the files hold exactly the tables it derived (already
    checked in memory), the exports are what the export registry checks, the descriptor is a valid
    Frictionless package."""
    from . import release

    problems = []
    for name, table in tables.items():
        written = release.read_parquet(folder / f"{name}.parquet")
        if not written.equals(table):
            problems.append(f"{name}.parquet: does not read back as the derived table")
        problems += csv_agreement(folder / f"{name}.csv", written, schemas[name], f"{name}.csv and {name}.parquet disagree")
    return problems + exports.export_problems(folder, tables, previous) + check_descriptor(folder / "datapackage.json")


def validate_release(version: str | None = None, root: Path | None = None, *, folder: Path | None = None, use_frictionless: bool = True,
                     where=None) -> list[str]:
    """Every check on one release (default: the newest). Returns a list of problems (empty = valid).

    `root` holds seeds/ and dataset/; `folder` overrides where the release itself is (a staged build);
    `where(table, row, column)`: the annotation (file, line) behind a value, or None (the CLI gives it in a checkout).
    """
    from . import __version__, data_root

    root = Path(root) if root else data_root()
    folder = Path(folder) if folder else root / "dataset" / (version or __version__)
    if not (folder / "datapackage.json").is_file():
        return [f"{folder}: no datapackage.json (not a release)"]
    problems = check_manifest(folder)
    package, tables, schemas, read_problems = read_release(folder)
    if is_version(folder.name) and package.get("version") != folder.name:
        problems.append(f"{folder.name}/datapackage.json: version is {package.get('version')!r}, expected {folder.name!r} (the release's folder)")
    problems += read_problems
    problems += content_problems(tables, schemas, root, where, folder.name)
    problems += exports.export_problems(folder, tables)
    if use_frictionless:
        problems += check_frictionless(folder / "datapackage.json")
    return problems
