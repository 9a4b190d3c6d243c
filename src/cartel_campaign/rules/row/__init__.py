"""The row rules: check(row) -> None | message | (column, message), one row on its own.

One module per rule, named after its code. Importing this package registers them in the order
of the imports below, which is their order in `RULES` (and so in messages and docs/RULES.md): a new rule's
import goes where the rule belongs in that order (usually last).
"""
# the imports register the rules (each module is imported for that alone):
# ruff: noqa: F401
from __future__ import annotations

from . import published_in_order
from . import date_given_with_precision
from . import ongoing_has_no_end
from . import placed_in_time
from . import claimant_basis_agrees
from . import claim_coded_one_way
from . import dates_in_order
from . import inferred_date_has_basis
from . import fatalities_qualified
from . import cumulative_only_on_series
from . import no_claimed_event
from . import claimed_event_has_source
from . import same_event_not_itself
from . import announced_before_effective
from . import direct_quote_not_reported
from . import third_party_quote_reported
from . import affiliation_not_itself
from . import plausible_dates
from . import claim_mode_of_type
from . import time_precision_derived
from . import geo_precision_derived
from . import span_not_empty
from . import span_length_is_text
from . import id_has_article_number
