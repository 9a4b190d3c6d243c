"""Every rule of cartel_campaign.rules on the rows of a release, through the same runners the build
uses (rules.article_findings per article, rules.release_findings across articles), plus the derived
tables recomputed. A message names the table, the row (number and id), the rule's code and, in a
checkout, the annotation FILE:LINE behind the value.
"""
from __future__ import annotations

from .. import checks, rules


def _by_article(rows: dict, article_ids: list[str]) -> dict[str, dict]:
    """article id -> table -> that article's rows (tables without article_id follow their event or claim)."""
    views: dict = {a: {} for a in article_ids}
    article_of = {}
    for table in ("events", "claims"):
        id_col = "event_id" if table == "events" else "claim_id"
        article_of[table] = {r[id_col]: r["article_id"] for r in rows.get(table, ())}
    for table, table_rows in rows.items():
        for row in table_rows:
            if "article_id" in row:
                article = row["article_id"]
            elif table == "event_actors":
                article = article_of["events"].get(row["event_id"])
            elif table == "claim_quotes":
                article = article_of["claims"].get(row["claim_id"])
            else:
                continue
            if article in views:
                views[article].setdefault(table, []).append(row)
    return views


def rule_problems(tables: dict, texts: dict[str, str], version: str | None, where=None) -> list[str]:
    """Every rule release `version` is held to, on its tables (Arrow); `texts`: article id -> text;
    `where(table, row, column)`: the annotation (file, line) behind a value, or None."""
    rows = {name: checks.LazyRows(table) for name, table in tables.items()}
    number = {id(row): i for table_rows in rows.values() for i, row in enumerate(table_rows)}
    forms: dict = {}
    for alias in rows.get("actor_aliases", ()):
        forms.setdefault(alias["actor_id"], []).append(alias["alias"])
    findings = [f for name, table_rows in rows.items() for row in table_rows for f in rules.row_findings(name, row, version)]
    if "articles" in rows:
        articles = [a["article_id"] for a in rows["articles"]]
        for article_id, article_rows in _by_article(rows, articles).items():
            if article_id not in texts:
                continue  # a missing or changed text is reported by files.article_texts
            view = rules.ArticleView(article_id, texts[article_id], article_rows, forms)
            findings += rules.article_findings(view, version, with_row_rules=False)
    findings += rules.release_findings({t: rows.get(t, ()) for t in rules.RELEASE_TABLES}, version)
    problems = [_problem(f, number.get(id(f.row)), where) for f in findings]
    held = {t: rows.get(t, ()) for rule in rules.rules_of("derived", version=version) for t in rule.tables}  # a missing table: read_release says
    for rule in rules.rules_of("derived", version=version):
        problems += [f"{rule.tables[0]}: {m} [{rule.code}]" for m in rule.check(held, texts)]
    return problems


def _problem(finding: rules.Finding, row_number: int | None, where) -> str:
    at = where(finding.table, finding.row, finding.column) if where else None
    row = f"row {row_number}: " if row_number is not None else ""
    return (f"{finding.table}: {row}{rules.message(finding)}" + (f" (column {finding.column})" if finding.column else "")
            + (f" (annotation {at[0]}:{at[1]})" if at else ""))
