"""`cartel-campaign draft` against hand labels: the five seeds, and real articles nobody tuned it for.

    python benchmarks/draft_bench.py [--texts DIR] [--splits seeds,dev,heldout] [--details dev] [--out benchmarks/DRAFT.md]

Sets: `seeds` (the five articles, gold = release --version), `dev` and `heldout` (real news articles
listed in benchmarks/heldout/manifest.yaml with gold labels in benchmarks/heldout/gold/<id>.yaml).
The real articles are other publishers' work and are not in the repository: their texts are read
from --texts or $CARTEL_HELDOUT_TEXTS (<id>.txt, checked against the manifest's sha256); the report
says which are missing. The split is fixed in the manifest (by a hash of the URL, decided before
the tool was run on any of them); tune only on seeds and dev.

Measures, per set (and per article for the sets named in --details):
  - quotes: a drafted quote matches a gold quote when the spans are equal; recall = matched / gold,
    precision = matched / drafted (a drafted quote on a gold exclusion, or on marks nobody quotes, is a false one);
  - speaker right: on matched quotes, the drafted id equals the gold id; for a speaker not in the
    registry (gold `new:Name`), right when the draft leaves the speaker empty and its note names them;
    "empty" counts the quotes left without a speaker (not wrong), "wrong" a different actor;
  - claims: a gold claim is found when a drafted claim's evidence or linked quotes overlap the gold
    claim's cue or quotes (one to one); claimant right as for speakers;
  - names: share of the draft's proposed new names that are actors (gold `new_actors`); "duplicate"
    counts names of registry actors proposed as new. For the seeds this is measured with a registry
    lacking the actors only that article mentions (as for a new article).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

import yaml

from cartel_campaign.draft import draft, load_actors

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "benchmarks" / "heldout"
TARGETS = "held-out targets: quote recall ≥ 95%, precision ≥ 95%, speaker right ≥ 85%, claims recall ≥ 60%, claimant right ≥ 80%, names that are actors ≥ 70%"


# ------------------------------------------------------------- reading drafts ----
def span_of(text: str, passage, fallback: int = 1) -> tuple[int, int]:
    if isinstance(passage, dict):
        passage, occurrence = passage["text"], passage.get("occurrence") or 1
    else:
        occurrence = fallback
    found = [m.start() for m in re.finditer(f"(?={re.escape(passage)})", text)]
    if len(found) < occurrence:
        raise AssertionError(f"passage not in the article: {passage!r}")
    start = found[occurrence - 1]
    return start, start + len(passage)


def role_comments(yaml_text: str, section: str, key: str) -> list[str]:
    """The `# check:` comment (or "") on each entry's `key:` line in the top-level `section:` list, in order."""
    out, inside = [], False
    for line in yaml_text.splitlines():
        if re.match(r"^[a-z_]+:", line):
            inside = line.startswith(section + ":")
        elif inside:
            m = re.match(rf"^    {key}: .*?(?:  # check: (.*))?$", line)
            if m:
                out.append(m.group(1) or "")
    return out


def read_draft(text: str, yaml_text: str) -> dict:
    data = yaml.safe_load(yaml_text)
    quotes = {}
    notes = role_comments(yaml_text, "quotes", "speaker")
    by_id = {}
    for q, note in zip(data.get("quotes") or [], notes):
        span = span_of(text, {"text": q["text"], "occurrence": q.get("occurrence")})
        quotes[span] = dict(speaker=q.get("speaker"), note=note)
        by_id[q["id"]] = span
    claims = []
    notes = role_comments(yaml_text, "claims", "claimant")
    for c, note in zip(data.get("claims") or [], notes):
        spans = [span_of(text, ev) for ev in c.get("evidence") or [] if ev]
        spans += [by_id[qid] for qid in c.get("quotes") or [] if qid in by_id]
        claims.append(dict(claimant=c.get("claimant"), type=c.get("type"), note=note, spans=spans))
    names = names_proposed(yaml_text)
    return dict(quotes=quotes, claims=claims, names=names)


def names_proposed(yaml_text: str) -> list[str]:
    block = re.search(r"^# Capitalized names not in seeds/actors.yaml.*\n((?:#   .*\n)*)", yaml_text, re.MULTILINE)
    if not block:
        return []
    return [m.group(1) for m in re.finditer(r"^#   (.*) \(\d+×\)", block.group(1), re.MULTILINE)]


# -------------------------------------------------------------------- scoring ----
def role_right(got: str | None, note: str, want: str, forms: dict) -> str:
    """right | empty | wrong."""
    if want.startswith("new:"):
        name = want[4:]
        if got is None and any(f"“{form}”" in note or form in note for form in forms.get(name, [name])):
            return "right"
        return "empty" if got is None else "wrong"
    if got == want:
        return "right"
    return "empty" if got is None else "wrong"


def overlaps(a: list, b: list) -> bool:
    return any(s < e2 and s2 < e for s, e in a for s2, e2 in b)


def score(article: str, text: str, drafted: dict, gold: dict) -> dict:
    forms = gold.get("forms", {})
    gq = gold["quotes"]  # span -> speaker
    dq = drafted["quotes"]
    matched = [s for s in dq if s in gq]
    verdicts = {s: role_right(dq[s]["speaker"], dq[s]["note"], gq[s], forms) for s in matched}
    wrong = [(text[s[0]:s[1]], dq[s]["speaker"] or "(none)", gq[s]) for s in matched if verdicts[s] != "right"]
    used, found, claimant_right, type_right, misses = set(), 0, 0, 0, []
    for g in gold["claims"]:
        hit = next((i for i, c in enumerate(drafted["claims"]) if i not in used and overlaps(c["spans"], g["spans"])), None)
        if hit is None:
            misses.append(text[g["spans"][0][0]:g["spans"][0][1]][:60])
            continue
        used.add(hit)
        found += 1
        c = drafted["claims"][hit]
        claimant_right += role_right(c["claimant"], c["note"], g["claimant"], forms) == "right"
        type_right += c["type"] == g["type"]
    actors = set(gold.get("name_forms", set()))
    dups = set(gold.get("duplicate_forms", set()))
    names = drafted["names"]
    return dict(article=article, gold=len(gq), drafted=len(dq), matched=len(matched),
                right=sum(v == "right" for v in verdicts.values()), empty=sum(v == "empty" for v in verdicts.values()),
                wrong=sum(v == "wrong" for v in verdicts.values()),
                claims_gold=len(gold["claims"]), claims_drafted=len(drafted["claims"]), claims_found=found,
                claimant_right=claimant_right, type_right=type_right,
                names=len(names), names_actors=sum(n in actors for n in names), names_dup=sum(n in dups for n in names),
                missed_quotes=[text[s[0]:s[1]][:50] for s in gq if s not in dq], false_quotes=[text[s[0]:s[1]][:50] for s in dq if s not in gq],
                wrong_speakers=wrong, missed_claims=misses, noise_names=[n for n in names if n not in actors and n not in dups])


# ---------------------------------------------------------------------- gold ----
def heldout_gold(text: str, gold: dict, actors: list[dict]) -> dict:
    quotes = {span_of(text, q["text"]): q["speaker"] for q in gold["quotes"]}
    claims = []
    for c in gold["claims"]:
        spans = [span_of(text, c["cue"])] + [span_of(text, t) for t in c.get("quotes") or []]
        claims.append(dict(claimant=c["claimant"], type=c["type"], spans=spans))
    forms = {name: list(v or []) + [name] for name, v in (gold.get("new_actors") or {}).items()}
    registry = {alias for a in actors for alias in a["aliases"]} | {a.get("name") or "" for a in actors}
    duplicates = {f for v in (gold.get("duplicates") or {}).values() for f in v or []} | registry
    return dict(quotes=quotes, claims=claims, forms=forms, name_forms={f for v in forms.values() for f in v},
                duplicate_forms=duplicates)


def seeds_gold(version: str):
    import cartel_campaign as cc

    quotes, claims = cc.load("quotes", version), cc.load("claims", version)
    links, evidence = cc.load("claim_quotes", version), cc.load("evidence", version)
    span = {r.quote_id: (int(r.char_start), int(r.char_end)) for r in quotes.itertuples()}
    out = {}
    for article_id in sorted(set(quotes.article_id) | set(claims.article_id)):
        qs = {span[r.quote_id]: r.speaker_actor_id for r in quotes[quotes.article_id == article_id].itertuples()}
        cs = []
        for r in claims[claims.article_id == article_id].itertuples():
            ev = evidence[(evidence.record_table == "claims") & (evidence.record_id == r.claim_id)]
            spans = [(int(e.char_start), int(e.char_end)) for e in ev.itertuples()]
            spans += [span[q] for q in links.quote_id[links.claim_id == r.claim_id]]
            cs.append(dict(claimant=r.claimant_actor_id, type=r.claim_type, spans=spans))
        out[article_id] = dict(quotes=qs, claims=cs, forms={})
    return out


# ----------------------------------------------------------------------- runs ----
def draft_text(text: str, actors: list[dict], number: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{number:03d}_{hashlib.sha256(text.encode()).hexdigest()[:16]}.txt"
        path.write_bytes(text.encode("utf-8"))
        return draft(path, actors)


def run_seeds(version: str, actors: list[dict]) -> list[dict]:
    import cartel_campaign as cc

    gold = seeds_gold(version)
    mentions = cc.load("actor_mentions", version)
    elsewhere = {aid: set(mentions.article_id[mentions.actor_id == aid]) for aid in set(mentions.actor_id)}
    rows = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        if path.stem not in gold:
            continue
        text = path.read_text(encoding="utf-8")
        row = score(path.stem, text, read_draft(text, draft(path, actors)), gold[path.stem])
        # new names: drafted with a registry lacking the actors only this article mentions
        kept = [a for a in actors if elsewhere.get(a["id"], set()) - {path.stem}]
        removed = [a for a in actors if a not in kept]
        names = read_draft(text, draft(path, kept))["names"]
        removed_forms = {f for a in removed for f in a["aliases"] + [a.get("name") or ""]}
        kept_forms = {f for a in kept for f in a["aliases"] + [a.get("name") or ""]}
        row.update(names=len(names), names_actors=sum(n in removed_forms for n in names), names_dup=sum(n in kept_forms for n in names),
                   noise_names=[n for n in names if n not in removed_forms | kept_forms])
        rows.append(row)
    return rows


def run_real(split: str, texts: Path | None, actors: list[dict], missing: list[str]) -> list[dict]:
    manifest = yaml.safe_load((HELDOUT / "manifest.yaml").read_text(encoding="utf-8"))["articles"]
    rows = []
    for n, entry in enumerate(manifest):
        if entry["split"] != split:
            continue
        path = texts / f"{entry['id']}.txt" if texts else None
        if path is None or not path.is_file():
            missing.append(f"{entry['id']} ({split}, {entry['url']}): text not found")
            continue
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            missing.append(f"{entry['id']} ({split}): sha256 differs from the manifest")
            continue
        text = raw.decode("utf-8")
        gold = heldout_gold(text, yaml.safe_load((HELDOUT / "gold" / f"{entry['id']}.yaml").read_text(encoding="utf-8")), actors)
        rows.append(score(entry["id"], text, read_draft(text, draft_text(text, actors, 900 + n)), gold))
    return rows


# ---------------------------------------------------------------------- speed ----
SPEED_PARAGRAPH = ("Ortiz said “we will reopen pier {k} soon,” and she left. The council called it a “turn {k}”. "
                   "Officials met in the harbor.\n")  # made up: two pairs of quotation marks a paragraph


def speed(sizes: list[int], actors: list[dict]) -> str:
    """Seconds to draft made-up articles with 2 x N quoted passages: linear time means the per-passage time stays flat."""
    import time

    rows = ["| quoted passages | article bytes | seconds | ms per passage |", "|---|---|---|---|"]
    for n in sizes:
        text = "".join(SPEED_PARAGRAPH.format(k=k) for k in range(n))
        start = time.perf_counter()
        draft_text(text, actors, 999)
        took = time.perf_counter() - start
        rows.append(f"| {2 * n:,} | {len(text.encode()):,} | {took:.1f} | {1000 * took / (2 * n):.2f} |")
    return "\n".join(rows) + "\n"


# --------------------------------------------------------------------- report ----
KEYS = ["gold", "drafted", "matched", "right", "empty", "wrong", "claims_gold", "claims_drafted", "claims_found",
        "claimant_right", "type_right", "names", "names_actors", "names_dup"]


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "–"


def line(label: str, r: dict) -> str:
    return (f"| {label} | {r['gold']} | {pct(r['matched'], r['gold'])} ({r['matched']}) | {pct(r['matched'], r['drafted'])} ({r['drafted']}) | "
            f"{pct(r['right'], r['matched'])} ({r['right']}/{r['matched']}; empty {r['empty']}, wrong {r['wrong']}) | "
            f"{pct(r['claims_found'], r['claims_gold'])} ({r['claims_found']}/{r['claims_gold']}; drafted {r['claims_drafted']}) | "
            f"{pct(r['claimant_right'], r['claims_found'])} | {pct(r['type_right'], r['claims_found'])} | "
            f"{pct(r['names_actors'], r['names'])} ({r['names_actors']}/{r['names']}; duplicates {r['names_dup']}) |")


HEAD = ("| set | gold quotes | quote recall | quote precision (drafted) | speaker right | claims recall | claimant right | claim type right "
        "| proposed names that are actors |\n"
        "|---|---|---|---|---|---|---|---|---|")


def total(rows: list[dict]) -> dict:
    return {k: sum(r[k] for r in rows) for k in KEYS}


def details(name: str, rows: list[dict]) -> str:
    out = [f"\n### {name}, per article\n", HEAD.replace("| set |", "| article |")]
    out += [line(r["article"], r) for r in rows]
    out.append("")
    for r in rows:
        problems = ([f"missed quote “{t}”" for t in r["missed_quotes"]] + [f"false quote “{t}”" for t in r["false_quotes"]]
                    + [f"speaker of “{t[:40]}”: {got} (gold {want})" for t, got, want in r["wrong_speakers"]]
                    + [f"claim not found: “{t}”" for t in r["missed_claims"]]
                    + ([f"names that are not actors: {', '.join(r['noise_names'])}"] if r["noise_names"] else []))
        if problems:
            out.append(f"- **{r['article']}**: " + "; ".join(problems))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=Path, default=os.environ.get("CARTEL_HELDOUT_TEXTS"), help="folder with <id>.txt (default $CARTEL_HELDOUT_TEXTS)")
    parser.add_argument("--version", default="1.1.0", help="release holding the seeds' hand annotation")
    parser.add_argument("--splits", default="seeds,dev,heldout")
    parser.add_argument("--details", default="seeds,dev", help="sets to list per article (never tune on heldout)")
    parser.add_argument("--title", default="", help="a line saying what was measured")
    parser.add_argument("--speed", default="", help="comma-separated N: also time drafts of made-up articles with 2N quoted passages")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    texts = Path(args.texts) if args.texts else None
    actors = load_actors(REPO / "seeds" / "actors.yaml")
    missing: list[str] = []
    sets = {}
    for split in args.splits.split(","):
        sets[split] = run_seeds(args.version, actors) if split == "seeds" else run_real(split, texts, actors, missing)
    out = [f"<!-- generated by: python benchmarks/draft_bench.py {' '.join(argv if argv is not None else sys.argv[1:])} -->",
           args.title, "", HEAD]
    out += [line(f"{name} ({len(rows)} articles)", total(rows)) for name, rows in sets.items()]
    out += ["", TARGETS + "."]
    if missing:
        out += ["", "Not scored (texts missing or changed):", *[f"- {m}" for m in missing]]
    if args.speed:
        out += ["", "Time to draft made-up articles (this machine; `draft` before issue 23 took 43 s for 5,000 passages):", "",
                speed([int(n) for n in args.speed.split(",")], actors)]
    for name in args.details.split(","):
        if name in sets:
            out.append(details(name, sets[name]))
    report = "\n".join(out) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
