"""The build: up to date with seeds/, byte-identical when repeated, refuses to edit a published release."""
from __future__ import annotations

import json
import re
import shutil

from conftest import ROOT, copy_project, newest_version, run_build, tree_bytes



def test_committed_release_is_what_the_seeds_build():
    """`build --check`: a rebuild of seeds/ equals the newest release and every generated file."""
    result = run_build(ROOT, "--check")
    assert result.returncode == 0, result.stderr


def test_rebuild_is_byte_identical(tmp_path):
    """Two independent builds from the same seeds give the same bytes (Parquet, CSV, JSON, docs)."""
    outputs = []
    for name in ("a", "b"):
        proj = copy_project(tmp_path / name)
        version = newest_version(proj)
        shutil.rmtree(proj / "dataset" / version)
        result = run_build(proj)
        assert result.returncode == 0, result.stderr
        outputs.append(tree_bytes(proj / "dataset" / version) | {"datapackage.json": (proj / "datapackage.json").read_bytes()})
    assert outputs[0].keys() == outputs[1].keys()
    assert [k for k in outputs[0] if outputs[0][k] != outputs[1][k]] == []
    assert outputs[0] == tree_bytes(ROOT / "dataset" / newest_version(ROOT)) | {"datapackage.json": (ROOT / "datapackage.json").read_bytes()}


def test_csv_is_utf8_with_lf_and_iso_dates():
    version = newest_version(ROOT)
    for csv in (ROOT / "dataset" / version).glob("*.csv"):
        raw = csv.read_bytes()
        raw.decode("utf-8")
        assert b"\r" not in raw, csv
    events = (ROOT / "dataset" / version / "events.csv").read_text(encoding="utf-8")
    assert "2025-11-24" in events


def set_newest_status(project, status: str) -> None:
    path = project / "seeds" / "releases.yaml"
    text = path.read_text(encoding="utf-8")
    head, sep, last = text.rpartition("\n- version: ")
    path.write_text(head + sep + re.sub(r"status: \w+", f"status: {status}", last, count=1), encoding="utf-8")


def edit_an_actor(project) -> None:
    """A corrected actor description, with its entry in seeds/corrections.yaml for the newest release."""
    actors = project / "seeds" / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    actors.write_text(text.replace("description: US Secretary of State", "description: Secretary of State of the US"), encoding="utf-8")
    corrections = project / "seeds" / "corrections.yaml"
    corrections.write_text(corrections.read_text(encoding="utf-8") + f"\n- version: {newest_version(project)}\n  table: actors\n  record_id: marco-rubio\n"
                           "  what: The description is reworded (a test).\n  why: A made-up correction for the build tests.\n", encoding="utf-8")


def test_published_release_is_never_overwritten(project):
    """Changing an annotation without a new version is refused once the release is published (no git involved):
    its entry says published and a build has published it (a draft's folder becomes the release at that build)."""
    set_newest_status(project, "published")
    version = newest_version(project)
    assert run_build(project).returncode == 0
    before = tree_bytes(project / "dataset")
    edit_an_actor(project)
    result = run_build(project)
    assert result.returncode == 2
    assert f"release {version} is already published and the rebuild differs" in result.stderr
    assert tree_bytes(project / "dataset") == before


def test_a_draft_release_is_rebuilt_in_place(project):
    set_newest_status(project, "draft")
    version = newest_version(project)
    edit_an_actor(project)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert b"Secretary of State of the US" in (project / "dataset" / version / "actors.csv").read_bytes()


def test_only_the_newest_release_may_be_a_draft(project):
    path = project / "seeds" / "releases.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\n  status: published", "\n  status: draft", 1), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 2
    assert "seeds/releases.yaml:" in result.stderr and "only the newest release may be a draft" in result.stderr


def test_check_detects_a_stale_release(project):
    edit_an_actor(project)
    result = run_build(project, "--check")
    assert result.returncode == 1
    assert "actors.csv" in result.stderr


def test_root_datapackage_describes_newest_release():
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    version = newest_version(ROOT)
    assert desc["version"] == version
    assert all(r["path"].startswith(f"dataset/{version}/") for r in desc["resources"])
    shas = {s["path"]: s["sha256"] for s in desc["sources"]}
    assert len(shas) == 5
    import hashlib

    for path, sha in shas.items():
        assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == sha


def test_unchanged_rebuild_is_skipped_and_any_change_rebuilds(project):
    set_newest_status(project, "published")
    version = newest_version(project)
    shutil.rmtree(project / "dataset" / version)
    first = run_build(project)
    assert first.returncode == 0, first.stderr
    again = subprocess_build(project)
    assert "inputs and outputs identical to the last build" in again.stderr
    assert unchanged_rebuild_imports(project) == [], "an unchanged rebuild imported the staging or its libraries"
    # an edited output is noticed (and refused: published files are not rebuilt silently over)
    csv = project / "dataset" / version / "events.csv"
    csv.write_bytes(csv.read_bytes() + b"\n")
    edited = subprocess_build(project)
    assert "identical to the last build" not in edited.stderr
    assert edited.returncode == 2 and "already published and the rebuild differs" in edited.stderr


def unchanged_rebuild_imports(root) -> list[str]:
    """The heavy modules a build of root that finds it unchanged imports: the staging (build/stage.py) and the libraries
    it needs. None: the entry (build/pipeline.py) reads the project's declarations and hashes files, nothing more."""
    import ast
    import subprocess
    import sys

    code = ("import runpy, sys\nsys.argv = ['pipeline', '--root', sys.argv[1]]\ntry:\n"
            "    runpy.run_module('cartel_campaign.build.pipeline', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyarrow', 'pandas', 'numpy', 'matplotlib', 'followthemoney') "
            "or m == 'cartel_campaign.build.stage'))")
    run = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=600)
    assert "identical to the last build" in run.stderr, run.stderr
    return ast.literal_eval(run.stdout.strip().splitlines()[-1])


def subprocess_build(root):
    import subprocess
    import sys

    return subprocess.run([sys.executable, str(root / "build" / "pipeline.py"), "--root", str(root)], capture_output=True, text=True, timeout=600)


def test_the_version_file_is_a_python_literal_whatever_the_version():
    """_version.py is run by `import cartel_campaign`: no value can break it (the schema also refuses such versions)."""
    import ast

    from cartel_campaign.build import docs, publish

    for version in ("1.1.0", '1.0.0"; import os; os._exit(3) #', "1.0.0\\", "1.0.0\n__version__ = 'x'", "1.0.0\u2028"):
        text = docs.version_file(version)
        tree = ast.parse(text)
        assert [ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)] == [version]
        publish.check_generated({publish.VERSION_FILE: text.encode()}, version)


def test_a_generated_file_that_would_not_load_is_refused_before_anything_is_written(tmp_path):
    import pytest

    from cartel_campaign.build import publish
    from cartel_campaign.build.errors import BuildError

    bad = {
        publish.VERSION_FILE: b'__version__ = "1.0.0"; import os\n__version__ = "2"\n',
        "datapackage.json": b'{"version": "1.0.0",}',
    }
    staged = tmp_path / "staged"
    staged.mkdir()
    for rel, data in bad.items():
        with pytest.raises(BuildError, match=f"^{rel}: the generated file would not load"):
            publish.publish(tmp_path, staged, "1.0.0", {rel: data}, draft=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["staged"]
