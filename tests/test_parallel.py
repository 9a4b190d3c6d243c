"""The build's worker processes change nothing: with every article read and derived in workers
(PARALLEL_FROM lowered to 1) the release and the generated files are byte-identical, and an error is
the one the serial build reports (file, line and message), also an id repeated from another article."""
from __future__ import annotations

import re

import pytest

from cartel_campaign.build import pipeline
from cartel_campaign.build.errors import BuildError
from conftest import copy_project, newest_version


@pytest.fixture
def pools(monkeypatch):
    """Every parallel step on, and a count of the worker pools the build starts."""
    started = []

    class Counted(pipeline.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    return started


def test_a_parallel_build_gives_the_same_bytes(tmp_path, pools):
    root = copy_project(tmp_path / "repo")
    assert pipeline.build(root, check_only=True, quiet=True) == 0  # every generated file equals the committed one
    assert pools, "the articles were not read in worker processes"


def _error(root) -> str:
    with pytest.raises(BuildError) as err:
        pipeline.stage_release(root, root / "work", newest_version(root), pipeline.Stages(quiet=True), with_docs=False)
    return str(err.value)


def _seed(root, number: str):
    return next((root / "seeds").glob(f"{number}_*.yaml"))


def test_an_article_error_is_the_same_in_workers(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "repo")
    path = _seed(root, "003")
    text = path.read_text(encoding="utf-8")
    first = re.search(r"(?m)^(\s+- )(text: )?\"?([A-Z][^\"\n]{20,})", text[text.index("events:"):])
    path.write_text(text.replace(first.group(3), "Words that are not in the article at all, anywhere.", 1), encoding="utf-8")
    serial = _error(root)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    assert _error(root) == serial and serial.startswith(f"seeds/{path.name}:")


def test_an_id_taken_by_another_article_is_refused_when_its_rows_are_taken(tmp_path):
    """Each article's ids are checked against the others' when its rows are taken (ArticleRows.add_to), in
    article order; the message names where the id was first defined (the other file is read again for the line)."""
    root = copy_project(tmp_path / "repo")
    meta, schemas = pipeline.load_schemas(root)
    checker = pipeline.annotations.Checker(schemas)
    inp = pipeline.Inputs(root, meta, schemas, pipeline.read_releases(root), checker)
    sink = pipeline.Sink(schemas, meta["tables"])
    actors_doc, actors = pipeline.annotations.load_actors(root / "seeds" / "actors.yaml", "seeds/actors.yaml", checker)
    reader = pipeline.ArticleReader(inp, pipeline.derive.actor_rows(actors_doc, actors, sink))
    theirs, mine = reader(_seed(root, "003")), reader(_seed(root, "004"))
    table, rid, path = theirs.ids[0]
    mine.ids.insert(0, (table, rid, mine.ids[0][2]))  # as if 004's first record had 003's first id
    ids, summary = pipeline.derive.Ids(), pipeline.rules.SummaryCounter()
    first = pipeline.TableBuilder("evidence", schemas["evidence"])
    theirs.add_to(sink, summary, ids, first)
    with pytest.raises(BuildError) as err:
        mine.add_to(sink, summary, ids, first)
    line = theirs.ann.doc.line(*path)
    assert str(err.value) == (f"seeds/{_seed(root, '004').name}:{mine.ann.doc.line(*mine.ids[0][2])}: duplicate {table} id {rid!r} "
                              f"(already defined at seeds/{_seed(root, '003').name}:{line})")
