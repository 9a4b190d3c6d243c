"""Rule `anonymous-quote-speaker` (release): an anonymous quote's speaker is an anonymous source, and only its."""
from __future__ import annotations

from ..registry import rule


def anonymous_speaker_rule(quote: dict, actor_type: str | None) -> str | None:
    """Rule 'an anonymous quote's speaker is an anonymous_source actor, and only an anonymous quote's'."""
    if quote["attribution"] == "anonymous" and actor_type not in (None, "anonymous_source"):
        return f"an anonymous quote's speaker must be an anonymous_source actor; {quote['speaker_actor_id']!r} is a {actor_type}"
    if quote["attribution"] != "anonymous" and actor_type == "anonymous_source":
        return (f"speaker {quote['speaker_actor_id']!r} is an anonymous_source actor, so the quote's attribution must be anonymous; "
                f"found {quote['attribution']}")
    return None


@rule("anonymous-quote-speaker", "release", ("quotes", "actors"), "an anonymous quote's speaker is an anonymous source, and only its",
      "speaker_actor_id")
def anonymous_quote_speaker(rows):
    types = {a["actor_id"]: a["actor_type"] for a in rows.get("actors", ())}
    for q in rows.get("quotes", ()):
        problem = anonymous_speaker_rule(q, types.get(q["speaker_actor_id"]))
        if problem:
            yield "quotes", q, "speaker_actor_id", problem
