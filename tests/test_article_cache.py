"""What each article gave is kept between builds (build/articles.py, issue 26): a build that takes
articles from the kept entries gives the same bytes as a cold one; a changed annotation, article text or
actor registry is derived again, never taken from an entry; the entries are never written through a link."""
from __future__ import annotations

import pytest

from cartel_campaign.build import articles, pipeline, project, stage
from conftest import Tally, copy_project, newest_version, tree_bytes

OLD_NOTE = "summary: American officials describe the Cartel de los Soles as a narcoterrorist organization."
NEW_NOTE = "summary: American officials describe the Cartel de los Soles as a narcoterrorist organization (cache test)."


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """Counts of the articles taken from entries (kept) and derived, by this process and the build's forked ones."""
    seen = Tally(tmp_path / "counted")
    load, read = articles.Store.load, stage.ArticleReader.__call__

    def counting_load(self, key):
        seen.add("kept")
        return load(self, key)

    def counting_read(self, path):
        seen.add("derived")
        return read(self, path)

    monkeypatch.setattr(articles.Store, "load", counting_load)
    monkeypatch.setattr(stage.ArticleReader, "__call__", counting_read)
    return seen


def _stage(root, name, kept=None) -> dict:
    staged, _ = stage.stage_release(root, root / "work" / name, newest_version(root), pipeline.Stages(quiet=True),
                                       with_docs=False, kept=kept)
    return tree_bytes(staged)


def test_kept_articles_give_the_bytes_of_a_cold_build_and_a_change_is_derived_again(tmp_path, counted):
    root = copy_project(tmp_path / "repo")
    kept = root / "kept"
    cold = _stage(root, "cold")
    assert _stage(root, "first", kept) == cold and counted.counts("kept", "derived") == {"kept": 0, "derived": 10}
    assert _stage(root, "warm", kept) == cold and counted.counts("kept", "derived") == {"kept": 5, "derived": 10}
    annotation = next((root / "seeds").glob("004_*.yaml"))
    text = annotation.read_text(encoding="utf-8")
    assert text.count(OLD_NOTE) == 1
    annotation.write_text(text.replace(OLD_NOTE, NEW_NOTE), encoding="utf-8")
    changed = _stage(root, "changed", kept)
    assert counted.counts("kept", "derived") == {"kept": 9, "derived": 11}, "only the changed article is derived again"
    assert changed == _stage(root, "changed-cold") and changed != cold
    assert b"(cache test)" in changed["claims.csv"]
    assert len(list(kept.iterdir())) == 5, "the changed article's old entry is removed"


def test_a_changed_text_or_registry_is_not_taken_from_an_entry(tmp_path):
    root = copy_project(tmp_path / "repo")
    meta, schemas = project.load_schemas(root)
    newest = pipeline.read_releases(root)[-1]
    store = articles.Store(root / "kept", articles.salt(root, schemas, newest))
    path = next((root / "seeds").glob("003_*.yaml"))
    key = store.key(path)
    article = path.with_suffix(".txt")
    article.write_bytes(article.read_bytes() + b" ")
    assert store.key(path) != key
    (root / "seeds" / "actors.yaml").write_text((root / "seeds" / "actors.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert articles.salt(root, schemas, newest) != store.salt
    assert articles.salt(root, schemas, {**newest, "status": "draft"}) != store.salt


def test_entries_are_not_written_through_a_link(tmp_path):
    root = copy_project(tmp_path / "repo")
    victim = tmp_path / "victim"
    victim.write_text("someone's file\n", encoding="utf-8")
    kept = root / "kept"
    kept.mkdir()
    _, schemas = project.load_schemas(root)
    store = articles.Store(kept, articles.salt(root, schemas, pipeline.read_releases(root)[-1]))
    path = next((root / "seeds").glob("003_*.yaml"))
    key = store.key(path)
    (kept / f"{key}.tmp").symlink_to(victim)
    with pytest.raises(pipeline.BuildError, match="is a symbolic link"):
        _stage(root, "one", kept)
    assert victim.read_text(encoding="utf-8") == "someone's file\n"


@pytest.mark.parametrize("planted", ["link", "file"])
def test_a_link_or_a_file_where_the_store_should_be_is_refused(tmp_path, planted):
    """The same policy as the kept docs (ownfiles.own_folder): the build refuses, and neither what the link points
    to nor the file is touched (it used to remove either and make a folder)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kept = tmp_path / "kept"
    if planted == "link":
        kept.symlink_to(elsewhere)
    else:
        kept.write_text("not a folder", encoding="utf-8")
    with pytest.raises(pipeline.BuildError, match="symbolic link" if planted == "link" else "found a file"):
        articles.Store(kept, b"salt")
    assert kept.is_symlink() if planted == "link" else kept.read_text(encoding="utf-8") == "not a folder"
    assert not list(elsewhere.iterdir())


def test_entries_kept_from_the_workers_bytes_are_taken_as_they_are(tmp_path, monkeypatch, counted):
    """Read in worker processes, each article is kept as the bytes its worker pickled it to (not pickled again here):
    a build that takes them gives the cold build's bytes, and derives nothing again."""
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    root = copy_project(tmp_path / "repo")
    kept = root / "kept"
    cold = _stage(root, "cold")
    assert _stage(root, "first", kept) == cold and len(list(kept.iterdir())) == 5
    before = counted.counts("kept", "derived")
    assert _stage(root, "warm", kept) == cold
    assert counted.counts("kept", "derived") == {"kept": before["kept"] + 5, "derived": before["derived"]}, "every article is taken from its entry"
