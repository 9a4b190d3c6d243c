"""Helpers that several rules share, and the build and the draft read: quotation marks, offsets in a text, number
words, article numbers in ids, the span tables, a claim's speech, references between records.
"""
from __future__ import annotations

import re

from .. import speech


def claim_speech(quote_ids: list[str]) -> str:
    """A claim's speech: direct when quotes carry it, indirect otherwise (the build computes it, validate recomputes)."""
    return "direct" if quote_ids else "indirect"


#: Tables whose rows are spans of an article, with the column that holds the span's text.
SPAN_TABLES = {"quotes": "text", "evidence": "text", "quote_exclusions": "text", "actor_mentions": "alias"}


# Quotation-mark spans: an opening mark (curly, straight, or a closing curly mark used
# as an opener), text without quotation marks or line breaks, a closing mark.
QUOTE_MARKS = speech.DOUBLE_MARKS
# What a quote row may leave out of its quotation marks: a leading '>' (a quoted tweet's
# marker) and spaces; a trailing comma that belongs to the reporting sentence.
_LEAD_OK = re.compile(r"[>\s]*")
_TRAIL_OK = re.compile(r"[,\s]*")


def quote_mark_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks, double or single (speech.quote_mark_matches)."""
    return [m.span(1) for m in speech.quote_mark_matches(text)]


def positions(article: str, text: str) -> list[int]:
    """Every start offset of text in article (overlapping occurrences included): what `occurrence: N` counts."""
    found, i = [], article.find(text)
    while i != -1:
        found.append(i)
        i = article.find(text, i + 1)
    return found


def fits_marks(text: str, start: int, end: int, marks: list[tuple[int, int]]):
    """The quotation-mark span that (start, end) fills, allowing only the permitted leftovers."""
    for ms, me in marks:
        if ms <= start and end <= me and _LEAD_OK.fullmatch(text[ms:start]) and _TRAIL_OK.fullmatch(text[end:me]):
            return ms, me
    return None


_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()


def number_word(n: int) -> str:
    return _WORDS[n] if n < len(_WORDS) else str(n)


def same_event_as_rule(event: dict, other_article_id: str | None) -> str | None:
    """Rule 'same_event_as points at another article's row' (one event per report per article)."""
    if event["same_event_as"] is not None and other_article_id == event["article_id"]:
        return (f"same_event_as {event['same_event_as']!r} is in the same article; one article reports an event once "
                "(merge the rows instead)")
    if event["same_event_as"] is not None and other_article_id is not None and other_article_id > event["article_id"]:
        return (f"same_event_as is set on the later article's row; {event['same_event_as']!r} is in the later article "
                f"{other_article_id}: set it there, pointing at {event['event_id']!r}")
    return None


def own_article_rule(what: str, ref_id: str, ref_article: str | None, article_id: str) -> str | None:
    """Rule 'a record refers only to its own article's records' (a designation's event, an anonymous speaker)."""
    if ref_article is not None and ref_article != article_id:
        return f"{what} {ref_id!r} belongs to article {ref_article}, not to this article {article_id}"
    return None


def article_number(article_id: str) -> str:
    """An article's number: its id up to the underscore ('004' of '004_a369d1b0aa72c426'); record ids start with it."""
    return article_id.split("_", 1)[0]


#: An id that starts with an article number ('004-unnamed-official').
NUMBERED_ID = re.compile(r"([0-9]+)-")


def anonymous_article(actor_id: str, actor_type: str | None) -> str | None:
    """The article number an anonymous_source actor belongs to (its id starts with it)."""
    m = NUMBERED_ID.match(actor_id) if actor_type == "anonymous_source" else None
    return m.group(1) if m else None


def linked_events(rows):
    """(event, the event its same_event_as points at) for each event that points at another row of the release."""
    events = {e["event_id"]: e for e in rows.get("events", ())}
    for e in events.values():
        other = events.get(e["same_event_as"]) if e["same_event_as"] is not None else None
        if other is not None and other is not e:
            yield e, other
