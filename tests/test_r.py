"""The README's "Load in R" snippet runs as printed and reads every CSV with the types from datapackage.json."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pyarrow.parquet as pq
import pytest

from conftest import ROOT

R_CLASS = {"string": "character", "integer": "integer", "date": "Date", "boolean": "logical"}
START, END = "<!-- r-snippet:start -->", "<!-- r-snippet:end -->"


def readme_snippet() -> str:
    """The ```r block between the r-snippet markers in README.md, exactly as printed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1, "README.md needs exactly one pair of r-snippet markers"
    between = text.split(START, 1)[1].split(END, 1)[0]
    m = re.fullmatch(r"\s*```r\n(.*?\n)```\s*", between, flags=re.S)
    assert m, "the r-snippet markers must enclose a single ```r fenced block"
    return m.group(1)


def rscript() -> str:
    exe = shutil.which("Rscript")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Rscript is not installed, but CI is set: R must be available in CI")
        pytest.skip("Rscript not found on PATH (install r-base-core, r-cran-readr, r-cran-jsonlite); CI would fail here")
    return exe


@pytest.fixture(scope="module")
def r_output(tmp_path_factory) -> str:
    exe = rscript()
    script = tmp_path_factory.mktemp("r") / "snippet.R"
    script.write_text(readme_snippet(), encoding="utf-8")
    proc = subprocess.run([exe, "--vanilla", str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"R snippet failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def parse_tables(out: str) -> dict[str, tuple[int, dict[str, str]]]:
    tables = {}
    for m in re.finditer(r"^TABLE (\S+) rows=(\d+) classes=(\S*)$", out, flags=re.M):
        classes = dict(item.split(":", 1) for item in m.group(3).split(",") if item)
        tables[m.group(1)] = (int(m.group(2)), classes)
    return tables


def test_r_reads_every_table_with_schema_types(r_output):
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    tables = parse_tables(r_output)
    assert list(tables) == [res["name"] for res in package["resources"]], r_output
    for res in package["resources"]:
        rows, classes = tables[res["name"]]
        parquet = ROOT / res.get("parquet_path", res["path"].removesuffix(".csv") + ".parquet")
        assert rows == pq.read_metadata(parquet).num_rows, (res["name"], rows)
        fields = res["schema"]["fields"]
        assert list(classes) == [f["name"] for f in fields], res["name"]
        for f in fields:
            assert classes[f["name"]] == R_CLASS[f.get("type", "string")], (res["name"], f["name"], classes[f["name"]])
            if f["name"].endswith("_id"):
                assert classes[f["name"]] == "character", (res["name"], f["name"])


def test_r_foreign_keys_resolve(r_output):
    m = re.search(r"^FK_PROBLEMS (\d+)$", r_output, flags=re.M)
    assert m, r_output
    assert int(m.group(1)) == 0, r_output
