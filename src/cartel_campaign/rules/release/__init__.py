"""The release rules: check(rows) -> (table, row, column, message) per failure, rows compared across articles.

One module per rule, named after its code. Importing this package registers them in the order
of the imports below, which is their order in `RULES` (and so in messages and docs/RULES.md): a new rule's
import goes where the rule belongs in that order (usually last).
"""
# the imports register the rules (each module is imported for that alone):
# ruff: noqa: F401
from __future__ import annotations

from . import article_not_a_copy
from . import reference_not_a_cycle
from . import same_event_across_articles
from . import same_event_agrees
from . import occurred_not_after_publication
from . import window_ends_by_publication
from . import anonymous_source_id_has_article_number
from . import anonymous_quote_speaker
from . import anonymous_source_of_own_article
from . import links_within_article
from . import record_has_evidence

from ..registry import RULES

#: The tables each release rule reads (a release that lacks one of them, older than the table, gives it empty).
RELEASE_TABLES = sorted({t for r in RULES.values() if r.scope == "release" for t in r.tables})
