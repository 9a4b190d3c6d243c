"""Validation of a release: manifest, CSV/Parquet agreement, the schema's constraints and keys
(cartel_campaign.checks), pandera frame checks derived from the Table Schemas, every named rule
of cartel_campaign.rules (rows, spans against the articles, fatality numbers, quotation marks),
the derived tables recomputed, and Frictionless package validation.

Heavy libraries (pandera, frictionless) are imported inside functions: this module
is never imported on the load path.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from . import checks, integrity, release, rules
from .cores import usable_cores
from .release import MANIFEST, manifest_entries, sha256_file  # noqa: F401 - part of this module's API

_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
SPAN_TABLES = tuple(rules.SPAN_TABLES)


# ---------------------------------------------------------------- pandera ----
def pandera_schema(table: str, table_schema: dict):
    """The pandera DataFrameSchema of a table, from its Frictionless Table Schema (column checks;
    rules across columns and tables are cartel_campaign.rules, run on the rows)."""
    import pandera.pandas as pa

    columns = {}
    for field in table_schema["fields"]:
        c = field.get("constraints", {})
        col_checks = []
        if "enum" in c:
            col_checks.append(pa.Check.isin(c["enum"]))
        if "pattern" in c:  # a Table Schema pattern matches the whole value; fullmatch refuses a trailing newline too
            col_checks.append(pa.Check.str_matches("^(?:" + checks.pattern_body(c["pattern"]) + r")\Z"))
        if "minLength" in c:
            col_checks.append(pa.Check.str_length(min_value=c["minLength"]))
        if "minimum" in c:
            col_checks.append(pa.Check.ge(c["minimum"]))
        if "maximum" in c:
            col_checks.append(pa.Check.le(c["maximum"]))
        columns[field["name"]] = pa.Column(
            release.TYPES[field["type"]][1],
            checks=col_checks,
            nullable=not c.get("required", False),
            unique=c.get("unique", False),
            description=field.get("description"),
        )
    pk = table_schema.get("primaryKey", [])
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=pk if len(pk) > 1 else None, name=table)


def check_frames(frames: dict, schemas: dict) -> list[str]:
    """pandera checks of every frame (pandas); returns readable problems (table, row, column, check, value)."""
    import pandera.errors

    problems = []
    for table, df in frames.items():
        try:
            pandera_schema(table, schemas[table]).validate(df, lazy=True)
        except pandera.errors.SchemaErrors as err:
            for case in err.failure_cases.head(50).itertuples():
                where = f"row {case.index}" if case.index is not None and case.index == case.index else "table"
                problems.append(f"{table}: {where}, column {case.column}: check {case.check} failed (found {case.failure_case!r})")
    return problems


def check_tables_with_pandera(tables: dict, schemas: dict, batch_rows: int = 100_000) -> list[str]:
    """pandera on Arrow tables, a batch of rows at a time (bounded memory); row numbers are the table's."""
    problems = []
    for name, table in tables.items():
        for offset in range(0, max(table.num_rows, 1), batch_rows):
            frame = release.to_pandas(table.slice(offset, batch_rows))
            frame.index += offset
            problems += check_frames({name: frame}, {name: schemas[name]})
    return problems


# ------------------------------------------------------------------ rules ----
def _rows(table, batch_rows: int = 50_000):
    """The rows of an Arrow table as dicts, a batch at a time."""
    for batch in table.to_batches(batch_rows):
        yield from batch.to_pylist()


def row_rule_problems(tables: dict, where=None, version: str | None = None) -> list[str]:
    """Every row rule of cartel_campaign.rules (those that apply to release `version`) on every row;
    `where(table, row, column)` adds the annotation FILE:LINE."""
    problems = []
    for name, table in tables.items():
        if not rules.ROW_RULES.get(name):
            continue
        for i, row in enumerate(_rows(table)):
            for rule, column, message in rules.check_row(name, row, version):
                at = where(name, row, column) if where else None
                problems.append(f"{name}: row {i}{_id_of(row)}: rule '{rule.name}': {message}" + (f" (annotation {at[0]}:{at[1]})" if at else ""))
    return problems


def _id_of(row: dict) -> str:
    key = next((k for k in row if k.endswith("_id")), None)
    return f" ({key} {row[key]!r})" if key else ""


def text_rule_problems(tables: dict, texts: dict[str, str], spans: dict) -> list[str]:
    """The rules that tie values to the article texts: span slices, quotation marks, fatality numbers, titles.
    `spans`: evidence_by_record(tables)."""
    problems = []
    for name, text_col in rules.SPAN_TABLES.items():
        if name not in tables:
            continue
        for i, row in enumerate(_rows(tables[name])):
            article = texts.get(row["article_id"])
            if article is None:
                problems.append(f"{name}: row {i}: article_id {row['article_id']!r} has no article text")
                continue
            message = rules.span_text_rule(article, row["char_start"], row["char_end"], row[text_col])
            if message:
                problems.append(f"{name}: row {i}: {message}")
    if "articles" in tables:
        marks: dict = {}
        for name, kind in (("quotes", "quote"), ("quote_exclusions", "exclusion")):
            for row in _rows(tables[name]) if name in tables else ():
                marks.setdefault(row["article_id"], []).append((kind, row["char_start"], row["char_end"]))
        for row in _rows(tables["articles"]):
            article = texts.get(row["article_id"])
            if article is None:
                continue
            for i, message, _ in rules.quotation_mark_rule(article, row["annotation_status"], marks.get(row["article_id"], [])):
                problems.append(f"articles: {row['article_id']}: {message}")
            message = rules.title_rule(article, row["title"])
            if message:
                problems.append(f"articles: {row['article_id']}: {message}")
    if all(t in tables for t in rules.CROSS_TABLES):
        rows = {t: checks.LazyRows(tables[t]) for t in rules.CROSS_TABLES + rules.CROSS_TABLES_OPTIONAL if t in tables}
        for name, row, column, message in rules.cross_row_problems(rows):
            problems.append(f"{name}:{_id_of(row)}: {column}: {message}")
    if "events" in tables and "evidence" in tables:
        for row in _rows(tables["events"]):
            evidence = [e["text"] for e in spans.get(("events", row["event_id"]), [])]
            for _, message in rules.fatalities_rule(row, evidence):
                problems.append(f"events: {row['event_id']}: {message}")
    return problems


#: Records whose ids start with their article's number (rules.id_prefix_rule, as in the build).
ID_PREFIXED = {"quotes": "quote_id", "events": "event_id", "designations": "designation_id", "claims": "claim_id"}


def id_prefix_problems(tables: dict) -> list[str]:
    problems = []
    for name, key in ID_PREFIXED.items():
        for row in _rows(tables[name].select([key, "article_id"])) if name in tables else ():
            message = rules.id_prefix_rule(row[key], row["article_id"])
            if message:
                problems.append(f"{name}: {key} {row[key]!r}: {message}")
    return problems


def evidence_coverage_problems(tables: dict) -> list[str]:
    """Every record of an evidenced table has evidence, and every evidence row a record."""
    problems = []
    ev = tables.get("evidence")
    if ev is None:
        return problems
    keys = {"actors": "actor_id", "events": "event_id", "designations": "designation_id", "quotes": "quote_id", "claims": "claim_id"}
    cited: dict = {}
    for row in _rows(ev.select(["record_table", "record_id"])):
        cited.setdefault(row["record_table"], set()).add(row["record_id"])
    for table, key in keys.items():
        if table not in tables:
            continue
        ids = set(tables[table][key].to_pylist())
        for missing in sorted(ids - cited.get(table, set())):
            problems.append(f"{table}: {key} {missing!r} has no evidence row")
        for dangling in sorted(cited.get(table, set()) - ids):
            problems.append(f"evidence: record_id {dangling!r} does not exist in {table}")
    return problems


def evidence_by_record(tables: dict) -> dict[tuple, list[dict]]:
    """(record_table, record_id) -> its evidence rows (char_start, char_end, text): read once for every rule that needs it."""
    out: dict = {}
    if "evidence" in tables:
        for row in _rows(tables["evidence"].select(["record_table", "record_id", "char_start", "char_end", "text"])):
            out.setdefault((row["record_table"], row["record_id"]), []).append(row)
    return out


def claim_problems(tables: dict, spans: dict) -> list[str]:
    """The claim rules of the build (cartel_campaign.rules), on a release: speech, quote links,
    reporting verbs of indirect claims, no event resting on claimed words, no claim recorded as an event.
    `spans`: evidence_by_record(tables)."""
    if not {"claims", "claim_quotes", "evidence", "quotes", "events"} <= tables.keys():
        return []  # a table that could not be read is reported by read_release
    problems = []
    carried: dict = {}
    for row in _rows(tables["claim_quotes"]):
        carried.setdefault(row["claim_id"], []).append(row["quote_id"])
    quotes = list(_rows(tables["quotes"].select(["quote_id", "article_id", "char_start", "char_end", "no_claim_reason"])))
    linked = {q for ids in carried.values() for q in ids}
    reasons = {q["quote_id"]: q["no_claim_reason"] for q in quotes}
    problems += [f"quotes: {qid}: {message}" for qid, message in rules.claim_link_rule(linked, reasons)]
    claimed_quotes: dict = {}
    for q in quotes:
        if q["quote_id"] in linked:
            claimed_quotes.setdefault(q["article_id"], []).append((q["char_start"], q["char_end"]))
    event_spans: dict = {}
    event_types: dict = {}
    for row in _rows(tables["events"].select(["event_id", "article_id", "event_type"])):
        event_types[row["event_id"]] = row["event_type"]
        own = [(e["char_start"], e["char_end"]) for e in spans.get(("events", row["event_id"]), [])]
        event_spans.setdefault(row["article_id"], {})[row["event_id"]] = own
        message = rules.event_in_own_voice_rule(own, claimed_quotes.get(row["article_id"], []))
        if message:
            problems.append(f"events: {row['event_id']}: {message}")
    for row in _rows(tables["claims"]):
        cid, quote_ids, evidence = row["claim_id"], carried.get(row["claim_id"], []), spans.get(("claims", row["claim_id"]), [])
        if row["speech"] != rules.claim_speech(quote_ids):
            problems.append(f"claims: {cid}: speech is {row['speech']!r} but {len(quote_ids)} quote(s) carry it (claim_quotes)")
        message = None if quote_ids else rules.reporting_verb_rule([e["text"] for e in evidence])
        message = message or rules.claim_is_not_an_event_rule({(e["char_start"], e["char_end"]) for e in evidence},
                                                              row["about_event_id"], event_spans.get(row["article_id"], {}), event_types)
        if message:
            problems.append(f"claims: {cid}: {message}")
    return problems


def word_rule_problems(tables: dict, version: str | None, spans: dict) -> list[str]:
    """The rules that a record's type and roles are the article's words (rules.WORD_RULES_SINCE on).
    `spans`: evidence_by_record(tables)."""
    if version is not None and rules.version_key(version) < rules.version_key(rules.WORD_RULES_SINCE):
        return []
    texts = {key: [e["text"] for e in rows] for key, rows in spans.items()}
    forms: dict = {}
    for row in _rows(tables["actor_aliases"]):
        forms.setdefault(row["actor_id"], []).append(row["alias"])
    problems = []
    types = {}
    for row in _rows(tables["events"].select(["event_id", "event_type"])):
        types[row["event_id"]] = row["event_type"]
        message = rules.event_type_words_rule(row["event_type"], texts.get(("events", row["event_id"]), []))
        if message:
            problems.append(f"events: {row['event_id']}: {message}")
    for row in _rows(tables["event_actors"]):
        message = rules.role_words_rule(row["role"], forms.get(row["actor_id"], []), texts.get(("events", row["event_id"]), []))
        if message:
            problems.append(f"event_actors: {row['event_id']} {row['role']} {row['actor_id']}: {message}")
    for row in _rows(tables["designations"].select(["designation_id", "designation_type"])):
        message = rules.designation_type_words_rule(row["designation_type"], texts.get(("designations", row["designation_id"]), []))
        if message:
            problems.append(f"designations: {row['designation_id']}: {message}")
    return problems


def export_problems(folder: Path, tables: dict) -> list[str]:
    """The release's exports (datapackage.json "exports"): present, with their recorded size and sha256,
    and the FollowTheMoney file holding one Sanction per designation row (record ids equal)."""
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    problems = []
    for export in desc.get("exports", []):
        path = folder / export["path"]
        if not path.is_file():
            problems.append(f"{folder.name}/{export['path']}: listed under exports but missing")
            continue
        if path.stat().st_size != export["bytes"] or f"sha256:{sha256_file(path)}" != export["hash"]:
            problems.append(f"{folder.name}/{export['path']}: size or sha256 differs from datapackage.json")
        if export["path"].endswith(".ftm.jsonl") and "designations" in tables:
            try:
                entities = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            except ValueError as err:
                problems.append(f"{folder.name}/{export['path']}: not JSON lines ({err})")
                continue
            records = sorted(v for e in entities if e.get("schema") == "Sanction" for v in e.get("properties", {}).get("recordId", []))
            expected = sorted(tables["designations"]["designation_id"].to_pylist())
            if records != expected:
                problems.append(f"{folder.name}/{export['path']}: Sanction record ids {records} are not the designations {expected}")
    return problems


def derived_problems(tables: dict, texts: dict[str, str]) -> list[str]:
    """actor_mentions, first-mention evidence and actor_summary, recomputed from the other tables and the articles."""
    need = ("actors", "actor_aliases", "articles", "actor_mentions", "actor_summary", "quotes", "event_actors", "designations", "evidence")
    if any(t not in tables for t in need):
        return []
    owner = dict(zip(tables["actor_aliases"]["alias"].to_pylist(), tables["actor_aliases"]["actor_id"].to_pylist()))
    pattern = rules.AliasFinder(owner)
    mentions = [m for aid in tables["articles"]["article_id"].to_pylist() if aid in texts for m in rules.mentions(aid, texts[aid], pattern, owner)]
    problems = _compare("actor_mentions", mentions, list(_rows(tables["actor_mentions"])))
    first = list(rules.first_mention_evidence(mentions))
    recorded_first = [r for r in _rows(tables["evidence"]) if r["basis"] == "first_mention"]
    problems += _compare("evidence (first mentions)", first, recorded_first)
    summary = rules.SummaryCounter()
    for table in rules.SummaryCounter.FED_BY:
        rows = mentions if table == "actor_mentions" else _rows(tables[table])
        for row in rows:
            summary.add(table, row)
    problems += _compare("actor_summary", list(summary.rows(tables["actors"]["actor_id"].to_pylist())), list(_rows(tables["actor_summary"])))
    return problems


def _compare(what: str, expected: list[dict], found: list[dict]) -> list[str]:
    if expected == found:
        return []
    if len(expected) != len(found):
        return [f"{what}: the release has {len(found)} rows, recomputing them from the other tables and the articles gives {len(expected)}"]
    i = next(i for i, (a, b) in enumerate(zip(expected, found)) if a != b)
    cols = [k for k in expected[i] if expected[i].get(k) != found[i].get(k)]
    return [f"{what}: row {i}: {', '.join(f'{c} is {found[i].get(c)!r}, recomputed {expected[i].get(c)!r}' for c in cols)}"]


# ------------------------------------------------------------ frictionless ----
#: Releases whose CSV files total more bytes than this are validated in parallel processes.
FRICTIONLESS_PARALLEL_BYTES = 4_000_000


def check_frictionless(descriptor: Path) -> list[str]:
    """The same check as `frictionless validate datapackage.json`, with the same messages.

    Fast path (see _frictionless_fast): Frictionless reads every row of every resource and
    checks everything it checks there (types, constraints, unique fields, primary keys, row
    shape, bytes, hash) with the foreign keys taken out, in parallel processes for a large
    release; the foreign keys are checked on key sets (string keys read with pyarrow, other
    keys collected during the Frictionless pass) instead of Frictionless re-reading every
    referenced resource row by row once per foreign key. If all of that passes, stock
    Frictionless passes the release too. If anything at all is found, or the fast path
    cannot run, stock Frictionless runs: problems are always its own messages, in its order.
    """
    descriptor = Path(descriptor)
    unsafe = integrity.descriptor_path_problems(descriptor)
    if unsafe:  # Frictionless never sees a path that leaves the package's folder (a URL, an absolute path, '..')
        return unsafe
    try:
        if _frictionless_fast(descriptor):
            return []
    except Exception:  # noqa: BLE001 - any surprise: let stock Frictionless say what it is
        pass
    return check_frictionless_stock(descriptor)


def check_frictionless_stock(descriptor: Path) -> list[str]:
    """Stock `frictionless.validate` on the package, its problems in its order (one string each)."""
    import frictionless

    descriptor = Path(descriptor)
    report = frictionless.validate(str(descriptor))
    problems = [f"{descriptor.name}: {e.message}" for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            row = getattr(e, "row_number", None)
            problems.append(f"{task.name}{f' row {row}' if row else ''}: {e.message}")
    return problems


def _frictionless_package(descriptor: str):
    import frictionless

    resource = frictionless.Resource(descriptor)
    if resource.datatype != "package":
        raise ValueError(f"{descriptor} is not a data package")
    return resource.read_metadata()


def _frictionless_fast(descriptor: Path) -> bool:
    """True when the package is valid; False when something was found or it cannot tell."""
    import os
    import pickle
    import subprocess
    import sys

    package = _frictionless_package(str(descriptor))
    package.to_descriptor(validate=True)  # metadata errors raise: the stock validator reports them
    raw = {r.get("name"): r for r in json.loads(descriptor.read_text(encoding="utf-8")).get("resources", [])}
    resources = {r.name: r for r in package.resources}
    plan: dict[str, list] = {name: [] for name in resources}  # keys to collect in the Frictionless pass
    arrow_fks, row_fks = [], []  # (resource, fields, referenced resource, referenced fields)

    def plain_csv(res, names):  # a key that pyarrow reads exactly as Frictionless does
        fields = {f.name: f for f in res.schema.fields}
        spec = raw.get(res.name, {})
        return (res.format == "csv" and "dialect" not in spec and spec.get("encoding", "utf-8").lower() in ("utf-8", "utf8")
                and all(n in fields and fields[n].type == "string" and list(fields[n].missing_values) == [""] for n in names))

    for res in package.resources:
        for fk in res.schema.foreign_keys:
            source = fk["reference"]["resource"] or res.name
            if source not in resources:
                return False
            target, key = tuple(fk["fields"]), tuple(fk["reference"]["fields"])
            if not set(target) <= {f.name for f in res.schema.fields}:
                continue  # Frictionless skips such a key as well (and reports the missing field)
            if plain_csv(res, target) and plain_csv(resources[source], key):
                arrow_fks.append((res.name, target, source, key))
            else:
                row_fks.append((res.name, target, source, key))
                for who, entry in ((res.name, ("target", target)), (source, ("source", key))):
                    if entry not in plan[who]:
                        plan[who].append(entry)

    # the Frictionless pass, biggest resources first, spread over processes when large
    cost, total = {}, 0
    for name, res in resources.items():
        lines = 0
        with open(res.normpath, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                lines += chunk.count(b"\n")
                total += len(chunk)
        cost[name] = lines * (17 + 3.3 * len(res.schema.fields)) + 1  # ~µs: per row + per cell
    order = sorted(resources, key=lambda n: -cost[n])
    cpus = usable_cores()
    jobs, results = [], []
    try:
        if total > FRICTIONLESS_PARALLEL_BYTES and cpus > 1:
            bins, load = [[] for _ in range(min(cpus, len(order)))], [0.0] * min(cpus, len(order))
            for name in order:  # each to the least loaded process
                i = load.index(min(load))
                bins[i].append(name)
                load[i] += cost[name]
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")) if p))
            code = ("import pickle, sys; from cartel_campaign.validate import _frictionless_task as t; "
                    "sys.stdout.buffer.write(pickle.dumps(t(*pickle.load(sys.stdin.buffer))))")
            for names in bins:
                proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
                proc.stdin.write(pickle.dumps((str(descriptor), {n: plan[n] for n in names})))
                proc.stdin.close()
                jobs.append(proc)
        else:
            results.append(_frictionless_task(str(descriptor), {n: plan[n] for n in order}, package))

        # meanwhile: foreign keys on string columns, as sets of key values read with pyarrow
        wanted: dict[str, set] = {}
        for name, target, source, key in arrow_fks:
            wanted.setdefault(name, set()).add(target)
            wanted.setdefault(source, set()).add(key)
        sets = {(name, fields): found for name, keys in wanted.items() for fields, found in _csv_key_sets(resources[name].normpath, keys).items()}
        arrow_ok = all(_key_subset(sets[(name, target)], sets[(source, key)]) for name, target, source, key in arrow_fks)
        for proc in jobs:
            out = proc.stdout.read()
            if proc.wait() != 0:
                return False
            results.append(pickle.loads(out))  # noqa: S301 - our own child's output
        keys: dict = {}
        for valid, found in results:
            if not valid:
                return False
            keys.update(found)
        return arrow_ok and all(keys[("target", name, target)] <= keys[("source", source, key)] for name, target, source, key in row_fks)
    finally:
        for proc in jobs:  # only if we are leaving early: a worker still running is of no use
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _csv_key_sets(path: str, keys: set) -> dict:
    """{fields: the distinct values of those string columns} for each key, reading the CSV once,
    in blocks. Empty cells are missing; keys whose cells are all missing are left out (as
    Frictionless does). One column: a pyarrow array; several: a set of tuples (None = missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    columns = sorted({f for key in keys for f in key})
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns, column_types={f: pa.string() for f in columns},
            null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
        ),
    )
    parts: dict = {key: [] for key in keys if len(key) == 1}
    tuples: dict = {key: set() for key in keys if len(key) > 1}
    for batch in reader:
        for key in parts:
            parts[key].append(pc.unique(batch.column(key[0])))
        for key, found in tuples.items():
            distinct = pa.Table.from_batches([batch]).select(list(key)).group_by(list(key)).aggregate([])
            found.update(cells for cells in zip(*(distinct.column(f).to_pylist() for f in key)) if any(c is not None for c in cells))
    out: dict = dict(tuples)
    for key, chunks in parts.items():
        out[key] = pc.drop_null(pc.unique(pa.chunked_array(chunks, type=pa.string())))
    return out


def _key_subset(values, allowed) -> bool:
    """Every key value in `values` is in `allowed` (both from _csv_key_sets)."""
    if isinstance(values, set):
        return values <= allowed
    import pyarrow.compute as pc

    return len(values) == 0 or bool(pc.all(pc.is_in(values, value_set=allowed)).as_py())


def _frictionless_task(descriptor: str, plan: dict, package=None) -> tuple[bool, dict]:
    """Validate resources with Frictionless, foreign keys left out; collect the key values the
    planned foreign keys compare, as Frictionless reads them (typed; all-empty keys skipped)."""
    package = package or _frictionless_package(descriptor)
    keys: dict = {}
    for name, wanted in plan.items():
        resource = package.get_resource(name)
        resource.schema.foreign_keys = []  # this package object is ours alone
        collect = [(keys.setdefault((kind, name, key), set()), key, kind == "source") for kind, key in wanted]

        def on_row(row, collect=collect):
            for found, key, is_source in collect:
                cells = tuple(row.get(f) for f in key) if is_source else tuple(row[f] for f in key)
                if set(cells) != {None}:
                    found.add(cells)

        report = resource.validate(on_row=on_row if collect else None)
        if not report.valid or report.warnings:
            return False, keys  # the stock validator will say what
    return True, keys


# ----------------------------------------------------------------- files ----
def check_manifest(folder: Path) -> list[str]:
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{folder.name}: {MANIFEST} is missing"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        recorded = {e["path"]: e for e in manifest["files"]}
    except (ValueError, KeyError, TypeError) as err:
        return [f"{folder.name}/{MANIFEST}: unreadable ({err})"]
    problems = []
    if _VERSION.match(folder.name) and manifest.get("version") != folder.name:
        problems.append(f"{folder.name}/{MANIFEST}: version is {manifest.get('version')!r}, expected {folder.name!r} (the release's folder)")
    actual = {e["path"]: e for e in manifest_entries(folder)}
    problems += [f"{folder.name}/{name}: listed in {MANIFEST} but missing" for name in sorted(recorded.keys() - actual.keys())]
    problems += [f"{folder.name}/{name}: file not listed in {MANIFEST}" for name in sorted(actual.keys() - recorded.keys())]
    for name in sorted(recorded.keys() & actual.keys()):
        want, got = recorded[name], actual[name]
        if (want.get("bytes"), want.get("sha256")) != (got["bytes"], got["sha256"]):
            problems.append(
                f"{folder.name}/{name}: changed since publication (manifest {want.get('bytes')} bytes sha256 {str(want.get('sha256'))[:12]}…, "
                f"found {got['bytes']} bytes sha256 {got['sha256'][:12]}…)"
            )
    return problems


def read_release(folder: Path) -> tuple[dict, dict, dict, list[str]]:
    """Every table of a release as Arrow (from Parquet), and where its CSV disagrees with the Parquet."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables, schemas, problems = {}, {}, []
    for res in package["resources"]:
        name, schema = res["name"], res["schema"]
        schemas[name] = schema
        try:
            table = release.read_parquet(folder / f"{name}.parquet")
        except Exception as err:  # noqa: BLE001 - any unreadable file is a finding
            problems.append(f"{name}.parquet: unreadable ({type(err).__name__}: {str(err).strip()})")
            continue
        tables[name] = table
        problems += check_parquet_bytes(folder / f"{name}.parquet")
        problems += csv_agreement(folder / res["path"], table, schema, f"{res['path']} and {name}.parquet disagree")
    return package, tables, schemas, problems


def csv_agreement(path: Path, table, schema: dict, pair: str) -> list[str]:
    """The CSV holds exactly the Parquet's rows (read with the one CSV dialect, typed by the schema)."""
    try:
        csv = release.read_csv(path, schema)
    except Exception as err:  # noqa: BLE001
        return [f"{path.name}: unreadable ({type(err).__name__}: {str(err).strip()})"]
    if csv.column_names != table.column_names or csv.num_rows != table.num_rows:
        return [f"{pair}: CSV has {csv.num_rows} rows {csv.column_names}, Parquet {table.num_rows} rows {table.column_names}"]
    import pyarrow.compute as pc

    for col in table.column_names:
        a, b = table[col], csv[col].cast(table.schema.field(col).type)
        same = pc.fill_null(pc.equal(a, b), False)
        same = pc.or_(same, pc.and_(pc.is_null(a), pc.is_null(b)))
        if pc.all(same).as_py() is False:
            i = pc.index(same, False).as_py()
            return [f"{pair} at row {i}, column {col}: CSV {b[i].as_py()!r}, Parquet {a[i].as_py()!r}"]
    return []


def check_parquet_bytes(path: Path) -> list[str]:
    """A Parquet file must be exactly what its own rows encode to.

    Reading a file back does not notice every damage: a changed byte in the footer, the
    column statistics or a page header often reads back the same rows (and misleads query
    engines that filter on statistics). The build writes with pyarrow's defaults and the
    file's own codec, so re-encoding the rows reproduces the file byte for byte; this is
    checked when the file was written by the same pyarrow version as the one running (a
    different writer may encode differently; the manifest's sha256 still covers the file).
    """
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    if meta.created_by != f"parquet-cpp-arrow version {pa.__version__}":
        return []
    codec = meta.row_group(0).column(0).compression.lower() if meta.num_row_groups and meta.num_columns else release.PARQUET_COMPRESSION
    buf = io.BytesIO()
    pq.write_table(pq.read_table(path), buf, compression=codec)
    raw, again = path.read_bytes(), buf.getvalue()
    if raw == again:
        return []
    at = next((i for i, (x, y) in enumerate(zip(raw, again)) if x != y), min(len(raw), len(again)))
    return [f"{path.parent.name}/{path.name}: damaged: its rows read back, but the file ({len(raw)} bytes) is not what they encode to "
            f"({len(again)} bytes; first difference at byte {at}: footer, statistics or page header)"]


def article_texts(root: Path, articles) -> tuple[dict, list[str]]:
    """The article texts a release names (articles.seed_file under root), checked against their sha256."""
    texts, problems = {}, []
    for row in _rows(articles):
        try:
            path = integrity.article_file(root, row["seed_file"], f"articles: {row['article_id']}: seed_file")
        except integrity.IntegrityError as err:
            problems.append(str(err))
            continue
        if not path.is_file():
            problems.append(f"articles: {row['seed_file']} is missing")
            continue
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != row["sha256"]:
            problems.append(f"articles: {row['seed_file']} sha256 is {hashlib.sha256(raw).hexdigest()}, the release records {row['sha256']}")
        texts[row["article_id"]] = raw.decode("utf-8")
    return texts, problems


def content_problems(tables: dict, schemas: dict, root: Path, where=None, version: str | None = None) -> list[str]:
    """Every check of the rows themselves: constraints, keys, pandera, rules, spans, derived tables."""
    problems = [p for name, t in tables.items() for p in checks.constraint_problems(name, t, schemas[name])]
    problems += checks.foreign_key_problems(tables, schemas)
    problems += check_tables_with_pandera(tables, schemas)
    problems += row_rule_problems(tables, where, version)
    problems += id_prefix_problems(tables)
    problems += evidence_coverage_problems(tables)
    spans = evidence_by_record(tables)
    problems += claim_problems(tables, spans)
    if {"events", "event_actors", "designations", "evidence", "actor_aliases"} <= tables.keys():
        problems += word_rule_problems(tables, version, spans)
    if "articles" in tables:
        texts, text_problems = article_texts(root, tables["articles"])
        problems += text_problems + text_rule_problems(tables, texts, spans) + derived_problems(tables, texts)
    return problems


def validate_written(folder: Path, tables: dict, schemas: dict) -> list[str]:
    """The build's check of what it just wrote: the files hold exactly the tables it derived (already
    checked in memory), the descriptor is a valid Frictionless package."""
    problems = []
    for name, table in tables.items():
        written = release.read_parquet(folder / f"{name}.parquet")
        if not written.equals(table):
            problems.append(f"{name}.parquet: does not read back as the derived table")
        problems += csv_agreement(folder / f"{name}.csv", written, schemas[name], f"{name}.csv and {name}.parquet disagree")
    return problems + check_descriptor(folder / "datapackage.json")


def check_descriptor(descriptor: Path) -> list[str]:
    """The package descriptor (metadata, schemas) is valid for Frictionless; rows are not read."""
    import frictionless

    try:
        _frictionless_package(str(descriptor)).to_descriptor(validate=True)
    except frictionless.FrictionlessException as err:
        return [f"{descriptor.name}: {err.error.message}"]
    return []


def _where(root: Path):
    """Annotation locations for rows, when root is a checkout with seeds/ (else None)."""
    if not (root / "seeds" / "actors.yaml").is_file():
        return None
    try:
        from .build.provenance import Provenance
    except ImportError:  # the build's YAML reader is not installed: rows are named by table and row only
        return None
    prov = Provenance(root / "seeds")
    return lambda table, row, column: prov.locate(table, row, column)


def validate_release(version: str | None = None, root: Path | None = None, *, folder: Path | None = None, use_frictionless: bool = True) -> list[str]:
    """Every check on one release (default: the newest). Returns a list of problems (empty = valid).

    `root` holds seeds/ and dataset/; `folder` overrides where the release itself is (a staged build).
    """
    from . import __version__, data_root

    root = Path(root) if root else data_root()
    folder = Path(folder) if folder else root / "dataset" / (version or __version__)
    if not (folder / "datapackage.json").is_file():
        return [f"{folder}: no datapackage.json (not a release)"]
    problems = check_manifest(folder)
    unsafe = integrity.descriptor_path_problems(folder / "datapackage.json")
    if unsafe:  # nothing is opened through a resource path that leaves the release
        return problems + unsafe
    package, tables, schemas, read_problems = read_release(folder)
    if _VERSION.match(folder.name) and package.get("version") != folder.name:
        problems.append(f"{folder.name}/datapackage.json: version is {package.get('version')!r}, expected {folder.name!r} (the release's folder)")
    problems += read_problems
    problems += content_problems(tables, schemas, root, _where(root), folder.name)
    problems += export_problems(folder, tables)
    if use_frictionless:
        problems += check_frictionless(folder / "datapackage.json")
    return problems


def root_datapackage_problems(root: Path) -> list[str]:
    """The root datapackage.json is the newest release's descriptor (paths from the root), byte for byte."""
    from . import versions

    found = versions(root)
    path = root / "datapackage.json"
    if not found:
        return []
    newest = found[-1]
    expected = release.json_text(release.root_descriptor(root / "dataset" / newest, newest)).encode()
    if not path.is_file():
        return [f"datapackage.json is missing; expected the descriptor of the newest release, {newest}"]
    if path.read_bytes() != expected:
        try:
            said = json.loads(path.read_text(encoding="utf-8")).get("version")
        except (ValueError, AttributeError, UnicodeDecodeError):
            said = "unreadable"
        return [f"datapackage.json: expected the descriptor of the newest release, {newest} (dataset/{newest}/datapackage.json "
                f"with paths from the root); found a different one (version {said!r})"]
    return []


def validate_all(root: Path | None = None) -> dict[str, list[str]]:
    """Validate every published release and the root datapackage.json."""
    from . import data_root, versions

    root = Path(root) if root else data_root()
    results = {v: validate_release(v, root) for v in versions(root)}
    results["datapackage.json"] = root_datapackage_problems(root) + check_frictionless(root / "datapackage.json")
    return results
