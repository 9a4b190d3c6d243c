"""build/yamlio.py: a parsed annotation travels (from a worker, into the kept articles) as its text alone."""
from __future__ import annotations

import pickle

import pytest
import yaml

from conftest import ROOT

from cartel_campaign.build import yamlio


def _seed_annotation():
    return next(p for p in sorted((ROOT / "seeds").glob("0*.yaml")))


def test_a_doc_is_pickled_without_its_parsed_data_and_parses_it_again_on_demand(monkeypatch):
    path = _seed_annotation()
    doc = yamlio.load(path, f"seeds/{path.name}")
    data = pickle.loads(pickle.dumps(doc.data))
    size = len(pickle.dumps(doc, protocol=5))
    assert size < len(path.read_bytes()) + 500, "the parsed data is not pickled beside the text"
    parsed = []
    real = yamlio.plain_data
    monkeypatch.setattr(yamlio, "plain_data", lambda text: parsed.append(1) or real(text))
    restored = pickle.loads(pickle.dumps(doc, protocol=5))
    assert parsed == [] and (restored.file, restored.source) == (doc.file, doc.source)
    assert restored.line("quotes", 0, "text") == doc.line("quotes", 0, "text")
    assert restored.data == data and parsed == [1]
    assert restored.data == data and parsed == [1], "parsed once"


def test_a_columns_pattern_is_compiled_once_for_all_its_values(monkeypatch):
    """Checker.value checks every id against its column's pattern: the pattern is compiled once, not looked up per value."""
    from cartel_campaign.build import annotations, project

    compiled = []
    real = annotations.re.compile
    monkeypatch.setattr(annotations.re, "compile", lambda *a, **k: compiled.append(a[0]) or real(*a, **k))
    annotations._matcher.cache_clear()
    _, schemas = project.load_schemas(ROOT)
    checker = annotations.Checker(schemas)
    path = _seed_annotation()
    ann = annotations.load_annotation(path, f"seeds/{path.name}", ROOT / "seeds", checker)
    rows = [row for _, row, _ in annotations.check_items(checker, ann, "quotes", annotations.shapes.QUOTE)]
    assert len(rows) > 1
    assert len(compiled) == len(set(compiled)) and compiled, "each pattern compiled once"


PLAIN = ["a: 2025-01-01\nb: yes\nc: ~\nd: 1.5\ne: 0x1f\nf: '1'\ng: .inf\n", "{1: a, false: b, null: c}\n", "a:\n- b\n- c: d\n  e: [f, {g: h}]\n",
         "a: " + "[" * 9 + "]" * 9 + "\n", "---\na: 1\n...\n", "a: |\n  line\n  two\n", "a: >-\n  fold\n  ed\n", "a: ''\nb: \"\"\n", "- ~\n-\n",
         "a:\n", "''\n", "plain text\n", "a: 'it''s'\nb: \"x\\ty\"\n", "# only a comment\n"]
NOT_PLAIN = ["--- a\n--- b\n", "a: 1\na: 2\n", "a: &x 1\nb: *x\n", "<<: {a: 1}\n", "a: !!str 1\n", "? [a]\n: 1\n", "a: [" * 12 + "]" * 12 + "\n",
             "- a\n- \x01\n", "x: " + "y" * 5001 + "\n", "1: 2\n1.0: 3\n", "a: b: c\n", "a: !\n", "a: [1\n"]


@pytest.mark.parametrize("text", PLAIN + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.yaml"))])
def test_plain_data_is_what_the_loader_builds(text):
    assert yamlio.plain_data(text) == yaml.load(text, Loader=yamlio._Loader)  # noqa: S506 - a SafeLoader subclass


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_plain_data_leaves_the_rest_to_the_careful_way(text):
    assert yamlio.plain_data(text) is yamlio._NOT_PLAIN
