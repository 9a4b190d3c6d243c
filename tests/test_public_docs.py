"""The documents a user reads name nothing of the machinery that made them: no path on the maintainers'
machines, no sibling checkout, no internal issue number or working-copy name. Checked on the committed
files, generated ones included (their fix belongs in the template or generator that writes them)."""
from __future__ import annotations

import re

import pytest

from cartel_campaign import versions
from conftest import ROOT

#: What a public document must not contain (case-insensitive), with why.
INTERNAL = {
    r"/work/|/tmp/|/home/\w": "a path on the maintainers' machine",
    r"\.\./shared|\bshared/seeds": "a folder outside the repository",
    r"\bwt-[a-z0-9]+\b|\bworktrees?\b": "a working-copy name",
    r"\bhelpers?\b|\bsessions?\b": "the maintainers' tooling",
    r"\bissues? #?\d+": "an internal issue number (it means nothing to a user)",
}
PATTERN = re.compile("|".join(f"(?:{p})" for p in INTERNAL), re.I)


def public_documents() -> list[str]:
    """README, card and its source, codebook, rules, changelog, citation, annotation guide, reviews, the newest
    descriptors (published ones are frozen) and the R package's documentation."""
    names = ["README.md", "DATASET_CARD.md", "docs/card.md", "docs/CODEBOOK.md", "docs/RULES.md", "CHANGELOG.md", "CITATION.cff",
             "seeds/GUIDE.md", "datapackage.json", f"dataset/{versions(ROOT)[-1]}/datapackage.json", "r/DESCRIPTION"]
    names += [p.relative_to(ROOT).as_posix() for pattern in ("docs/unreleased.md", "docs/reviews/*.md", "r/man/*.Rd", "r/README*")
              for p in sorted(ROOT.glob(pattern))]
    return names


def internal_references(text: str) -> list[str]:
    return [m.group(0) for m in PATTERN.finditer(text)]


@pytest.mark.parametrize("name", public_documents())
def test_a_public_document_names_no_internal_path(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    found = [(text[:m.start()].count("\n") + 1, m.group(0)) for m in PATTERN.finditer(text)]
    assert found == [], f"{name}: internal references (line, text): {found}"


@pytest.mark.parametrize("text", ["copied from /work/main/seeds", "see ../shared/seeds/", "a copy of `shared/seeds/`", "in wt-hC",
                                  "the card helper", "this session", "fixed (issue 25)", "Issue #7", "/tmp/x.csv"])
def test_the_check_finds_each_kind_of_internal_reference(text):
    assert internal_references(text)


@pytest.mark.parametrize("text", ["seeds/GUIDE.md", "dataset/1.2.0/events.parquet", "the R package", "an issue tracker", "shared by all articles",
                                  "in the issue tracker of the repository"])
def test_ordinary_words_are_not_internal_references(text):
    assert internal_references(text) == []
