"""Files are what their release says they are, and paths from data stay where they belong.

* A release's file is checked against the sha256 its manifest.json records before its bytes are
  used (`check_file`); each file once per process while its size, mtime and inode stay the same.
* A path read from data (an article's seed_file, an annotation's `article:`, a resource path of a
  datapackage.json) is accepted only when it names a file inside the folder it belongs to
  (`confined`, `descriptor_path_problems`).

Only the standard library is imported: this module is on the load path.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
#: (path, size, mtime_ns, inode) of every file whose sha256 matched its manifest in this process.
_VERIFIED: set[tuple] = set()
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class IntegrityError(ValueError):
    """A file that is not what its release records, or a path that leaves the folder it belongs to."""


def stamp(path: Path) -> tuple:
    st = path.stat()
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ino)


def _manifest_entries(manifest: Path) -> dict[str, dict]:
    try:
        return {e["path"]: e for e in json.loads(manifest.read_text(encoding="utf-8"))["files"]}
    except FileNotFoundError:
        raise IntegrityError(f"{manifest}: missing, so the release's files cannot be checked") from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise IntegrityError(f"{manifest}: unreadable ({err})") from None


def unchecked(path: Path) -> bool:
    """True unless this process already checked `path` (see check_file) as it is now (size, mtime, inode)."""
    return stamp(Path(path)) not in _VERIFIED


def check_file(path: Path, data, taken: tuple | None = None) -> None:
    """Check `data` (the bytes of a release's file, any bytes-like object) against the size and sha256 its
    release's manifest.json records; remember the file as checked. Raises IntegrityError naming the file
    when it differs or is not listed. `taken`: the file's stamp taken before it was read."""
    path = Path(path)
    taken = taken or stamp(path)
    entry = _manifest_entries(path.parent / MANIFEST).get(path.name)
    if entry is None:
        raise IntegrityError(f"{path}: not listed in its release's {MANIFEST}, so it is not part of the release")
    size, found = memoryview(data).nbytes, hashlib.sha256(data).hexdigest()
    if size != entry.get("bytes") or found != entry.get("sha256"):
        raise IntegrityError(f"{path}: damaged or changed: expected {entry.get('bytes')} bytes with sha256 {entry.get('sha256')} "
                             f"({MANIFEST}), found {size} bytes with sha256 {found}")
    _VERIFIED.add(taken)


def check_sha256(path: Path, expected: str) -> bytes:
    """The bytes of `path` if their sha256 is `expected`; else IntegrityError naming the file."""
    data = Path(path).read_bytes()
    found = hashlib.sha256(data).hexdigest()
    if found != expected:
        raise IntegrityError(f"{path}: damaged or changed: expected sha256 {expected} (the release's articles table), found {found}")
    return data


def relative_problem(name, what: str) -> str | None:
    """Why `name` is not a plain relative path (POSIX separators, no scheme, no '..', not absolute), if it is not."""
    if not isinstance(name, str) or not name:
        return f"{what}: expected a relative file path, found {name!r}"
    pure = PurePosixPath(name)
    if _SCHEME.match(name) or name.startswith(("/", "\\")) or "\\" in name or pure.is_absolute() or ".." in pure.parts or "\x00" in name:
        return f"{what}: expected a relative file path inside its folder (no URL, no absolute path, no '..'), found {name!r}"
    return None


def confined(base: Path, name, what: str) -> Path:
    """base/name, after checking that `name` is a relative path that resolves (symlinks followed) inside base."""
    problem = relative_problem(name, what)
    if problem:
        raise IntegrityError(problem)
    path = Path(base) / name
    if not path.resolve().is_relative_to(Path(base).resolve()):
        raise IntegrityError(f"{what}: {name!r} leads outside {base} (a symlink out of the folder)")
    return path


def article_file(root: Path, seed_file, what: str) -> Path:
    """The file an articles row names (seed_file, "seeds/<name>"): a file directly in root/seeds, nowhere else."""
    if not isinstance(seed_file, str) or not seed_file.startswith("seeds/") or "/" in seed_file[len("seeds/"):]:
        raise IntegrityError(f"{what}: expected a file name in seeds/ (seeds/<name>), found {seed_file!r}")
    return confined(Path(root) / "seeds", seed_file[len("seeds/"):], what)


#: The keys of a data package whose strings Frictionless opens as files or URLs.
_RESOURCE_FILES = ("path", "schema", "dialect", "checklist")
_PACKAGE_FILES = ("profile", "$schema")
#: Profiles Frictionless knows by name (anything else is a URL or a file it would fetch).
_PROFILES = {"data-package", "tabular-data-package", "fiscal-data-package", "data-resource", "tabular-data-resource"}


def descriptor_path_problems(descriptor: Path) -> list[str]:
    """Every place of a datapackage.json where Frictionless would open something outside its folder:
    resource paths (and schema, dialect given as paths), profiles that are not a standard name.
    Run before Frictionless sees the descriptor; empty when it is safe to hand over."""
    descriptor = Path(descriptor)
    try:
        desc = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [f"{descriptor.name}: unreadable ({err})"]
    if not isinstance(desc, dict):
        return [f"{descriptor.name}: expected a JSON object"]
    problems = []
    for key in _PACKAGE_FILES:
        if key in desc and not _standard_profile(desc[key]):
            problems.append(f"{descriptor.name}: {key}: expected a standard profile name, found {desc[key]!r} (a URL or file is not opened)")
    resources = desc.get("resources")
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(res, dict):
            continue
        label = f"{descriptor.name}: resource {res.get('name', i)!r}"
        if not isinstance(res.get("name"), str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", res["name"]) or ".." in res["name"]:
            problems.append(f"{label} name: expected a plain name (letters, digits, '_', '-', '.'), found {res.get('name')!r}")
        if "data" in res and "path" not in res:
            continue  # inline data: nothing is opened
        for key in _RESOURCE_FILES:
            value = res.get(key)
            if value is None or isinstance(value, dict) and key != "path":
                continue
            for name in value if key == "path" and isinstance(value, list) else [value]:
                problems += _path_problem(descriptor.parent, name, f"{label} {key}")
        if "profile" in res and not _standard_profile(res["profile"]):
            problems.append(f"{label} profile: expected a standard profile name, found {res['profile']!r} (a URL or file is not opened)")
    exports = desc.get("exports")
    for i, export in enumerate(exports if isinstance(exports, list) else []):
        name = export.get("name", i) if isinstance(export, dict) else i
        problems += _path_problem(descriptor.parent, export.get("path") if isinstance(export, dict) else export,
                                  f"{descriptor.name}: export {name!r} path")
    return problems


def _standard_profile(value) -> bool:
    return isinstance(value, str) and value in _PROFILES


def _path_problem(base: Path, name, what: str) -> list[str]:
    try:
        confined(base, name, what)
    except IntegrityError as err:
        return [str(err)]
    return []


# ------------------------------------------------------- an installed package ----
DISTRIBUTION = "cartel-campaign-data"
#: What `validate` outside a checkout can and cannot say, printed with its result.
INSTALLED_SCOPE = (
    "outside a checkout (an installed package): each release's manifest.json is checked against the pin this "
    "package carries (cartel_campaign/_pins.py, generated from seeds/releases.yaml) and every file against its "
    "manifest; installed files are checked against the wheel's RECORD hashes where the data is the installed "
    "package's own. Not checked here: that the newest release is what its annotations build (that needs a "
    "checkout with seeds/), and anything an attacker who can rewrite the installed package itself (its code, "
    "pins and RECORD together) changes consistently; to rule that out, compare the pins printed below with "
    "seeds/releases.yaml of the source repository or reinstall from the package index.")


def pin_problems(root: Path, found: list[str], pins: dict[str, str]) -> list[str]:
    """Each release under root/dataset against the package's pins: every release pinned, its manifest.json the pinned one."""
    problems = []
    for version in found:
        manifest = Path(root) / "dataset" / version / MANIFEST
        if version not in pins:
            problems.append(f"dataset/{version}: not a release of this package (it pins {', '.join(pins) or 'none'}); "
                            "an installed package carries only the releases it was built with")
            continue
        got = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else None
        if got != pins[version]:
            problems.append(f"dataset/{version}/{MANIFEST}: expected sha256 {pins[version]} (the package's pin, cartel_campaign/_pins.py), "
                            f"found {got or 'no file'}: the release is not the one published")
    problems += [f"dataset/{v}: pinned by the package but missing" for v in pins if v not in found]
    return problems


def record_problems(root: Path, dist=None) -> tuple[list[str], str]:
    """The installed package's files (code, pins and data) against the wheel's RECORD hashes, when root is
    the installed package's data folder; (problems, one line saying what was checked)."""
    import base64
    from importlib import metadata

    try:
        dist = dist or metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return [], "RECORD: not checked (the package is not installed as a distribution)"
    listed = [f for f in dist.files or () if f.hash and f.hash.mode == "sha256" and str(f).startswith("cartel_campaign/")]
    data = [f for f in listed if str(f).startswith("cartel_campaign/data/")]
    if not data:
        return [], "RECORD: not checked (it lists no data files: an editable or source install reads the checkout)"
    installed_root = Path(dist.locate_file("cartel_campaign/data"))
    if not installed_root.resolve() == Path(root).resolve():
        return [], f"RECORD: not checked (the data validated, {root}, is not the installed package's, {installed_root})"
    problems = []
    for f in listed:
        path = Path(dist.locate_file(f))
        try:
            digest = base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest()).rstrip(b"=").decode()
        except OSError:
            problems.append(f"{f}: listed in the wheel's RECORD but missing")
            continue
        if digest != f.hash.value:
            problems.append(f"{f}: differs from the wheel's RECORD (sha256 {f.hash.value}, found {digest})")
    return problems, f"RECORD: {len(listed)} installed files checked against the wheel's RECORD hashes"
