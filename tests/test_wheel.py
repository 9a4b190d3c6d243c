"""The wheel as a user meets it: built from the checkout, installed into a fresh virtual environment outside
it, it loads every table of every version identically to the release files, carries the documents, has
no placeholder URL or broken link in its metadata, keeps an older pandas/pyarrow/numpy the user already
has, and its command line answers bad input with one line and exit 2."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile

from packaging.requirements import Requirement
from packaging.version import Version

from conftest import ROOT, copy_project, fresh_venv, user_env

import cartel_campaign as cc

CHECK = r"""
import sys, pathlib, pyarrow.parquet as pq, pandas.testing as pdt
import cartel_campaign as cc
root = cc.data_root()
assert "site-packages" in str(root), root
assert (root / "datapackage.json").is_file()
checkout = pathlib.Path(sys.argv[1])
n = 0
for v in cc.versions(drafts=True):
    for t in cc.tables(v):
        got = cc.load(t, version=v)
        want = pq.read_table(checkout / "dataset" / v / f"{t}.parquet").to_pandas(date_as_object=False)
        pdt.assert_frame_equal(got, want)
        n += 1
print("VERSIONS", ",".join(cc.versions(drafts=True)), "TABLES_CHECKED", n, "VERSION", cc.__version__)
print(cc.load("quotes").head(3))
"""

#: Every table of every version as plain JSON values (dates as YYYY-MM-DD), whatever the pandas version.
VALUES = r"""
import json, sys
import numpy as np, pandas as pd, pyarrow as pa
import cartel_campaign as cc

def plain(x):
    if x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and x != x):
        return None
    if isinstance(x, pd.Timestamp):
        return x.date().isoformat()
    return x.item() if isinstance(x, np.generic) else x

out = {f"{v}/{t}": {"columns": list(df.columns), "rows": [[plain(x) for x in row] for row in df.astype(object).itertuples(index=False)]}
       for v in cc.versions(drafts=True) for t in cc.tables(v) for df in [cc.load(t, version=v)]}
json.dump({"stack": [pd.__version__, pa.__version__, np.__version__], "tables": out}, sys.stdout, sort_keys=True)
"""

DOCUMENTS = ("docs/CODEBOOK.md", "DATASET_CARD.md", "seeds/GUIDE.md", "CHANGELOG.md", "CITATION.cff")


def test_wheel_carries_every_release_the_sources_and_the_documents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cartel_campaign/data/datapackage.json" in names
    for v in cc.versions(ROOT, drafts=True):
        for f in (ROOT / "dataset" / v).iterdir():
            assert f"cartel_campaign/data/dataset/{v}/{f.name}" in names
    assert {n.removeprefix("cartel_campaign/data/") for n in names if n.startswith("cartel_campaign/data/seeds/") and n.endswith(".txt")} == declared_articles()
    for doc in DOCUMENTS:
        assert f"cartel_campaign/data/{doc}" in names, doc
    assert "cartel_campaign/__main__.py" in names


def declared_articles() -> set[str]:
    """The article files the releases name (the `sources` of every release's datapackage.json)."""
    return {s["path"] for v in cc.versions(ROOT, drafts=True)
            for s in json.loads((ROOT / "dataset" / v / "datapackage.json").read_text(encoding="utf-8"))["sources"]}


def test_wheel_packs_exactly_the_declared_articles(tmp_path):
    """A stray note or a symlink to a local file in seeds/ is never published; a declared article that is a symlink stops the build."""
    project = copy_project(tmp_path / "project")
    (project / "seeds" / "notes.txt").write_text("a private note\n", encoding="utf-8")
    (tmp_path / "secret").write_text("a local file\n", encoding="utf-8")
    (project / "seeds" / "zz_link.txt").symlink_to(tmp_path / "secret")
    build = [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(project)]
    subprocess.run(build, check=True, capture_output=True, text=True, timeout=600)
    (whl,) = (tmp_path / "dist").glob("*.whl")
    packed = {n.removeprefix("cartel_campaign/data/") for n in zipfile.ZipFile(whl).namelist() if n.startswith("cartel_campaign/data/seeds/")}
    assert packed == declared_articles() | {"seeds/GUIDE.md", "seeds/assertions.yaml"}
    first = sorted(declared_articles())[0]
    (project / first).rename(tmp_path / "moved.txt")
    (project / first).symlink_to(tmp_path / "moved.txt")
    r = subprocess.run(build, capture_output=True, text=True, timeout=600)
    assert r.returncode != 0 and f"source {first!r}: expected a regular file seeds/<name>.txt (no symlink)" in r.stdout + r.stderr


def test_wheel_metadata_has_no_placeholder_url_and_no_relative_link(wheel):
    with zipfile.ZipFile(wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        text = z.read(meta).decode()
    assert "example." not in text and "Project-URL" not in text
    description = text.split("\n\n", 1)[1]
    assert "cc.path(" in description  # the README is there
    assert not re.findall(r"\]\((?!https?:|#)[^)]*\)", description), "relative links break on a package index"
    requires = [Requirement(line.split(":", 1)[1].strip()) for line in text.splitlines() if line.startswith("Requires-Dist:")]
    assert {r.name for r in requires if not r.marker} == {"pandas", "pyarrow", "numpy"}


def test_wheel_installs_and_loads_in_a_fresh_venv(installed):
    bin_, elsewhere = installed
    env = user_env()
    result = subprocess.run([str(bin_ / "python"), "-c", CHECK, str(ROOT)], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    n_tables = sum(len(cc.tables(v)) for v in cc.versions(ROOT, drafts=True))
    assert f"VERSIONS {','.join(cc.versions(ROOT, drafts=True))} TABLES_CHECKED {n_tables} VERSION {cc.__version__}" in result.stdout
    code = "import cartel_campaign as cc; print(*(cc.data_root() / d for d in %r), sep='\\n')" % (DOCUMENTS,)
    docs = subprocess.run([str(bin_ / "python"), "-c", code], cwd=elsewhere, capture_output=True, text=True, env=env, check=True).stdout.split()
    for doc, installed_doc in zip(DOCUMENTS, docs):
        assert open(installed_doc, encoding="utf-8").read() == (ROOT / doc).read_text(encoding="utf-8"), doc


def test_installed_command_line(installed):
    """python -m cartel_campaign is the command; bad input and a missing extra are one line and exit 2."""
    bin_, elsewhere = installed
    env = user_env()
    for cmd in ([str(bin_ / "cartel-campaign"), "info"], [str(bin_ / "python"), "-m", "cartel_campaign", "info"]):
        r = subprocess.run(cmd, cwd=elsewhere, capture_output=True, text=True, env=env)
        assert r.returncode == 0 and "events" in r.stdout and "site-packages" in r.stdout, r.stderr
    bad = {("info", "--version", "7.7.7"): "error: unknown dataset version '7.7.7'; " + said_versions(),
           ("info", "--version", "../dataset/1.0.0"): "error: unknown dataset version '../dataset/1.0.0'; " + said_versions(),
           ("validate",): "error: `cartel-campaign validate` needs pandera, which is not installed; "
                          "install it with: pip install 'cartel-campaign-data[validate]'",
           ("build",): "error: `cartel-campaign build` needs yaml, which is not installed; install it with: pip install 'cartel-campaign-data[build]'"}
    for args, message in bad.items():
        r = subprocess.run([str(bin_ / "python"), "-m", "cartel_campaign", *args], cwd=elsewhere, capture_output=True, text=True, env=env)
        assert (r.returncode, r.stderr.strip().splitlines()) == (2, [message]), (args, r.stderr)


def oldest_stack() -> dict[str, str]:
    lines = (ROOT / "requirements" / "oldest.txt").read_text(encoding="utf-8").splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def test_dependency_floors_are_the_tested_oldest_stack():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    floors = {}
    for dep in map(Requirement, deps):
        (spec,) = dep.specifier
        assert spec.operator == ">=", f"{dep}: a user's install takes a floor, never a pin or a ceiling"
        floors[dep.name] = Version(spec.version)
    assert floors == {name: Version(v) for name, v in oldest_stack().items()}


def test_wheel_keeps_the_oldest_supported_stack_and_loads_every_release_the_same(wheel, tmp_path):
    """Over pandas/pyarrow/numpy at their floors, installing the wheel changes none of them, and every table
    of every version holds the same values as under the locked stack."""
    bin_ = fresh_venv(tmp_path / "venv")
    env = user_env()
    pip = [str(bin_ / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "-r", str(ROOT / "requirements" / "oldest.txt")], check=True, env=env, timeout=900)
    subprocess.run([*pip, str(wheel)], check=True, env=env, timeout=900)
    freeze = subprocess.run([str(bin_ / "python"), "-m", "pip", "freeze"], check=True, env=env, capture_output=True, text=True).stdout
    kept = {name: v for name, v in (line.split("==") for line in freeze.splitlines() if "==" in line) if name in oldest_stack()}
    assert kept == oldest_stack(), "pip replaced the user's libraries"
    old = subprocess.run([str(bin_ / "python"), "-c", VALUES], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert old.returncode == 0, old.stderr
    new = subprocess.run([sys.executable, "-c", VALUES], env=user_env(), capture_output=True, text=True, timeout=600)
    assert new.returncode == 0, new.stderr
    old, new = json.loads(old.stdout), json.loads(new.stdout)
    assert old["stack"] == list(oldest_stack().values()) and old["stack"] != new["stack"]
    assert set(old["tables"]) == {f"{v}/{t}" for v in cc.versions(ROOT, drafts=True) for t in cc.tables(v)}
    assert old["tables"] == new["tables"]


def oldest_validate_stack() -> dict[str, str]:
    """The oldest stack `validate` supports: the floors of the `validate` extra where it raises them, else oldest.txt's."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["validate"]
    floors = {r.name: next(iter(r.specifier)).version for r in map(Requirement, extra) if r.name in oldest_stack()}
    return {**oldest_stack(), **floors}


def test_wheel_validates_every_release_on_the_oldest_stack_the_validate_extra_allows(wheel, tmp_path):
    """Over pandas/pyarrow/numpy at the floors of the `validate` extra (pyarrow at the package's floor), installing
    wheel[validate] changes none of them, and `cartel-campaign validate` outside a checkout says valid for every
    release, pins and RECORD included (pyarrow < 26 crashed on the empty quote_exclusions of 0.1.0 and 1.0.0)."""
    stack = oldest_validate_stack()
    assert stack["pyarrow"] == oldest_stack()["pyarrow"]
    bin_ = fresh_venv(tmp_path / "venv")
    env = user_env()
    pip = [str(bin_ / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, *(f"{name}=={v}" for name, v in stack.items())], check=True, env=env, timeout=900)
    subprocess.run([*pip, f"{wheel}[validate]"], check=True, env=env, timeout=900)
    freeze = subprocess.run([str(bin_ / "python"), "-m", "pip", "freeze"], check=True, env=env, capture_output=True, text=True).stdout
    kept = {name: v for name, v in (line.split("==") for line in freeze.splitlines() if "==" in line) if name in stack}
    assert kept == stack, "pip replaced the user's libraries"
    r = subprocess.run([str(bin_ / "cartel-campaign"), "validate"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, (r.returncode, r.stdout[-3000:], r.stderr[-3000:])
    for v in cc.versions(ROOT, drafts=True):
        assert f"release {v}: valid" in r.stdout
    assert "installed package: valid" in r.stdout and "installed files checked against the wheel's RECORD hashes" in r.stdout


def said_versions() -> str:
    """How an unknown-version error lists the versions: the published ones, then a draft apart."""
    published = cc.versions(ROOT)
    return f"published versions: {', '.join(published)}" + "".join(f"; draft: {v}" for v in cc.versions(ROOT, drafts=True) if v not in published)
