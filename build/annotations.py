"""Step 1: read seeds/actors.yaml and seeds/<article>.yaml and check their shape.

Every problem is a BuildError naming the file and line, what was expected and
what was found. Enumerations come from schemas/ (the single data contract).
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from pathlib import Path

import yamlio
from errors import BuildError

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
QID = re.compile(r"^Q[1-9][0-9]*$")
ARTICLE_FILE = re.compile(r"^([0-9]{3}_[0-9a-f]{16})\.txt$")

# kind -> {key: (type, required)}; a type is a name below or ("enum", table, column)
SHAPES = {
    "actor": {
        "id": ("slug", True), "name": ("str", True), "type": (("enum", "actors", "actor_type"), True),
        "country": ("country", False), "description": ("str", False), "affiliation": ("slug", False),
        "wikidata": ("qid", False), "aliases": ("list", True),
    },
    "annotation": {
        "article": ("str", True), "sha256": ("str", True), "status": (("enum", "articles", "annotation_status"), True),
        "title": ("str", False), "published": ("map", True), "quotes": ("list", False), "events": ("list", False),
        "designations": ("list", False), "exclusions": ("list", False),
    },
    "published": {"earliest": ("date", True), "latest": ("date", True), "basis": ("str", True)},
    "quote": {
        "id": ("slug", True), "speaker": ("slug", True), "text": ("str", True), "occurrence": ("int", False),
        "attribution": (("enum", "quotes", "attribution"), True), "reported_by": ("slug", False),
        "note": ("str", False), "evidence": ("list", False),
    },
    "event": {
        "id": ("slug", True), "type": (("enum", "events", "event_type"), True), "summary": ("str", True),
        "status": (("enum", "events", "status"), True), "date": ("map", False), "location": ("str", False),
        "country": ("country", False), "fatalities": ("count", False), "fatalities_cumulative": ("count", False),
        "fatalities_qualifier": (("enum", "events", "fatalities_qualifier"), False),
        "attribution": (("enum", "events", "attribution"), True), "source": ("slug", False),
        "same_event_as": ("slug", False), "note": ("str", False), "actors": ("map", True), "evidence": ("list", True),
    },
    "date": {
        "start": ("date", False), "end": ("date", False), "precision": (("enum", "events", "date_precision"), True),
        "inferred": ("bool", False), "basis": ("str", False),
    },
    "designation": {
        "id": ("slug", True), "target": ("slug", True), "authority": ("slug", True),
        "type": (("enum", "designations", "designation_type"), True), "legal_basis": ("str", False),
        "status": (("enum", "designations", "status"), True), "announced_date": ("date", False),
        "effective_date": ("date", False), "date_inferred": ("bool", False), "date_basis": ("str", False),
        "event": ("slug", False), "note": ("str", False), "evidence": ("list", True),
    },
    "exclusion": {"text": ("str", True), "occurrence": ("int", False), "reason": ("str", True)},
    "span": {"text": ("str", True), "occurrence": ("int", False)},
    "release": {"version": ("version", True), "date": ("date", True), "notes": ("str", True), "breaking": ("str", False)},
}
VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def schema_enum(schemas_dir: Path, table: str, column: str) -> list[str]:
    schema = json.loads((schemas_dir / f"{table}.schema.json").read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] == column:
            return field["constraints"]["enum"]
    raise KeyError(f"{table}.{column}")


class Checker:
    """Checks mappings against SHAPES; enums are read from schemas/."""

    def __init__(self, schemas_dir: Path):
        self.schemas_dir = schemas_dir
        self._enums: dict = {}

    def enum(self, table: str, column: str) -> list[str]:
        key = (table, column)
        if key not in self._enums:
            self._enums[key] = schema_enum(self.schemas_dir, table, column)
        return self._enums[key]

    def check(self, node, kind: str, what: str, where: tuple = (None, None)) -> None:
        """`where` (file, line) places a node that carries no position itself (text, a number, nothing)."""
        if not isinstance(node, yamlio.Mapping):
            file, line = getattr(node, "file", None) or where[0], getattr(node, "line", None) or where[1]
            raise BuildError(file, line, f"{what}: expected a mapping, found {found(node)}"[:300])
        shape = SHAPES[kind]
        for key in node:
            if key not in shape:
                close = difflib.get_close_matches(str(key), list(shape), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise BuildError(node.file, node.line_of(key), f"{what}: unknown key {key!r}{hint}; expected one of: {', '.join(shape)}")
        for key, (typ, required) in shape.items():
            if key not in node or node[key] is None:
                if required:
                    raise BuildError(node.file, node.line, f"{what}: missing required key {key!r}")
                continue
            self.check_value(node, key, typ, what)

    def check_value(self, node, key, typ, what):
        value, line = node[key], node.line_of(key)

        def bad(expected):
            raise BuildError(node.file, line, f"{what}: {key} must be {expected}, found {value!r}")

        if isinstance(typ, tuple):
            allowed = self.enum(typ[1], typ[2])
            if value not in allowed:
                close = difflib.get_close_matches(str(value), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise BuildError(node.file, line, f"{what}: {key} must be one of {', '.join(allowed)}; found {value!r}{hint}")
        elif typ == "str":
            if not isinstance(value, str) or not value.strip():
                bad("non-empty text")
        elif typ == "slug":
            if not isinstance(value, str) or not SLUG.match(value):
                bad("a slug of lower-case letters, digits and single hyphens (e.g. 'marco-rubio')")
        elif typ == "country":
            if not isinstance(value, str) or not COUNTRY.match(value):
                bad("an ISO 3166-1 alpha-2 code in capitals, quoted (e.g. 'US')")
        elif typ == "version":
            if not isinstance(value, str) or not VERSION.match(value):
                bad("a quoted version 'MAJOR.MINOR.PATCH' (e.g. '1.0.0')")
        elif typ == "qid":
            if not isinstance(value, str) or not QID.match(value):
                bad("a Wikidata id such as 'Q42'")
        elif typ == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                bad("a whole number ≥ 1")
        elif typ == "count":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                bad("a whole number ≥ 0 (a number the text states)")
        elif typ == "bool":
            if not isinstance(value, bool):
                bad("true or false")
        elif typ == "date":
            node[key] = parse_date(value, node.file, line, f"{what}: {key}")
        elif typ == "list":
            if not isinstance(value, list):
                bad("a list")
        elif typ == "map":
            if not isinstance(value, dict):
                bad("a mapping")


def found(value) -> str:
    """What a YAML value is, for messages: "a list ['a']", "text 'x'", "a number 42", "nothing"."""
    if value is None:
        return "nothing"
    kind = ("a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else "true/false" if isinstance(value, bool)
            else "a number" if isinstance(value, (int, float)) else "text" if isinstance(value, str) else type(value).__name__)
    return f"{kind} {value!r}"


def parse_date(value, file, line, what) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as err:
            raise BuildError(file, line, f"{what} must be a real date YYYY-MM-DD, found {value!r} ({err})") from None
    raise BuildError(file, line, f"{what} must be a date YYYY-MM-DD, found {value!r}")


def read_article(path: Path, display: str) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise BuildError(display, 1, "the article starts with a UTF-8 byte-order mark; expected plain UTF-8 (copy the seed byte for byte)")
    if b"\r" in raw:
        line = raw[: raw.index(b"\r")].count(b"\n") + 1
        raise BuildError(display, line, "the article has CR (\\r) line ends; expected LF only (copy the seed byte for byte)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BuildError(display, raw[: err.start].count(b"\n") + 1, f"the article is not valid UTF-8 ({err.reason})") from None


def load_actors(path: Path, display: str, checker: Checker) -> list:
    actors = yamlio.load(path, display)
    if not isinstance(actors, list):
        raise BuildError(display, 1, f"expected a list of actors, found {type(actors).__name__}")
    seen: dict = {}
    for i, actor in enumerate(actors):
        checker.check(actor, "actor", f"actor #{i + 1}", (display, actors.lines[i]))
        if actor["id"] in seen:
            raise BuildError(display, actor.line_of("id"), f"duplicate actor id {actor['id']!r} (first at line {seen[actor['id']]})")
        seen[actor["id"]] = actor.line_of("id")
        aliases = actor["aliases"]
        if not aliases:
            raise BuildError(display, actor.line_of("aliases"), f"actor {actor['id']!r}: aliases must list at least one form from the articles")
        for j, alias in enumerate(aliases):
            if not isinstance(alias, str) or not alias.strip() or alias != alias.strip():
                raise BuildError(display, aliases.lines[j], f"actor {actor['id']!r}: alias must be non-empty text without surrounding spaces, found {alias!r}")
    return actors


def load_releases(path: Path, display: str, checker: Checker) -> list:
    """seeds/releases.yaml: the releases, oldest first; the newest is the version to build."""
    releases = yamlio.load(path, display)
    if not isinstance(releases, list) or not releases:
        raise BuildError(display, 1, "expected a non-empty list of releases (version, date, notes), oldest first")
    previous = None
    for i, rel in enumerate(releases):
        checker.check(rel, "release", f"release #{i + 1}", (display, releases.lines[i]))
        key = tuple(int(p) for p in rel["version"].split("."))
        if previous and key <= previous[0]:
            raise BuildError(display, rel.line_of("version"), f"versions must increase: {rel['version']} comes after {previous[1]}")
        if previous and rel["date"] < previous[2]:
            raise BuildError(display, rel.line_of("date"), f"release date {rel['date']} is before the previous release's {previous[2]}")
        previous = (key, rel["version"], rel["date"])
    return releases


def load_annotation(path: Path, display: str, seeds_dir: Path, checker: Checker):
    """Read one article's annotation; check its shape and that the article is the one annotated."""
    ann = yamlio.load(path, display)
    checker.check(ann, "annotation", "annotation")
    m = ARTICLE_FILE.match(ann["article"])
    if not m:
        raise BuildError(display, ann.line_of("article"), f"article must be a seed file name like '004_a369d1b0aa72c426.txt', found {ann['article']!r}")
    if Path(display).stem != m.group(1):
        raise BuildError(display, ann.line_of("article"), f"annotation file {Path(display).name} must be named after its article {m.group(1)}.yaml")
    article_path = seeds_dir / ann["article"]
    if not article_path.is_file():
        raise BuildError(display, ann.line_of("article"), f"article {ann['article']} not found in {seeds_dir.name}/")
    text = read_article(article_path, f"{seeds_dir.name}/{ann['article']}")
    digest = hashlib.sha256(article_path.read_bytes()).hexdigest()
    if digest != ann["sha256"]:
        raise BuildError(
            display, ann.line_of("sha256"),
            f"article {ann['article']} changed since it was annotated: sha256 expected {ann['sha256']}, found {digest}",
        )
    checker.check(ann["published"], "published", "published")
    for key, kind in (("quotes", "quote"), ("events", "event"), ("designations", "designation"), ("exclusions", "exclusion")):
        items = ann.get(key) or []
        for i, item in enumerate(items):
            checker.check(item, kind, f"{key}[{i}]", (display, items.lines[i]))
            if kind == "event" and item.get("date") is not None:
                checker.check(item["date"], "date", f"{key}[{i}].date")
            evidence = item.get("evidence") or []
            for j, span in enumerate(evidence):
                if isinstance(span, dict):
                    checker.check(span, "span", f"{key}[{i}].evidence")
                elif not isinstance(span, str):
                    raise BuildError(display, evidence.lines[j], f"{key}[{i}].evidence: expected text (or a mapping with text and occurrence), found {found(span)}")
    if ann["status"] == "metadata_only" and any(ann.get(k) for k in ("quotes", "events", "designations", "exclusions")):
        raise BuildError(display, ann.line_of("status"), "status is metadata_only but the file has annotations; set status: complete")
    return ann, text, digest
