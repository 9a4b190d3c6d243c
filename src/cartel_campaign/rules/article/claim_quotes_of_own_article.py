"""Rule `claim-quotes-of-own-article` (article): a claim's quotes are quotes of its article."""
from __future__ import annotations

import difflib

from ..registry import rule


@rule("claim-quotes-of-own-article", "article", ("claim_quotes", "quotes"), "a claim's quotes are quotes of its article", "quote_id")
def claim_quotes_of_own_article(view):
    own = [q["quote_id"] for q in view.rows.get("quotes", ())]
    for link in view.rows.get("claim_quotes", ()):
        if link["quote_id"] not in own:
            close = difflib.get_close_matches(link["quote_id"], sorted(own), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            yield "claim_quotes", link, "quote_id", f"quotes must list quote ids of this article; found {link['quote_id']!r}{hint}"
