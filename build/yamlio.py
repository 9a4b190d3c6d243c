"""YAML reading that remembers line numbers, refuses duplicate keys and keeps dates as text.

A mapping comes back as a `Mapping` (a dict with .file, .line and .lines[key]);
a sequence as a `Sequence` (a list with .file, .line and .lines[i]).
"""
from __future__ import annotations

from pathlib import Path

import yaml

from errors import BuildError


class Mapping(dict):
    file: str
    line: int
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class Sequence(list):
    file: str
    line: int
    lines: list


def _loader_for(path: str, base=yaml.SafeLoader):
    class Loader(base):
        pass

    def mapping(loader, node):
        out = Mapping()
        out.file, out.line, out.lines = path, node.start_mark.line + 1, {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                raise BuildError(path, key_node.start_mark.line + 1, f"duplicate key {key!r} (first at line {out.lines[key]})")
            out[key] = loader.construct_object(value_node, deep=True)
            out.lines[key] = value_node.start_mark.line + 1
        return out

    def sequence(loader, node):
        out = Sequence(loader.construct_object(n, deep=True) for n in node.value)
        out.file, out.line, out.lines = path, node.start_mark.line + 1, [n.start_mark.line + 1 for n in node.value]
        return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    # Dates stay strings: the build parses them and reports bad ones with file and line.
    Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)
    return Loader


FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(path: Path, display: str | None = None):
    """Parse a YAML file; errors name the file and line."""
    name = display or str(path)
    raw = Path(path).read_bytes()
    if not raw.strip():
        raise BuildError(name, 1, "the file is empty (expected a YAML mapping)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BuildError(name, raw[: err.start].count(b"\n") + 1, f"not UTF-8 ({err})") from None
    try:
        try:  # libyaml's parser when available (same nodes and marks, several times faster) ...
            data = yaml.load(text, Loader=_loader_for(name, FAST))  # noqa: S506 - SafeLoader subclass
        except yaml.MarkedYAMLError:  # ... but the pure-Python parser words syntax errors better
            data = yaml.load(text, Loader=_loader_for(name))  # noqa: S506
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        where = ""
        if err.context and err.context_mark and mark and err.context_mark.line != mark.line:
            where = f" ({err.context} started at line {err.context_mark.line + 1})"
        raise BuildError(name, line, f"YAML syntax error: {err.problem or err}{where}") from None
    if data is None:  # only comments
        raise BuildError(name, 1, "the file is empty (expected a YAML mapping)")
    return data
