"""The record rules: check(row, view) -> None | message | (column, message), one row read with its article (`ArticleView`).

One module per rule, named after its code. Importing this package registers them in the order
of the imports below, which is their order in `RULES` (and so in messages and docs/RULES.md): a new rule's
import goes where the rule belongs in that order (usually last).
"""
# the imports register the rules (each module is imported for that alone):
# ruff: noqa: F401
from __future__ import annotations

from . import span_is_article_text
from . import title_is_headline
from . import outlet_and_byline_in_text
from . import fatalities_in_evidence
from . import event_type_is_the_texts_word
from . import designation_type_is_the_texts_word
from . import role_in_own_voice
from . import claim_speech_from_quotes
from . import indirect_claim_shows_reporting_verb
from . import claim_not_also_an_event
