"""Rule `fatalities-qualified` (row): fatalities_qualifier given iff a fatality number is."""
from __future__ import annotations

from ..registry import rule


@rule("fatalities-qualified", "row", "events", "fatalities_qualifier given iff a fatality number is", "fatalities_qualifier")
def fatalities_qualified(r):
    numbers = [n for n in ("fatalities", "fatalities_cumulative") if r[n] is not None]
    if r["fatalities_qualifier"] is not None and not numbers:
        return (f"fatalities_qualifier {r['fatalities_qualifier']!r} goes with a fatality number "
                "(fatalities or fatalities_cumulative); found none")
    if numbers and r["fatalities_qualifier"] is None:
        return numbers[0], f"{numbers[0]} {r[numbers[0]]} needs fatalities_qualifier (exact or approximate); found none"
