"""How many cores this process may use: its CPU affinity where the system gives one (a container or
`taskset` may allow fewer than the machine has), else the number of CPUs. The build's worker pools,
the fast Frictionless check and the benchmarks all size themselves by it."""
from __future__ import annotations

import os


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
