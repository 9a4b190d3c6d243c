"""Generated docs kept between builds (build/keptdocs.py, issue 26): the timeline is drawn again only when
what it draws changed; a kept figure is the bytes of a fresh drawing; entries a build did not use go."""
from __future__ import annotations

import pytest

from cartel_campaign.build import docs, keptdocs
from cartel_campaign.release import read_parquet, to_pandas
from conftest import ROOT

RELEASE = ROOT / "dataset" / "1.1.0"


@pytest.fixture
def frames():
    return {name: to_pandas(read_parquet(RELEASE / f"{name}.parquet")) for name in ("events", "articles", "designations")}


@pytest.fixture
def drawn(monkeypatch):
    """The number of timelines drawn."""
    seen = [0]
    draw = docs.draw_timeline

    def counting(*args):
        seen[0] += 1
        return draw(*args)

    monkeypatch.setattr(docs, "draw_timeline", counting)
    return seen


def test_the_timeline_is_kept_while_what_it_draws_is_unchanged(tmp_path, frames, drawn):
    store = keptdocs.DocsStore(tmp_path / "kept")
    fresh = docs.timeline(frames, "1.1.0")
    assert docs.timeline(frames, "1.1.0", store) == fresh and drawn[0] == 2
    again = keptdocs.DocsStore(tmp_path / "kept")  # the next build
    assert docs.timeline(frames, "1.1.0", again) == fresh and drawn[0] == 2, "drawn again for the same data"
    summaries = dict(frames, events=frames["events"].assign(summary="changed"))  # not drawn: still kept
    assert docs.timeline(summaries, "1.1.0", again) == fresh and drawn[0] == 2
    dated = frames["events"].copy()
    dated.loc[dated["date_start"].notna().idxmax(), "date_start"] = dated["date_start"].min() - (dated["date_start"].max() - dated["date_start"].min())
    changed = dict(frames, events=dated)
    new = docs.timeline(changed, "1.1.0", again)
    assert drawn[0] == 3 and new != fresh and new == docs.timeline(changed, "1.1.0")
    assert docs.timeline(frames, "1.2.0", again) != fresh, "the version is drawn in the title"
    again.prune()
    assert sorted(p.name for p in (tmp_path / "kept").iterdir()) == sorted(again.used) and len(again.used) == 3


def test_a_link_where_an_entry_is_written_is_refused(tmp_path, frames):
    from cartel_campaign.build.errors import BuildError

    store = keptdocs.DocsStore(tmp_path / "kept")
    key = store.key("timeline.png", docs.timeline_data(frames).inputs("1.1.0"))
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    (tmp_path / "kept" / f"{key}.tmp").symlink_to(victim)
    with pytest.raises(BuildError, match="symbolic link"):
        docs.timeline(frames, "1.1.0", store)
    assert victim.read_bytes() == b"keep me"


def test_a_link_or_a_file_where_the_folder_should_be_is_refused(tmp_path, frames):
    """One policy for the build's kept docs (timeline, explorer sections): nothing is written through a link."""
    from cartel_campaign.build.errors import BuildError

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "kept").symlink_to(elsewhere)
    with pytest.raises(BuildError, match="symbolic link"):
        keptdocs.DocsStore(tmp_path / "kept")
    assert (tmp_path / "kept").is_symlink() and not list(elsewhere.iterdir())
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(BuildError, match="a file"):
        keptdocs.DocsStore(tmp_path / "file")
    assert (tmp_path / "file").read_text(encoding="utf-8") == "not a folder"
