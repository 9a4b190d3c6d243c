"""YAML reading: plain data fast, line numbers only when an error is reported.

`load(path, display)` parses a file into plain dicts, lists and scalars (libyaml's parser when
available; duplicate keys refused; dates kept as text, so the build parses them and reports bad
ones). It returns a `Doc`: `.data` is the document, `.line(*path)` the line of the value at that
path (("quotes", 3, "text")), found by composing the document's nodes again only when asked, so a
large file never keeps a line-marked tree in memory.

Two ways to the same data: `plain_data` builds it in one pass over libyaml's parse events, for a
document that is plain (no anchors, aliases, tags or merge keys, no repeated key, shallow, short
values: what the guide's annotations are); for any other document it gives up and the careful way
runs: `check_bounds` on the tokens, then PyYAML's loader, whose errors name the line.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import BuildError

_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Bounds on what an annotation file may be: the guide needs none of anchors/aliases, little nesting, short texts.
MAX_BYTES = 2_000_000
MAX_DEPTH = 10
MAX_SCALAR = 5_000
#: Control characters that are never in a text file (tab, LF and CR are allowed).
BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OPEN = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def check_bounds(text: str, name: str) -> None:
    """Refuse, before building anything, what would make parsing unbounded or is not annotation text:
    binary characters, anchors and aliases, nesting deeper than MAX_DEPTH, scalars over MAX_SCALAR characters."""
    m = BINARY.search(text)
    if m:
        raise BuildError(name, text.count("\n", 0, m.start()) + 1,
                         f"a binary control character U+{ord(m.group()):04X}; expected plain text (no NUL or other control bytes)")
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_PARSER):
            line = token.start_mark.line + 1
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                kind = "an anchor" if isinstance(token, yaml.AnchorToken) else "an alias"
                raise BuildError(name, line, f"{kind} ({'&' if kind == 'an anchor' else '*'}{token.value}); expected plain values "
                                 "(anchors and aliases are not used in annotations: write the value out)")
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise BuildError(name, line, f"nesting deeper than {MAX_DEPTH} levels; expected the shapes of seeds/GUIDE.md")
            elif isinstance(token, _CLOSE):
                depth -= 1
            elif isinstance(token, yaml.ScalarToken) and len(token.value) > MAX_SCALAR:
                raise BuildError(name, line, f"a value of {len(token.value)} characters; expected at most {MAX_SCALAR}")
    except yaml.MarkedYAMLError:
        return  # a syntax error: the parser reports it with its own wording


_SCALAR = {  # a plain scalar's resolved tag -> its value, as the safe loader constructs it (dates stay text)
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:timestamp": str,
    "tag:yaml.org,2002:null": lambda value: None,
    **{f"tag:yaml.org,2002:{kind}": (lambda f: lambda value: f(yaml.ScalarNode("", value)))(
        getattr(yaml.constructor.SafeConstructor(), f"construct_yaml_{kind}")) for kind in ("bool", "int", "float")},
}
_RESOLVE = yaml.resolver.Resolver().resolve
_NOT_PLAIN = object()


_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers  # first character -> the implicit types a plain scalar so starting may have
assert None not in _IMPLICIT and not yaml.resolver.Resolver.yaml_path_resolvers  # what _scalar's shortcut relies on
_ScalarEvent, _MappingStart, _SequenceStart, _MappingEnd, _SequenceEnd = (
    yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent)


class _NotPlain(Exception):
    """Something plain_data does not build (check_bounds and the loader judge it, with their messages)."""


def plain_data(text: str):
    """The document built from libyaml's events in one pass, or _NOT_PLAIN where the document is not
    plain (anything check_bounds or the loader would have to judge: then they do, with their messages)."""
    if BINARY.search(text):
        return _NOT_PLAIN
    parser = _PARSER(text)
    try:
        get = parser.get_event
        get()  # the stream's start
        if type(get()) is yaml.StreamEndEvent:  # no document: comments only
            return None
        root = _node(get, get(), 0)  # the event after the document's start
        get()  # the document's end
        if type(get()) is not yaml.StreamEndEvent:  # a second document
            return _NOT_PLAIN
        return root
    except (_NotPlain, yaml.YAMLError):
        return _NOT_PLAIN
    finally:
        parser.dispose()


def _node(get, event, depth: int):
    """The value that starts with event (depth: the mappings and lists it is inside), read to its end."""
    kind = type(event)
    if kind is _ScalarEvent:
        return _scalar(event)
    if (kind is not _MappingStart and kind is not _SequenceStart) or event.anchor is not None or event.tag is not None or depth >= MAX_DEPTH:
        raise _NotPlain
    depth += 1
    if kind is _SequenceStart:
        items = []
        while True:
            event = get()
            if type(event) is _SequenceEnd:
                return items
            items.append(_scalar(event) if type(event) is _ScalarEvent else _node(get, event, depth))
    mapping = {}
    while True:
        event = get()
        if type(event) is _MappingEnd:
            return mapping
        if type(event) is not _ScalarEvent:  # a key that is a list, a mapping or an alias
            raise _NotPlain
        key = _scalar(event)
        if key in mapping:  # a repeated key: the loader names both lines
            raise _NotPlain
        event = get()
        mapping[key] = _scalar(event) if type(event) is _ScalarEvent else _node(get, event, depth)


def _scalar(event):
    """A scalar's value, as the safe loader constructs it (dates stay text)."""
    value = event.value
    if event.anchor is not None or event.tag is not None or len(value) > MAX_SCALAR:
        raise _NotPlain
    implicit = event.implicit
    if not implicit[0] or value[:1] not in _IMPLICIT:  # quoted, or no implicit type starts so: text (as the resolver says)
        return value
    convert = _SCALAR.get(_RESOLVE(yaml.ScalarNode, value, implicit))
    if convert is None:  # a merge key (<<) or the like
        raise _NotPlain
    return convert(value)


class _Loader(_PARSER):
    """Safe loading; a mapping with a repeated key is an error; timestamps stay text."""


def _mapping(loader, node):
    loader.flatten_mapping(node)
    out, first = {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise _Duplicate(key, key_node.start_mark.line + 1, first[key])
        first[key] = key_node.start_mark.line + 1
        out[key] = loader.construct_object(value_node, deep=True)
    return out


class _Duplicate(Exception):
    def __init__(self, key, line, first):
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


_UNPARSED = object()


class Doc:
    """A parsed YAML file: its data, and the line of any value in it (computed on demand).

    Pickled (a worker's result, an article kept between builds) without the parsed data: the text
    holds it, and it is parsed again only if the unpickled Doc's data is asked for."""

    def __init__(self, file: str, text: str, data, source: Path | None = None):
        self.file, self._text, self._data, self._root, self.source = file, text, data, None, source

    @property
    def data(self):
        if self._data is _UNPARSED:
            self._data = _parse(self.file, self._text)
        return self._data

    def __getstate__(self) -> dict:
        return {"file": self.file, "_text": self._text, "source": self.source}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _data=_UNPARSED, _root=None)

    def line(self, *path) -> int:
        """1-based line of the value at path; where a key or index is absent, of the deepest node found."""
        if self._root is None:
            self._root = yaml.compose(self._text, Loader=_PARSER)
        node = self._root
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                child = node.value[step]
            if child is None:
                break
            node = child
        return node.start_mark.line + 1 if node is not None else 1

    def error(self, path: tuple, message: str) -> BuildError:
        return BuildError(self.file, self.line(*path), message)


def load(path: Path, display: str | None = None) -> Doc:
    """Parse a YAML file; errors name the file and line."""
    name = display or str(path)
    with open(path, "rb") as f:
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise BuildError(name, None, f"the file is larger than {MAX_BYTES} bytes; expected an annotation")
    if not raw.strip():
        raise BuildError(name, 1, "the file is empty (expected a YAML mapping)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BuildError(name, raw[: err.start].count(b"\n") + 1, f"not UTF-8 ({err})") from None
    return _doc(name, text, _parse(name, text), path)


def _parse(name: str, text: str):
    """The document in text (decoded, within MAX_BYTES); errors name the file (name) and line."""
    data = plain_data(text)
    if data is not _NOT_PLAIN:
        return data
    check_bounds(text, name)
    try:
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError:  # the pure-Python parser words syntax errors better
            yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506
            raise
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        where = ""
        if err.context and err.context_mark and mark and err.context_mark.line != mark.line:
            where = f" ({err.context} started at line {err.context_mark.line + 1})"
        raise BuildError(name, line, f"YAML syntax error: {err.problem or err}{where}") from None
    except _Duplicate as dup:
        raise BuildError(name, dup.line, f"duplicate key {dup.key!r} (first at line {dup.first})") from None
    return data


def _doc(name: str, text: str, data, path: Path) -> Doc:
    if data is None:  # only comments
        raise BuildError(name, 1, "the file is empty (expected a YAML mapping)")
    return Doc(name, text, data, Path(path))
