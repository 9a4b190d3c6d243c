"""The evidence explorer page: spans highlighted, links both ways, every record id, escaping; and in a real Chromium."""
from __future__ import annotations

import json
import os
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


def write_table(folder: Path, name: str, fields: list[tuple[str, str]], key: list[str], rows: list[dict]) -> dict:
    schema = pa.schema([(f, FIELD_TYPES[t]) for f, t in fields])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet")
    return {"name": name, "path": f"{name}.csv", "parquet_path": f"{name}.parquet",
            "schema": {"fields": [{"name": f, "type": t} for f, t in fields], "primaryKey": key}}


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
        write_table(release, "actors", [("actor_id", "string"), ("name", "string"), ("actor_type", "string")], ["actor_id"],
                    [dict(actor_id="tom & jerry", name="Tom <&> Jerry", actor_type="duo"),
                     dict(actor_id="o'brien/x y", name="O'Brien", actor_type="person"),
                     dict(actor_id="caracas", name="Caracas", actor_type="place"),
                     dict(actor_id="nobody", name="Never mentioned", actor_type="person")]),
        write_table(release, "quotes", [("quote_id", "string"), ("article_id", "string"), ("text", "string")], ["quote_id"],
                    [dict(quote_id="q-<hi>", article_id=a, text="<b>hi</b>")]),
        write_table(release, "quote_exclusions", [("article_id", "string"), ("char_start", "integer"), ("reason", "string")],
                    ["article_id", "char_start"], [dict(article_id=a, char_start=0, reason="not evidenced: no section")]),
        write_table(release, "claims", [("claim_id", "string"), ("claimant", "string"), ("summary", "string"), ("note", "string")],
                    ["claim_id"],
                    [dict(claim_id="c1", claimant="someone", summary="A <claim> & more", note="x" * 200),
                     dict(claim_id="c2", claimant="other", summary="Second claim", note="short")]),
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


def test_anchor_ids_are_unambiguous():
    assert explorer.anchor("r", "a/b", "c") != explorer.anchor("r", "a", "b/c")
    assert explorer.anchor("r", "a~2f~") != explorer.anchor("r", "a/")
    assert " " not in explorer.anchor("r", "x y")


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


def test_chromium_screenshot_is_a_picture_of_the_page(newest_release, tmp_path):
    _, html_path = newest_release
    png = explorer.screenshot(html_path, tmp_path / "shot.png", width=1000, height=800)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    with Image.open(png) as im:
        assert im.size == (1000, 800)
        colours = im.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50, "the screenshot is (nearly) blank"


def dump_dom(html_path: Path) -> str:
    """The page's DOM after Chromium loaded it (and ran its script), serialised as HTML."""
    proc = explorer.chromium(["--dump-dom"], Path(html_path).resolve().as_uri())
    if proc.returncode != 0:
        raise explorer.ExplorerError(f"chromium --dump-dom failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    return proc.stdout
