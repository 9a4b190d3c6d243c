"""Step 3: turn checked annotations into the tables of the data contract.

Resolves every text to offsets (spans.resolve), checks references between
records, and computes the derived tables (actor_mentions, actor_summary, the
first-mention evidence of actors). Raises BuildError with file and line.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import spans
from errors import BuildError

# Quotation-mark spans: an opening mark (curly, straight, or a closing curly mark used
# as an opener), text without quotation marks or line breaks, a closing mark.
QUOTE_MARKS = re.compile(r"[\u201c\u201d\"]([^\u201c\u201d\"\n]+)[\u201d\"]")
# What a quote row may leave out of its quotation marks: a leading '>' (a quoted tweet's
# marker) and spaces; a trailing comma that belongs to the reporting sentence.
_LEAD_OK = re.compile(r"[>\s]*")
_TRAIL_OK = re.compile(r"[,\s]*")


@dataclass
class Article:
    article_id: str
    file: str  # the annotation file, for messages
    text: str
    ann: dict
    sha256: str


def quote_mark_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks."""
    return [m.span(1) for m in QUOTE_MARKS.finditer(text)]


def fits_marks(text: str, start: int, end: int, marks: list[tuple[int, int]]):
    """The quotation-mark span that (start, end) fills, allowing only the permitted leftovers."""
    for ms, me in marks:
        if ms <= start and end <= me and _LEAD_OK.fullmatch(text[ms:start]) and _TRAIL_OK.fullmatch(text[end:me]):
            return ms, me
    return None


def _where_in_marks(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """Where a span that does not fill its quotation marks lies, for messages."""
    for ms, me in marks:
        if ms <= start and end <= me:
            return f"found {text[start:end]!r} inside the marks around {text[ms:me]!r}"
    for ms, me in marks:
        if start < me and ms < end:
            return f"found {text[start:end]!r}, which straddles the quotation marks around {text[ms:me]!r}"
    return f"found {text[start:end]!r} outside any quotation marks"


def _cover(covered: dict, mark: tuple[int, int], what: str, article: "Article", line: int) -> None:
    """A pair of quotation marks is one quote or one exclusion, never two."""
    if mark in covered:
        other, other_line = covered[mark]
        raise BuildError(article.file, line, f"{what}: the quotation marks around {article.text[mark[0]:mark[1]]!r} (chars {mark[0]}-{mark[1]}) "
                         f"are already covered by {other} ({article.file}:{other_line}); a passage in quotation marks is one quote or one exclusion")
    covered[mark] = (what, line)


def _evidence_rows(article: Article, record_table: str, record_id: str, item) -> list[dict]:
    rows = []
    evidence = item.get("evidence") or []
    for i, ev in enumerate(evidence):
        if isinstance(ev, str):
            start, end = spans.resolve(article.text, ev, None, article.file, evidence.lines[i], f"{record_id}: evidence #{i + 1}")
        else:
            start, end = spans.resolve(article.text, ev["text"], ev.get("occurrence"), article.file, ev.line_of("text"), f"{record_id}: evidence #{i + 1}")
        rows.append(dict(record_table=record_table, record_id=record_id, article_id=article.article_id,
                         char_start=start, char_end=end, text=article.text[start:end], basis="annotated"))
    return rows


class Registry:
    """Ids seen so far, per table, with where they were defined."""

    def __init__(self):
        self.where: dict = {}

    def add(self, table: str, rid: str, file: str, line: int):
        key = (table, rid)
        if key in self.where:
            f, l = self.where[key]
            raise BuildError(file, line, f"duplicate {table} id {rid!r} (already defined at {f}:{l})")
        self.where[key] = (file, line)

    def require(self, table: str, rid, file: str, line: int, what: str):
        if rid is not None and (table, rid) not in self.where:
            ids = sorted(r for t, r in self.where if t == table)
            import difflib

            close = difflib.get_close_matches(rid, ids, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise BuildError(file, line, f"{what}: unknown {table} id {rid!r}{hint}")


def _date(item, article: Article):
    d = item.get("date")
    if d is None:
        return dict(date_start=None, date_end=None, date_precision="unknown", date_inferred=False, date_basis=None)
    start, end, precision = d.get("start"), d.get("end"), d["precision"]
    if precision == "day" and end is None:
        end = start
    if precision == "unknown":
        if start or end:
            raise BuildError(article.file, d.line, f"{item['id']}: date precision is unknown but a date is given; drop start/end or set the precision")
    elif start is None or end is None:
        raise BuildError(article.file, d.line, f"{item['id']}: date precision {precision!r} needs start and end (day: start alone)")
    if start and end and start > end:
        raise BuildError(article.file, d.line_of("end"), f"{item['id']}: date start {start} is after end {end}")
    inferred = d.get("inferred", False)
    if inferred and not d.get("basis"):
        raise BuildError(article.file, d.line, f"{item['id']}: inferred dates need a basis saying what was inferred and why")
    return dict(date_start=start, date_end=end, date_precision=precision, date_inferred=inferred, date_basis=d.get("basis"))


def _check_prefix(article: Article, item, what: str):
    prefix = article.article_id[:3] + "-"
    if not item["id"].startswith(prefix):
        raise BuildError(article.file, item.line_of("id"), f"{what} id must start with the article number {prefix!r}, found {item['id']!r}")


def derive(actors: list, actors_file: str, articles: list[Article], checker) -> dict[str, list[dict]]:
    reg = Registry()
    t: dict[str, list[dict]] = {k: [] for k in (
        "articles", "actors", "actor_aliases", "events", "event_actors", "designations",
        "quotes", "quote_exclusions", "evidence", "actor_mentions", "actor_summary")}
    roles = checker.enum("event_actors", "role")

    # actors and aliases
    alias_owner: dict[str, tuple[str, int]] = {}
    for a in actors:
        reg.add("actors", a["id"], actors_file, a.line_of("id"))
    for a in actors:
        reg.require("actors", a.get("affiliation"), actors_file, a.line_of("affiliation"), f"actor {a['id']!r}: affiliation")
        t["actors"].append(dict(actor_id=a["id"], name=a["name"], actor_type=a["type"], country=a.get("country"),
                                description=a.get("description"), affiliation_actor_id=a.get("affiliation"),
                                wikidata_qid=a.get("wikidata")))
        for j, alias in enumerate(a["aliases"]):
            if alias in alias_owner:
                owner, line = alias_owner[alias]
                raise BuildError(actors_file, a["aliases"].lines[j], f"alias {alias!r} of {a['id']!r} already belongs to {owner!r} (line {line}); an alias must name one actor")
            alias_owner[alias] = (a["id"], a["aliases"].lines[j])
            t["actor_aliases"].append(dict(actor_id=a["id"], alias=alias))

    # mentions: leftmost-longest, case-sensitive, whole words
    pattern = alias_pattern(alias_owner)
    mentioned = set()
    for art in articles:
        for m in pattern.finditer(art.text):
            mentioned.add(alias_owner[m.group()][0])
            t["actor_mentions"].append(dict(article_id=art.article_id, char_start=m.start(), char_end=m.end(),
                                            actor_id=alias_owner[m.group()][0], alias=m.group()))
    found_aliases = {m["alias"] for m in t["actor_mentions"]}
    for alias, (owner, line) in alias_owner.items():
        if alias not in found_aliases:
            raise BuildError(actors_file, line, f"alias {alias!r} of {owner!r} is never found as a mention: it does not occur as a whole word "
                             "in any article, or only inside a longer alias (list only forms that stand on their own)")
    for a in actors:
        if a["id"] not in mentioned:
            raise BuildError(actors_file, a.line, f"actor {a['id']!r} is never mentioned on its own (its aliases only occur inside longer aliases of other actors); it would have no evidence")

    # articles and their records
    for art in articles:
        ann, f = art.ann, art.file
        title = ann.get("title")
        if title is not None:
            s, e = spans.resolve(art.text, title, None, f, ann.line_of("title"), "title")
            if s != 0:
                raise BuildError(f, ann.line_of("title"), f"title must be the headline at the start of the article text; found it at char {s}")
        pub = ann["published"]
        if pub["earliest"] > pub["latest"]:
            raise BuildError(f, pub.line_of("latest"), f"published: earliest {pub['earliest']} is after latest {pub['latest']}")
        t["articles"].append(dict(article_id=art.article_id, seed_file=f"seeds/{ann['article']}", sha256=art.sha256,
                                  n_chars=len(art.text), title=title, published_earliest=pub["earliest"],
                                  published_latest=pub["latest"], published_basis=pub["basis"].strip(),
                                  annotation_status=ann["status"]))
        marks = quote_mark_spans(art.text)
        covered: dict = {}  # quotation-mark span -> (what covers it, line)
        for q in ann.get("quotes") or []:
            _check_prefix(art, q, "quote")
            reg.add("quotes", q["id"], f, q.line_of("id"))
            s, e = spans.resolve(art.text, q["text"], q.get("occurrence"), f, q.line_of("text"), q["id"])
            mark = fits_marks(art.text, s, e, marks)
            if mark is None:
                raise BuildError(f, q.line_of("text"), f"{q['id']}: a quote must be the whole text inside one pair of quotation marks "
                                 f"(less only a leading '>' or a trailing comma); {_where_in_marks(art.text, s, e, marks)}")
            _cover(covered, mark, q["id"], art, q.line_of("text"))
            t["quotes"].append(dict(quote_id=q["id"], article_id=art.article_id, speaker_actor_id=q["speaker"], text=q["text"],
                                    char_start=s, char_end=e, attribution=q["attribution"], reported_by_actor_id=q.get("reported_by"),
                                    n_words=len(q["text"].split()), note=q.get("note")))
            t["evidence"].append(dict(record_table="quotes", record_id=q["id"], article_id=art.article_id,
                                      char_start=s, char_end=e, text=q["text"], basis="quote_span"))
            t["evidence"] += _evidence_rows(art, "quotes", q["id"], q)
        for i, x in enumerate(ann.get("exclusions") or []):
            s, e = spans.resolve(art.text, x["text"], x.get("occurrence"), f, x.line_of("text"), f"exclusions[{i}]")
            mark = fits_marks(art.text, s, e, marks)
            if mark is None:
                raise BuildError(f, x.line_of("text"), f"exclusions[{i}]: text must be the whole text inside one pair of quotation marks; "
                                 + _where_in_marks(art.text, s, e, marks))
            _cover(covered, mark, f"exclusions[{i}]", art, x.line_of("text"))
            t["quote_exclusions"].append(dict(article_id=art.article_id, text=x["text"], char_start=s, char_end=e, reason=x["reason"].strip()))
        if ann["status"] == "complete":
            missing = [(s, e) for s, e in marks if (s, e) not in covered]
            if missing:
                raise BuildError(f, ann.line_of("status"), f"status is complete but {len(missing)} quotation-mark span(s) have no quote or exclusion: "
                                 + "; ".join(f"{art.text[s:e]!r} (chars {s}-{e})" for s, e in missing) + "; add a quote or an exclusion for each")
        for ev in ann.get("events") or []:
            _check_prefix(art, ev, "event")
            reg.add("events", ev["id"], f, ev.line_of("id"))
            row = dict(event_id=ev["id"], article_id=art.article_id, event_type=ev["type"], summary=ev["summary"].strip(),
                       status=ev["status"], **_date(ev, art), location=ev.get("location"), country=ev.get("country"),
                       fatalities=ev.get("fatalities"), fatalities_cumulative=ev.get("fatalities_cumulative"),
                       fatalities_qualifier=ev.get("fatalities_qualifier"), attribution=ev["attribution"],
                       source_actor_id=ev.get("source"), same_event_as=ev.get("same_event_as"), note=ev.get("note"))
            numbers = [n for n in ("fatalities", "fatalities_cumulative") if row[n] is not None]
            if row["fatalities_qualifier"] is not None and not numbers:
                raise BuildError(f, ev.line_of("fatalities_qualifier"), f"{ev['id']}: fatalities_qualifier {row['fatalities_qualifier']!r} goes with a fatality "
                                 "number (fatalities or fatalities_cumulative); found none")
            if numbers and row["fatalities_qualifier"] is None:
                raise BuildError(f, ev.line_of(numbers[0]), f"{ev['id']}: {numbers[0]} {row[numbers[0]]} needs fatalities_qualifier (exact or approximate); found none")
            if row["fatalities_cumulative"] is not None and ev["type"] != "strike_series":
                raise BuildError(f, ev.line_of("fatalities_cumulative"), f"{ev['id']}: fatalities_cumulative is only for strike_series events")
            if ev["attribution"] == "claimed" and not ev.get("source"):
                raise BuildError(f, ev.line_of("attribution"), f"{ev['id']}: a claimed event needs 'source' (who claims it)")
            t["events"].append(row)
            evidence = _evidence_rows(art, "events", ev["id"], ev)
            if not evidence:
                raise BuildError(f, ev.line_of("evidence"), f"{ev['id']}: at least one evidence span is required")
            t["evidence"] += evidence
            for n in ("fatalities", "fatalities_cumulative"):
                if row[n] is not None and not any(re.search(rf"(?<!\d){row[n]}(?!\d)", x["text"]) or _number_word(row[n]) in x["text"].lower() for x in evidence):
                    raise BuildError(f, ev.line_of(n), f"{ev['id']}: {n} {row[n]} does not appear in the event's evidence text (as digits or a number word)")
            actors_map = ev["actors"]
            for role, ids in actors_map.items():
                if role not in roles:
                    raise BuildError(f, actors_map.line_of(role), f"{ev['id']}: actor role must be one of {', '.join(roles)}; found {role!r}")
                for j, aid in enumerate(ids if isinstance(ids, list) else [ids]):
                    line = ids.lines[j] if isinstance(ids, list) else actors_map.line_of(role)
                    if not isinstance(aid, str):
                        raise BuildError(f, line, f"{ev['id']}: {role} must list actor ids, found {aid!r}")
                    reg.require("actors", aid, f, line, f"{ev['id']}: {role}")
                    t["event_actors"].append(dict(event_id=ev["id"], actor_id=aid, role=role))
        for d in ann.get("designations") or []:
            _check_prefix(art, d, "designation")
            reg.add("designations", d["id"], f, d.line_of("id"))
            if d.get("announced_date") and d.get("effective_date") and d["announced_date"] > d["effective_date"]:
                raise BuildError(f, d.line_of("effective_date"), f"{d['id']}: announced_date {d['announced_date']} is after effective_date {d['effective_date']}")
            if d.get("date_inferred") and not d.get("date_basis"):
                raise BuildError(f, d.line_of("date_inferred"), f"{d['id']}: inferred dates need a date_basis")
            t["designations"].append(dict(designation_id=d["id"], article_id=art.article_id, target_actor_id=d["target"],
                                          authority_actor_id=d["authority"], designation_type=d["type"], legal_basis=d.get("legal_basis"),
                                          status=d["status"], announced_date=d.get("announced_date"), effective_date=d.get("effective_date"),
                                          date_inferred=d.get("date_inferred", False), date_basis=d.get("date_basis"), event_id=d.get("event"),
                                          note=d.get("note")))
            evidence = _evidence_rows(art, "designations", d["id"], d)
            if not evidence:
                raise BuildError(f, d.line_of("evidence"), f"{d['id']}: at least one evidence span is required")
            t["evidence"] += evidence

    # references that may point forward (any file): checked once every id is known
    for art in articles:
        f = art.file
        for q in art.ann.get("quotes") or []:
            reg.require("actors", q["speaker"], f, q.line_of("speaker"), f"{q['id']}: speaker")
            reg.require("actors", q.get("reported_by"), f, q.line_of("reported_by"), f"{q['id']}: reported_by")
        for ev in art.ann.get("events") or []:
            reg.require("actors", ev.get("source"), f, ev.line_of("source"), f"{ev['id']}: source")
            reg.require("events", ev.get("same_event_as"), f, ev.line_of("same_event_as"), f"{ev['id']}: same_event_as")
        for d in art.ann.get("designations") or []:
            for key in ("target", "authority"):
                reg.require("actors", d[key], f, d.line_of(key), f"{d['id']}: {key}")
            reg.require("events", d.get("event"), f, d.line_of("event"), f"{d['id']}: event")

    # derived: first-mention evidence of actors, actor summary
    first = {}
    for m in t["actor_mentions"]:
        first.setdefault((m["actor_id"], m["article_id"]), m)
    for (aid, article_id), m in first.items():
        t["evidence"].append(dict(record_table="actors", record_id=aid, article_id=article_id, char_start=m["char_start"],
                                  char_end=m["char_end"], text=m["alias"], basis="first_mention"))
    # one pass over each table (not one per actor): linear in rows
    n_mentions, mention_articles = Counter(), defaultdict(set)
    for m in t["actor_mentions"]:
        n_mentions[m["actor_id"]] += 1
        mention_articles[m["actor_id"]].add(m["article_id"])
    n_quotes = Counter(q["speaker_actor_id"] for q in t["quotes"])
    event_ids = defaultdict(set)
    for x in t["event_actors"]:
        event_ids[x["actor_id"]].add(x["event_id"])
    n_targets = Counter(d["target_actor_id"] for d in t["designations"])
    for a in t["actors"]:
        aid = a["actor_id"]
        articles_of = mention_articles.get(aid, ())
        t["actor_summary"].append(dict(
            actor_id=aid, n_mentions=n_mentions[aid], n_articles=len(articles_of),
            n_quotes=n_quotes[aid], n_events=len(event_ids.get(aid, ())),
            n_designations_as_target=n_targets[aid], first_article_id=min(articles_of, default=None)))
    return t


def alias_pattern(aliases) -> re.Pattern:
    """Whole-word, case-sensitive, leftmost-longest match of any alias.

    Same matches as the alternation of all aliases sorted longest first, but written as a
    trie (aliases sharing a prefix share its branch), so the regex engine follows one path
    per position instead of trying every alias: linear in the text, not text x aliases.
    All aliases matching at one position are prefixes of each other, so they lie on one
    trie path; each optional continuation is greedy, so the longest one followed by a
    non-word character wins, exactly as with the sorted alternation.
    """
    trie: dict = {}
    for alias in aliases:
        node = trie
        for ch in alias:
            node = node.setdefault(ch, {})
        node[""] = True  # an alias ends here

    def regex(node: dict) -> str:
        branches = [re.escape(ch) + regex(child) for ch, child in sorted((k, v) for k, v in node.items() if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    try:
        return re.compile(r"(?<!\w)(?:" + regex(trie) + r")(?!\w)")
    except RecursionError:  # a very long alias nests too deep for the regex parser: the plain alternation
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(x) for x in sorted(aliases, key=lambda s: (-len(s), s))) + r")(?!\w)")


_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()


def _number_word(n: int) -> str:
    return _WORDS[n] if n < len(_WORDS) else str(n)
