"""Rule `claimant-basis-agrees` (row): a claim names its claimant exactly when claimant_basis is named."""
from __future__ import annotations

from ..registry import rule


@rule("claimant-basis-agrees", "row", "claims", "a claim names its claimant exactly when claimant_basis is named",
      "claimant_basis", since="1.2.0")
def claimant_basis_agrees(r):
    if r["claimant_basis"] == "named" and r["claimant_actor_id"] is None:
        return ("no claimant: give the actor who makes the claim, or, where the text names nobody, claimant_basis "
                "unnamed ('allegedly', 'so-called') or passive ('accused of', 'labeled as', 'deemed')")
    if r["claimant_basis"] != "named" and r["claimant_actor_id"] is not None:
        return "claimant", f"claimant_basis is {r['claimant_basis']!r} but a claimant is given ({r['claimant_actor_id']!r}); a named claimant has basis named"
