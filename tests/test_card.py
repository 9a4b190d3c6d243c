"""The dataset card, DATASET_CARD.md (build/card.py from docs/card.md): a Hugging Face metadata header computed
from the newest release, the Datasheets sections, the sources table (outlet and byline only as the text states
them), an example record taken from the data, coverage per article and release, no placeholder, no typed number."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml

from cartel_campaign import coverage, load, versions
from cartel_campaign.build import card
from cartel_campaign.build.errors import BuildError
from conftest import ROOT

SECTIONS = ["Dataset summary", "Uses", "Intended uses", "Out-of-scope uses", "Dataset structure", "Example record", "Dataset creation",
            "Source data: how the articles were chosen and what is known of them", "Annotations: who annotated and with what checks",
            "Personal and sensitive information", "Known limitations and biases", "Licence and rights",
            "Maintenance, versions and reporting an error", "Citation"]
#: The Hub's documented card metadata keys and the allowed values of the closed ones.
HUB_KEYS = {"pretty_name", "license", "language", "language_creators", "annotations_creators", "multilinguality", "source_datasets",
            "task_categories", "task_ids", "size_categories", "tags", "configs"}
HUB_VALUES = {
    "annotations_creators": {"found", "crowdsourced", "expert-generated", "machine-generated", "no-annotation", "other"},
    "language_creators": {"found", "crowdsourced", "expert-generated", "machine-generated", "other"},
    "multilinguality": {"monolingual", "multilingual", "translation", "other"},
    "source_datasets": {"original", "extended"},
    "size_categories": {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "other"},
}


def card_file() -> str:
    return (ROOT / card.CARD).read_text(encoding="utf-8")


def metadata() -> dict:
    m = re.match(r"\A---\n(.*?)\n---\n", card_file(), re.S)
    assert m, "DATASET_CARD.md does not start with a YAML metadata block"
    return yaml.safe_load(m.group(1))


def card_text() -> str:
    return re.sub(r"\A---\n.*?\n---\n", "", card_file(), count=1, flags=re.S)


def test_the_card_has_every_section_and_no_insert_left():
    text = card_text()
    assert re.findall(r"^#{2,3} (.+)$", text, re.M) == SECTIONS
    assert "<!--" not in text and "{articles}" not in text


def test_the_codebook_points_to_the_card_instead_of_repeating_it():
    book = (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8")
    assert book.rstrip().endswith(f"`{card.CARD}` (shipped with the Python package beside this codebook).")
    assert "### Known limitations" not in book


def test_the_metadata_header_uses_the_hubs_keys_and_values():
    meta = metadata()
    assert set(meta) <= HUB_KEYS and {"pretty_name", "license", "language", "size_categories", "configs", "tags"} <= set(meta)
    for key, allowed in HUB_VALUES.items():
        assert set(meta[key]) <= allowed, key
    assert meta["license"] == ["cc-by-4.0"] and meta["language"] == ["en"]
    assert meta["pretty_name"] == json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["title"]


def test_the_configs_are_the_newest_releases_tables_one_parquet_file_each():
    newest = versions(ROOT)[-1]
    descriptor = json.loads((ROOT / "dataset" / newest / "datapackage.json").read_text(encoding="utf-8"))
    configs = metadata()["configs"]
    assert [c["config_name"] for c in configs] == [r["name"] for r in descriptor["resources"]]
    for c in configs:
        (entry,) = c["data_files"]
        assert entry == {"split": "train", "path": f"dataset/{newest}/{c['config_name']}.parquet"}
        assert (ROOT / entry["path"]).is_file()


def test_size_category_and_counts_come_from_the_data():
    newest = versions(ROOT)[-1]
    rows = {t: len(load(t, version=newest)) for t in metadata()["configs"] and [c["config_name"] for c in metadata()["configs"]]}
    expected = next(name for bound, name in card.SIZES if max(rows.values()) < bound)
    assert metadata()["size_categories"] == [expected]
    text = card_text()
    for table, n in rows.items():
        assert f"| `{table}` | {n:,} |" in text
    assert f"Release **{newest}**" in text


def test_the_source_text_types_no_number_and_no_version():
    """Every count, version and table list in the card is computed: docs/card.md holds no digit but years and SHA-256."""
    text = (ROOT / card.SOURCE).read_text(encoding="utf-8").replace("SHA-256", "")
    assert re.findall(r"\d+", re.sub(r"\b20\d\d\b", "", text)) == []


def test_the_example_record_is_a_row_of_the_newest_claims_wide_and_its_evidence_is_its_articles_text():
    newest = versions(ROOT)[-1]
    text = card_text()
    shown = json.loads(re.search(r"### Example record.*?```json\n(.*?)```", text, re.S).group(1))
    row = load("claims_wide", version=newest).set_index("claim_id").loc[shown["claim_id"]]
    for column, value in shown.items():
        if column != "claim_id":
            actual = row[column]
            assert (actual.date().isoformat() if hasattr(actual, "date") else actual) == value, column
    assert shown["claimant_basis"] == "named" and shown["target_actor_id"] and shown["quote_ids"]
    article = (ROOT / "seeds" / f"{shown['article_id']}.txt").read_text(encoding="utf-8")
    spans = re.findall(r"^\| (\d+) \| (\d+) \| \w+ \| (.+) \|$", text.split("### Example record", 1)[1].split("## Dataset creation")[0], re.M)
    evidence = load("evidence", version=newest)
    assert len(spans) == ((evidence.record_table == "claims") & (evidence.record_id == shown["claim_id"])).sum() > 0
    for start, end, passage in spans:
        assert article[int(start):int(end)] == passage


def test_an_evidence_span_that_is_not_its_text_stops_the_card(tmp_path):
    frames = {"claims_wide": load("claims_wide"), "evidence": load("evidence").assign(text="not the article")}
    with pytest.raises(BuildError, match="is not its text"):
        card.example(ROOT, frames)


def test_maintenance_names_the_homepage_only_when_the_project_records_one():
    releases = [{"version": "1.0.0", "date": pd.Timestamp("2026-01-01").date(), "status": "published"},
                {"version": "1.1.0", "date": pd.Timestamp("2026-02-01").date(), "status": "draft"}]
    meta = {"contributors": [{"title": "m"}]}
    without = card.maintenance(meta, releases, {})
    assert "records no web address" in without and "http" not in without
    assert "| 1.1.0 | 2026-02-01 | draft, not yet published: it may still change |" in without
    assert "issue tracker of the project's repository, https://host.test/r" in card.maintenance({**meta, "homepage": "https://host.test/r"}, releases, {})
    assert "records no web address" in card_text()  # schemas/package.json has no homepage, pyproject.toml no URL


def test_no_placeholder_url_or_address_in_the_card_or_its_source():
    for text in (card_file(), (ROOT / "docs" / "card.md").read_text(encoding="utf-8")):
        for placeholder in ("example.invalid", "example.com", "example.org", "TODO", "TBD", "FIXME", "lorem"):
            assert placeholder not in text


def test_sources_show_outlet_and_byline_only_where_stated():
    day = pd.Timestamp("2025-01-01")
    articles = pd.DataFrame([
        dict(article_id="000_a", sha256="a" * 64, n_chars=1200, title=None, outlet=None, byline=None, published_earliest=day, published_latest=day,
             annotation_status="complete"),
        dict(article_id="001_b", sha256="b" * 64, n_chars=9, title="Head", outlet="Daily Bugle", byline="By J. Jonah", published_earliest=day,
             published_latest=day, annotation_status="draft"),
    ])
    lines = card.sources(articles).splitlines()
    assert lines[2] == (f"| `000_a` | `{'a' * 64}` | 1,200 | none in the text | unknown (not stated in the text) | unknown (none in the text) "
                        "| 2025-01-01 – 2025-01-01 | complete |")
    assert lines[3] == f"| `001_b` | `{'b' * 64}` | 9 | Head | Daily Bugle | By J. Jonah | 2025-01-01 – 2025-01-01 | draft |"


def test_the_published_sources_say_unknown_for_every_article_of_the_newest_release():
    articles = load("articles", version=versions(ROOT, drafts=True)[-1])
    assert articles.outlet.isna().all() and articles.byline.isna().all()  # none of the five texts states them
    rows = [line for line in card_text().splitlines() if line.startswith("| `") and "unknown (not stated in the text)" in line]
    assert len(rows) == len(articles)
    for a in articles.itertuples():
        assert f"| `{a.article_id}` | `{a.sha256}` | {a.n_chars:,} |" in card_text()
    assert "URL: unknown for every article" in card_text()
    assert f"**Outlet, URL and byline are unknown for every article**: none of the {len(articles)} texts" in card_text()
    assert f"and {articles.title.notna().sum()} of {len(articles)} start with a headline." in card_text()


def test_the_unknowns_follow_the_articles_table():
    articles = pd.DataFrame({"outlet": [None, "Daily Bugle"], "byline": [None, None], "title": ["T", None]})
    assert card.unknowns(articles) == ("**The URL is unknown for every article**; the text states its outlet in 1 of 2 articles and a byline in 0 "
                                       "(as copied from the text, never looked up), no URL was recorded, and 1 of 2 start with a headline.")


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


def test_unknown_insert_or_bad_metadata_is_an_error_with_its_line(tmp_path):
    (tmp_path / "docs").mkdir()
    source = tmp_path / "docs" / "card.md"
    source.write_text("<!-- a\ncomment -->\n---\nlanguage: [en]\n---\n# Card\n\ntext\n<!-- insert: nonsense -->\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"docs/card.md:9: unknown insert 'nonsense'"):
        card.read_source(tmp_path)
    source.write_text("---\nlicense: mit\n---\n# Card\n", encoding="utf-8")
    with pytest.raises(BuildError, match="docs/card.md:1: .*without pretty_name, license"):
        card.read_source(tmp_path)
    source.write_text("<!-- c -->\n# Card without metadata\n", encoding="utf-8")
    with pytest.raises(BuildError, match="docs/card.md:2: expected the card's YAML metadata"):
        card.read_source(tmp_path)
    source.unlink()
    with pytest.raises(BuildError, match="docs/card.md: missing"):
        card.read_source(tmp_path)


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
    """docs/unreleased.md (without its comment) is the CHANGELOG's first section; no file, or only its comment, no section."""
    from cartel_campaign.build import docs

    assert docs.unreleased(tmp_path) == []
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "unreleased.md").write_text("<!-- note -->\n\n", encoding="utf-8")
    assert docs.unreleased(tmp_path) == []
    (tmp_path / "docs" / "unreleased.md").write_text("<!-- note -->\nThe card's figures use sentencex.\n", encoding="utf-8")
    assert docs.unreleased(tmp_path) == ["## Since the newest release (documentation only)", "", "The card's figures use sentencex.", ""]
    # The committed CHANGELOG follows the committed docs/unreleased.md: its first section is that note, or the newest release.
    first = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").split("\n## ", 2)[1]
    pending = docs.unreleased(ROOT)
    assert first.startswith(pending[0][3:] if pending else versions(ROOT)[-1]) and "<!--" not in first


def test_the_tables_show_each_key_and_reference_of_the_newest_descriptor():
    descriptor = json.loads((ROOT / "dataset" / versions(ROOT)[-1] / "datapackage.json").read_text(encoding="utf-8"))
    text = card_text()
    for r in descriptor["resources"]:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{r['name']}` |"))
        assert ", ".join(f"`{c}`" for c in r["schema"]["primaryKey"]) in row
        for fk in r["schema"].get("foreignKeys", []):
            assert f"`{', '.join(fk['fields'])}` → `{fk['reference']['resource'] or r['name']}." in row, (r["name"], fk)


def test_each_kept_review_is_listed_with_what_its_comment_says(tmp_path):
    assert card.reviews(tmp_path) == "  - none kept."
    (tmp_path / "docs" / "reviews").mkdir(parents=True)
    (tmp_path / "docs" / "reviews" / "r.md").write_text("<!-- Read the new records\nonly; errors fixed. -->\n# Report X\n", encoding="utf-8")
    assert card.reviews(tmp_path) == "  - *Report X* (the repository's `docs/reviews/r.md`): Read the new records only; errors fixed."
    for path in sorted((ROOT / "docs" / "reviews").glob("*.md")):
        assert f"`docs/reviews/{path.name}`" in card_text()


def test_the_citation_names_the_newest_published_release_also_in_bibtex():
    newest_published = next(r for r in reversed(yaml.safe_load((ROOT / "seeds" / "releases.yaml").read_text(encoding="utf-8")))
                            if r["status"] == "published")
    text = card_text().split("## Citation", 1)[1]
    assert f"(Version {newest_published['version']})" in text and f"  version = {{{newest_published['version']}}}," in text


def test_a_changed_review_is_a_changed_input_of_the_build(tmp_path):
    """The card lists docs/reviews/: a new or edited review must not leave an unchanged-build record standing."""
    from cartel_campaign.build import cache

    for name in ("seeds/releases.yaml", "docs/card.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    before = cache.inputs_digest(tmp_path)
    (tmp_path / "docs" / "reviews").mkdir()
    (tmp_path / "docs" / "reviews" / "r.md").write_text("# A review\n", encoding="utf-8")
    assert cache.inputs_digest(tmp_path) != before
