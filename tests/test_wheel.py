"""The wheel: built from the checkout, installed into a fresh virtual environment outside it, loads every
table of every published version identically to the release files."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT

import cartel_campaign as cc

CHECK = r"""
import sys, pathlib, pyarrow.parquet as pq, pandas.testing as pdt
import cartel_campaign as cc
root = cc.data_root()
assert "site-packages" in str(root), root
assert (root / "datapackage.json").is_file()
checkout = pathlib.Path(sys.argv[1])
n = 0
for v in cc.versions():
    for t in cc.tables(v):
        got = cc.load(t, version=v)
        want = pq.read_table(checkout / "dataset" / v / f"{t}.parquet").to_pandas(date_as_object=False)
        pdt.assert_frame_equal(got, want)
        n += 1
print("VERSIONS", ",".join(cc.versions()), "TABLES_CHECKED", n, "VERSION", cc.__version__)
print(cc.load("quotes").head(3))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], check=True, capture_output=True, text=True, timeout=600)
    (whl,) = out.glob("cartel_campaign_data-*.whl")
    return whl


def test_wheel_carries_every_release_and_the_sources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cartel_campaign/data/datapackage.json" in names
    for v in cc.versions(ROOT):
        for f in (ROOT / "dataset" / v).iterdir():
            assert f"cartel_campaign/data/dataset/{v}/{f.name}" in names
    assert len([n for n in names if n.startswith("cartel_campaign/data/seeds/") and n.endswith(".txt")]) == 5


def test_wheel_installs_and_loads_in_a_fresh_venv(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {**os.environ, "PIP_CONSTRAINT": str(ROOT / "requirements" / "lock.txt"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("CARTEL_CAMPAIGN_DATA", None)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True, env=env, timeout=900)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([str(venv / "bin" / "python"), "-c", CHECK, str(ROOT)], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    n_tables = sum(len(cc.tables(v)) for v in cc.versions(ROOT))
    assert f"VERSIONS {','.join(cc.versions(ROOT))} TABLES_CHECKED {n_tables} VERSION {cc.__version__}" in result.stdout
    info = subprocess.run([str(venv / "bin" / "cartel-campaign"), "info"], cwd=elsewhere, capture_output=True, text=True, env=env)
    assert info.returncode == 0 and "events" in info.stdout, info.stderr
