"""The README's Python snippets (pandas, DuckDB, polars) are the code this test runs, as a user would."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT


def snippet(name: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- {name}-snippet:start -->\n```python\n(.*?)```\n<!-- {name}-snippet:end -->", readme, re.S)
    assert m, f"README.md has no {name} snippet between its markers"
    return m.group(1)


@pytest.mark.parametrize("name", ["pandas", "duckdb", "polars"])
def test_readme_snippet_runs(name):
    result = subprocess.run([sys.executable, "-c", snippet(name)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    if name == "pandas":
        assert "'0.1.0', '1.0.0'" in out and "003-us-strike-caribbean-vessel" in out
    else:
        # the one dated strike (2025-09, US military, 11 killed) is in both query results
        assert "2025-09" in out and "strike" in out and "US military" in out, out


def test_duckdb_and_polars_agree():
    """Both queries count the same events per (month, type, agent)."""
    import duckdb
    import polars as pl

    dd = duckdb.sql(snippet("duckdb").split("print(duckdb.sql(", 1)[1].rsplit(").fetchall())", 1)[0].strip().strip('"')).fetchall()
    ns: dict = {}
    exec(snippet("polars").replace("print(per_month)", ""), ns)  # noqa: S102 - our own README
    pol = ns["per_month"].rows()
    assert sorted(dd, key=str) == sorted(pol, key=str)
    assert sum(r[-1] for r in dd) == len(pl.read_parquet(ROOT / "dataset/1.0.0/event_actors.parquet").filter(pl.col("role") == "agent"))
