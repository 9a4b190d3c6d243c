"""Build the dataset: seeds/ -> checked rows -> Arrow tables -> validated release -> dataset/<version>/.

    cartel-campaign build            # build and publish the newest version in seeds/releases.yaml
    cartel-campaign build --check    # rebuild into a temporary folder; fail if anything generated differs

This module is the entry: under the build's lock, an unchanged rebuild (inputs and outputs as the last build
recorded them: build/cache.py) ends here; otherwise build/stage.py stages the release (read, rows, check,
write, validate, docs) and publish.publish moves it in with one rename. The staging and the libraries it
needs (pyarrow, pandas, matplotlib, ...) are imported only when a build stages: an unchanged rebuild reads
the project's declarations (build/project.py) and hashes files, nothing more.
"""
from __future__ import annotations

import argparse
import errno
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ..safety import terminal
from . import cache, publish, rpackage
from .errors import BuildError
from .project import read_releases


class Stages:
    """Times each stage and reports progress on stderr (a stage entered again adds to its time; it is reported once)."""

    def __init__(self, quiet: bool = False):
        self.quiet, self.times, self._t = quiet, {}, None

    def __call__(self, name: str):
        now = time.perf_counter()
        if self._t is not None:
            self.times[self._t[0]] = self.times.get(self._t[0], 0.0) + now - self._t[1]
        self._t = (name, now) if name else None
        if name and not self.quiet and name not in self.times:
            print(f"[build] {name}…", file=sys.stderr, flush=True)


def check(root: Path, version: str, stages: Stages) -> list[str]:
    """Differences between a fresh rebuild and what is committed (release + generated files)."""
    from .stage import stage_release  # the staging's libraries: imported when a build stages (see the module's docstring)

    with tempfile.TemporaryDirectory(prefix="cc-check-") as tmp:
        staged, generated = stage_release(root, Path(tmp), version, stages)
        target = root / "dataset" / version
        diffs = [f"dataset/{version}/{n}" for n in publish.same_tree(staged, target)] if target.exists() else [f"dataset/{version}/ (not published)"]
        diffs += [rel for rel, data in generated.items() if not publish.same_content(root / rel, data)]
        diffs += [f"{rel} (stale: the build no longer generates it)" for rel in rpackage.stale(root, generated)]
        return diffs


def build(root: Path, *, check_only: bool = False, quiet: bool = False, force: bool = False) -> int:
    stages = Stages(quiet)
    newest = read_releases(root)[-1]
    version, draft = newest["version"], newest["status"] == "draft"
    if check_only:
        diffs = check(root, version, stages)
        for d in diffs:
            print(f"out of date: {d}", file=sys.stderr)
        if diffs:
            print(f"build --check: {len(diffs)} generated file(s) differ from a rebuild of seeds/; run the build "
                  "(and add a new version to seeds/releases.yaml if data changed)", file=sys.stderr)
            return 1
        print(f"build --check: release {version} and generated files are up to date", file=sys.stderr)
        return 0
    try:
        state = publish_newest(root, version, draft, stages, force)
    except OSError as err:
        raise os_error(root, err) from None
    if state is None:
        if not quiet:
            print(f"[build] release {version}: unchanged (inputs and outputs identical to the last build; --force rebuilds)", file=sys.stderr)
        return 0
    if not quiet:
        times = ", ".join(f"{k} {v:.2f}s" for k, v in stages.times.items())
        print(f"[build] release {version} ({'draft' if draft else 'published'}): {state} ({times})", file=sys.stderr)
    return 0


def publish_newest(root: Path, version: str, draft: bool, stages: Stages, force: bool) -> str | None:
    """Stage, validate and publish the newest release under the lock; None when the last build is still fresh."""
    with publish.build_lock(root):
        work_root = publish.work_folder(root)  # also recovers what a killed build left
        cache.clear_temporary(root)
        inputs = cache.inputs_digest(root)  # before anything is read: an input saved during the build is not recorded as built
        if not force and cache.is_fresh(root, version, inputs) and not rpackage.stale(root, cache.recorded_outputs(root)):
            return None
        from .stage import stage_release  # the staging's libraries: imported when a build stages (see the module's docstring)

        work = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=work_root))
        try:
            staged, generated = stage_release(root, work, version, stages, kept=work_root / publish.KEPT, kept_docs=work_root / publish.KEPT_DOCS)
            state = publish.publish(root, staged, version, generated, draft=draft)
            rpackage.remove_stale(root, generated)
            cache.record(root, version, list(generated), inputs)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return state


#: What the build only reads: an operating-system fault there is a refused read (elsewhere, a refused write).
READ_ONLY = ("seeds", "schemas", "docs/card.md", "docs/reviews")


def os_error(root: Path, err: OSError) -> BuildError:
    """An operating-system fault (disk full, read-only, an unreadable seed, ...) as one line; the publish steps leave the previous state."""
    name = errno.errorcode.get(err.errno, "") if err.errno else ""
    path = Path(err.filename) if err.filename else None
    where = (path.relative_to(root) if path and path.is_relative_to(root) else path) if path else "build"
    reason = f"{err.strerror or err}{f', {name}' if name else ''}"
    if isinstance(where, Path) and not where.is_absolute() and any(where.as_posix() == p or where.as_posix().startswith(p + "/") for p in READ_ONLY):
        return BuildError(where, None, f"the operating system refused to read it ({reason}); nothing was written; fix this and build again")
    return BuildError(where, None, f"the operating system refused to write ({reason}); no file was left half-written; fix this and build again")


def find_root(start: Path | None = None) -> Path | None:
    """The checkout to build: the current directory or a parent of it holding seeds/ and schemas/."""
    here = (start or Path.cwd()).resolve()
    return next((c for c in [here, *here.parents] if (c / "seeds" / "releases.yaml").is_file() and (c / "schemas").is_dir()), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartel-campaign build", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="rebuild into a temporary folder and fail if any generated file differs")
    parser.add_argument("--root", type=Path, help="repository root (default: found from the current directory)")
    parser.add_argument("--force", action="store_true", help="rebuild even if inputs and outputs are unchanged since the last build")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    args = parser.parse_args(argv)
    root = args.root.resolve() if args.root else find_root()
    if root is None:
        print("error: `cartel-campaign build` runs in a checkout of the repository; "
              f"no seeds/releases.yaml and schemas/ in {Path.cwd()} or above", file=sys.stderr)
        return 2
    try:
        try:
            return build(root, check_only=args.check, quiet=args.quiet, force=args.force)
        except OSError as err:  # one the publish steps did not already word (reading seeds/releases.yaml, --check)
            raise os_error(root, err) from None
    except BuildError as err:
        print(terminal(f"error: {err}"), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
