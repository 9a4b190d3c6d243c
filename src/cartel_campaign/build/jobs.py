"""Jobs the build runs side by side once the release's tables are in memory: each export written and checked,
the explorer pages, the timeline figure and the generated texts. A job is a module-level function and small arguments; it reads the tables (shared())
and the staged folder, writes its own files and returns a small result.

From PARALLEL_ROWS rows on (and with a second usable core), jobs run in forked worker processes, one per usable
core: the tables reach them by fork (copy-on-write, never pickled) and a worker's error comes back whole
(BuildError pickles as itself). A worker runs each job in a process forked for it alone, which ends with the job:
what a job imports and allocates goes with it, and the workers stay as they were forked. Otherwise each job runs
here, when its result is first asked for. Either way the files are the same bytes: a job's output depends on its
inputs only (tests/test_parallel.py).

Every worker pool of the build (these jobs, the articles read ahead: stage._read) is made by fork_pool: its
workers die with the build (on Linux, the parent-death signal), so a killed build leaves no worker behind
holding its lock; a worker that dies is reported as one line (worker_died), never as a traceback. Past
stage.PARALLEL_FROM articles, the tables are derived (and the articles read) in a process of their own
(in_own_process, as a job), which hands them back as Arrow IPC files (hand_back, taken_back).
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import traceback
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..cores import usable_cores
from .errors import BuildError

#: From this many rows in the release's tables on, jobs run in worker processes.
PARALLEL_ROWS = 20_000

_SHARED: dict | None = None


def shared() -> dict:
    """The release's Arrow tables, as the build holds them (in a worker: as they were when it was forked)."""
    if _SHARED is None:
        raise RuntimeError("no tables are shared: call this from a job run by Jobs")
    return _SHARED


def can_fork() -> bool:
    """Processes can be forked here (not on Windows): every process the build starts is forked."""
    return "fork" in multiprocessing.get_all_start_methods()


def worker_count(rows: int, jobs: int) -> int:
    """Worker processes for `jobs` jobs on a release of `rows` rows (0: run them here)."""
    cores = min(usable_cores(), jobs)
    if rows < PARALLEL_ROWS or cores < 2 or not can_fork():
        return 0
    return cores


#: prctl(2) option: the signal a process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def _start_worker(parent: int, initializer, initargs: tuple) -> None:
    """A worker's first step: it is killed when the build that forked it dies (Linux), and ends at once if the
    build is already gone; then the pool's own initializer."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    if initializer is not None:
        initializer(*initargs)


def fork_pool(workers: int, initializer=None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of `workers` forked worker processes that die with the build."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                               initargs=(os.getpid(), initializer, initargs))


def in_own_process(function, args: tuple):
    """function(*args) in a child process that ends with it, its result (or its error) pickled back through a pipe:
    a job in a worker, which lives on for other jobs and keeps nothing of this one (the libraries it imports, its
    memory's high-water mark), or a step of the build that allocates much and leaves it behind (derived_tables). The
    child dies with its parent (the parent-death signal); a child that dies before it has answered and ended (killed,
    out of memory) is worker_died(). Called where the build runs no thread of its own (a worker has one thread; the
    build, before its worker pools): forking is safe."""
    readable, writable = os.pipe()
    parent = os.getpid()
    gc.freeze()  # the objects here (as forked) are left out of the child's collections, which would copy their pages
    pid = os.fork()
    if pid == 0:  # the child: never returns (it would go on as a second worker of the pool, or a second build)
        try:
            os.close(readable)
            _answer(writable, parent, function, args)
        finally:
            os._exit(1)
    gc.unfreeze()
    os.close(writable)
    with os.fdopen(readable, "rb") as pipe:
        answer = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not answer or os.waitstatus_to_exitcode(status) != 0:  # no answer, or part of one: the child died first
        raise worker_died()
    ok, value, trace = pickle.loads(answer)
    if not ok:
        raise value from JobTraceback(trace)
    return value


class JobTraceback(Exception):
    """Where an error was raised in the process that ran its job (or read its article): that traceback, as text. The
    error raised again here has it as its cause, so the build's traceback of an error that is not a BuildError (a
    bug) shows the job's lines."""

    def __str__(self) -> str:
        return self.args[0]


def portable_error(err: Exception) -> tuple[Exception, str]:
    """(err, its traceback as text), err as it pickles and unpickles: an error that does not (it holds what does not
    pickle, or its __init__ takes other arguments than its args) becomes a RuntimeError with its text."""
    trace = "".join(traceback.format_exception(err))
    try:
        pickle.loads(pickle.dumps(err, protocol=5))
        return err, trace
    except Exception:  # noqa: BLE001 - any failure to pickle or unpickle the error
        return RuntimeError(f"{type(err).__name__}: {err}"), trace


def _answer(writable: int, parent: int, function, args: tuple) -> None:
    """In the child: run the job, write (True, its result, None) or (False, its error, its traceback) to the pipe, and
    end (os._exit: no clean-up of the worker's, whose state the child shares, runs here). A child whose worker
    (parent) died before the parent-death signal was set runs nothing."""
    code = 1
    try:
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            return
        try:
            answer = pickle.dumps((True, function(*args), None), protocol=5)
        except Exception as err:  # noqa: BLE001 - the job's error, raised again in the worker and then in the build
            answer = pickle.dumps((False, *portable_error(err)), protocol=5)
        with os.fdopen(writable, "wb") as pipe:
            pipe.write(answer)
        code = 0
    finally:
        try:
            for stream in (sys.stdout, sys.stderr):  # what the job printed (os._exit flushes nothing)
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001 - a stream the job closed or replaced: its text is lost, not the answer
                    pass
        finally:
            os._exit(code)


def hand_back(tables: dict, folder: Path) -> list[str]:
    """In a child process (in_own_process): its tables written to `folder` as Arrow IPC files, one per table (a name
    and .arrow), for the parent to take (taken_back); returns their names, in order."""
    import pyarrow as pa

    folder.mkdir(parents=True)
    for name, table in tables.items():
        with pa.ipc.new_file(str(folder / f"{name}.arrow"), table.schema) as writer:
            writer.write_table(table)
    return list(tables)


def taken_back(folder: Path, names: list[str]) -> dict:
    """The tables a child handed back (hand_back), memory-mapped: their pages are the files' (the page cache), held by
    no allocator of this process, and shared with the processes it forks."""
    import pyarrow as pa

    return {name: pa.ipc.open_file(pa.memory_map(str(folder / f"{name}.arrow"))).read_all() for name in names}


def release_freed_memory() -> None:
    """Give the memory freed by Arrow (its pool keeps freed blocks) and by C's allocator back to the system."""
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc's
    except (AttributeError, OSError, TypeError):  # another C library (or no C library by that name): nothing to trim
        return
    trim(0)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes (its shutdown then ends at once)."""
    if hasattr(pool, "kill_workers"):  # Python 3.14
        pool.kill_workers()
        return
    for process in list((pool._processes or {}).values()):
        process.kill()


def worker_died() -> BuildError:
    return BuildError("build", None, "a worker process of the build died before it finished (killed, or out of memory?); "
                                     "nothing was published; build again")


class Jobs:
    """with Jobs(tables, n_jobs) as jobs: jobs.submit(function, *args) -> a Future of its result."""

    def __init__(self, tables: dict, n_jobs: int):
        self.tables, self.workers = tables, worker_count(sum(t.num_rows for t in tables.values()), n_jobs)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Jobs":
        global _SHARED
        _SHARED = self.tables
        if self.workers:
            release_freed_memory()  # what deriving the tables freed is not kept by this process, nor copied into the workers
            self.pool = fork_pool(self.workers)
        return self

    def __exit__(self, kind, error, trace) -> None:
        global _SHARED
        if self.pool is not None:
            if error is not None:  # the build has failed: what the jobs still do is not wanted, and they are not waited for
                stop_workers(self.pool)
            self.pool.shutdown(cancel_futures=True)
        _SHARED = None
        if isinstance(error, BrokenProcessPool):
            raise worker_died() from None

    def submit(self, function, *args) -> Future:
        if self.pool is not None:
            return self.pool.submit(in_own_process, function, args)
        return _Later(function, args)

    def completed(self, futures: list[Future]):
        """The futures as they complete (run here: one after the other, in order)."""
        return as_completed(futures) if self.pool is not None else _one_by_one(futures)


def _one_by_one(futures: list[Future]):
    for future in futures:
        future.exception()  # runs a job run here
        yield future


class _Later(Future):
    """A job run here, when its result (or its exception) is first asked for: a build whose tables break a rule reports
    it before any export is written, as in workers, where the exports are written while the tables are checked."""

    def __init__(self, function, args: tuple):
        super().__init__()
        self._call = (function, args)

    def _run(self) -> None:
        if self._call is None:
            return
        (function, args), self._call = self._call, None
        try:
            self.set_result(function(*args))
        except Exception as err:  # noqa: BLE001 - raised again by result(), as from a worker (an interrupt is not held)
            self.set_exception(err)

    def result(self, timeout=None):
        self._run()
        return super().result(timeout)

    def exception(self, timeout=None):
        self._run()
        return super().exception(timeout)
