"""Evidence explorer: one static HTML page per release, every evidence span highlighted.

    python -m cartel_campaign.explorer [--version V] [-o FILE] [--screenshot PNG]

The page shows each article with its evidence spans highlighted; a highlighted passage links
to the record it supports (quote, event, designation, actor, ... any table named in
``evidence.record_table``), and every record row links back to its passages. It is one
self-contained file (inline CSS, a few lines of optional JS, no external resources) that works
from file://, and the same release gives the same bytes.

Anchor ids: ``a/<article_id>`` (article), ``t/<table>`` (table section),
``r/<table>/<record_id>`` (record row), ``s/<article_id>/<char_start>/<char_end>`` (span);
each part is kept as is if it only has letters, digits, ``.``, ``_`` and ``-``; any other
character c becomes ``~<hex of ord(c)>~``.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: Columns always shown in full for a record, whatever their length.
TEXT_COLUMNS = ("name", "title", "summary", "text", "description")
#: A column whose every value is at most this long is shown as a short "key: value" chip.
SHORT_CHARS = 40
#: Span text shown in a record's list of evidence links.
EXCERPT_CHARS = 90
#: Highlight colours (background, underline) by record table, in the order the tables are listed.
PALETTE = [
    ("#cfe3ff", "#3b78c4"),
    ("#ffe0b3", "#c77700"),
    ("#d6f5d0", "#2f8a2f"),
    ("#f7d4ec", "#b0388e"),
    ("#e4dcff", "#6a4cc2"),
    ("#d2f1f1", "#1f8585"),
    ("#f2ecc4", "#8a7a12"),
    ("#f9d0cc", "#b8382c"),
]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]


class ExplorerError(ValueError):
    """The release or the article texts are not what the page needs (message says where and what)."""


@dataclass(frozen=True)
class Record:
    table: str
    record_id: str


@dataclass
class Span:
    article_id: str
    start: int
    end: int
    text: str
    records: list[Record] = field(default_factory=list)


@dataclass
class RecordTable:
    name: str
    key: str
    columns: list[str]
    rows: list[dict] | Rows


# ---------------------------------------------------------------- reading the release

_NOT_ANCHOR = re.compile(r"[^A-Za-z0-9._-]")


@lru_cache(maxsize=65536)
def _anchor_part(value) -> str:
    return _NOT_ANCHOR.sub(lambda m: f"~{ord(m.group()):x}~", str(value))


def anchor(kind: str, *parts) -> str:
    """Element id (and fragment) for an article, table, record or span: see the module docstring."""
    return "/".join([kind, *(_anchor_part(p) for p in parts)])


def span_anchor(article_id: str, start: int, end: int) -> str:
    return anchor("s", article_id, start, end)


def record_anchor(record: Record) -> str:
    return anchor("r", record.table, record.record_id)


def read_datapackage(release_folder: Path) -> dict:
    path = Path(release_folder) / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExplorerError(f"{path}: not found (expected a release folder such as dataset/1.0.0)") from None
    except json.JSONDecodeError as e:
        raise ExplorerError(f"{path}: line {e.lineno}: not valid JSON ({e.msg})") from None


def resources_by_name(package: dict) -> dict[str, dict]:
    return {res["name"]: res for res in package.get("resources", [])}


class Rows:
    """A table's rows as dicts, made a batch at a time whenever they are iterated (a large table is
    never all Python objects at once); len() is the number of rows."""

    def __init__(self, table):
        self.table = table

    def __len__(self) -> int:
        return self.table.num_rows

    def __iter__(self):
        for batch in self.table.to_batches(max_chunksize=10_000):
            yield from batch.to_pylist()


#: The evidence columns the explorer shows.
EVIDENCE_COLUMNS = ["record_table", "record_id", "article_id", "char_start", "char_end", "text"]


def read_rows(release_folder: Path, resource: dict, columns: list[str] | None = None) -> list[dict] | Rows:
    """A table's rows as dicts, read from the release's Parquet file (only `columns`, read as needed, where given)."""
    import pyarrow.parquet as pq

    path = Path(release_folder) / resource.get("parquet_path", f"{resource['name']}.parquet")
    if not path.is_file():
        raise ExplorerError(f"{path}: not found (table {resource['name']!r} is listed in datapackage.json)")
    return pq.read_table(path).to_pylist() if columns is None else Rows(pq.read_table(path, columns=columns))


def required_table(release_folder: Path, resources: dict[str, dict], name: str, columns: list[str] | None = None) -> list[dict] | Rows:
    if name not in resources:
        raise ExplorerError(f"{Path(release_folder) / 'datapackage.json'}: no {name!r} table; the explorer needs articles and evidence")
    return read_rows(release_folder, resources[name], columns)


def record_table(release_folder: Path, resource: dict) -> RecordTable:
    key = resource["schema"].get("primaryKey")
    key = [key] if isinstance(key, str) else key
    if not key or len(key) != 1:
        raise ExplorerError(f"{Path(release_folder) / 'datapackage.json'}: table {resource['name']!r} has evidence rows, "
                            f"so it needs a single-column primaryKey for evidence.record_id; found {key!r}")
    columns = [f["name"] for f in resource["schema"]["fields"]]
    return RecordTable(resource["name"], key[0], columns, read_rows(release_folder, resource, columns))


def evidenced_tables(release_folder: Path, package: dict, evidence: list[dict]) -> list[RecordTable]:
    """Every table that evidence.record_table names, in datapackage.json's order."""
    resources = resources_by_name(package)
    named = {row["record_table"] for row in evidence}
    unknown = sorted(named - set(resources))
    if unknown:
        raise ExplorerError(f"{Path(release_folder) / 'evidence.parquet'}: record_table {unknown[0]!r} is not a table of the release "
                            f"(tables: {', '.join(resources)})")
    return [record_table(release_folder, res) for res in package["resources"] if res["name"] in named]


def read_article_text(articles_dir: Path, article: dict) -> str:
    path = Path(articles_dir) / Path(article["seed_file"]).name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExplorerError(f"{path}: article {article['article_id']} not found (articles.seed_file is {article['seed_file']!r})") from None


def collect_spans(evidence: list[dict], texts: dict[str, str], tables: list[RecordTable]) -> dict[str, list[Span]]:
    """Distinct evidence spans per article (sorted by position), each with the records it supports."""
    order = {t.name: i for i, t in enumerate(tables)}
    row_index = {(t.name, str(row[t.key])): i for t in tables for i, row in enumerate(t.rows)}
    spans: dict[tuple, Span] = {}
    for n, row in enumerate(evidence, start=1):
        where = f"evidence row {n} ({row['record_table']} {row['record_id']})"
        article_id, start, end = row["article_id"], row["char_start"], row["char_end"]
        if article_id not in texts:
            raise ExplorerError(f"{where}: article_id {article_id!r} is not in the articles table")
        if (row["record_table"], row["record_id"]) not in row_index:
            raise ExplorerError(f"{where}: no row with that primary key in {row['record_table']}")
        found = texts[article_id][start:end]
        if not 0 <= start < end <= len(texts[article_id]) or found != row["text"]:
            raise ExplorerError(f"{where}: article {article_id} [{start}:{end}] is {found!r}, evidence text is {row['text']!r} "
                                "(are the article files those of this release?)")
        span = spans.setdefault((article_id, start, end), Span(article_id, start, end, found))
        record = Record(row["record_table"], row["record_id"])
        if record not in span.records:
            span.records.append(record)
    by_article: dict[str, list[Span]] = {a: [] for a in texts}
    for key in sorted(spans, key=lambda k: (k[1], -k[2])):
        span = spans[key]
        span.records.sort(key=lambda r: (order[r.table], row_index[(r.table, r.record_id)]))
        by_article[span.article_id].append(span)
    return by_article


# ---------------------------------------------------------------- article text with highlights

def segments(text_length: int, spans: list[Span]) -> list[tuple[int, int, list[Span]]]:
    """Cut the text at every span boundary: (start, end, spans covering it, innermost first)."""
    cuts = sorted({0, text_length, *(s.start for s in spans), *(s.end for s in spans)})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s.start <= start and end <= s.end]
        covering.sort(key=lambda s: (s.end - s.start, -s.start, s.end))
        out.append((start, end, covering))
    return out


def colour_class(tables: list[RecordTable], record: Record) -> str:
    return f"c{[t.name for t in tables].index(record.table) % len(PALETTE)}"


def records_title(covering: list[Span]) -> str:
    seen = []
    for span in covering:
        seen += [f"{r.table} {r.record_id}" for r in span.records if f"{r.table} {r.record_id}" not in seen]
    return "; ".join(seen)


def segment_html(text: str, covering: list[Span], tables: list[RecordTable]) -> str:
    """A plain run of text, or a link to the first record of the innermost span covering it."""
    if not covering:
        return html.escape(text)
    target = covering[0].records[0]
    classes = ["ev", colour_class(tables, target)]
    if len(covering) > 1:
        classes.append("u" + colour_class(tables, covering[1].records[0])[1:])
    ids = " ".join(span_anchor(s.article_id, s.start, s.end) for s in covering)
    return (f'<a class="{" ".join(classes)}" href="#{html.escape(record_anchor(target))}" data-spans="{html.escape(ids)}" '
            f'title="{html.escape(records_title(covering))}">{html.escape(text)}</a>')


def extra_links(span: Span, linked: set[Record], tables: list[RecordTable]) -> str:
    """Links, after a span, to the records its highlighted text does not already link to."""
    return "".join(f'<sup><a class="more {colour_class(tables, r)}" href="#{html.escape(record_anchor(r))}" '
                   f'title="{html.escape(f"{r.table} {r.record_id}")}">+{html.escape(r.table)}</a></sup>'
                   for r in span.records if r not in linked)


def article_text_html(text: str, spans: list[Span], tables: list[RecordTable]) -> str:
    cut = segments(len(text), spans)
    linked: dict[tuple[int, int], set[Record]] = {(s.start, s.end): set() for s in spans}
    for _, _, covering in cut:
        if covering:
            linked[covering[0].start, covering[0].end].add(covering[0].records[0])
    starting: dict[int, list[Span]] = {}
    ending: dict[int, list[Span]] = {}
    for s in spans:
        starting.setdefault(s.start, []).append(s)
        ending.setdefault(s.end, []).insert(0, s)  # reversed span order
    parts = []
    for start, end, covering in cut:
        parts += [f'<span class="anchor" id="{html.escape(span_anchor(s.article_id, s.start, s.end))}"></span>'
                  for s in starting.pop(start, ())]
        parts.append(segment_html(text[start:end], covering, tables))
        parts += [extra_links(s, linked[s.start, s.end], tables) for s in ending.pop(end, ())]
    return "".join(parts)


def article_records_html(spans: list[Span], tables: list[RecordTable], positions: dict) -> str:
    """Beside the text: the records this article backs, by table (in table order: `positions`, each
    record's row number, computed once for all articles), each a link to its row."""
    records = {r for s in spans for r in s.records}
    groups = []
    for table in tables:
        mine = sorted((r for r in records if r.table == table.name and r in positions), key=positions.get)
        if mine:
            links = "".join(f'<li><a href="#{html.escape(record_anchor(r))}">{html.escape(r.record_id)}</a></li>' for r in mine)
            groups.append(f'<h3><span class="swatch {colour_class(tables, mine[0])}"></span>{html.escape(table.name)} ({len(mine)})</h3><ul>{links}</ul>')
    return f'<aside>{"".join(groups)}</aside>'


def article_html(article: dict, text: str, spans: list[Span], tables: list[RecordTable], positions: dict) -> str:
    title = article.get("title") or ""
    n_records = len({r for s in spans for r in s.records})
    article_id = html.escape(article["article_id"])
    heading = html.escape(title) if title else f"Article {article_id}"
    return (f'<section class="article" id="{html.escape(anchor("a", article["article_id"]))}">\n'
            f'<h2>{heading}</h2>\n<p class="meta">article <code>{article_id}</code> · {"" if title else "no headline · "}'
            f'{len(spans)} evidence spans · {n_records} records</p>\n<div class="cols">'
            f'<div class="text">{article_text_html(text, spans, tables)}</div>\n{article_records_html(spans, tables, positions)}</div>\n</section>\n')


# ---------------------------------------------------------------- record tables

def cell_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def shown_columns(table: RecordTable) -> tuple[list[str], list[str]]:
    """(full-text columns, short columns) to show for each row, primary key left out."""
    text = [c for c in table.columns if c in TEXT_COLUMNS]
    candidates = [c for c in table.columns if c != table.key and c not in text]
    long: set[str] = set()
    for row in table.rows:  # one pass over the rows
        long.update(c for c in candidates if c not in long and len(cell_text(row.get(c))) > SHORT_CHARS)
    short = [c for c in candidates if c not in long]
    return text, short


def evidence_link(span: Span) -> str:
    excerpt = span.text if len(span.text) <= EXCERPT_CHARS else span.text[:EXCERPT_CHARS - 1].rstrip() + "…"
    return (f'<li><a href="#{html.escape(span_anchor(span.article_id, span.start, span.end))}">{html.escape(excerpt)}</a> '
            f'<span class="where">{html.escape(span.article_id)} [{span.start}:{span.end}]</span></li>')


def record_row_html(table: RecordTable, row: dict, spans: list[Span], cls: str, columns: tuple[list[str], list[str]]) -> str:
    """One record's row; `columns` is shown_columns(table), computed once per table (it reads every row)."""
    record = Record(table.name, str(row[table.key]))
    text_cols, short_cols = columns
    texts = "".join(f'<p>{html.escape(cell_text(row.get(c)))}</p>' for c in text_cols if cell_text(row.get(c)))
    chips = "".join(f'<span class="chip"><b>{html.escape(c)}</b> {html.escape(cell_text(row.get(c)))}</span>'
                    for c in short_cols if cell_text(row.get(c)))
    links = "".join(evidence_link(s) for s in spans) or '<li class="none">no evidence rows</li>'
    rid = html.escape(record_anchor(record))
    return (f'<tr id="{rid}" class="{cls}"><th><a href="#{rid}">{html.escape(record.record_id)}</a></th>'
            f'<td>{texts}<div class="chips">{chips}</div></td><td><ul class="spans">{links}</ul></td></tr>\n')


def table_html(table: RecordTable, spans_of: dict[Record, list[Span]], tables: list[RecordTable]):
    """A table's section, in pieces (the head, then one piece per row, then the end)."""
    cls = colour_class(tables, Record(table.name, ""))
    columns = shown_columns(table)
    n_spans = sum(len(spans_of.get(Record(table.name, str(row[table.key])), [])) for row in table.rows)
    yield (f'<section class="records" id="{html.escape(anchor("t", table.name))}">\n'
           f'<h2><span class="swatch {cls}"></span>{html.escape(table.name)}</h2>\n'
           f'<p class="meta">{len(table.rows)} rows · {n_spans} evidence spans · primary key <code>{html.escape(table.key)}</code></p>\n'
           f'<table><thead><tr><th>{html.escape(table.key)}</th><th>row</th><th>evidence (click to see it in the article)</th></tr></thead>\n'
           f'<tbody>\n')
    for row in table.rows:
        yield record_row_html(table, row, spans_of.get(Record(table.name, str(row[table.key])), []), cls, columns)
    yield '</tbody></table>\n</section>\n'


# ---------------------------------------------------------------- page

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1d1f;margin:0;background:#fafafa}
header,main{max-width:1180px;margin:0 auto;padding:0 24px}
header{padding-top:18px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;margin:0 0 2px}
.meta{color:#666;margin:0 0 10px;font-size:13px}
nav{font-size:13px;margin:6px 0}
nav a{margin-right:10px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;list-style:none;padding:8px 12px;margin:10px 0 18px;background:#fff;
border:1px solid #ddd;border-radius:6px;font-size:13px}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;margin-right:6px;border:1px solid rgba(0,0,0,.2)}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:14px 18px;margin:0 0 18px}
.cols{display:flex;gap:28px;align-items:flex-start}
.text{white-space:pre-wrap;font:16px/1.75 Georgia,"DejaVu Serif",serif;max-width:78ch;flex:1 1 auto}
aside{flex:0 0 300px;font-size:12.5px;border-left:1px solid #e6e6e6;padding-left:16px}
aside h3{font-size:13px;margin:4px 0 2px}
aside ul{margin:0 0 8px;padding-left:18px}
aside a{word-break:break-word}
a.ev{color:inherit;text-decoration:none;border-radius:2px;padding:1px 0}
a.ev:hover,a.ev:focus{outline:2px solid #333}
a.ev.hit{outline:2px solid #d40;background:#ffe36b}
a.more{font:bold 10px system-ui,sans-serif;text-decoration:none;padding:0 3px;border-radius:3px;margin-left:1px}
.anchor{scroll-margin-top:40vh}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{text-align:left;vertical-align:top;border-top:1px solid #e6e6e6;padding:6px 8px}
thead th{border-top:none;color:#666;font-weight:600}
tbody th{font:600 12.5px ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-word;width:22%;border-left:5px solid transparent}
tbody th a{color:inherit;text-decoration:none}
td p{margin:0 0 4px}
tr:target{background:#fff6bf;outline:2px solid #d40}
tr{scroll-margin-top:30vh}
.chips{display:flex;flex-wrap:wrap;gap:3px 6px}
.chip{background:#f1f1f1;border-radius:3px;padding:0 5px;font-size:12px}
.chip b{font-weight:600;color:#555}
ul.spans{margin:0;padding-left:16px;width:330px}
ul.spans li{margin-bottom:3px}
.where{color:#888;font-size:11.5px;white-space:nowrap}
.none{color:#999;list-style:none}
"""

JS = """(function(){
function mark(){
var hits=document.querySelectorAll('.hit');for(var i=0;i<hits.length;i++)hits[i].classList.remove('hit');
var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
var segs=document.querySelectorAll('[data-spans]');
for(var j=0;j<segs.length;j++)if(segs[j].getAttribute('data-spans').split(' ').indexOf(id)>=0)segs[j].classList.add('hit');
}
window.addEventListener('hashchange',mark);mark();
})();"""


def palette_css(n_tables: int) -> str:
    rules = []
    for i in range(min(n_tables, len(PALETTE))):
        bg, line = PALETTE[i]
        rules.append(f"a.ev.c{i},.swatch.c{i}{{background:{bg}}} a.ev.u{i}{{box-shadow:inset 0 -2px 0 {line}}} "
                     f"a.more.c{i}{{color:{line};background:{bg}}} tr.c{i} th{{border-left-color:{line}}} .swatch.c{i}{{border-color:{line}}}")
    return "\n".join(rules)


def legend_html(tables: list[RecordTable]) -> str:
    items = "".join(f'<li><a href="#{html.escape(anchor("t", t.name))}"><span class="swatch {colour_class(tables, Record(t.name, ""))}"></span>'
                    f'{html.escape(t.name)}</a></li>' for t in tables)
    return (f'<ul class="legend">{items}<li class="note">highlight colour = the innermost span\'s table; '
            'a coloured underline = the passage also lies inside a longer span; '
            '<b>+table</b> = more records backed by the same span</li></ul>')


def render(release_folder: Path, articles_dir: Path) -> str:
    """The evidence explorer page of one release folder (dataset/<version>/) as one HTML string."""
    return "".join(pieces(release_folder, articles_dir))


def write(release_folder: Path, articles_dir: Path, out: Path) -> None:
    """Write the page to out piece by piece: a large release's page is never one string in memory."""
    chunks = pieces(release_folder, articles_dir)
    first = next(chunks)  # the release is read and checked before the file is opened
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(first)
        for chunk in chunks:
            f.write(chunk)


def pieces(release_folder: Path, articles_dir: Path):
    """The page of render(), in pieces: the head, each article, each table's rows, the end."""
    release_folder, articles_dir = Path(release_folder), Path(articles_dir)
    package = read_datapackage(release_folder)
    resources = resources_by_name(package)
    articles = required_table(release_folder, resources, "articles")
    evidence = required_table(release_folder, resources, "evidence", EVIDENCE_COLUMNS)
    tables = evidenced_tables(release_folder, package, evidence)
    texts = {a["article_id"]: read_article_text(articles_dir, a) for a in articles}
    spans = collect_spans(evidence, texts, tables)
    spans_of: dict[Record, list[Span]] = {}
    for article_spans in spans.values():
        for span in article_spans:
            for record in span.records:
                spans_of.setdefault(record, []).append(span)
    version = package.get("version", release_folder.name)
    name = package.get("name", "dataset")
    nav_articles = " ".join(f'<a href="#{html.escape(anchor("a", a["article_id"]))}">{html.escape(a["article_id"])}</a>' for a in articles)
    nav_tables = " ".join(f'<a href="#{html.escape(anchor("t", t.name))}">{html.escape(t.name)}</a>' for t in tables)
    positions = {Record(t.name, str(row[t.key])): i for t in tables for i, row in enumerate(t.rows)}
    yield "".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<title>Evidence explorer · {html.escape(name)} {html.escape(version)}</title>\n',
        f'<style>{CSS}{palette_css(len(tables))}\n</style>\n</head>\n<body>\n<header>\n',
        f'<h1>Evidence explorer · {html.escape(name)} {html.escape(version)}</h1>\n',
        f'<p class="meta">{len(articles)} articles · {len(evidence)} evidence rows · '
        f'{sum(len(s) for s in spans.values())} distinct spans · generated from dataset/{html.escape(version)}/ by '
        '<code>python -m cartel_campaign.explorer</code>. Click a highlighted passage to go to the record it supports; '
        'click a record\'s evidence to come back.</p>\n',
        f'<nav>Articles: {nav_articles}</nav>\n<nav>Records: {nav_tables}</nav>\n',
        legend_html(tables), '\n</header>\n<main>\n'])
    for a in articles:
        yield article_html(a, texts[a["article_id"]], spans[a["article_id"]], tables, positions)
    for t in tables:
        yield from table_html(t, spans_of, tables)
    yield f'</main>\n<script>\n{JS}\n</script>\n</body>\n</html>\n'


# ---------------------------------------------------------------- headless Chromium

def chromium(args: list[str], url: str, timeout: float = 120):
    """Run headless Chromium (Debian's /usr/bin/chromium) on url with a throwaway profile."""
    import shutil
    import subprocess
    import tempfile

    exe = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if exe is None:
        raise ExplorerError(f"chromium not found ({CHROMIUM}); install it with apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="explorer-chromium-") as profile:
        return subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
                              capture_output=True, text=True, timeout=timeout)


def screenshot(html_path: Path, png_path: Path, width: int = 1280, height: int = 1100) -> Path:
    """PNG of the top of the page at html_path as Chromium draws it.

    (Headless Chromium draws a blank page when the URL has a #fragment, so there is no
    option to scroll.)
    """
    png_path = Path(png_path).resolve()
    proc = chromium([f"--screenshot={png_path}", f"--window-size={width},{height}"], Path(html_path).resolve().as_uri())
    if proc.returncode != 0 or not png_path.is_file():
        raise ExplorerError(f"chromium could not take the screenshot (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    return png_path


# ---------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    from . import data_root, versions

    parser = argparse.ArgumentParser(prog="python -m cartel_campaign.explorer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", help="release to show (default: newest)")
    parser.add_argument("-o", "--output", type=Path, help="write the page here (default: standard output)")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="also save a screenshot of the page (needs chromium)")
    args = parser.parse_args(argv)
    try:
        root = data_root()
        known = versions(root, drafts=True)
        version = args.version or (known[-1] if known else None)
        if version not in known:
            print(f"error: unknown version {version!r}; published: {', '.join(known) or 'none'}", file=sys.stderr)
            return 2
        release = root / "dataset" / version
        if args.output:
            write(release, root / "seeds", args.output)
        elif not args.screenshot:
            for chunk in pieces(release, root / "seeds"):
                sys.stdout.write(chunk)
        if args.screenshot:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                html_path = args.output or Path(tmp) / f"{version}.html"
                if not args.output:
                    write(release, root / "seeds", html_path)
                screenshot(html_path, args.screenshot)
    except (ExplorerError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
