"""Build the dataset: seeds/ -> checked tables -> validated release -> dataset/<version>/.

    python build/pipeline.py            # build and publish the newest version in seeds/releases.yaml
    python build/pipeline.py --check    # rebuild into a temporary folder; fail if anything generated differs

Steps (one module each): annotations (read + shape checks) -> spans (offsets) ->
derive (tables) -> publish (write, validate, move into place) -> docs (codebook, figure, citation).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import annotations  # noqa: E402
import cache  # noqa: E402
import derive  # noqa: E402
import docs  # noqa: E402
import publish  # noqa: E402
from errors import BuildError  # noqa: E402

ROOT = HERE.parent


def read_releases(root: Path) -> list:
    return annotations.load_releases(root / "seeds" / "releases.yaml", "seeds/releases.yaml", annotations.Checker(root / "schemas"))


def read_version(root: Path) -> str:
    """The version to build: the newest entry of seeds/releases.yaml (the one place it is written)."""
    return read_releases(root)[-1]["version"]


def read_json(root: Path, rel: str, what: str):
    try:
        return json.loads((root / rel).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(rel, None, f"missing; expected {what}") from None
    except json.JSONDecodeError as err:
        raise BuildError(rel, err.lineno, f"not valid JSON: {err.msg} (column {err.colno}); expected {what}") from None


def load_schemas(root: Path) -> tuple[dict, dict]:
    meta = read_json(root, "schemas/package.json", "the package metadata")
    schemas = {name: read_json(root, f"schemas/{name}.schema.json", "a Table Schema") for name in meta["tables"]}
    return meta, schemas


class Stages:
    """Times each stage and reports progress on stderr."""

    def __init__(self, quiet: bool = False):
        self.quiet, self.times, self._t = quiet, {}, None

    def __call__(self, name: str):
        now = time.perf_counter()
        if self._t is not None:
            self.times[self._t[0]] = now - self._t[1]
        self._t = (name, now) if name else None
        if name and not self.quiet:
            print(f"[build] {name}…", file=sys.stderr, flush=True)


def collect(root: Path):
    """Read and check every annotation; returns (tables, sources)."""
    seeds = root / "seeds"
    checker = annotations.Checker(root / "schemas")
    actors = annotations.load_actors(seeds / "actors.yaml", "seeds/actors.yaml", checker)
    articles, sources = [], []
    texts = sorted(seeds.glob("[0-9][0-9][0-9]_*.txt"))
    for txt in texts:
        ann_path = txt.with_suffix(".yaml")
        if not ann_path.is_file():
            raise BuildError(f"seeds/{txt.name}", None, f"article {txt.name} has no annotation file (expected seeds/{ann_path.name})")
    for ann_path in sorted(seeds.glob("[0-9][0-9][0-9]_*.yaml")):
        display = f"seeds/{ann_path.name}"
        ann, text, digest = annotations.load_annotation(ann_path, display, seeds, checker)
        articles.append(derive.Article(ann_path.stem, display, text, ann, digest))
        sources.append({"title": f"Article {ann_path.stem}", "path": f"seeds/{ann['article']}", "sha256": digest})
    if not articles:
        raise BuildError("seeds/", None, "no annotation files found (expected seeds/NNN_<hash>.yaml)")
    tables = derive.derive(actors, "seeds/actors.yaml", articles, checker)
    return tables, sources


def stage_release(root: Path, work: Path, version: str, stages: Stages) -> tuple[Path, dict]:
    """Build everything into `work`; returns the staged release folder and generated files {relpath: bytes}."""
    from cartel_campaign.validate import validate_release

    meta, schemas = load_schemas(root)
    stages("reading and checking annotations")
    releases = read_releases(root)
    for rel in releases[:-1]:
        if not (root / "dataset" / rel["version"] / "datapackage.json").is_file():
            raise BuildError("seeds/releases.yaml", rel.line_of("version"), f"release {rel['version']} is listed but dataset/{rel['version']}/ is not published")
    tables, sources = collect(root)
    stages("writing Parquet and CSV")
    staged = work / "dataset" / version
    publish.write_release(staged, tables, schemas, meta, version, sources)
    publish.kill_point("staged")
    stages("validating (pandera, spans, Frictionless)")
    problems = validate_release(version, root, folder=staged)
    if problems:
        raise BuildError(f"dataset/{version}", None, "the build is invalid; nothing was published:\n  " + "\n  ".join(problems))
    publish.kill_point("validated")
    stages("generating docs")
    generated = {"datapackage.json": publish.json_text(publish.root_descriptor(staged, version)).encode()}
    generated.update(docs.generate(root, staged, version, meta, schemas, releases))
    stages("")
    return staged, generated


def check(root: Path, version: str, stages: Stages) -> list[str]:
    """Differences between a fresh rebuild and what is committed (release + generated files)."""
    with tempfile.TemporaryDirectory(prefix="cc-check-") as tmp:
        staged, generated = stage_release(root, Path(tmp), version, stages)
        target = root / "dataset" / version
        diffs = [f"dataset/{version}/{n}" for n in publish.same_tree(staged, target)] if target.exists() else [f"dataset/{version}/ (not published)"]
        diffs += [rel for rel, data in generated.items() if not (root / rel).is_file() or (root / rel).read_bytes() != data]
        return diffs


def build(root: Path = ROOT, *, check_only: bool = False, replace: bool = False, quiet: bool = False, force: bool = False) -> int:
    stages = Stages(quiet)
    version = read_version(root)
    if check_only:
        diffs = check(root, version, stages)
        for d in diffs:
            print(f"out of date: {d}", file=sys.stderr)
        if diffs:
            print(f"build --check: {len(diffs)} generated file(s) differ from a rebuild of seeds/; run the build (and bump the version if data changed)", file=sys.stderr)
            return 1
        print(f"build --check: release {version} and generated files are up to date", file=sys.stderr)
        return 0
    work_root = root / ".build-tmp"
    work_root.mkdir(exist_ok=True)
    with publish.build_lock(root):
        if not force and not replace and cache.is_fresh(root, version):
            if not quiet:
                print(f"[build] release {version}: unchanged (inputs and outputs identical to the last build; --force rebuilds)", file=sys.stderr)
            return 0
        for stale in work_root.iterdir():  # left by a killed build (the lock says none is running)
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=work_root))
        try:
            staged, generated = stage_release(root, work, version, stages)
            state = publish.publish(root, staged, version, generated, replace=replace)
            cache.record(root, version, list(generated))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if not quiet:
        times = ", ".join(f"{k} {v:.2f}s" for k, v in stages.times.items())
        print(f"[build] release {version}: {state} ({times})", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartel-campaign build", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="rebuild into a temporary folder and fail if any generated file differs")
    parser.add_argument("--replace", action="store_true", help="replace the current version's release if it is not yet committed to git")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    parser.add_argument("--force", action="store_true", help="rebuild even if inputs and outputs are unchanged since the last build")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    args = parser.parse_args(argv)
    try:
        return build(args.root.resolve(), check_only=args.check, replace=args.replace, quiet=args.quiet, force=args.force)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
