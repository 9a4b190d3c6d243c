"""The build's worker processes change nothing: with every article read and derived in workers
(PARALLEL_FROM lowered to 1) the release and the generated files are byte-identical, and an error is
the one the serial build reports (file, line and message), also an id repeated from another article."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
import re

import pytest

from cartel_campaign.build import pipeline, project, stage
from cartel_campaign.build.errors import BuildError
from cartel_campaign.validate import TABLE_FILE_RULES
from conftest import Tally, copy_project, formula_put_in, newest_version
from test_rules import FILE_CASES


def counted_pools(monkeypatch, tally: Tally) -> Tally:
    """The worker pools the build starts (build/jobs.fork_pool makes them all), counted as "pool" in `tally` (also
    those its derive process starts), and the processes that derive tables, as "derived-here" or "derived-apart"."""
    from cartel_campaign.build import jobs

    class Counted(jobs.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            tally.add("pool")
            super().__init__(*args, **kwargs)

    derive, test = stage.derive_tables, os.getpid()

    def counted_derive(*args, **kwargs):
        tally.add("derived-here" if os.getpid() == test else "derived-apart")
        return derive(*args, **kwargs)

    monkeypatch.setattr(jobs, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(stage, "derive_tables", counted_derive)
    return tally


@pytest.fixture
def pools(monkeypatch, tmp_path):
    """The articles read and derived in processes of their own, and a count of the worker pools the build starts."""
    started = counted_pools(monkeypatch, Tally(tmp_path / "pools"))
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    return started


def test_a_parallel_build_gives_the_same_bytes(tmp_path, pools):
    """The articles derived in a process of their own, which hands the tables back as Arrow files, and read in
    its worker processes: every generated file as the serial build makes it (as committed)."""
    root = copy_project(tmp_path / "repo")
    assert pipeline.build(root, check_only=True, quiet=True) == 0  # every generated file equals the committed one
    assert pools.counts("pool", "derived-here", "derived-apart") == {"pool": 1, "derived-here": 0, "derived-apart": 1}, \
        "the articles were not derived in a process of their own, read in its worker processes"


def test_below_parallel_from_the_articles_are_derived_here(tmp_path, monkeypatch):
    tally = counted_pools(monkeypatch, Tally(tmp_path / "pools"))
    root = copy_project(tmp_path / "repo")
    assert pipeline.build(root, check_only=True, quiet=True) == 0
    assert tally.counts("pool", "derived-here", "derived-apart") == {"pool": 0, "derived-here": 1, "derived-apart": 0}


def test_a_derive_process_that_dies_is_one_line(tmp_path, monkeypatch):
    """The process that derives the tables killed (out of memory, say) before it hands them back: the build's one-line
    error, nothing published."""
    import signal

    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    monkeypatch.setattr(stage, "derive_tables", lambda *args: os.kill(os.getpid(), signal.SIGKILL))
    root = copy_project(tmp_path / "repo")
    assert _error(root) == str(stage.jobs.worker_died())


def _error(root) -> str:
    with pytest.raises(BuildError) as err:
        stage.stage_release(root, root / "work", newest_version(root), pipeline.Stages(quiet=True), with_docs=False)
    return str(err.value)


def _seed(root, number: str):
    return next((root / "seeds").glob(f"{number}_*.yaml"))


def _quote_not_in_its_article(root, number: str):
    """Article `number`'s annotation, its first event's evidence changed to words its article does not hold (an
    error found when the article is derived); returns the annotation's path."""
    path = _seed(root, number)
    text = path.read_text(encoding="utf-8")
    first = re.search(r"(?m)^(\s+- )(text: )?\"?([A-Z][^\"\n]{20,})", text[text.index("events:"):])
    path.write_text(text.replace(first.group(3), "Words that are not in the article at all, anywhere.", 1), encoding="utf-8")
    return path


def test_an_article_error_is_the_same_in_workers(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "repo")
    path = _quote_not_in_its_article(root, "003")
    serial = _error(root)
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    assert _error(root) == serial and serial.startswith(f"seeds/{path.name}:")


def test_an_article_error_comes_before_a_later_articles_in_the_same_task(tmp_path, monkeypatch):
    """A worker reads several articles a task (stage.TASK); an error raised reading a later one (004's YAML) is
    raised at its turn, after the articles before it in the task are taken, so an earlier article's error (003's,
    found when its rows are taken) is the one reported, as in the serial build."""
    root = copy_project(tmp_path / "repo")
    path = _quote_not_in_its_article(root, "003")
    _seed(root, "004").write_text("events: [unclosed\n", encoding="utf-8")
    serial = _error(root)
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    monkeypatch.setattr(stage, "TASK", 5)
    assert _error(root) == serial and serial.startswith(f"seeds/{path.name}:")


def test_an_id_taken_by_another_article_is_refused_when_its_rows_are_taken(tmp_path):
    """Each article's ids are checked against the others' when its rows are taken (ArticleRows.add_to), in
    article order; the message names where the id was first defined (the other file is read again for the line)."""
    root = copy_project(tmp_path / "repo")
    meta, schemas = project.load_schemas(root)
    checker = stage.annotations.Checker(schemas)
    inp = stage.Inputs(root, meta, schemas, pipeline.read_releases(root), checker)
    sink = stage.Sink(schemas, meta["tables"])
    actors_doc, actors = stage.annotations.load_actors(root / "seeds" / "actors.yaml", "seeds/actors.yaml", checker)
    reader = stage.ArticleReader(inp, stage.derive.actor_rows(actors_doc, actors, sink))
    theirs, mine = reader(_seed(root, "003")), reader(_seed(root, "004"))
    table, rid, path = theirs.ids[0]
    mine.ids.insert(0, (table, rid, mine.ids[0][2]))  # as if 004's first record had 003's first id
    ids, summary = stage.derive.Ids(), stage.rules.SummaryCounter()
    first = stage.TableBuilder("evidence", schemas["evidence"])
    theirs.add_to(sink, summary, ids, first)
    with pytest.raises(BuildError) as err:
        mine.add_to(sink, summary, ids, first)
    line = theirs.ann.doc.line(*path)
    assert str(err.value) == (f"seeds/{_seed(root, '004').name}:{mine.ann.doc.line(*mine.ids[0][2])}: duplicate {table} id {rid!r} "
                              f"(already defined at seeds/{_seed(root, '003').name}:{line})")


# ------------------------------------------------------------------ the jobs beside the exports ----
# build/jobs.py: from jobs.PARALLEL_ROWS rows on, each export (written, then checked) and the explorer pages
# run in forked worker processes; below it, here. Lowered to 0, the real corpus takes the parallel path.

@pytest.fixture
def job_pools(monkeypatch, tmp_path):
    """The jobs in worker processes, and a count of the worker pools they start."""
    from cartel_campaign.build import jobs

    started = counted_pools(monkeypatch, Tally(tmp_path / "pools"))
    monkeypatch.setattr(jobs, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(jobs, "usable_cores", lambda: 2)  # a one-core runner takes the parallel path too
    return started


def test_jobs_in_workers_give_the_same_bytes(tmp_path, job_pools):
    root = copy_project(tmp_path / "repo")
    assert pipeline.build(root, check_only=True, quiet=True) == 0  # the release, its exports and the explorer pages as committed
    assert job_pools.counts("pool") == {"pool": 1}, "the exports were not written in worker processes"


def test_in_workers_the_generated_texts_are_made_while_the_release_is_validated(tmp_path, monkeypatch, job_pools):
    """The generated texts (docs.texts: the changelog, the codebook, the card and its coverage figures) are a job,
    submitted before the build validates the written release: a worker makes them while the build validates."""
    from cartel_campaign import validate
    from cartel_campaign.build import card, jobs

    root, test = copy_project(tmp_path / "repo"), os.getpid()
    done = Tally(tmp_path / "done")
    submit, check, document = jobs.Jobs.submit, validate.validate_written, card.document

    def submitted(self, function, *args):
        done.add(function.__name__)
        return submit(self, function, *args)

    def validating(*args, **kwargs):
        done.add("validate_written")
        return check(*args, **kwargs)

    def made(*args, **kwargs):
        done.add("card-here" if os.getpid() == test else "card-apart")
        return document(*args, **kwargs)

    monkeypatch.setattr(jobs.Jobs, "submit", submitted)
    monkeypatch.setattr(validate, "validate_written", validating)
    monkeypatch.setattr(card, "document", made)
    stage.stage_release(root, tmp_path / "work", newest_version(root), pipeline.Stages(quiet=True))
    order = done.added()
    assert order.index("texts") < order.index("validate_written"), order
    assert done.counts("card-here", "card-apart") == {"card-here": 0, "card-apart": 1}, order


def _break_an_export(monkeypatch, how: str):
    """The workbook's writer failing (ValueError, reported as the build's error) or its check finding a problem."""
    from cartel_campaign import exports

    fmt = exports.BY_NAME["workbook-xlsx"]
    if how == "writer":
        def writer(path, tables):
            raise ValueError("no sheet can hold this")
        monkeypatch.setattr("cartel_campaign.workbook.write_workbook", writer)
    else:  # found by one part of the check alone (the build runs each part as a job: none may be left out)
        def check(path, tables, part=None):
            return ["a cell is not the table's"] if part in (None, "events") else []
        monkeypatch.setitem(exports.BY_NAME, fmt.name, dataclasses.replace(fmt, check=check))


@pytest.mark.parametrize("parallel", [False, True])
def test_a_workbook_written_with_a_formula_is_refused_by_the_build(tmp_path, monkeypatch, parallel):
    """The build checks the workbook it wrote with the check validate runs (in workers, a job per sheet): a formula
    the writer put in a cell is refused, though the cell's cached value is the table's."""
    from cartel_campaign import workbook
    from cartel_campaign.build import jobs

    root, write = copy_project(tmp_path / "repo"), workbook.write_workbook

    def writing(path, tables):
        sheets = write(path, tables)
        formula_put_in(path)
        return sheets

    monkeypatch.setattr(workbook, "write_workbook", writing)
    if parallel:
        monkeypatch.setattr(jobs, "PARALLEL_ROWS", 0)
        monkeypatch.setattr(jobs, "usable_cores", lambda: 2)
    with pytest.raises(BuildError, match="cartel_campaign.xlsx: part xl/worksheets/sheet[0-9]+.xml: holds a formula"):
        stage.stage_release(root, tmp_path / "work", newest_version(root), pipeline.Stages(quiet=True))


@pytest.mark.parametrize("how", ["writer", "check"])
def test_an_export_job_error_is_the_one_the_serial_build_reports(tmp_path, monkeypatch, how):
    from cartel_campaign.build import jobs

    root = copy_project(tmp_path / "repo")
    _break_an_export(monkeypatch, how)

    def error(work: str) -> str:
        with pytest.raises(BuildError) as err:
            stage.stage_release(root, tmp_path / work, newest_version(root), pipeline.Stages(quiet=True))
        return str(err.value)

    serial = error("serial")
    assert ("cartel_campaign.xlsx: no sheet can hold this" if how == "writer" else "cartel_campaign.xlsx: a cell is not the table's") in serial
    monkeypatch.setattr(jobs, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(jobs, "usable_cores", lambda: 2)
    assert error("parallel") == serial


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("code", TABLE_FILE_RULES)
def test_a_table_file_damaged_after_writing_is_refused_in_workers_as_here(tmp_path, monkeypatch, code, parallel):
    """The check of the written tables' files (validate_tables_written) is a job of the build (check_written_tables):
    in a worker process it reads the files the build wrote and finds what the build's own process finds. Each table
    file is damaged as test_rules damages a release for its rule, right after the build writes it."""
    from cartel_campaign.build import jobs, publish

    root = copy_project(tmp_path / "repo")
    write, ran = publish.write_tables, []

    def damaging(staged, *args, **kwargs):
        out = write(staged, *args, **kwargs)
        FILE_CASES[code](staged)
        return out

    submit = jobs.Jobs.submit
    monkeypatch.setattr(jobs.Jobs, "submit", lambda self, function, *args: ran.append((function.__name__, self.workers)) or submit(self, function, *args))
    monkeypatch.setattr(publish, "write_tables", damaging)
    if parallel:
        monkeypatch.setattr(jobs, "PARALLEL_ROWS", 0)
        monkeypatch.setattr(jobs, "usable_cores", lambda: 2)
    with pytest.raises(BuildError, match=re.escape(f"[{code}]")):
        stage.stage_release(root, tmp_path / "work", newest_version(root), pipeline.Stages(quiet=True))
    assert ("check_written_tables", 2 if parallel else 0) in ran, ran


def _tables_refused(monkeypatch, tally: Tally) -> Tally:
    """check_tables refuses the tables (as a foreign key or a constraint would); `tally` has what the build did before,
    in order: each job submitted (its function's name), and the check (check_tables), wherever it ran."""
    from cartel_campaign.build import jobs

    submit = jobs.Jobs.submit

    def submitted(self, function, *args):
        tally.add(function.__name__)
        return submit(self, function, *args)

    def refused(inp, tables):
        tally.add("check_tables")
        raise BuildError("seeds/x.yaml", 1, "the tables break a rule")

    monkeypatch.setattr(jobs.Jobs, "submit", submitted)
    monkeypatch.setattr(stage, "check_tables", refused)
    return tally


def test_in_workers_the_exports_are_written_while_the_tables_are_checked(tmp_path, monkeypatch, job_pools):
    """The check is the first job (a worker checks while another writes the costliest export), and every export's
    write is started before the build waits for the check."""
    root = copy_project(tmp_path / "repo")
    done = _tables_refused(monkeypatch, Tally(tmp_path / "done"))
    with pytest.raises(BuildError, match="the tables break a rule"):
        stage.stage_release(root, tmp_path / "work", newest_version(root), pipeline.Stages(quiet=True))
    submitted = [name for name in done.added() if name != "check_tables"]
    assert submitted == ["_check_shared_tables", *["write_export"] * 4] and done.counts("check_tables") == {"check_tables": 1}, done.added()


def test_a_build_whose_tables_are_refused_writes_no_export_here(tmp_path, monkeypatch):
    """Jobs run here (a small release) run when their result is asked for: the tables' error comes before any export
    is written, as fast as before the exports were started ahead of the check."""
    root = copy_project(tmp_path / "repo")
    done = _tables_refused(monkeypatch, Tally(tmp_path / "done"))
    written = []
    monkeypatch.setattr("cartel_campaign.workbook.write_workbook", lambda path, tables: written.append(path))
    with pytest.raises(BuildError, match="the tables break a rule"):
        stage.stage_release(root, tmp_path / "work", newest_version(root), pipeline.Stages(quiet=True))
    assert done.added()[-1] == "check_tables" and "write_export" in done.added()
    assert not written and not list((tmp_path / "work").rglob("*.xlsx"))


def test_a_failed_build_stops_its_jobs_instead_of_waiting_for_them(tmp_path, monkeypatch, job_pools):
    """The tables are refused while a worker still writes the workbook: the worker is killed, not waited for (it would
    finish and leave its mark)."""
    import os
    import time

    root = copy_project(tmp_path / "repo")
    _tables_refused(monkeypatch, Tally(tmp_path / "done"))
    started, finished = tmp_path / "started", tmp_path / "finished"

    def slow(path, tables):
        started.write_text(str(os.getpid()))
        for _ in range(300):  # until the test lets it go (it never does): 30 s at most
            time.sleep(0.1)
        finished.write_text("the worker ran to its end")
        return 0

    monkeypatch.setattr("cartel_campaign.workbook.write_workbook", slow)
    monkeypatch.setattr(stage, "check_tables", _wait_for(started, stage.check_tables))
    with pytest.raises(BuildError, match="the tables break a rule"):
        stage.stage_release(root, tmp_path / "work", newest_version(root), pipeline.Stages(quiet=True))
    assert not finished.exists()
    assert _ends(int(started.read_text())), "the job's process outlived the failed build"


def _ends(pid: int, seconds: float = 10) -> bool:
    """The process ends within `seconds`: it is gone, or a zombie (ended, not yet reaped: a job's process whose worker
    was killed is reaped by init, when init gets to it)."""
    import time

    for _ in range(int(seconds * 10)):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:  # gone (or no /proc: then kill tells)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            state = "?"
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def _wait_for(path, then):
    def waiting(*args):
        import time

        while not path.exists():
            time.sleep(0.05)
        return then(*args)
    return waiting


@pytest.mark.parametrize("in_workers", [False, True])
def test_the_build_holds_what_it_staged_to_every_files_rule(tmp_path, monkeypatch, in_workers):
    """The files rules run in two steps in the build (the tables' files in a job, check_written_tables, while the
    other jobs write the exports; then the rest): each rule runs on the staged release, once (a run in a worker process
    is recorded in a file)."""
    from cartel_campaign import rules
    from cartel_campaign.build import jobs

    if in_workers:
        monkeypatch.setattr(jobs, "PARALLEL_ROWS", 0)
        monkeypatch.setattr(jobs, "usable_cores", lambda: 2)
    root = copy_project(tmp_path / "repo")
    record = tmp_path / "ran.txt"
    record.write_text("", encoding="utf-8")
    for code, rule in list(rules.RULES.items()):
        if rule.scope == "files":
            def check(*args, _check=rule.check, _code=code):
                with record.open("a", encoding="utf-8") as f:
                    f.write(f"{_code} {os.getpid()}\n")
                return _check(*args)
            monkeypatch.setitem(rules.RULES, code, dataclasses.replace(rule, check=check))
    stage.stage_release(root, tmp_path / "work", newest_version(root), pipeline.Stages(quiet=True), with_docs=False)
    runs = [line.split() for line in record.read_text(encoding="utf-8").splitlines()]
    assert sorted(code for code, _ in runs) == sorted(code for code, rule in rules.RULES.items() if rule.scope == "files")
    where = {code: int(pid) != os.getpid() for code, pid in runs}
    assert all(where[code] == in_workers for code in TABLE_FILE_RULES), where  # the tables' files: checked in the job


def test_a_check_the_build_ran_is_reused_only_for_the_file_it_ran_on(tmp_path):
    """validate_written takes the export jobs' findings for a file with the sha256 they checked; a file changed
    since is checked again (a stale 'no problems' never hides a damaged export)."""
    import shutil

    from cartel_campaign import exports
    from cartel_campaign.release import sha256_file
    from cartel_campaign.validation.files import read_release
    from conftest import ROOT

    version = newest_version(ROOT)
    folder = tmp_path / version
    shutil.copytree(ROOT / "dataset" / version, folder)
    tables = read_release(folder)[1]
    path = folder / "designations.ftm.jsonl"
    found = {"designations-ftm": (sha256_file(path), ["what the job found"])}
    assert "designations.ftm.jsonl: what the job found" in " ".join(exports.export_problems(folder, tables, None, found))
    path.write_text("", encoding="utf-8")  # every Sanction gone
    problems = exports.export_problems(folder, tables, None, {"designations-ftm": (found["designations-ftm"][0], [])})
    assert any("Sanction record ids" in p for p in problems) and any("size or sha256" in p for p in problems)


def test_the_explorer_sections_a_worker_kept_outlive_the_prune(tmp_path, monkeypatch):
    """The explorer job keeps its article sections in the build's docs store, the timeline job its figure; in a worker
    the store is a copy, so each job hands back the entries it used and the build's prune keeps them: the same
    entries as a serial build."""
    from cartel_campaign.build import jobs, publish

    def kept_entries(root) -> set[str]:
        assert pipeline.build(root, quiet=True, force=True) == 0
        return {p.name for p in (publish.work_folder(root) / publish.KEPT_DOCS).iterdir()}

    serial = kept_entries(copy_project(tmp_path / "serial"))
    monkeypatch.setattr(jobs, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(jobs, "usable_cores", lambda: 2)
    assert len(serial) > 5 and kept_entries(copy_project(tmp_path / "parallel")) == serial


# ------------------------------------------------------------------ workers that die, a build that dies ----

def _in_workers(monkeypatch):
    from cartel_campaign.build import jobs

    monkeypatch.setattr(jobs, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(jobs, "usable_cores", lambda: 2)


def test_a_job_worker_that_dies_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    import os
    import signal

    root = copy_project(tmp_path / "repo")
    _in_workers(monkeypatch)
    me = os.getpid()

    def killed(path, tables):
        if os.getpid() != me:  # only ever in a worker
            os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("the workbook was written here, not in a worker")

    monkeypatch.setattr("cartel_campaign.workbook.write_workbook", killed)
    with pytest.raises(BuildError) as err:
        stage.stage_release(root, tmp_path / "work", newest_version(root), pipeline.Stages(quiet=True))
    assert str(err.value).startswith("build: a worker process of the build died before it finished")


def test_an_article_worker_that_dies_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    import os
    import signal

    root = copy_project(tmp_path / "repo")
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    me, read = os.getpid(), stage.ArticleReader.__call__

    def killed(self, path):
        if os.getpid() != me and path.name.startswith("003_"):
            os.kill(os.getpid(), signal.SIGKILL)
        return read(self, path)

    monkeypatch.setattr(stage.ArticleReader, "__call__", killed)
    assert _error(root).startswith("build: a worker process of the build died before it finished")


def test_a_killed_build_leaves_no_worker_holding_its_lock(tmp_path):
    """The build is SIGKILLed while a worker writes the workbook: the worker dies with it, and the next build
    takes the lock (a worker left behind would hold it: 'another build is running' for ever)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from cartel_campaign.build import publish

    root = copy_project(tmp_path / "repo")
    started = tmp_path / "worker.pid"
    script = (
        "import os, sys, time\n"
        "from cartel_campaign.build import jobs, pipeline\n"
        "jobs.PARALLEL_ROWS = 0\n"
        "jobs.usable_cores = lambda: 2\n"
        "def slow(path, tables):\n"
        f"    open({str(started)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(600)\n"
        "import cartel_campaign.workbook as wb\n"
        "wb.write_workbook = slow\n"
        f"sys.exit(pipeline.main(['--root', {str(root)!r}, '--force', '-q']))\n")
    build = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(1200):  # the worker has started the workbook (at most 2 minutes on a busy machine)
            if started.is_file() and started.read_text():
                break
            assert build.poll() is None, "the build ended before its worker started the workbook"
            time.sleep(0.1)
        worker = int(started.read_text())
        build.send_signal(signal.SIGKILL)
        build.wait()
        for _ in range(100):  # the parent-death signal is immediate; allow a busy machine 10 s
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(worker, signal.SIGKILL)
            raise AssertionError("the worker outlived the killed build")
        with publish.build_lock(root):  # free: no process holds it
            pass
    finally:
        if build.poll() is None:
            build.kill()


def test_the_disk_refusing_the_workbook_is_one_line(tmp_path, monkeypatch, capsys):
    """XlsxWriter wraps the system's refusal in its own error: it is reported as the system's, in one line, exit 2."""
    import errno

    import xlsxwriter.workbook

    root = copy_project(tmp_path / "repo")

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "cartel_campaign.xlsx"))

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    assert pipeline.main(["--root", str(root), "--force", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the operating system refused to write (No space left on device, ENOSPC)" in err, err


def test_an_interrupt_in_a_job_run_here_is_not_held_back():
    from cartel_campaign.build import jobs

    def interrupted():
        raise KeyboardInterrupt

    with jobs.Jobs({}, 1) as run, pytest.raises(KeyboardInterrupt):
        run.submit(interrupted).result()


#: What a job keeps in its process (as a library it imports would), until the process ends.
_KEPT: list = []


def _keeps_memory() -> int:
    """A job that allocates some 300 MB of Arrow and Python memory and keeps it; returns its worker's process id."""
    import os

    import pyarrow as pa

    _KEPT.append(pa.table({f"c{i}": pa.array([str(j) * 10 for j in range(200_000)]) for i in range(20)}))
    _KEPT.append([str(j) * 50 for j in range(300_000)])
    return os.getppid()


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="a process's private memory is read from /proc (Linux)")
def test_a_worker_keeps_nothing_of_its_jobs(job_pools):
    """A worker lives on for other jobs, and runs each in a process forked for it alone: memory a job keeps (some
    300 MB here, as a library it imports would be kept) ends with the job, not with the build."""
    import re

    import pyarrow as pa

    from cartel_campaign.build import jobs

    with jobs.Jobs({"t": pa.table({"x": [1]})}, 2) as run:
        worker = run.submit(_keeps_memory).result()
        assert run.submit(_keeps_memory).result() in {p.pid for p in run.pool._processes.values()}
        rollup = Path(f"/proc/{worker}/smaps_rollup").read_text()
    private = sum(int(kb) for kb in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", rollup, re.M)) * 1024
    assert private < 100e6, f"the worker keeps {private / 1e6:.0f} MB after its job"


class _TwoArgumentError(Exception):
    """An error that pickles but is not made again from its pickle (its __init__ takes other arguments than its args),
    as cartel_campaign.assertions.AssertionsError."""

    def __init__(self, line: int, message: str):
        super().__init__(f"file:{line}: {message}")


def _raises_two_argument_error():
    raise _TwoArgumentError(3, "what the job found")


def _raises_deep_inside():
    return _where_the_bug_is()


def _where_the_bug_is():
    raise KeyError("a bug in a job")


def test_a_job_error_that_does_not_unpickle_keeps_its_text(job_pools):
    """Its worker cannot make the job's error again from its pickle: it is raised as a RuntimeError with its text, not
    as the unpickling's TypeError, which names neither the error nor what it says."""
    import pyarrow as pa

    from cartel_campaign.build import jobs

    with jobs.Jobs({"t": pa.table({"x": [1]})}, 2) as run, pytest.raises(RuntimeError, match=r"^_TwoArgumentError: file:3: what the job found$"):
        run.submit(_raises_two_argument_error).result()


def test_a_job_error_shows_where_the_job_raised_it(job_pools):
    """An error that is not a BuildError (a bug) shows, in the build's traceback, the lines of the job that raised it,
    in the process that ran the job."""
    import traceback

    import pyarrow as pa

    from cartel_campaign.build import jobs

    with jobs.Jobs({"t": pa.table({"x": [1]})}, 2) as run, pytest.raises(KeyError) as err:
        run.submit(_raises_deep_inside).result()
    assert "_where_the_bug_is" in "".join(traceback.format_exception(err.value))


def _dies_half_way_through_its_answer():
    """A job process that has written part of its answer when it is killed (as if it ran out of memory writing it)."""
    import pickle
    import signal
    import sys

    frame = sys._getframe()
    while "writable" not in frame.f_locals:  # jobs._answer's: the pipe to the worker
        frame = frame.f_back
    os.write(frame.f_locals["writable"], pickle.dumps((True, "x" * 1000, None))[:20])
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_job_process_killed_while_it_answers_is_one_line(job_pools):
    import pyarrow as pa

    from cartel_campaign.build import jobs

    with pytest.raises(BuildError, match="^build: a worker process of the build died before it finished"):
        with jobs.Jobs({"t": pa.table({"x": [1]})}, 2) as run:
            run.submit(_dies_half_way_through_its_answer).result()


def _touch(path: Path) -> None:
    path.write_text("ran")


def test_a_job_process_whose_worker_is_gone_runs_nothing(tmp_path):
    """The worker dies between forking a job's process and that process setting its parent-death signal (which then
    never comes): the job's process ends at once instead of running the job for a build that is gone."""
    import signal

    from cartel_campaign.build import jobs

    ran, orphan = tmp_path / "ran", tmp_path / "orphan.pid"
    worker = os.fork()
    if worker == 0:  # stands for a worker: it dies right after forking the job's process
        try:
            fork, me = os.fork, os.getpid()

            def fork_then_die():
                child = fork()
                if child == 0:  # the job's process goes on once its worker is gone
                    while os.getppid() == me:
                        pass
                    return 0
                orphan.write_text(str(child))
                os._exit(0)

            os.fork = fork_then_die
            jobs.in_own_process(_touch, (ran,))
        finally:
            os._exit(1)
    os.waitpid(worker, 0)
    pid = int(orphan.read_text())
    if not _ends(pid):
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("the job's process outlived its worker")
    assert not ran.exists(), "the job ran in a process whose worker was gone"


class _HoldsALock(Exception):
    """An error that does not pickle (it holds a lock)."""

    def __init__(self, message: str):
        import threading

        super().__init__(message)
        self.lock = threading.Lock()


def _breaks_reading(path):
    raise _HoldsALock(f"a bug reading {path.name}")


def test_an_article_error_that_does_not_pickle_comes_at_its_turn(tmp_path, monkeypatch):
    """An error that does not pickle, raised reading 004 in a worker, fails neither the task nor the articles before
    it: 003's error (found when its rows are taken) is reported first, as in the serial build."""
    root = copy_project(tmp_path / "repo")
    path = _quote_not_in_its_article(root, "003")
    serial = _error(root)
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    monkeypatch.setattr(stage, "TASK", 5)
    me, read = os.getpid(), stage.ArticleReader.__call__
    monkeypatch.setattr(stage.ArticleReader, "__call__", lambda self, p: _breaks_reading(p) if os.getpid() != me and p.name.startswith("004_")
                        else read(self, p))
    assert _error(root) == serial and serial.startswith(f"seeds/{path.name}:")


def test_an_article_error_in_a_worker_shows_where_it_was_raised(tmp_path, monkeypatch):
    """An error reading an article in a worker that is not a BuildError (a bug) shows, in the build's traceback, the
    lines that raised it in the worker; its text is kept, also for an error that does not pickle."""
    import traceback

    root = copy_project(tmp_path / "repo")
    monkeypatch.setattr(stage, "PARALLEL_FROM", 1)
    me, read = os.getpid(), stage.ArticleReader.__call__
    monkeypatch.setattr(stage.ArticleReader, "__call__", lambda self, p: _breaks_reading(p) if os.getpid() != me and p.name.startswith("002_")
                        else read(self, p))
    with pytest.raises(RuntimeError, match=r"^_HoldsALock: a bug reading 002_") as err:
        stage.stage_release(root, root / "work", newest_version(root), pipeline.Stages(quiet=True), with_docs=False)
    assert "_breaks_reading" in "".join(traceback.format_exception(err.value))


class _Unflushable:
    """An output stream whose flush fails (with an error that is not an OSError)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self):
        raise RuntimeError("this stream cannot be flushed")


def _replaces_its_output() -> str:
    import sys

    sys.stdout = _Unflushable()
    return "done"


def test_a_job_whose_output_cannot_be_flushed_gives_its_result(job_pools):
    """The job's process flushes what the job printed after it has answered, and then ends whatever the flush raises:
    the job's result is its answer, and the process does not go on as a second worker of the pool (its worker waiting
    for it for ever)."""
    import pyarrow as pa

    from cartel_campaign.build import jobs

    with jobs.Jobs({"t": pa.table({"x": [1]})}, 2) as run:
        assert run.submit(_replaces_its_output).result() == "done"
        assert [run.submit(os.getpid).result() for _ in range(4)]


def test_the_docs_jobs_take_the_tables_the_build_holds(tmp_path):
    """The explorer pages, the timeline and the card are made from the tables the build holds (jobs.shared()), not
    from the Parquet files it has just written (decoded again, they would be each job's own copy of the release): with
    those files gone, the jobs make the page and the figure as committed, and the card's frames are the files'."""
    import shutil

    from cartel_campaign.build import docs, jobs
    from cartel_campaign.validation.files import read_release
    from conftest import ROOT

    version = newest_version(ROOT)
    releases, (meta, _) = pipeline.read_releases(ROOT), project.load_schemas(ROOT)
    tables = read_release(ROOT / "dataset" / version)[1]
    staged = tmp_path / "dataset" / version
    shutil.copytree(ROOT / "dataset" / version, staged)
    files = docs.Frames(staged, meta["tables"])
    expected = {name: files[name] for name in meta["tables"]}
    for parquet in staged.glob("*.parquet"):
        parquet.unlink()
    with jobs.Jobs(tables, 0):
        pages, _ = docs.explorer_job(ROOT, staged, releases, tmp_path / "work", None)
        figure, _ = docs.timeline_job(staged, meta, version, None)
        held = docs.Frames(staged, meta["tables"], tables=jobs.shared())
        for name in meta["tables"]:
            assert held[name].equals(expected[name]), name
    assert pages[f"docs/explorer/{version}.html"].read_bytes() == (ROOT / "docs" / "explorer" / f"{version}.html").read_bytes()
    assert figure == (ROOT / "docs" / "timeline.png").read_bytes()
