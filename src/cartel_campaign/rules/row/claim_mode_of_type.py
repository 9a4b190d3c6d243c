"""Rule `claim-mode-of-type` (row): claim_mode is a mode of claim_type."""
from __future__ import annotations

from ..registry import rule


#: PLOVER 2.0 modes of the claim types that have modes (PLOVER_MANUAL.tex, the modes table of each
#: type; tests/test_claims.py checks these agree with the vocabularies in schemas/crosswalk.json).
CLAIM_MODES = {
    "accuse": ("disapprove", "investigate", "allege"),
    "threaten": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "request": ("assist", "change", "yield", "meet"),
    "reject": ("assist", "change", "yield", "meet"),
    "consult": ("visit", "third-party", "multilateral", "phone"),
}


@rule("claim-mode-of-type", "row", "claims", "claim_mode is a mode of claim_type", "claim_mode")
def claim_mode_of_type(r):
    mode, allowed = r["claim_mode"], CLAIM_MODES.get(r["claim_type"], ())
    if mode is not None and mode not in allowed:
        modes = f"one of {', '.join(allowed)}" if allowed else "left out (the type has no modes)"
        return f"mode {mode!r} is not a mode of claim type {r['claim_type']!r}: expected {modes}"
