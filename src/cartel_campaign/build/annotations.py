"""Step 1: read seeds/actors.yaml, seeds/releases.yaml and seeds/<article>.yaml and check every
value against its declared shape (cartel_campaign.shapes) and its column in schemas/.

Every problem is a BuildError naming the file and line, what was expected and what was found.
A checked record comes back as (row values by column, the plain YAML mapping): the columns its
keys fill, with defaults applied and dates parsed; the derivation adds the computed columns.
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .. import records, shapes
from ..checks import pattern_body
from ..versioning import version_key
from ..safety import control_character, formula_rule
from ..shapes import Aid, Key, Nested, Rows, Shape
from . import yamlio
from .errors import BuildError

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Characters no annotated value may contain: controls, zero-width and bidirectional formatting.
INVISIBLE = re.compile("[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c\u00ad]")


def found(value) -> str:
    """What a YAML value is, for messages: "a list ['a']", "text 'x'", "a number 42", "nothing"."""
    if value is None:
        return "nothing"
    kind = ("a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else "true/false" if isinstance(value, bool)
            else "a number" if isinstance(value, (int, float)) else "text" if isinstance(value, str) else type(value).__name__)
    return f"{kind} {value!r}"


def text_problem(value: str) -> str | None:
    """Rule 'annotated text is clean': no surrounding spaces, no invisible characters, NFC."""
    if value != value.strip():
        return "leading or trailing spaces"
    m = INVISIBLE.search(value)
    if m:
        return f"an invisible or control character U+{ord(m.group()):04X} at position {m.start()}"
    if not unicodedata.is_normalized("NFC", value):
        return "text that is not in Unicode normal form NFC"
    return None


def cleaned(value: str) -> str:
    """What a value would be without the problems text_problem finds."""
    return unicodedata.normalize("NFC", INVISIBLE.sub("", value).strip())


def missing(doc: yamlio.Doc, path: tuple, node: dict, key: str, what: str):
    """The error for a required key that is absent, or present but empty (`key: ~`, as a draft leaves it to fill in):
    the second at the key's own line."""
    if key in node:
        return doc.error(path + (key,), f"{what}: {key!r} is empty (~) and required: fill it in (seeds/GUIDE.md)")
    return doc.error(path, f"{what}: missing required key {key!r}")


@dataclass
class Checker:
    """Checks YAML values against the shapes and the Table Schemas (`schemas`: table -> schema)."""

    schemas: dict

    def __post_init__(self):
        self._fields = {t: {f["name"]: f for f in s["fields"]} for t, s in self.schemas.items()}
        #: An article id ('004_a369d1b0aa72c426'): the pattern of articles.article_id, said once in schemas/.
        self.article_id = pattern_body(self.field("articles", "article_id")["constraints"]["pattern"])
        self.article_file = re.compile(f"({self.article_id})\\.txt")

    def field(self, table: str, column: str) -> dict:
        return self._fields[table][column]

    def enum(self, table: str, column: str) -> list[str]:
        return self.field(table, column)["constraints"]["enum"]

    def record(self, doc: yamlio.Doc, path: tuple, shape: Shape, what: str) -> tuple[dict, dict]:
        """Check the mapping at path against shape: (row values by column, the mapping)."""
        node = _get(doc.data, path)
        if not isinstance(node, dict):
            raise doc.error(path, f"{what}: expected a mapping, found {found(node)}"[:300])
        if not node.keys() <= shape.keys.keys():
            key = next(key for key in node if key not in shape.keys)
            close = difflib.get_close_matches(str(key), list(shape.keys), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise doc.error(path + (key,), f"{what}: unknown key {key!r}{hint}; expected one of: {', '.join(shape.keys)}")
        row: dict = {}
        columns = self._fields.get(shape.table)
        for key, kind in shape.keys.items():
            value = node.get(key)
            if isinstance(kind, Key):
                field = columns[kind.column]
                if value is None:
                    if kind.default is None and field.get("constraints", {}).get("required"):
                        raise missing(doc, path, node, key, what)
                    row[kind.column] = kind.default
                else:
                    row[kind.column] = self.value(doc, path + (key,), key, value, field, kind, what)
            elif value is None:
                if getattr(kind, "required", False):
                    raise missing(doc, path, node, key, what)
            elif isinstance(kind, Aid):
                self.aid(doc, path + (key,), key, value, kind, what)
            elif isinstance(kind, Nested):
                row.update(self.record(doc, path + (key,), kind.shape, f"{what}.{key}" if what != "annotation" else key)[0])
            elif isinstance(kind, Rows):
                want = dict if kind.table == "event_actors" else list
                if not isinstance(value, want):
                    raise doc.error(path + (key,), f"{what}: {key} must be {'a mapping' if want is dict else 'a list'}, found {found(value)}"[:300])
                if kind.required and not value:
                    raise doc.error(path + (key,), f"{what}: {key} needs at least one item")
        for key, kind in shape.keys.items():  # nested shapes fill defaults even when absent
            if isinstance(kind, Nested) and node.get(key) is None:
                row.update({k.column: kind.absent.get(k.column, k.default) for k in kind.shape.keys.values() if isinstance(k, Key)})
        return row, node

    def value(self, doc, path, key, value, field: dict, kind: Key, what: str):
        """One key's value, checked against its column: returns it (dates parsed)."""
        c = field.get("constraints", {})

        def bad(expected):
            raise doc.error(path, f"{what}: {key} must be {expected}, found {value!r}")

        if "enum" in c:
            if value not in c["enum"]:
                close = difflib.get_close_matches(str(value), c["enum"], n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self._normalization(doc, path, key, value, lambda v: v in c["enum"], what)
                raise doc.error(path, f"{what}: {key} must be one of {', '.join(c['enum'])}; found {value!r}{hint}")
            return value
        typ = field["type"]
        if typ == "string":
            pattern = c.get("pattern")
            if not isinstance(value, str) or not value.strip():
                bad(_expected_text(pattern))
            matches = _matcher(pattern)
            if not matches(value):
                self._normalization(doc, path, key, value, matches, what)
                bad(_expected_text(pattern))
            if not kind.verbatim:
                problem = text_problem(value)
                if problem:
                    raise doc.error(path, f"{what}: {key} has {problem}: {value!r}; expected {cleaned(value)!r}")
                problem = formula_rule(value)
                if problem:
                    raise doc.error(path, f"{what}: {key} {problem}")
            if len(value) < c.get("minLength", 0):
                bad(f"text of at least {c['minLength']} characters")
            return value
        if typ == "integer":
            if isinstance(value, bool) or not isinstance(value, int) or ("minimum" in c and value < c["minimum"]):
                bad("a whole number" + (f" ≥ {c['minimum']}" if "minimum" in c else ""))
            return value
        if typ == "boolean":
            if not isinstance(value, bool):
                bad("true or false")
            return value
        if typ == "date":
            return parse_date(value, doc, path, f"{what}: {key}")
        raise AssertionError(f"no check for type {typ}")

    def aid(self, doc, path, key, value, kind: Aid, what: str) -> None:
        if kind.type == "occurrence" and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise doc.error(path, f"{what}: {key} must be a whole number ≥ 1, found {value!r}")
        if kind.type == "article" and not (isinstance(value, str) and self.article_file.fullmatch(value)):
            raise doc.error(path, f"{key} must be a seed file name like '004_a369d1b0aa72c426.txt', found {value!r}")

    def _normalization(self, doc, path, key, value, valid, what) -> None:
        """A value valid but for whitespace, invisible characters or Unicode normalization: say so."""
        if isinstance(value, str) and cleaned(value) != value and valid(cleaned(value)):
            raise doc.error(path, f"{what}: {key} {value!r} differs from the valid {cleaned(value)!r} only by {text_problem(value)}")


def _expected_text(pattern: str | None) -> str:
    """What a text column holds, for messages: the pattern's help (shapes.PATTERN_HELP), or non-empty text."""
    if pattern is None:
        return "non-empty text"
    return shapes.PATTERN_HELP.get(pattern, f"text matching {pattern}")


@functools.lru_cache(maxsize=None)
def _matcher(pattern: str | None):
    """Whether a text matches a column's pattern as a whole (any text, without one); compiled once per pattern."""
    if pattern is None:
        return lambda v: True
    full = re.compile(pattern_body(pattern)).fullmatch
    return lambda v: full(v) is not None


def _get(data, path):
    """The value at path, or None where a key is absent."""
    for step in path:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def parse_date(value, doc, path, what) -> dt.date:
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as err:
            raise doc.error(path, f"{what} must be a real date YYYY-MM-DD, found {value!r} ({err})") from None
    raise doc.error(path, f"{what} must be a date YYYY-MM-DD, found {value!r}")


def read_article(path: Path, display: str) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise BuildError(display, 1, "the article starts with a UTF-8 byte-order mark; expected plain UTF-8 (copy the seed byte for byte)")
    if b"\r" in raw:
        line = raw[: raw.index(b"\r")].count(b"\n") + 1
        raise BuildError(display, line, "the article has CR (\\r) line ends; expected LF only (copy the seed byte for byte)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BuildError(display, raw[: err.start].count(b"\n") + 1, f"the article is not valid UTF-8 ({err.reason})") from None
    found_control = control_character(text)
    if found_control:
        line, column, message = found_control
        raise BuildError(display, line, message, column=column)
    return text


def load_actors(path: Path, display: str, checker: Checker) -> tuple[yamlio.Doc, list[dict]]:
    """The actor registry: (its Doc, the actors rows in file order); aliases checked for shape."""
    doc = yamlio.load(path, display)
    if not isinstance(doc.data, list):
        raise BuildError(display, 1, f"expected a list of actors, found {type(doc.data).__name__}")
    rows, seen = [], {}
    for i in range(len(doc.data)):
        row, node = checker.record(doc, (i,), shapes.ACTOR, f"actor #{i + 1}")
        if row["actor_id"] in seen:
            raise doc.error((i, "id"), f"duplicate actor id {row['actor_id']!r} (first at line {doc.line(seen[row['actor_id']], 'id')})")
        seen[row["actor_id"]] = i
        for j, alias in enumerate(node["aliases"]):
            if not isinstance(alias, str) or not alias.strip() or alias != alias.strip():
                raise doc.error((i, "aliases", j), f"actor {row['actor_id']!r}: alias must be non-empty text without surrounding spaces, found {alias!r}")
            problem = text_problem(alias)
            if problem:
                raise doc.error((i, "aliases", j), f"actor {row['actor_id']!r}: alias has {problem}: {alias!r}; expected {cleaned(alias)!r}")
        rows.append(row)
    return doc, rows


def load_releases(path: Path, display: str, checker: Checker) -> list[dict]:
    """seeds/releases.yaml: the releases, oldest first; the newest is the version to build."""
    doc = yamlio.load(path, display)
    if not isinstance(doc.data, list) or not doc.data:
        raise BuildError(display, 1, "expected a non-empty list of releases (version, date, notes), oldest first")
    releases, previous = [], None
    for i in range(len(doc.data)):
        rel, _ = checker.record(doc, (i,), shapes.RELEASE, f"release #{i + 1}")
        key = version_key(rel["version"])
        if previous and key <= previous[0]:
            raise doc.error((i, "version"), f"versions must increase: {rel['version']} comes after {previous[1]}")
        if previous and rel["date"] < previous[2]:
            raise doc.error((i, "date"), f"release date {rel['date']} is before the previous release's {previous[2]}")
        previous = (key, rel["version"], rel["date"])
        rel["line"] = doc.line(i, "version")
        releases.append(rel)
    for i, rel in enumerate(releases[:-1]):
        if rel["status"] == "draft":
            raise doc.error((i, "status"), f"only the newest release may be a draft; {rel['version']} is followed by "
                            f"{releases[i + 1]['version']}: set it to published")
    return releases


def load_corrections(path: Path, display: str, checker: Checker, releases: list[dict]) -> None:
    """seeds/corrections.yaml: each entry checked and attached to its release (rel["corrections"])."""
    by_version = {rel["version"]: rel for rel in releases}
    for rel in releases:
        rel["corrections"] = []
    if not path.is_file():
        return
    doc = yamlio.load(path, display)
    if not isinstance(doc.data, list):
        raise BuildError(display, 1, f"expected a list of corrections (version, table, record_id, what, why), found {found(doc.data)}"[:300])
    seen = {}
    for i in range(len(doc.data)):
        row, _ = checker.record(doc, (i,), shapes.CORRECTION, f"correction #{i + 1}")
        key = (row["version"], row["table"], row["record_id"])
        if row["version"] not in by_version:
            raise doc.error((i, "version"), f"correction #{i + 1}: version {row['version']} is not a release in seeds/releases.yaml")
        if key in seen:
            raise doc.error((i, "record_id"), f"correction #{i + 1}: {row['table']} {row['record_id']} is corrected twice in {row['version']} "
                            f"(first at line {seen[key]}); say it in one entry")
        seen[key] = doc.line(i, "record_id")
        by_version[row["version"]]["corrections"].append(dict(row, line=seen[key]))


@dataclass
class Annotation:
    """One article's checked annotation."""

    article_id: str
    doc: yamlio.Doc
    text: str
    sha256: str
    row: dict  # the articles row, less computed columns
    article_file: str  # the annotated article's file name in seeds/ (its `article:`)

    @property
    def data(self) -> dict:
        return self.doc.data

    @property
    def event_types(self) -> dict[str, str]:
        """event id -> event type, as annotated in this article."""
        return {e.get("id"): e.get("type") for e in self.data.get("events") or [] if isinstance(e, dict)}

    @property
    def local_ids(self) -> dict[str, list]:
        """The ids this article's annotation defines, per list key of a record table with ids."""
        return {r.list_key: [item.get("id") for item in self.data.get(r.list_key) or [] if isinstance(item, dict)]
                for r in records.annotated() if r.id_column}


def load_annotation(path: Path, display: str, seeds_dir: Path, checker: Checker) -> Annotation:
    """Read one article's annotation; check its shape and that the article is the one annotated."""
    doc = yamlio.load(path, display)
    row, ann = checker.record(doc, (), shapes.ANNOTATION, "annotation")
    stem = checker.article_file.fullmatch(ann["article"]).group(1)
    if Path(display).stem != stem:
        raise doc.error(("article",), f"annotation file {Path(display).name} must be named after its article {stem}.yaml")
    article_path = seeds_dir / ann["article"]
    if not article_path.is_file():
        raise doc.error(("article",), f"article {ann['article']} not found in {seeds_dir.name}/")
    text = read_article(article_path, f"{seeds_dir.name}/{ann['article']}")
    digest = hashlib.sha256(article_path.read_bytes()).hexdigest()
    if digest != row["sha256"]:
        raise doc.error(("sha256",), f"article {ann['article']} changed since it was annotated: sha256 expected {row['sha256']}, found {digest}")
    held = [r.list_key for r in records.annotated() if ann.get(r.list_key)]
    if held and row["annotation_status"] not in records.STATUSES_WITH_RECORDS:
        raise doc.error(("status",), f"status is {row['annotation_status']} but the file has annotations ({', '.join(held)}); set status: complete")
    return Annotation(stem, doc, text, digest, row, ann["article"])


def check_items(checker: Checker, ann: Annotation, key: str, shape: Shape):
    """Yield (index, row values, mapping) for each item of a list key (quotes, events, …), checked."""
    for i in range(len(ann.data.get(key) or [])):
        row, node = checker.record(ann.doc, (key, i), shape, f"{key}[{i}]")
        yield i, row, node


def evidence_items(checker: Checker, doc: yamlio.Doc, path: tuple, what: str):
    """Yield (text, occurrence, path of the text) for each evidence item at path (text, or a mapping with text and occurrence)."""
    for j, ev in enumerate(_get(doc.data, path) or []):
        if isinstance(ev, str):
            yield ev, None, path + (j,)
        elif isinstance(ev, dict):
            row, _ = checker.record(doc, path + (j,), shapes.SPAN, f"{what}.evidence")
            yield row["text"], ev.get("occurrence"), path + (j, "text")
        else:
            raise doc.error(path + (j,), f"{what}.evidence: expected text (or a mapping with text and occurrence), found {found(ev)}")
