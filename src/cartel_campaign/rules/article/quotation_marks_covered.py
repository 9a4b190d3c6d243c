"""Rule `quotation-marks-covered` (article): every pair of quotation marks is one quote or one exclusion, and a quote fills its marks."""
from __future__ import annotations

from ..registry import label, rule
from ..text import fits_marks, quote_mark_spans


def where_in_marks(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """Where a span that does not fill its quotation marks lies, for messages."""
    for ms, me in marks:
        if ms <= start and end <= me:
            return f"found {text[start:end]!r} inside the marks around {text[ms:me]!r}"
    for ms, me in marks:
        if start < me and ms < end:
            return f"found {text[start:end]!r}, which straddles the quotation marks around {text[ms:me]!r}"
    return f"found {text[start:end]!r} outside any quotation marks"


def quotation_mark_rule(article: str, status: str, spans: list[tuple[str, int, int]]) -> list[tuple[int | None, str, int | None]]:
    """Rule 'every pair of quotation marks is one quote or one exclusion'.

    `spans`: (kind, start, end) of each quote (kind 'quote') and exclusion ('exclusion') of one
    article, in annotation order. Returns (index into spans or None for the whole article,
    message, index of the span that already covers the same marks or None); a message about
    such a clash contains '{other}', for the caller to name that span.
    """
    marks = quote_mark_spans(article)
    covered: dict = {}
    problems = []
    for i, (kind, start, end) in enumerate(spans):
        mark = fits_marks(article, start, end, marks)
        if mark is None:
            if kind == "quote":
                problems.append((i, "a quote must be the whole text inside one pair of quotation marks "
                                    f"(less only a leading '>' or a trailing comma); {where_in_marks(article, start, end, marks)}", None))
            else:
                problems.append((i, f"text must be the whole text inside one pair of quotation marks; {where_in_marks(article, start, end, marks)}", None))
        elif mark in covered:
            problems.append((i, f"the quotation marks around {article[mark[0]:mark[1]]!r} (chars {mark[0]}-{mark[1]}) are already covered by "
                                "{other}; a passage in quotation marks is one quote or one exclusion", covered[mark]))
        else:
            covered[mark] = i
    if status == "complete":
        missing = [(s, e) for s, e in marks if (s, e) not in covered]
        if missing:
            problems.append((None, f"status is complete but {len(missing)} quotation-mark span(s) have no quote or exclusion: "
                                   + "; ".join(f"{article[s:e]!r} (chars {s}-{e})" for s, e in missing) + "; add a quote or an exclusion for each", None))
    return problems


@rule("quotation-marks-covered", "article", ("quotes", "quote_exclusions", "articles"),
      "every pair of quotation marks is one quote or one exclusion, and a quote fills its marks", "text")
def quotation_marks_covered(view):
    spans = [(t, row) for t in ("quotes", "quote_exclusions") for row in view.rows.get(t, ())]
    kinds = [("quote" if t == "quotes" else "exclusion", row["char_start"], row["char_end"]) for t, row in spans]
    article = view.rows["articles"][0]
    for i, problem, other in quotation_mark_rule(view.text, article["annotation_status"], kinds):
        if i is None:
            yield "articles", article, "annotation_status", problem
            continue
        if other is not None:
            problem = problem.replace("{other}", label(*spans[other]))
        yield spans[i][0], spans[i][1], "text", problem
