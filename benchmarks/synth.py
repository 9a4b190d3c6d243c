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

Article numbers have three digits (the pattern of articles.article_id in schemas/). Past 1000
articles every number is widened to the digits needed (copy 0 too: 000_… becomes 0000_…, its
record ids 0000-…) and the copied schemas' article-id patterns say that width; the build reads the
article-id pattern from schemas/, so nothing else changes.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import yaml

from cartel_campaign import records

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RECORD_SECTIONS = tuple(r.list_key for r in records.annotated() if r.id_column)


def record_ids(data: dict) -> list[str]:
    """The ids of the article's own records (every id-bearing section of the annotation)."""
    return [r["id"] for s in RECORD_SECTIONS for r in (data.get(s) or []) if isinstance(r, dict) and "id" in r]


def renamed(text: str, ids: list[str], prefix: str) -> str:
    """text with each of ids (NNN-rest) replaced by prefix-rest, wherever it stands as a whole id."""
    if not ids:
        return text
    return _own_pattern(tuple(ids)).sub(lambda m: prefix + m.group(1)[m.group(1).index("-"):], text)


def widened(text: str, ids: list[str], width: int) -> str:
    """text with each of ids (NNN-rest) numbered with width digits (0NNN-rest), wherever it stands as a whole id."""
    if not ids:
        return text
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")(?![\w-])")
    return pattern.sub(lambda m: "0" * (width - 3) + m.group(1), text)


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


@functools.lru_cache(maxsize=None)
def _own_pattern(ids: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")(?![\w-])")


_OWN: dict = {}


def _own_ids(ann: str, actors: list[dict], nnn: str) -> list[str]:
    """The ids a real article's copies rename (its records and anonymous sources), read once per article."""
    if ann not in _OWN:
        _OWN[ann] = record_ids(yaml.load(ann, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))) + [a["id"] for a in anonymous_sources(actors, nnn)]
    return _OWN[ann]


def copy_article(seeds_in: Path, stem: str, out: Path, copy: int, n_real: int, index: int, actors: list[dict],
                 width: int = 3, real_ids: list[str] = ()) -> str:
    """Write copy `copy` of real article `stem` (index `index` among the real ones) into out, its
    number `width` digits; returns the actors.yaml entries of the copy's own anonymous sources."""
    text = (seeds_in / f"{stem}.txt").read_text(encoding="utf-8")
    ann = (seeds_in / f"{stem}.yaml").read_text(encoding="utf-8")
    if copy == 0:  # named by the naming rule of a new article: NNN_<first 16 hex digits of the text's sha256>
        new_stem = f"{int(stem[:3]):0{width}d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"
        if width != 3:  # the same article, every real id numbered with more digits (actors.yaml too: see generate)
            ann = widened(ann, list(real_ids), width)
        ann = re.sub(r"(?m)^article: .*$", f"article: {new_stem}.txt", ann, count=1)
        (out / f"{new_stem}.txt").write_text(text, encoding="utf-8")
        (out / f"{new_stem}.yaml").write_text(ann, encoding="utf-8")
        return ""
    nnn = f"{copy * n_real + index:0{width}d}"
    entries, names = copied_actors(actors, stem[:3], nnn)
    naming = f", naming {', '.join(names)}" if names else ""
    text = text + ("" if text.endswith("\n") else "\n") + f"Synthetic copy {copy} of article {stem[:3]}{naming}.\n"
    new_stem = f"{nnn}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"
    own = _own_ids(ann, actors, stem[:3])
    ann = renamed(drop_same_event_as(ann), own, nnn)
    ann = re.sub(r"(?m)^article: .*$", f"article: {new_stem}.txt", ann, count=1)
    ann = re.sub(r"(?m)^sha256: .*$", f"sha256: {hashlib.sha256(text.encode('utf-8')).hexdigest()}", ann, count=1)
    (out / f"{new_stem}.txt").write_text(text, encoding="utf-8")
    (out / f"{new_stem}.yaml").write_text(ann, encoding="utf-8")
    return entries


def newest_release(root: Path) -> dict:
    releases = yaml.safe_load((root / "seeds" / "releases.yaml").read_text(encoding="utf-8"))
    return releases[-1]


def generate(out: Path, scale: int, like: Path = REPO, digits: int | None = None) -> dict:
    """Write the synthetic root (article numbers of `digits` digits; default: as many as needed, at least 3); returns a summary."""
    seeds_in = like / "seeds"
    stems = sorted(p.stem for p in seeds_in.glob("[0-9][0-9][0-9]_*.yaml"))
    if scale < 1:
        raise SystemExit(f"error: --scale must be at least 1; got {scale}")
    width = max(3, len(str(scale * len(stems) - 1)), digits or 0)
    if out.exists():
        shutil.rmtree(out)
    seeds = out / "seeds"
    seeds.mkdir(parents=True)
    shutil.copytree(like / "schemas", out / "schemas", ignore=shutil.ignore_patterns("__pycache__"))
    if width != 3:
        for schema in (out / "schemas").glob("*.json"):
            schema.write_text(schema.read_text(encoding="utf-8").replace("[0-9]{3}_[0-9a-f]{16}", f"[0-9]{{{width}}}_[0-9a-f]{{16}}"), encoding="utf-8")
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
    real_ids = [a["id"] for a in actors if a.get("type") == "anonymous_source"]
    real_ids += [i for stem in stems for i in record_ids(yaml.safe_load((seeds_in / f"{stem}.yaml").read_text(encoding="utf-8")))]
    if width != 3:  # the real anonymous sources: 000-x becomes 0000-x, as copy 0's annotations say
        actors_text = widened(actors_text, real_ids, width)
    extra = [copy_article(seeds_in, stem, seeds, copy, len(stems), index, actors, width, real_ids)
             for copy in range(scale) for index, stem in enumerate(stems)]
    extra = [e for e in extra if e]
    if extra:
        actors_text = actors_text.rstrip("\n") + "\n\n# --- anonymous sources of the synthetic copies ---\n" + "\n\n".join(extra) + "\n"
    (seeds / "actors.yaml").write_text(actors_text, encoding="utf-8")
    return {"scale": scale, "articles": scale * len(stems), "digits": width, "version": version, "like": str(like)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path)
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--like", type=Path, default=REPO, help="real project root to copy (default: this checkout)")
    p.add_argument("--digits", type=int, help="digits of article numbers (default: as many as the scale needs, at least 3)")
    args = p.parse_args(argv)
    print(json.dumps(generate(args.out.resolve(), args.scale, args.like.resolve(), args.digits)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
