"""The "Dataset card" section of docs/CODEBOOK.md: the text of docs/card.md, with each
`<!-- insert: NAME -->` line replaced by a block computed from the release (sources, evidence
coverage per article and release, named people, licence, citation). Deterministic for the same
inputs, like every generated file.
"""
from __future__ import annotations

import re
from pathlib import Path

from .. import coverage
from ..release import read_parquet, to_pandas
from ..safety import markdown
from .counts import with_article_count
from .errors import BuildError

SOURCE = "docs/card.md"
INSERT = re.compile(r"^<!-- insert: (\S+) -->$", re.M)
LEADING_COMMENT = re.compile(r"\A<!--.*?-->\n", re.S)


def section(root: Path, staged: Path, meta: dict, frames: dict, releases: list, splitter) -> str:
    """The dataset card as Markdown, ready to append to the codebook."""
    try:
        text = (root / SOURCE).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(SOURCE, None, "missing; expected the text of the codebook's dataset card") from None
    if "{articles}" in text or "{Articles}" in text:
        text = with_article_count(text, len(frames["articles"]))
    blocks = {
        "sources": lambda: sources(frames["articles"]),
        "coverage": lambda: coverage_table(root, staged, releases, splitter),
        "persons": lambda: persons(frames["actors"]),
        "licence": lambda: licence(meta),
        "citation": lambda: citation(meta, releases),
    }
    for m in INSERT.finditer(text):
        if m.group(1) not in blocks:
            raise BuildError(SOURCE, text[:m.start()].count("\n") + 1,
                             f"unknown insert {m.group(1)!r}; expected one of {', '.join(blocks)}")
    body = INSERT.sub(lambda m: blocks[m.group(1)]().rstrip("\n"), text)
    return LEADING_COMMENT.sub("", body, count=1)


def _day(value) -> str:
    return value.date().isoformat()


def sources(articles) -> str:
    """One row per article: headline, outlet and byline as the text states them (else unknown)."""
    out = ["| article | headline | outlet | byline | published (inferred window) | annotation |", "|---|---|---|---|---|---|"]
    for a in articles.itertuples():
        headline = markdown(a.title) if isinstance(a.title, str) else "none in the text"
        outlet = markdown(a.outlet) if isinstance(a.outlet, str) else "unknown (not stated in the text)"
        byline = markdown(a.byline) if isinstance(a.byline, str) else "unknown (none in the text)"
        out.append(f"| {markdown(a.article_id, code=True)} | {headline} | {outlet} | {byline} | "
                   f"{_day(a.published_earliest)} – {_day(a.published_latest)} | {markdown(a.annotation_status)} |")
    return "\n".join(out)


def release_coverage(root: Path, folder: Path, splitter) -> dict[str, dict]:
    """{article_id: coverage result} of the release in folder (annotated evidence only, as `cartel-campaign coverage`)."""
    def frame(name, *columns):
        return to_pandas(read_parquet(folder / f"{name}.parquet", list(columns)))

    span = ("article_id", "char_start", "char_end")
    rows = coverage.articles_coverage(frame("articles", "article_id", "seed_file"), frame("evidence", *span, "basis"), frame("quote_exclusions", *span),
                                      article_text(root), splitter=splitter)
    return {row.pop("article_id"): row for row in rows}


def article_text(root: Path):
    """An articles row -> its text, as the coverage reads it (the build starts splitting these texts early)."""
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


def licence(meta: dict) -> str:
    lines = [f"- Tables and annotations: {markdown(lic['name'])}, {markdown(lic['path'])} (`LICENSE-DATA`)." for lic in meta["licenses"]]
    lines += ["- Code: MIT (`LICENSE`).", f"- {markdown(meta['source_rights'])}"]
    return "\n".join(lines)


def citation(meta: dict, releases: list) -> str:
    author = markdown(meta["contributors"][0]["title"])
    dates = ", ".join(f"{r['version']} ({r['date'].isoformat()}{', draft' if r['status'] == 'draft' else ''})" for r in releases)
    newest = releases[-1]
    example = next((r for r in reversed(releases) if r["status"] == "published"), newest)
    return "\n".join([
        "Cite the version you used, with the year of its release date, e.g.:",
        "",
        f"> {author} ({example['date'].year}). *{markdown(meta['title'])}* (Version {example['version']}) [Data set].",
        "",
        f"Releases and their dates: {dates}. A draft may still change: cite a published version. "
        "`CITATION.cff` holds the same for the newest version.",
    ])
