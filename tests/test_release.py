"""Release promises: one version, immutable releases, changelog, citation, compatible schemas, diff."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT, newest_version

import cartel_campaign as cc
from cartel_campaign.build import pipeline
from cartel_campaign import diff as ccdiff
from cartel_campaign.validate import check_manifest


def _major(v: str) -> int:
    return int(v.split(".")[0])


def test_version_is_said_once_and_everything_follows():
    version = newest_version(ROOT)  # the newest entry of seeds/releases.yaml
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cc.__version__ == version
    assert json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"] == version
    assert json.loads((ROOT / "dataset" / version / "datapackage.json").read_text(encoding="utf-8"))["version"] == version
    assert citation["version"] == version
    assert cc.versions(drafts=True)[-1] == version
    releases = pipeline.read_releases(ROOT)
    assert [r["version"] for r in releases] == cc.versions(drafts=True), "every listed release is built, and only those"
    assert [r["version"] for r in releases if r["status"] == "published"] == cc.versions(), "by default: the published ones"
    assert str(citation["date-released"]) == releases[-1]["date"].isoformat()


def test_citation_is_valid_cff_1_2_0():
    import jsonschema

    schema = json.loads((ROOT / "tests" / "data" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    citation["date-released"] = str(citation["date-released"])  # YAML date -> the string CFF's JSON Schema expects
    jsonschema.validate(citation, schema)
    assert citation["cff-version"] == "1.2.0"


def test_every_release_matches_its_manifest():
    for v in cc.versions(drafts=True):
        assert check_manifest(ROOT / "dataset" / v) == [], v


def test_files_hashed_side_by_side_are_each_files_own_digest(tmp_path):
    """release.sha256_files (the manifest, the build's record) hashes several files at a time: each digest is its own
    file's, in the order given, whatever the sizes (empty, small, several of sha256_file's pieces)."""
    import hashlib

    from cartel_campaign.release import sha256_files

    sizes = [0, 1, 5_000, 3 * (1 << 20) + 7, 10, 2 << 20]
    paths = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"f{i}"
        path.write_bytes(bytes([i + 1]) * size)
        paths.append(path)
    assert sha256_files(paths) == [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    assert sha256_files([]) == []


def test_published_files_were_never_changed_after_publication():
    """In git history: once a release folder is committed, no later commit modifies or deletes its files."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    if subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True).stdout.strip() == "true":
        pytest.skip("shallow clone: history incomplete")
    published = [r["version"] for r in pipeline.read_releases(ROOT) if r["status"] == "published"]  # a draft is rewritten freely
    for v in published:
        since = _commit_that_published(v)
        log = subprocess.run(["git", "log", "--format=%h %s", "--diff-filter=MDR", f"{since}..HEAD", "--", f"dataset/{v}"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        assert log == "", f"dataset/{v} was changed after publication:\n{log}"
        dirty = subprocess.run(["git", "status", "--porcelain", "--", f"dataset/{v}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        assert not [line for line in dirty.splitlines() if not line.startswith("??")], f"dataset/{v} has uncommitted edits:\n{dirty}"


def _commit_that_published(version: str) -> str:
    """The first commit whose seeds/releases.yaml lists `version` as published (entries without a
    status, from before statuses existed, were all published)."""
    import yaml

    commits = subprocess.run(["git", "log", "--reverse", "--format=%H", "--", "seeds/releases.yaml"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    for commit in commits:
        text = subprocess.run(["git", "show", f"{commit}:seeds/releases.yaml"], cwd=ROOT, capture_output=True, text=True).stdout
        entries = yaml.safe_load(text) or []
        if any(str(e.get("version")) == version and e.get("status", "published") == "published" for e in entries):
            return commit
    raise AssertionError(f"no commit publishes {version} in seeds/releases.yaml")


def test_changelog_has_an_entry_per_release_with_computed_counts():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = pipeline.read_releases(ROOT)
    for r in releases:
        assert f"## {r['version']} — {r['date'].isoformat()}" in text, r["version"]
    for a, b in zip(releases, releases[1:]):
        assert ccdiff.markdown(a["version"], b["version"], a["version"], b["version"]) in text


def test_schema_changes_between_releases_are_compatible_or_major():
    vs = cc.versions(drafts=True)  # a draft too: its schema changes are checked before it is published
    for a, b in zip(vs, vs[1:]):
        breaking = ccdiff.schema_diff(a, b)
        breaking = breaking[breaking.breaking]
        assert breaking.empty or _major(b) > _major(a), f"{a} -> {b} breaks the schema without a major bump:\n{breaking}"


def _release_copy(tmp_path, name, edit):
    src = ROOT / "dataset" / cc.versions(drafts=True)[-1]
    dst = tmp_path / name
    shutil.copytree(src, dst)
    desc = json.loads((dst / "datapackage.json").read_text(encoding="utf-8"))
    edit({r["name"]: r["schema"] for r in desc["resources"]})
    (dst / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    return dst


@pytest.mark.parametrize(
    "edit, change",
    [
        (lambda s: s["events"]["fields"].pop(2), "column removed"),
        (lambda s: s["quotes"]["fields"][4].update(type="string"), None),  # char_start integer -> string: widening
        (lambda s: s["articles"]["fields"][3].update(type="boolean"), "type changed"),  # integer -> boolean: narrowing
        (lambda s: s["events"]["fields"][2]["constraints"]["enum"].remove("strike"), "enum changed"),
        (lambda s: s["actors"]["fields"][3].setdefault("constraints", {}).update(required=True), "now required"),
    ],
)
def test_schema_diff_flags_breaking_changes(tmp_path, edit, change):
    old = ROOT / "dataset" / cc.versions(drafts=True)[-1]
    new = _release_copy(tmp_path, "new", edit)
    sd = ccdiff.schema_diff(old, new)
    if change is None:
        assert len(sd) == 1 and not sd.breaking.any(), sd
    else:
        assert sd.loc[sd.change == change, "breaking"].tolist() == [True], sd


def test_diff_between_the_first_releases():
    rows = ccdiff.diff("0.1.0", "1.0.0")
    assert set(rows) == set(cc.tables("1.0.0"))
    events = rows["events"]
    assert (events.change == "added").sum() == 23
    changed = events[events.change == "changed"]
    assert changed.key.tolist() == ["004-us-non-recognition-of-maduro-government"]
    assert changed.changed_columns.tolist() == ["same_event_as"]
    s = ccdiff.summary("0.1.0", "1.0.0").set_index("table")
    assert s.loc["quotes", "rows_after"] == len(cc.load("quotes", "1.0.0")) and s.loc["quotes", "rows_before"] == len(cc.load("quotes", "0.1.0"))


def test_cli_diff():
    result = subprocess.run([str(ROOT / ".venv/bin/cartel-campaign") if (ROOT / ".venv/bin/cartel-campaign").exists() else "cartel-campaign",
                             "diff", "0.1.0", "1.0.0", "--rows"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert re.search(r"events\s+5\s+28\s+23\s+0\s+1", result.stdout)
    assert "004-us-non-recognition-of-maduro-government" in result.stdout
    bad = subprocess.run([str(ROOT / ".venv/bin/cartel-campaign"), "diff", "0.1.0", "7.0.0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown version '7.0.0'" in bad.stderr


def test_older_versions_load():
    assert cc.versions()[:2] == ["0.1.0", "1.0.0"]
    old = cc.load("events", version="0.1.0")
    assert len(old) == 5 and set(old.article_id) == {"004_a369d1b0aa72c426"}
    assert cc.load("articles", version="0.1.0").annotation_status.tolist().count("metadata_only") == 4


def test_diff_sees_a_missing_value_become_a_number(tmp_path):
    """A cell going from missing to a number is a change, not a crash (pandas' NA cannot be compared with ==;
    found by tests/test_rules.py's mutation check, where the build reached the corrections step with such a change)."""
    import shutil

    import pyarrow.parquet as pq

    from cartel_campaign import release

    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "dataset" / "1.1.0", old)
    shutil.copytree(ROOT / "dataset" / "1.1.0", new)
    events = pq.read_table(new / "events.parquet").to_pylist()
    target = next(e for e in events if e["fatalities_cumulative"] is None)
    target["fatalities_cumulative"] = 4
    pq.write_table(pa_table(events, pq.read_table(old / "events.parquet").schema), new / "events.parquet", compression=release.PARQUET_COMPRESSION)
    release.write_manifest(new, "1.1.0")  # a consistent new release: diff reads files through the manifest check
    rows = ccdiff.diff(old, new)["events"]
    assert rows.to_dict("records") == [{"change": "changed", "key": target["event_id"], "changed_columns": "fatalities_cumulative"}]


def pa_table(rows, schema):
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=schema)


def test_diff_reports_a_new_column_apart_from_changed_values():
    """1.1.0 added columns to events (time_precision, geo_precision): a row that only fills them is 'new columns',
    not 'changed'; a changed row names only columns both releases have."""
    events = ccdiff.diff("1.0.0", "1.1.0")["events"]
    old_columns = set(cc.load("events", "1.0.0").columns)
    new_only = events[events.change == "new columns"]
    assert len(new_only) > 0
    assert all(set(c.split(",")).isdisjoint(old_columns) for c in new_only.changed_columns)
    assert all(set(c.split(",")) <= old_columns for c in events[events.change == "changed"].changed_columns)
    s = ccdiff.summary("1.0.0", "1.1.0").set_index("table")
    assert s.loc["events", "new_columns_only"] == len(new_only)
