"""Nothing is ever half-published: the build is killed (SIGKILL) at each step of publishing a new release.

A copy of the project gets a new release to publish (version 99.0.0 in seeds/releases.yaml and a
changed annotation note). The build runs in a subprocess with CARTEL_CAMPAIGN_TEST_KILL_AT=<point>
(the test hook publish.kill_point) and dies there without any cleanup. Afterwards:

* every previously published release is byte-identical and valid;
* the new release is either absent or fully present and valid (never partial, no stray folder);
* datapackage.json is byte-for-byte the old one or the new one, and valid;
* a later normal build recovers (leftover staging and temporary files do not break it) and gives
  the same bytes whatever the point of the crash was.

Also: two builds started at once in the same checkout — one refuses on the lock, or both succeed —
and nothing is corrupted.
"""
from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import add_correction, copy_project, releases_ready_for_a_new_version, tree_bytes

import cartel_campaign as cc
from cartel_campaign.build import pipeline, publish
from cartel_campaign.validate import check_frictionless, validate_release

NEW = "99.0.0"
# kill points in the order the build reaches them; the new release is in dataset/ from "moved" on,
# the root datapackage.json is the new one from "wrote datapackage.json" on
POINTS = ["staged", "validated", "moved", "writing datapackage.json", "wrote datapackage.json", "wrote CHANGELOG.md"]
PUBLISHED_FROM = POINTS.index("moved")
NEW_DATAPACKAGE_FROM = POINTS.index("wrote datapackage.json")
RECOVER = ["staged", "writing datapackage.json", "wrote CHANGELOG.md"]  # nothing published / a temporary file / half the generated files
GENERATED = ["datapackage.json", "src/cartel_campaign/_version.py", "CITATION.cff", "CHANGELOG.md", "docs/CODEBOOK.md", "docs/timeline.png"]


def build(root: Path, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != publish.KILL_AT}
    if kill_at:
        env[publish.KILL_AT] = kill_at
    return subprocess.run([sys.executable, str(root / "build" / "pipeline.py"), "--root", str(root), "-q"],
                          capture_output=True, text=True, timeout=600, env=env)


def snapshot(root: Path) -> dict:
    """Every file that the build may write or must not touch."""
    out = {f"dataset/{k}": v for k, v in tree_bytes(root / "dataset").items()}
    out.update({rel: (root / rel).read_bytes() for rel in GENERATED if (root / rel).is_file()})
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A project copy with a new release to publish."""
    root = copy_project(tmp_path_factory.mktemp("atomic") / "base")
    releases = root / "seeds" / "releases.yaml"
    released = releases_ready_for_a_new_version(root)
    releases.write_text(released + f"\n- version: {NEW}\n  date: 2099-01-01\n  status: draft\n  notes: A release for the kill-point tests.\n", encoding="utf-8")
    ann = root / "seeds" / "004_a369d1b0aa72c426.yaml"
    text = ann.read_text(encoding="utf-8")
    old = "note: The article does not give the date of the announcement."
    assert text.count(old) == 1
    ann.write_text(text.replace(old, "note: The article does not give the date of the announcement (kill-point test)."), encoding="utf-8")
    corrections = root / "seeds" / "corrections.yaml"
    corrections.write_text(corrections.read_text(encoding="utf-8")
                           + f"\n- version: {NEW}\n  table: events\n  record_id: 004-cartel-de-los-soles-fto-announced\n"
                           "  what: The note is longer (kill-point test).\n  why: A made-up change for the kill-point tests.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def killed(base, tmp_path_factory):
    """killed(point) -> (copy, snapshot before, build result): one copy per point, killed there (once per module)."""
    done = {}

    def run(point: str):
        if point not in done:
            root = tmp_path_factory.mktemp("killed") / "project"
            shutil.copytree(base, root)
            before = snapshot(root)
            done[point] = (root, before, build(root, point))
        return done[point]

    return run


def old_versions(root: Path) -> list[str]:
    return [v for v in cc.versions(root) if v != NEW]


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_build_leaves_the_published_data_intact(point, killed):
    root, before, result = killed(point)
    assert result.returncode == -signal.SIGKILL, f"the build was not killed at {point!r}:\n{result.stderr}"
    after = snapshot(root)
    # the published releases: untouched, and the previous one valid
    old = {k: v for k, v in before.items() if k.startswith("dataset/")}
    assert {k: v for k, v in after.items() if k in old} == old
    assert validate_release(old_versions(root)[-1], root) == []
    # the new release: absent, or complete and valid; nothing else appeared in dataset/
    new = root / "dataset" / NEW
    assert sorted(p.name for p in (root / "dataset").iterdir()) == sorted(old_versions(root) + ([NEW] if new.exists() else []))
    assert new.exists() == (POINTS.index(point) >= PUBLISHED_FROM)
    if new.exists():
        assert validate_release(NEW, root) == []
    # datapackage.json: the old one or the new one, whole, and valid
    dp = (root / "datapackage.json").read_bytes()
    if POINTS.index(point) >= NEW_DATAPACKAGE_FROM:
        assert dp == publish.json_text(publish.root_descriptor(new, NEW)).encode()
    else:
        assert dp == before["datapackage.json"]
    assert check_frictionless(root / "datapackage.json") == []


def test_every_kill_point_is_reached_in_order(killed):
    """Each point kills the build (the hook names exist) and later points get further."""
    reached = [killed(p)[2].returncode == -signal.SIGKILL for p in POINTS]
    assert all(reached), dict(zip(POINTS, reached))


def test_a_later_build_recovers_to_the_same_bytes(killed):
    results = {}
    for point in RECOVER:
        root, _, _ = killed(point)
        result = build(root)
        assert result.returncode == 0, f"after a kill at {point!r}: {result.stderr}"
        assert leftovers(root) == [], "staging leftovers were not cleaned up"
        assert not list(root.rglob(".*.tmp-*")), "temporary files were left behind"
        assert validate_release(NEW, root) == []
        assert check_frictionless(root / "datapackage.json") == []
        assert f'__version__ = "{NEW}"' in (root / "src" / "cartel_campaign" / "_version.py").read_text(encoding="utf-8")
        results[point] = snapshot(root)
    first = results[RECOVER[0]]  # killed before anything was published: a clean build
    for point, snap in results.items():
        assert snap.keys() == first.keys(), point
        assert [k for k in snap if snap[k] != first[k]] == [], point


def test_two_builds_at_once_refuse_or_both_succeed(base, tmp_path):
    """The lock: a second build started while one runs refuses with the lock message (exit 2), or waits
    its turn and succeeds; either way the result is one complete, valid release."""
    root = tmp_path / "project"
    shutil.copytree(base, root)
    before = snapshot(root)
    env = {k: v for k, v in os.environ.items() if k != publish.KILL_AT}
    cmd = [sys.executable, str(root / "build" / "pipeline.py"), "--root", str(root), "-q"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([0, 0], [0, 2]), outcomes
    for code, err in outcomes:
        if code == 2:
            assert "another build is running in this checkout (lock held); wait for it to finish" in err, err
    after = snapshot(root)
    assert {k: after[k] for k in before if k.startswith("dataset/")} == {k: v for k, v in before.items() if k.startswith("dataset/")}
    assert validate_release(NEW, root) == []
    assert check_frictionless(root / "datapackage.json") == []
    assert leftovers(root) == []


def test_the_lock_refuses_a_second_build(base, tmp_path):
    """Deterministic: while this process holds the lock, a build refuses at once and changes nothing."""
    root = tmp_path / "project"
    shutil.copytree(base, root)
    before = snapshot(root)
    with publish.build_lock(root):
        result = build(root)
    assert result.returncode == 2
    assert result.stderr == f"error: {root / '.build.lock'}: another build is running in this checkout (lock held); wait for it to finish\n"
    assert snapshot(root) == before


# ---------------------------------------------------------------- replacing a draft ----
# The newest release is a draft that is already in dataset/; a changed annotation makes the build
# replace its folder. dataset/<draft>/ must be at every moment the old or the new release, whole.
REPLACE_POINTS = ["validated", "swapped", "wrote datapackage.json"]
REPLACED_FROM = REPLACE_POINTS.index("swapped")


@pytest.fixture(scope="module")
def draft_base(tmp_path_factory):
    """A project copy whose newest release is a published-in-place draft with a changed annotation."""
    root = copy_project(tmp_path_factory.mktemp("replace") / "base")
    releases = root / "seeds" / "releases.yaml"
    head, sep, newest = releases.read_text(encoding="utf-8").rpartition("\n- version: ")
    releases.write_text(head + sep + newest.replace("status: published", "status: draft", 1), encoding="utf-8")  # the newest, still a draft here
    ann = root / "seeds" / "004_a369d1b0aa72c426.yaml"
    old = "summary: The United States has refused to recognize the Maduro government as legitimate since 2019."  # a record the draft does not correct yet
    assert ann.read_text(encoding="utf-8").count(old) == 1
    ann.write_text(ann.read_text(encoding="utf-8").replace(old, old[:-1] + " (replace test)."), encoding="utf-8")
    add_correction(root, "events", "004-us-non-recognition-of-maduro-government")
    return root


@pytest.fixture(scope="module")
def replaced(draft_base, tmp_path_factory):
    """The draft's folder after a clean replace (what every recovery must end with)."""
    root = tmp_path_factory.mktemp("replaced") / "project"
    shutil.copytree(draft_base, root)
    assert build(root).returncode == 0
    return snapshot(root)


@pytest.mark.parametrize("point", REPLACE_POINTS)
def test_a_killed_replace_leaves_the_old_or_the_new_draft(point, draft_base, replaced, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(draft_base, root)
    draft = cc.versions(root)[-1]
    before = snapshot(root)
    result = build(root, point)
    assert result.returncode == -signal.SIGKILL, f"the build was not killed at {point!r}:\n{result.stderr}"
    after = snapshot(root)
    folder = {k: v for k, v in after.items() if k.startswith(f"dataset/{draft}/")}
    expected = replaced if REPLACE_POINTS.index(point) >= REPLACED_FROM else before
    assert folder == {k: v for k, v in expected.items() if k.startswith(f"dataset/{draft}/")}
    assert {k: v for k, v in after.items() if k.startswith("dataset/") and not k.startswith(f"dataset/{draft}/")} == \
        {k: v for k, v in before.items() if k.startswith("dataset/") and not k.startswith(f"dataset/{draft}/")}
    assert validate_release(draft, root, use_frictionless=False) == []
    # the next build recovers to the same bytes as an uninterrupted replace, without debris
    again = build(root)
    assert again.returncode == 0, again.stderr
    assert snapshot(root) == replaced
    assert leftovers(root) == []


@pytest.mark.parametrize("point", ["set aside", "replaced"])
def test_a_replace_without_atomic_exchange_is_recovered(point, draft_base, replaced, tmp_path, monkeypatch):
    """Where the system cannot swap two folders at once, the old draft is set aside for the two renames; a build
    that dies in between (simulated in-process: no cleanup of the set-aside folder) is put right by the next one."""
    root = tmp_path / "project"
    shutil.copytree(draft_base, root)
    draft = cc.versions(root)[-1]

    class Killed(BaseException):
        pass

    def die(name):
        if name == point:
            raise Killed

    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    monkeypatch.setattr(publish, "kill_point", die)
    with pytest.raises(Killed):
        pipeline.main(["--root", str(root), "-q"])
    assert (root / ".build-tmp" / f"replaced-{draft}").is_dir()
    assert (root / "dataset" / draft).is_dir() == (point == "replaced")
    monkeypatch.undo()
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    assert pipeline.main(["--root", str(root), "-q"]) == 0
    assert snapshot(root) == replaced
    assert leftovers(root) == []


# ---------------------------------------------------------------- operating-system faults ----
# In-process: the fault is injected where the operating system would raise it. Each gives one line
# `error: ...` and exit 2, leaves the published releases and datapackage.json as they were, and
# leaves nothing that stops the next build.
def leftovers(root: Path) -> list[Path]:
    """What a build left in its scratch folder besides the per-article entries it keeps on purpose (publish.KEPT)."""
    return [p for p in (root / publish.WORK).iterdir() if p.name not in publish.KEEP]


def fault_build(root: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = pipeline.main(["--root", str(root), "-q"])
    return code, capsys.readouterr().err


def assert_one_line_error(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


def assert_intact(root: Path, before: dict) -> None:
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k.startswith("dataset/")} == {k: v for k, v in before.items() if k.startswith("dataset/")}
    assert after["datapackage.json"] == before["datapackage.json"]
    assert [p for p in (root / "dataset").iterdir() if p.name.startswith(".")] == []
    assert not list(root.rglob(".*.tmp-*")), "temporary files were left behind"


def fresh(source: Path, tmp_path: Path) -> tuple[Path, dict]:
    root = tmp_path / "project"
    shutil.copytree(source, root)
    return root, snapshot(root)


def raising(code: int, when=lambda *args: True, real=None):
    def fake(*args, **kw):
        if when(*args):
            raise OSError(code, os.strerror(code), str(args[-1]) if args else None)
        return real(*args, **kw)
    return fake


def test_disk_full_while_staging(base, tmp_path, capsys, monkeypatch):
    root, before = fresh(base, tmp_path)
    monkeypatch.setattr(publish, "write_table", raising(errno.ENOSPC))
    code, err = fault_build(root, capsys)
    assert_one_line_error(code, err, "No space left on device", "ENOSPC")
    assert_intact(root, before)
    assert leftovers(root) == []
    monkeypatch.undo()
    assert fault_build(root, capsys)[0] == 0


def test_disk_full_while_writing_datapackage_json(base, tmp_path, capsys, monkeypatch):
    root, before = fresh(base, tmp_path)
    real = Path.write_bytes

    def half_then_full(self, data):
        if self.name.startswith(".datapackage.json.tmp-"):
            real(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    code, err = fault_build(root, capsys)
    assert_one_line_error(code, err, "No space left on device")
    assert (root / "datapackage.json").read_bytes() == before["datapackage.json"]
    assert not list(root.glob(".datapackage.json.tmp-*"))
    assert validate_release(NEW, root, use_frictionless=False) == []  # moved in whole before the fault
    monkeypatch.undo()
    assert fault_build(root, capsys)[0] == 0
    assert (root / "datapackage.json").read_bytes() == publish.json_text(publish.root_descriptor(root / "dataset" / NEW, NEW)).encode()


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.EXDEV])
def test_moving_a_new_release_in_fails(code, base, tmp_path, capsys, monkeypatch):
    """A read-only dataset/ (root ignores chmod, so the refusal is injected), no permission, another device."""
    root, before = fresh(base, tmp_path)
    monkeypatch.setattr(os, "rename", raising(code, lambda a, b: Path(b).name == NEW, os.rename))
    result, err = fault_build(root, capsys)
    assert_one_line_error(result, err, os.strerror(code), errno.errorcode[code], f"dataset/{NEW}")
    assert_intact(root, before)
    assert not (root / "dataset" / NEW).exists()
    assert leftovers(root) == []


@pytest.mark.parametrize("atomic", [True, False])
def test_replacing_a_draft_across_devices_keeps_the_old_draft(atomic, draft_base, tmp_path, capsys, monkeypatch):
    root, before = fresh(draft_base, tmp_path)
    draft = cc.versions(root)[-1]
    if atomic:
        monkeypatch.setattr(publish, "exchange", raising(errno.EXDEV))
    else:
        monkeypatch.setattr(publish, "exchange", lambda a, b: False)
        monkeypatch.setattr(os, "rename", raising(errno.EXDEV, lambda a, b: Path(b).name == draft and "replaced-" not in Path(a).name, os.rename))
    code, err = fault_build(root, capsys)
    assert_one_line_error(code, err, "Invalid cross-device link")
    assert_intact(root, before)
    assert leftovers(root) == []


def test_a_lock_file_that_is_a_folder(base, tmp_path, capsys):
    root, before = fresh(base, tmp_path)
    (root / ".build.lock").mkdir()
    code, err = fault_build(root, capsys)
    assert_one_line_error(code, err, ".build.lock: expected the build's lock file, found a folder; remove it and build again")
    assert_intact(root, before)


def test_leftover_temporary_paths_of_the_wrong_kind(base, tmp_path, capsys):
    """.build-tmp a file, a temporary datapackage.json that is a folder, a set-aside draft that is a file:
    the build's own leftovers, whatever their kind, are removed and the build goes on."""
    root, _ = fresh(base, tmp_path)
    (root / ".build-tmp").write_text("not a folder")
    (root / f".datapackage.json.tmp-{os.getpid() + 1}").mkdir()
    (root / f".CHANGELOG.md.tmp-{os.getpid() + 1}").symlink_to(root / "seeds")
    code, err = fault_build(root, capsys)
    assert code == 0, err
    assert not list(root.glob(".*.tmp-*"))
    (root / ".build-tmp" / "replaced-1.0.0").write_text("not a release")
    (root / ".build-tmp" / "123-stale").mkdir()
    assert pipeline.main(["--root", str(root), "-q", "--force"]) == 0
    assert leftovers(root) == []
    assert validate_release("1.0.0", root, use_frictionless=False) == []
