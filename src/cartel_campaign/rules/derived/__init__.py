"""The derived-table rules: check(rows, texts) -> messages, a derived table recomputed from the others and the texts.

One module per rule, named after its code. Importing this package registers them in the order
of the imports below, which is their order in `RULES` (and so in messages and docs/RULES.md): a new rule's
import goes where the rule belongs in that order (usually last).
"""
# the imports register the rules (each module is imported for that alone):
# ruff: noqa: F401
from __future__ import annotations

from . import actor_mentions_recomputed
from . import first_mentions_recomputed
from . import actor_summary_recomputed
from . import events_wide_recomputed
from . import claims_wide_recomputed
from . import dyads_recomputed
