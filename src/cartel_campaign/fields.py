"""The field dictionary (in the spirit of PUDL's fields.py): a column that means the same in several
tables is defined once, in schemas/fields.json, and each table schema names it. A field of a table
schema gives at least its name; every key it leaves out (type, description, constraints) comes from
the dictionary's entry of that name, and a key it gives overrides the entry's (a table may say more
about what the column holds there, or add a constraint such as a primary key's uniqueness).
Everything that reads schemas/ reads it through `table_schema` (the build, the tests, the docs);
the published descriptors hold the resolved schemas, so nothing downstream sees the dictionary.
"""
from __future__ import annotations

import json
from pathlib import Path

FIELDS_FILE = "fields.json"
#: The key order of a resolved field (as the published descriptors have it).
FIELD_KEYS = ("name", "type", "description", "constraints")


class SchemaError(ValueError):
    """A table schema that the field dictionary cannot complete (file, field, what is missing)."""


def read_fields(schemas_dir: Path) -> dict:
    """schemas/fields.json: column name -> its shared definition (type, description, constraints)."""
    path = Path(schemas_dir) / FIELDS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def resolve(table_schema: dict, fields: dict, where: str = "schema") -> dict:
    """The table schema with every field completed from the dictionary, keys in FIELD_KEYS order."""
    out = dict(table_schema)
    out["fields"] = [resolve_field(f, fields, where) for f in table_schema.get("fields", [])]
    return out


def resolve_field(field: dict, fields: dict, where: str) -> dict:
    merged = {**fields.get(field.get("name"), {}), **field}
    if "type" not in merged:
        raise SchemaError(f"{where}: field {field.get('name')!r} has no type and is not defined in schemas/{FIELDS_FILE}")
    unknown = set(merged) - set(FIELD_KEYS)
    if unknown:
        raise SchemaError(f"{where}: field {field.get('name')!r} has unknown key(s) {sorted(unknown)}; expected {', '.join(FIELD_KEYS)}")
    return {k: merged[k] for k in FIELD_KEYS if k in merged}


def table_schema(schemas_dir: Path, name: str) -> dict:
    """schemas/<name>.schema.json, resolved against the field dictionary."""
    path = Path(schemas_dir) / f"{name}.schema.json"
    return resolve(json.loads(path.read_text(encoding="utf-8")), read_fields(schemas_dir), f"schemas/{path.name}")
