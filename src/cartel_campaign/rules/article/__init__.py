"""The article rules: check(view) -> (table, row, column, message) per failure, an article's rows together.

One module per rule, named after its code. Importing this package registers them in the order
of the imports below, which is their order in `RULES` (and so in messages and docs/RULES.md): a new rule's
import goes where the rule belongs in that order (usually last).
"""
# the imports register the rules (each module is imported for that alone):
# ruff: noqa: F401
from __future__ import annotations

from . import quotation_marks_covered
from . import claim_quotes_of_own_article
from . import quote_carries_claim_or_says_why
from . import event_in_own_voice
