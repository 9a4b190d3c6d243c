"""What `cartel-campaign validate` checks in a checkout, beyond each release on its own.

* The releases are exactly the ones declared: the folders of dataset/ are the entries of
  seeds/releases.yaml (every published entry has its folder, every folder an entry; the entries
  are in version order, checked when the file is read). The build refuses the same things.
* Every published release is the one its entry pins: the sha256 of dataset/<version>/manifest.json
  (which holds the size and sha256 of every file, checked by `validate`) is the entry's
  manifest_sha256, required for every published release but the newest. So a rewrite of an older
  release, however consistent (files, manifest, descriptors and generated docs agreeing), needs an
  edit of seeds/releases.yaml too, which the file says is never made. No git is involved.
* The newest release is what seeds/ build, byte for byte (rebuilt into a temporary folder):
  a release rewritten consistently (rows, CSV, Parquet, manifest, descriptors agreeing) but
  differing from its annotations fails here.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..release import sha256_file
from .errors import BuildError


def is_checkout(root: Path) -> bool:
    return (root / "seeds" / "releases.yaml").is_file() and (root / "schemas").is_dir()


def release_folder_problems(root: Path, releases: list[dict]) -> list[tuple[str, int | None, str]]:
    """(file, line, message) for each difference between dataset/ and the entries of seeds/releases.yaml."""
    listed = {rel["version"] for rel in releases}
    problems = []
    for rel in releases[:-1]:  # all published (only the newest may be a draft); the newest is the one the build makes
        if not (root / "dataset" / rel["version"] / "datapackage.json").is_file():
            problems.append(("seeds/releases.yaml", rel["line"], f"release {rel['version']} is listed but dataset/{rel['version']}/ is not published"))
    for rel in releases:
        problem = pin_problem(root, rel, newest=rel is releases[-1])
        if problem:
            problems.append(("seeds/releases.yaml", rel["line"], problem))
    base = root / "dataset"
    for path in sorted(base.iterdir()) if base.is_dir() else []:
        if path.name not in listed:
            problems.append(("seeds/releases.yaml", None,
                             f"expected an entry for every release in dataset/; found dataset/{path.name}{'/' if path.is_dir() else ''} with none "
                             "(a published release's entry is never removed or changed: put it back; anything else does not belong in dataset/)"))
    return problems


def pin_problem(root: Path, rel: dict, newest: bool) -> str | None:
    """What is wrong with a release's pin (manifest_sha256), if anything: a published release other than
    the newest must have one, and a published release's pin must be the sha256 of its manifest.json."""
    version, pin = rel["version"], rel.get("manifest_sha256")
    manifest = root / "dataset" / version / "manifest.json"
    if rel["status"] != "published" or (pin is None and newest) or not manifest.parent.is_dir():
        return None  # a draft is rebuilt freely; the newest is checked against a rebuild; a missing folder is reported above
    found = sha256_file(manifest) if manifest.is_file() else None
    if found is None:
        return f"release {version} is published but dataset/{version}/manifest.json is missing"
    if pin is None:
        return (f"release {version} is published and no longer the newest: pin it to its files by adding "
                f"`manifest_sha256: {found}` to its entry (the sha256 of dataset/{version}/manifest.json)")
    if pin != found:
        return (f"release {version}: expected dataset/{version}/manifest.json with sha256 {pin} (its manifest_sha256), "
                f"found sha256 {found}: a published release is never changed; restore its files (to change data, add a new version)")
    return None


PINS_FILE = "src/cartel_campaign/_pins.py"


def pins_file(root: Path, releases: list[dict], staged: Path) -> bytes:
    """src/cartel_campaign/_pins.py: {version: sha256 of its manifest.json} of every published release and
    of the one being built (staged), so that an installed package can check its data without seeds/."""
    pins = {rel["version"]: sha256_file(root / "dataset" / rel["version"] / "manifest.json")
            for rel in releases[:-1] if rel["status"] == "published"}
    pins[staged.name] = sha256_file(staged / "manifest.json")
    body = "".join(f"    {json.dumps(v)}: {json.dumps(pin)},\n" for v, pin in pins.items())
    return ('"""Generated from seeds/releases.yaml and the releases\' manifests by build/verify.py: do not edit.\n\n'
            "PINS: the sha256 of dataset/<version>/manifest.json of every release this package carries (see cartel_campaign.integrity).\"\"\"\n"
            f"PINS = {{\n{body}}}\n").encode()


def check_release_folders(root: Path, releases: list[dict]) -> None:
    """The build's form: the first difference as a BuildError (bad input, exit 2)."""
    problems = release_folder_problems(root, releases)
    if problems:
        file, line, message = problems[0]
        raise BuildError(file, line, message)
