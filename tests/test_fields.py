"""The field dictionary (schemas/fields.json): a column shared by several tables is defined there once;
a table schema says only what differs for it; the resolved schemas are what the releases publish."""
from __future__ import annotations

import collections
import json
import shutil

import pytest

from conftest import ROOT

from cartel_campaign import fields
from cartel_campaign.build import project
from cartel_campaign.build.errors import BuildError

SCHEMAS = ROOT / "schemas"


def raw_tables() -> dict:
    return {p.name.split(".")[0]: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.glob("*.schema.json"))}


def test_every_shared_column_is_in_the_dictionary_and_every_entry_is_shared():
    uses = collections.Counter(f["name"] for schema in raw_tables().values() for f in schema["fields"])
    shared = {name for name, n in uses.items() if n > 1}
    assert set(fields.read_fields(SCHEMAS)) == shared


def test_a_table_never_repeats_what_the_dictionary_says():
    definitions = fields.read_fields(SCHEMAS)
    for table, schema in raw_tables().items():
        for f in schema["fields"]:
            for key, value in f.items():
                if key != "name" and f["name"] in definitions:
                    assert definitions[f["name"]].get(key) != value, (table, f["name"], key)


def test_the_published_descriptor_holds_the_resolved_schemas():
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for res in desc["resources"]:
        assert res["schema"]["fields"] == fields.table_schema(SCHEMAS, res["name"])["fields"], res["name"]


def test_a_field_the_dictionary_cannot_complete_is_refused(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(SCHEMAS, root / "schemas")
    path = root / "schemas" / "quotes.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"].append({"name": "mood"})
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(BuildError, match=r"schemas/quotes.schema.json: field 'mood' has no type and is not defined in schemas/fields.json"):
        project.load_schemas(root)
