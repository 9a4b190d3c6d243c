"""Generate a synthetic project root shaped like the real one, at N times its size.

    python benchmarks/synth.py OUT --scale 100 [--like ROOT]

OUT gets seeds/ (articles NNN_<16hex>.txt with their annotation NNN_<16hex>.yaml,
actors.yaml, releases.yaml) plus copies of ROOT's schemas/, build/ and
src/cartel_campaign/_version.py, so that `build/pipeline.py --root OUT` builds it.

The shape follows the newest release of ROOT (the real corpus): per 1x it has as many
articles, characters, actors (by type), aliases, quotes, events, event actors,
designations and annotated evidence spans as the real release, and about as many actor
mentions and first-mention evidence rows (mentions are found by the build, as for the
real articles). Quotes stand in curly quotes (some in straight quotes, some with a
trailing comma outside the text, some keeping a final period), evidence is often a short
attribution such as "Bakotu stated" that needs `occurrence:`, government aliases contain
a person's alias ("Bakotu administration": leftmost-longest), every article is `complete`
(every pair of quotation marks is a quote or an exclusion), and there is at least one
quote exclusion per 1x (the real release has none).

Article ids have three digits (NNN_), so there are at most 1000 articles: beyond 200x
the articles get longer instead of more numerous.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

from cartel_campaign.rules import positions  # the build's own counting of occurrences

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MAX_ARTICLES = 1000

# Per 1x: the real release 1.0.0 (used when --like has no readable release).
DEFAULT_SHAPE = {
    "articles": 5, "chars": 16841,
    "actor_types": {"person": 11, "government_agency": 7, "state": 5, "criminal_organization": 4, "media": 4,
                    "anonymous_source": 4, "government": 2, "military": 1, "think_tank": 1},
    "aliases": 61, "cross_pairs": 33, "quotes": 27, "quote_evidence": 31, "exclusions": 0,
    "events": 28, "event_actors": 50, "event_evidence": 44, "designations": 4, "designation_evidence": 6,
}

CONS, VOWELS = "bdfgklmnprstvz", "aeiou"
SYLLABLES = [c + v for c in CONS for v in VOWELS]  # 70

# Filler vocabulary: lower case English words; none has the consonant-vowel shape of the
# synthetic names, so no filler word is ever an alias.
FILLER = """according across action after against agreement aid airspace also analysts announced approach area
armed arrest assets attack authorities prior began border briefing campaign capital claims coast coastal
command comments concerns conflict continued control cooperation country crisis crossing days deal
decision described despite drug east efforts election escalation experts fight flights force forces
former further governments ground growing held however illegal including increase intelligence interior
issued large last later leaders legal naval measures meeting military ministers mission month months
national near network new night north officials operation operations order own past patrols plan
plans policy political port pressure previous program recent regional remained report reported reports
response routes said security series several shipments since situation south statement steps strategy
strikes strong support surveillance talks territory threat three through traffickers training two under
until vessels violence war warned waters weapons week weeks west while within without years""".split()
QUOTE_WORDS = FILLER + "we’re don’t it’s they’re we’ll won’t can’t that’s".split()
GIVEN = [a + b for a in SYLLABLES[::3] for b in SYLLABLES[1::4]]  # two-syllable given names (never aliases on their own)
OPENERS = ["Meanwhile,", "Later,", "Separately,", "Then", "Also,", "Earlier,", "Still,"]
VERBS = ["ordered", "announced", "carried out", "approved", "launched", "confirmed", "extended", "reported"]
EVENT_TYPES = ["designation", "policy", "deployment", "strike", "strike_series", "mobilization", "reward", "killing",
               "military_preparation", "military_operation", "authorization", "diplomacy", "extradition", "statement", "sanction"]
ROLES_EXTRA = ["target"] * 14 + ["announcer"] * 4 + ["subject"] * 2 + ["victim", "authorizer"]


def _check_vocabulary() -> None:
    import re

    name_like = re.compile(rf"^(?:[{CONS}][{VOWELS}])+$")
    bad = [w for w in FILLER + [x.strip(",").lower() for x in OPENERS + VERBS] if name_like.match(w)]
    assert not bad, f"filler words shaped like synthetic names: {bad}"


def surname(i: int) -> str:
    """A unique capitalized three-syllable word for i < 343000 (four syllables beyond)."""
    n = len(SYLLABLES)
    if i < n ** 3:
        j = (i * 7919) % n ** 3
        return (SYLLABLES[j // n**2] + SYLLABLES[(j // n) % n] + SYLLABLES[j % n]).capitalize()
    j = i - n ** 3
    return (SYLLABLES[(j // n**3) % n] + SYLLABLES[(j // n**2) % n] + SYLLABLES[(j // n) % n] + SYLLABLES[j % n]).capitalize() + "a"


def share(total: int, parts: int, i: int) -> int:
    """Part i of `total` split as evenly as possible into `parts`."""
    return total * (i + 1) // parts - total * i // parts


def measure_shape(root: Path) -> dict:
    """Per-1x counts of the newest release of a real project root (DEFAULT_SHAPE if unreadable)."""
    try:
        import pyarrow.parquet as pq

        releases = sorted((p for p in (root / "dataset").iterdir() if (p / "datapackage.json").is_file()),
                          key=lambda p: tuple(int(x) for x in p.name.split(".")))
        rel = releases[-1]
        t = {name: pq.read_table(rel / f"{name}.parquet").to_pandas() for name in
             ("articles", "actors", "actor_aliases", "events", "event_actors", "designations", "quotes", "quote_exclusions", "evidence", "actor_mentions")}
    except Exception:  # noqa: BLE001 - fall back to the built-in shape
        return dict(DEFAULT_SHAPE)
    ev = t["evidence"]
    count = lambda table, basis="annotated": int(((ev["record_table"] == table) & (ev["basis"] == basis)).sum())  # noqa: E731
    pairs = int(t["actor_mentions"][["actor_id", "article_id"]].drop_duplicates().shape[0])
    return {
        "articles": len(t["articles"]), "chars": int(t["articles"]["n_chars"].sum()),
        "actor_types": {k: int(v) for k, v in t["actors"]["actor_type"].value_counts().items()},
        "aliases": len(t["actor_aliases"]), "cross_pairs": max(0, pairs - len(t["actors"])),
        "quotes": len(t["quotes"]), "quote_evidence": count("quotes"), "exclusions": len(t["quote_exclusions"]),
        "events": len(t["events"]), "event_actors": len(t["event_actors"]), "event_evidence": count("events"),
        "designations": len(t["designations"]), "designation_evidence": count("designations"),
    }


# ------------------------------------------------------------------ actors ----
ALIASES = {  # type -> (one-alias form, second alias); {s} is the actor's own word, {p} a person's word
    "person": ("{g} {s}", "{s}"),
    "government_agency": ("{s} Ministry", "Ministry of {s}"),
    "state": ("Republic of {s}", "{s}"),
    "government": ("{p} administration", "{p} government"),
    "criminal_organization": ("{s} Cartel", "Cartel de {s}"),
    "media": ("{s} News", "{s} Daily"),
    "anonymous_source": ("unnamed {s} official", "{s} insider"),
    "military": ("{s} Armed Forces", "{s} forces"),
    "think_tank": ("{s} Institute", "Institute for {s} Studies"),
    "group": ("{s} Movement", "{s} movement"),
}
TYPE_ORDER = ["person", "government_agency", "state", "criminal_organization", "media", "anonymous_source",
              "government", "military", "think_tank", "group"]


def slug(text: str) -> str:
    return "-".join(text.lower().split())


def make_actors(shape: dict, scale: int, n_articles: int) -> list[dict]:
    """Every actor with its home article, aliases and the word it is named by."""
    totals = {t: round(c * scale) for t, c in shape["actor_types"].items()}
    n_actors = sum(totals.values())
    extra = max(0, min(n_actors, round(shape["aliases"] * scale) - n_actors))  # actors with a second alias
    actors, persons, g = [], [], 0
    for t in TYPE_ORDER:
        for i in range(totals.get(t, 0)):
            home = i * n_articles // max(1, totals[t])
            s = surname(g)
            a = dict(type=t, home=home, word=s, g=g)
            if t == "person":
                a["given"] = GIVEN[g % len(GIVEN)].capitalize()
                persons.append(a)
            actors.append(a)
            g += 1
    governments = 0
    for a in actors:
        two = (a["g"] * extra // n_actors) != ((a["g"] + 1) * extra // n_actors)
        if a["type"] == "government":  # named after a person ("X administration"), each person at most once
            a["pword"] = persons[governments]["word"] if governments < len(persons) else a["word"]
            governments += 1
        forms = ALIASES[a["type"]]
        fill = dict(g=a.get("given", ""), s=a["word"], p=a.get("pword", a["word"]))
        a["aliases"] = [forms[0].format(**fill)] + ([forms[1].format(**fill)] if two else [])
        if a["type"] == "anonymous_source":
            a["id"] = f"{a['home']:03d}-{slug(a['aliases'][0])}"
        else:
            a["id"] = slug(a["aliases"][0])
    return actors


def actors_yaml(actors: list[dict]) -> str:
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 - a JSON string is a valid YAML scalar
    out = ["# Synthetic actor registry (benchmarks/synth.py).", ""]
    by_type: dict = {}
    for a in actors:
        by_type.setdefault(a["type"], []).append(a)
    for a in actors:
        out.append(f"- id: {a['id']}")
        out.append(f"  name: {q(a['aliases'][0])}")
        out.append(f"  type: {a['type']}")
        if a["g"] % 4 != 3:
            out.append(f"  country: {q(['US', 'MX', 'VE', 'CO'][a['g'] % 4])}")
        if a["g"] % 2 == 0:
            out.append(f"  description: {q('Synthetic ' + a['type'].replace('_', ' ') + ' number ' + str(a['g']))}")
        if a["type"] in ("person", "anonymous_source") and by_type.get("government_agency") and a["g"] % 6 == 0:
            agencies = by_type["government_agency"]
            out.append(f"  affiliation: {agencies[a['g'] % len(agencies)]['id']}")
        if a["g"] % 4 == 1:
            out.append(f"  wikidata: Q{1000 + a['g']}")
        out.append(f"  aliases: [{', '.join(q(x) for x in a['aliases'])}]")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- articles ----
class Writer:
    """Sentences of one article; texts to locate later (evidence, quotes) are kept as they are written."""

    def __init__(self, rng: random.Random):
        self.rng, self.sentences = rng, []

    def words(self, n: int, vocab=FILLER) -> str:
        return " ".join(self.rng.choice(vocab) for _ in range(n))

    def filler(self, lo=8, hi=18) -> str:
        return self.words(self.rng.randint(lo, hi))

    def add(self, sentence: str) -> None:
        self.sentences.append(sentence)

    def opener(self, text: str) -> str:
        """A sentence around text that leaves text (which may start with a lower-case alias) as written."""
        return f"{self.rng.choice(OPENERS)} {text}."

    def unique(self, make, used: set) -> str:
        """A text from make() that is neither a prefix of nor prefixed by a text already used."""
        while True:
            t = make()
            if not any(t.startswith(u) or u.startswith(t) for u in used):
                used.add(t)
                return t


def evidence_spans(w, first: str, n_extra: int, make) -> list[str]:
    """Write `first` and n_extra more sentences from make() into the article; all are evidence spans."""
    out = [first]
    w.add(w.opener(first))
    for _ in range(n_extra):
        more = make()
        w.add(w.opener(more))
        out.append(more)
    return out


def span(article: str, text: str) -> dict | str:
    """An evidence entry for text: the text alone when unique, else its first occurrence."""
    n = len(positions(article, text))
    if n == 0:
        raise AssertionError(f"synthetic text not in the article: {text!r}")
    return text if n == 1 else {"text": text, "occurrence": 1}


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def build_article(a: int, article_id: str, shape: dict, actors: list[dict], local: list[dict], visitors: list[dict],
                  counts: dict, event_ids_prev: list[str], seed: int) -> tuple[str, str, list[str]]:
    """One article's text and annotation (YAML); also returns its event ids."""
    rng = random.Random(seed * 1_000_003 + a)
    w = Writer(rng)
    nnn = f"{a:03d}"
    persons = [x for x in local if x["type"] == "person"] or [x for x in actors if x["type"] == "person"][:1]
    media = [x for x in local if x["type"] == "media"] or [x for x in actors if x["type"] == "media"] or persons
    anon = [x for x in local if x["type"] == "anonymous_source"]
    crim = [x for x in local if x["type"] == "criminal_organization"] or [x for x in actors if x["type"] == "criminal_organization"] or local
    authorities = [x for x in local if x["type"] in ("government_agency", "government")] or [x for x in actors if x["type"] == "government_agency"] or local
    short = lambda x: x["aliases"][-1]  # noqa: E731 - the shortest way the article names an actor

    # every alias of every local actor once; the first alias of visiting actors once
    for x in local:
        for alias in x["aliases"]:
            w.add(f"{w.filler(4, 10).capitalize()} {alias} {w.filler(3, 9)}.")
    for x in visitors:
        w.add(f"{w.filler(4, 10).capitalize()} {x['aliases'][0]} {w.filler(3, 9)}.")

    quotes, used_quotes, used_names = [], set(), set()
    for j in range(counts["quotes"]):
        n_words = max(1, min(38, int(rng.expovariate(1 / 9.5)) + 1))

        def make(n=n_words):
            t = w.words(n, QUOTE_WORDS)
            return t[0].upper() + t[1:]

        text = w.unique(make, used_quotes)
        kind = j % 6
        attribution, speaker, reported_by = "direct", persons[j % len(persons)], None
        if j % 14 == 5 and anon:
            attribution, speaker, reported_by = "anonymous", anon[j % len(anon)], media[j % len(media)]
        elif j % 27 == 13:
            attribution, reported_by = "reported_by_third_party", media[j % len(media)]
        who = short(speaker)
        if kind in (0, 1, 2):  # “text,” X stated.
            sentence, quote_text, ev = f"“{text},” {who} stated.", text, f"{who} stated"
        elif kind == 3:  # X said: “text.”  (the final period stays in the quote)
            quote_text = text + "."
            sentence, ev = f"{who} said in a {w.words(2)}: “{quote_text}”", f"{who} said in a"
        elif kind == 4:  # straight quotes
            sentence, quote_text, ev = f"{who} called it \"{text}\" during the {w.words(2)}.", text, f"{who} called it"
        else:  # a closing mark used as an opener
            sentence, quote_text, ev = f"”{text},” {who} added.", text, f"{who} added"
        if reported_by is not None:
            sentence += f" {reported_by['aliases'][0]} {w.filler(3, 6)}."
        w.add(sentence)
        extra_ev = None
        if j * (shape["quote_evidence"] - shape["quotes"]) // max(1, shape["quotes"]) != (j + 1) * (shape["quote_evidence"] - shape["quotes"]) // max(1, shape["quotes"]):
            extra_ev = f"{who} {w.words(6)}"
            w.add(w.opener(extra_ev))
        quotes.append(dict(id=f"{nnn}-q{j}", speaker=speaker["id"], text=quote_text, attribution=attribution,
                           reported_by=reported_by["id"] if reported_by else None, ev=[ev] + ([extra_ev] if extra_ev else [])))

    exclusions = []
    for j in range(counts["exclusions"]):
        name = w.unique(lambda: w.words(2), used_names)
        w.add(f"The plan known as “{name}” {w.filler(4, 8)}.")
        exclusions.append(dict(text=name, reason="A name the article puts in quotation marks, not someone's words."))

    events = []
    ev_extra_total = counts["event_evidence"] - counts["events"]
    ea_extra_total = counts["event_actors"] - counts["events"]
    for j in range(counts["events"]):
        etype = EVENT_TYPES[(a * 7 + j) % len(EVENT_TYPES)]
        agent = local[(j * 3) % len(local)]
        n_extra = share(ea_extra_total, counts["events"], j) if counts["events"] else 0
        others = []
        for k in range(n_extra):
            cand = local[(j * 3 + 1 + k) % len(local)]
            role = ROLES_EXTRA[(j + k) % len(ROLES_EXTRA)]
            if cand is not agent and (cand["id"], role) not in {(o["id"], r) for o, r in others}:
                others.append((cand, role))
        body = f"{agent['aliases'][0]} {VERBS[j % len(VERBS)]} {w.words(4)}"
        if others:
            body += " " + " and ".join(o["aliases"][-1] for o, _ in others)
        ev = dict(id=f"{nnn}-e{j}", type=etype, status=["occurred", "ongoing", "scheduled"][j % 7 // 5 if j % 7 < 6 else 2],
                  attribution="reported", actors={"agent": [agent["id"]]})
        for o, role in others:
            ev["actors"].setdefault(role, []).append(o["id"])
        if etype == "strike" and j % 2 == 0:
            n = 3 + (a + j) % 40
            body += f" {w.words(3)}, killing {n} people"
            ev.update(fatalities=n, fatalities_qualifier="exact")
        elif etype == "strike_series":
            n = 20 + (a + j) % 80
            body += f" {w.words(3)}, with around {n} deaths so far"
            ev.update(fatalities_cumulative=n, fatalities_qualifier="approximate")
        body += f" {w.words(5)}"
        spans_ = evidence_spans(w, body, share(ev_extra_total, counts["events"], j) if counts["events"] else 0,
                                lambda: f"{w.words(3)} {short(agent)} {w.words(5)}")
        if j % 14 == 0:
            ev["date"] = dict(start=f"2025-{1 + (a + j) % 12:02d}-{1 + j % 28:02d}", precision="day", inferred=True,
                              basis="Synthetic: the text states the day and month; the year is taken as 2025.")
        elif j % 28 == 1:
            ev["date"] = dict(start="2019-01-01", end="2019-12-31", precision="year")
        if j % 28 in (2, 3, 4, 5, 6):
            ev["attribution"], ev["source"] = "attributed", media[(a + j) % len(media)]["id"]
        if j % 14 == 3 and event_ids_prev:
            ev["same_event_as"] = event_ids_prev[j % len(event_ids_prev)]
        if j % 4 == 0:
            ev["location"] = f"off the {['Caribbean', 'Pacific', 'Gulf'][j % 3]} coast"
        if j % 28 == 7:
            ev["country"] = "VE"
        if j % 14 != 13:
            ev["note"] = f"Synthetic event {j} of article {nnn}."
        ev["summary"] = f"Synthetic {etype.replace('_', ' ')} event {j} reported in article {nnn}."
        ev["ev"] = spans_
        events.append(ev)

    designations = []
    d_extra_total = counts["designation_evidence"] - counts["designations"]
    for j in range(counts["designations"]):
        target, authority = crim[j % len(crim)], authorities[j % len(authorities)]
        body = f"{authority['aliases'][0]} designated {target['aliases'][0]} {w.words(5)}"
        spans_ = evidence_spans(w, body, share(d_extra_total, counts["designations"], j) if counts["designations"] else 0,
                                lambda: f"{w.words(2)} {short(target)} {w.words(6)}")
        d = dict(id=f"{nnn}-d{j}", target=target["id"], authority=authority["id"],
                 type="foreign_terrorist_organization" if j % 2 == 0 else "sanctions", status="in_effect" if j % 3 else "announced", ev=spans_)
        if j % 4 == 1:
            d.update(effective_date="2025-11-24", date_inferred=True, date_basis="Synthetic: the year is taken as 2025.")
            d["legal_basis"] = "Section 219 of the Immigration and Nationality Act"
        if events and j % 2 == 0:
            d["event"] = events[j % len(events)]["id"]
        designations.append(d)

    # pad with filler to the target length, shuffle, group into paragraphs
    target_chars = counts["chars"]
    length = sum(len(s) + 1 for s in w.sentences)
    while length < target_chars:
        s = w.filler().capitalize() + "."
        w.add(s)
        length += len(s) + 1
    rng.shuffle(w.sentences)
    paras, i = [], 0
    while i < len(w.sentences):
        k = rng.randint(3, 6)
        paras.append(" ".join(w.sentences[i:i + k]))
        i += k
    title = None
    if a % 5 == 4:
        title = f"Synthetic headline {nnn}: {w.words(6)}"
        paras.insert(0, title)
    text = "\n\n".join(paras) + "\n"

    # annotation (evidence resolved against the final text: occurrence where a text repeats)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    out = [f"# Synthetic annotation (benchmarks/synth.py) of {article_id}.txt", f"article: {article_id}.txt", f"sha256: {digest}", "status: complete"]
    if title:
        out.append(f"title: {q(title)}")
    out += ["published:", "  earliest: 2025-09-01", "  latest: 2025-12-31",
            "  basis: Synthetic article; the bounds are those of the real corpus."]

    def evidence(items, indent="    "):
        lines = [f"{indent}evidence:"]
        for t in items:
            e = span(text, t)
            if isinstance(e, str):
                lines.append(f"{indent}  - {q(e)}")
            else:
                lines.append(f"{indent}  - {{text: {q(e['text'])}, occurrence: {e['occurrence']}}}")
        return lines

    if quotes:
        out.append("quotes:")
        for x in quotes:
            out += [f"  - id: {x['id']}", f"    speaker: {x['speaker']}", f"    text: {q(x['text'])}"]
            n = text.count(x["text"])
            if n > 1:  # the quote text repeats (short quotes): which one is the quote is the one in marks
                start = _quote_occurrence(text, x["text"])
                out.append(f"    occurrence: {start}")
            out.append(f"    attribution: {x['attribution']}")
            if x["reported_by"]:
                out.append(f"    reported_by: {x['reported_by']}")
            out += evidence(x["ev"])
    if exclusions:
        out.append("exclusions:")
        for x in exclusions:
            out.append(f"  - text: {q(x['text'])}")
            n = text.count(x["text"])
            if n > 1:
                out.append(f"    occurrence: {_quote_occurrence(text, x['text'])}")
            out.append(f"    reason: {q(x['reason'])}")
    if events:
        out.append("events:")
        for e in events:
            out += [f"  - id: {e['id']}", f"    type: {e['type']}", f"    summary: {q(e['summary'])}", f"    status: {e['status']}"]
            if "date" in e:
                d = e["date"]
                items = [f"{k}: {q(v) if k == 'basis' else str(v).lower() if isinstance(v, bool) else v}" for k, v in d.items()]
                out.append("    date: {" + ", ".join(items) + "}")
            for k in ("location", "country"):
                if k in e:
                    out.append(f"    {k}: {q(e[k])}")
            for k in ("fatalities", "fatalities_cumulative", "fatalities_qualifier"):
                if k in e:
                    out.append(f"    {k}: {e[k]}")
            out.append(f"    attribution: {e['attribution']}")
            for k in ("source", "same_event_as"):
                if k in e:
                    out.append(f"    {k}: {e[k]}")
            if "note" in e:
                out.append(f"    note: {q(e['note'])}")
            out.append("    actors: {" + ", ".join(f"{r}: [{', '.join(ids)}]" for r, ids in e["actors"].items()) + "}")
            out += evidence(e["ev"])
    if designations:
        out.append("designations:")
        for d in designations:
            out += [f"  - id: {d['id']}", f"    target: {d['target']}", f"    authority: {d['authority']}", f"    type: {d['type']}"]
            if "legal_basis" in d:
                out.append(f"    legal_basis: {q(d['legal_basis'])}")
            out.append(f"    status: {d['status']}")
            if "effective_date" in d:
                out += [f"    effective_date: {d['effective_date']}", "    date_inferred: true", f"    date_basis: {q(d['date_basis'])}"]
            if "event" in d:
                out.append(f"    event: {d['event']}")
            out += evidence(d["ev"])
    return text, "\n".join(out) + "\n", [e["id"] for e in events]


def _quote_occurrence(text: str, quote: str) -> int:
    """1-based occurrence of the instance that fills a pair of quotation marks (less a trailing comma)."""
    for n, pos in enumerate(positions(text, quote), 1):
        after = text[pos + len(quote): pos + len(quote) + 2]
        if pos > 0 and text[pos - 1] in "“”\"" and (after[:1] in ("”", '"') or after in (',”', ',"')):
            return n
    raise AssertionError(f"quote not inside quotation marks: {quote!r}")


def generate(out: Path, scale: int, like: Path = REPO, seed: int = 1) -> dict:
    """Write the synthetic root; returns a summary (counts asked for)."""
    _check_vocabulary()
    shape = measure_shape(like)
    if out.exists():
        shutil.rmtree(out)
    seeds = out / "seeds"
    seeds.mkdir(parents=True)
    for name in ("schemas", "build"):
        shutil.copytree(REPO / name, out / name, ignore=shutil.ignore_patterns("__pycache__"))
    (out / "src" / "cartel_campaign").mkdir(parents=True)
    shutil.copy2(REPO / "src" / "cartel_campaign" / "_version.py", out / "src" / "cartel_campaign" / "_version.py")
    version = _version(REPO)
    (seeds / "releases.yaml").write_text(
        f"- version: {q(version)}\n  date: 2026-11-23\n  notes: Synthetic release at {scale}x the real corpus (benchmarks/synth.py).\n",
        encoding="utf-8")

    n_articles = min(MAX_ARTICLES, round(shape["articles"] * scale))
    actors = make_actors(shape, scale, n_articles)
    (seeds / "actors.yaml").write_text(actors_yaml(actors), encoding="utf-8")
    local: dict[int, list] = {}
    for x in actors:
        local.setdefault(x["home"], []).append(x)
    n_cross = min(len(actors), round(shape["cross_pairs"] * scale))
    visitors: dict[int, list] = {}
    if n_articles > 1:
        for i, x in enumerate(actors):
            if i * n_cross // len(actors) != (i + 1) * n_cross // len(actors):
                visitors.setdefault((x["home"] + 1 + i % 3) % n_articles, []).append(x)
    totals = {k: round(shape[k] * scale) for k in ("quotes", "events", "event_actors", "designations", "chars",
                                                    "quote_evidence", "event_evidence", "designation_evidence")}
    totals["exclusions"] = round(max(shape["exclusions"], 1) * scale)
    prev_events: list[str] = []
    for a in range(n_articles):
        counts = {k: share(v, n_articles, a) for k, v in totals.items()}
        counts["event_actors"] = max(counts["event_actors"], counts["events"])
        counts["event_evidence"] = max(counts["event_evidence"], counts["events"])
        counts["designation_evidence"] = max(counts["designation_evidence"], counts["designations"])
        article_id = f"{a:03d}_{hashlib.sha256(f'synthetic-{seed}-{a}'.encode()).hexdigest()[:16]}"
        mine = local.get(a) or [actors[a % len(actors)]]
        text, ann, prev_events = build_article(a, article_id, shape, actors, mine, visitors.get(a, []), counts, prev_events, seed)
        (seeds / f"{article_id}.txt").write_text(text, encoding="utf-8")
        (seeds / f"{article_id}.yaml").write_text(ann, encoding="utf-8")
    return {"scale": scale, "articles": n_articles, "actors": len(actors), "aliases": sum(len(x["aliases"]) for x in actors),
            **{k: v for k, v in totals.items()}, "shape_from": str(like)}


def _version(root: Path) -> str:
    import re

    text = (root / "src" / "cartel_campaign" / "_version.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path)
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--like", type=Path, default=REPO, help="real project root whose newest release gives the shape (default: this checkout)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    summary = generate(args.out.resolve(), args.scale, args.like.resolve(), args.seed)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
