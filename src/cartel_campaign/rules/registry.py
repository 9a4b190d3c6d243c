"""The rules' registry: `Rule`, the `@rule` decorator, `RULES` (every rule, in registration order), the runners the build
and `validate` call, how a finding is named in messages (`label`, `message`), and `ArticleView`, what record and
article rules read.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from .. import records
from ..versioning import version_key


SCOPES = ("row", "record", "article", "release", "derived", "files")


@dataclass(frozen=True)
class Rule:
    code: str  # stable, shown in every message: '[code]'
    scope: str  # one of SCOPES
    tables: tuple  # the tables whose rows it checks (row and record scope) or reads
    name: str  # what it checks, in words
    column: str | None  # the column a failure points at by default (its annotation key gives the line)
    check: Callable
    since: tuple = (0, 0, 0)  # the first release held to it

    def applies_to(self, version: str | None) -> bool:
        """Whether release `version` is held to the rule (None: the release being built, held to all)."""
        return version is None or self.since <= version_key(version)


class _Registry(dict):
    """The rules by code, and which of them each (scope, table, version) is held to (`selected`, worked
    out by `rules_of` once, forgotten whenever a rule is added, replaced or removed)."""

    def __init__(self):
        super().__init__()
        self.selected: dict = {}

    def __setitem__(self, code, value):
        super().__setitem__(code, value)
        self.selected.clear()

    def __delitem__(self, code):
        super().__delitem__(code)
        self.selected.clear()


RULES: dict[str, Rule] = _Registry()


def rule(code: str, scope: str, tables, name: str, column: str | None = None, since: str = "0.0.0"):
    """Register the decorated function as rule `code`."""
    assert scope in SCOPES and code not in RULES, (scope, code)

    def register(fn):
        RULES[code] = Rule(code, scope, (tables,) if isinstance(tables, str) else tuple(tables), name, column, fn, version_key(since))
        return fn

    return register


def rules_of(scope: str, table: str | None = None, version: str | None = None) -> list[Rule]:
    """The rules of a scope (for a table's rows, if given) that release `version` is held to."""
    return list(_rules_of(scope, table, version))


def _rules_of(scope: str, table: str | None, version: str | None) -> tuple[Rule, ...]:
    """rules_of, worked out once per (scope, table, version) while RULES stays the same."""
    key = (scope, table, version)
    held = RULES.selected.get(key)
    if held is None:
        held = RULES.selected[key] = tuple(r for r in RULES.values()
                                           if r.scope == scope and (table is None or table in r.tables) and r.applies_to(version))
    return held


@dataclass(frozen=True)
class Finding:
    rule: Rule
    table: str
    row: dict
    column: str | None
    message: str


def _found(rule_: Rule, table: str, row: dict, result) -> Finding | None:
    if not result:
        return None
    column, message = result if isinstance(result, tuple) else (rule_.column, result)
    return Finding(rule_, table, row, column, message)


def _broken(held: tuple, table: str, row: dict, *args) -> list[Finding]:
    """The findings of the rules `held` on one row (each rule's check(*args))."""
    out = []
    for r in held:
        result = r.check(*args)
        if result:
            out.append(_found(r, table, row, result))
    return out


def row_findings(table: str, row: dict, version: str | None = None) -> list[Finding]:
    """Every row rule that the row breaks."""
    return _broken(_rules_of("row", table, version), table, row, row)


def record_findings(table: str, row: dict, view: "ArticleView", version: str | None = None) -> list[Finding]:
    """Every record rule that the row breaks, read with its article."""
    return _broken(_rules_of("record", table, version), table, row, row, view)


def article_findings(view: "ArticleView", version: str | None = None, with_row_rules: bool = True) -> list[Finding]:
    """The rules on the rows of one article: row rules (unless the caller runs them on every row
    itself) and record rules, row by row in table order; then the article rules."""
    out = []
    for table, rows in view.rows.items():
        row_rules = _rules_of("row", table, version) if with_row_rules else ()
        record_rules = _rules_of("record", table, version)
        for row in rows:
            if row_rules:
                out += _broken(row_rules, table, row, row)
            if record_rules:
                out += _broken(record_rules, table, row, row, view)
    for r in _rules_of("article", None, version):
        out += [Finding(r, table, row, column, message) for table, row, column, message in r.check(view)]
    return out


def release_findings(rows: dict, version: str | None = None) -> list[Finding]:
    """Every release rule on the rows of all articles (`rows`: table -> rows; a table a release lacks is empty)."""
    return [Finding(r, table, row, column, message) for r in _rules_of("release", None, version)
            for table, row, column, message in r.check(rows)]


def label(table: str, row: dict) -> str:
    """How a row is named in messages: its record id (and what it is, where the id does not say)."""
    rt = records.BY_TABLE.get(table)
    if table == "actors":
        return f"actor {row['actor_id']!r}"
    if rt is not None and rt.id_column:
        return row[rt.id_column]
    if table == "quote_exclusions":
        return f"exclusion {row['text']!r}"
    if table == "event_actors":
        return f"{row['event_id']}: {row['role']} {row['actor_id']}"
    if table == "claim_quotes":
        return row["claim_id"]
    if table == "evidence":
        return f"{row['record_id']}: evidence {row['text']!r}"
    if table in ("actor_mentions", "actor_summary", "actor_aliases"):
        return f"actor {row['actor_id']!r}"
    return ""


def message(finding: Finding) -> str:
    """A finding as the build and validate print it: 'label: message [code]'."""
    name = label(finding.table, finding.row)
    return f"{name + ': ' if name else ''}{finding.message} [{finding.rule.code}]"


@dataclass
class ArticleView:
    """One article as the record and article rules see it: its text, its rows (table -> rows, in the
    order the build derives them) and the actor registry's aliases (actor id -> aliases)."""
    article_id: str
    text: str
    rows: dict
    forms: dict = field(default_factory=dict)

    def __post_init__(self):
        self._evidence: dict = defaultdict(list)
        for e in self.rows.get("evidence", ()):
            self._evidence[(e["record_table"], e["record_id"])].append(e)
        self._quotes: dict = defaultdict(list)
        for link in self.rows.get("claim_quotes", ()):
            self._quotes[link["claim_id"]].append(link["quote_id"])

    @property
    def status(self) -> str:
        return self.rows["articles"][0]["annotation_status"]

    def evidence(self, table: str, record_id: str) -> list[dict]:
        """The evidence rows of a record (basis annotated or quote_span; first mentions are the actors')."""
        return self._evidence.get((table, record_id), [])

    def evidence_texts(self, table: str, record_id: str) -> list[str]:
        return [e["text"] for e in self.evidence(table, record_id)]

    def quote_ids(self, claim_id: str) -> list[str]:
        """The quotes that carry a claim (claim_quotes), in order."""
        return self._quotes.get(claim_id, [])

    def event_spans(self) -> dict:
        """event id -> its evidence spans (start, end)."""
        return {e["event_id"]: [(v["char_start"], v["char_end"]) for v in self.evidence("events", e["event_id"])]
                for e in self.rows.get("events", ())}
