"""Jobs the build runs side by side once the release's tables are in memory: each export written and checked,
and the explorer pages. A job is a module-level function and small arguments; it reads the tables (shared())
and the staged folder, writes its own files and returns a small result.

From PARALLEL_ROWS rows on (and with a second usable core), jobs run in forked worker processes, one per usable
core: the tables reach them by fork (copy-on-write, never pickled) and a worker's error comes back whole
(BuildError pickles as itself). Otherwise each job runs here, when it is submitted. Either way the files are
the same bytes: a job's output depends on its inputs only (tests/test_parallel.py).
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from ..cores import usable_cores

#: From this many rows in the release's tables on, jobs run in worker processes.
PARALLEL_ROWS = 20_000

_SHARED: dict | None = None


def shared() -> dict:
    """The release's Arrow tables, as the build holds them (in a worker: as they were when it was forked)."""
    if _SHARED is None:
        raise RuntimeError("no tables are shared: call this from a job run by Jobs")
    return _SHARED


def worker_count(rows: int, jobs: int) -> int:
    """Worker processes for `jobs` jobs on a release of `rows` rows (0: run them here)."""
    cores = min(usable_cores(), jobs)
    if rows < PARALLEL_ROWS or cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return cores


class Jobs:
    """with Jobs(tables, n_jobs) as jobs: jobs.submit(function, *args) -> a Future of its result."""

    def __init__(self, tables: dict, n_jobs: int):
        self.tables, self.workers = tables, worker_count(sum(t.num_rows for t in tables.values()), n_jobs)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Jobs":
        global _SHARED
        _SHARED = self.tables
        if self.workers:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self

    def __exit__(self, *exc) -> None:
        global _SHARED
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        _SHARED = None

    def submit(self, function, *args) -> Future:
        if self.pool is not None:
            return self.pool.submit(function, *args)
        future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as err:  # noqa: BLE001 - raised again by future.result(), as from a worker
            future.set_exception(err)
        return future
