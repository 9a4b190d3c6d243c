"""What a user gets from `import cartel_campaign`: tables with the right dtypes, nothing heavy imported."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

import cartel_campaign as cc


def test_tables_and_versions():
    assert cc.tables()[:4] == ["articles", "actors", "actor_aliases", "events"]
    assert {"events", "actors", "actor_aliases", "designations", "quotes", "evidence", "articles", "actor_mentions"} <= set(cc.tables())
    assert cc.__version__ in cc.versions()
    assert cc.versions() == sorted(cc.versions(), key=lambda v: tuple(map(int, v.split("."))))


def test_load_dtypes_follow_the_schema():
    for name in cc.tables():
        df = cc.load(name)
        schema = cc.datapackage()["resources"][cc.tables().index(name)]["schema"]
        assert list(df.columns) == [f["name"] for f in schema["fields"]]
        for f in schema["fields"]:
            want = __import__("cartel_campaign.release").release.TYPES[f["type"]][1]
            assert str(df[f["name"]].dtype) == want, (name, f["name"], df[f["name"]].dtype)


def test_load_all_and_errors():
    frames = cc.load_all()
    assert set(frames) == set(cc.tables())
    assert len(frames["articles"]) == 5
    with pytest.raises(ValueError, match="unknown table 'event'"):
        cc.load("event")
    with pytest.raises(ValueError, match="unknown dataset version '9.9.9'"):
        cc.load("events", version="9.9.9")


def test_load_path_imports_neither_pandera_nor_frictionless():
    code = (
        "import sys, cartel_campaign as cc; cc.load('events'); cc.load_all(); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pandera', 'frictionless')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_contract_columns_exist():
    """The columns the data contract requires are all there."""
    required = {
        "articles": "article_id seed_file sha256 n_chars title published_earliest published_latest published_basis",
        "actors": "actor_id name actor_type country",
        "actor_aliases": "actor_id alias",
        "events": "event_id event_type summary date_start date_end date_precision location country fatalities",
        "event_actors": "event_id actor_id role",
        "designations": "designation_id target_actor_id authority_actor_id designation_type legal_basis announced_date effective_date",
        "quotes": "quote_id article_id speaker_actor_id text char_start char_end",
        "evidence": "record_table record_id article_id char_start char_end text",
    }
    for table, cols in required.items():
        schema = json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text(encoding="utf-8"))
        assert set(cols.split()) <= {f["name"] for f in schema["fields"]}, table


def test_every_record_has_evidence():
    frames = cc.load_all()
    ev = frames["evidence"]
    for table, key in (("events", "event_id"), ("designations", "designation_id"), ("quotes", "quote_id"), ("actors", "actor_id")):
        cited = set(ev.loc[ev.record_table == table, "record_id"])
        assert set(frames[table][key]) <= cited, table
