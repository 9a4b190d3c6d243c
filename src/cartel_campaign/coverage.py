"""Evidence coverage: how much of an article the annotation's evidence spans touch.

    cartel-campaign coverage [ARTICLE_ID] [--version VERSION]
    cartel-campaign coverage --annotation seeds/NNN_<hash>.yaml      # an annotation not yet built

For each article: the share of its sentences that carry at least one evidence span (any overlap;
the actors' first-mention evidence, added by the build, does not count),
the sentences that carry none (with character offsets), and the pairs of quotation marks that no
evidence span (or quote exclusion) covers. Sentences come from cartel_campaign.sentences (sentencex),
the same splitting as cartel_campaign.draft.
"""
from __future__ import annotations

import argparse
import sys

from . import records, shapes
from .rules import positions, quote_mark_spans
from .safety import echo, safe_output
from .sentences import Splitter, sentence_spans


#: The annotation's list keys whose items carry evidence (quotes, events, designations, claims), from the shapes.
EVIDENCED_KEYS = [key for key, kind in shapes.ANNOTATION.keys.items()
                  if isinstance(kind, shapes.Rows) and "evidence" in records.ITEM[kind.table].keys]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def coverage(text: str, spans: list[tuple[int, int]], excluded: list[tuple[int, int]] = (), sentences=None) -> dict:
    """Coverage of text by evidence spans (char_start, char_end; end exclusive).

    Returns n_sentences, n_covered, share (n_covered / n_sentences; None for a text without
    sentences), uncovered (sentences with no span: dicts start, end, text) and uncovered_marks
    (quotation-mark pairs, text inside the marks, overlapped by no span and no excluded span).
    `sentences`: the text's sentence_spans, where already known.
    """
    sentences = sentence_spans(text) if sentences is None else sentences
    uncovered = [dict(start=s, end=e, text=text[s:e]) for s, e in sentences if not _overlaps(s, e, spans)]
    marks = [dict(start=s, end=e, text=text[s:e]) for s, e in quote_mark_spans(text)
             if not _overlaps(s, e, spans) and not _overlaps(s, e, list(excluded))]
    n_covered = len(sentences) - len(uncovered)
    return dict(n_sentences=len(sentences), n_covered=n_covered, share=n_covered / len(sentences) if sentences else None,
                uncovered=uncovered, uncovered_marks=marks)


def spans_by_article(frame) -> dict[str, list[tuple[int, int]]]:
    """{article_id: [(char_start, char_end), …]} of an evidence or exclusion frame, in row order."""
    out: dict = {}
    for article_id, start, end in zip(frame.article_id, frame.char_start, frame.char_end):
        out.setdefault(article_id, []).append((int(start), int(end)))
    return out


def articles_coverage(articles, evidence, exclusions, read_text, first_mentions: bool = False, splitter: Splitter | None = None) -> list[dict]:
    """Coverage of each article (frames of a release; read_text(article row) -> its text): one dict
    per article, article_id first. The actors' first-mention evidence counts only with first_mentions;
    a splitter (sentences.Splitter) shared by calls for several releases splits each text once."""
    if not first_mentions:
        evidence = evidence[evidence.basis != "first_mention"]
    spans, excluded = spans_by_article(evidence), spans_by_article(exclusions)
    rows = list(articles.itertuples())
    texts = [read_text(a) for a in rows]
    if splitter is None:
        with Splitter() as own:
            sentences = own.spans(texts)
    else:
        sentences = splitter.spans(texts)
    return [dict(article_id=a.article_id, **coverage(text, spans.get(a.article_id, []), excluded.get(a.article_id, []), found))
            for a, text, found in zip(rows, texts, sentences)]


def release_coverage(version: str | None = None, first_mentions: bool = False):
    """Coverage of every article of a release, as a DataFrame (one row per article): article_id,
    n_sentences, n_covered, share, uncovered (list of dicts start/end/text), uncovered_marks (same).

    The evidence is what the annotators marked (quote spans and annotated passages); the actors'
    first-mention evidence, which the build adds automatically, counts only with first_mentions=True.
    """
    import pandas as pd

    from . import data_root, integrity, load

    root = data_root()

    def read_text(article) -> str:
        path = integrity.article_file(root, article.seed_file, f"article {article.article_id}: seed_file")
        try:
            return path.read_text(encoding="utf-8")
        except OSError as err:
            raise FileNotFoundError(f"article {article.article_id}: text not found at {path} ({err.strerror or err})") from None

    rows = articles_coverage(load("articles", version), load("evidence", version), load("quote_exclusions", version), read_text, first_mentions)
    return pd.DataFrame(rows, columns=["article_id", "n_sentences", "n_covered", "share", "uncovered", "uncovered_marks"])


def _resolve(text: str, item, file: str) -> tuple[int, int]:
    """(start, end) of an annotated text (a string, or a mapping with text and occurrence), as the build finds it."""
    piece, occurrence = (item, 1) if isinstance(item, str) else (item.get("text"), item.get("occurrence") or 1)
    if isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1:
        raise ValueError(f"{file}: {piece!r}: occurrence must be a whole number ≥ 1, found {occurrence!r}"[:300])
    found = positions(text, piece) if isinstance(piece, str) and piece else []
    if len(found) < occurrence:
        raise ValueError(f"{file}: {piece!r} (occurrence {occurrence}) is not in the article; run `cartel-campaign build --check` for details")
    return found[occurrence - 1], found[occurrence - 1] + len(piece)


def annotation_coverage(path) -> dict:
    """Coverage of one annotation file (seeds/NNN_<hash>.yaml) before it is built: its quotes, evidence
    and exclusions resolved in the article next to it (seeds/<article>)."""
    from pathlib import Path

    import yaml

    from .integrity import IntegrityError, confined

    path = Path(path)
    try:
        ann = yaml.safe_load(path.read_text(encoding="utf-8"))
        article = ann["article"]
        if not isinstance(article, str) or "/" in article or "\\" in article:
            raise IntegrityError(f"article: expected the file name of an article next to the annotation, found {article!r}")
        text = confined(path.parent, article, "article").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, yaml.YAMLError, TypeError, KeyError, IntegrityError) as err:
        raise ValueError(f"{path}: cannot read the annotation or its article ({err})") from None
    spans, excluded = [], []
    for key in EVIDENCED_KEYS:
        for item in _items(ann, key, path, dict):
            if key == "quotes":
                spans.append(_resolve(text, {"text": item.get("text"), "occurrence": item.get("occurrence")}, str(path)))
            spans += [_resolve(text, ev, str(path)) for ev in _items(item, "evidence", path, (str, dict), key)]
    for item in _items(ann, "exclusions", path, (str, dict)):
        excluded.append(_resolve(text, item, str(path)))
    return dict(article_id=path.stem, **coverage(text, spans, excluded))


def _items(mapping: dict, key: str, path, kinds, within: str = "") -> list:
    """The list at mapping[key] (none: empty), each item one of kinds; else ValueError naming the key."""
    items = mapping.get(key) or []
    where = f"{within}[…].{key}" if within else key
    if not isinstance(items, list):
        raise ValueError(f"{path}: {where} must be a list, found {type(items).__name__} {items!r}"[:300] +
                         "; run `cartel-campaign build --check` for every shape problem")
    for item in items:
        if not isinstance(item, kinds) or (isinstance(item, dict) and "text" not in item and key in ("evidence", "exclusions")):
            raise ValueError(f"{path}: an item of {where} is {type(item).__name__} {item!r}"[:300] +
                             "; expected the shapes of seeds/GUIDE.md (run `cartel-campaign build --check` for details)")
    return items


def _shorten(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def report(row) -> str:
    """One article's coverage as text: the share, the uncovered sentences, the uncovered quotation marks."""
    share = "–" if row.share is None or row.share != row.share else f"{row.share:.0%}"
    lines = [f"{row.article_id}: {row.n_covered} of {row.n_sentences} sentences carry evidence ({share})"]
    if row.uncovered:
        lines.append("  sentences without evidence:")
        lines += [f"    chars {u['start']}-{u['end']}: {_shorten(u['text'])}" for u in row.uncovered]
    if row.uncovered_marks:
        lines.append("  quotation marks without a quote or an exclusion:")
        lines += [f"    chars {u['start']}-{u['end']}: {_shorten(u['text'])}" for u in row.uncovered_marks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartel-campaign coverage", description=__doc__.split("\n\n")[0])
    parser.add_argument("article_id", nargs="?", help="one article (its id, e.g. 004_a369d1b0aa72c426, or its number, 004); default: all")
    parser.add_argument("--version", help="release (default: the newest published; a draft when named)")
    parser.add_argument("--first-mentions", action="store_true", help="count the actors' first-mention evidence too")
    parser.add_argument("--annotation", help="an annotation file (seeds/NNN_<hash>.yaml) to measure before it is built")
    args = parser.parse_args(argv)
    safe_output()
    try:
        if args.annotation:
            import pandas as pd

            table = pd.DataFrame([annotation_coverage(args.annotation)])
        else:
            table = release_coverage(args.version, first_mentions=args.first_mentions)
    except (ValueError, OSError, ImportError) as err:
        echo(f"error: {err}", file=sys.stderr)
        return 2
    if args.article_id:
        chosen = table[(table.article_id == args.article_id) | (table.article_id.str.split("_").str[0] == args.article_id)]
        if chosen.empty:
            echo(f"error: unknown article {args.article_id!r}; articles: {', '.join(table.article_id)}", file=sys.stderr)
            return 2
        table = chosen
    echo("\n\n".join(report(row) for row in table.itertuples()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
