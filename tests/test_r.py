"""The R package in r/ installs, the README's "Load in R" snippet runs as printed, every table of
every release reads with its schema's types and the same values as the Parquet files, and the
package's own testthat tests pass."""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cartel_campaign import versions
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


def r_executable(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, but CI is set: R must be available in CI")
        pytest.skip(f"{name} not found on PATH (install r-base-core, r-cran-readr, r-cran-jsonlite, r-cran-digest, r-cran-testthat); CI would fail here")
    return exe


def installed_r_package(library: Path, package: Path = ROOT / "r") -> dict:
    """Environment whose R library holds cartelcampaign, installed from `package` with R CMD INSTALL."""
    proc = subprocess.run([r_executable("R"), "CMD", "INSTALL", f"--library={library}", str(package)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"R CMD INSTALL {package} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    env = {k: v for k, v in os.environ.items() if k != "CARTEL_CAMPAIGN_DATA"}
    env["R_LIBS"] = str(library)
    return env


@pytest.fixture(scope="module")
def r_env(tmp_path_factory) -> dict:
    return installed_r_package(tmp_path_factory.mktemp("rlib"))


def run_r(script: str, env: dict, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "script.R"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run([r_executable("Rscript"), "--vanilla", str(path), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"R script failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def r_output(r_env, tmp_path_factory) -> str:
    return run_r(readme_snippet(), r_env, tmp_path_factory.mktemp("snippet"))


def releases(drafts: bool = False) -> list[tuple[str, dict]]:
    """The published releases (what the README's R snippet reads), or every built release, a draft included."""
    found = [(v, json.loads((ROOT / "dataset" / v / "datapackage.json").read_text(encoding="utf-8"))) for v in versions(ROOT, drafts=drafts)]
    assert found, "no release under dataset/"
    return found


def parse_tables(out: str) -> dict[tuple[str, str], tuple[int, dict[str, str]]]:
    tables = {}
    for m in re.finditer(r"^TABLE (\S+) (\S+) rows=(\d+) classes=(\S*)$", out, flags=re.M):
        classes = dict(item.split(":", 1) for item in m.group(4).split(",") if item)
        tables[(m.group(1), m.group(2))] = (int(m.group(3)), classes)
    return tables


def test_r_reads_every_table_of_every_release_with_schema_types(r_output):
    tables = parse_tables(r_output)
    expected = [(v, res["name"]) for v, package in releases() for res in package["resources"]]
    assert list(tables) == expected, r_output
    for version, package in releases():
        for res in package["resources"]:
            rows, classes = tables[(version, res["name"])]
            parquet = ROOT / "dataset" / version / res.get("parquet_path", res["path"].removesuffix(".csv") + ".parquet")
            assert rows == pq.read_metadata(parquet).num_rows, (version, res["name"], rows)
            fields = res["schema"]["fields"]
            assert list(classes) == [f["name"] for f in fields], (version, res["name"])
            for f in fields:
                expected = "factor" if "enum" in f.get("constraints", {}) else R_CLASS[f.get("type", "string")]
                assert classes[f["name"]] == expected, (version, res["name"], f["name"], classes[f["name"]])
                if f["name"].endswith("_id"):
                    assert classes[f["name"]] == "character", (version, res["name"], f["name"])


def test_r_foreign_keys_resolve_in_every_release(r_output):
    found = dict(re.findall(r"^FK_PROBLEMS (\S+) (\d+)$", r_output, flags=re.M))
    assert found == {v: "0" for v, _ in releases()}, r_output


DUMP_TABLES = """
library(cartelcampaign)
out <- commandArgs(trailingOnly = TRUE)[1]
for (version in cc_versions(".", drafts = TRUE)) {
  for (name in cc_tables(version, ".")) {
    df <- cc_read(name, version, ".")
    df[] <- lapply(df, function(col) if (inherits(col, "Date")) format(col, "%Y-%m-%d") else if (is.factor(col)) as.character(col) else col)
    jsonlite::write_json(as.list(df), file.path(out, paste0(version, "_", name, ".json")), na = "null", digits = NA)
  }
}
"""


def as_json_value(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def test_r_values_equal_the_parquet_files(r_env, tmp_path):
    """Every cell R reads from the CSV (missing values included) equals the Parquet file's."""
    run_r(DUMP_TABLES, r_env, tmp_path, str(tmp_path))
    for version, package in releases(drafts=True):
        for res in package["resources"]:
            from_r = json.loads((tmp_path / f"{version}_{res['name']}.json").read_text(encoding="utf-8"))
            parquet = ROOT / "dataset" / version / res.get("parquet_path", res["path"].removesuffix(".csv") + ".parquet")
            columns = pq.read_table(parquet).to_pydict()
            expected = {name: [as_json_value(v) for v in values] for name, values in columns.items()}
            assert from_r == expected, (version, res["name"])


TESTTHAT = """
library(cartelcampaign)
results <- as.data.frame(testthat::test_dir("r/tests/testthat", package = "cartelcampaign",
                                            load_package = "installed", stop_on_failure = FALSE))
cat(sprintf("TESTTHAT failed=%d errors=%d skipped=%d warnings=%d passed=%d\\n", sum(results$failed),
            sum(results$error), sum(results$skipped), sum(results$warning), sum(results$passed)))
"""


def test_r_package_testthat_tests_pass(r_env, tmp_path):
    out = run_r(TESTTHAT, r_env | {"CARTEL_CAMPAIGN_DATA": str(ROOT)}, tmp_path)
    m = re.search(r"^TESTTHAT failed=(\d+) errors=(\d+) skipped=(\d+) warnings=(\d+) passed=(\d+)$", out, flags=re.M)
    assert m, out
    failed, errors, skipped, warnings, passed = map(int, m.groups())
    assert (failed, errors, skipped, warnings) == (0, 0, 0, 0), out
    assert passed > 0, out


def test_r_package_names_no_placeholder_contact():
    """No invented e-mail address or URL in the package's metadata or help (placeholders are forbidden)."""
    files = [ROOT / "r" / "DESCRIPTION", ROOT / "r" / "LICENSE", *sorted((ROOT / "r" / "man").glob("*.Rd"))]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for placeholder in ("example.invalid", "example.com", "example.org", "@example", "TODO", "FIXME"):
            assert placeholder not in text, f"{path.relative_to(ROOT)} contains the placeholder {placeholder!r}"
    assert re.search(r"^Maintainer: ORPHANED$", (ROOT / "r" / "DESCRIPTION").read_text(encoding="utf-8"), re.M)


READ_ONE = """
library(cartelcampaign)
args <- commandArgs(trailingOnly = TRUE)
result <- tryCatch({ df <- cc_read(args[1], args[2], args[3]); sprintf("ROWS %d", nrow(df)) },
                   error = function(e) paste("ERROR", conditionMessage(e)))
cat(result, "\\n")
"""


def damaged_copy(tmp_path: Path, version: str, table: str, damage) -> Path:
    """A data root holding a copy of `version` whose `table`.csv is damage(bytes) (the descriptor left as published)."""
    import shutil as sh

    root = tmp_path / "root"
    sh.copytree(ROOT / "dataset" / version, root / "dataset" / version)
    csv = root / "dataset" / version / f"{table}.csv"
    csv.write_bytes(damage(csv.read_bytes()))
    return root


@pytest.mark.parametrize("damage", [
    pytest.param(lambda b: b[: b.rstrip(b"\n").rfind(b"\n") + 1], id="last-line-cut-at-a-line-end"),
    pytest.param(lambda b: b[: len(b) - 40], id="cut-inside-a-field"),
    pytest.param(lambda b: b.replace(b"strike", b"strikf", 1), id="one-byte-changed"),
])
def test_r_refuses_a_truncated_or_changed_csv(r_env, tmp_path, damage):
    root = damaged_copy(tmp_path, "1.1.0", "events", damage)
    out = run_r(READ_ONE, r_env, tmp_path, "events", "1.1.0", str(root))
    assert out.startswith("ERROR ") and "events.csv: expected" in out and ("truncated or changed" in out or "damaged or changed" in out), out


def test_r_survives_an_invalid_utf8_byte(r_env, tmp_path):
    """readr under the descriptor's lower-case "utf-8" killed the R session on an invalid byte; the descriptor is made
    consistent with the damaged file (bytes, hash), so only the encoding is exercised."""
    import hashlib

    version, table = "1.1.0", "events"
    root = damaged_copy(tmp_path, version, table, lambda b: b.replace(b"strike", b"str\xffke", 1))
    desc_path = root / "dataset" / version / "datapackage.json"
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    raw = (root / "dataset" / version / f"{table}.csv").read_bytes()
    (res,) = [r for r in desc["resources"] if r["name"] == table]
    assert res["encoding"] == "utf-8"
    res["bytes"], res["hash"] = len(raw), f"sha256:{hashlib.sha256(raw).hexdigest()}"
    desc_path.write_text(json.dumps(desc), encoding="utf-8")
    out = run_r(READ_ONE, r_env, tmp_path, table, version, str(root))
    assert out.startswith(("ROWS ", "ERROR ")), out
