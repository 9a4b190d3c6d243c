"""Rule `claim-speech-from-quotes` (record): speech is direct exactly when quotes carry the claim."""
from __future__ import annotations

from ..registry import rule
from ..text import claim_speech


@rule("claim-speech-from-quotes", "record", "claims", "speech is direct exactly when quotes carry the claim", "speech")
def claim_speech_from_quotes(r, view):
    quote_ids = view.quote_ids(r["claim_id"])
    if r["speech"] != claim_speech(quote_ids):
        return f"speech is {r['speech']!r} but {len(quote_ids)} quote(s) carry it (claim_quotes)"
