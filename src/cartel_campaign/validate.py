"""Validation of a release: every check, put together from cartel_campaign.validation (one module per
job: schema, rule_runner, files, exports, frictionless_check). `cartel-campaign validate` runs
`validate_release`; the build runs `validate_written` on what it just wrote.

Heavy libraries (pandera, frictionless) are imported inside functions: this module is never
imported on the load path, and it never imports the build.
"""
from __future__ import annotations

from pathlib import Path

from . import checks, integrity
from . import assertions
from .assertions import assertion_problems
from .versioning import is_version
from .validation.files import article_texts, check_manifest, file_problems, read_release, root_datapackage_problems
from .validation.frictionless_check import FRICTIONLESS_PARALLEL_BYTES, check_frictionless, check_frictionless_stock
from .validation.rule_runner import rule_problems
from .validation.schema import check_frames, check_tables_with_pandera, pandera_schema

__all__ = ["FRICTIONLESS_PARALLEL_BYTES", "check_frames", "check_frictionless", "check_frictionless_stock", "check_manifest",
           "content_problems", "pandera_schema", "root_datapackage_problems", "validate_release", "validate_tables_written",
           "validate_written"]


def content_problems(tables: dict, schemas: dict, root: Path, where=None, version: str | None = None) -> list[str]:
    """Every check of the rows themselves: constraints, keys, pandera, and every rule (rows, spans, texts, derived tables)."""
    problems = [p for name, t in tables.items() for p in checks.constraint_problems(name, t, schemas[name])]
    problems += checks.foreign_key_problems(tables, schemas)
    problems += check_tables_with_pandera(tables, schemas)
    if version is not None and is_version(version):
        try:
            problems += assertion_problems(tables, version, assertions.declared(root))
        except assertions.AssertionsError as err:
            problems.append(str(err))
    texts = {}
    if "articles" in tables:
        texts, text_problems = article_texts(root, tables["articles"])
        problems += text_problems
    return problems + rule_problems(tables, texts, version, where)


#: The files rules on the tables' own files (Parquet, CSV), which the build runs while its jobs still write the exports.
TABLE_FILE_RULES = ("parquet-is-what-its-rows-encode", "csv-agrees-with-parquet")


def validate_tables_written(folder: Path, tables: dict, schemas: dict) -> list[str]:
    """The build's check of the tables it just wrote (folder: the staged release, named by its version): the Parquet
    files read back as the tables it derived (already checked in memory), and the files rules on the tables' files."""
    from . import release

    problems = [f"{name}.parquet: does not read back as the derived table" for name, table in tables.items()
                if not release.reads_back_as(folder / f"{name}.parquet", table)]
    return problems + file_problems(folder, tables, schemas, None, only=TABLE_FILE_RULES)


def validate_written(folder: Path, tables: dict, schemas: dict, previous: Path | None = None, checked: dict | None = None,
                     tables_done: bool = False) -> list[str]:
    """The build's check of what it just wrote (folder: the staged release, named by its version; previous: the
    previous release's folder, for the exports that compare with it; checked: what the build's export jobs found,
    see validation.files.file_problems): validate_tables_written (unless tables_done: the build ran it), and every
    other files rule."""
    problems = [] if tables_done else validate_tables_written(folder, tables, schemas)
    return problems + file_problems(folder, tables, schemas, None, previous, checked, skip=TABLE_FILE_RULES)


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
    unsafe = integrity.descriptor_path_problems(folder / "datapackage.json")
    if unsafe:  # nothing is opened through a resource path that leaves the release (a precondition of reading it)
        return unsafe
    problems = []
    package, tables, schemas, read_problems = read_release(folder)
    problems += read_problems + file_problems(folder, tables, schemas, folder.name if is_version(folder.name) else None)
    problems += content_problems(tables, schemas, root, where, folder.name)
    if use_frictionless:
        problems += check_frictionless(folder / "datapackage.json")
    return problems
