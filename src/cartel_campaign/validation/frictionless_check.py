"""Frictionless package validation of a release: the stock check, and a fast path with the same messages."""
from __future__ import annotations

import json
from pathlib import Path

from .. import integrity
from ..cores import usable_cores


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


def frictionless_package(descriptor: str):
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

    package = frictionless_package(str(descriptor))
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
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")) if p))
            code = ("import pickle, sys; from cartel_campaign.validation.frictionless_check import _frictionless_task as t; "
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
    package = package or frictionless_package(descriptor)
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
