"""Generate a synthetic project root: the real corpus copied N times.

    python benchmarks/synth.py OUT --scale N [--like ROOT]

OUT gets seeds/ with N copies of each of ROOT's articles and annotations, plus ROOT's
actors.yaml, schemas/ and docs/card.md, and a seeds/releases.yaml with one draft release (so there is no
previous release to compare: seeds/corrections.yaml is empty), so that
`python -m cartel_campaign.build.pipeline --root OUT --force` builds it.

Copy 0 is the real corpus unchanged (same file names, same annotations). Copy c > 0 of
article NNN is article c*K + NNN (K = number of real articles): its text is the real text
plus a last line "Synthetic copy c of article NNN." (so every copy has its own checksum,
and every offset of the real annotation still holds), and its annotation is the real one,
full (quotes, exclusions, events, designations, claims, with their evidence), with every
record id of the article (quotes, events, designations, claims: `NNN-...`) renamed to the
copy's number, and every reference to them with it (claims' quotes lists, about_event,
about_designation, designations' event). An article's anonymous sources are its own
(ids NNN-...): each copy gets copies of them (id renamed, each alias with the copy's number
appended, named in the copy's last line). Copies have no `same_event_as` (a copy must not
link to another copy of the same event; links between copies would be arbitrary).

Article ids have three digits, so there are at most 1000 articles: N <= 1000 // K.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MAX_ARTICLES = 1000
RECORD_SECTIONS = ("quotes", "events", "designations", "claims")


def record_ids(data: dict) -> list[str]:
    """The ids of the article's own records (every id-bearing section of the annotation)."""
    return [r["id"] for s in RECORD_SECTIONS for r in (data.get(s) or []) if isinstance(r, dict) and "id" in r]


def renamed(text: str, ids: list[str], prefix: str) -> str:
    """text with each of ids (NNN-rest) replaced by prefix-rest, wherever it stands as a whole id."""
    if not ids:
        return text
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")(?![\w-])")
    return pattern.sub(lambda m: prefix + m.group(1)[3:], text)


def drop_same_event_as(text: str) -> str:
    return re.sub(r"(?m)^[ \t]*same_event_as:.*\n", "", text)


def anonymous_sources(actors: list[dict], nnn: str) -> list[dict]:
    """The anonymous-source actors of real article nnn (their ids start with its number)."""
    return [a for a in actors if a.get("type") == "anonymous_source" and a["id"].startswith(f"{nnn}-")]


def copied_actors(actors: list[dict], nnn: str, copy_nnn: str) -> tuple[str, list[str]]:
    """YAML entries for copy_nnn's own anonymous sources (copies of nnn's, ids and aliases renamed:
    an alias belongs to one actor) and the sentence of the copy's text that names them."""
    out, names = [], []
    for a in anonymous_sources(actors, nnn):
        new = dict(a, id=copy_nnn + a["id"][3:], aliases=[f"{x} {copy_nnn}" for x in a["aliases"]])
        new.pop("description", None)  # it may name the other real sources by id
        out.append("- " + "\n  ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in new.items()))
        names += new["aliases"]
    return "\n\n".join(out), names


def copy_article(seeds_in: Path, stem: str, out: Path, copy: int, n_real: int, index: int, actors: list[dict]) -> str:
    """Write copy `copy` of real article `stem` (index `index` among the real ones) into out;
    returns the actors.yaml entries of the copy's own anonymous sources."""
    text = (seeds_in / f"{stem}.txt").read_text(encoding="utf-8")
    ann = (seeds_in / f"{stem}.yaml").read_text(encoding="utf-8")
    if copy == 0:
        (out / f"{stem}.txt").write_text(text, encoding="utf-8")
        (out / f"{stem}.yaml").write_text(ann, encoding="utf-8")
        return ""
    nnn = f"{copy * n_real + index:03d}"
    new_stem = f"{nnn}_{hashlib.sha256(f'synthetic-{copy}-{stem}'.encode()).hexdigest()[:16]}"
    entries, names = copied_actors(actors, stem[:3], nnn)
    naming = f", naming {', '.join(names)}" if names else ""
    text = text + ("" if text.endswith("\n") else "\n") + f"Synthetic copy {copy} of article {stem[:3]}{naming}.\n"
    own = record_ids(yaml.safe_load(ann)) + [a["id"] for a in anonymous_sources(actors, stem[:3])]
    ann = renamed(drop_same_event_as(ann), own, nnn)
    ann = re.sub(r"(?m)^article: .*$", f"article: {new_stem}.txt", ann, count=1)
    ann = re.sub(r"(?m)^sha256: .*$", f"sha256: {hashlib.sha256(text.encode('utf-8')).hexdigest()}", ann, count=1)
    (out / f"{new_stem}.txt").write_text(text, encoding="utf-8")
    (out / f"{new_stem}.yaml").write_text(ann, encoding="utf-8")
    return entries


def newest_release(root: Path) -> dict:
    releases = yaml.safe_load((root / "seeds" / "releases.yaml").read_text(encoding="utf-8"))
    return releases[-1]


def generate(out: Path, scale: int, like: Path = REPO) -> dict:
    """Write the synthetic root; returns a summary."""
    seeds_in = like / "seeds"
    stems = sorted(p.stem for p in seeds_in.glob("[0-9][0-9][0-9]_*.yaml"))
    if scale < 1 or scale * len(stems) > MAX_ARTICLES:
        raise SystemExit(f"error: --scale must be 1..{MAX_ARTICLES // len(stems)} ({len(stems)} real articles, "
                         f"at most {MAX_ARTICLES} article ids NNN); got {scale}")
    if out.exists():
        shutil.rmtree(out)
    seeds = out / "seeds"
    seeds.mkdir(parents=True)
    shutil.copytree(like / "schemas", out / "schemas", ignore=shutil.ignore_patterns("__pycache__"))
    (out / "docs").mkdir()
    shutil.copy2(like / "docs" / "card.md", out / "docs" / "card.md")  # the dataset card's hand-written text
    if (seeds_in / "GUIDE.md").is_file():
        shutil.copy2(seeds_in / "GUIDE.md", seeds / "GUIDE.md")
    actors_text = (seeds_in / "actors.yaml").read_text(encoding="utf-8")
    actors = yaml.safe_load(actors_text)
    version = newest_release(like)["version"]
    (seeds / "releases.yaml").write_text(
        f"- version: {json.dumps(version)}\n  date: 2026-11-25\n  status: draft\n"
        f"  notes: Synthetic release, the real corpus copied {scale} times (benchmarks/synth.py).\n", encoding="utf-8")
    (seeds / "corrections.yaml").write_text("# No previous release: nothing to correct.\n[]\n", encoding="utf-8")
    extra = [copy_article(seeds_in, stem, seeds, copy, len(stems), index, actors)
             for copy in range(scale) for index, stem in enumerate(stems)]
    extra = [e for e in extra if e]
    if extra:
        actors_text = actors_text.rstrip("\n") + "\n\n# --- anonymous sources of the synthetic copies ---\n" + "\n\n".join(extra) + "\n"
    (seeds / "actors.yaml").write_text(actors_text, encoding="utf-8")
    return {"scale": scale, "articles": scale * len(stems), "version": version, "like": str(like)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path)
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--like", type=Path, default=REPO, help="real project root to copy (default: this checkout)")
    args = p.parse_args(argv)
    print(json.dumps(generate(args.out.resolve(), args.scale, args.like.resolve())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
