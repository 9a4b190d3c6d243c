"""Rule `direct-quote-not-reported` (row): reported_by not on a direct quote."""
from __future__ import annotations

from ..registry import rule


@rule("direct-quote-not-reported", "row", "quotes", "reported_by not on a direct quote", "reported_by_actor_id")
def direct_quote_not_reported(r):
    if r["attribution"] == "direct" and r["reported_by_actor_id"] is not None:
        return (f"a direct quote has no reported_by (found {r['reported_by_actor_id']!r}); "
                "use attribution reported_by_third_party or anonymous, or drop reported_by")
