"""Stage a release: seeds/ -> checked rows -> Arrow tables -> the release's files, checked and validated, and the
generated files (build/pipeline.py publishes them).

Steps, each a short function: read (releases, schemas, actor registry) -> rows (one article at a
time: annotations -> derive, into per-table Arrow builders; past PARALLEL_FROM articles, in a process
of their own) -> check (constraints and foreign keys on the Arrow tables; with workers, in a job) ->
write (Parquet, CSV, descriptor, manifest) -> validate the written files -> docs.
"""
from __future__ import annotations

import itertools
import pickle
import re
from collections import deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import assertions, checks, release, rules, views
from ..cores import usable_cores
from . import annotations, articles, corrections, counts, derive, docs, exports, jobs, keptdocs, publish, verify
from .errors import BuildError
from .project import load_schemas, published_article_ids
from .provenance import Provenance
from .articles import ArticleRows
from .tables import Sink, TableBuilder


@dataclass
class Inputs:
    root: Path
    meta: dict
    schemas: dict
    releases: list
    checker: annotations.Checker


#: Anything in seeds/ that starts like an article's file (a number and an underscore) must be one.
LOOKS_LIKE_SEED = re.compile(r"[0-9]+_.*")


def annotation_files(seeds: Path, article_id: str) -> list[Path]:
    """The annotation files, in article order; every article has one; a file that looks like an
    article or annotation but is not named <article id>.txt|.yaml (article_id: the schema's pattern) is an error."""
    seed_name = re.compile(f"(?:{article_id})\\.(?:txt|yaml)")
    names = sorted(f.name for f in seeds.iterdir())
    for name in names:
        if LOOKS_LIKE_SEED.fullmatch(name) and not seed_name.fullmatch(name):
            raise BuildError(f"seeds/{name}", None, f"seed file name {name!r} does not follow the naming rule; "
                             "expected NNN_<16 lower-case hex>.txt or .yaml (e.g. 004_a369d1b0aa72c426.yaml); "
                             "nothing else in seeds/ may start with a number and an underscore")
    seed_files = [seeds / n for n in names if seed_name.fullmatch(n)]
    for txt in (f for f in seed_files if f.suffix == ".txt"):
        if not txt.with_suffix(".yaml").is_file():
            raise BuildError(f"seeds/{txt.name}", None, f"article {txt.name} has no annotation file (expected seeds/{txt.stem}.yaml)")
    files = [f for f in seed_files if f.suffix == ".yaml"]
    if not files:
        raise BuildError("seeds/", None, "no annotation files found (expected seeds/NNN_<hash>.yaml)")
    return files


def check_article_name(ann: annotations.Annotation, named_before: set[str]) -> None:
    """The naming rule for a new article: NNN_<the first 16 hex digits of its text's sha256>."""
    number, digest = ann.article_id.split("_", 1)
    if ann.article_id not in named_before and digest != ann.sha256[:16]:
        raise ann.doc.error(("article",), f"a new article is named after its text: expected {number}_{ann.sha256[:16]}.txt "
                            f"(NNN_ and the first 16 hex digits of its sha256), found {ann.article_file}; rename the article and its annotation")


def check_draft_allowed(ann: annotations.Annotation, newest: dict) -> None:
    """A draft annotation may only be part of a draft release: a published release holds no draft."""
    if ann.row["annotation_status"] == "draft" and newest["status"] != "draft":
        raise ann.doc.error(("status",), f"status is draft, but release {newest['version']} is published in seeds/releases.yaml; "
                            "finish the annotation (status: complete) or keep the release a draft")


#: From this many articles on, they are read (YAML, shapes, checksum, alias search) in worker processes.
PARALLEL_FROM = 100
#: Articles read ahead of the one being derived, per worker: what the workers may hold at one time.
AHEAD = 8
#: Articles a worker reads in one task (one round trip between the build and a worker for so many articles).
TASK = 4


class Recorder:
    """Stands in for the table sink and the summary counter while one article is derived: records each add."""

    def __init__(self):
        self.added: list[tuple[str, dict]] = []

    def add(self, table: str, row: dict) -> None:
        self.added.append((table, row))


class ArticleIds(derive.Ids):
    """The ids one article defines: a repeat within the article is refused at once; the list is
    checked against the other articles' ids when the article's rows are taken (ArticleRows.add_to)."""

    def __init__(self):
        super().__init__()
        self.added: list[tuple[str, str, tuple]] = []

    def add(self, table: str, rid: str, doc, path: tuple) -> None:
        super().add(table, rid, doc, path)
        self.added.append((table, rid, path))


class ArticleReader:
    """An annotation file -> its ArticleRows: what depends on one article alone (YAML, shapes,
    checksum, alias search, spans, row rules), so worker processes can do it for many articles at once."""

    def __init__(self, inp: Inputs, aliases: rules.ArticleAliases):
        self.seeds, self.checker, self.newest, self.aliases = inp.root / "seeds", inp.checker, inp.releases[-1], aliases
        self.roles = inp.checker.enum("event_actors", "role")
        self.forms = aliases.forms()

    def __call__(self, path: Path) -> ArticleRows:
        ann = annotations.load_annotation(path, f"seeds/{path.name}", self.seeds, self.checker)
        check_draft_allowed(ann, self.newest)
        rows, counts, ids, error = Recorder(), Recorder(), ArticleIds(), None
        try:
            derive.article_rows(self.checker, ann, ids, self.roles, rows, counts)
            derive.check_article(ann, rows.added, self.forms, self.seeds)
        except BuildError as err:
            error = err
        finder, owner = self.aliases.for_article(ann.article_id)
        return ArticleRows(ann, list(rules.mentions(ann.article_id, ann.text, finder, owner)), rows.added, counts.added, ids.added, error)


_READER: ArticleReader | None = None


def _set_reader(reader: ArticleReader) -> None:
    global _READER
    _READER = reader


def _read_in_worker(paths: list[Path]) -> list:
    """The articles of one task, read: their ArticleRows pickled (the build keeps these bytes as they are:
    articles.Store.save), up to the first that raised, whose error ends the list."""
    done = []
    for path in paths:
        try:
            done.append(pickle.dumps(_READER(path), protocol=5))
        except Exception as err:  # noqa: BLE001 - raised when its article's turn comes (_read)
            done.append(_Raised(*jobs.portable_error(err)))  # one that does not pickle would fail the whole task
            break
    return done


@dataclass
class _Raised:
    """An article's reading raised this error (in a worker), there (trace: its traceback, as text)."""
    error: Exception
    trace: str


def read_articles(paths: list[Path], reader: ArticleReader, store: articles.Store | None = None):
    """reader(path) for each path, in order; with a store, an article whose entry is there is taken
    from it and every other one is kept in it."""
    if store is None:
        yield from (article for article, _ in _read(paths, reader))
        return
    keys = [store.key(path) for path in paths]
    kept = [store.has(key) for key in keys]
    derived = _read([path for path, hit in zip(paths, kept) if not hit], reader)
    for path, key, hit in zip(paths, keys, kept):
        article = store.load(key) if hit else None
        if article is None:  # not kept, or an entry that cannot be read: derived (again)
            article, pickled = (reader(path), None) if hit else next(derived)
            store.save(key, path, article, pickled)
        yield article


def _read(paths: list[Path], reader: ArticleReader):
    """(reader(path), its pickled bytes or None) for each path, in order. From PARALLEL_FROM paths on, worker
    processes (forked, one per usable core) read ahead, TASK articles a task, at most AHEAD articles each, so memory
    stays bounded, and hand back each article pickled; a worker's error is raised when its article's turn comes, as
    if it were read here."""
    workers = min(usable_cores(), 8)
    if len(paths) < PARALLEL_FROM or workers < 2 or not jobs.can_fork():
        yield from ((reader(path), None) for path in paths)
        return
    pool = jobs.fork_pool(workers, _set_reader, (reader,))
    try:
        pending, tasks = deque(), (paths[i:i + TASK] for i in range(0, len(paths), TASK))
        for task in itertools.islice(tasks, max(1, workers * AHEAD // TASK)):
            pending.append(pool.submit(_read_in_worker, task))
        while pending:
            done = pending.popleft().result()
            for task in itertools.islice(tasks, 1):
                pending.append(pool.submit(_read_in_worker, task))
            for result in done:
                if isinstance(result, _Raised):
                    raise result.error from jobs.JobTraceback(result.trace)
                yield pickle.loads(result), result
    except BrokenProcessPool:
        raise jobs.worker_died() from None
    finally:
        pool.shutdown(cancel_futures=True)


def derived_tables(inp: Inputs, work: Path, kept: Path | None = None) -> tuple[dict, list[dict]]:
    """derive_tables; from PARALLEL_FROM articles on, in a process of its own (forked), which hands the tables back as
    Arrow IPC files in `work` (jobs.hand_back): what reading and deriving the articles allocates ends with that process,
    and this one holds the tables alone. The same tables either way (tests/test_parallel.py)."""
    files = annotation_files(inp.root / "seeds", inp.checker.article_id)
    if len(files) < PARALLEL_FROM or not jobs.can_fork():
        return derive_tables(inp, kept)
    names, sources = jobs.in_own_process(_derive_and_hand_back, (inp, kept, work / "derived"))
    return jobs.taken_back(work / "derived", names), sources


def _derive_and_hand_back(inp: Inputs, kept: Path | None, folder: Path) -> tuple[list[str], list[dict]]:
    tables, sources = derive_tables(inp, kept)
    return jobs.hand_back(tables, folder), sources


def derive_tables(inp: Inputs, kept: Path | None = None) -> tuple[dict, list[dict]]:
    """Every row of every table, one article at a time, into Arrow tables; returns (tables, sources).
    kept: a folder of what each article gave in earlier builds (build/articles.py), reused and updated."""
    seeds = inp.root / "seeds"
    sink, summary, ids = Sink(inp.schemas, [t for t in inp.meta["tables"] if t not in views.COMPUTE]), rules.SummaryCounter(), derive.Ids()
    first = TableBuilder("evidence", inp.schemas["evidence"])  # first-mention evidence, after the annotated evidence
    actors_doc, actors = annotations.load_actors(seeds / "actors.yaml", "seeds/actors.yaml", inp.checker)
    owner = derive.actor_rows(actors_doc, actors, sink)
    sources, named_before = [], published_article_ids(inp.root, inp.releases)
    store = articles.Store(kept, articles.salt(inp.root, inp.schemas, inp.releases[-1])) if kept else None
    for article in read_articles(annotation_files(seeds, inp.checker.article_id), ArticleReader(inp, owner), store):
        check_article_name(article.ann, named_before)
        article.add_to(sink, summary, ids, first)
        ann = article.ann
        sources.append({"title": f"Article {ann.article_id}", "path": f"seeds/{ann.article_file}", "sha256": ann.sha256})
    found_aliases, mentioned = summary.aliases, set(summary.n_mentions)
    actor_ids = [a["actor_id"] for a in actors]
    derive.check_aliases_found(actors_doc, owner, found_aliases, mentioned, actor_ids)
    sink.builders["evidence"].extend(first.finish())
    for row in summary.rows(actor_ids):
        sink.add("actor_summary", row)
    derive.crosswalk_rows(inp.root / "schemas" / "crosswalk.json", "schemas/crosswalk.json", inp.checker, sink)
    if store is not None:
        store.prune()
    tables = sink.finish()
    return {**tables, **view_tables(tables, inp.schemas)}, sources


def view_tables(tables: dict, schemas: dict) -> dict:
    """The analysis-ready views (cartel_campaign.views), computed from the finished tables (Arrow in, Arrow out)."""
    out = {}
    for name in views.COMPUTE:
        try:
            out[name] = views.view_table(name, tables, release.arrow_schema(schemas[name]))
        except views.ViewError as err:
            raise BuildError(f"schemas/{name}.schema.json", None, f"the view {name} does not fit its schema: {err}") from None
    return out


def check_beside_exports(run: jobs.Jobs, inp: Inputs, staged: Path, previous: Path | None) -> list[Future]:
    """check_tables as the first job (in a worker, what checking allocates ends with the job's process), the exports'
    writes started after it (exports.start_exports: in workers, one writes the costliest export while another checks);
    returns the writes once the tables are checked (the tables are checked before they are written)."""
    checked = run.submit(_check_shared_tables, inp)
    writes = exports.start_exports(run, staged, previous)
    checked.result()
    return writes


def _check_shared_tables(inp: Inputs) -> None:
    check_tables(inp, jobs.shared())


def check_tables(inp: Inputs, tables: dict) -> None:
    """Foreign keys (reported at the annotation line) and every schema constraint, on the Arrow tables."""
    where = Provenance(inp.root / "seeds")
    derive.check_references(tables, inp.schemas, lambda t, row, col: where.locate(t, row, col, tables))
    derive.check_release_rules(tables, lambda t, row, col: where.locate(t, row, col, tables))
    problems = [p for name in inp.meta["tables"] for p in checks.constraint_problems(name, tables[name], inp.schemas[name])]
    if problems:
        raise BuildError("build", None, "the derived tables break their schemas:\n  " + "\n  ".join(problems))
    try:
        declared = assertions.declared(inp.root)
    except assertions.AssertionsError as err:
        raise BuildError(assertions.FILE, err.line, err.message) from None
    problems = assertions.assertion_problems(tables, inp.releases[-1]["version"], declared)
    if problems:
        raise BuildError(assertions.FILE, None, f"release {inp.releases[-1]['version']} breaks the dataset's assertions:\n  "
                         + "\n  ".join(problems))


def stage_release(root: Path, work: Path, version: str, stages: Callable[[str], None], with_docs: bool = True, kept: Path | None = None,
                  kept_docs: Path | None = None) -> tuple[Path, dict]:
    """Build everything into `work`; returns the staged release folder and generated files {relpath: bytes, or a
    file staged in work} (docs: with_docs; kept: see derive_tables; kept_docs: a folder of generated docs
    kept by earlier builds, build/keptdocs.py)."""
    from ..validate import validate_written

    meta, schemas = load_schemas(root)
    checker = annotations.Checker(schemas)
    stages("reading and checking annotations")
    releases = annotations.load_releases(root / "seeds" / "releases.yaml", "seeds/releases.yaml", checker)
    annotations.load_corrections(root / "seeds" / "corrections.yaml", "seeds/corrections.yaml", checker, releases)
    verify.check_release_folders(root, releases)
    inp = Inputs(root, meta, schemas, releases, checker)
    tables, sources = derived_tables(inp, work, kept)
    meta, schemas = counts.with_article_count(meta, len(sources)), counts.with_article_count(schemas, len(sources))
    staged = work / "dataset" / version
    previous = root / "dataset" / releases[-2]["version"] if len(releases) > 1 else None
    store = keptdocs.DocsStore(kept_docs) if kept_docs and with_docs else None  # kept between builds, as the articles' rows
    staged.mkdir(parents=True)
    with jobs.Jobs(tables, len(exports.formats_of(staged)) + 3 * with_docs) as run:  # docs: explorer, timeline, texts
        stages("checking keys and constraints")
        writes = check_beside_exports(run, inp, staged, previous)
        stages("writing the release")
        desc = publish.write_tables(staged, tables, schemas, meta, version, sources, draft=releases[-1]["status"] == "draft")
        explorer = run.submit(docs.explorer_job, root, staged, releases, work / "docs", store) if with_docs else None
        figure = run.submit(docs.timeline_job, staged, meta, version, store) if with_docs else None
        tables_check = run.submit(check_written_tables, staged, schemas)
        jobs.release_freed_memory()  # what checking and writing the tables freed is not held while the jobs run
        entries, checked = exports.finish_exports(run, writes, staged, previous)
        stages("validating the written release")
        problems = tables_check.result()
        publish.finish_release(staged, desc, entries, version)
        made = run.submit(docs.texts, root, staged, version, meta, schemas, releases) if with_docs else None  # beside the validation
        publish.kill_point("staged")
        if len(releases) > 1:
            corrections.check_corrections(root / "dataset" / releases[-2]["version"], staged, releases[-1])
        stages("validating the written release")
        problems += validate_written(staged, tables, schemas, previous, checked, tables_done=True)
        if problems:
            raise BuildError(f"dataset/{version}", None, "the build is invalid; nothing was published:\n  " + "\n  ".join(problems))
        publish.kill_point("validated")
        if with_docs:
            stages("generating docs")
        pages, png, texts, used = docs_made(explorer, figure, made)
    if store is not None:
        store.used |= used
    del tables, run
    generated = {"datapackage.json": publish.json_text(publish.root_descriptor(staged, version)).encode(),
                 verify.PINS_FILE: verify.pins_file(root, releases, staged)}
    if with_docs:
        generated.update(docs.generate(root, staged, releases, texts, pages, png))
        if store is not None:
            store.prune()
    stages("")
    return staged, generated


def docs_made(explorer: Future | None, figure: Future | None, texts: Future | None) -> tuple[dict, bytes | None, dict | None, set]:
    """The docs jobs' results (each None where the build makes no docs): the explorer's pages, the timeline, the
    generated texts, and the kept entries (keptdocs) the first two used."""
    pages, used = explorer.result() if explorer else ({}, set())
    png, drawn = figure.result() if figure else (None, set())
    return pages, png, texts.result() if texts else None, used | drawn


def check_written_tables(staged: Path, schemas: dict) -> list[str]:
    """validate_tables_written as a job of the build, on the tables the build holds (jobs.shared()): what reading the
    files back allocates ends with the job's process, and is not left in the build's (Arrow's reader threads keep
    freed memory that the build's own process could not give back)."""
    from ..validate import validate_tables_written

    return validate_tables_written(staged, jobs.shared(), schemas)
