"""Evidence explorer: one static HTML page per release, every evidence span highlighted.

    python -m cartel_campaign.explorer [--version V] [-o FILE] [--screenshot PNG [--size WxH]]

The page shows each article (named by its headline, or its first words where it has none) with its
evidence spans highlighted; a highlighted passage links to the record it supports (quote, event,
designation, actor, ... any table named in ``evidence.record_table``), and every record row links back
to its passages. A record's foreign keys (datapackage.json's single-column foreignKeys to a table on
the page) are links to their record, shown by its name (actors) or label (articles). A search box
(words, names, ids; accents and case ignored) and filters by table and by type (each table's first
``*_type`` column) narrow the articles and records shown; they are the page's plain script, and without
JavaScript they are hidden and everything reads in full. The layout reflows to one column on a phone
(390 px: no horizontal scrolling). It is one self-contained file (inline CSS and script, no external
resources) that works from file://, and the same release gives the same bytes.

Each article's section is article_html(part), a pure function of the article's text, spans and
labels (ArticlePart): render/write(store=...) keep each section in a store of generated docs (the build's
keptdocs.DocsStore: get(name, inputs, make)) by its content (and this module's source) and take it from
there when the same article comes again; the page is the same bytes.

Anchor ids: ``a/<article_id>`` (article), ``t/<table>`` (table section),
``r/<table>/<record_id>`` (record row), ``s/<article_id>/<char_start>/<char_end>`` (span);
each part is kept as is if it only has letters, digits, ``.``, ``_`` and ``-``; any other
character c becomes ``~<hex of ord(c)>~``.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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


class Record(NamedTuple):
    table: str
    record_id: str


@dataclass
class Span:
    article_id: str
    start: int
    end: int
    text: str
    records: list[Record] = field(default_factory=list)
    anchor: str = field(init=False, repr=False, compare=False)  # span_anchor of the span (made once)

    def __post_init__(self):
        self.anchor = span_anchor(self.article_id, self.start, self.end)


@dataclass
class RecordTable:
    """A table that evidence names: its columns in Arrow (read column by column, never as Python rows)
    and each row's record id (the str of its primary key), in row order. Where source is given, data holds
    only the columns the whole page reads (its key, name and type column: record_table), and column() and rows()
    read from source when the table's section is made (one table's shown columns in memory at a time)."""
    name: str
    key: str
    columns: list[str]
    data: pa.Table
    ids: list[str] = field(init=False)
    source: Path | None = None

    def __post_init__(self):
        self.ids = list(map(str, self.data.column(self.key).to_pylist()))

    def column(self, name: str) -> pa.ChunkedArray:
        """One column of the table (from data where it holds it, else read alone from source)."""
        if name in self.data.column_names:
            return self.data.column(name)
        return self.rows([name]).column(0)

    def rows(self, columns: list[str]) -> pa.Table:
        """These columns of the table, in their order here."""
        if self.source is None:
            return self.data.select(columns)
        import pyarrow.parquet as pq

        return pq.read_table(self.source, columns=columns)

    def texts(self, column: str) -> list[str]:
        """cell_text of every value of a column, in row order."""
        return column_texts(self.data.column(column)).to_pylist()


# ---------------------------------------------------------------- reading the release

_NOT_ANCHOR = re.compile(r"[^A-Za-z0-9._-]")
#: Anchor parts and record anchors kept once made, at most this many of each (the most recent): an article's
#: records come back in its spans and rows, while a large release's records, all kept, would be memory that grows.
ANCHORS_KEPT = 8192


@lru_cache(maxsize=ANCHORS_KEPT)
def _anchor_part(value) -> str:
    return _NOT_ANCHOR.sub(lambda m: f"~{ord(m.group()):x}~", str(value))


def anchor_parts(values: pa.Array) -> pa.Array:
    """_anchor_part of every value of an Arrow string column: the value where it is kept as it is (checked
    column-wise), else made in Python."""
    kept = pc.match_substring_regex(values, "^[A-Za-z0-9._-]*$")
    if pc.all(kept).as_py():
        return values
    made = [None if keep else _anchor_part(v) for v, keep in zip(values.to_pylist(), kept.to_pylist())]
    return pc.if_else(kept, values, pa.array(made, pa.string()))


def anchor(kind: str, *parts) -> str:
    """Element id (and fragment) for an article, table, record or span: see the module docstring. It has
    only letters, digits, ``.``, ``_``, ``-``, ``~`` and ``/``: html.escape leaves it as it is."""
    return "/".join([kind, *map(_anchor_part, parts)])


def span_anchor(article_id: str, start: int, end: int) -> str:
    return f"s/{_anchor_part(article_id)}/{start:d}/{end:d}"  # an integer is kept as is: anchor("s", article_id, start, end)


@lru_cache(maxsize=ANCHORS_KEPT)
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


#: The evidence columns the explorer shows.
EVIDENCE_COLUMNS = ["record_table", "record_id", "article_id", "char_start", "char_end", "text"]


def table_path(release_folder: Path, resource: dict) -> Path:
    return Path(release_folder) / resource.get("parquet_path", f"{resource['name']}.parquet")


def read_table(release_folder: Path, resource: dict, columns: list[str] | None = None, tables: dict | None = None) -> pa.Table:
    """A table of the release, read from its Parquet file, or taken from `tables` where given (only `columns` where given)."""
    if tables is not None:
        table = tables[resource["name"]]
        return table if columns is None else table.select(columns)
    import pyarrow.parquet as pq

    path = table_path(release_folder, resource)
    if not path.is_file():
        raise ExplorerError(f"{path}: not found (table {resource['name']!r} is listed in datapackage.json)")
    return pq.read_table(path, columns=columns)


def required_table(release_folder: Path, resources: dict[str, dict], name: str, columns: list[str] | None = None,
                   tables: dict | None = None) -> pa.Table:
    if name not in resources:
        raise ExplorerError(f"{Path(release_folder) / 'datapackage.json'}: no {name!r} table; the explorer needs articles and evidence")
    return read_table(release_folder, resources[name], columns, tables)


def record_table(release_folder: Path, resource: dict, tables: dict | None = None) -> RecordTable:
    key = resource["schema"].get("primaryKey")
    key = [key] if isinstance(key, str) else key
    if not key or len(key) != 1:
        raise ExplorerError(f"{Path(release_folder) / 'datapackage.json'}: table {resource['name']!r} has evidence rows, "
                            f"so it needs a single-column primaryKey for evidence.record_id; found {key!r}")
    columns = [f["name"] for f in resource["schema"]["fields"]]
    if tables is not None:  # held in memory: every column at hand, none read
        return RecordTable(resource["name"], key[0], columns, tables[resource["name"]])
    first = [c for c in columns if c in {key[0], "name", type_column(columns, key[0])}]
    return RecordTable(resource["name"], key[0], columns, read_table(release_folder, resource, first), table_path(release_folder, resource))


def evidenced_tables(release_folder: Path, package: dict, evidence: pa.Table, tables: dict | None = None) -> list[RecordTable]:
    """Every table that evidence.record_table names, in datapackage.json's order (tables: as pieces)."""
    resources = resources_by_name(package)
    named = set(pc.unique(evidence.column("record_table")).to_pylist())
    unknown = sorted(named - set(resources))
    if unknown:
        raise ExplorerError(f"{Path(release_folder) / 'evidence.parquet'}: record_table {unknown[0]!r} is not a table of the release "
                            f"(tables: {', '.join(resources)})")
    return [record_table(release_folder, res, tables) for res in package["resources"] if res["name"] in named]


#: The articles' columns the page reads (those the release's articles table has).
ARTICLE_COLUMNS = ("article_id", "seed_file", "title")


def article_columns(resource: dict | None) -> list[str] | None:
    """ARTICLE_COLUMNS, those of the articles table (None: no such table, which required_table reports)."""
    if resource is None:
        return None
    names = {f["name"] for f in resource["schema"]["fields"]}
    return [c for c in ARTICLE_COLUMNS if c in names]


def read_article_text(articles_dir: Path, article: dict) -> str:
    path = Path(articles_dir) / Path(article["seed_file"]).name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExplorerError(f"{path}: article {article['article_id']} not found (articles.seed_file is {article['seed_file']!r})") from None


#: Evidence rows read into Python values at a time.
EVIDENCE_ROWS_AT_ONCE = 8192


def evidence_rows(evidence: pa.Table, columns: list[str] = EVIDENCE_COLUMNS):
    """evidence's columns (EVIDENCE_COLUMNS unless given), row by row as tuples, made into Python values
    EVIDENCE_ROWS_AT_ONCE rows at a time (never every row's values at once)."""
    for start in range(0, evidence.num_rows, EVIDENCE_ROWS_AT_ONCE):
        part = evidence.slice(start, EVIDENCE_ROWS_AT_ONCE)
        yield from zip(*(part.column(c).to_pylist() for c in columns))


@dataclass
class Evidence:
    """The page's evidence, in Arrow: each distinct (span, record) pair once, as integer columns (article: the
    article's row in the articles table; start, end; record: the record's place on the page, Context.positions;
    row: an evidence row of the pair, for its text), sorted by article, start, end descending, record, as the
    articles show them. An article's pairs are one run of rows (articles_at); by_record orders them by record,
    then as above, as the record rows list them, and links_at[p]:links_at[p + 1] are record p's."""
    pairs: pa.Table
    texts: pa.ChunkedArray  # evidence.text
    n_spans: int
    articles_at: np.ndarray
    by_record: pa.Array
    links_at: np.ndarray
    places: pa.Table  # by article row: its anchor part (anchor) and its short label, escaped (where)


def record_positions(evidence: pa.Table, tables: list[RecordTable]) -> pa.Array:
    """Each evidence row's record's place on the page (its table's offset plus its row), null where the
    table has no row with that primary key."""
    found = pa.nulls(evidence.num_rows, pa.int64())
    offset = 0
    for t in tables:
        rows = pc.index_in(evidence.column("record_id"), value_set=pa.array(t.ids, pa.string()))
        found = pc.if_else(pc.equal(evidence.column("record_table"), t.name), pc.add(pc.cast(rows, pa.int64()), offset), found)
        offset += len(t.ids)
    return found


def check_evidence(evidence: pa.Table, articles: pa.Array, records: pa.Array, texts: list[str], tables: list[RecordTable]) -> None:
    """The first evidence row whose article or record is not on the page, or whose text is not the article's
    text at its place, is an error (articles: each row's article's row in the articles table; records: its
    record_positions; texts: the articles'). Rows are checked in their order, as a row-by-row check would."""
    missing = pc.or_(pc.is_null(articles), pc.is_null(records))
    last = pc.index(missing, True).as_py()
    checked = evidence.select(["char_start", "char_end", "text"]).append_column("article", articles)
    if last >= 0:
        checked = checked.slice(0, last)
    for n, (start, end, text, article) in enumerate(evidence_rows(checked, ["char_start", "char_end", "text", "article"]), start=1):
        if not 0 <= start < end <= len(texts[article]) or texts[article][start:end] != text:
            raise evidence_error(evidence, n, texts, articles, tables)
    if last >= 0:
        raise evidence_error(evidence, last + 1, texts, articles, tables)


def evidence_error(evidence: pa.Table, n: int, texts: list[str], articles: pa.Array, tables: list[RecordTable]) -> ExplorerError:
    """What is wrong with evidence row n (from 1): its article, else its record, else its text."""
    table, record_id, article_id, start, end, text = next(evidence_rows(evidence.slice(n - 1, 1)))
    if not articles[n - 1].is_valid:
        return ExplorerError(f"evidence row {n} ({table} {record_id}): article_id {article_id!r} is not in the articles table")
    if not any(t.name == table and record_id in t.ids for t in tables):
        return ExplorerError(f"evidence row {n} ({table} {record_id}): no row with that primary key in {table}")
    found = texts[articles[n - 1].as_py()][start:end]
    return ExplorerError(f"evidence row {n} ({table} {record_id}): article {article_id} [{start}:{end}] is {found!r}, "
                         f"evidence text is {text!r} (are the article files those of this release?)")


def _starts(*columns: pa.Array) -> pa.Array:
    """True in the first row and in each row where any of the columns differs from the row before."""
    if len(columns[0]) == 0:
        return pa.array([], pa.bool_())
    changed = None
    for c in columns:
        differs = pc.not_equal(c.slice(1), c.slice(0, len(c) - 1))
        changed = differs if changed is None else pc.or_(changed, differs)
    return pa.concat_arrays([pa.array([True]), changed])


def _run_bounds(sorted_values: np.ndarray, n: int) -> np.ndarray:
    """bounds[i]:bounds[i + 1] are the rows holding value i of sorted_values (integers 0..n-1, ascending)."""
    return np.searchsorted(sorted_values, np.arange(n + 1), side="left")


def read_evidence(evidence: pa.Table, article_ids: list[str], texts: list[str], tables: list[RecordTable],
                  short_labels: list[str]) -> Evidence:
    """Evidence of the page: checked (check_evidence), each (span, record) pair once, sorted (see Evidence);
    article_ids, texts, short_labels: the articles', in their table's order."""
    articles = pc.index_in(evidence.column("article_id"), value_set=pa.array(article_ids, pa.string()))
    records = record_positions(evidence, tables)
    check_evidence(evidence, articles, records, texts, tables)
    rows = pa.table({"article": pc.cast(articles, pa.int64()), "start": evidence.column("char_start"),
                     "end": evidence.column("char_end"), "record": records,
                     "row": pa.array(np.arange(evidence.num_rows, dtype=np.int64))})
    rows = rows.take(pc.sort_indices(rows, [("article", "ascending"), ("start", "ascending"), ("end", "descending"),
                                            ("record", "ascending"), ("row", "ascending")]))
    columns = [rows.column(c).combine_chunks() for c in ("article", "start", "end", "record")]
    pairs = rows.filter(_starts(*columns))  # a record backed twice by the same span: once
    columns = [pairs.column(c).combine_chunks() for c in ("article", "start", "end")]
    n_spans = pc.sum(_starts(*columns)).as_py() or 0
    by_record = pc.sort_indices(pairs, [("record", "ascending"), ("article", "ascending"), ("start", "ascending"),
                                        ("end", "descending")])
    n_records = sum(len(t.ids) for t in tables)
    links_at = np.concatenate([[0], np.cumsum(np.bincount(pairs.column("record").to_numpy(), minlength=n_records))])
    places = pa.table({"anchor": pa.array([_anchor_part(a) for a in article_ids], pa.string()),
                       "where": pa.array([html.escape(label) for label in short_labels], pa.string())})
    return Evidence(pairs, evidence.column("text"), n_spans, _run_bounds(columns[0].to_numpy(), len(article_ids)), by_record,
                    links_at, places)


def article_spans(ev: Evidence, i: int, article_id: str, text: str, records: list[Record]) -> list[Span]:
    """Article i's distinct spans (by start, then end descending), each with the records it backs in page order
    (records: every record, in page order)."""
    part = ev.pairs.slice(ev.articles_at[i], ev.articles_at[i + 1] - ev.articles_at[i])
    spans: list[Span] = []
    for start, end, record in zip(*(part.column(c).to_pylist() for c in ("start", "end", "record"))):
        if not spans or spans[-1].start != start or spans[-1].end != end:
            spans.append(Span(article_id, start, end, text[start:end]))
        spans[-1].records.append(records[record])
    return spans


# ---------------------------------------------------------------- what links show: labels, foreign keys, types

ARTICLES = "articles"
#: An untitled article's label is its first words, at most this many characters.
LABEL_CHARS = 60
#: An article named in a record row (a foreign key, an evidence passage's place) shows at most this many characters.
SHORT_LABEL_CHARS = 40


def shortened(text: str, limit: int) -> str:
    """text on one line, cut at a word to at most limit characters (with "…" where cut)."""
    text = one_line_start(text, limit + 1)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:.") + "…"


def one_line_start(text: str, n: int) -> str:
    """" ".join(text.split()), or where that is longer than n characters a longer start of it, made from the
    start of text only (one line of a prefix of text is a prefix of text's one line)."""
    end = 2 * n
    while True:
        line = " ".join(text[:end].split())
        if len(line) >= n or end >= len(text):
            return line
        end *= 2


def article_label(article: dict, text: str, limit: int = LABEL_CHARS) -> str:
    """The article's headline (cut to limit characters), or where it has none its first words in quotes."""
    title = " ".join((article.get("title") or "").split())
    return shortened(title, limit) if title else f"“{shortened(text, limit - 2)}”"


def foreign_keys(resource: dict) -> dict[str, tuple[str, str]]:
    """{column: (table it refers to, column there)} for each single-column foreign key of a table in datapackage.json."""
    out: dict[str, tuple[str, str]] = {}
    for fk in resource["schema"].get("foreignKeys", []):
        fields = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
        ref = fk["reference"]
        ref_fields = [ref.get("fields")] if isinstance(ref.get("fields"), str) else ref.get("fields") or []
        if len(fields) == 1 and len(ref_fields) == 1:
            out.setdefault(fields[0], (ref.get("resource") or resource["name"], ref_fields[0]))
    return out


def type_column(columns: list[str], key: str) -> str | None:
    """The column the page filters a table by: its first ``*_type`` column (event_type, claim_type, ...)."""
    return next((c for c in columns if c.endswith("_type") and c != key), None)


@dataclass
class Context:
    """What the page's parts read besides their own rows: each table's colour, the foreign keys that are
    links, every record on the page (in table order) and the label a link to it shows, the articles' labels."""
    tables: list[RecordTable]
    colours: dict[str, str]
    links: dict[str, dict[str, str]]  # table -> {column: table it links to (articles or an evidenced table)}
    positions: dict[Record, int]  # every record on the page -> its row number in table order
    names: dict[Record, str]  # records of a table with a 'name' column -> that name
    articles: dict[str, tuple[str, str]]  # article_id -> (label, short label)
    types: dict[str, list[str]]  # table -> the values of its type column, sorted
    made: dict = field(default_factory=dict)  # markup already made for a (target, value) link, in the section being made


def context(package: dict, tables: list[RecordTable], articles: list[dict], texts: dict[str, str]) -> Context:
    resources = resources_by_name(package)
    keys = {t.name: t.key for t in tables} | {ARTICLES: "article_id"}
    links = {t.name: {c: target for c, (target, column) in foreign_keys(resources[t.name]).items()
                      if keys.get(target) == column and c in t.columns} for t in tables}
    positions: dict[Record, int] = {}
    names: dict[Record, str] = {}
    types: dict[str, list[str]] = {}
    for t in tables:  # the ids, names and types, column by column
        for rid in t.ids:
            positions[Record(t.name, rid)] = len(positions)
        if "name" in t.columns:
            names.update((Record(t.name, rid), name) for rid, name in zip(t.ids, t.texts("name")) if name)
        tcol = type_column(t.columns, t.key)
        seen = set(t.texts(tcol)) - {""} if tcol else set()
        if seen:
            types[t.name] = sorted(seen)
    labels = {a["article_id"]: (article_label(a, texts[a["article_id"]]),
                                article_label(a, texts[a["article_id"]], SHORT_LABEL_CHARS)) for a in articles}
    colours = {t.name: f"c{i % len(PALETTE)}" for i, t in enumerate(tables)}
    return Context(tables, colours, links, positions, names, labels, types)


def reference_html(ctx: Context, target: str, value: str) -> str:
    """A foreign-key value as a link to its record (an article: to its section, shown by its label),
    or as plain text where the record is not on the page (made once per target and value)."""
    made = ctx.made.get((target, value))
    if made is None:
        made = ctx.made[target, value] = _reference_html(ctx, target, value)
    return made


def _reference_html(ctx: Context, target: str, value: str) -> str:
    if target == ARTICLES and value in ctx.articles:
        href, label = anchor("a", value), ctx.articles[value][1]
    elif Record(target, value) in ctx.positions:
        href, label = record_anchor(Record(target, value)), ctx.names.get(Record(target, value), value)
    else:
        return html.escape(value)
    return f'<a class="ref" href="#{html.escape(href)}" title="{html.escape(f"{target} {value}")}">{html.escape(label)}</a>'


# ---------------------------------------------------------------- article text with highlights

def segments(text_length: int, spans: list[Span]) -> list[tuple[int, int, list[Span]]]:
    """Cut the text at every span boundary: (start, end, spans covering it, innermost first)."""
    cuts = sorted({0, text_length, *(s.start for s in spans), *(s.end for s in spans)})
    starting: dict[int, list[Span]] = {}
    for s in spans:
        starting.setdefault(s.start, []).append(s)
    out, covering = [], []
    for start, end in zip(cuts, cuts[1:]):  # every span boundary is a cut: a span covers the pieces from its start to its end
        covering = [s for s in covering if s.end > start]  # still sorted
        if start in starting:
            covering = sorted(covering + starting[start], key=innermost_first)
        out.append((start, end, covering))
    return out


def innermost_first(span: Span) -> tuple[int, int, int]:
    """The order of the spans covering a piece of text: shortest first (then the one starting later)."""
    return span.end - span.start, -span.start, span.end


def records_title(covering: list[Span], labels: dict[int, list[str]]) -> str:
    """The records of the spans covering a passage, innermost first, each once (labels: each span's records as
    "table id", by id of the span)."""
    if len(covering) == 1:
        return "; ".join(labels[id(covering[0])])
    seen: list[str] = []
    for span in covering:
        seen += [label for label in labels[id(span)] if label not in seen]
    return "; ".join(seen)


def segment_html(text: str, covering: list[Span], colours: dict[str, str], labels: dict[int, list[str]]) -> str:
    """A plain run of text, or a link to the first record of the innermost span covering it."""
    if not covering:
        return html.escape(text)
    target = covering[0].records[0]
    under = f' u{colours[covering[1].records[0].table][1:]}' if len(covering) > 1 else ""
    ids = " ".join([s.anchor for s in covering])  # anchors: nothing to escape
    return (f'<a class="ev {colours[target.table]}{under}" href="#{record_anchor(target)}" data-spans="{ids}" '
            f'title="{html.escape(records_title(covering, labels))}">{html.escape(text)}</a>')


def extra_links(records: list[Record], colours: dict[str, str]) -> str:
    """Links, after a span, to the records its highlighted text does not already link to."""
    return "".join(f'<sup><a class="more {colours[r.table]}" href="#{record_anchor(r)}" '
                   f'title="{html.escape(f"{r.table} {r.record_id}")}">+{html.escape(r.table)}</a></sup>' for r in records)


def article_text_html(text: str, spans: list[Span], colours: dict[str, str]) -> str:
    cut = segments(len(text), spans)
    linked: dict[int, set[Record]] = {id(s): set() for s in spans}  # by id of the span: the records its passages link to
    for _, _, covering in cut:
        if covering:
            linked[id(covering[0])].add(covering[0].records[0])
    labels = {id(s): [f"{r.table} {r.record_id}" for r in s.records] for s in spans}
    opening: dict[int, list[str]] = {}  # the anchors of the spans starting there
    closing: dict[int, list[Span]] = {}  # the spans ending there, in reversed span order
    for s in spans:
        opening.setdefault(s.start, []).append(f'<span class="anchor" id="{s.anchor}"></span>')
        closing.setdefault(s.end, []).insert(0, s)
    parts: list[str] = []
    for start, end, covering in cut:  # every start and end is a cut: its anchors and links come once
        if start in opening:
            parts += opening[start]
        parts.append(segment_html(text[start:end], covering, colours, labels))
        for s in closing.get(end, ()):
            extra = [r for r in s.records if r not in linked[id(s)]]
            if extra:
                parts.append(extra_links(extra, colours))
    return "".join(parts)


@dataclass
class ArticlePart:
    """Everything an article's section shows; the section is article_html(part), a pure function of it,
    so it can be kept by part_inputs(part) (see cached_article_html)."""
    article_id: str
    label: str
    titled: bool
    text: str
    spans: list[Span]
    colours: dict[str, str]  # the colour class of each table its spans name
    aside: list[tuple[str, list[str]]]  # (table, record ids in table order) of the records it backs


def article_part(article: dict, text: str, spans: list[Span], ctx: Context) -> ArticlePart:
    records = sorted({r for s in spans for r in s.records if r in ctx.positions}, key=ctx.positions.get)
    aside: dict[str, list[str]] = {}
    for r in records:
        aside.setdefault(r.table, []).append(r.record_id)
    used = {r.table for s in spans for r in s.records}
    return ArticlePart(article["article_id"], ctx.articles[article["article_id"]][0], bool((article.get("title") or "").strip()),
                       text, spans, {t: c for t, c in ctx.colours.items() if t in used}, list(aside.items()))


def article_records_html(part: ArticlePart) -> str:
    """Beside the text: the records this article backs, by table, each a link to its row."""
    groups = []
    for table, ids in part.aside:
        links = "".join(f'<li><a href="#{html.escape(record_anchor(Record(table, rid)))}">{html.escape(rid)}</a></li>' for rid in ids)
        groups.append(f'<h3><span class="swatch {part.colours[table]}"></span>{html.escape(table)} ({len(ids)})</h3><ul>{links}</ul>')
    return f'<aside>{"".join(groups)}</aside>'


def article_html(part: ArticlePart) -> str:
    """An article's section: its label, its text with every span highlighted, the records it backs."""
    n_records = len({r for s in part.spans for r in s.records})
    article_id = html.escape(part.article_id)
    return (f'<section class="article" id="{html.escape(anchor("a", part.article_id))}">\n'
            f'<h2>{html.escape(part.label)}</h2>\n<p class="meta">article <code>{article_id}</code> · '
            f'{"" if part.titled else "no headline: its first words · "}{len(part.spans)} evidence spans · {n_records} records</p>\n'
            f'<div class="cols"><div class="text">{article_text_html(part.text, part.spans, part.colours)}</div>\n'
            f'{article_records_html(part)}</div>\n</section>\n')


@lru_cache(maxsize=1)
def renderer_digest() -> str:
    """sha256 of this module's source: a kept section is only reused by the code that made it."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def part_inputs(part: ArticlePart) -> list[bytes]:
    """Everything article_html(part) reads (and the code), as bytes: the name its section is kept under."""
    spans = [(s.start, s.end, [(r.table, r.record_id) for r in s.records]) for s in part.spans]
    fields = [part.article_id, part.label, part.titled, spans, sorted(part.colours.items()), part.aside]
    return [renderer_digest().encode(), json.dumps(fields, ensure_ascii=False).encode(), part.text.encode()]


class Store(Protocol):
    """Where generated docs are kept between builds (the build's keptdocs.DocsStore): get(name, inputs, make)
    gives the bytes kept for exactly these inputs, else make() (then kept); it never writes through a link."""

    def get(self, name: str, inputs: list[bytes], make: Callable[[], bytes]) -> bytes: ...


#: The name article sections are kept under in a Store.
SECTION = "explorer-section"


def cached_article_html(part: ArticlePart, store: Store | None) -> str:
    """article_html(part), taken from store where it was kept for the same part (else made, and kept there)."""
    if store is None:
        return article_html(part)
    return store.get(SECTION, part_inputs(part), lambda: article_html(part).encode()).decode()


# ---------------------------------------------------------------- record tables

#: Rows of a table made into markup at a time (a large table's markup is never all in memory at once).
ROWS_AT_ONCE = 1024
#: At most this many evidence links in the rows made at a time (a row with many passages is a long row).
LINKS_AT_ONCE = 1024


def cell_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def column_texts(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """cell_text of every value of an Arrow column, as Arrow strings (text as it is, a missing value
    empty; other types value by value in Python)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.fill_null(column, "")
    if arrow_writes_cell_text(column.type):  # Arrow writes these as str() does (booleans as cell_text does)
        return pc.fill_null(pc.cast(column, pa.string()), "")
    return pa.array([cell_text(v) for v in column.to_pylist()], pa.string())


def arrow_writes_cell_text(kind: pa.DataType) -> bool:
    """Types whose values Arrow casts to the very text cell_text gives: booleans, integers, dates."""
    return pa.types.is_boolean(kind) or pa.types.is_integer(kind) or pa.types.is_date32(kind)


#: What html.escape (quote=True) replaces, in its order (& first).
ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def escape_column(texts: pa.Array) -> pa.Array:
    """html.escape of every value of an Arrow string column."""
    for char, entity in ESCAPES:
        texts = pc.replace_substring(texts, char, entity)
    return texts


def longest(texts: pa.Array | pa.ChunkedArray) -> int:
    """The length (in characters) of the longest value of an Arrow string column (0 when it has none)."""
    return pc.max(pc.utf8_length(texts)).as_py() or 0


def longest_cell(column: pa.ChunkedArray) -> int:
    """The length of the longest cell_text of a column: a text column's values measured as they are (a missing value's
    cell is empty: never the longest), without a copy of the column."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return longest(column)
    return longest(column_texts(column))


def shown_columns(table: RecordTable, links: dict[str, str]) -> tuple[list[str], list[str], str | None]:
    """(full-text columns, short columns, type column) to show for each row, primary key left out; a foreign key
    (a column in links) is always shown, as a link. A column that is neither is shown where every value is short:
    each is read alone to see (the long ones are never read with the rows)."""
    text = [c for c in table.columns if c in TEXT_COLUMNS]
    candidates = [c for c in table.columns if c != table.key and c not in text and c not in links]
    long = {c for c in candidates if longest_cell(table.column(c)) > SHORT_CHARS}
    short = [c for c in table.columns if c in links or (c in candidates and c not in long)]
    return text, short, type_column(table.columns, table.key)


#: What str.isspace() holds (and str.rstrip() removes): tests/test_explorer.py checks it against every character.
PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                 "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def excerpts(texts: pa.Array) -> pa.Array:
    """Each span text as a record's list of passages shows it: whole up to EXCERPT_CHARS characters, else cut
    (text[:EXCERPT_CHARS - 1].rstrip() + "…")."""
    cut = _joined(pc.utf8_rtrim(pc.utf8_slice_codeunits(texts, 0, EXCERPT_CHARS - 1), characters=PY_WHITESPACE), "…")
    return pc.if_else(pc.greater(pc.utf8_length(texts), EXCERPT_CHARS), cut, texts)


def _array(column) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def evidence_links(ev: Evidence, lo: int, hi: int) -> pa.Array:
    """The link to each pair by_record[lo:hi] in its record's list of passages: the span's text (excerpts) and
    where it is (its article's short label and its place)."""
    pairs = ev.pairs.take(ev.by_record.slice(lo, hi - lo))
    article = _array(pairs.column("article"))
    start, end = (pc.cast(_array(pairs.column(c)), pa.string()) for c in ("start", "end"))
    texts = _array(ev.texts.take(_array(pairs.column("row"))))
    return _joined('<li><a href="#s/', _array(ev.places.column("anchor").take(article)), "/", start, "/", end, '">',
                   escape_column(excerpts(texts)), '</a> <span class="where">', _array(ev.places.column("where").take(article)),
                   " [", start, ":", end, "]</span></li>")


def record_links(ev: Evidence, first: int, stop: int) -> pa.Array:
    """The list of passages of each record at page places first..stop: its links (evidence_links), or a note
    that it has none."""
    lo, hi = int(ev.links_at[first]), int(ev.links_at[stop])
    offsets = pa.array(ev.links_at[first:stop + 1] - lo, pa.int32())
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, evidence_links(ev, lo, hi)), "")
    return pc.if_else(pc.equal(joined, ""), '<li class="none">no evidence rows</li>', joined)


def _joined(*parts) -> pa.Array:
    """Arrow strings (or plain str, the same in every row) joined row by row."""
    return pc.binary_join_element_wise(*parts, "")


def _when_filled(texts: pa.Array, *parts) -> pa.Array:
    """parts joined row by row, in the rows where texts is not empty ("" elsewhere)."""
    return pc.if_else(pc.not_equal(texts, ""), _joined(*parts), "")


def chip_column(ctx: Context, table: RecordTable, column: str, texts: pa.Array) -> pa.Array:
    """The chip of a short column in every row: its value, or a foreign key's link (made once per value)."""
    target = ctx.links[table.name].get(column)
    if target:
        values = pc.dictionary_encode(texts)  # each distinct value once
        made = pa.array([reference_html(ctx, target, v) for v in values.dictionary.to_pylist()], pa.string())
        shown = made.take(values.indices)
    else:
        shown = escape_column(texts)
    return _when_filled(texts, f'<span class="chip"><b>{html.escape(column)}</b> ', shown, "</span>")


def rows_html(ctx: Context, table: RecordTable, data: pa.Table, ev: Evidence, first: int,
              columns: tuple[list[str], list[str], str | None], start: int, stop: int) -> str:
    """Rows start..stop of a table's section (data: its shown columns, table.rows()), made column by column in Arrow (first: the page
    place of the table's first row); `columns` is shown_columns(table, ...), computed once per table (it reads
    every row)."""
    data, ids = data.slice(start, stop - start), table.ids[start:stop]
    text_cols, short_cols, tcol = columns
    cells = {c: column_texts(data.column(c)) for c in {*text_cols, *short_cols, *([tcol] if tcol else [])}}
    texts = [_when_filled(cells[c], "<p>", escape_column(cells[c]), "</p>") for c in text_cols]
    chips = [chip_column(ctx, table, c, cells[c]) for c in short_cols]
    kind = _when_filled(cells[tcol], ' data-type="', escape_column(cells[tcol]), '"') if tcol else ""
    links = record_links(ev, first + start, first + stop)
    ids = pa.array(ids, pa.string())
    rid = _joined(anchor("r", table.name) + "/", anchor_parts(ids))  # anchors: nothing to escape
    rows = _joined('<tr id="', rid, f'" class="{ctx.colours[table.name]}"', kind, '><th><a href="#', rid, '">',
                   escape_column(ids), '</a></th><td>', *texts, '<div class="chips">', *chips,
                   '</div></td><td><ul class="spans">', links, '</ul></td></tr>\n')
    return concatenated(rows)


def concatenated(texts: pa.Array) -> str:
    """The values of an Arrow string column (none missing) one after the other, as one str (joined in Arrow:
    never a Python str per value)."""
    whole = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(texts)], pa.int32()), texts), "")[0]
    if not whole.is_valid:
        raise ValueError("concatenated: a missing value")
    return whole.as_py()


def row_batches(links: list[int], rows_at_once: int, links_at_once: int):
    """(start, stop) of each batch of rows, in order: at most rows_at_once rows, and no more than links_at_once
    evidence links (links[i]: row i's) unless one row has more (then it is a batch on its own)."""
    start, n_links = 0, 0
    for i, n in enumerate(links):
        if i > start and (i - start == rows_at_once or n_links + n > links_at_once):
            yield start, i
            start, n_links = i, 0
        n_links += n
    if start < len(links):
        yield start, len(links)


def table_html(ctx: Context, table: RecordTable, ev: Evidence, first: int):
    """A table's section, in pieces (the head, then the rows a batch at a time (row_batches), then the end);
    first: the page place of its first row."""
    cls = ctx.colours[table.name]
    columns = shown_columns(table, ctx.links[table.name])
    text_cols, short_cols, tcol = columns
    data = table.rows(list(dict.fromkeys([*text_cols, *short_cols, *([tcol] if tcol else [])])))
    n_links = np.diff(ev.links_at[first:first + len(table.ids) + 1])
    n_spans = int(n_links.sum())
    yield (f'<section class="records" id="{html.escape(anchor("t", table.name))}" data-table="{html.escape(table.name)}">\n'
           f'<h2><span class="swatch {cls}"></span>{html.escape(table.name)}</h2>\n'
           f'<p class="meta">{len(table.ids)} rows · {n_spans} evidence spans · primary key <code>{html.escape(table.key)}</code></p>\n'
           f'<table><thead><tr><th>{html.escape(table.key)}</th><th>row</th><th>evidence (click to see it in the article)</th></tr></thead>\n'
           f'<tbody>\n')
    for start, stop in row_batches(n_links.tolist(), ROWS_AT_ONCE, LINKS_AT_ONCE):
        yield rows_html(ctx, table, data, ev, first, columns, start, stop)
    ctx.made.clear()  # kept for one table's rows: every table's links at once would grow with the release
    yield '</tbody></table>\n</section>\n'


# ---------------------------------------------------------------- page

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1d1f;margin:0;background:#fafafa}
[hidden]{display:none!important}
header,main{max-width:1180px;margin:0 auto;padding:0 24px}
header:first-of-type{padding-top:18px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;margin:0 0 2px}
.meta{color:#666;margin:0 0 10px;font-size:13px}
nav{font-size:13px;margin:6px 0}
nav a{margin-right:10px}
.tools{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;max-width:1180px;margin:0 auto 6px;
padding:8px 24px;box-sizing:border-box;background:#fafafa;border-bottom:1px solid #ddd}
.tools input{flex:1 1 240px;min-width:0;font:inherit;padding:5px 8px;border:1px solid #aaa;border-radius:4px}
.tools select{font:inherit;max-width:100%;padding:4px}
.tools output{color:#555;font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;list-style:none;padding:8px 12px;margin:10px 0 18px;background:#fff;
border:1px solid #ddd;border-radius:6px;font-size:13px}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;margin-right:6px;border:1px solid rgba(0,0,0,.2)}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:14px 18px;margin:0 0 18px}
.cols{display:flex;gap:28px;align-items:flex-start}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font:16px/1.75 Georgia,"DejaVu Serif",serif;max-width:78ch;flex:1 1 auto;min-width:0}
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
.chip{background:#f1f1f1;border-radius:3px;padding:0 5px;font-size:12px;max-width:100%;overflow-wrap:anywhere}
.chip b{font-weight:600;color:#555}
ul.spans{margin:0;padding-left:16px;width:330px}
ul.spans li{margin-bottom:3px}
.where{display:block;color:#888;font-size:11.5px}
.none{color:#999;list-style:none}
@media (max-width:760px){
header,main{padding:0 10px}
.tools{position:static;padding:6px 10px}
.tools input,.tools output{flex-basis:100%}
.tools select{flex:1 1 0;min-width:0}
h1{font-size:20px}
section{padding:10px 12px}
.cols{display:block}
aside{border-left:none;border-top:1px solid #e6e6e6;padding:8px 0 0;margin-top:10px}
table,tbody,tr,th,td{display:block}
thead{display:none}
tbody th{width:auto;border-top:2px solid #ddd}
td{border-top:none;padding:2px 8px 6px}
ul.spans{width:auto}
}
"""

JS = """(function(){
function mark(){
var hits=document.querySelectorAll('.hit');for(var i=0;i<hits.length;i++)hits[i].classList.remove('hit');
var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
var segs=document.querySelectorAll('[data-spans]');
for(var j=0;j<segs.length;j++)if(segs[j].getAttribute('data-spans').split(' ').indexOf(id)>=0)segs[j].classList.add('hit');
}
window.addEventListener('hashchange',mark);mark();
var tools=document.getElementById('tools');if(!tools)return;
var q=document.getElementById('q'),ft=document.getElementById('ft'),fy=document.getElementById('fy'),count=document.getElementById('count');
function norm(s){return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g,'').toLowerCase();}
function words(o){if(o.text===null){var s=o.el.textContent,t=o.el.querySelectorAll('[title]');
for(var i=0;i<t.length;i++)s+=' '+t[i].title;o.text=norm(s);}return o.text;}
var secs=[].slice.call(document.querySelectorAll('section.records')),rows=[],arts=[];
secs.forEach(function(sec){var trs=sec.querySelectorAll('tbody tr');
for(var i=0;i<trs.length;i++)rows.push({el:trs[i],table:sec.getAttribute('data-table'),type:trs[i].getAttribute('data-type'),text:null});});
[].forEach.call(document.querySelectorAll('section.article'),function(s){arts.push({el:s,text:null});});
function apply(){
var w=norm(q.value).split(/\\s+/).filter(Boolean),t=ft.value,y=fy.value,sp=y.indexOf(' '),yt=y.slice(0,sp),yk=y.slice(sp+1);
function ok(o){if(!w.length)return true;var h=words(o);for(var i=0;i<w.length;i++)if(h.indexOf(w[i])<0)return false;return true;}
var n=0,na=0,open={};
rows.forEach(function(r){var v=(!t||t===r.table)&&(!y||(yt===r.table&&yk===r.type))&&ok(r);r.el.hidden=!v;if(v){n++;open[r.table]=1;}});
secs.forEach(function(s){s.hidden=!open[s.getAttribute('data-table')];});
arts.forEach(function(a){var v=(!t||t==='articles')&&!y&&ok(a);a.el.hidden=!v;if(v)na++;});
count.value=na+' of '+arts.length+' articles, '+n+' of '+rows.length+' records';
}
q.addEventListener('input',apply);
ft.addEventListener('change',function(){if(fy.value&&fy.value.slice(0,fy.value.indexOf(' '))!==ft.value)fy.value='';apply();});
fy.addEventListener('change',function(){if(fy.value)ft.value=fy.value.slice(0,fy.value.indexOf(' '));apply();});
function reveal(id){var el=id&&document.getElementById(id);if(el&&el.closest('[hidden]')){q.value='';ft.value='';fy.value='';apply();return el;}}
document.addEventListener('click',function(e){var a=e.target.closest&&e.target.closest('a[href^="#"]');
if(a)reveal(decodeURIComponent(a.getAttribute('href').slice(1)));});
window.addEventListener('hashchange',function(){var el=reveal(decodeURIComponent(location.hash.slice(1)));if(el)el.scrollIntoView();});
tools.hidden=false;apply();
})();"""


def palette_css(n_tables: int) -> str:
    rules = []
    for i in range(min(n_tables, len(PALETTE))):
        bg, line = PALETTE[i]
        rules.append(f"a.ev.c{i},.swatch.c{i}{{background:{bg}}} a.ev.u{i}{{box-shadow:inset 0 -2px 0 {line}}} "
                     f"a.more.c{i}{{color:{line};background:{bg}}} tr.c{i} th{{border-left-color:{line}}} .swatch.c{i}{{border-color:{line}}}")
    return "\n".join(rules)


def legend_html(ctx: Context) -> str:
    items = "".join(f'<li><a href="#{html.escape(anchor("t", t.name))}"><span class="swatch {ctx.colours[t.name]}"></span>'
                    f'{html.escape(t.name)}</a></li>' for t in ctx.tables)
    return (f'<ul class="legend">{items}<li class="note">highlight colour = the innermost span\'s table; '
            'a coloured underline = the passage also lies inside a longer span; '
            '<b>+table</b> = more records backed by the same span</li></ul>')


def tools_html(ctx: Context) -> str:
    """The search box and the filters; hidden until the page's script shows them (without JavaScript
    the page reads in full and they are absent)."""
    tables = "".join(f'<option value="{html.escape(t.name)}">{html.escape(t.name)}</option>' for t in ctx.tables)
    groups = "".join(f'<optgroup label="{html.escape(table)}">'
                     + "".join(f'<option value="{html.escape(f"{table} {v}")}">{html.escape(v)}</option>' for v in values)
                     + '</optgroup>' for table, values in ctx.types.items())
    return ('<div class="tools" id="tools" role="search" hidden>'
            '<input type="search" id="q" placeholder="Search actors, ids, words…" aria-label="Search actors, ids and words">'
            f'<select id="ft" aria-label="Table"><option value="">all tables</option><option value="{ARTICLES}">articles</option>{tables}</select>'
            f'<select id="fy" aria-label="Type"><option value="">all types</option>{groups}</select>'
            '<output id="count" aria-live="polite"></output></div>\n')


def render(release_folder: Path, articles_dir: Path, store: Store | None = None, tables: dict | None = None) -> str:
    """The evidence explorer page of one release folder (dataset/<version>/) as one HTML string
    (article sections kept in, and taken from, store where given: the same bytes; tables: as pieces)."""
    return "".join(pieces(release_folder, articles_dir, store, tables))


def write(release_folder: Path, articles_dir: Path, out: Path, store: Store | None = None, tables: dict | None = None) -> None:
    """Write the page to out piece by piece: a large release's page is never one string in memory (and
    Arrow's memory is the system allocator's meanwhile: system_memory_pool)."""
    with system_memory_pool():
        chunks = pieces(release_folder, articles_dir, store, tables)
        first = next(chunks)  # the release is read and checked before the file is opened
        with open(out, "w", encoding="utf-8", newline="") as f:
            f.write(first)
            for chunk in chunks:
                f.write(chunk)


@contextmanager
def system_memory_pool():
    """Arrow allocates from the C library's malloc while in the block (then from the pool it used before).
    pyarrow's default pool (mimalloc) keeps much of what it frees: the page's many short-lived Arrow
    columns made the process's peak memory about 1.7 times what it is with malloc, for the same bytes."""
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


def pieces(release_folder: Path, articles_dir: Path, store: Store | None = None, tables: dict | None = None):
    """The page of render(), in pieces: the head, each article, each table's rows, the end. tables: the release's
    Arrow tables, where the caller holds them (the build: those it has written in the folder), taken instead of
    reading its Parquet files again (the same page)."""
    release_folder, articles_dir = Path(release_folder), Path(articles_dir)
    package = read_datapackage(release_folder)
    resources = resources_by_name(package)
    articles = required_table(release_folder, resources, ARTICLES, article_columns(resources.get(ARTICLES)), tables).to_pylist()
    evidence = required_table(release_folder, resources, "evidence", EVIDENCE_COLUMNS, tables)
    tables = evidenced_tables(release_folder, package, evidence, tables)
    texts = {a["article_id"]: read_article_text(articles_dir, a) for a in articles}
    ctx = context(package, tables, articles, texts)
    ev = read_evidence(evidence, list(texts), list(texts.values()), tables, [ctx.articles[a][1] for a in texts])
    n_evidence = evidence.num_rows
    del evidence  # of its columns, the page keeps only the text (in ev)
    records = list(ctx.positions)  # every record, in page order
    version = package.get("version", release_folder.name)
    name = package.get("name", "dataset")
    nav_articles = " ".join(f'<a href="#{html.escape(anchor("a", a["article_id"]))}" title="{html.escape(a["article_id"])}">'
                            f'{html.escape(ctx.articles[a["article_id"]][1])}</a>' for a in articles)
    nav_tables = " ".join(f'<a href="#{html.escape(anchor("t", t.name))}">{html.escape(t.name)}</a>' for t in tables)
    yield "".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<title>Evidence explorer · {html.escape(name)} {html.escape(version)}</title>\n',
        f'<style>{CSS}{palette_css(len(tables))}\n</style>\n</head>\n<body>\n<header>\n',
        f'<h1>Evidence explorer · {html.escape(name)} {html.escape(version)}</h1>\n',
        f'<p class="meta">{len(articles)} articles · {n_evidence} evidence rows · '
        f'{ev.n_spans} distinct spans · generated from dataset/{html.escape(version)}/ by '
        '<code>python -m cartel_campaign.explorer</code>. Click a highlighted passage to go to the record it supports; '
        'click a record\'s evidence to come back.</p>\n',
        '</header>\n', tools_html(ctx), f'<header>\n<nav>Articles: {nav_articles}</nav>\n<nav>Records: {nav_tables}</nav>\n',
        legend_html(ctx), '\n</header>\n<main>\n'])
    del nav_articles
    places = {a: i for i, a in enumerate(texts)}
    for a in articles:
        text = texts[a["article_id"]]
        spans = article_spans(ev, places[a["article_id"]], a["article_id"], text, records)
        yield cached_article_html(article_part(a, text, spans, ctx), store)
    del articles, texts, records, places, text, spans  # the tables' sections read none of these: their memory is theirs
    first = 0
    for t in tables:
        yield from table_html(ctx, t, ev, first)
        first += len(t.ids)
    yield f'</main>\n<script>\n{JS}\n</script>\n</body>\n</html>\n'


# ---------------------------------------------------------------- headless Chromium

#: Headless Chromium's window is never narrower than this; a narrower viewport is a frame in a page.
MIN_WINDOW = 500
#: Screenshot sizes for the README: a phone and a laptop (width, height).
PHONE, LAPTOP = (390, 844), (1366, 900)


def chromium(args: list[str], url: str, timeout: float = 120):
    """Run headless Chromium (Debian's /usr/bin/chromium) on url with a throwaway profile."""
    import shutil
    import subprocess

    exe = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if exe is None:
        raise ExplorerError(f"chromium not found ({CHROMIUM}); install it with apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="explorer-chromium-") as profile:
        return subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
                              capture_output=True, text=True, timeout=timeout)


def frame_page(html_path: Path, width: int, height: int, script: str = "", page_scripts: bool = True) -> str:
    """A page showing html_path in a width x height frame at its top left, so that the page is laid
    out in a viewport of exactly that width (headless Chromium's window is at least MIN_WINDOW wide);
    script runs once the frame has loaded, with `frame` its window (same origin: chromium_framed
    allows file:// pages to read each other). page_scripts=False: the page's own script does not run
    (a sandboxed frame), as in a browser with JavaScript off."""
    src = html.escape(Path(html_path).resolve().as_uri())
    sandbox = "" if page_scripts else ' sandbox="allow-same-origin"'
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">'
            f'<iframe id="frame"{sandbox} src="{src}" style="display:block;width:{width}px;height:{height}px;border:0"></iframe>'
            f'<script>document.getElementById("frame").addEventListener("load",function(){{var frame=this.contentWindow;\n{script}\n}});</script>'
            '</body></html>\n')


def chromium_framed(html_path: Path, width: int, height: int, args: list[str], script: str = "", page_scripts: bool = True):
    """Chromium (args: --dump-dom, --screenshot=...) on frame_page(html_path, width, height, script, page_scripts)."""
    with tempfile.TemporaryDirectory(prefix="explorer-frame-") as tmp:
        outer = Path(tmp) / "frame.html"
        outer.write_text(frame_page(html_path, width, height, script, page_scripts), encoding="utf-8")
        return chromium(["--allow-file-access-from-files", f"--window-size={max(width, MIN_WINDOW)},{height}", *args], outer.as_uri())


def screenshot(html_path: Path, png_path: Path, width: int = LAPTOP[0], height: int = LAPTOP[1]) -> Path:
    """PNG (width x height) of the top of the page at html_path as Chromium draws it in a viewport
    that wide.

    (Headless Chromium draws a blank page when the URL has a #fragment, so there is no
    option to scroll.)
    """
    from PIL import Image

    if Path(png_path).is_symlink():
        raise ExplorerError(f"{png_path}: a symbolic link; the screenshot is never written through one")
    png_path = Path(png_path).absolute()
    proc = chromium_framed(html_path, width, height, [f"--screenshot={png_path}"])
    if proc.returncode != 0 or not png_path.is_file():
        raise ExplorerError(f"chromium could not take the screenshot (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
    with Image.open(png_path) as im:
        shot = im.crop((0, 0, width, height)) if im.size != (width, height) else None
    if shot is not None:
        shot.save(png_path)
    return png_path


# ---------------------------------------------------------------- command line

SIZES = {"phone": PHONE, "laptop": LAPTOP}


def screen_size(parser: argparse.ArgumentParser, text: str) -> tuple[int, int]:
    """--size: 'phone', 'laptop' or WIDTHxHEIGHT."""
    if text in SIZES:
        return SIZES[text]
    match = re.fullmatch(r"([1-9][0-9]{1,4})x([1-9][0-9]{1,4})", text)
    if not match:
        parser.error(f"--size: expected phone, laptop or WIDTHxHEIGHT in pixels such as 800x600, found {text!r}")
    return int(match[1]), int(match[2])


def main(argv: list[str] | None = None) -> int:
    from . import data_root, versions

    parser = argparse.ArgumentParser(prog="python -m cartel_campaign.explorer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", help="release to show (default: newest)")
    parser.add_argument("-o", "--output", type=Path, help="write the page here (default: standard output)")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="also save a screenshot of the top of the page (needs chromium)")
    parser.add_argument("--size", default="laptop", metavar="WxH",
                        help=f"the screenshot's viewport in CSS pixels, or phone ({PHONE[0]}x{PHONE[1]}) or laptop "
                             f"({LAPTOP[0]}x{LAPTOP[1]}, the default)")
    args = parser.parse_args(argv)
    size = screen_size(parser, args.size)
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
            with tempfile.TemporaryDirectory() as tmp:
                html_path = args.output or Path(tmp) / f"{version}.html"
                if not args.output:
                    write(release, root / "seeds", html_path)
                screenshot(html_path, args.screenshot, *size)
    except (ExplorerError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
