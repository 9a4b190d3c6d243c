"""Rule `third-party-quote-reported` (row): reported_by given on a reported_by_third_party quote."""
from __future__ import annotations

from ..registry import rule


@rule("third-party-quote-reported", "row", "quotes", "reported_by given on a reported_by_third_party quote", "attribution")
def third_party_quote_reported(r):
    if r["attribution"] == "reported_by_third_party" and r["reported_by_actor_id"] is None:
        return "a reported_by_third_party quote needs reported_by (who passed the words on); found none"
