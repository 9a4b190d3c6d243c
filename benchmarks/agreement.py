"""Agreement of drafted annotations (cartel_campaign.draft) with the published hand annotation.

    python benchmarks/agreement.py [--version 1.0.0] [--out FILE.md]

Drafts every article in seeds/*.txt with seeds/actors.yaml, reads the draft's YAML (and checks
that every quote text is in the article), and compares it with the release's tables:
  - quote spans: a drafted quote matches a hand quote when (char_start, char_end) are equal;
    precision = matched / drafted, recall = matched / hand; "extra" = drafted quotes not in the hand annotation;
  - speaker and attribution: agreement on the matched quotes;
  - actor mentions: the actor ids the draft lists as mentioned vs the release's actor_mentions, per article.
Prints a Markdown table (per article and total) and writes it to --out if given. Exit code 1 when a
target is missed (recall >= 95%, extra <= 10% of the hand quotes, speaker >= 80%).

A second table drafts each article with a registry that lacks the actors only that article mentions,
as for a new article whose actors nobody has registered yet (its targets are not enforced).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

import cartel_campaign as cc
from cartel_campaign.draft import draft, load_actors

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"recall": 0.95, "extra": 0.10, "speaker": 0.80}


def draft_quotes(text: str, annotation: dict) -> dict[tuple[int, int], dict]:
    """(char_start, char_end) -> drafted quote, resolving text and occurrence as the build does."""
    spans = {}
    for q in annotation.get("quotes") or []:
        found = [m.start() for m in re.finditer(f"(?={re.escape(q['text'])})", text)]
        if not found:
            raise AssertionError(f"drafted quote text not in the article: {q['text']!r}")
        start = found[(q.get("occurrence") or 1) - 1]
        spans[(start, start + len(q["text"]))] = q
    return spans


def mentioned_ids(yaml_text: str) -> set[str]:
    """Actor ids from the draft's comment block "# Registry actors ... mentions"."""
    block = re.search(r"^# Registry actors.*\n((?:#   .*\n)*)", yaml_text, re.MULTILINE)
    return set(re.findall(r"^#   ([a-z0-9-]+): ", block.group(1), re.MULTILINE)) if block else set()


def compare(article_id: str, text: str, yaml_text: str, hand_quotes, hand_mentions) -> dict:
    annotation = yaml.safe_load(yaml_text)
    drafted = draft_quotes(text, annotation)
    hand = {(int(r.char_start), int(r.char_end)): r for r in hand_quotes.itertuples()}
    matched = sorted(set(drafted) & set(hand))
    mentions = mentioned_ids(yaml_text)
    hand_ids = set(hand_mentions)
    return dict(
        article=article_id, hand=len(hand), drafted=len(drafted), matched=len(matched), extra=len(set(drafted) - set(hand)),
        speaker=sum(drafted[s]["speaker"] == hand[s].speaker_actor_id for s in matched),
        attribution=sum(drafted[s]["attribution"] == hand[s].attribution for s in matched),
        exclusions=len(annotation.get("exclusions") or []),
        mentions_hand=len(hand_ids), mentions_drafted=len(mentions), mentions_matched=len(mentions & hand_ids),
        wrong_speakers=[(hand[s].text, drafted[s]["speaker"], hand[s].speaker_actor_id) for s in matched
                        if drafted[s]["speaker"] != hand[s].speaker_actor_id],
    )


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "–"


def table(rows: list[dict]) -> str:
    head = ("| article | hand quotes | drafted | spans matched | precision | recall | extra | speaker agrees | "
            "attribution agrees | exclusions proposed | mentions precision | mentions recall |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append(
            f"| {r['article']} | {r['hand']} | {r['drafted']} | {r['matched']} | {pct(r['matched'], r['drafted'])} | "
            f"{pct(r['matched'], r['hand'])} | {r['extra']} | {r['speaker']}/{r['matched']} ({pct(r['speaker'], r['matched'])}) | "
            f"{r['attribution']}/{r['matched']} ({pct(r['attribution'], r['matched'])}) | {r['exclusions']} | "
            f"{pct(r['mentions_matched'], r['mentions_drafted'])} | {pct(r['mentions_matched'], r['mentions_hand'])} |")
    return "\n".join(lines) + "\n"


def total(rows: list[dict]) -> dict:
    keys = ["hand", "drafted", "matched", "extra", "speaker", "attribution", "exclusions", "mentions_hand", "mentions_drafted", "mentions_matched"]
    return dict(article="**total**", **{k: sum(r[k] for r in rows) for k in keys}, wrong_speakers=[w for r in rows for w in r["wrong_speakers"]])


def missed_targets(t: dict) -> list[str]:
    missed = []
    if t["matched"] < TARGETS["recall"] * t["hand"]:
        missed.append(f"recall {pct(t['matched'], t['hand'])} < {TARGETS['recall']:.0%}")
    if t["extra"] > TARGETS["extra"] * t["hand"]:
        missed.append(f"extra {pct(t['extra'], t['hand'])} of the hand quotes > {TARGETS['extra']:.0%}")
    if t["speaker"] < TARGETS["speaker"] * t["matched"]:
        missed.append(f"speaker {pct(t['speaker'], t['matched'])} < {TARGETS['speaker']:.0%}")
    return missed


def run(articles, quotes, mentions, actors_for) -> list[dict]:
    rows = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        article_id = path.stem
        if article_id not in articles.index:
            print(f"skipped {path.name}: not in the release", file=sys.stderr)
            continue
        rows.append(compare(article_id, path.read_text(encoding="utf-8"), draft(path, actors_for(article_id)),
                            quotes[quotes.article_id == article_id], mentions.loc[mentions.article_id == article_id, "actor_id"]))
    return rows


def report(rows: list[dict]) -> tuple[str, dict]:
    t = total(rows)
    out = table([*rows, t])
    if t["wrong_speakers"]:
        out += "\nSpeakers that differ (quote: drafted → hand):\n\n" + "".join(
            f"- “{text}”: {got or '(none)'} → {want}\n" for text, got, want in t["wrong_speakers"])
    return out, t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default="1.0.0", help="release holding the hand annotation (default 1.0.0)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    actors = load_actors(REPO / "seeds" / "actors.yaml")
    articles = cc.load("articles", args.version).set_index("article_id")
    quotes, mentions = cc.load("quotes", args.version), cc.load("actor_mentions", args.version)
    main_table, t = report(run(articles, quotes, mentions, lambda article_id: actors))
    missed = missed_targets(t)
    out = ("<!-- generated by: python benchmarks/agreement.py --out benchmarks/AGREEMENT.md -->\n"
           f"Drafted annotations (cartel_campaign.draft, registry seeds/actors.yaml) against the hand annotation of release "
           f"{args.version}; spans match exactly; speaker and attribution agreement on the matched quotes.\n\n{main_table}"
           "\nTargets (recall ≥ 95%, extra ≤ 10%, speaker ≥ 80%): " + ("met\n" if not missed else "missed: " + "; ".join(missed) + "\n"))
    elsewhere = {aid: set(mentions.article_id[mentions.actor_id == aid]) for aid in set(mentions.actor_id)}
    unseen_table, _ = report(run(articles, quotes, mentions, lambda article_id: [
        a for a in actors if elsewhere.get(a["id"], set()) - {article_id}]))
    out += ("\nThe same, each article drafted with a registry lacking the actors only that article mentions "
            "(as for a new article; a speaker not in the registry counts as a disagreement):\n\n" + unseen_table)
    print(out, end="")
    if args.out:
        args.out.write_text(out, encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
