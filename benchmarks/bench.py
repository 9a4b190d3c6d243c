"""Run every benchmark side by side and write benchmarks/RESULTS.md (started by benchmarks/run).

    python benchmarks/bench.py [--scales 1,10,100,300,1000] [--load-runs 15] [--skip-frictionless] [--out benchmarks/RESULTS.md]

1. Load: cold processes `import cartel_campaign as cc; cc.load("events")` and
   `import pandas; pandas.read_parquet(<the same file>)`, interleaved, medians and ratio.
2. Build, real corpus: a copy of this checkout (no .venv/.git) with dataset/<version>/
   deleted, built with the build CLI (wall time), rebuilt unchanged (wall time), and built
   once more under stages.py for the time and peak memory of each stage.
3. Frictionless: check_frictionless against stock Frictionless on broken copies of the release.
4. Scale: synth.py roots at each scale (the real corpus copied N times), built under stages.py
   (one process per scale), then Frictionless alone on the built release: stock, fast in one
   process, fast in parallel (unless --skip-frictionless).
5. Agreement: benchmarks/agreement.py against the newest release (its Markdown, as printed).
Every measurement runs in its own process, one at a time; the CPU time other processes on
the machine used meanwhile (/proc/stat) and the load average (/proc/loadavg, as `uptime`
shows it) are recorded with each measurement, since the machine is shared.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from cartel_campaign.cores import usable_cores
from stages import STAGES, cpu_seconds  # benchmarks/ is the script's own folder

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
IGNORE = shutil.ignore_patterns(".venv", ".git", ".build-tmp", "__pycache__", ".pytest_cache", "dist", "*.egg-info", ".build.lock")
FRICTIONLESS_FROM = 10  # scales at which Frictionless alone is compared (stock, fast 1 process, fast parallel)
FRICTIONLESS_REPEATS = 3


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------ measuring ----
def cpu_jiffies() -> tuple[int, int, int]:
    """(busy, steal, all) jiffies of the whole machine, from /proc/stat."""
    try:
        v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0, 0
    user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    return user + nice + system + irq + softirq, steal, sum(v[:8])


def loadavg() -> float:
    """The 1-minute load average (as `uptime` shows it)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def run_measured(cmd: list[str], **kw) -> dict:
    """Run cmd to completion: wall time, its CPU time and peak RSS (os.wait4: this child and the
    processes it waited for), and the cores the rest of the machine used meanwhile (/proc/stat)."""
    hz = os.sysconf("SC_CLK_TCK")
    busy0, steal0, _ = cpu_jiffies()
    load0 = loadavg()
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        busy1, steal1, _ = cpu_jiffies()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    own = ru.ru_utime + ru.ru_stime
    return {"wall": wall, "rc": proc.returncode, "stdout": stdout, "stderr": stderr, "cpu": own, "maxrss": ru.ru_maxrss * 1024,
            "other_cores": max(0.0, (busy1 - busy0) / hz - own) / wall if wall else 0.0, "steal": (steal1 - steal0) / hz,
            "load": (load0, loadavg())}


def stages_json(args: list[str], what: str, env: dict | None = None) -> tuple[dict, dict]:
    """stages.py run with args (and env added to this process's environment): its JSON report and its measurement."""
    m = run_measured([PY, str(HERE / "stages.py"), *args], cwd=REPO, env={**os.environ, **env} if env else None)
    if m["rc"] != 0:
        raise SystemExit(f"{what} failed (exit {m['rc']}):\n{m['stderr'][-3000:]}")
    return json.loads(m["stdout"].strip().splitlines()[-1]), m


def forget_kept(root: Path) -> None:
    """Nothing kept from an earlier build of root (no article entry): the next build is cold."""
    shutil.rmtree(root / ".build-tmp", ignore_errors=True)


def cold_build(root: Path, what: str, env: dict | None = None, memory: bool = False) -> tuple[dict, dict]:
    """root built cold under stages.py: stages_json. memory: the build with its worker processes' memory sampled
    (`build-memory`, whose sampler costs CPU time), else the timed build."""
    forget_kept(root)
    return stages_json(["build-memory" if memory else "build", str(root)], what, env)


def cli_cold_build(root: Path) -> dict:
    """root built cold by the build CLI with --force (cli_build): the whole process (start, imports, build), as
    /usr/bin/time measures it."""
    forget_kept(root)
    return cli_build(root, "--force")


def synth_root(root: Path, k: int) -> dict:
    """synth.py's root at scale k written to root: the measurement of its run."""
    gen = run_measured([PY, str(HERE / "synth.py"), str(root), "--scale", str(k)], cwd=REPO)
    if gen["rc"] != 0:
        raise SystemExit(f"synth.py --scale {k} failed:\n{gen['stderr'][-3000:]}")
    return gen


# -------------------------------------------------------------- machine ----
def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        info = Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.+)$", info, re.M)
        cpu = m.group(1).strip() if m else cpu
        mhz = re.search(r"^cpu MHz\s*:\s*([\d.]+)$", info, re.M)
        cpu += f" ({float(mhz.group(1)):.0f} MHz)" if mhz else ""
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M).group(1))
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    hyper = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        m = re.search(r"^Hypervisor vendor:\s*(.+)$", lscpu, re.M)
        t = re.search(r"^Thread\(s\) per core:\s*(.+)$", lscpu, re.M)
        hyper = (f"virtual machine ({m.group(1).strip()})" if m else "") + (f", {t.group(1).strip()} thread(s) per core" if t else "")
    except OSError:
        pass
    libs = {}
    for name in ("pandas", "pyarrow", "numpy", "pandera", "frictionless", "PyYAML", "matplotlib"):
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libs[name] = "not installed"
    try:
        import yaml

        libs["PyYAML"] += " (libyaml available)" if getattr(yaml, "__with_libyaml__", False) else " (no libyaml)"
    except ImportError:
        pass
    cores = usable_cores()
    return {"cpu": cpu, "cores": f"{cores} usable ({os.cpu_count()} online){', ' + hyper if hyper else ''}", "ram": ram,
            "os": f"{platform.system()} {platform.release()}", "python": f"{platform.python_implementation()} {platform.python_version()}",
            "libs": libs}


# ----------------------------------------------------------------- load ----
def load_benchmark(runs: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CARTEL_CAMPAIGN_DATA"}
    probe = subprocess.run([PY, "-c", "import cartel_campaign as cc; print(cc.release_dir() / 'events.parquet')"],
                           capture_output=True, text=True, env=env, cwd=REPO, check=True)
    path = probe.stdout.strip()
    cmds = {
        "cc": [PY, "-c", "import cartel_campaign as cc; cc.load('events')"],
        "pandas": [PY, "-c", f"import pandas; pandas.read_parquet({path!r})"],
    }
    for cmd in cmds.values():  # warm the page cache and .pyc files; not counted
        subprocess.run(cmd, env=env, cwd=REPO, check=True, capture_output=True)
    times: dict[str, list[float]] = {k: [] for k in cmds}
    other = []
    for i in range(runs):
        for key in (("cc", "pandas") if i % 2 == 0 else ("pandas", "cc")):
            m = run_measured(cmds[key], env=env, cwd=REPO)
            if m["rc"] != 0:
                raise SystemExit(f"load benchmark: {key} failed:\n{m['stderr']}")
            times[key].append(m["wall"])
            other.append(m["other_cores"])
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"path": str(Path(path).relative_to(REPO)) if Path(path).is_relative_to(REPO) else path, "runs": runs, "times": times,
            "median": med, "ratio": med["cc"] / med["pandas"], "other_cores": statistics.mean(other)}


# ------------------------------------------------------------ real build ----
def read_version(root: Path) -> str:
    return re.search(r'__version__ = "([^"]+)"', (root / "src" / "cartel_campaign" / "_version.py").read_text(encoding="utf-8")).group(1)


def fresh_copy(dest: Path) -> Path:
    shutil.copytree(REPO, dest, ignore=IGNORE)
    version = read_version(dest)
    shutil.rmtree(dest / "dataset" / version, ignore_errors=True)
    return dest


def cli_build(root: Path, *options: str) -> dict:
    """root built by the build CLI (`python -m cartel_campaign.build.pipeline --root ROOT [options]`) in a cold process:
    its measurement (_slim) and the build's own line."""
    m = run_measured([PY, "-m", "cartel_campaign.build.pipeline", "--root", str(root), *options], cwd=root)
    line = next((x for x in m["stderr"].splitlines() if x.startswith("[build] release")), "")
    if m["rc"] != 0:
        raise SystemExit(f"build of {root} failed:\n{m['stderr'][-3000:]}")
    return {**_slim(m), "line": line}


def agreement(version: str) -> dict:
    """benchmarks/agreement.py against `version` of this checkout: its Markdown and exit code."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "agreement.md"
        m = run_measured([PY, str(HERE / "agreement.py"), "--version", version, "--out", str(out)], cwd=REPO)
        text = out.read_text(encoding="utf-8") if out.is_file() else ""
    return {"version": version, "rc": m["rc"], "markdown": text, "stderr": m["stderr"][-2000:], "wall": m["wall"]}


def real_build(tmp: Path, rebuilds: int = 3) -> dict:
    a = fresh_copy(tmp / "real-cli")
    first = cli_build(a)
    again = [cli_build(a) for _ in range(rebuilds)]
    b = fresh_copy(tmp / "real-stages")
    stages, m = stages_json(["build", str(b)], "instrumented build of the real corpus")
    equiv, _ = stages_json(["equivalence", str(b / "dataset" / stages["version"])], "Frictionless equivalence check")
    shutil.rmtree(a, ignore_errors=True)
    shutil.rmtree(b, ignore_errors=True)
    return {"first": first, "again": again, "stages": stages, "stages_proc": _slim(m), "equivalence": equiv["cases"]}


def _of_builds(scale: dict) -> str:
    """Which of several builds the figures are: the one with the least CPU, and the CPU of each."""
    cpus = scale.get("build_cpu") or []
    if len(cpus) < 2:
        return ""
    return f"; the least CPU of {len(cpus)} cold builds: " + ", ".join(sec(c) if c is not None else "failed" for c in cpus)


def _slim(m: dict) -> dict:
    return {k: m[k] for k in ("wall", "cpu", "maxrss", "other_cores", "load")}


# ----------------------------------------------------------------- scale ----
#: Builds per scale (cold, one after the other); the report takes the one with the least CPU time: this machine's
#: speed moves by as much as 70% from one minute to the next, and the least disturbed build is the code's.
BUILD_RUNS = {300: 3, 1000: 2}


def _least_cpu(run: tuple[dict, dict]) -> float:
    """A build's CPU time (a failed build last)."""
    stages = run[0]
    return stages.get("cpu_seconds", math.inf) if stages.get("rc") == 0 else math.inf


def scale_run(tmp: Path, k: int, frictionless: bool) -> dict:
    root = tmp / f"scale-{k}"
    log(f"scale {k}x: generating")
    gen = synth_root(root, k)
    runs, cli = [], []
    for n in range(BUILD_RUNS.get(k, 1)):  # each build cold: no article kept from the one before; the two kinds take turns
        log(f"scale {k}x: building ({n + 1}/{BUILD_RUNS.get(k, 1)})")
        runs.append(cold_build(root, f"build at {k}x"))
        log(f"scale {k}x: building with the CLI ({n + 1}/{BUILD_RUNS.get(k, 1)})")
        cli.append(cli_cold_build(root))
    stages, m = min(runs, key=_least_cpu)
    log(f"scale {k}x: building, the worker processes' memory sampled")
    memory, mm = cold_build(root, f"memory build at {k}x", memory=True)
    out = {"scale": k, "generate": _slim(gen), "summary": json.loads(gen["stdout"].strip().splitlines()[-1]),
           "build": stages, "build_proc": _slim(m), "build_cpu": [r[0].get("cpu_seconds") for r in runs],
           "cli": min(cli, key=lambda x: x["cpu"]), "cli_cpu": [x["cpu"] for x in cli],
           "memory": memory, "memory_proc": _slim(mm), "frictionless": {}}
    if k == UPDATE_SCALE and stages["rc"] == 0:
        out["update"] = one_article_update(root, k)
    if stages["rc"] == 0 and k >= 100:
        log(f"scale {k}x: the build's jobs, each alone")
        out["jobs"], _ = stages_json(["jobs", str(root)], f"jobs at {k}x")
    log(f"scale {k}x: sentence splitting alone")
    out["sentences"], _ = stages_json(["sentences", str(root)], f"sentence splitting at {k}x")
    if frictionless:
        descriptor = root / "dataset" / stages["version"] / "datapackage.json"
        runs: dict[str, list] = {}
        for rep in range(FRICTIONLESS_REPEATS):  # interleaved, so that other load hits all three alike
            for mode in ("stock", "fast-1proc", "fast"):
                log(f"scale {k}x: Frictionless alone, {mode} ({rep + 1}/{FRICTIONLESS_REPEATS})")
                res, fm = stages_json(["frictionless", mode, str(descriptor)], f"Frictionless {mode} at {k}x")
                runs.setdefault(mode, []).append({**res, "proc": _slim(fm)})
        for mode, rs in runs.items():
            out["frictionless"][mode] = {
                "seconds": statistics.median(r["seconds"] for r in rs), "all_seconds": [r["seconds"] for r in rs],
                "valid": all(r["valid"] for r in rs), "peak_rss": max(r["peak_rss"] for r in rs),
                "workers_rss": max(r["workers_rss"] for r in rs), "other_cores": statistics.mean(r["proc"]["other_cores"] for r in rs)}
    shutil.rmtree(root, ignore_errors=True)
    return out


#: The scale of the one-article update: one annotation changed after the full build, then built again.
UPDATE_SCALE = 300


def release_digest(root: Path, version: str) -> str:
    """sha256 over the release folder and every file the build generates beside it (docs, CHANGELOG, explorer)."""
    import hashlib

    h = hashlib.sha256()
    files = sorted((root / "dataset" / version).rglob("*")) + sorted((root / "docs").rglob("*"))
    files += [root / n for n in ("CHANGELOG.md", "CITATION.cff", "datapackage.json")]
    for f in files:
        if f.is_file():
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def one_article_update(root: Path, k: int) -> dict:
    """Change one annotation (a claim's summary, in the middle article) and build again with the per-article
    entries the full build kept; then build once more without them (cold), and compare every byte."""
    import re

    annotations = sorted(p for p in (root / "seeds").glob("*_*.yaml"))
    for path in annotations[len(annotations) // 2:]:  # the first from the middle on with a plain (unquoted) summary
        text = path.read_text(encoding="utf-8")
        edited = re.sub(r"(\n    summary: [A-Za-z][^\n#:'\"]*?)\.?\n", r"\1, edited.\n", text, count=1)
        if edited != text:
            break
    else:
        raise SystemExit("one-article update: no plain summary to edit")
    path.write_text(edited, encoding="utf-8")
    log(f"scale {k}x: one-article update ({path.name})")
    update, m = stages_json(["build", str(root)], f"one-article update at {k}x")
    version = update["version"]
    updated = release_digest(root, version)
    log(f"scale {k}x: the same, cold (no kept articles)")
    cold, cm = cold_build(root, f"cold build after the update at {k}x")
    return {"article": path.name, "build": update, "proc": _slim(m), "cold": cold, "cold_proc": _slim(cm),
            "identical": updated == release_digest(root, version)}


#: How many times article 004 is repeated for the `draft` runs: the smallest is the fixed cost (start, imports), the two
#: others far enough beyond it that what grows with the text outweighs the noise of a cold process (at 16 repeats it
#: was 0.1 s over the fixed cost, and 0.05 s of noise made a linear tool read as 2 to 3 times worse than linear).
DRAFT_SIZES = (1, 64, 256)
#: Cold `draft` processes per article size, interleaved; the least CPU time counts (what other processes and the
#: machine's state add to a run is never less than nothing: one run of the same code measured 0.69 to 0.95 s at 16×).
DRAFT_RUNS = 3


def draft_runs(tmp: Path) -> dict:
    """`cartel-campaign draft` on an article made DRAFT_SIZES times longer (the real article 004 repeated), cold
    processes, DRAFT_RUNS of each size interleaved: the least CPU time of each size."""
    text = next((REPO / "seeds").glob("004_*.txt")).read_text(encoding="utf-8")
    sizes = DRAFT_SIZES
    for n in sizes:
        (tmp / f"draft-{n}.txt").write_text("\n\n".join([text] * n), encoding="utf-8")
    runs = {n: [] for n in sizes}
    for _ in range(DRAFT_RUNS):
        for n in sizes:
            runs[n].append(run_measured([PY, "-m", "cartel_campaign.draft", str(tmp / f"draft-{n}.txt"), "-o", str(tmp / f"draft-{n}.yaml"),
                                         "--force"], cwd=REPO))
    out = {}
    for n in sizes:
        m = min(runs[n], key=lambda run: run["cpu"])
        out[n] = {"chars": len(text) * n, "wall": m["wall"], "cpu": m["cpu"], "rc": max(run["rc"] for run in runs[n]), "load": m["load"],
                  "cpu_runs": [run["cpu"] for run in runs[n]]}
    return out


# ---------------------------------------------------------------- report ----
STAGE_ORDER = [*STAGES, "other"]
CORES = usable_cores()


def splitting(scale: int, scales: list[dict]) -> float | None:
    """CPU seconds the build's sentence splitting takes at a scale: its articles × the CPU per article measured alone."""
    s = next((x for x in scales if x["scale"] == scale), None)
    if s is None or "sentences" not in s:
        return None
    return s["summary"]["articles"] * s["sentences"]["cpu_per_article"]


def ld(m: dict) -> str:
    a, b = m.get("load", (None, None))
    return "–" if a is None else f"{a:.2f} → {b:.2f}"


def mb(n) -> str:
    return "–" if n is None else f"{n / 2**20:,.0f} MB" if n >= 10 * 2**20 else f"{n / 2**20:,.1f} MB"


def sec(x) -> str:
    return "–" if x is None else f"{x:,.2f} s" if x < 10 else f"{x:,.1f} s"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def exponent(t1, t2, n1, n2):
    if not t1 or not t2 or n1 == n2 or t1 <= 0 or t2 <= 0:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def rows_of(build: dict) -> int:
    return sum(t["rows"] for t in build["tables"].values())


def arrow_of(build: dict) -> int:
    return sum(t["arrow_bytes"] for t in build["tables"].values())


def stage_names(builds: list[dict]) -> list[str]:
    seen = [s for s in STAGE_ORDER if any(s in b["stages"] for b in builds)]
    return seen + sorted({s for b in builds for s in b["stages"]} - set(seen))


def targets(r: dict) -> list[tuple[str, str, str, bool]]:
    """(key, target, measured, met) for each target the run measured."""
    load, real, scales = r["load"], r["real"], r["scales"]
    out = []
    ratio = load["ratio"]
    first = real["first"]["wall"]
    again = statistics.median(x["wall"] for x in real["again"])
    big = [s for s in scales if s["build"]["rc"] == 0]
    out.append(("load", "load: `cc.load(\"events\")` ≤ 1.15 × `pandas.read_parquet` (cold processes, medians)",
                f"{ratio:.2f} × ({sec(load['median']['cc'])} vs {sec(load['median']['pandas'])})", ratio <= 1.15))
    out.append(("real", "build of the real corpus ≤ 10 s (build CLI, full build + validation + publish + docs, cold process)",
                f"{sec(first)} (load {ld(real['first'])})", first <= 10))
    out.append(("again", f"unchanged rebuild ≤ 2 s (build CLI, median of {len(real['again'])})", sec(again), again <= 2))
    if len(big) >= 2:
        b1, b2 = big[-2]["build"], big[-1]["build"]
        lin = exponent(b1["seconds"], b2["seconds"], rows_of(b1), rows_of(b2))
        out.append(("linear", f"time grows no faster than linearly ({big[-2]['scale']}× → {big[-1]['scale']}×)",
                    f"exponent {lin:.2f} (rows × {rows_of(b2) / rows_of(b1):.1f}, time × {b2['seconds'] / b1['seconds']:.1f}; 1 = linear)", lin <= 1.1))
    one = next((s["memory"] for s in big if s["scale"] == 1), None)
    for scale, limit in ((300, 15), (1000, 40)):
        s = next((s for s in big if s["scale"] == scale), None)
        if s is not None and "cli" in s:
            at, cli = s["build"], s["cli"]
            cpus = ", ".join(sec(c) for c in s["cli_cpu"])
            out.append((f"build{scale}", f"build at {scale}× ≤ {limit} s (the build CLI in a cold process, as /usr/bin/time measures "
                        f"it: start, imports, build; {rows_of(at):,} rows)",
                        f"{sec(cli['wall'])} (CPU {sec(cli['cpu'])}; load {ld(cli)}; the least CPU of {len(s['cli_cpu'])} cold builds: {cpus}); "
                        f"in process (stages.py build) {sec(at['seconds'])} (CPU {sec(at['cpu_seconds'])})" + _of_builds(s),
                        cli["wall"] <= limit))
    for s in big:
        b = s["memory"]
        if one is not None and s["scale"] in (300, 1000) and arrow_of(b):
            added = b["peak_rss_with_workers"] - one["peak_rss_with_workers"]
            out.append((f"memory{s['scale']}", f"memory the data adds ≤ 3 × the Arrow size of the tables at {s['scale']}× (peak RSS of the "
                        "build process plus its workers' private memory, less the same at 1×; stages.py build-memory)",
                        f"{added / arrow_of(b):.1f} × ({mb(added)} for {mb(arrow_of(b))})", added <= 3 * arrow_of(b)))
    for s in scales:
        u = s.get("update")
        if u and (u["build"]["rc"] != 0 or u["cold"]["rc"] != 0):
            out.append(("update", f"one-article update at {s['scale']}× ≤ 25% of the full build",
                        f"failed: {(u['build'].get('error') or u['cold'].get('error') or '')[:200]}", False))
        elif u:
            share = u["build"]["seconds"] / s["build"]["seconds"]
            out.append(("update", f"one-article update at {s['scale']}× ≤ 25% of the full build (one annotation changed, built "
                        "again with the per-article entries the full build kept; stages.py)",
                        f"{share:.0%} ({sec(u['build']['seconds'])} vs {sec(s['build']['seconds'])}; load {ld(u['proc'])}); "
                        f"release and docs {'byte-identical to' if u['identical'] else 'DIFFERENT from'} a cold build "
                        f"({sec(u['cold']['seconds'])})", share <= 0.25 and u["identical"]))
    d = r.get("draft")
    if d:
        n0, n1, n2 = DRAFT_SIZES
        c0, c1, c2 = (d[str(n)]["cpu"] if str(n) in d else d[n]["cpu"] for n in DRAFT_SIZES)
        grow, more = (c2 - c0) / (c1 - c0) if c1 > c0 else float("inf"), (n2 - n0) / (n1 - n0)
        out.append(("draft", f"`draft` linear in article size (article 004 repeated {n0}, {n1}, {n2} times; the least CPU of "
                    f"{DRAFT_RUNS} cold processes each)",
                    f"{sec(c0)}, {sec(c1)}, {sec(c2)}: beyond the {n0}× run, {n1}× → {n2}× costs × {grow:.1f} for × {more:.1f} the text",
                    grow <= more * 1.25))
    return out


def report(r: dict) -> str:
    mach, load, real, scales = r["machine"], r["load"], r["real"], r["scales"]
    L = []
    add = L.append
    add("# Benchmarks")
    add("")
    add(f"Generated by `benchmarks/run` on {r['started']} (UTC); the whole run took {r['seconds'] / 60:.1f} min. "
        "Do not edit: rerun `benchmarks/run` (`benchmarks/run --scales 1,10,100` for a quick run). Every figure below "
        "comes from this one run. Code: `bench.py` (this report), `stages.py` (one measured process), `synth.py` (synthetic roots).")
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| CPU | {mach['cpu']} |")
    add(f"| cores | {mach['cores']} |")
    add(f"| RAM | {mach['ram']} |")
    add(f"| OS | {mach['os']} |")
    add(f"| Python | {mach['python']} |")
    add(f"| libraries | {', '.join(f'{k} {v}' for k, v in mach['libs'].items())} |")
    add(f"| other load | other processes on the machine used {r['other_cores']:.2f} cores on average during the run "
        f"(busy CPU time from /proc/stat less the benchmark's own); CPU stolen by the hypervisor: {r['steal']:.1f} s |")
    add("")

    ratio = load["ratio"]
    builds = [s["build"] for s in scales]
    ok_builds = [b for b in builds if b["rc"] == 0]
    big = [s for s in scales if s["build"]["rc"] == 0]

    # ---- targets
    rows = targets(r)
    before = {key: measured for key, _, measured, _ in targets(r["before"])} if r.get("before") else None
    add("## Targets")
    add("")
    if before is None:
        add("| target | measured | |")
        add("|---|---|---|")
        for _, label, measured, ok in rows:
            add(f"| {label} | {measured} | {verdict(ok)} |")
    else:
        add(f"The before column is {r['before_label']}, measured on this machine by the same benchmark "
            f"(its report: generated on {r['before']['started']}, other processes used {r['before']['other_cores']:.2f} cores on average).")
        add("")
        add(f"| target | before ({r['before_label']}) | now | |")
        add("|---|---|---|---|")
        for key, label, measured, ok in rows:
            add(f"| {label} | {before.get(key, '–')} | {measured} | {verdict(ok)} |")
    add("")

    # ---- load
    add("## Load")
    add("")
    add(f"Cold processes (a new interpreter each; page cache and .pyc warm), {load['runs']} runs each, interleaved; file "
        f"`{load['path']}`. Other processes used {load['other_cores']:.2f} cores on average meanwhile.")
    add("")
    add("| command | median | min | max |")
    add("|---|---:|---:|---:|")
    for key, label in (("cc", "`import cartel_campaign as cc; cc.load(\"events\")`"), ("pandas", "`import pandas; pandas.read_parquet(<same file>)`")):
        v = load["times"][key]
        add(f"| {label} | {sec(load['median'][key])} | {sec(min(v))} | {sec(max(v))} |")
    add(f"| ratio of medians | {ratio:.3f} × | | |")
    add("")

    # ---- real build
    st = real["stages"]
    add("## Build of the real corpus")
    add("")
    add(f"A copy of the checkout (no .venv, .git) with `dataset/{st['version']}/` deleted. Build CLI "
        "(`python -m cartel_campaign.build.pipeline --root COPY`, a cold process; load = 1-minute load average before → after, as `uptime` shows it):")
    add("")
    add("| run | wall time | peak RSS | load | the build's own report |")
    add("|---|---:|---:|---|---|")
    add(f"| full build | {sec(real['first']['wall'])} | {mb(real['first']['maxrss'])} | {ld(real['first'])} | `{real['first']['line']}` |")
    for i, x in enumerate(real["again"], 1):
        add(f"| unchanged rebuild {i} | {sec(x['wall'])} | {mb(x['maxrss'])} | {ld(x)} | `{x['line']}` |")
    add("")
    add(f"The same build on another fresh copy, stage by stage (benchmarks/stages.py; in-process time "
        f"{sec(st['seconds'])} after {mb(st['baseline_rss'])} of imported libraries; {rows_of(st):,} rows, Arrow size {mb(arrow_of(st))}):")
    add("")
    add("| stage | time | peak RSS |")
    add("|---|---:|---:|")
    for name in stage_names([st]):
        s = st["stages"].get(name)
        if s:
            add(f"| {name} | {sec(s['seconds'])} | {mb(s['peak_rss'])} |")
    add(f"| **total** | **{sec(st['seconds'])}** | **{mb(st['peak_rss'])}** |")
    add("")
    add(f"Peak RSS of the whole process (getrusage): {mb(real['stages_proc']['maxrss'])}; load {ld(real['stages_proc'])}. "
        "The build's own stage times (pipeline.Stages, printed on stderr by the CLI): "
        + ", ".join(f"{k} {sec(v)}" for k, v in st.get("build_stages", {}).items()) + ".")
    add("")

    # ---- scale
    add("## Scale")
    add("")
    add("Synthetic project roots from `benchmarks/synth.py`: the real corpus copied N times (copy 0 is the real corpus; "
        "each other copy is every real article with a last line added and its full annotation, record ids renamed, "
        "no `same_event_as`; anonymous sources copied per article), one draft release, built cold with `--force`. At "
        "each scale the timed builds (`benchmarks/stages.py build`, in one process, nothing sampling its workers) take turns "
        "with as many builds by the build CLI in a cold process (`python -m cartel_campaign.build.pipeline --root ROOT --force`, "
        "as /usr/bin/time measures it); the figures are the build of each kind with the least CPU time. One more build "
        "(`stages.py build-memory`) gives the memory figures. Past 1000 articles, article numbers get a fourth digit "
        "(copy 0 too) and the synthetic root's schemas say so: the build takes the article-id pattern from schemas/.")
    add("")
    add("Rows per table:")
    add("")
    tables = sorted({t for b in ok_builds for t in b["tables"]},  # ties by name: the same report every run
                    key=lambda t: (-max(b["tables"].get(t, {}).get("rows", 0) for b in ok_builds), t))
    add("| table | real | " + " | ".join(f"{s['scale']}×" for s in scales) + " |")
    add("|---|---:|" + "---:|" * len(scales))
    for t in tables:
        add(f"| {t} | {st['tables'].get(t, {}).get('rows', '–')} | " + " | ".join(f"{s['build']['tables'].get(t, {}).get('rows', 0):,}" for s in scales) + " |")
    add(f"| **all** | **{rows_of(st):,}** | " + " | ".join(f"**{rows_of(s['build']):,}**" for s in scales) + " |")
    add(f"| Arrow size | {mb(arrow_of(st))} | " + " | ".join(mb(arrow_of(s["build"])) for s in scales) + " |")
    add(f"| CSV size | {mb(sum(t['csv_bytes'] for t in st['tables'].values()))} | "
        + " | ".join(mb(sum(t["csv_bytes"] for t in s["build"]["tables"].values())) for s in scales) + " |")
    add("")
    names = stage_names(builds)
    add("Time per stage (in the build process; the last columns: growth exponent between the two largest scales, "
        "time ∝ rows^k, 1 = linear; stages under 0.5 s at the larger scale are fixed costs, not rated):")
    add("")
    head = "| stage | " + " | ".join(f"{s['scale']}×" for s in scales)
    exps = [(big[i]["scale"], big[i + 1]["scale"]) for i in range(len(big) - 1)][-2:] if len(big) >= 2 else []
    add(head + "".join(f" | k {a}→{b}" for a, b in exps) + " |")
    add("|---|" + "---:|" * (len(scales) + len(exps)))
    by_scale = {s["scale"]: s["build"] for s in scales}
    for name in names:
        cells = [sec(s["build"]["stages"].get(name, {}).get("seconds")) for s in scales]
        ks = []
        for a, b in exps:
            ta, tb = by_scale[a]["stages"].get(name, {}).get("seconds"), by_scale[b]["stages"].get(name, {}).get("seconds")
            e = exponent(ta, tb, rows_of(by_scale[a]), rows_of(by_scale[b])) if tb and tb >= 0.5 else None
            ks.append("–" if e is None else f"{e:.2f}")
        add(f"| {name} | " + " | ".join(cells) + "".join(f" | {k}" for k in ks) + " |")
    tot = [sec(s["build"]["seconds"]) for s in scales]
    ks = [exponent(by_scale[a]["seconds"], by_scale[b]["seconds"], rows_of(by_scale[a]), rows_of(by_scale[b])) for a, b in exps]
    add("| **total (in process)** | " + " | ".join(f"**{t}**" for t in tot) + "".join(f" | **{k:.2f}**" if k is not None else " | –" for k in ks) + " |")
    if all("cpu_seconds" in s["build"] for s in scales):
        add("| CPU time (the build process and its workers) | " + " | ".join(sec(s["build"]["cpu_seconds"]) for s in scales) + " |" * (len(exps) + 1))
        add("| of which the coverage figures' sentence splitting (articles × CPU per article, measured alone) | "
            + " | ".join(sec(splitting(s["scale"], scales)) for s in scales) + " |" * (len(exps) + 1))
        add(f"| least wall time this CPU time allows on {CORES} cores (CPU ÷ {CORES}) | "
            + " | ".join(sec(s["build"]["cpu_seconds"] / CORES) for s in scales) + " |" * (len(exps) + 1))
    if all("cli" in s for s in scales):
        add("| the build CLI, a cold process: start, imports, build (its CPU; the least CPU of as many builds as above) | "
            + " | ".join(f"{sec(s['cli']['wall'])} ({sec(s['cli']['cpu'])})" for s in scales) + " |" * (len(exps) + 1))
    add("| generating the root (synth.py) | " + " | ".join(sec(s["generate"]["wall"]) for s in scales) + " |" * (len(exps) + 1))
    add("| other processes' load meanwhile | " + " | ".join(f"{s['build_proc']['other_cores']:.2f} cores" for s in scales) + " |" * (len(exps) + 1))
    add("| load average (1 min) before → after | " + " | ".join(ld(s["build_proc"]) for s in scales) + " |" * (len(exps) + 1))
    add("")
    own = sorted({k for s in scales for k in s["build"].get("build_stages", {})}, key=lambda k: min(
        list(s["build"].get("build_stages", {})).index(k) for s in scales if k in s["build"].get("build_stages", {})))
    if own:
        add("The build's own stage times (pipeline.Stages, as the CLI prints them on stderr):")
        add("")
        add("| build stage | " + " | ".join(f"{s['scale']}×" for s in scales) + " |")
        add("|---|" + "---:|" * len(scales))
        for k in own:
            add(f"| {k} | " + " | ".join(sec(s["build"].get("build_stages", {}).get(k)) for s in scales) + " |")
        add("")
    if big:
        lb = big[-1]["build"]
        top = sorted(((n, x["seconds"]) for n, x in lb["stages"].items()), key=lambda x: -x[1])[:3]
        add(f"At {big[-1]['scale']}× the time goes to " + ", ".join(f"{n} {sec(t)} ({100 * t / lb['seconds']:.0f} %)" for n, t in top)
            + f" of {sec(lb['seconds'])}.")
        add("")
    timed = [s for s in scales if s.get("jobs")]
    if timed:
        add("The build's jobs (build/jobs.py), each run alone in a forked process on the release's tables (`stages.py jobs`): CPU "
            "time, and the memory it adds to what it inherits (growth of its peak RSS; a library it imports counts). In the build "
            f"they share {CORES} worker processes, taking jobs in turn, each job in a process the worker forks for it alone (it ends "
            "with the job, and what the job imported and allocated with it): the exports' writes (the workbook first) from when the "
            "tables are derived, while the build checks and writes the tables; the explorer and the timeline once the tables are "
            "written; each export's check once its file is written, the workbook's in one job per sheet. Here each export is written "
            "and its whole check run in one process.")
        add("")
        add("| job | " + " | ".join(f"{s['scale']}× CPU | {s['scale']}× memory" for s in timed) + " |")
        add("|---|" + "---:|---:|" * len(timed))
        for name in timed[-1]["jobs"]["jobs"]:
            add(f"| {name} | " + " | ".join(f"{sec(s['jobs']['jobs'].get(name, {}).get('cpu_seconds'))} | "
                                             f"{mb(s['jobs']['jobs'].get(name, {}).get('added_rss'))}" for s in timed) + " |")
        add("")
    add("Peak memory, from one more cold build at each scale, with the build's worker processes' memory sampled every 20 ms "
        "(`stages.py build-memory`): RSS of the build process, each stage's own peak, its high-water mark reset at every stage "
        "boundary. The sampler reads each worker's /proc/PID/smaps_rollup, which walks the process's pages: it costs CPU time on "
        "the build's own cores (its own CPU time is the last row), so the time figures above come from the builds without it.")
    add("")
    add("| stage | " + " | ".join(f"{s['scale']}×" for s in scales) + " |")
    add("|---|" + "---:|" * len(scales))
    add("| libraries imported (baseline) | " + " | ".join(mb(s["memory"]["baseline_rss"]) for s in scales) + " |")
    for name in names:
        add(f"| {name} | " + " | ".join(mb(s["memory"]["stages"].get(name, {}).get("peak_rss")) for s in scales) + " |")
    add("| the build's worker processes (largest sum of their private memory at one time) | " + " | ".join(
        mb(max((x.get("workers_rss", 0) for x in s["memory"]["stages"].values()), default=0) or None) for s in scales) + " |")
    add("| **peak, with workers, above baseline** | "
        + " | ".join(f"**{mb(s['memory']['peak_rss_with_workers'] - s['memory']['baseline_rss'])}**" for s in scales) + " |")
    add("| Arrow size of the tables | " + " | ".join(mb(arrow_of(s["memory"])) for s in scales) + " |")
    add("| peak above baseline ÷ Arrow size | " + " | ".join(
        f"{(s['memory']['peak_rss_with_workers'] - s['memory']['baseline_rss']) / arrow_of(s['memory']):.1f}" if arrow_of(s["memory"]) else "–"
        for s in scales) + " |")
    add("| peak RSS of the process (getrusage at exit; a lower bound: the stage boundaries reset the high-water mark it reads) | "
        + " | ".join(mb(s["memory_proc"]["maxrss"]) for s in scales) + " |")
    one = next((s for s in scales if s["scale"] == 1), None)
    if one:
        add("| **memory the data adds: (peak at N× − peak at 1×) ÷ Arrow size at N×** (peaks with workers; target ≤ 3) | " + " | ".join(
            f"{(s['memory']['peak_rss_with_workers'] - one['memory']['peak_rss_with_workers']) / arrow_of(s['memory']):.1f}"
            if arrow_of(s["memory"]) and s is not one else "–" for s in scales) + " |")
    add(f"| memory measured by | {scales[0]['memory']['memory_mode'] if scales else ''} |" + " |" * (len(scales) - 1))
    add("| the sampler's own CPU time in this build | " + " | ".join(sec(s["memory"].get("sampler_cpu_seconds")) for s in scales) + " |")
    add("| this build's time (CPU) | " + " | ".join(f"{sec(s['memory']['seconds'])} ({sec(s['memory']['cpu_seconds'])})" for s in scales) + " |")
    add("")
    if big:
        lb = big[-1]["memory"]
        steps, prev = [], lb["baseline_rss"]
        for name in [n for n in STAGE_ORDER if n in lb["stages"]]:
            steps.append((name, lb["stages"][name]["peak_rss"] - prev))
            prev = max(prev, lb["stages"][name]["peak_rss"])
        steps.sort(key=lambda x: -x[1])
        add(f"At {big[-1]['scale']}× the high-water mark rises most in " + ", ".join(f"{n} (+{mb(d)})" for n, d in steps[:3] if d > 0)
            + f"; the Arrow tables are {mb(arrow_of(lb))}.")
        add("")

    # ---- frictionless
    fr = [s for s in scales if s["frictionless"]]
    add("## Frictionless at scale")
    add("")
    add("Stock `frictionless.validate(datapackage.json)` (what the `frictionless validate` CLI runs; it reads every row of "
        "every resource and, for each foreign key, reads the whole referenced resource again row by row) against "
        "`cartel_campaign.validate.check_frictionless`: Frictionless still reads and checks every row (types, constraints, "
        "unique, primary keys, row shape, bytes, hash) with the foreign keys taken out, each resource in one pass, "
        "and the resources are spread over parallel processes above 4 MB of CSV; foreign keys are checked as sets of "
        "key values read with pyarrow; if anything is found it runs stock Frictionless, so the messages are exactly "
        "Frictionless's. Each run is its own process (frictionless and pyarrow imported before the clock starts, as in the build), "
        "on the release built at that scale.")
    add("")
    if not fr:
        add("Not measured in this run (`--skip-frictionless`, or no scale ≥ 10).")
        add("")
    if fr:
        add(f"Medians of {FRICTIONLESS_REPEATS} runs each, interleaved (all runs in the raw columns).")
        add("")
        add("| scale | CSV rows | stock | fast, 1 process | fast, parallel | speed-up (stock ÷ fast parallel) | µs per CSV row: stock / fast parallel | "
            "peak RSS: stock / fast 1 process / fast parallel (main + workers) | other load | all runs (s): stock; 1 process; parallel |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for s in fr:
            f = s["frictionless"]
            rows = rows_of(s["build"])
            load_ = statistics.mean(x["other_cores"] for x in f.values())
            runs = "; ".join(", ".join(f"{x:.1f}" for x in f[m]["all_seconds"]) for m in ("stock", "fast-1proc", "fast"))
            add(f"| {s['scale']}× | {rows:,} | {sec(f['stock']['seconds'])} | {sec(f['fast-1proc']['seconds'])} | {sec(f['fast']['seconds'])} | "
                f"{f['stock']['seconds'] / f['fast']['seconds']:.1f} × | {1e6 * f['stock']['seconds'] / rows:.0f} / {1e6 * f['fast']['seconds'] / rows:.0f} | "
                f"{mb(f['stock']['peak_rss'])} / {mb(f['fast-1proc']['peak_rss'])} / {mb(f['fast']['peak_rss'])}"
                f"{' + ' + mb(f['fast']['workers_rss']) if f['fast']['workers_rss'] else ' (no workers: under 4 MB of CSV)'} | "
                f"{load_:.2f} cores | {runs} |")
        bad = [(s["scale"], m) for s in fr for m, x in s["frictionless"].items() if not x["valid"]]
        add("")
        add("All three found every release valid." if not bad else f"Invalid verdicts: {bad}")
        add("")
    eq = real["equivalence"]
    add("Same verdict and the same messages as stock Frictionless, on copies of the real release broken one way each "
        "(bytes and hash in the descriptor updated, so only the injected problem is left):")
    add("")
    add("| case | stock: problems | fast path, 1 process | fast path, parallel | same messages as stock |")
    add("|---|---:|---|---|---|")
    for c in eq:
        fmt = lambda v: "valid" if v is True else "found a problem → stock" if v is False else v  # noqa: E731
        add(f"| {c['case']} | {c['stock_problems']} | {fmt(c['fast_1proc'])} | {fmt(c['fast_parallel'])} | "
            f"{'yes' if c['same_1proc'] and c['same_parallel'] else '**NO**'} |")
    add("")
    ag = r.get("agreement")
    if ag:
        add("## Agreement of drafted annotations")
        add("")
        add(f"`python benchmarks/agreement.py --version {ag['version']}` (exit {ag['rc']}; {sec(ag['wall'])}); its output, unchanged:")
        add("")
        body = "\n".join(x for x in ag["markdown"].splitlines() if not x.startswith("<!--")).strip()
        add(body if body else f"(no output; stderr: {ag['stderr']})")
        add("")
    return "\n".join(L) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scales", default="1,10,100,300,1000")
    p.add_argument("--skip-frictionless", action="store_true", help="do not compare Frictionless alone at the scales (slow)")
    p.add_argument("--load-runs", type=int, default=15)
    p.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    p.add_argument("--json", type=Path, default=None, help="also write the raw measurements here")
    p.add_argument("--render", type=Path, default=None, help="measure nothing: write the report from raw measurements saved with --json")
    p.add_argument("--before", type=Path, default=None, help="raw measurements (--json) of a run of earlier code, "
                   "shown beside this run's in the targets table")
    p.add_argument("--before-label", default="before", help="what the --before run measured (e.g. a commit)")
    args = p.parse_args(argv)
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else None
    if args.render:
        r = json.loads(args.render.read_text(encoding="utf-8"))
        if before is not None:
            r["before"], r["before_label"] = before, args.before_label
        args.out.write_text(report(r), encoding="utf-8")
        return 0
    scales = [int(x) for x in args.scales.split(",") if x]
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    busy0, steal0, _ = cpu_jiffies()
    own0 = cpu_seconds()
    r: dict = {"started": started.strftime("%Y-%m-%d %H:%M"), "machine": machine()}
    tmp = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    try:
        log(f"load: {args.load_runs} cold runs each")
        r["load"] = load_benchmark(args.load_runs)
        log("build of the real corpus")
        r["real"] = real_build(tmp)
        r["scales"] = [scale_run(tmp, k, k >= FRICTIONLESS_FROM and not args.skip_frictionless) for k in scales]
        log("draft on longer articles")
        r["draft"] = draft_runs(tmp)
        log("agreement")
        r["agreement"] = agreement(r["real"]["stages"]["version"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    r["seconds"] = time.perf_counter() - t0
    busy1, steal1, _ = cpu_jiffies()
    own = cpu_seconds() - own0
    r["other_cores"] = max(0.0, (busy1 - busy0) / os.sysconf("SC_CLK_TCK") - own) / r["seconds"]
    r["steal"] = (steal1 - steal0) / os.sysconf("SC_CLK_TCK")
    if args.json:  # without the before run: --render --before gives the same report from it
        args.json.write_text(json.dumps(r, indent=1, default=str), encoding="utf-8")
    if before is not None:
        r["before"], r["before_label"] = before, args.before_label
    if args.json:
        args.json.write_text(json.dumps(r, indent=1, default=str), encoding="utf-8")
    args.out.write_text(report(r), encoding="utf-8")
    log(f"wrote {args.out} ({r['seconds'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
