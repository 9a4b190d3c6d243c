"""Every rule of cartel_campaign.rules, by its code, on both paths, and proof that each test bites.

For each rule:
* a build case: the build refuses a bad input with FILE:LINE and the rule's code. Mostly a case of
  tests/test_bad_inputs.py (a broken annotation, built end to end); for a value no annotation can
  break (the build computes it: offsets, precisions, speech) a derivation case: one article read as
  the build reads it, one derived row tampered, then the build's own rule step (derive.check_article,
  or derive.check_release_rules for rules across articles);
* a release case: the newest release's tables tampered in memory, then validate's rule runner
  (cartel_campaign.validation.rule_runner) reports the code.
Derived-table rules (scope `derived`) have no build case: the build computes those tables with the
same functions the rules recompute them with.

The mutation check (test_each_rule_bites) turns each rule into a no-op in turn and shows that its
cases then pass unnoticed: a rule removed or broken makes tests fail.
"""
from __future__ import annotations

import ast
import copy
import dataclasses
import datetime as dt
import importlib
import io
import contextlib
from pathlib import Path

import pyarrow as pa
import pytest

import test_bad_inputs as bad
from conftest import ROOT, copy_project, newest_version

from cartel_campaign import rules
from cartel_campaign.build import annotations, derive, pipeline, project, stage
from cartel_campaign.build.errors import BuildError
from cartel_campaign.build.provenance import Provenance
from cartel_campaign.validation.files import read_release
from cartel_campaign.validation.rule_runner import rule_problems

NEWEST = newest_version(ROOT)

# ------------------------------------------------------------------ release cases ----


class Release:
    """The newest release's tables as row dicts, to tamper with; `.problems()` runs validate's rule runner."""

    def __init__(self, tables: dict, texts: dict):
        self.schemas = {name: t.schema for name, t in tables.items()}
        self.rows = {name: t.to_pylist() for name, t in tables.items()}
        self.texts = texts

    def find(self, table: str, **equal) -> dict:
        return next(r for r in self.rows[table] if all(r[k] == v for k, v in equal.items()))

    def first(self, table: str, test) -> dict:
        return next(r for r in self.rows[table] if test(r))

    def drop(self, table: str, test) -> None:
        self.rows[table] = [r for r in self.rows[table] if not test(r)]

    def arrow(self) -> dict:
        return {name: pa.Table.from_pylist(rows, schema=self.schemas[name]) for name, rows in self.rows.items()}

    def problems(self) -> list[str]:
        return rule_problems(self.arrow(), self.texts, NEWEST)


@pytest.fixture(scope="module")
def release_data():
    _, tables, _, problems = read_release(ROOT / "dataset" / NEWEST)
    assert not problems
    texts = {r["article_id"]: (ROOT / r["seed_file"]).read_text(encoding="utf-8") for r in tables["articles"].to_pylist()}
    return tables, texts


RELEASE_CASES: dict = {}


def release_case(code: str):
    def register(fn):
        assert code not in RELEASE_CASES
        RELEASE_CASES[code] = fn
        return fn
    return register


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@release_case("published-in-order")
def _(r):
    a = r.rows["articles"][0]
    a["published_earliest"] = a["published_latest"] + dt.timedelta(days=1)


@release_case("date-given-with-precision")
def _(r):
    r.find("events", event_id="002-us-departments-to-coordinate-actions")["date_start"] = day("2025-10-01")


@release_case("ongoing-has-no-end")
def _(r):
    e = r.first("events", lambda e: e["status"] == "ongoing" and e["date_start"] is not None and e["date_precision"] != "window")
    e["date_end"] = e["date_start"] + dt.timedelta(days=3)


@release_case("placed-in-time")
def _(r):
    c = r.find("claims", claim_id="003-maduro-government-rejects-drug-allegations")
    c.update(date_start=None, date_end=None, date_precision="unknown", date_inferred=False, date_basis=None)


@release_case("window-ends-by-publication")
def _(r):
    c = r.find("claims", claim_id="003-maduro-government-rejects-drug-allegations")
    c["date_end"] = c["date_end"] + dt.timedelta(days=1)


@release_case("claimant-basis-agrees")
def _(r):
    r.find("claims", claim_id="003-vessel-allegedly-linked-to-tren-de-aragua")["claimant_actor_id"] = "united-states"


@release_case("claim-coded-one-way")
def _(r):
    r.find("claims", claim_id="000-rubio-maduro-regime-not-legitimate")["polarity"] = "negative"


@release_case("dates-in-order")
def _(r):
    e = r.find("events", event_id="003-us-strike-caribbean-vessel")
    e["date_end"] = e["date_start"] - dt.timedelta(days=1)


@release_case("inferred-date-has-basis")
def _(r):
    r.find("events", event_id="003-us-strike-caribbean-vessel")["date_basis"] = None


@release_case("fatalities-qualified")
def _(r):
    r.find("events", event_id="001-us-20th-strike-on-vessels")["fatalities_qualifier"] = None


@release_case("cumulative-only-on-series")
def _(r):
    r.find("events", event_id="001-us-20th-strike-on-vessels")["fatalities_cumulative"] = 4


@release_case("no-claimed-event")
def _(r):
    r.find("events", event_id="001-carlos-manzo-assassination")["attribution"] = "claimed"


@release_case("claimed-event-has-source")
def _(r):
    r.find("events", event_id="001-carlos-manzo-assassination").update(attribution="claimed", source_actor_id=None)


@release_case("same-event-not-itself")
def _(r):
    e = r.find("events", event_id="001-carlos-manzo-assassination")
    e["same_event_as"] = e["event_id"]


@release_case("announced-before-effective")
def _(r):
    r.find("designations", designation_id="004-cartel-de-los-soles-fto")["announced_date"] = day("2025-12-01")


@release_case("direct-quote-not-reported")
def _(r):
    r.first("quotes", lambda q: q["attribution"] == "direct")["reported_by_actor_id"] = "cnn"


@release_case("third-party-quote-reported")
def _(r):
    r.first("quotes", lambda q: q["attribution"] == "direct")["attribution"] = "reported_by_third_party"


@release_case("affiliation-not-itself")
def _(r):
    r.find("actors", actor_id="marco-rubio")["affiliation_actor_id"] = "marco-rubio"


@release_case("plausible-dates")
def _(r):
    r.rows["articles"][0]["published_earliest"] = day("1950-01-01")


@release_case("claim-mode-of-type")
def _(r):
    r.first("claims", lambda c: c["claim_type"] == "accuse")["claim_mode"] = "phone"


@release_case("time-precision-derived")
def _(r):
    r.find("events", event_id="003-us-strike-caribbean-vessel")["time_precision"] = 3


@release_case("geo-precision-derived")
def _(r):
    r.find("events", event_id="001-carlos-manzo-assassination")["geo_precision"] = 1


@release_case("span-not-empty")
def _(r):
    q = r.rows["quotes"][0]
    q["char_end"] = q["char_start"]


@release_case("span-length-is-text")
def _(r):
    r.rows["quotes"][0]["char_end"] += 1


@release_case("span-is-article-text")
def _(r):
    q = r.rows["quotes"][0]
    q["text"] = "X" + q["text"][1:]


@release_case("id-has-article-number")
def _(r):
    r.find("events", event_id="001-carlos-manzo-assassination")["event_id"] = "999-carlos-manzo-assassination"


@release_case("title-is-headline")
def _(r):
    r.rows["articles"][0]["title"] = "A different headline"


@release_case("outlet-and-byline-in-text")
def _(r):
    r.rows["articles"][0]["outlet"] = "Reuters"


@release_case("fatalities-in-evidence")
def _(r):
    r.find("events", event_id="001-us-20th-strike-on-vessels")["fatalities"] = 977


@release_case("event-type-is-the-texts-word")
def _(r):
    r.find("events", event_id="001-us-deployment-latin-america")["event_type"] = "mobilization"


@release_case("designation-type-is-the-texts-word")
def _(r):
    r.find("designations", designation_id="004-cartel-de-los-soles-treasury-sanctions")["designation_type"] = "foreign_terrorist_organization"


@release_case("role-in-own-voice")
def _(r):
    r.find("event_actors", role="facilitator", actor_id="donald-trump")["role"] = "agent"


@release_case("claim-speech-from-quotes")
def _(r):
    c = r.first("claims", lambda c: c["speech"] == "direct")
    c["speech"] = "indirect"


def _passage_without_reporting_verb(text: str) -> tuple[int, int]:
    """A 40-character passage of the text that holds no verb of saying (rules.REPORTING)."""
    for start in range(0, len(text) - 40, 7):
        if not rules.REPORTING.search(text[start:start + 40]) and "\n" not in text[start:start + 40]:
            return start, start + 40
    raise AssertionError("no passage without a reporting verb")


@release_case("indirect-claim-shows-reporting-verb")
def _(r):
    claim = r.first("claims", lambda c: c["speech"] == "indirect")
    text = r.texts[claim["article_id"]]
    start, end = _passage_without_reporting_verb(text)
    for e in r.rows["evidence"]:
        if (e["record_table"], e["record_id"]) == ("claims", claim["claim_id"]):
            e.update(char_start=start, char_end=end, text=text[start:end])


@release_case("claim-not-also-an-event")
def _(r):
    event = r.find("events", event_id="001-us-deployment-latin-america")
    claim = r.first("claims", lambda c: c["article_id"] == event["article_id"] and c["about_event_id"] is None)
    r.drop("evidence", lambda e: (e["record_table"], e["record_id"]) == ("claims", claim["claim_id"]))
    own = [e for e in r.rows["evidence"] if (e["record_table"], e["record_id"]) == ("events", event["event_id"])]
    r.rows["evidence"] += [dict(e, record_table="claims", record_id=claim["claim_id"]) for e in own]


@release_case("quotation-marks-covered")
def _(r):
    quote = r.first("quotes", lambda q: q["no_claim_reason"] is not None)
    r.drop("quotes", lambda q: q is quote)


@release_case("claim-quotes-of-own-article")
def _(r):
    link = r.rows["claim_quotes"][0]
    claim = r.find("claims", claim_id=link["claim_id"])
    link["quote_id"] = r.first("quotes", lambda q: q["article_id"] != claim["article_id"])["quote_id"]


@release_case("quote-carries-claim-or-says-why")
def _(r):
    r.first("quotes", lambda q: q["no_claim_reason"] is not None)["no_claim_reason"] = None


@release_case("event-in-own-voice")
def _(r):
    link = r.rows["claim_quotes"][0]
    quote = r.find("quotes", quote_id=link["quote_id"])
    event = r.first("events", lambda e: e["article_id"] == quote["article_id"])
    for e in r.rows["evidence"]:
        if (e["record_table"], e["record_id"]) == ("events", event["event_id"]):
            e.update(char_start=quote["char_start"], char_end=quote["char_end"], text=quote["text"])


@release_case("article-not-a-copy")
def _(r):
    r.rows["articles"][1]["sha256"] = r.rows["articles"][0]["sha256"]


@release_case("reference-not-a-cycle")
def _(r):
    r.find("actors", actor_id="us-department-of-state")["affiliation_actor_id"] = "marco-rubio"
    r.find("actors", actor_id="marco-rubio")["affiliation_actor_id"] = "us-department-of-state"


@release_case("same-event-across-articles")
def _(r):
    r.find("events", event_id="001-carlos-manzo-assassination")["same_event_as"] = "001-us-20th-strike-on-vessels"


@release_case("same-event-agrees")
def _(r):
    linked = r.first("events", lambda e: e["same_event_as"] is not None)
    linked["event_type"] = "sanction"


@release_case("occurred-not-after-publication")
def _(r):
    r.find("events", event_id="001-carlos-manzo-assassination").update(
        date_precision="day", date_start=day("2029-01-01"), date_end=day("2029-01-01"), time_precision=1)


@release_case("anonymous-source-id-has-article-number")
def _(r):
    r.find("actors", actor_id="cartel-de-los-soles")["actor_type"] = "anonymous_source"


@release_case("anonymous-quote-speaker")
def _(r):
    r.first("quotes", lambda q: q["attribution"] == "direct")["attribution"] = "anonymous"


@release_case("anonymous-source-of-own-article")
def _(r):
    r.first("quotes", lambda q: q["article_id"].startswith("004")).update(
        attribution="anonymous", speaker_actor_id="001-unnamed-defense-department-official")


@release_case("links-within-article")
def _(r):
    r.find("designations", designation_id="004-cartel-de-los-soles-fto")["event_id"] = "003-tren-de-aragua-fto-designation"


@release_case("record-has-evidence")
def _(r):
    claim = r.rows["claims"][0]
    r.drop("evidence", lambda e: (e["record_table"], e["record_id"]) == ("claims", claim["claim_id"]))


@release_case("actor-mentions-recomputed")
def _(r):
    r.rows["actor_mentions"].pop(3)


@release_case("first-mentions-recomputed")
def _(r):
    first = r.first("evidence", lambda e: e["basis"] == "first_mention")
    r.drop("evidence", lambda e: e is first)


@release_case("actor-summary-recomputed")
def _(r):
    r.rows["actor_summary"][0]["n_mentions"] += 1


@release_case("events-wide-recomputed")
def _(r):
    r.first("events_wide", lambda e: e["n_reporting_articles"] == 2)["n_reporting_articles"] = 1  # a repeated report counted once


@release_case("claims-wide-recomputed")
def _(r):
    r.first("claims_wide", lambda c: c["quote_texts"] is not None)["quote_texts"] = None  # the quote dropped


@release_case("dyads-recomputed")
def _(r):
    r.drop("dyads", lambda d: d["recipient_id"] is not None and d["record_table"] == "events")  # events' recipients lost


def release_problems(code: str, release_data) -> list[str]:
    tables, texts = release_data
    release = Release(tables, texts)
    RELEASE_CASES[code](release)
    return release.problems()


# ------------------------------------------------------------------ build cases ----

#: Rules an annotation can break: the case of tests/test_bad_inputs.py that breaks it.
BAD_INPUT_CASES = {
    "published-in-order": "published-earliest-after-latest", "date-given-with-precision": "date-precision-day-without-start",
    "ongoing-has-no-end": "ongoing-event-with-an-end-date", "dates-in-order": "event-date-start-after-end",
    "inferred-date-has-basis": "inferred-date-without-basis", "fatalities-qualified": "fatalities-without-qualifier",
    "cumulative-only-on-series": "fatalities-cumulative-on-a-single-strike", "no-claimed-event": "claimed-event",
    "same-event-not-itself": "same-event-as-itself", "announced-before-effective": "designation-announced-after-effective",
    "direct-quote-not-reported": "direct-quote-with-reported-by", "third-party-quote-reported": "third-party-quote-without-reported-by",
    "affiliation-not-itself": "self-affiliation", "plausible-dates": "date-outside-plausible-window",
    "claim-mode-of-type": "claim-mode-of-another-type", "id-has-article-number": "id-with-another-articles-prefix",
    "title-is-headline": "title-not-the-headline", "outlet-and-byline-in-text": "outlet-not-in-the-text",
    "fatalities-in-evidence": "fatalities-not-in-evidence", "event-type-is-the-texts-word": "deployment-typed-as-mobilization",
    "designation-type-is-the-texts-word": "entity-typed-as-fto", "role-in-own-voice": "facilitator-as-agent",
    "indirect-claim-shows-reporting-verb": "indirect-claim-without-a-reporting-verb",
    "claim-not-also-an-event": "appeal-recorded-as-a-statement-event-and-a-claim", "quotation-marks-covered": "uncovered-quotation-marks",
    "claim-quotes-of-own-article": "claim-quote-of-another-article", "quote-carries-claim-or-says-why": "quote-carried-by-no-claim",
    "event-in-own-voice": "event-resting-on-claimed-words", "reference-not-a-cycle": "affiliation-cycle",
    "same-event-across-articles": "same-event-as-within-one-article", "same-event-agrees": "same-event-of-another-type",
    "occurred-not-after-publication": "occurred-event-after-publication",
    "anonymous-source-id-has-article-number": "anonymous-source-without-article-number",
    "anonymous-quote-speaker": "anonymous-quote-with-named-speaker", "anonymous-source-of-own-article": "anonymous-speaker-of-another-article",
    "links-within-article": "designation-event-of-another-article", "article-not-a-copy": "article-copied-as-a-new-article",
    "placed-in-time": "event-without-date-or-window", "window-ends-by-publication": "window-after-publication",
    "claimant-basis-agrees": "claim-without-claimant-or-basis", "claim-coded-one-way": "denial-coded-positive",
}

#: Rules no annotation can break (the build computes the value, or, for claimed-event-has-source, a rule of
#: releases before 1.1.0 that no-claimed-event supersedes): (article, release version held to, tamper of its derived rows).
A4 = "004_a369d1b0aa72c426"


def _first(rows, table):
    return next(row for t, row in rows if t == table)


DERIVATION_CASES = {
    "span-not-empty": (A4, None, lambda rows: _first(rows, "quotes").update(char_end=_first(rows, "quotes")["char_start"])),
    "span-length-is-text": (A4, None, lambda rows: _first(rows, "quotes").update(char_end=_first(rows, "quotes")["char_end"] + 1)),
    "span-is-article-text": (A4, None, lambda rows: _first(rows, "quotes").update(text="X" + _first(rows, "quotes")["text"][1:])),
    "time-precision-derived": (A4, None, lambda rows: _first(rows, "events").update(time_precision=1)),
    "geo-precision-derived": (A4, None, lambda rows: _first(rows, "events").update(geo_precision=1)),
    "claim-speech-from-quotes": (A4, None, lambda rows: _first(rows, "claims").update(
        speech="direct" if _first(rows, "claims")["speech"] == "indirect" else "indirect")),
    "claimed-event-has-source": (A4, "1.0.0", lambda rows: _first(rows, "events").update(attribution="claimed", source_actor_id=None)),
}

#: Release rules no annotation can break (an annotated record always has evidence: the shapes require it):
#: the build's own release-rule step (derive.check_release_rules) on the tampered tables.
RELEASE_STEP_CASES = {"record-has-evidence"}


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("rules") / "project")


def build_with_bad_input(root: Path, case_id: str) -> str:
    """Run the bad-input case `case_id` on the project copy; returns the build's stderr (the copy is restored)."""
    param = next(c for c in bad.CASES if c.id == case_id)
    mutate, _ = param.values
    pristine = {rel: data for rel, data in bad._tree(root).items() if rel.split("/")[0] in bad.MUTABLE}
    try:
        mutate(bad.Seeds(root))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = pipeline.main(["--root", str(root), "-q"])
        return f"exit {code}: {err.getvalue()}"
    finally:
        for p in [p for d in bad.MUTABLE for p in (root / d).rglob("*") if p.is_file()]:
            if str(p.relative_to(root)) not in pristine:
                p.unlink()
        for rel, data in pristine.items():
            if not (root / rel).is_file() or (root / rel).read_bytes() != data:
                (root / rel).write_bytes(data)


@pytest.fixture(scope="module")
def reader():
    meta, schemas = project.load_schemas(ROOT)
    checker = annotations.Checker(schemas)
    releases = annotations.load_releases(ROOT / "seeds" / "releases.yaml", "seeds/releases.yaml", checker)
    actors_doc, actors = annotations.load_actors(ROOT / "seeds" / "actors.yaml", "seeds/actors.yaml", checker)
    owner = derive.actor_rows(actors_doc, actors, stage.Recorder())
    return stage.ArticleReader(stage.Inputs(ROOT, meta, schemas, releases, checker), owner)


def build_with_bad_derivation(reader, code: str) -> str:
    article, version, tamper = DERIVATION_CASES[code]
    read = reader(ROOT / "seeds" / f"{article}.yaml")
    assert read.error is None
    rows = copy.deepcopy(read.rows)
    tamper(rows)
    try:
        derive.check_article(read.ann, rows, reader.forms, ROOT / "seeds", version)
    except BuildError as err:
        return f"exit 2: error: {err}\n"
    return "exit 0: "


def build_release_step(code: str, release_data) -> str:
    tables, texts = release_data
    release = Release(tables, texts)
    RELEASE_CASES[code](release)
    arrow = release.arrow()
    where = Provenance(ROOT / "seeds")
    try:
        derive.check_release_rules(arrow, lambda t, row, col: where.locate(t, row, col, arrow))
    except BuildError as err:
        return f"exit 2: error: {err}\n"
    return "exit 0: "


def build_output(code: str, proj, reader, release_data) -> str:
    if code in BAD_INPUT_CASES:
        return build_with_bad_input(proj, BAD_INPUT_CASES[code])
    if code in DERIVATION_CASES:
        return build_with_bad_derivation(reader, code)
    return build_release_step(code, release_data)


# ------------------------------------------------------------------ files cases ----
#: Rules on a release's files: a copy of the newest release with one file damaged; the same runner
#: (validation.files.file_problems) serves validate and the build's check of what it staged (validate_written).
FILE_CASES: dict = {}


def file_case(code: str):
    def register(fn):
        FILE_CASES[code] = fn
        return fn
    return register


@file_case("manifest-lists-every-file")
def _(folder):
    (folder / "notes.txt").write_text("a file nobody published\n", encoding="utf-8")


@file_case("descriptor-is-the-release")
def _(folder):
    path = folder / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace(f'"version": "{NEWEST}"', '"version": "9.9.9"', 1), encoding="utf-8")


@file_case("parquet-is-what-its-rows-encode")
def _(folder):
    import pyarrow.parquet as pq

    path = folder / "events.parquet"
    pq.write_table(pq.read_table(path), path, row_group_size=5)  # the same rows, laid out as the build never writes them


@file_case("csv-agrees-with-parquet")
def _(folder):
    path = folder / "events.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace("occurred", "scheduled", 1) if "occurred" in lines[1] else lines[1] + "x"
    path.write_text("\n".join(lines), encoding="utf-8")


@file_case("exports-as-recorded")
def _(folder):
    path = folder / "designations.ftm.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + "{}\n", encoding="utf-8")


def damaged_release(code: str, tmp_path) -> Path:
    import shutil

    folder = tmp_path / NEWEST
    shutil.copytree(ROOT / "dataset" / NEWEST, folder)
    FILE_CASES[code](folder)
    return folder


def file_output(code: str, tmp_path, path: str) -> list[str]:
    """What validate (path 'release') or the build's check of its staged release (path 'build') says of the damaged copy."""
    from cartel_campaign import validate
    from cartel_campaign.validation.files import file_problems

    folder = damaged_release(code, tmp_path)
    _, tables, schemas, problems = read_release(folder)
    if path == "build":
        return validate.validate_written(folder, tables, schemas)
    return problems + file_problems(folder, tables, schemas, NEWEST)


# ------------------------------------------------------------------ the tests ----

CONTENT_RULES = sorted(c for c, r in rules.RULES.items() if r.scope != "files")
BUILD_RULES = sorted(c for c in CONTENT_RULES if rules.RULES[c].scope != "derived")


def test_every_rule_has_a_release_case_and_a_build_case():
    assert set(RELEASE_CASES) | set(FILE_CASES) == set(rules.RULES), "a rule without a tampered-release case, or a case of no rule"
    assert set(FILE_CASES) == {c for c, r in rules.RULES.items() if r.scope == "files"}
    build = set(BAD_INPUT_CASES) | set(DERIVATION_CASES) | RELEASE_STEP_CASES
    assert build == set(BUILD_RULES), "a rule without a build case (derived-table rules excepted)"
    assert not set(BAD_INPUT_CASES) & set(DERIVATION_CASES) and not RELEASE_STEP_CASES & (set(BAD_INPUT_CASES) | set(DERIVATION_CASES))
    assert all(rules.RULES[c].scope == "release" for c in RELEASE_STEP_CASES)


def test_rules_are_named_functions_with_kebab_codes():
    for code, rule in rules.RULES.items():
        assert rule.check.__name__ == code.replace("-", "_"), code
        assert rule.scope in rules.SCOPES


def test_each_rule_module_holds_its_one_rule():
    """rules/<scope>/<name>.py holds exactly one rule, of that scope, whose code is the module's name; its scope's package
    imports it (RULES is the same after importing every module); every rule but the files rules
    (cartel_campaign.validation.files) has its module; RULES holds the rules scope by scope, in each in the order of
    the scope package's imports."""
    package = Path(rules.__file__).parent
    modules = {f"{rules.__name__}.{p.parent.name}.{p.stem}": p for p in sorted(package.glob("*/*.py")) if p.stem != "__init__"}
    registered = dict(rules.RULES)
    for name, path in modules.items():
        importlib.import_module(name)
        held = [r for r in rules.RULES.values() if r.check.__module__ == name]
        assert [(r.code, r.scope) for r in held] == [(path.stem.replace("_", "-"), path.parent.name)], path
    assert rules.RULES == registered, "a rule module that its scope's package does not import"
    assert {c for c, r in rules.RULES.items() if r.scope != "files"} == {p.stem.replace("_", "-") for p in modules.values()}
    scopes = [r.scope for r in rules.RULES.values()]
    assert scopes == sorted(scopes, key=rules.SCOPES.index), "RULES does not hold the rules scope by scope"
    for scope in rules.SCOPES[:-1]:
        imported = [node.names[0].name for node in ast.parse((package / scope / "__init__.py").read_text(encoding="utf-8")).body
                    if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module]
        assert [r.check.__module__.rsplit(".", 1)[1] for r in rules.RULES.values() if r.scope == scope] == imported, scope


@pytest.mark.parametrize("code", sorted(RELEASE_CASES))
def test_validate_refuses_a_tampered_release(code, release_data):
    problems = release_problems(code, release_data)
    assert any(f"[{code}]" in p for p in problems), problems


@pytest.mark.parametrize("code", BUILD_RULES)
def test_the_build_refuses_with_file_line_and_the_code(code, proj, reader, release_data):
    out = build_output(code, proj, reader, release_data)
    assert out.startswith("exit 2: error: seeds/"), out
    first_line = out.split("\n")[0]
    assert first_line.endswith(f"[{code}]"), out
    location = first_line.split(": ")[2]
    assert location.split(":")[1].isdigit(), f"no FILE:LINE in {first_line!r}"


@pytest.mark.parametrize("path", ["release", "build"])
@pytest.mark.parametrize("code", sorted(FILE_CASES))
def test_a_damaged_file_is_refused_on_both_paths(code, path, tmp_path):
    assert any(p.endswith(f"[{code}]") for p in file_output(code, tmp_path, path))


@pytest.mark.parametrize("code", sorted(FILE_CASES))
def test_each_files_rule_bites(code, tmp_path, monkeypatch):
    rule = rules.RULES[code]
    monkeypatch.setitem(rules.RULES, code, dataclasses.replace(rule, check=lambda *a: []))
    for path in ("release", "build"):
        assert not any(f"[{code}]" in p for p in file_output(code, tmp_path / path, path))


@pytest.mark.parametrize("code", CONTENT_RULES)
def test_each_rule_bites(code, proj, reader, release_data, monkeypatch):
    """The mutation check: with the rule turned into a no-op, neither path reports it, so the two tests above fail."""
    rule = rules.RULES[code]
    noop = (lambda *a: None) if rule.scope in ("row", "record") else (lambda *a: [])
    monkeypatch.setitem(rules.RULES, code, dataclasses.replace(rule, check=noop))
    assert not any(f"[{code}]" in p for p in release_problems(code, release_data))
    if rule.scope != "derived":
        assert not build_output(code, proj, reader, release_data).split("\n")[0].endswith(f"[{code}]")


def test_the_rules_of_a_table_are_selected_once(monkeypatch):
    """row_findings, record_findings and article_findings run per row: which rules a table is held to is
    worked out once (rules_of), and again only when RULES changes."""
    from cartel_campaign.rules import registry

    asked = []
    monkeypatch.setattr(registry.Rule, "applies_to", lambda self, version: asked.append(self.code) or True)
    rules.RULES["span-not-empty"] = rules.RULES["span-not-empty"]  # a change to RULES: the selection starts afresh
    row = {"text": "x", "char_start": 0, "char_end": 1}
    rules.row_findings("evidence", row)
    assert asked
    asked.clear()
    rules.row_findings("evidence", row)
    assert asked == []
    code = next(c for c, r in rules.RULES.items() if r.scope == "row" and "evidence" in r.tables)
    monkeypatch.setitem(rules.RULES, code, dataclasses.replace(rules.RULES[code], check=lambda row: "always"))
    assert [f.message for f in rules.row_findings("evidence", row)].count("always") == 1
