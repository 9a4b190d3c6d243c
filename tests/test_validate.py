"""Both validations (pandera, Frictionless) and the span checks, on every published release."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, newest_built

import cartel_campaign as cc
from cartel_campaign import fields, validate


@pytest.mark.parametrize("version", cc.versions(ROOT))
def test_release_is_valid(version):
    assert validate.validate_release(version, ROOT) == []


def test_stock_frictionless_cli_validates_datapackage():
    """What a user runs: `frictionless validate datapackage.json`."""
    exe = ROOT / ".venv" / "bin" / "frictionless"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "frictionless"]
    result = subprocess.run([*cmd, "validate", "datapackage.json"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INVALID" not in result.stdout


def test_cli_validate_passes():
    result = subprocess.run([sys.executable, "-m", "cartel_campaign.cli", "validate"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "problem" not in result.stdout


def test_every_span_equals_its_article_slice():
    """article[char_start:char_end] == text for every quote, evidence, exclusion and mention row."""
    tables = cc.load_all(newest_built())
    texts = {r.article_id: (ROOT / r.seed_file).read_text(encoding="utf-8") for r in tables["articles"].itertuples()}
    n = 0
    for name in ("quotes", "evidence", "quote_exclusions", "actor_mentions"):
        col = "alias" if name == "actor_mentions" else "text"
        for r in tables[name].itertuples():
            assert texts[r.article_id][r.char_start : r.char_end] == getattr(r, col), (name, r)
            n += 1
    assert n > 100


def test_pandera_schema_agrees_with_table_schema():
    """The pandera schemas are derived from schemas/*.json: same columns, types, nullability, enums, ranges."""

    import pandas.api.types as pdt

    for path in sorted((ROOT / "schemas").glob("*.schema.json")):
        name = path.name.split(".")[0]
        ts = fields.table_schema(ROOT / "schemas", name)
        ps = validate.pandera_schema(name, ts)
        assert list(ps.columns) == [f["name"] for f in ts["fields"]]
        for f in ts["fields"]:
            col, c = ps.columns[f["name"]], f.get("constraints", {})
            assert col.nullable == (not c.get("required", False)), (name, f["name"])
            assert col.unique == c.get("unique", False)
            kind = {"string": pdt.is_string_dtype, "integer": pdt.is_integer_dtype, "date": pdt.is_datetime64_dtype, "boolean": pdt.is_bool_dtype}
            assert kind[f["type"]](col.dtype.type), (name, f["name"], col.dtype)
            stats = {type(ch).__name__ + ch.name: ch.statistics for ch in col.checks}
            if "enum" in c:
                assert {"Checkisin": {"allowed_values": c["enum"]}}.items() <= stats.items()
            if "minimum" in c:
                assert stats.get("Checkgreater_than_or_equal_to") == {"min_value": c["minimum"]}


def test_pandera_and_the_row_rules_reject_a_bad_frame():
    """The derived checks bite: an unknown enum value, a negative count (pandera), start after end (a row rule)."""
    frames = cc.load_all(newest_built())
    events = frames["events"].copy()
    events.loc[0, "event_type"] = "picnic"
    events.loc[0, "fatalities"] = -3
    events.loc[1, "date_start"] = events["date_end"].max() + __import__("pandas").Timedelta(days=400)
    events.loc[1, "date_end"] = events.loc[1, "date_start"] - __import__("pandas").Timedelta(days=1)
    problems = validate.check_frames({"events": events}, {"events": cc.datapackage(newest_built())["resources"][3]["schema"]})
    text = "\n".join(problems)
    assert "isin" in text and "picnic" in text
    assert "greater_than_or_equal_to" in text
    # rules across columns are the named rules of cartel_campaign.rules, run on the rows
    import pyarrow as pa

    from cartel_campaign.validation.rule_runner import rule_problems

    rule_text = "\n".join(rule_problems({"events": pa.Table.from_pandas(events, preserve_index=False)}, {}, None))
    assert "[dates-in-order]" in rule_text and "events: row 1: " in rule_text
