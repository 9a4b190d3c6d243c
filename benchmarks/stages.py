"""One measured run in a fresh process (bench.py starts it; it prints one JSON object).

    python benchmarks/stages.py build ROOT
        Build ROOT with cartel_campaign.build.pipeline.build(ROOT, force=True) (full build,
        checks, validation of the written files, docs, publish) and report, per stage, wall
        time and the build process's peak resident memory, and the build's own stage times
        (pipeline.Stages). The timed build: nothing samples the worker processes.
    python benchmarks/stages.py build-memory ROOT
        The same, and the memory of the build's worker processes sampled as it runs (Workers).
        The sampler costs CPU time (reading /proc/PID/smaps_rollup walks a process's pages:
        some 10 ms per sample at 300x, 3.5-4 CPU seconds a build, on the build's own cores),
        so the time figures come from `build`, the memory figures from this.
    python benchmarks/stages.py frictionless MODE DESCRIPTOR
        Validate a data package with Frictionless. MODE: stock (frictionless.validate, as the
        `frictionless validate` CLI), fast (cartel_campaign.validate.check_frictionless),
        fast-1proc (the same, never in parallel processes).
    python benchmarks/stages.py sentences ROOT [SAMPLE]
        CPU time of cartel_campaign.sentences.sentence_spans (the coverage figures'
        sentence splitting) per article, on the
        first SAMPLE (default 100) of ROOT's article texts, split one after the other here.
    python benchmarks/stages.py jobs ROOT
        Each of the build's jobs (build/jobs.py: every export written and checked, the explorer
        pages, the timeline) run alone in a forked process on the tables of ROOT's built newest release (read
        from its Parquet files, as the build's validation reads them back): its CPU time and the
        memory it adds (growth of the process's peak RSS over what it inherited).
    python benchmarks/stages.py equivalence RELEASE_FOLDER
        Break copies of a release in one way each (foreign keys, primary key, unique, type,
        enum, missing file, hash) and compare check_frictionless with stock Frictionless.

Stages are found by wrapping the build's own functions (nothing in the build changes):
articles = each step of stage.read_articles (an article on its own: YAML, shape checks,
checksum, spans, row rules, alias search) + annotations.load_actors; rows =
stage.derive_tables less that (the articles' rows taken into the Arrow builders, ids checked
across articles, derived tables); past stage.PARALLEL_FROM articles, both run in a process of
their own (stage.derived_tables, whose worker processes read the articles) and their time is
the build's wait for it, counted as rows; stage.check_tables (with the build's workers, a job:
the time is the build's wait for it, stage.check_beside_exports);
publish.write_tables; the jobs (build/jobs.py: each export written and checked, the timeline, the explorer
pages, the generated texts (docs.texts: changelog, codebook, card); run in worker processes from
jobs.PARALLEL_ROWS rows on, when the time is the build's wait for them, stage.docs_made);
corrections.check_corrections; validate.validate_written; docs.generate (the R package's files);
publish.publish + cache.record; "other" is everything else (releases, schemas, the lock).

Peak memory per stage is the process's VmHWM, reset at every stage boundary through
/proc/self/clear_refs (Linux); where that is not allowed, a 10 ms RSS sampler is used.
Processes started by a stage (the build's workers) are sampled from /proc every 20 ms and
reported separately (the largest sum of their private memory at one time).
"""
from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from pathlib import Path

import cartel_campaign.build  # noqa: F401 - first, as in the build's own entries: its allocator settings are read when pyarrow is imported


def _status(field: str) -> int:
    """A /proc/self/status memory field in bytes (0 where unavailable)."""
    try:
        m = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
        return int(m.group(1)) * 1024 if m else 0
    except OSError:
        return 0


class Peak:
    """Peak RSS since the last reset."""

    def __init__(self):
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.mode = "VmHWM reset via /proc/self/clear_refs"
        except OSError:
            self.mode = "RSS sampled every 10 ms"
            self._peak = 0
            threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        while True:
            self._peak = max(self._peak, _status("VmRSS"))
            time.sleep(0.01)

    def reset(self) -> None:
        if self.mode.startswith("VmHWM"):
            Path("/proc/self/clear_refs").write_text("5")
        else:
            self._peak = _status("VmRSS")

    def read(self) -> int:
        if self.mode.startswith("VmHWM"):
            return max(_status("VmHWM"), _status("VmRSS"))
        return max(self._peak, _status("VmRSS"))


def _descendants(pid: int) -> list[int]:
    """Child processes of pid, recursively (from /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = []
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
        out += kids
        todo += kids
    return out


def _private(pid: int) -> int:
    """A process's private memory (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup): what it adds.
    A forked worker shares its parent's pages until it writes them; its RSS would count them twice."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return sum(int(m) * 1024 for m in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", text, re.M))


class Workers:
    """Peak memory the processes this one starts add (the build's worker processes: article reading,
    sentence splitting): the largest sum of their private memory at one time, sampled every 20 ms
    from /proc. (getrusage cannot tell: a child forked from a large process inherits that process's
    high-water mark; and a forked child's RSS counts the pages it shares with its parent.)"""

    def __init__(self):
        self.peak_sum = 0
        self.cpu_seconds = 0.0  # the sampler thread's own CPU time (counted in the process's)
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        me = os.getpid()
        while True:
            kids = _descendants(me)
            if kids:
                self.peak_sum = max(self.peak_sum, sum(_private(k) for k in kids))
            self.cpu_seconds = time.thread_time()
            time.sleep(0.02)

    def take(self) -> int:
        peak, self.peak_sum = self.peak_sum, 0
        return peak


class Tracker:
    """Time and peak memory per named stage; stages nest (a stack), time goes to the innermost. The worker
    processes' memory only where workers_memory is asked for (Workers: its sampler costs CPU time)."""

    def __init__(self, workers_memory: bool = True):
        self.peak = Peak()
        self.workers = Workers() if workers_memory else None
        self.stats: dict[str, dict] = {}
        self.stack = ["other"]
        self.t = time.perf_counter()
        self.peak.reset()

    def _close(self):
        now = time.perf_counter()
        s = self.stats.setdefault(self.stack[-1], {"seconds": 0.0, "peak_rss": 0, "calls": 0})
        s["seconds"] += now - self.t
        s["peak_rss"] = max(s["peak_rss"], self.peak.read())
        if self.workers is not None:
            s["workers_rss"] = max(s.get("workers_rss", 0), self.workers.take())
        self.t = now
        self.peak.reset()

    def enter(self, name: str):
        self._close()
        self.stack.append(name)
        self.stats.setdefault(name, {"seconds": 0.0, "peak_rss": 0, "calls": 0})["calls"] += 1

    def leave(self):
        self._close()
        self.stack.pop()

    def wrap(self, module, attr: str, name: str):
        fn = getattr(module, attr, None)
        if fn is None:
            return

        def wrapped(*args, **kwargs):
            self.enter(name)
            try:
                return fn(*args, **kwargs)
            finally:
                self.leave()

        setattr(module, attr, wrapped)

    def wrap_iterator(self, module, attr: str, name: str):
        """Each step of the iterator module.attr returns counts as stage name (the work, or the wait for workers)."""
        fn = getattr(module, attr)

        def wrapped(*args, **kwargs):
            items = fn(*args, **kwargs)
            while True:
                self.enter(name)
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.leave()
                yield item

        setattr(module, attr, wrapped)


# Stage names, in build order (bench.py reports them in this order).
STAGES = ["articles: YAML, checks, spans, mentions", "rows into Arrow builders, derived tables", "check keys + constraints",
          "write Parquet + CSV", "exports written + checked, explorer pages, timeline (jobs)", "corrections check", "validate the written release",
          "docs (R package; codebook, card, figure: jobs)", "publish + cache"]


def table_sizes(release: Path) -> dict:
    import pyarrow.parquet as pq

    out = {}
    for p in sorted(release.glob("*.parquet")):
        t = pq.read_table(p)
        out[p.stem] = {"rows": t.num_rows, "arrow_bytes": t.nbytes, "csv_bytes": (release / f"{p.stem}.csv").stat().st_size}
    return out


def run_build(root: Path, workers_memory: bool) -> dict:
    # everything the build will import, imported first: the baseline is the memory of the libraries
    import frictionless  # noqa: F401
    import matplotlib  # noqa: F401
    import matplotlib.pyplot  # noqa: F401  (docs draws a figure)
    import pandas  # noqa: F401
    import pandera.pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    import yaml  # noqa: F401

    from cartel_campaign import validate
    from cartel_campaign.build import annotations, cache, corrections, docs, exports, jobs, pipeline, publish, stage

    captured = []

    class Stages(pipeline.Stages):  # the build's own stage timer, kept to report its times
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            captured.append(self)

    pipeline.Stages = Stages
    baseline = _status("VmRSS")
    tr = Tracker(workers_memory)
    tr.wrap(stage, "derive_tables", STAGES[1])
    tr.wrap_iterator(stage, "read_articles", STAGES[0])
    tr.wrap(annotations, "load_actors", STAGES[0])
    tr.wrap(stage, "derived_tables", STAGES[1])  # past PARALLEL_FROM articles: the wait for the process that derives them
    tr.wrap(stage, "check_tables", STAGES[2])
    tr.wrap(stage, "check_beside_exports", STAGES[2])  # with workers: the wait for the job that checks them
    tr.wrap(publish, "write_tables", STAGES[3])
    tr.wrap(jobs.Jobs, "submit", STAGES[4])  # a job handed to a worker
    tr.wrap(jobs._Later, "_run", STAGES[4])  # a job run here (a small release), when its result is asked for
    tr.wrap(exports, "finish_exports", STAGES[4])  # waiting for the export jobs
    tr.wrap(stage, "docs_made", STAGES[4])  # waiting for the docs jobs (explorer, timeline, texts)
    tr.wrap(jobs.Jobs, "__exit__", STAGES[4])  # the workers' end
    tr.wrap(corrections, "check_corrections", STAGES[5])
    tr.wrap(validate, "validate_tables_written", STAGES[6])  # the tables' files (a job of the build: timed here when it runs here)
    tr.wrap(validate, "validate_written", STAGES[6])
    tr.wrap(docs, "generate", STAGES[7])
    tr.wrap(publish, "publish", STAGES[8])
    tr.wrap(cache, "record", STAGES[8])
    t0, cpu0, system0 = time.perf_counter(), cpu_seconds(), system_seconds()
    error = None
    try:
        rc = pipeline.build(root, quiet=True, force=True)
    except Exception as err:  # noqa: BLE001 - reported, not raised
        rc, error = 2, f"{type(err).__name__}: {err}"
    total, cpu, system = time.perf_counter() - t0, cpu_seconds() - cpu0, system_seconds() - system0
    tr._close()
    version = pipeline.read_releases(root)[-1]["version"]
    stages = tr.stats
    memory = {"workers_memory": tr.workers is not None}
    if tr.workers is not None:
        memory |= {"peak_rss_with_workers": max(s["peak_rss"] + s.get("workers_rss", 0) for s in stages.values()),
                   "sampler_cpu_seconds": tr.workers.cpu_seconds}
    return {
        "rc": rc, "error": error, "seconds": total, "cpu_seconds": cpu, "system_seconds": system, "baseline_rss": baseline, "memory_mode": tr.peak.mode,
        "stages": stages, "peak_rss": max(s["peak_rss"] for s in stages.values()), **memory,
        "build_stages": captured[0].times if captured else {},
        "tables": table_sizes(root / "dataset" / version) if rc == 0 else {}, "version": version,
    }


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has waited for (the build's worker pools
    are shut down, so waited for, before the build returns)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def system_seconds() -> float:
    """The part of cpu_seconds() spent in the kernel (page faults, mapping and unmapping memory, forks)."""
    t = os.times()
    return t.system + t.children_system


def run_sentences(root: Path, sample: int) -> dict:
    from cartel_campaign.sentences import sentence_spans

    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "seeds").glob("*.txt"))[:sample]]
    sentence_spans(texts[0])  # the splitter imported before the clock starts
    t0 = time.process_time()
    for text in texts:
        sentence_spans(text)
    return {"texts": len(texts), "cpu_per_article": (time.process_time() - t0) / len(texts)}


def run_frictionless(mode: str, descriptor: Path) -> dict:
    # the libraries are imported before timing, by every mode alike (the build has them all loaded)
    import frictionless
    import pyarrow.compute  # noqa: F401
    import pyarrow.csv  # noqa: F401

    from cartel_campaign.validation import frictionless_check as validate

    baseline = _status("VmRSS")
    peak, workers = Peak(), Workers()
    t0 = time.perf_counter()
    if mode == "stock":
        valid = frictionless.validate(str(descriptor)).valid
    else:
        if mode == "fast-1proc":
            validate.FRICTIONLESS_PARALLEL_BYTES = float("inf")
        valid = validate.check_frictionless(descriptor) == []
    return {"mode": mode, "valid": valid, "seconds": time.perf_counter() - t0, "baseline_rss": baseline,
            "peak_rss": peak.read(), "workers_rss": workers.take()}


def _stock_problems(descriptor: Path) -> list[str]:
    """What check_frictionless returned before it had a fast path (stock Frictionless, same format)."""
    from cartel_campaign.validate import check_frictionless_stock

    return check_frictionless_stock(descriptor)


def run_equivalence(release: Path) -> dict:
    import csv
    import hashlib
    import shutil
    import tempfile

    from cartel_campaign.validation import frictionless_check as validate

    def edit(folder: Path, table: str, change, update_descriptor: bool = True):
        path = folder / f"{table}.csv"
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        change(rows[0], rows[1:], rows)
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        if update_descriptor:  # keep bytes and hash right: only the injected problem remains
            desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
            data = path.read_bytes()
            for res in desc["resources"]:
                if res["name"] == table:
                    res["bytes"], res["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
            (folder / "datapackage.json").write_text(json.dumps(desc, indent=2, ensure_ascii=False), encoding="utf-8")

    def setcell(table, column, value, row=0):
        def change(header, body, rows):
            body[row][header.index(column)] = value(header, body) if callable(value) else value
        return lambda folder: edit(folder, table, change)

    def other_alias(header, body):  # an alias that exists, but belongs to another actor
        i, j = header.index("actor_id"), header.index("alias")
        return next(r[j] for r in body if r[i] != body[0][i])

    def duplicate(table):
        return lambda folder: edit(folder, table, lambda header, body, rows: rows.append(list(body[0])))

    def declare_dialect(folder):  # a declared CSV dialect: the foreign keys are checked during the Frictionless pass
        desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        for res in desc["resources"]:
            if res["name"] in ("actor_mentions", "actors", "articles", "actor_aliases"):
                res["dialect"] = {"csv": {"delimiter": ","}}
        (folder / "datapackage.json").write_text(json.dumps(desc, indent=2, ensure_ascii=False), encoding="utf-8")

    def copy_alias(folder):
        def change(header, body, rows):
            body[1][header.index("alias")] = body[0][header.index("alias")]
        edit(folder, "actor_aliases", change)

    cases = {
        "valid release (unchanged)": lambda folder: None,
        "foreign key: actor_mentions.actor_id unknown": setcell("actor_mentions", "actor_id", "no-such-actor"),
        "composite foreign key: actor_mentions (actor_id, alias) pair unknown": lambda folder: edit(
            folder, "actor_mentions", lambda h, b, r: b[0].__setitem__(h.index("alias"), other_alias(
                h, [row for row in b]))),
        "self-reference: actors.affiliation_actor_id unknown": setcell("actors", "affiliation_actor_id", "no-such-actor"),
        "self-reference: events.same_event_as unknown": setcell("events", "same_event_as", "000-no-such-event"),
        "foreign key: quotes.speaker_actor_id unknown": setcell("quotes", "speaker_actor_id", "no-such-actor"),
        "declared CSV dialect (foreign keys collected in the Frictionless pass), valid": declare_dialect,
        "declared CSV dialect, foreign key: actor_mentions.actor_id unknown": lambda folder: (
            setcell("actor_mentions", "actor_id", "no-such-actor")(folder), declare_dialect(folder)),
        "primary key: evidence row duplicated": duplicate("evidence"),
        "unique: actor_aliases.alias repeated": copy_alias,
        "type: quotes.char_start not an integer": setcell("quotes", "char_start", "x"),
        "enum: events.event_type unknown": setcell("events", "event_type", "picnic"),
        "missing file: designations.csv": lambda folder: (folder / "designations.csv").unlink(),
        "hash: a CSV changed after the descriptor": lambda folder: edit(folder, "actors", lambda h, b, r: b[0].__setitem__(
            h.index("name"), b[0][h.index("name")] + " (edited)"), update_descriptor=False),
    }
    out = []
    tmp = Path(tempfile.mkdtemp(prefix="cc-equiv-"))
    try:
        for name, breaker in cases.items():
            folder = tmp / "release"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(release, folder)
            breaker(folder)
            descriptor = folder / "datapackage.json"
            stock = _stock_problems(descriptor)
            row = {"case": name, "stock_problems": len(stock), "example": stock[0] if stock else ""}
            for mode, limit in (("1proc", float("inf")), ("parallel", 0)):
                validate.FRICTIONLESS_PARALLEL_BYTES = limit
                try:
                    fast_verdict = validate._frictionless_fast(descriptor)
                except Exception as err:  # noqa: BLE001 - the fast path gave up: the stock validator answers
                    fast_verdict = f"gave up ({type(err).__name__})"
                row[f"fast_{mode}"] = fast_verdict
                row[f"same_{mode}"] = validate.check_frictionless(descriptor) == stock
            out.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"cases": out}


def run_jobs(root: Path) -> dict:
    import tempfile

    from cartel_campaign import exports as export_formats
    from cartel_campaign.build import docs, exports, jobs, pipeline, project
    from cartel_campaign.validation.files import read_release

    releases = pipeline.read_releases(root)
    release = root / "dataset" / releases[-1]["version"]
    tables = read_release(release)[1]
    previous = root / "dataset" / releases[-2]["version"] if len(releases) > 1 else None
    out = {}
    with tempfile.TemporaryDirectory(prefix="cc-jobs-") as tmp:
        folder = Path(tmp) / release.name
        folder.mkdir()
        named = {n: (_write_and_check, n, folder, previous) for n in exports.formats_of(folder)}
        named["explorer pages"] = (docs.explorer_job, root, release, releases, Path(tmp) / "docs", None)
        named["timeline"] = (docs.timeline_job, release, project.load_schemas(root)[0], release.name, None)
        with jobs.Jobs(tables, 0):  # the tables shared as with the build's workers (no pool: each job forked here)
            for name, (function, *args) in named.items():
                out[name] = _alone(function, args)
    labels = {f.name: f"{f.name} ({f.path}): written + checked" for f in export_formats.EXPORTS}
    return {"jobs": {labels.get(n, n): v for n, v in out.items()}}


def _write_and_check(name: str, folder: Path, previous: Path | None) -> None:
    """Export `name` written and its whole check run (the build's jobs for it, one after the other)."""
    from cartel_campaign.build import exports, jobs

    exports.write_export(name, folder, previous)
    for part in exports.BY_NAME[name].check_parts(jobs.shared()):
        exports.check_export(name, folder, previous, part)


def _alone(function, args) -> dict:
    """function(*args) in a forked process: its CPU time and the growth of its peak RSS over what it inherited."""
    import resource

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        rss, cpu = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.process_time()
        function(*args)
        added = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) * 1024
        os.write(write, json.dumps({"cpu_seconds": time.process_time() - cpu, "added_rss": added}).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        result = json.loads(f.read())
    os.waitpid(pid, 0)
    return result


def main(argv: list[str]) -> int:
    if argv[0] in ("build", "build-memory"):
        out = run_build(Path(argv[1]).resolve(), workers_memory=argv[0] == "build-memory")
    elif argv[0] == "frictionless":
        out = run_frictionless(argv[1], Path(argv[2]).resolve())
    elif argv[0] == "sentences":
        out = run_sentences(Path(argv[1]).resolve(), int(argv[2]) if len(argv) > 2 else 100)
    elif argv[0] == "jobs":
        out = run_jobs(Path(argv[1]).resolve())
    elif argv[0] == "equivalence":
        out = run_equivalence(Path(argv[1]).resolve())
    else:
        raise SystemExit(__doc__)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
