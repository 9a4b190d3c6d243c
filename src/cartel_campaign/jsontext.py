"""JSON text of Arrow columns, a whole column at a time: the exports that write JSON lines (deltas, PLOVER) build
each line from its columns' encoded values instead of turning every row into Python objects.

`encode(array)` gives, for each value, exactly what `json.dumps(value, ensure_ascii=False, sort_keys=True)` gives
for it as a Python value (dates and times as their ISO strings, missing values as null); `join` and `obj` put
encoded columns and literal text together row by row, the way json.dumps lays out an object with sorted keys.
"""
from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc

#: Characters json.dumps(ensure_ascii=False) escapes in a string: control characters, the quotation mark, the backslash.
ESCAPED = r'[\x00-\x1f"\\]'


def dumps(value) -> str:
    """One Python value as JSON text (the one formatting of every export line)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def same_json(value, text: str) -> bool:
    """Whether a parsed JSON value is the one `text` holds, value for value and type for type (true is not 1,
    1.0 is not 1, as Python's == would have them); any formatting (spacing, key order, escapes) is the same."""
    return dumps(value) == dumps(json.loads(text))


def iso(value):
    """A date or time as its ISO string; any other value as it is."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _strings(array: pa.Array) -> pa.Array:
    """Strings quoted; only those with a character to escape go through json.dumps."""
    out = pc.binary_join_element_wise('"', array, '"', "")
    escape = pc.fill_null(pc.match_substring_regex(array, ESCAPED), False)
    if pc.any(escape).as_py():
        out = pc.replace_with_mask(out, escape, pa.array([dumps(v) for v in array.filter(escape).to_pylist()], out.type))
    return out


def encode(array) -> pa.Array:
    """Each value of an Arrow column (array or chunked array) as JSON text; null as null."""
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        out = _strings(pc.cast(array, pa.string()))
    elif pa.types.is_integer(kind):
        out = pc.cast(array, pa.string())
    elif pa.types.is_boolean(kind):
        out = pc.if_else(array, "true", "false")
    elif pa.types.is_date32(kind):
        out = pc.binary_join_element_wise('"', pc.cast(array, pa.string()), '"', "")
    else:  # anything else a value at a time, as json.dumps gives it
        return pa.array([dumps(iso(v)) for v in array.to_pylist()], pa.string())
    return pc.fill_null(pc.cast(out, pa.string()), "null")


def join(*parts) -> pa.Array:
    """Row by row, the parts (encoded columns, or text the same on every row) one after the other."""
    return pc.binary_join_element_wise(*parts, "")


def obj(fields: dict) -> list:
    """The parts of a JSON object row by row: {name: encoded column or text}, keys sorted as json.dumps sorts them."""
    parts = ["{"]
    for n, name in enumerate(sorted(fields)):
        parts += [("" if n == 0 else ", ") + dumps(name) + ": ", fields[name]]
    return parts + ["}"]


def write(handle, lines: pa.Array) -> None:
    """Write the lines (each ending with a newline) to a file open for bytes, as UTF-8, without making them Python."""
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    if len(lines):
        whole = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines), "")
        handle.write(whole[0].as_buffer())
