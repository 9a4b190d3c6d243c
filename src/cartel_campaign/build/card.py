"""The dataset card, DATASET_CARD.md: a Hugging Face dataset card (YAML metadata header) whose sections answer
the questions of Datasheets for Datasets. From docs/card.md: its YAML block (the metadata chosen by hand)
plus the metadata the build computes (pretty_name, license, size_categories, tags, one config per table of
the newest release), then its text with each `<!-- insert: NAME -->` line replaced by a block computed from
the release (summary, tables, an example record, sources, reviews, coverage, named people, licence,
maintenance, citation). Deterministic for the same inputs, like every generated file.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from .. import coverage, exports, rules
from ..release import read_parquet, row_count, to_pandas
from ..safety import markdown
from .counts import with_article_count
from .errors import BuildError

SOURCE = "docs/card.md"
#: The generated card, at the repository's root (as a Hub dataset repository's README.md would be): the
#: configs' paths are relative to it.
CARD = "DATASET_CARD.md"
INSERT = re.compile(r"^<!-- insert: (\S+) -->$", re.M)
LEADING_COMMENT = re.compile(r"\A<!--.*?-->\n", re.S)
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
#: Metadata keys the build computes: docs/card.md must not set them.
COMPUTED_KEYS = ("pretty_name", "license", "size_categories", "configs")
#: The Hub's size categories (number of examples), upper bounds exclusive.
SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"))
REVIEWS = "docs/reviews"


def document(root: Path, staged: Path, version: str, meta: dict, frames, releases: list, splitter) -> str:
    """DATASET_CARD.md: the metadata header, then the card's text with its inserts."""
    chosen, text, first_line = read_source(root)
    descriptor = json.loads((staged / "datapackage.json").read_text(encoding="utf-8"))
    rows = {r["name"]: row_count(staged / r["parquet_path"]) for r in descriptor["resources"]}
    return front_matter(chosen, meta, descriptor, version, rows) + section(text, root, staged, meta, frames, releases, splitter, descriptor, rows)


def read_source(root: Path) -> tuple[dict, str, int]:
    """docs/card.md: (its metadata chosen by hand, its text, the line the text starts on); its inserts checked."""
    try:
        source = (root / SOURCE).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(SOURCE, None, "missing; expected the text of the dataset card") from None
    comment = LEADING_COMMENT.match(source)
    rest = source[comment.end():] if comment else source
    line = 1 + (comment.group(0).count("\n") if comment else 0)
    m = FRONT_MATTER.match(rest)
    if not m:
        raise BuildError(SOURCE, line, "expected the card's YAML metadata between two '---' lines (after the leading comment)")
    try:
        chosen = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as err:
        raise BuildError(SOURCE, line, f"its YAML metadata is not valid YAML ({err})") from None
    if not isinstance(chosen, dict) or set(chosen) & set(COMPUTED_KEYS):
        raise BuildError(SOURCE, line, f"its YAML metadata must be a mapping without {', '.join(COMPUTED_KEYS)} (the build computes them)")
    text, first_line = rest[m.end():], line + m.group(0).count("\n")
    for insert in INSERT.finditer(text):
        if insert.group(1) not in INSERTS:
            raise BuildError(SOURCE, first_line + text[:insert.start()].count("\n"),
                             f"unknown insert {insert.group(1)!r}; expected one of {', '.join(INSERTS)}")
    return chosen, text, first_line


def front_matter(chosen: dict, meta: dict, descriptor: dict, version: str, rows: dict) -> str:
    """The card's YAML header: the keys chosen by hand and those computed from the release."""
    largest = max(rows.values())
    size = next((name for bound, name in SIZES if largest < bound), "other")
    tags = list(dict.fromkeys([*(k.replace(" ", "-").lower() for k in meta["keywords"]), *chosen.pop("tags", [])]))
    computed = {
        "pretty_name": meta["title"],
        "license": [lic["name"].lower() for lic in meta["licenses"]],
        **chosen,
        "size_categories": [size],
        "tags": tags,
        "configs": [{"config_name": r["name"], "data_files": [{"split": "train", "path": f"dataset/{version}/{r['parquet_path']}"}]}
                    for r in descriptor["resources"]],
    }
    return "---\n" + yaml.safe_dump(computed, sort_keys=False, allow_unicode=True, width=1000) + "---\n"


INSERTS = ("summary", "tables", "example", "unknowns", "sources", "cited-outlets",
            "reviews", "checks", "coverage", "persons", "licence", "maintenance", "citation")


def section(text: str, root: Path, staged: Path, meta: dict, frames, releases: list, splitter, descriptor: dict, rows: dict) -> str:
    """The card's text (its inserts checked by read_source) with each insert filled."""
    if "{articles}" in text or "{Articles}" in text:
        text = with_article_count(text, len(frames["articles"]))
    blocks = {
        "summary": lambda: summary(meta, descriptor, releases, rows),
        "tables": lambda: tables(descriptor, rows, meta),
        "example": lambda: example(root, frames),
        "unknowns": lambda: unknowns(frames["articles"]),
        "sources": lambda: sources(frames["articles"]),
        "cited-outlets": lambda: cited_outlets(frames["actors"]),
        "reviews": lambda: reviews(root),
        "checks": checks,
        "coverage": lambda: coverage_table(root, staged, releases, splitter),
        "persons": lambda: persons(frames["actors"]),
        "licence": lambda: licence(meta),
        "maintenance": lambda: maintenance(meta, releases, descriptor),
        "citation": lambda: citation(meta, releases),
    }
    assert tuple(blocks) == INSERTS
    return INSERT.sub(lambda m: blocks[m.group(1)]().rstrip("\n"), text)


def _status(release: dict) -> str:
    return "draft, not yet published: it may still change" if release["status"] == "draft" else "published: never edited"


def summary(meta: dict, descriptor: dict, releases: list, rows: dict) -> str:
    newest = releases[-1]
    derived = set(meta.get("derived_tables", []))
    annotated = [n for n in rows if n not in derived]
    return "\n".join([
        f"**{markdown(meta['title'])}.** Release **{newest['version']}** of {newest['date'].isoformat()} ({_status(newest)}). "
        f"{len(rows)} tables ({len(annotated)} annotated, {len(rows) - len(annotated)} derived views), "
        f"{sum(rows[n] for n in annotated):,} rows in the annotated tables, each table as Parquet and CSV, described by a "
        "Frictionless `datapackage.json`" + (f", with {len(descriptor.get('exports', []))} further export files" if descriptor.get("exports") else "")
        + ".",
    ])


def _references(schema: dict, table: str) -> str:
    """A table's foreign keys as `column` -> `table.column` (its own table where the descriptor says "")."""
    refs = [f"`{', '.join(fk['fields'])}` → `{fk['reference']['resource'] or table}.{', '.join(fk['reference']['fields'])}`"
            for fk in schema.get("foreignKeys", [])]
    return "; ".join(refs) or "–"


def tables(descriptor: dict, rows: dict, meta: dict) -> str:
    """One row per table (rows, annotated or derived, key, references, what a row is) and one per export file of the release."""
    derived = set(meta.get("derived_tables", []))
    out = ["| table (config) | rows | kind | key | references | one row per |", "|---|---:|---|---|---|---|"]
    for r in descriptor["resources"]:
        key = ", ".join(f"`{c}`" for c in r["schema"].get("primaryKey", []))
        out.append(f"| `{r['name']}` | {rows[r['name']]:,} | {'derived view' if r['name'] in derived else 'annotated'} | {key} "
                   f"| {_references(r['schema'], r['name'])} | {markdown(r['description'])} |")
    if descriptor.get("exports"):
        out += ["", "Further files of the release:", "", "| file | format | what it is |", "|---|---|---|"]
        out += [f"| `{e['path']}` | {markdown(e['format'])} | {markdown(e['description'])} |" for e in descriptor["exports"]]
    return "\n".join(out)


def example_claim(claims_wide):
    """The record shown: the first claim (by id) with a named claimant, a target and a quote; else the first claim."""
    rows = claims_wide.sort_values("claim_id")
    full = rows[rows.claimant_actor_id.notna() & rows.target_actor_id.notna() & rows.quote_ids.notna()]
    return (full if len(full) else rows).iloc[0]


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "date") else value.isoformat()
    return value.item() if hasattr(value, "item") else value


def example(root: Path, frames) -> str:
    """One claims_wide row (its non-empty columns) and the evidence rows of its claim, each checked against its article."""
    import pandas as pd

    if not len(frames["claims_wide"]):
        return "The release holds no claim."
    row = example_claim(frames["claims_wide"])
    record = {k: _plain(v) for k, v in row.items() if not (v is None or (not isinstance(v, (list, dict)) and pd.isna(v)))}
    evidence = frames["evidence"]
    spans = evidence[(evidence.record_table == "claims") & (evidence.record_id == row.claim_id)].sort_values(["char_start", "char_end"])
    out = ["One row of `claims_wide` (the first claim by id with a named claimant, a target and a quote; empty columns left out):", "",
           "```json", json.dumps(record, ensure_ascii=False, indent=2), "```", "",
           f"Its evidence in `evidence` (`record_table` = `claims`): `article[char_start:char_end]` of `seeds/{row.article_id}.txt`:", "",
           "| char_start | char_end | basis | text |", "|---:|---:|---|---|"]
    article = (root / "seeds" / f"{row.article_id}.txt").read_text(encoding="utf-8")
    for s in spans.itertuples():
        if article[s.char_start:s.char_end] != s.text:
            raise BuildError(f"seeds/{row.article_id}.txt", None, f"evidence of {row.claim_id} at {s.char_start}:{s.char_end} is not its text")
        out.append(f"| {s.char_start} | {s.char_end} | {markdown(s.basis)} | {markdown(s.text)} |")
    return "\n".join(out)


def reviews(root: Path) -> str:
    """One line per independent review kept in docs/reviews/: its first heading and what its leading comment
    says of its scope and outcome."""
    lines = []
    for path in sorted((root / REVIEWS).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        heading = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
        comment = LEADING_COMMENT.match(text)
        note = " ".join(comment.group(0)[4:-4].split()) if comment else ""
        lines.append(f"  - *{markdown(heading)}* (the repository's `{REVIEWS}/{path.name}`)" + (f": {markdown(note)}" if note else "."))
    return "\n".join(lines) or "  - none kept."


def _day(value) -> str:
    return value.date().isoformat()


def sources(articles) -> str:
    """One row per article: what is known of it (checksum, length, headline, outlet and byline as the text
    states them, else unknown, the inferred publication window) and its annotation status."""
    out = ["| article | sha256 | characters | headline | outlet | byline | published (inferred window) | annotation |",
           "|---|---|---:|---|---|---|---|---|"]
    for a in articles.itertuples():
        headline = markdown(a.title) if isinstance(a.title, str) else "none in the text"
        outlet = markdown(a.outlet) if isinstance(a.outlet, str) else "unknown (not stated in the text)"
        byline = markdown(a.byline) if isinstance(a.byline, str) else "unknown (none in the text)"
        out.append(f"| {markdown(a.article_id, code=True)} | {markdown(a.sha256, code=True)} | {a.n_chars:,} | {headline} | {outlet} | {byline} | "
                   f"{_day(a.published_earliest)} – {_day(a.published_latest)} | {markdown(a.annotation_status)} |")
    out += ["", "URL: unknown for every article (none was recorded)."]
    return "\n".join(out)


def unknowns(articles) -> str:
    """What is not known of the articles' provenance, counted from the articles table (a URL is never recorded)."""
    n = len(articles)
    outlets, bylines, titles = (int(articles[c].notna().sum()) for c in ("outlet", "byline", "title"))
    if outlets == bylines == 0:
        head = f"**Outlet, URL and byline are unknown for every article**: none of the {n} texts names its publisher or carries a byline"
    else:
        head = (f"**The URL is unknown for every article**; the text states its outlet in {outlets} of {n} articles and a byline "
                f"in {bylines} (as copied from the text, never looked up)")
    return f"{head}, no URL was recorded, and {titles} of {n} start with a headline."


def cited_outlets(actors) -> str:
    """The media the articles cite (actors of type media): not the articles' publishers."""
    media = sorted(markdown(name) for name in actors.loc[actors.actor_type == "media", "name"])
    if not media:
        return "The articles cite no media outlet as a source."
    return (f"Media the articles cite as their own sources ({', '.join(media)}) are recorded as actors (`actor_type` = `media`), and "
            "as `reported_by_actor_id` or `source_actor_id` where a quote or an event comes through them; they are not the "
            "articles' publishers.")


def release_coverage(root: Path, folder: Path, splitter) -> dict[str, dict]:
    """{article_id: coverage result} of the release in folder (annotated evidence only, as `cartel-campaign coverage`)."""
    def frame(name, *columns):
        return to_pandas(read_parquet(folder / f"{name}.parquet", list(columns)))

    span = ("article_id", "char_start", "char_end")
    rows = coverage.articles_coverage(frame("articles", "article_id", "seed_file"), frame("evidence", *span, "basis"), frame("quote_exclusions", *span),
                                      article_text(root), splitter=splitter)
    return {row.pop("article_id"): row for row in rows}


def article_text(root: Path):
    """An articles row -> its text, as the coverage reads it."""
    return lambda article: (root / article.seed_file).read_text(encoding="utf-8")


def coverage_table(root: Path, staged: Path, releases: list, splitter) -> str:
    """Sentences with evidence / all sentences, per article (rows) and release (columns); splitter
    (sentences.Splitter) splits each article's text once for all releases."""
    folders = [root / "dataset" / r["version"] for r in releases[:-1]] + [staged]
    results = {r["version"]: release_coverage(root, f, splitter) for r, f in zip(releases, folders)}
    articles = sorted({a for res in results.values() for a in res})
    heads = [r["version"] + (" (draft)" if r["status"] == "draft" else "") for r in releases]
    out = ["| article | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    for article in articles:
        cells = []
        for r in releases:
            c = results[r["version"]].get(article)
            cells.append("–" if c is None or not c["n_sentences"] else f"{c['n_covered']}/{c['n_sentences']} ({c['share']:.0%})")
        out.append(f"| {markdown(article, code=True)} | " + " | ".join(cells) + " |")
    newest = results[releases[-1]["version"]]
    marks = sum(len(c["uncovered_marks"]) for c in newest.values())
    out += ["", f"Quotation marks with no quote or exclusion in {releases[-1]['version']}: {marks}. "
            "The uncovered sentences of one article: `cartel-campaign coverage NNN`."]
    return "\n".join(out)


def persons(actors) -> str:
    people = actors[actors.actor_type == "person"]
    anonymous = actors[actors.actor_type == "anonymous_source"]
    names = ", ".join(markdown(name) for name in sorted(people["name"]))
    return (f"The actor registry names {len(people)} real people (`actor_type` = `person`): {names}. "
            f"It also holds {len(anonymous)} anonymous sources (`anonymous_source`), each specific to one article.")


def checks() -> str:
    """The number of named rules the build and validate apply (from the rules registry)."""
    return f"  The build and `cartel-campaign validate` apply {len(rules.RULES)} named rules, listed in the repository's `docs/RULES.md`."


def licence(meta: dict) -> str:
    lines = [f"- Tables and annotations: {markdown(lic['name'])}, {markdown(lic['path'])} (`LICENSE-DATA`)." for lic in meta["licenses"]]
    lines += ["- Code: MIT (`LICENSE`).", f"- {markdown(meta['source_rights'])}"]
    return "\n".join(lines)


def maintenance(meta: dict, releases: list, descriptor: dict) -> str:
    """Who maintains the data, where to report an error (the homepage schemas/package.json names, if any) and the releases."""
    who = ", ".join(markdown(c["title"]) for c in meta["contributors"])
    if meta.get("homepage"):
        where = f"Report an error on the issue tracker of the project's repository, {markdown(meta['homepage'])}"
    else:
        where = ("The project records no web address (no homepage in `datapackage.json`, no repository URL in `pyproject.toml` or "
                 "`CITATION.cff`), so this card names none: report an error on the issue tracker of the repository you obtained "
                 "the data from, or to whoever gave you this copy")
    out = [f"Maintained by: {who} (no individual maintainer or funder is recorded). {where}, "
           "giving the release, the table, the record id and the passage of the article "
           "(or the `evidence` row) that shows the error.", "",
           "| release | date | status |", "|---|---|---|"]
    out += [f"| {r['version']} | {r['date'].isoformat()} | {_status(r)} |" for r in reversed(releases)]
    deltas = exports.BY_NAME["deltas"]
    out += ["", f"From release {deltas.since}, each release carries `{deltas.path}`: {markdown(deltas.description)}"]
    return "\n".join(out)


def citation(meta: dict, releases: list) -> str:
    author = markdown(meta["contributors"][0]["title"])
    newest = releases[-1]
    example = next((r for r in reversed(releases) if r["status"] == "published"), newest)
    key = f"cartel_campaign_data_{example['version'].replace('.', '_')}"
    return "\n".join([
        "Cite the version you used, with the year of its release date, e.g.:",
        "",
        f"> {author} ({example['date'].year}). *{markdown(meta['title'])}* (Version {example['version']}) [Data set].",
        "",
        "```bibtex",
        f"@misc{{{key},",
        f"  author = {{{{{meta['contributors'][0]['title']}}}}},",
        f"  title = {{{{{meta['title']}}}}},",
        f"  year = {{{example['date'].year}}},",
        f"  version = {{{example['version']}}},",
        "  note = {Data set}",
        "}",
        "```",
        "",
        "A draft may still change: cite a published version. `CITATION.cff` holds the same for the newest version "
        f"({newest['version']}).",
    ])
