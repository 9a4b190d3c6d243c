"""YAML reading: plain data fast, line numbers only when an error is reported.

`load(path, display)` parses a file into plain dicts, lists and scalars (libyaml's parser when
available; duplicate keys refused; dates kept as text, so the build parses them and reports bad
ones). It returns a `Doc`: `.data` is the document, `.line(*path)` the line of the value at that
path (("quotes", 3, "text")), found by composing the document's nodes again only when asked, so a
large file never keeps a line-marked tree in memory.
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


class Doc:
    """A parsed YAML file: its data, and the line of any value in it (computed on demand)."""

    def __init__(self, file: str, text: str, data):
        self.file, self._text, self.data, self._root = file, text, data, None

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
    if data is None:  # only comments
        raise BuildError(name, 1, "the file is empty (expected a YAML mapping)")
    return Doc(name, text, data)
