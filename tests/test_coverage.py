"""cartel_campaign.coverage: sentence coverage by evidence spans, on a tiny text and on the release."""
from __future__ import annotations

from cartel_campaign import coverage as cov

TEXT = "Ships sailed at dawn. The mayor said “we are ready” to reporters.\nNobody else spoke. A “quiet” night followed."
#       0                     22                                         66                 85


def test_share_and_uncovered_sentences():
    result = cov.coverage(TEXT, [(0, 5)])  # "Ships"
    assert (result["n_sentences"], result["n_covered"]) == (4, 1)
    assert result["share"] == 0.25
    assert [(u["start"], u["end"], u["text"]) for u in result["uncovered"]] == [
        (22, 65, "The mayor said “we are ready” to reporters."),
        (66, 84, "Nobody else spoke."),
        (85, 110, "A “quiet” night followed."),
    ]
    for u in result["uncovered"]:
        assert TEXT[u["start"]:u["end"]] == u["text"]


def test_any_overlap_covers_a_sentence_but_touching_does_not():
    assert cov.coverage(TEXT, [(20, 23)])["n_covered"] == 2  # the period of the first, the "T" of the second
    assert cov.coverage(TEXT, [(21, 22)])["n_covered"] == 0  # the space between them
    assert cov.coverage(TEXT, [(22, 22)])["n_covered"] == 0  # an empty span covers nothing
    assert cov.coverage(TEXT, [(65, 66)])["n_covered"] == 0  # the line break between two sentences


def test_quotation_marks_not_covered():
    result = cov.coverage(TEXT, [(38, 50)])  # the quote span "we are ready"
    assert [(u["start"], u["end"], u["text"]) for u in result["uncovered_marks"]] == [(88, 93, "quiet")]
    assert result["n_covered"] == 1
    assert cov.coverage(TEXT, [(38, 50)], excluded=[(88, 93)])["uncovered_marks"] == []


def test_empty_text_has_no_share():
    assert cov.coverage("", []) == dict(n_sentences=0, n_covered=0, share=None, uncovered=[], uncovered_marks=[])


def test_release_coverage_has_one_row_per_article():
    import cartel_campaign as cc

    table = cov.release_coverage("1.0.0")
    assert list(table.article_id) == list(cc.load("articles", "1.0.0").article_id)
    assert (table.n_covered + table.uncovered.map(len) == table.n_sentences).all()
    assert table.share.between(0, 1).all()
    assert table.uncovered_marks.map(len).sum() == 0  # complete articles: every pair of marks is a quote or an exclusion
    with_mentions = cov.release_coverage("1.0.0", first_mentions=True)
    assert (with_mentions.n_covered >= table.n_covered).all()


def test_main_prints_one_article_and_rejects_unknown_ones(capsys):
    assert cov.main(["004", "--version", "1.0.0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("004_a369d1b0aa72c426: ") and "sentences carry evidence" in out
    assert "001_" not in out
    assert cov.main(["999", "--version", "1.0.0"]) == 2
    assert "unknown article '999'" in capsys.readouterr().err
    assert cov.main(["--version", "9.9.9"]) == 2
    assert "unknown dataset version" in capsys.readouterr().err


def test_annotation_file_before_the_build(tmp_path):
    (tmp_path / "005_0123456789abcdef.txt").write_text(TEXT, encoding="utf-8")
    ann = tmp_path / "005_0123456789abcdef.yaml"
    ann.write_text("article: 005_0123456789abcdef.txt\n"
                   "quotes:\n  - {id: 005-q, text: we are ready, evidence: [The mayor said]}\n"
                   "exclusions:\n  - {text: quiet, reason: a term}\n", encoding="utf-8")
    result = cov.annotation_coverage(ann)
    assert (result["article_id"], result["n_covered"], result["uncovered_marks"]) == ("005_0123456789abcdef", 1, [])
    ann.write_text("article: 005_0123456789abcdef.txt\nquotes:\n  - {id: 005-q, text: we are not ready}\n", encoding="utf-8")
    assert cov.main(["--annotation", str(ann)]) == 2


def test_annotation_files_agree_with_the_release():
    from conftest import ROOT, newest_built

    release = cov.release_coverage(newest_built()).set_index("article_id")  # the newest release, built from these seeds (build --check)
    for article_id in release.index:
        result = cov.annotation_coverage(ROOT / "seeds" / f"{article_id}.yaml")
        assert (result["n_covered"], result["uncovered"]) == (release.n_covered[article_id], release.uncovered[article_id]), article_id
