"""A checkout checked as a whole (for `cartel-campaign validate` in a checkout): dataset/ against
seeds/releases.yaml (build.verify) and the newest release against a fresh build of seeds/."""
from __future__ import annotations

import tempfile
from pathlib import Path

from . import pipeline, publish, stage
from .errors import BuildError
from .verify import release_folder_problems


def rebuild_problems(root: Path, version: str) -> list[str]:
    """Files of dataset/<version>/ that differ from a fresh build of seeds/ (docs are not generated)."""
    target = root / "dataset" / version
    with tempfile.TemporaryDirectory(prefix="cc-validate-") as tmp:
        try:
            staged, _ = stage.stage_release(root, Path(tmp), version, pipeline.Stages(quiet=True), with_docs=False)
        except BuildError as err:  # the build would refuse to make it: the release is not what seeds/ give
            return [f"dataset/{version}: cannot be rebuilt from seeds/: {err}"]
        return [f"dataset/{version}/{name}: differs from a rebuild of seeds/ (the release is not what its annotations "
                "and articles give; rebuild it, or add a new version to seeds/releases.yaml)" for name in publish.same_tree(staged, target)]


def checkout_problems(root: Path) -> list[str]:
    """Every check of a checkout as a whole; raises BuildError when seeds/ cannot be read (bad input)."""
    releases = pipeline.read_releases(root)
    problems = [f"{file}{f':{line}' if line else ''}: {message}" for file, line, message in release_folder_problems(root, releases)]
    newest = releases[-1]["version"]
    if problems:  # the rebuild would refuse the same (the build checks dataset/ first)
        return problems
    if (root / "dataset" / newest / "datapackage.json").is_file():
        problems += rebuild_problems(root, newest)
    else:
        problems.append(f"dataset/{newest}: not built; the newest entry of seeds/releases.yaml has no release (run the build)")
    return problems
