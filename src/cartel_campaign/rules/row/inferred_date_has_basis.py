"""Rule `inferred-date-has-basis` (row): date_basis given when date_inferred."""
from __future__ import annotations

from ..registry import rule


@rule("inferred-date-has-basis", "row", ("events", "designations", "claims"), "date_basis given when date_inferred", "date_inferred")
def inferred_date_has_basis(r):
    if r["date_inferred"] and not r["date_basis"]:
        return "inferred dates need a basis saying what was inferred and why"
