"""The build's processes give the memory Arrow frees back to the system (cartel_campaign.build.ALLOCATOR): the setting is
in the environment before pyarrow is first imported, by every entry of the build, and it has its effect."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: In a fresh process: the value of each ALLOCATOR variable when pyarrow is first imported, after `entry` runs.
WATCH = """
import json, os, sys
seen = {}
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "pyarrow" and not seen:
            seen.update({k: os.environ.get(k) for k in %(names)r})
        return None
sys.meta_path.insert(0, Watch())
%(entry)s
print(json.dumps(seen))
"""

#: After a build's entry has run, what a build that stages a release imports next (the entry itself imports no pyarrow:
#: an unchanged rebuild needs none): the setting must be there, from the entry, before it does.
STAGING = "\nimport cartel_campaign.build.stage"
ENTRIES = {
    "python -m cartel_campaign.build.pipeline": "import runpy; sys.argv = ['pipeline', '--help']\ntry:\n"
                                                "    runpy.run_module('cartel_campaign.build.pipeline', run_name='__main__')\n"
                                                "except SystemExit:\n    pass" + STAGING,
    "python build/pipeline.py": "import runpy; sys.argv = ['pipeline.py', '--help']\ntry:\n"
                                f"    runpy.run_path({str(ROOT / 'build' / 'pipeline.py')!r}, run_name='__main__')\n"
                                "except SystemExit:\n    pass" + STAGING,
    "cartel-campaign build": "from cartel_campaign import cli\ncli.main(['build', '--root', sys.argv[1]])" + STAGING,
    "cartel-campaign draft": "import cartel_campaign.draft",
}


def _fresh_env(**extra) -> dict:
    """This environment without the build's allocator settings (extra added)."""
    from cartel_campaign.build import ALLOCATOR

    return {**{k: v for k, v in os.environ.items() if k not in ALLOCATOR}, **extra}


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_the_allocator_setting_is_there_before_pyarrow_is_imported(entry, tmp_path):
    from cartel_campaign.build import ALLOCATOR

    run = subprocess.run([sys.executable, "-c", WATCH % {"names": tuple(ALLOCATOR), "entry": ENTRIES[entry]}, str(tmp_path)],
                         capture_output=True, text=True,
                         env=_fresh_env(), timeout=120)
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen == ALLOCATOR, (entry, seen, run.stderr[-2000:])


def test_a_value_already_in_the_environment_is_kept():
    run = subprocess.run([sys.executable, "-c", "import os, cartel_campaign.build; print(os.environ['MIMALLOC_PURGE_DELAY'])"],
                         capture_output=True, text=True, env=_fresh_env(MIMALLOC_PURGE_DELAY="250"), timeout=60)
    assert run.stdout.strip() == "250", run.stderr


#: In a fresh process: RSS (MiB) before, with 160 MB of Arrow arrays in 200 buffers, and after they are freed.
FREED = """
import re
import cartel_campaign.build
import pyarrow as pa
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) >> 10
print(pa.default_memory_pool().backend_name)
before = rss()
arrays = [pa.array(range(i, i + 100_000)) for i in range(0, 20_000_000, 100_000)]
held = rss()
del arrays
print(before, held, rss())
"""


def _freed(**env) -> tuple[str, int, int, int]:
    run = subprocess.run([sys.executable, "-c", FREED], capture_output=True, text=True, env=_fresh_env(**env), timeout=120)
    backend, sizes = run.stdout.strip().splitlines()[-2:]
    before, held, after = map(int, sizes.split())
    return backend, before, held, after


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_the_build_gives_back_what_arrow_frees():
    """After 160 MB of Arrow arrays are freed, a build's process holds less than half of them; with mimalloc's own delay
    (1 s: the setting left out) it holds them all, so the test tells the two apart."""
    backend, before, held, after = _freed()
    if backend != "mimalloc":
        pytest.skip(f"pyarrow's default allocator here is {backend}")
    assert held - before > 120, (before, held)
    assert after - before < (held - before) / 2, (before, held, after)
    _, before, held, after = _freed(MIMALLOC_PURGE_DELAY="1000")
    assert after - before > (held - before) * 0.8, (before, held, after)
