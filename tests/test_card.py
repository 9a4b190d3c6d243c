"""The dataset card in docs/CODEBOOK.md (build/card.py from docs/card.md): its sections, the sources
table (outlet and byline only as the text states them), coverage per article and release, no placeholders."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from cartel_campaign import coverage, load, versions
from cartel_campaign.build import card
from cartel_campaign.build.errors import BuildError
from conftest import ROOT

SECTIONS = ["Motivation", "Sources", "Annotation process", "Known limitations and biases",
            "Personal and sensitive information", "Licence", "How to cite a version"]


def card_text() -> str:
    text = (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8")
    assert text.count("\n## Dataset card\n") == 1
    return text.split("\n## Dataset card\n", 1)[1]


def test_the_codebook_has_every_section_of_the_card_and_no_insert_left():
    text = card_text()
    assert re.findall(r"^### (.+)$", text, re.M) == SECTIONS
    assert "<!--" not in text


def test_no_placeholder_url_or_address_in_the_card_or_its_source():
    for text in (card_text(), (ROOT / "docs" / "card.md").read_text(encoding="utf-8")):
        for placeholder in ("example.invalid", "example.com", "example.org", "TODO", "TBD", "FIXME", "lorem"):
            assert placeholder not in text


def test_sources_show_outlet_and_byline_only_where_stated():
    day = pd.Timestamp("2025-01-01")
    articles = pd.DataFrame([
        dict(article_id="000_a", title=None, outlet=None, byline=None, published_earliest=day, published_latest=day, annotation_status="complete"),
        dict(article_id="001_b", title="Head", outlet="Daily Bugle", byline="By J. Jonah", published_earliest=day, published_latest=day,
             annotation_status="draft"),
    ])
    lines = card.sources(articles).splitlines()
    assert lines[2] == "| `000_a` | none in the text | unknown (not stated in the text) | unknown (none in the text) | 2025-01-01 – 2025-01-01 | complete |"
    assert lines[3] == "| `001_b` | Head | Daily Bugle | By J. Jonah | 2025-01-01 – 2025-01-01 | draft |"


def test_the_published_sources_say_unknown_for_every_article_of_the_newest_release():
    articles = load("articles", version=versions(ROOT, drafts=True)[-1])
    assert articles.outlet.isna().all() and articles.byline.isna().all()  # none of the five texts states them
    rows = [line for line in card_text().splitlines() if line.startswith("| `") and "unknown (not stated in the text)" in line]
    assert len(rows) == len(articles)


def test_coverage_table_agrees_with_cartel_campaign_coverage():
    text = card_text()
    header = next(line for line in text.splitlines() if line.startswith("| article | 0.1.0"))
    columns = [c.strip().split(" ")[0] for c in header.strip("|").split("|")[1:]]
    assert columns == versions(ROOT, drafts=True)
    table = {line.split("|")[1].strip().strip("`"): [c.strip() for c in line.strip("|").split("|")[1:]]
             for line in text.splitlines() if re.match(r"\| `\d{3}_", line) and "/" in line}
    for i, version in enumerate(columns):
        for row in coverage.release_coverage(version).itertuples():
            assert table[row.article_id][i] == f"{row.n_covered}/{row.n_sentences} ({row.share:.0%})", (version, row.article_id)


def test_unknown_insert_is_an_error_with_its_line(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "card.md").write_text("## Dataset card\n\ntext\n<!-- insert: nonsense -->\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"docs/card.md:4: unknown insert 'nonsense'"):
        card.section(tmp_path, tmp_path, {}, {}, [], None)
    (tmp_path / "docs" / "card.md").unlink()
    with pytest.raises(BuildError, match="docs/card.md: missing"):
        card.section(tmp_path, tmp_path, {}, {}, [], None)


def test_the_splitter_is_sentencex_and_its_counts_are_the_cards():
    """The coverage figures' sentences come from sentencex (issue 26): the five articles split 13/18/30/13/25
    (pysbd: 12/18/31/13/25), and the card's table shows those counts."""
    from cartel_campaign.sentences import sentence_spans

    texts = sorted((ROOT / "seeds").glob("*.txt"))
    assert [len(sentence_spans(t.read_text(encoding="utf-8"))) for t in texts] == [13, 18, 30, 13, 25]
    text = card_text()
    for path, n in zip(texts, [13, 18, 30, 13, 25]):
        assert re.search(rf"^\| `{path.stem}` \|.*/{n} \(", text, re.M)


def test_documentation_only_changes_head_the_changelog(tmp_path):
    """docs/unreleased.md (without its comment) is the CHANGELOG's first section; no file, no section."""
    from cartel_campaign.build import docs

    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    first = changelog.split("\n## ", 2)[1]
    assert first.startswith("Since the newest release (documentation only)") and "sentencex" in first and "<!--" not in first
    assert docs.unreleased(tmp_path) == []
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "unreleased.md").write_text("<!-- note -->\n\n", encoding="utf-8")
    assert docs.unreleased(tmp_path) == []
