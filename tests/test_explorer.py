"""The evidence explorer page: spans highlighted, links both ways, every record id, escaping; and in a real Chromium."""
from __future__ import annotations

import html
import json
import os
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cartel_campaign import explorer, versions
from cartel_campaign.explorer import ExplorerError, record_anchor, render, span_anchor
from conftest import ROOT


# ---------------------------------------------------------------- reading a page

class Page(HTMLParser):
    """Ids, fragment hrefs, highlight segments (text and span ids) and the article texts of a page."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.text_hrefs: list[str] = []  # links inside the article texts
        self.segments: list[dict] = []  # {"spans": [...], "text": str, "classes": [...]}
        self.texts: list[str] = []  # text of each div.text, with the "+table" links left out
        self._open: list[str] = []  # tag stack
        self._segment: dict | None = None
        self._text_depth: int | None = None
        self._in_more = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "id" in a:
            self.ids.append(a["id"])
        if (a.get("href") or "").startswith("#"):
            self.hrefs.append(a["href"][1:])
            if self._text_depth is not None:
                self.text_hrefs.append(a["href"][1:])
        if tag == "div" and "text" in classes:
            self._text_depth = len(self._open)
            self.texts.append("")
        if tag == "a" and "ev" in classes:
            self._segment = {"spans": a["data-spans"].split(), "text": "", "classes": classes, "href": a["href"][1:]}
            self.segments.append(self._segment)
        self._in_more = self._in_more or (tag == "a" and "more" in classes)
        self._open.append(tag)

    def handle_endtag(self, tag):
        self._open.pop()
        if tag == "a":
            self._segment = None
            self._in_more = False
        if self._text_depth is not None and len(self._open) == self._text_depth:
            self._text_depth = None

    def handle_data(self, data):
        if self._segment is not None:
            self._segment["text"] += data
        if self._text_depth is not None and not self._in_more:
            self.texts[-1] += data


def parse(markup: str) -> Page:
    page = Page(markup)
    page.feed(markup)
    page.close()
    return page


def span_text_from_segments(page: Page, span_id: str) -> str:
    return "".join(s["text"] for s in page.segments if span_id in s["spans"])


def assert_links_resolve(page: Page):
    ids = set(page.ids)
    assert len(ids) == len(page.ids), "duplicate element ids"
    missing = sorted({h for h in page.hrefs if h not in ids})
    assert not missing, f"{len(missing)} href targets missing, e.g. {missing[:3]}"


# ---------------------------------------------------------------- a tiny made-up release

FIELD_TYPES = {"string": pa.string(), "integer": pa.int64()}


def write_table(folder: Path, name: str, fields: list[tuple[str, str]], key: list[str], rows: list[dict],
                fks: dict[str, tuple[str, str]] | None = None) -> dict:
    """The table's Parquet file and its datapackage.json entry; fks: {column: (table, column there)}, "" the table itself."""
    schema = pa.schema([(f, FIELD_TYPES[t]) for f, t in fields])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet")
    foreign = [{"fields": [c], "reference": {"resource": t, "fields": [k]}} for c, (t, k) in (fks or {}).items()]
    return {"name": name, "path": f"{name}.csv", "parquet_path": f"{name}.parquet",
            "schema": {"fields": [{"name": f, "type": t} for f, t in fields], "primaryKey": key, "foreignKeys": foreign}}


ARTICLE_A = 'Tom & Jerry said "<b>hi</b>" to O\'Brien.\nThen they left for Caracas at 5 < 6 pm.'
ARTICLE_B = "A short second article about claims."


def tiny_release(root: Path, evidence: list[dict] | None = None, version: str = "9.9.9") -> Path:
    """root/dataset/<version>/ with articles, actors, quotes, a 'claims' table nobody knows yet, and evidence;
    root/seeds/ with the two article texts. Returns the release folder."""
    release = root / "dataset" / version
    release.mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "seeds" / "000_aaaaaaaaaaaaaaaa.txt").write_text(ARTICLE_A, encoding="utf-8")
    (root / "seeds" / "001_bbbbbbbbbbbbbbbb.txt").write_text(ARTICLE_B, encoding="utf-8")
    a, b = "000_aaaaaaaaaaaaaaaa", "001_bbbbbbbbbbbbbbbb"
    if evidence is None:
        def ev(table, rid, art, text, start=None):
            body = ARTICLE_A if art == a else ARTICLE_B
            start = body.index(text) if start is None else start
            return dict(record_table=table, record_id=rid, article_id=art, char_start=start, char_end=start + len(text), text=text, basis="annotated")

        evidence = [
            ev("quotes", "q-<hi>", a, 'Tom & Jerry said "<b>hi</b>"'),        # outer span
            ev("quotes", "q-<hi>", a, '"<b>hi</b>"'),                          # nested inside it
            ev("actors", "tom & jerry", a, "Tom & Jerry"),                     # nested, same start as the outer one
            ev("actors", "o'brien/x y", a, "O'Brien"),
            ev("claims", "c1", a, "hi</b>\" to O'Brien.\nThen"),               # crosses the quote span and the newline
            ev("claims", "c2", a, "hi</b>\" to O'Brien.\nThen"),               # same span, second record
            ev("claims", "c1", b, "claims"),
            ev("actors", "caracas", a, "Caracas"),
        ]
    resources = [
        write_table(release, "articles", [("article_id", "string"), ("seed_file", "string"), ("title", "string")], ["article_id"],
                    [dict(article_id=a, seed_file=f"seeds/{a}.txt", title="Headline <with> & markup"),
                     dict(article_id=b, seed_file=f"seeds/{b}.txt", title="")]),
        write_table(release, "actors", [("actor_id", "string"), ("name", "string"), ("actor_type", "string"), ("member_of", "string")],
                    ["actor_id"],
                    [dict(actor_id="tom & jerry", name="Tom <&> Jerry", actor_type="duo"),
                     dict(actor_id="o'brien/x y", name="O'Brien", actor_type="person", member_of="tom & jerry"),
                     dict(actor_id="caracas", name="Caracas", actor_type="place"),
                     dict(actor_id="nobody", name="Never mentioned", actor_type="person")], fks={"member_of": ("", "actor_id")}),
        write_table(release, "quotes", [("quote_id", "string"), ("article_id", "string"), ("text", "string")], ["quote_id"],
                    [dict(quote_id="q-<hi>", article_id=a, text="<b>hi</b>")], fks={"article_id": ("articles", "article_id")}),
        write_table(release, "quote_exclusions", [("article_id", "string"), ("char_start", "integer"), ("reason", "string")],
                    ["article_id", "char_start"], [dict(article_id=a, char_start=0, reason="not evidenced: no section")]),
        write_table(release, "claims", [("claim_id", "string"), ("claimant", "string"), ("summary", "string"), ("note", "string"),
                                        ("quote_id", "string"), ("article_id", "string")],
                    ["claim_id"],
                    [dict(claim_id="c1", claimant="someone", summary="A <claim> & more", note="x" * 200, quote_id="q-<hi>", article_id=b),
                     dict(claim_id="c2", claimant="other", summary="Second claim", note="short", article_id=a)],
                    fks={"claimant": ("actors", "actor_id"), "quote_id": ("quotes", "quote_id"), "article_id": ("articles", "article_id")}),
        write_table(release, "evidence", [("record_table", "string"), ("record_id", "string"), ("article_id", "string"),
                                          ("char_start", "integer"), ("char_end", "integer"), ("text", "string"), ("basis", "string")],
                    ["record_table", "record_id", "article_id", "char_start", "char_end"], evidence),
    ]
    (release / "datapackage.json").write_text(json.dumps({"name": "tiny", "version": version, "resources": resources}), encoding="utf-8")
    return release


@pytest.fixture
def tiny(tmp_path) -> tuple[Path, Path]:
    release = tiny_release(tmp_path)
    return release, tmp_path / "seeds"


def test_page_is_self_contained_and_deterministic(tiny):
    page = render(*tiny)
    assert page == render(*tiny)
    assert page.startswith("<!DOCTYPE html>")
    for external in ("src=", "<link", "http://", "https://", "@import"):
        assert external not in page


def test_text_is_escaped_and_survives_unchanged(tiny):
    page = render(*tiny)
    assert "<b>hi</b>" not in page and "<with>" not in page and "Tom <&> Jerry" not in page
    assert "&lt;b&gt;hi&lt;/b&gt;" in page and "Headline &lt;with&gt; &amp; markup" in page
    assert parse(page).texts == [ARTICLE_A, ARTICLE_B]


def test_overlapping_spans_are_split_into_segments_carrying_every_covering_span(tiny):
    release, seeds = tiny
    page = parse(render(release, seeds))
    evidence = pq.read_table(release / "evidence.parquet").to_pylist()
    texts = {"000_aaaaaaaaaaaaaaaa": ARTICLE_A, "001_bbbbbbbbbbbbbbbb": ARTICLE_B}
    for row in evidence:
        sid = span_anchor(row["article_id"], row["char_start"], row["char_end"])
        assert span_text_from_segments(page, sid) == texts[row["article_id"]][row["char_start"]:row["char_end"]]
        assert sid in page.ids
    # the quote's inner span and the claim span cross: "hi</b>\"" lies in both quote spans and the claim span
    inner = next(s for s in page.segments if s["text"] == 'hi</b>"')
    assert len(inner["spans"]) == 3
    # the nested actor span links to the actor (colour c0, underlined in the quotes' colour), the rest of the outer span to the quote
    tom = next(s for s in page.segments if s["text"] == "Tom & Jerry")
    assert len(tom["spans"]) == 2 and tom["classes"] == ["ev", "c0", "u1"] and tom["href"] == "r/actors/tom~20~~26~~20~jerry"
    said = next(s for s in page.segments if s["text"] == " said ")
    assert said["classes"] == ["ev", "c1"] and said["href"] == "r/quotes/q-~3c~hi~3e~"
    # inside the crossing claim span, the shorter actor span wins
    obrien = next(s for s in page.segments if s["text"] == "O'Brien")
    assert obrien["classes"] == ["ev", "c0", "u2"] and obrien["href"] == "r/actors/o~27~brien~2f~x~20~y"


def test_every_record_id_is_on_the_page_and_every_link_resolves(tiny):
    markup = render(*tiny)
    page = parse(markup)
    assert_links_resolve(page)
    expected = {("actors", r) for r in ["tom & jerry", "o'brien/x y", "caracas", "nobody"]} | {("quotes", "q-<hi>")} | {("claims", "c1"), ("claims", "c2")}
    for table, rid in expected:
        assert record_anchor(explorer.Record(table, rid)) in page.ids
    assert "t/quote_exclusions" not in page.ids  # no evidence rows: no section
    # both records of the shared claim span are reachable from the text
    shared = span_anchor("000_aaaaaaaaaaaaaaaa", ARTICLE_A.index("hi</b>"), ARTICLE_A.index("Then") + 4)
    from_text = {h for h in page.text_hrefs if h.startswith("r/claims/")}
    assert {"r/claims/c1", "r/claims/c2"} <= from_text, from_text
    # each record row links back to each of its spans
    assert markup.count(f'href="#{shared}"') == 2


def test_unknown_record_table_shows_key_named_and_short_columns(tiny):
    page = render(*tiny)
    assert 't/claims' in parse(page).ids
    assert "A &lt;claim&gt; &amp; more" in page and "someone" in page  # summary and a short column
    assert "x" * 200 not in page  # the long note is left out


def test_record_tables_are_made_column_by_column_as_cell_text_and_html_escape_make_them_value_by_value():
    """The rows are made from Arrow columns (not Python rows): each column's text is what cell_text gives for
    each value, and its escaping what html.escape gives, whatever the column's type."""
    import datetime

    columns = [pa.array(['a & "b" <c>', "", None, "l'été", "x" * 50]), pa.array([True, False, None]),
               pa.array([0, -3, None, 2 ** 62], pa.int64()), pa.array([1, None], pa.int8()),
               pa.array([datetime.date(2025, 1, 2), datetime.date(999, 12, 31), None]),
               pa.array([1.0, 2.5, None]), pa.array([[1, 2], None]),
               pa.chunked_array([pa.array(["x", None]), pa.array(["<y>"])])]
    for column in columns:
        values = column.to_pylist()
        texts = explorer.column_texts(column)
        assert texts.to_pylist() == [explorer.cell_text(v) for v in values], column.type
        assert explorer.escape_column(texts).to_pylist() == [html.escape(explorer.cell_text(v)) for v in values], column.type
        assert explorer.longest(texts) == max(len(explorer.cell_text(v)) for v in values)


def test_a_table_made_a_few_rows_at_a_time_is_the_same_page(tiny, monkeypatch):
    release, seeds = tiny
    whole = render(release, seeds)
    monkeypatch.setattr(explorer, "ROWS_AT_ONCE", 1)
    assert render(release, seeds) == whole
    monkeypatch.setattr(explorer, "ROWS_AT_ONCE", 4096)
    monkeypatch.setattr(explorer, "LINKS_AT_ONCE", 1)
    assert render(release, seeds) == whole


def test_a_page_made_from_tables_held_in_memory_is_the_page_made_from_the_files(tiny):
    """The build gives the explorer the tables it holds (explorer.pieces(tables=...)) instead of the Parquet files it
    wrote: the same page, however the tables' columns are cut in chunks."""
    release, seeds = tiny
    files = {path.stem: pq.read_table(path) for path in release.glob("*.parquet")}
    in_chunks = {name: pa.Table.from_batches(table.to_batches(max_chunksize=1), table.schema) for name, table in files.items()}
    assert max(table.column(0).num_chunks for table in in_chunks.values()) > 1
    page = render(release, seeds)
    assert render(release, seeds, tables=files) == page
    assert render(release, seeds, tables=in_chunks) == page


def test_rows_are_made_in_batches_of_a_bounded_number_of_rows_and_evidence_links():
    """A row with many passages is a long row: a batch stops before it would pass links_at_once links
    (a row with more is a batch on its own), or at rows_at_once rows."""
    batches = list(explorer.row_batches([1, 1, 5, 0, 2, 2, 2, 0, 0, 0], 3, 4))
    assert batches == [(0, 2), (2, 3), (3, 6), (6, 9), (9, 10)]
    assert list(explorer.row_batches([], 3, 4)) == []
    assert list(explorer.row_batches([9], 3, 4)) == [(0, 1)]


def test_write_makes_arrow_columns_with_the_system_allocator_and_then_restores_the_pool(tiny, tmp_path, monkeypatch):
    """The page's short-lived Arrow columns come from malloc (which gives freed memory back), not from
    pyarrow's default pool; the pool in use before write is in use after it."""
    release, seeds = tiny
    pools, real_pieces = [], explorer.pieces

    def pieces(*args):
        for chunk in real_pieces(*args):
            pools.append(pa.default_memory_pool().backend_name)
            yield chunk

    monkeypatch.setattr(explorer, "pieces", pieces)
    before = pa.default_memory_pool().backend_name
    explorer.write(release, seeds, tmp_path / "page.html")
    assert set(pools) == {"system"}
    assert pa.default_memory_pool().backend_name == before
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == render(release, seeds)


def test_segments_cut_at_every_boundary_with_the_innermost_span_first():
    spans = [explorer.Span("a", s, e, "") for s, e in [(0, 10), (2, 5), (2, 10), (4, 8), (9, 12)]]
    cut = explorer.segments(14, spans)
    assert [(s, e) for s, e, _ in cut] == [(0, 2), (2, 4), (4, 5), (5, 8), (8, 9), (9, 10), (10, 12), (12, 14)]
    for start, end, covering in cut:  # every covering span, innermost (shortest) first
        expected = sorted((s for s in spans if s.start <= start and end <= s.end), key=lambda s: (s.end - s.start, -s.start, s.end))
        assert covering == expected


def test_anchor_ids_are_unambiguous():
    assert explorer.anchor("r", "a/b", "c") != explorer.anchor("r", "a", "b/c")
    assert explorer.anchor("r", "a~2f~") != explorer.anchor("r", "a/")
    assert " " not in explorer.anchor("r", "x y")
    for parts in [("a&b", "<c>"), ('"q"', "it's"), ("é/ü", 3)]:  # the page writes anchors unescaped: they never need it
        assert html.escape(explorer.anchor("r", *parts)) == explorer.anchor("r", *parts)
    assert explorer.span_anchor("a b", 3, 10) == explorer.anchor("s", "a b", 3, 10)


def test_record_anchors_are_made_column_by_column_as_anchor_makes_them_value_by_value():
    values = ["abc", "", "a b", "é", "x\n", "a/b", "A-Z_0.9", "~", "q-<hi>", "tom & jerry", "\U0001f600", "ok"]
    assert explorer.anchor_parts(pa.array(values)).to_pylist() == [explorer.anchor("r", v)[2:] for v in values]
    assert explorer.anchor_parts(pa.array(["a", "b.c"])).to_pylist() == ["a", "b.c"]
    assert explorer.anchor_parts(pa.array([], pa.string())).to_pylist() == []


def test_evidence_that_does_not_match_the_article_text_is_a_clear_error(tmp_path):
    release = tiny_release(tmp_path, evidence=[dict(record_table="actors", record_id="caracas", article_id="000_aaaaaaaaaaaaaaaa",
                                                    char_start=0, char_end=3, text="Bob", basis="annotated")])
    with pytest.raises(ExplorerError, match=r"evidence row 1 \(actors caracas\).*'Tom'.*'Bob'"):
        render(release, tmp_path / "seeds")


def test_evidence_for_a_missing_record_or_table_is_a_clear_error(tmp_path):
    row = dict(record_table="actors", record_id="ghost", article_id="000_aaaaaaaaaaaaaaaa", char_start=0, char_end=3, text="Tom", basis="annotated")
    release = tiny_release(tmp_path / "one", evidence=[row])
    with pytest.raises(ExplorerError, match="evidence row 1 .*no row with that primary key in actors"):
        render(release, tmp_path / "one" / "seeds")
    release = tiny_release(tmp_path / "two", evidence=[{**row, "record_table": "nonsense"}])
    with pytest.raises(ExplorerError, match="record_table 'nonsense' is not a table"):
        render(release, tmp_path / "two" / "seeds")


def test_missing_article_file_is_a_clear_error(tiny):
    release, seeds = tiny
    (seeds / "001_bbbbbbbbbbbbbbbb.txt").unlink()
    with pytest.raises(ExplorerError, match="001_bbbbbbbbbbbbbbbb.txt: article 001_bbbbbbbbbbbbbbbb not found"):
        render(release, seeds)


def test_main_writes_the_page_and_rejects_an_unknown_version(tiny, tmp_path, monkeypatch, capsys):
    release, seeds = tiny
    monkeypatch.setenv("CARTEL_CAMPAIGN_DATA", str(tmp_path))
    out = tmp_path / "page.html"
    assert explorer.main(["-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render(release, seeds)
    assert explorer.main(["--version", "0.0.1"]) == 2
    assert "unknown version '0.0.1'" in capsys.readouterr().err
    (seeds / "000_aaaaaaaaaaaaaaaa.txt").write_text("something else entirely, long enough", encoding="utf-8")
    assert explorer.main(["-o", str(out)]) == 2
    assert "evidence row 1" in capsys.readouterr().err


class Links(HTMLParser):
    """Every link of a page: href, text, classes and the id of the record row it stands in; the text of
    each span.where; each row's search text (its text and its elements' titles, as the page's script reads it)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self.wheres: list[str] = []
        self.rows: dict[str, str] = {}
        self._row: str | None = None
        self._link: dict | None = None
        self._where = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "id" in a:
            self._row = a["id"]
            self.rows[self._row] = ""
        if self._row and a.get("title"):
            self.rows[self._row] += " " + a["title"]
        if tag == "a" and "href" in a:
            self._link = {"href": a["href"][1:], "text": "", "classes": (a.get("class") or "").split(), "row": self._row,
                          "title": a.get("title")}
            self.links.append(self._link)
        self._where = self._where or (tag == "span" and a.get("class") == "where")
        if self._where and tag == "span":
            self.wheres.append("")

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None
        if tag == "span":
            self._where = False
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data
        if self._where:
            self.wheres[-1] += data
        if self._row:
            self.rows[self._row] += data


A_ID, B_ID = "000_aaaaaaaaaaaaaaaa", "001_bbbbbbbbbbbbbbbb"


def test_foreign_keys_are_links_to_their_records(tiny):
    links = Links(render(*tiny)).links
    refs = {(link["row"], link["href"]): link for link in links if "ref" in link["classes"]}
    obrien, tom = record_anchor(explorer.Record("actors", "o'brien/x y")), record_anchor(explorer.Record("actors", "tom & jerry"))
    assert refs[obrien, tom]["text"] == "Tom <&> Jerry"  # an actor: its name, the link escaped
    assert refs[obrien, tom]["title"] == "actors tom & jerry"  # the id, for the search and the reader
    assert refs["r/claims/c1", "r/quotes/q-~3c~hi~3e~"]["text"] == "q-<hi>"  # no name: the id
    assert refs["r/quotes/q-~3c~hi~3e~", f"a/{A_ID}"]["text"] == "Headline <with> & markup"  # an article: its section, its label
    assert refs["r/claims/c1", f"a/{B_ID}"]["text"] == "“A short second article about claims.”"
    # a value whose record is not on the page stays plain text
    assert not [link for link in links if link["row"] == "r/claims/c1" and link["href"].startswith("r/actors/")]
    assert "someone" in Links(render(*tiny)).rows["r/claims/c1"]
    assert_links_resolve(parse(render(*tiny)))


def test_articles_are_named_by_headline_or_first_words_never_by_id_alone(tiny):
    markup = render(*tiny)
    page = Links(markup)
    to_articles = [link for link in page.links if link["href"].startswith("a/")]
    assert to_articles and all(link["text"] in ("Headline <with> & markup", "“A short second article about claims.”") for link in to_articles)
    assert page.wheres and all(A_ID not in w and B_ID not in w for w in page.wheres)
    assert "“A short second article about claims.” [29:35]" in page.wheres
    assert "<h2>“A short second article about claims.”</h2>" in markup and "<h2>Headline &lt;with&gt; &amp; markup</h2>" in markup


def test_article_label_is_the_headline_or_the_first_words():
    assert explorer.article_label({"title": "  A   headline "}, "text") == "A headline"
    text = "At a recent press conference, the Secretary of State addressed questions on whether forces will act"
    label = explorer.article_label({"title": None}, text)
    assert label.startswith("“At a recent press conference,") and label.endswith("…”") and len(label) <= explorer.LABEL_CHARS
    assert explorer.article_label({"title": ""}, "Short text.") == "“Short text.”"


def test_a_label_reads_only_the_start_of_a_long_text_and_is_what_the_whole_text_gives():
    """shortened() puts on one line only as much of the text's start as its label can show (an article's
    first words, not the whole article), and gives what " ".join(text.split()) of the whole text gives."""
    import random

    def whole(text: str, limit: int) -> str:
        text = " ".join(text.split())
        if len(text) <= limit:
            return text
        cut = text[:limit - 1]
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
        return cut.rstrip(" ,;:.") + "…"

    rng = random.Random(7)
    pieces = ["a", "bc", "déf", " ", "  ", "\n", "\t \u3000", "\x85", ",", ".", ";", " " * 90, "word" * 20]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 60)))
        for limit in (1, 2, 5, 40, 60):
            assert explorer.shortened(text, limit) == whole(text, limit), (text, limit)

    class Counted(str):
        read = 0

        def __getitem__(self, key):
            part = str.__getitem__(self, key)
            Counted.read = max(Counted.read, len(part))
            return part

        def split(self, *args):
            raise AssertionError("the whole text was split")

    assert explorer.shortened(Counted("word " * 100_000), 40) == whole("word " * 100_000, 40)
    assert Counted.read <= 4 * 41


def test_concatenated_is_the_values_joined_and_refuses_a_missing_one():
    assert explorer.concatenated(pa.array(["<tr>a</tr>\n", "", "é\n"])) == "<tr>a</tr>\n" + "é\n"
    assert explorer.concatenated(pa.array(["x", "yz", "w"]).slice(1, 2)) == "yzw"
    assert explorer.concatenated(pa.array([], pa.string())) == ""
    with pytest.raises(ValueError):
        explorer.concatenated(pa.array(["x", None]))


def test_search_and_filters_are_in_the_page_but_hidden_until_its_script_runs(tiny):
    markup = render(*tiny)
    tools = markup[markup.index('<div class="tools"'):markup.index("</div>", markup.index('<div class="tools"'))]
    assert 'id="tools" role="search" hidden>' in tools  # without JavaScript: not shown
    assert '<option value="actors duo">duo</option>' in tools and '<option value="actors person">person</option>' in tools
    assert '<optgroup label="claims">' not in tools  # claims have no *_type column
    assert 'data-type="place"' in markup and 'data-table="actors"' in markup
    assert "tools.hidden=false" in markup  # the script shows them


def test_article_sections_are_kept_by_content_and_the_page_is_the_same(tiny, tmp_path):
    from cartel_campaign.build.keptdocs import DocsStore

    release, seeds = tiny
    cache = tmp_path / "cache"
    plain = render(release, seeds)
    assert render(release, seeds, DocsStore(cache)) == plain  # cold
    entries = sorted(cache.iterdir())
    assert len(entries) == 2
    assert render(release, seeds, DocsStore(cache)) == plain  # warm
    assert sorted(cache.iterdir()) == entries
    # the entries are what the page is made of: a changed entry is read back
    first = next(e for e in entries if f'id="a/{A_ID}"' in e.read_text(encoding="utf-8"))
    first.write_text(first.read_text(encoding="utf-8").replace("evidence spans", "EVIDENCE SPANS"), encoding="utf-8")
    assert render(release, seeds, DocsStore(cache)).count("EVIDENCE SPANS") == 1
    # a changed article (the second) gets its own entry; the first one's is reused
    with open(seeds / "001_bbbbbbbbbbbbbbbb.txt", "a", encoding="utf-8") as f:
        f.write("\nA line added at the end.")
    assert render(release, seeds, DocsStore(cache)) == render(release, seeds).replace("evidence spans", "EVIDENCE SPANS", 1)
    assert len(list(cache.iterdir())) == 3


def test_kept_sections_are_never_written_through_a_symlink(tiny, tmp_path):
    from cartel_campaign.build.errors import BuildError
    from cartel_campaign.build.keptdocs import DocsStore

    release, seeds = tiny
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache").symlink_to(elsewhere)
    with pytest.raises(BuildError, match="symbolic link"):
        render(release, seeds, DocsStore(tmp_path / "cache"))
    assert not list(elsewhere.iterdir()) and (tmp_path / "cache").is_symlink()
    # an entry's temporary file that is a link is refused, and what it points to is untouched
    store = DocsStore(tmp_path / "kept")
    render(release, seeds, store)
    entry = sorted((tmp_path / "kept").iterdir())[0]
    entry.unlink()
    victim = tmp_path / "victim"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / "kept" / f"{entry.name}.tmp").symlink_to(victim)
    with pytest.raises(BuildError, match="symbolic link"):
        render(release, seeds, DocsStore(tmp_path / "kept"))
    assert victim.read_text(encoding="utf-8") == "keep me"


class Elements(HTMLParser):
    """Every element's tag and attributes."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def test_nothing_a_release_holds_can_inject_markup_or_script(tmp_path):
    """Names, types, headlines and ids (every one of which the page now shows in links, labels, filters and
    data attributes) that try to close an attribute or a tag stay text."""
    evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>\''
    release = tiny_release(tmp_path)
    for table, column in [("actors", "name"), ("actors", "actor_type"), ("articles", "title"), ("actors", "member_of")]:
        rows = pq.read_table(release / f"{table}.parquet")
        values = [evil] * rows.num_rows
        if (table, column) == ("actors", "member_of"):
            values = [None, "tom & jerry", None, None]
        pq.write_table(rows.set_column(rows.schema.get_field_index(column), column, pa.array(values, pa.string())), release / f"{table}.parquet")
    markup = render(release, tmp_path / "seeds")
    elements = Elements(markup).elements
    assert [tag for tag, _ in elements].count("script") == 1 and "img" not in [tag for tag, _ in elements]
    assert not [(tag, a) for tag, attrs in elements for a in attrs if a.startswith("on")]
    assert evil in html.unescape(markup)  # shown, as text
    assert f'<option value="actors {html.escape(evil)}">{html.escape(evil)}</option>' in markup  # the type filter


def test_the_build_keeps_article_sections_between_builds_and_prunes_the_unused(tiny, tmp_path):
    from cartel_campaign.build import docs, keptdocs

    release, seeds = tiny
    root, kept = release.parents[1], tmp_path / "kept"

    def build() -> tuple[str, dict[str, int]]:
        store = keptdocs.DocsStore(kept)  # as the pipeline: one store for the build's docs, pruned after them
        pages = docs.explorer_pages(root, release, [{"version": "9.9.9"}], tmp_path / "work", store)
        store.prune()
        page = pages["docs/explorer/9.9.9.html"].read_text(encoding="utf-8")
        return page, {e.name: e.stat().st_mtime_ns for e in kept.iterdir()}

    page, entries = build()
    assert page == render(release, seeds) and len(entries) == 2
    assert build() == (page, entries)  # nothing rendered or written again
    with open(seeds / "001_bbbbbbbbbbbbbbbb.txt", "a", encoding="utf-8") as f:
        f.write("\nA line added at the end.")
    page, changed = build()
    assert page == render(release, seeds)
    assert len(changed) == 2 and len(set(changed) & set(entries)) == 1  # the first article's entry kept, the old second one pruned


# ---------------------------------------------------------------- the real release in a real browser

def require_chromium():
    if not Path(explorer.CHROMIUM).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{explorer.CHROMIUM} is not installed, but CI is set: .ci/run installs chromium")
        pytest.skip(f"{explorer.CHROMIUM} not found (apt-get install chromium); CI would fail here")


@pytest.fixture(scope="module")
def newest_release(tmp_path_factory):
    require_chromium()
    version = versions(ROOT, drafts=True)[-1]
    return ROOT / "dataset" / version, ROOT / "docs" / "explorer" / f"{version}.html"  # the page the build generated


def test_build_generates_the_explorer_page_of_every_release():
    pages = sorted(p.stem for p in (ROOT / "docs" / "explorer").glob("*.html"))
    assert pages == versions(ROOT, drafts=True)
    for version in pages:
        page = (ROOT / "docs" / "explorer" / f"{version}.html").read_text(encoding="utf-8")
        assert page == render(ROOT / "dataset" / version, ROOT / "seeds"), f"docs/explorer/{version}.html is out of date: rebuild"


def test_chromium_shows_every_span_and_record_with_working_links(newest_release):
    release, html_path = newest_release
    dom = parse(dump_dom(html_path))
    evidence = pq.read_table(release / "evidence.parquet").to_pylist()
    spans = {(r["article_id"], r["char_start"], r["char_end"]) for r in evidence}
    assert len(dom.segments) >= len(spans)
    assert {span_anchor(*s) for s in spans} <= set(dom.ids)
    assert all(span_text_from_segments(dom, span_anchor(a, s, e)) for a, s, e in spans)
    assert_links_resolve(dom)
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    keys = {res["name"]: res["schema"]["primaryKey"][0] for res in package["resources"] if isinstance(res["schema"].get("primaryKey"), list)}
    for table in sorted({r["record_table"] for r in evidence}):
        for row in pq.read_table(release / f"{table}.parquet", columns=[keys[table]]).to_pylist():
            assert record_anchor(explorer.Record(table, str(row[keys[table]]))) in dom.ids, (table, row)


def test_chromium_runs_the_script_that_marks_the_target_span(newest_release):
    release, html_path = newest_release
    row = pq.read_table(release / "evidence.parquet").to_pylist()[0]
    sid = span_anchor(row["article_id"], row["char_start"], row["char_end"])
    proc = explorer.chromium(["--dump-dom"], html_path.resolve().as_uri() + "#" + sid)
    assert proc.returncode == 0, proc.stderr[-500:]
    dom = parse(proc.stdout)
    hit = [s for s in dom.segments if "hit" in s["classes"]]
    assert hit and hit == [s for s in dom.segments if sid in s["spans"]]


@pytest.mark.parametrize("size", [explorer.PHONE, explorer.LAPTOP])
def test_chromium_screenshot_is_a_picture_of_the_page(newest_release, tmp_path, size):
    _, html_path = newest_release
    png = explorer.screenshot(html_path, tmp_path / "shot.png", *size)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    with Image.open(png) as im:
        assert im.size == size
        colours = im.convert("RGB").getcolors(maxcolors=1_000_000)
        right_edge = im.convert("RGB").crop((size[0] - 4, 0, size[0], size[1])).getcolors(maxcolors=1_000_000)
    assert len(colours) > 50, "the screenshot is (nearly) blank"
    assert len(right_edge) < len(colours), "the page's right edge is drawn (it is a frame cut short)"


def test_readme_shows_the_explorer_at_phone_and_laptop_width():
    from PIL import Image

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, size in explorer.SIZES.items():
        png = ROOT / "docs" / f"explorer-{name}.png"
        assert f'src="docs/explorer-{name}.png"' in readme
        assert f"--screenshot {png.relative_to(ROOT)} --size {name}" in (ROOT / "Makefile").read_text(encoding="utf-8")
        with Image.open(png) as im:
            assert im.size == size, f"{png.name}: run make screenshots"


def test_a_screenshot_is_never_written_through_a_symlink(tmp_path):
    target = tmp_path / "elsewhere.png"
    target.write_bytes(b"mine")
    (tmp_path / "shot.png").symlink_to(target)
    with pytest.raises(ExplorerError, match="symbolic link"):
        explorer.screenshot(tmp_path / "page.html", tmp_path / "shot.png")
    assert target.read_bytes() == b"mine"


# ---------------------------------------------------------------- reading, searching and following links in Chromium

#: Script helpers run in the page's frame (see in_frame): shown(el) is false when el or an ancestor is hidden.
FRAME_HELPERS = """
var doc=frame.document;
function shown(el){return !el.closest('[hidden]')&&el.getClientRects().length>0;}
function ids(sel){return [].filter.call(doc.querySelectorAll(sel),shown).map(function(e){return e.id;});}
function set(id,value){var el=doc.getElementById(id);el.value=value;el.dispatchEvent(new frame.Event(el.tagName==='INPUT'?'input':'change'));}
"""


def in_frame(html_path: Path, width: int, script: str, page_scripts: bool = True):
    """Load the page in a width-px viewport (its own script off where page_scripts is false), run script
    (the body of a function, FRAME_HELPERS at hand) once it has loaded, and return what the function
    returns (through JSON in the dumped DOM)."""
    body = (f"var out;try{{out=JSON.stringify((function(){{{FRAME_HELPERS}\n{script}\n}})());}}"
            "catch(e){out=JSON.stringify({error:String(e)});}"
            "var pre=document.createElement('pre');pre.id='result';pre.textContent=out;document.body.appendChild(pre);")
    proc = explorer.chromium_framed(html_path, width, 900, ["--dump-dom"], body, page_scripts)
    assert proc.returncode == 0, proc.stderr[-500:]
    found = re.search(r'<pre id="result">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"the script left no result: {proc.stderr[-500:]}"
    result = json.loads(html.unescape(found[1]))
    assert not (isinstance(result, dict) and "error" in result), result
    return result


def folded(text: str) -> str:
    """Lower case without accents, as the page's search compares."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


@pytest.mark.parametrize("width", [390, 1366])
def test_no_horizontal_overflow_and_the_evidence_column_is_whole(newest_release, width):
    _, html_path = newest_release
    seen = in_frame(html_path, width, """
var out=[];[].forEach.call(doc.querySelectorAll('ul.spans, aside, .text, .tools'),function(el){
  var r=el.getBoundingClientRect();if(r.width&&(r.right>frame.innerWidth+0.5||r.left<-0.5))out.push(el.className||el.tagName);});
return {viewport:frame.innerWidth,scroll:doc.documentElement.scrollWidth,body:doc.body.scrollWidth,cut:out,
        columns:doc.querySelectorAll('ul.spans').length};""")
    assert seen["viewport"] == width
    assert seen["scroll"] <= width and seen["body"] <= width, seen
    assert seen["columns"] > 0 and not seen["cut"], seen["cut"][:5]


def test_search_narrows_the_records_and_articles_to_those_that_mention_it(newest_release):
    release, html_path = newest_release
    rows = Links(html_path.read_text(encoding="utf-8")).rows  # each row's text and titles, as the script searches them
    for query in ("maduro", "nicolas", "Cartel de los Soles"):
        seen = in_frame(html_path, 390, f"""
var before=ids('section.records tbody tr').length;set('q',{json.dumps(query)});
return {{before:before,rows:ids('section.records tbody tr'),articles:ids('section.article').length,
         all_articles:doc.querySelectorAll('section.article').length,count:doc.getElementById('count').value}};""")
        expected = [rid for rid, text in rows.items() if all(w in folded(text) for w in folded(query).split())]
        assert seen["before"] == len(rows)
        assert 0 < len(seen["rows"]) < len(rows) and seen["rows"] == expected, query
        assert 0 < seen["articles"] <= seen["all_articles"]
        assert f"{len(expected)} of {len(rows)} records" in seen["count"]
    # every claim about Maduro or by him is found
    claims = pq.read_table(release / "claims.parquet").to_pylist()
    about = {record_anchor(explorer.Record("claims", c["claim_id"])) for c in claims
             if "nicolas-maduro" in (c["claimant_actor_id"], c["target_actor_id"])}
    assert about and about <= set(in_frame(html_path, 390, "set('q','nicolas-maduro');return ids('section.records tbody tr');"))


def test_filters_by_table_and_by_type(newest_release):
    release, html_path = newest_release
    events = pq.read_table(release / "events.parquet").to_pylist()
    kind = events[0]["event_type"]
    seen = in_frame(html_path, 1366, f"""
set('ft','events');var byTable={{rows:ids('section.records tbody tr'),sections:ids('section.records'),articles:ids('section.article')}};
set('fy','events {kind}');var byType={{rows:ids('section.records tbody tr'),table:doc.getElementById('ft').value}};
set('ft','articles');var arts={{rows:ids('section.records tbody tr'),articles:ids('section.article').length,type:doc.getElementById('fy').value}};
set('ft','');return {{byTable:byTable,byType:byType,articles:arts}};""")
    assert seen["byTable"]["rows"] == [record_anchor(explorer.Record("events", e["event_id"])) for e in events]
    assert seen["byTable"]["sections"] == ["t/events"] and seen["byTable"]["articles"] == []
    assert seen["byType"]["rows"] == [record_anchor(explorer.Record("events", e["event_id"])) for e in events if e["event_type"] == kind]
    assert 0 < len(seen["byType"]["rows"]) < len(events) and seen["byType"]["table"] == "events"
    assert seen["articles"] == {"rows": [], "articles": len(pq.read_table(release / "articles.parquet")), "type": ""}


def test_a_foreign_key_link_goes_to_its_record_even_when_a_filter_hid_it(newest_release):
    _, html_path = newest_release
    seen = in_frame(html_path, 390, """
set('ft','claims');
var link=[].filter.call(doc.querySelectorAll('section.records tbody tr a.ref'),function(a){
  return shown(a)&&a.getAttribute('href').indexOf('#r/actors/')===0;})[0];
var href=link.getAttribute('href'),wasHidden=!shown(doc.getElementById(decodeURIComponent(href.slice(1))));
link.click();var hash=frame.location.hash,target=doc.getElementById(decodeURIComponent(hash.slice(1))),top=target.getBoundingClientRect().top;
var ev=[].filter.call(doc.querySelectorAll('ul.spans a'),shown)[0];ev.click();
return {href:href,hash:hash,wasHidden:wasHidden,shown:shown(target),inView:top>=0&&top<frame.innerHeight,
        ev:ev.getAttribute('href'),evHash:frame.location.hash,evShown:shown(doc.getElementById(decodeURIComponent(frame.location.hash.slice(1))))};""")
    assert seen["hash"] == seen["href"] and seen["href"].startswith("#r/actors/")
    assert seen["wasHidden"] and seen["shown"] and seen["inView"]  # shown again, and scrolled to
    assert seen["evHash"] == seen["ev"] and seen["ev"].startswith("#s/") and seen["evShown"]


@pytest.mark.parametrize("width", [390, 1366])
def test_reading_without_javascript_shows_every_record_and_passage_and_no_tools(newest_release, width):
    release, html_path = newest_release
    seen = in_frame(html_path, width, """
var texts=[].map.call(doc.querySelectorAll('section.article .text'),function(t){return shown(t)?t.innerText:null;});
var link=doc.querySelector('section.records tbody tr a.ref');link.click();
return {scriptRan:doc.getElementById('count').value!=='',tools:shown(doc.getElementById('tools')),
        hidden:doc.querySelectorAll('[hidden]').length,rows:ids('section.records tbody tr'),spans:ids('span.anchor'),
        allRows:doc.querySelectorAll('section.records tbody tr').length,texts:texts,
        scroll:doc.documentElement.scrollWidth,href:link.getAttribute('href'),hash:frame.location.hash};""", page_scripts=False)
    assert not seen["scriptRan"] and not seen["tools"] and seen["hidden"] == 1  # the tools, nothing else
    assert len(seen["rows"]) == seen["allRows"] > 0
    evidence = pq.read_table(release / "evidence.parquet").to_pylist()
    assert {record_anchor(explorer.Record(r["record_table"], r["record_id"])) for r in evidence} <= set(seen["rows"])
    assert all(t for t in seen["texts"]) and len(seen["texts"]) == len(pq.read_table(release / "articles.parquet"))
    assert seen["scroll"] <= width
    assert seen["hash"] == seen["href"]  # links work without the script
    # the highlighted passages are in the page as served (the DOM without a script run)
    page = parse(html_path.read_text(encoding="utf-8"))
    assert {span_anchor(r["article_id"], r["char_start"], r["char_end"]) for r in evidence} <= set(page.ids)
    # with the script, the tools show
    assert in_frame(html_path, width, "return shown(doc.getElementById('tools'));") is True


def dump_dom(html_path: Path) -> str:
    """The page's DOM after Chromium loaded it (and ran its script), serialised as HTML."""
    proc = explorer.chromium(["--dump-dom"], Path(html_path).resolve().as_uri())
    if proc.returncode != 0:
        raise explorer.ExplorerError(f"chromium --dump-dom failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    return proc.stdout


def test_python_whitespace_is_what_str_isspace_holds():
    """The excerpt of a long passage is cut as str.rstrip() cuts it: Arrow trims exactly these characters."""
    assert explorer.PY_WHITESPACE == "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def passage_link(article_id: str, start: int, end: int, text: str, where: str) -> str:
    """A passage link in a record's list, made value by value (what the page's Arrow columns must give)."""
    excerpt = text if len(text) <= explorer.EXCERPT_CHARS else text[:explorer.EXCERPT_CHARS - 1].rstrip() + "…"
    return (f'<li><a href="#{span_anchor(article_id, start, end)}">{html.escape(excerpt)}</a> '
            f'<span class="where">{html.escape(where)} [{start}:{end}]</span></li>')


def test_passage_links_are_made_column_by_column_as_they_are_made_value_by_value():
    """Each record lists its passages once each, by article, then start, then end descending (a passage
    shared by records is listed for each); a long passage is cut at a word as str.rstrip() cuts it, whatever
    the whitespace; the text and the article's label are escaped; a record without evidence says so."""
    a_text = "x" * 88 + "\u3000\x85 tail & more" + " <b>'quoted'</b> " + "y" * 120 + "\u2009z" + "é" * 100
    b_text = 'Short "one" & <two>.'
    texts = {"a/1": a_text, "b 2": b_text}
    rows = [("t", "r2", "b 2", 0, 5), ("t", "r1", "a/1", 0, 100), ("t", "r1", "a/1", 0, 120), ("u", "s1", "a/1", 0, 120),
            ("t", "r1", "b 2", 6, 11), ("t", "r1", "a/1", 90, 300), ("u", "s1", "b 2", 0, 20), ("t", "r1", "a/1", 206, 300)]
    evidence = pa.table({"record_table": [r[0] for r in rows], "record_id": [r[1] for r in rows], "article_id": [r[2] for r in rows],
                         "char_start": [r[3] for r in rows], "char_end": [r[4] for r in rows],
                         "text": [texts[r[2]][r[3]:r[4]] for r in rows]})
    tables = [explorer.RecordTable("t", "id", ["id"], pa.table({"id": ["r0", "r1", "r2"]})),
              explorer.RecordTable("u", "id", ["id"], pa.table({"id": ["s1"]}))]
    wheres = ["Label <a> & “b”", "B's label"]
    ev = explorer.read_evidence(evidence, list(texts), list(texts.values()), tables, wheres)
    expected = {}
    for table, rid, article, start, end in sorted(rows, key=lambda r: (list(texts).index(r[2]), r[3], -r[4])):
        link = passage_link(article, start, end, texts[article][start:end], wheres[list(texts).index(article)])
        expected.setdefault((table, rid), []).append(link)
    records = [("t", "r0"), ("t", "r1"), ("t", "r2"), ("u", "s1")]
    made = [("".join(expected[r]) if r in expected else '<li class="none">no evidence rows</li>') for r in records]
    assert explorer.record_links(ev, 0, 4).to_pylist() == made
    assert explorer.record_links(ev, 1, 3).to_pylist() == made[1:3]
    assert "…" in made[1] and "\u3000" not in made[1]
    assert ev.n_spans == len({(r[2], r[3], r[4]) for r in rows})


def test_the_first_bad_evidence_row_is_the_error_whatever_is_wrong_with_it(tmp_path):
    """Evidence is checked in Arrow and a row at a time; the error names the first row that is wrong (its
    article, else its record, else its text), as a row-by-row check would."""
    good = dict(record_table="actors", record_id="caracas", article_id="000_aaaaaaaaaaaaaaaa", char_start=0, char_end=3, text="Tom",
                basis="annotated")
    wrong_text = {**good, "record_id": "tom & jerry", "text": "Bob"}
    no_record = {**good, "record_id": "ghost"}
    no_article = {**good, "article_id": "999_nope"}
    cases = [([good, wrong_text, no_record], r"evidence row 2 \(actors tom & jerry\).*'Bob'"),
             ([good, no_record, wrong_text], r"evidence row 2 .*no row with that primary key in actors"),
             ([no_article, no_record], r"evidence row 1 .*article_id '999_nope' is not in the articles table"),
             ([good, {**no_record, "article_id": "999_nope"}], r"evidence row 2 .*article_id '999_nope' is not in the articles table"),
             ([good, {**good, "char_end": 999, "text": "Tom"}, no_record], r"evidence row 2 .*\[0:999\]")]
    for n, (rows, message) in enumerate(cases):
        release = tiny_release(tmp_path / str(n), evidence=rows)
        with pytest.raises(ExplorerError, match=message):
            render(release, tmp_path / str(n) / "seeds")


def test_an_article_s_spans_are_made_when_its_section_is_and_not_kept_after(tiny, monkeypatch):
    """The page holds the spans (Python objects) of one article at a time, never those of every article."""
    import gc
    import weakref

    alive: set[int] = set()

    class Counted(explorer.Span):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            alive.add(id(self))
            weakref.finalize(self, alive.discard, id(self))

    monkeypatch.setattr(explorer, "Span", Counted)
    release, seeds = tiny
    pieces = explorer.pieces(release, seeds)
    next(pieces)  # the head: the release read and checked
    gc.collect()
    assert not alive
    article_ids = [a["article_id"] for a in pq.read_table(release / "articles.parquet").to_pylist()]
    for article_id in article_ids:
        section = next(pieces)
        gc.collect()
        assert section.startswith(f'<section class="article" id="{explorer.anchor("a", article_id)}"')
        assert 0 < len(alive) <= section.count('class="anchor"')
    list(pieces)


def test_a_table_s_rows_are_read_when_its_section_is_made_and_not_before(tiny, monkeypatch):
    """Before the articles, a table's key, name and type column are read (the links, the filters); a table's other
    columns are read for its section only, one table at a time: each column that may be a chip and is not held already
    alone (to see whether every value is short), then the columns the section shows. A long column (claims' note) is not read with them."""
    release, seeds = tiny
    reads = []
    real = pq.read_table
    monkeypatch.setattr(pq, "read_table", lambda path, columns=None, **kw: reads.append((Path(path).stem, columns)) or real(path, columns=columns, **kw))
    shown = {"actors": [("actors", ["name", "actor_type", "member_of"])],  # actor_type, a chip candidate, is held already
             "quotes": [("quotes", ["text", "article_id"])],
             "claims": [("claims", ["note"]), ("claims", ["summary", "claimant", "quote_id", "article_id"])]}
    pieces = explorer.pieces(release, seeds)
    next(pieces)
    assert {t: c for t, c in reads if t in ("actors", "quotes", "claims")} == {
        "actors": ["actor_id", "name", "actor_type"], "quotes": ["quote_id"], "claims": ["claim_id"]}
    reads.clear()
    sections = []
    for piece in pieces:
        if piece.startswith('<section class="records"'):
            sections.append(re.search(r'data-table="([^"]+)"', piece).group(1))
            assert reads == shown[sections[-1]]
            reads.clear()
    assert sections == ["actors", "quotes", "claims"] and reads == []


def test_evidence_is_read_into_python_a_batch_at_a_time(tiny, monkeypatch):
    """evidence_rows converts EVIDENCE_ROWS_AT_ONCE rows at a time (the rows, in order) and the page is the same."""
    release, seeds = tiny
    whole = render(release, seeds)
    evidence = pa.table({c: list(range(5)) for c in explorer.EVIDENCE_COLUMNS})
    monkeypatch.setattr(explorer, "EVIDENCE_ROWS_AT_ONCE", 2)
    rows = explorer.evidence_rows(evidence)
    assert next(rows) == (0,) * 6
    assert list(rows) == [(i,) * 6 for i in range(1, 5)]
    assert render(release, seeds) == whole
