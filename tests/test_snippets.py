"""The README's Python snippets (pandas, DuckDB, polars) are the code this test runs, as a user would: from the
wheel installed into a fresh environment, in a folder outside the checkout."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, as_published, user_env


def snippet(name: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- {name}-snippet:start -->\n```python\n(.*?)```\n<!-- {name}-snippet:end -->", readme, re.S)
    assert m, f"README.md has no {name} snippet between its markers"
    return m.group(1)


# The README's three questions read the views of the newest release (load()'s default is the newest published
# one): while that release is a draft they run against its data marked published, as users will read it.
NEWEST_RELEASE = {"questions-pandas", "questions-duckdb"}


@pytest.mark.parametrize("name", ["pandas", "duckdb", "polars", "questions-pandas", "questions-duckdb", "categories"])
def test_readme_snippet_runs_from_the_installed_wheel(name, installed, tmp_path):
    bin_, elsewhere = installed
    env = user_env()
    if name in NEWEST_RELEASE:
        found = subprocess.run([str(bin_ / "python"), "-c", "import cartel_campaign as cc; print(cc.data_root())"],
                               cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300, check=True)
        env = {**env, "CARTEL_CAMPAIGN_DATA": str(as_published(Path(found.stdout.strip()), tmp_path / "data"))}
    result = subprocess.run([str(bin_ / "python"), "-c", snippet(name)], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    if name.startswith("questions"):  # the three questions: a claim about Maduro with its quote, the dated strike, the effective designation
        assert "Pam Bondi" in out and "It allows us to do that" in out, out
        assert "US military" in out and "11" in out and re.search(r"2025(-|, )11(-|, )24", out) and "cartel-de-los-soles" in out, out
    elif name == "categories":  # every allowed event type (pandas, polars Enum), and the column's description from pyarrow and DuckDB
        descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
        field = next(f for r in descriptor["resources"] if r["name"] == "events" for f in r["schema"]["fields"] if f["name"] == "event_type")
        allowed, description = field["constraints"]["enum"], field["description"]
        lines = out.splitlines()
        assert lines[0] == repr(allowed) and lines[1] == f"Enum(categories={allowed!r})", out
        assert lines[2] == description and lines[3] == repr([("event_type", description)]), out
    elif name == "pandas":
        assert "'0.1.0', '1.0.0'" in out and "003-us-strike-caribbean-vessel" in out
        assert "event_type" in out and "strike, strike_series" in out  # describe("events")
        assert (ROOT / "seeds" / "004_a369d1b0aa72c426.txt").read_text(encoding="utf-8")[:80] in out
    else:
        # the one dated strike (2025-09, US military, 11 killed) is in both query results
        assert "2025-09" in out and "strike" in out and "US military" in out, out


def run_capturing(code: str) -> list:
    printed: list = []
    exec(code, {"print": printed.append})  # noqa: S102 - our own README
    return printed


def test_duckdb_and_polars_agree():
    """Both queries count the same events per (month, type, agent)."""
    import polars as pl

    import cartel_campaign as cc

    (dd,) = run_capturing(snippet("duckdb"))
    (pol,) = run_capturing(snippet("polars"))
    assert sorted(dd, key=str) == sorted(pol.rows(), key=str)
    assert sum(r[-1] for r in dd) == len(pl.read_parquet(cc.path("event_actors", "1.0.0")).filter(pl.col("role") == "agent"))


def test_the_three_questions_get_the_same_answers_in_pandas_and_duckdb(tmp_path, monkeypatch):
    """The README's DuckDB answers are the rows its pandas filters select (same claims, strikes, designations)."""
    import cartel_campaign as cc

    monkeypatch.setenv(cc.DATA_ENV, str(as_published(ROOT, tmp_path / "data")))
    claims, strikes, designations = run_capturing(snippet("questions-duckdb"))
    wide = cc.load("claims_wide")
    about = wide[wide.target_actor_id == "nicolas-maduro"]
    assert sorted(r[3] or "" for r in claims) == sorted(about.quote_texts.fillna(""))
    events = cc.load("events_wide")
    assert sorted(r[0] for r in strikes) == sorted(events.loc[events.event_type == "strike", "event_id"])
    assert sorted(r[4] for r in designations) == sorted(cc.load("designations").target_actor_id)
    assert len(claims) > 0 and len(strikes) > 0
