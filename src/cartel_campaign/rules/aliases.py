"""Actors' aliases found in an article's text: `AliasFinder`, `ArticleAliases`, the actor_mentions rows and the first
mentions (the build makes these tables with them, validate recomputes them).
"""
from __future__ import annotations

import re
from collections import ChainMap, defaultdict

from .text import anonymous_article, article_number


class AliasFinder:
    """Whole-word, case-sensitive, leftmost-longest matches of any alias in a text.

    The same matches as the regex (?<!\\w)(?:a1|a2|…)(?!\\w) with the aliases longest first, found
    without compiling that regex: an alias that starts with a word character can only start
    where a whole word of the text starts, and that word must equal the alias's first word; so
    each word of the text is looked up once and only the aliases with that first word (longest
    first) are tried. Linear in the text, and building it is linear in the aliases.
    """

    WORD = re.compile(r"\w+")
    WORD_CHAR = re.compile(r"\w")

    def __init__(self, aliases):
        self.by_first: dict[str, list[str]] = defaultdict(list)
        other = []
        for alias in aliases:
            m = self.WORD.match(alias)
            (self.by_first[m.group()] if m else other).append(alias)
        for candidates in self.by_first.values():
            candidates.sort(key=lambda a: (-len(a), a))
        # aliases starting with a non-word character (none in the articles): the plain regex, for all
        self.regex = (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in sorted(aliases, key=lambda a: (-len(a), a))) + r")(?!\w)")
                      if other else None)

    def plus(self, aliases) -> "AliasFinder":
        """A finder of these aliases and this finder's (the same matches as one built from both), made by
        rebuilding only the candidate lists of the new aliases' first words."""
        if not aliases:
            return self
        if self.regex is not None or any(not self.WORD.match(a) for a in aliases):
            return AliasFinder([*(a for firsts in self.by_first.values() for a in firsts), *aliases])
        new = object.__new__(AliasFinder)
        new.regex, new.by_first = None, dict(self.by_first)
        for alias in aliases:
            first = self.WORD.match(alias).group()
            new.by_first[first] = sorted({*new.by_first.get(first, ()), alias}, key=lambda a: (-len(a), a))
        return new

    def finditer(self, text: str):
        """(start, end, alias) of every match, left to right, not overlapping."""
        if self.regex is not None:
            for m in self.regex.finditer(text):
                yield m.start(), m.end(), m.group()
            return
        end_of_last = 0
        for word in self.WORD.finditer(text):
            start = word.start()
            if start < end_of_last:
                continue
            for alias in self.by_first.get(word.group(), ()):
                end = start + len(alias)
                if text.startswith(alias, start) and not self.WORD_CHAR.match(text, end):
                    yield start, end, alias
                    end_of_last = end
                    break


class ArticleAliases:
    """The aliases that name an actor in each article: every actor's, except that an anonymous source's
    aliases (its description: "a White House source close to the administration") name it in its own
    article only, so two articles' sources may be described alike. `owners`: (alias, actor id, actor type)."""

    def __init__(self, owners):
        self.owners = list(owners)
        self.everywhere = {alias: aid for alias, aid, kind in self.owners if anonymous_article(aid, kind) is None}
        self.local: dict = defaultdict(dict)
        for alias, aid, kind in self.owners:
            number = anonymous_article(aid, kind)
            if number is not None:
                self.local[number][alias] = aid
        self.finder = AliasFinder(self.everywhere)

    def for_article(self, article_id: str) -> tuple[AliasFinder, dict]:
        """(the finder, alias -> actor id) of one article."""
        local = self.local.get(article_number(article_id))
        if not local:
            return self.finder, self.everywhere
        return self.finder.plus(list(local)), ChainMap(local, self.everywhere)

    def forms(self) -> dict:
        """actor id -> its aliases."""
        out: dict = {}
        for alias, aid, _ in self.owners:
            out.setdefault(aid, []).append(alias)
        return out


def mentions(article_id: str, text: str, finder: AliasFinder, owner: dict[str, str]):
    """actor_mentions rows of one article: every alias found (owner: alias -> actor id)."""
    for start, end, alias in finder.finditer(text):
        yield {"article_id": article_id, "char_start": start, "char_end": end, "actor_id": owner[alias], "alias": alias}


def first_mention_evidence(mention_rows):
    """evidence rows (basis first_mention): each actor's first mention in each article, in order of first appearance."""
    first: dict = {}
    for m in mention_rows:
        first.setdefault((m["actor_id"], m["article_id"]), m)
    for (aid, article_id), m in first.items():
        yield {"record_table": "actors", "record_id": aid, "article_id": article_id, "char_start": m["char_start"],
               "char_end": m["char_end"], "text": m["alias"], "basis": "first_mention"}
