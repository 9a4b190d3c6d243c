"""Every rule of the dataset, declared once, with a stable code; and the derived tables, computed once.

Each rule is a named function registered with `@rule(code, scope, tables, name, column, since)`.
The build and `cartel_campaign.validate` run the same rules through the runners of `registry.py`: the
build on the rows it derives (a failure is reported at the annotation FILE:LINE behind the failing
column), `validate` on the rows of a published release (table, row, id; FILE:LINE too in a checkout).
Every message ends with the rule's code in brackets, e.g. `[fatalities-in-evidence]`.

Scopes (what a rule's check receives):

* row      check(row) -> None | message | (column, message): one row on its own;
* record   check(row, view) -> the same: one row, with its article (`ArticleView`: the text, the
           article's rows, evidence by record, the actors' aliases);
* article  check(view) -> (table, row, column, message) per failure: an article's rows together;
* release  check(rows) -> (table, row, column, message) per failure: rows compared across articles
           (`rows`: table -> list of row dicts);
* derived  check(rows, texts) -> messages: a derived table recomputed from the others and the texts
           (the build computes these tables with the same functions, so only `validate` runs them);
* files    check(folder, tables, schemas) -> messages: a release's files (manifest, Parquet bytes,
           CSV, exports, descriptor), registered by cartel_campaign.validation.files and run there by
           `file_problems` (validate on a release, the build on what it staged).

`since`: the first release held to the rule; a published release is checked by the rules of its time.
Only the standard library is imported here (the loader never imports this package).

Layout (one rule per file, as frictionless-py's `checks/`):

* `registry.py`: `Rule`, the `@rule` decorator, `RULES`, the runners, `label`/`message`, `ArticleView`;
* `text.py`, `aliases.py`, `tables.py`: helpers several rules (and the build) share;
* `<scope>/<name>.py`: one rule each, the module named after its code (`quote-carries-claim-or-says-why`
  in `article/quote_carries_claim_or_says_why.py`), with the helpers only it uses.

The scope packages are imported below in a fixed order, and each imports its rules in a fixed order: that
is the order of `RULES`, and so of every message and of docs/RULES.md.

To add a rule: add a file in rules/<scope>/, add its import to the scope's __init__ in order, add its
cases to tests/test_rules.py.
"""
from __future__ import annotations

from .aliases import AliasFinder, ArticleAliases, first_mention_evidence, mentions
from .registry import RULES, SCOPES, ArticleView, Finding, article_findings, message, release_findings, row_findings, rule, rules_of
from .tables import SummaryCounter
from .text import NUMBERED_ID, QUOTE_MARKS, anonymous_article, article_number, claim_speech, fits_marks, number_word, positions, quote_mark_spans
from . import row, record, article, release, derived  # noqa: F401  (registers the rules, scope by scope, in this order)
from .release import RELEASE_TABLES
from .row.claim_mode_of_type import CLAIM_MODES
from .record.indirect_claim_shows_reporting_verb import REPORTING, reporting_verb_rule
from .record.claim_not_also_an_event import claim_is_not_an_event_rule
from .article.quote_carries_claim_or_says_why import claim_link_rule
from .article.event_in_own_voice import event_in_own_voice_rule

#: The names other modules use (`rules.X`, `from .rules import X`).
__all__ = [
    "AliasFinder", "ArticleAliases", "ArticleView", "CLAIM_MODES", "Finding", "NUMBERED_ID", "QUOTE_MARKS", "RELEASE_TABLES", "REPORTING",
    "RULES", "SCOPES", "SummaryCounter", "anonymous_article", "article_findings", "article_number", "claim_is_not_an_event_rule",
    "claim_link_rule", "claim_speech", "event_in_own_voice_rule", "first_mention_evidence", "fits_marks", "mentions", "message",
    "number_word", "positions", "quote_mark_spans", "release_findings", "reporting_verb_rule", "row_findings", "rule", "rules_of",
]
