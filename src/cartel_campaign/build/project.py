"""The project's declarations the build reads first: schemas/package.json (the package's metadata and its
tables' order), each table's Table Schema (resolved against the field dictionary) and seeds/releases.yaml
(with the articles of its published releases).
Light to import: an unchanged rebuild (build/pipeline.py) reads these and nothing of the staging (build/stage.py)."""
from __future__ import annotations

import json
from pathlib import Path

from .. import fields
from . import annotations
from .errors import BuildError


def read_json(root: Path, rel: str, what: str):
    try:
        return json.loads((root / rel).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(rel, None, f"missing; expected {what}") from None
    except json.JSONDecodeError as err:
        raise BuildError(rel, err.lineno, f"not valid JSON: {err.msg} (column {err.colno}); expected {what}") from None


def load_schemas(root: Path) -> tuple[dict, dict]:
    """schemas/package.json (package metadata, table order) and every table's Table Schema."""
    meta = read_json(root, "schemas/package.json", "the package metadata")
    names = [*meta["tables"], "releases", "corrections"]
    try:
        definitions = fields.read_fields(root / "schemas")
    except json.JSONDecodeError as err:
        raise BuildError(f"schemas/{fields.FIELDS_FILE}", err.lineno,
                         f"not valid JSON: {err.msg} (column {err.colno}); expected the field dictionary") from None
    out = {}
    for name in names:
        try:
            out[name] = fields.resolve(read_json(root, f"schemas/{name}.schema.json", "a Table Schema"), definitions, f"schemas/{name}.schema.json")
        except fields.SchemaError as err:
            raise BuildError(f"schemas/{name}.schema.json", None, str(err).split(": ", 1)[1]) from None
    return meta, out


def read_releases(root: Path) -> list:
    _, schemas = load_schemas(root)
    return annotations.load_releases(root / "seeds" / "releases.yaml", "seeds/releases.yaml", annotations.Checker(schemas))


def published_article_ids(root: Path, releases: list[dict]) -> set[str]:
    """The articles of every published release (their names predate the naming rule and stay)."""
    out = set()
    for rel in releases:
        path = root / "dataset" / rel["version"] / "datapackage.json"
        if rel["status"] == "published" and path.is_file():
            out |= {Path(s["path"]).stem for s in json.loads(path.read_text(encoding="utf-8")).get("sources", [])}
    return out
