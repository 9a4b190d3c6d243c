"""Rule `links-within-article` (release): a designation's event, a claim's event, designation and quotes are its own article's."""
from __future__ import annotations

from ... import records
from ..registry import rule
from ..text import own_article_rule


@rule("links-within-article", "release", ("designations", "claims", "claim_quotes", "events", "quotes"),
      "a designation's event, a claim's event, designation and quotes are its own article's")
def links_within_article(rows):
    article_of = {t: {r[records.BY_TABLE[t].id_column]: r["article_id"] for r in rows.get(t, ())}
                  for t in ("events", "designations", "quotes")}
    for d in rows.get("designations", ()):
        problem = d["event_id"] and own_article_rule("event", d["event_id"], article_of["events"].get(d["event_id"]), d["article_id"])
        if problem:
            yield "designations", d, "event_id", problem
    claims = {c["claim_id"]: c for c in rows.get("claims", ())}
    for c in claims.values():
        for col, table, what in (("about_event_id", "events", "event"), ("about_designation_id", "designations", "designation")):
            problem = c[col] and own_article_rule(what, c[col], article_of[table].get(c[col]), c["article_id"])
            if problem:
                yield "claims", c, col, problem
    for link in rows.get("claim_quotes", ()):
        claim = claims.get(link["claim_id"])
        problem = claim and own_article_rule("quote", link["quote_id"], article_of["quotes"].get(link["quote_id"]), claim["article_id"])
        if problem:
            yield "claim_quotes", link, "quote_id", problem
