"""The build's own files (issue 22, items 12 and 13): .build.lock and .build-cache.json.tmp are never
opened or written through a symbolic link the build did not make (the build refuses with one line and
the file the link points to is untouched), and an input saved while a build runs is not recorded as built."""
from __future__ import annotations

from cartel_campaign.build import cache, pipeline, stage
from conftest import copy_project, newest_version


def _build(root, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = pipeline.main(["--root", str(root), "-q"])
    return code, capsys.readouterr().err


def test_links_where_the_build_keeps_its_files_are_refused(tmp_path, capsys):
    root = copy_project(tmp_path / "repo")
    victim, missing = tmp_path / "victim.txt", tmp_path / "created-through-the-link"
    victim.write_text("someone's file\n", encoding="utf-8")
    (root / ".build.lock").symlink_to(missing)
    code, err = _build(root, capsys)
    assert code == 2 and err.count("\n") == 1 and ".build.lock: is a symbolic link" in err, err
    assert not missing.exists() and not missing.is_symlink()
    (root / ".build.lock").unlink()
    (root / cache.TEMPORARY).symlink_to(victim)
    code, err = _build(root, capsys)
    assert code == 2 and err.count("\n") == 1 and ".build-cache.json.tmp: is a symbolic link" in err, err
    assert victim.read_text(encoding="utf-8") == "someone's file\n"
    assert not (root / cache.CACHE).exists()


def test_a_link_planted_during_the_build_is_not_written_through(tmp_path, monkeypatch, capsys):
    root = copy_project(tmp_path / "repo")
    victim = tmp_path / "victim.txt"
    victim.write_text("someone's file\n", encoding="utf-8")
    real = stage.stage_release

    def planting(*args, **kwargs):
        result = real(*args, **kwargs)
        (root / cache.TEMPORARY).symlink_to(victim)
        return result

    monkeypatch.setattr(stage, "stage_release", planting)
    code, err = _build(root, capsys)
    assert code == 2 and ".build-cache.json.tmp: is a symbolic link" in err, err
    assert victim.read_text(encoding="utf-8") == "someone's file\n"


def test_an_input_saved_during_the_build_is_not_recorded_as_built(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "repo")
    version = newest_version(root)
    annotation = next((root / "seeds").glob("004_*.yaml"))
    real = stage.stage_release

    def editing(*args, **kwargs):
        result = real(*args, **kwargs)  # the build has read the seeds; the annotator saves an edit now
        annotation.write_text(annotation.read_text(encoding="utf-8") + "# saved during the build\n", encoding="utf-8")
        return result

    monkeypatch.setattr(stage, "stage_release", editing)
    assert pipeline.publish_newest(root, version, False, pipeline.Stages(quiet=True), force=True) is not None
    monkeypatch.setattr(stage, "stage_release", real)
    assert pipeline.publish_newest(root, version, False, pipeline.Stages(quiet=True), force=False) is not None, \
        "the edit saved during the build was recorded as built: the next build said unchanged"
    assert pipeline.publish_newest(root, version, False, pipeline.Stages(quiet=True), force=False) is None
