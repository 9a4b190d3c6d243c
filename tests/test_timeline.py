"""The timeline figure (build/docs.py): each dated fact once, size independent of the number of articles."""
import struct

import pandas as pd

from cartel_campaign.build import docs

T = pd.Timestamp


def _frames(n_articles: int) -> dict:
    events = pd.DataFrame({
        "event_id": ["a-strike", "b-strike-again", "b-takes-effect", "c-policy"],
        "article_id": ["a", "b", "b", "c"],
        "event_type": ["strike", "strike", "designation", "policy"],
        "date_start": [T("2025-09-02"), T("2025-09-02"), T("2025-11-24"), pd.NaT],
        "date_end": [pd.NaT, pd.NaT, T("2025-11-24"), pd.NaT],
        "date_inferred": [False, False, True, False],
        "same_event_as": [None, "a-strike", None, None],
    })
    designations = pd.DataFrame({
        "article_id": ["b", "c"], "event_id": ["b-announced", None],
        "announced_date": [pd.NaT, pd.NaT], "effective_date": [T("2025-11-24"), T("2025-03-01")],
        "date_inferred": [True, False],
    })
    articles = pd.DataFrame({
        "article_id": [f"{i:03d}_x" for i in range(n_articles)],
        "published_earliest": [T("2025-01-01") + pd.Timedelta(days=i % 300) for i in range(n_articles)],
        "published_latest": [T("2025-12-01")] * n_articles,
    })
    return {"events": events, "designations": designations, "articles": articles}


def test_each_dated_fact_once():
    facts = docs._dated_facts(_frames(3))
    kinds = sorted(zip(facts["kind"], facts["start"].dt.strftime("%m-%d")))
    # the strike reported twice (same_event_as) is one fact; the designation taking effect on the day
    # of its article's designation event is that event; the other designation date stays
    assert kinds == [("designation: takes effect", "03-01"), ("event: designation", "11-24"), ("event: strike", "09-02")]


def _png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def test_timeline_size_does_not_grow_with_articles():
    assert _png_size(docs.timeline(_frames(3), "x")) == _png_size(docs.timeline(_frames(400), "x"))
