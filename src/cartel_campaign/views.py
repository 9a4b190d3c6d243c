"""The analysis-ready views of a release (derived tables, since 1.2.0): the joins researchers make by hand,
computed once from the other tables. The build writes them like any table; `validate` recomputes them with
these same functions and compares (rules events-wide-recomputed, claims-wide-recomputed, dyads-recomputed).

* events_wide  one row per event, ACLED-style: dates and precision, the type with its PLOVER and ACLED
               codes (crosswalk), actor1 (agents) and actor2 (targets) with names, the other roles,
               place, fatalities, attribution, the article, and how many articles report the same event;
* claims_wide  one row per claim: claimant and target with names, type and mode with PLOVER codes,
               speech, polarity, modality, the quote texts and the evidence text;
* dyads        one row per source -> target act (events: agent -> target; claims: claimant -> target),
               in PLOVER's actor/recipient form with its quad class.

Each view is `view(tables, schema) -> pa.Table`: `tables` maps a table name to its Arrow table, `schema` is the
view's Arrow schema (its columns in order, their types). The views are computed a column at a time with Arrow
compute and numpy; only the events' same_event_as chains are followed in Python (a list per events column).
A lookup (names, titles, crosswalk codes, quote texts) takes the last row of a key, as a dict filled row by row
would. Several values in one cell are joined with SEP in the order of the source table, None values skipped,
and the cell is None when nothing is left.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import crosswalk

#: Separator of several ids, names or texts in one cell.
SEP = " | "
#: The views, in the order the release lists them, with the tables each is computed from.
SOURCES = {
    "events_wide": ("events", "event_actors", "actors", "crosswalk", "articles"),
    "claims_wide": ("claims", "claim_quotes", "quotes", "actors", "crosswalk", "evidence"),
    "dyads": ("events", "event_actors", "claims", "actors", "crosswalk"),
}
#: event_actors roles that make actor1 (the source) and actor2 (the recipient) of an event.
SOURCE_ROLE, TARGET_ROLE = "agent", "target"
#: The events columns events_wide carries as they are.
EVENT_COLUMNS = ("event_id", "event_type", "status", "date_start", "date_end", "date_precision", "time_precision", "summary", "location",
                 "country", "geo_precision", "fatalities", "fatalities_cumulative", "fatalities_qualifier", "attribution",
                 "source_actor_id", "article_id")
#: The claims columns claims_wide carries as they are.
CLAIM_COLUMNS = ("claim_id", "claimant_actor_id", "claimant_basis", "target_actor_id", "claim_type", "claim_mode", "speech", "polarity",
                 "modality", "summary", "date_start", "date_end", "date_precision", "about_event_id", "about_designation_id", "article_id")


class ViewError(ValueError):
    """A view that cannot be given the schema asked for (other columns, or a type its values do not cast to)."""


# ------------------------------------------------------------------ column helpers ----

def _array(values) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _take(values, rows: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """values at `rows` (None where `missing`)."""
    return _array(values.take(pa.array(rows, pa.int64(), mask=missing)))


def _lookup(needles, keys, values) -> pa.Array:
    """For each needle, the value of the last row whose key equals it (None where no row's does)."""
    n = len(keys)
    from_end = pc.index_in(needles, value_set=_take(keys, np.arange(n - 1, -1, -1)))  # the first match from the end
    return _array(values.take(pc.subtract(pa.scalar(n - 1, pa.int64()), pc.cast(from_end, pa.int64()))))


def _codes(keys, distinct: pa.Array) -> np.ndarray:
    """Each key's position in `distinct` (-1 for a key not in it)."""
    return _array(pc.fill_null(pc.cast(pc.index_in(keys, value_set=distinct), pa.int64()), -1)).to_numpy()


def _by_key(codes: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of each key (code >= 0) in row order: (the rows, key after key; where each key's rows start; how many)."""
    rows = np.flatnonzero(codes >= 0)
    rows = rows[np.argsort(codes[rows], kind="stable")]
    counts = np.bincount(codes[rows], minlength=n_keys)
    return rows, np.cumsum(counts) - counts, counts


def _joined(needles, keys, values) -> pa.Array:
    """For each needle, the values (None skipped) of the rows whose key equals it, joined with SEP in row order;
    None where there are none."""
    kept = _array(pc.is_valid(values))
    keys, values = keys.filter(kept), values.filter(kept)
    distinct = _array(pc.unique(keys))
    rows, starts, _ = _by_key(_codes(keys, distinct), len(distinct))
    offsets = pa.array(np.append(starts, len(rows)), pa.int32())
    lists = pa.ListArray.from_arrays(offsets, _take(values, rows))
    return _array(pc.binary_join(lists, SEP).take(pc.index_in(needles, value_set=distinct)))


def _is(values, text: str) -> pa.Array:
    """values == text (None: False)."""
    return _array(pc.fill_null(pc.equal(values, text), False))


def _names(tables: dict, actor_ids) -> pa.Array:
    actors = tables["actors"]
    return _lookup(actor_ids, actors["actor_id"], actors["name"])


def _crosswalk(tables: dict, scheme_table: str, local_types, column: str) -> pa.Array:
    """The crosswalk's `column` for each local type of `scheme_table`."""
    cw = tables["crosswalk"]
    cw = cw.filter(_is(cw["scheme_table"], scheme_table))
    return _lookup(local_types, cw["local_type"], cw[column])


def _table(columns: dict, schema: pa.Schema) -> pa.Table:
    """The view's columns as a table of `schema` (one chunk, as the build's tables are)."""
    if sorted(columns) != sorted(schema.names):
        raise ViewError(f"its columns are {schema.names}, the view computes {list(columns)}")
    arrays = []
    for field in schema:
        values = columns[field.name]
        if _kind_changes(values.type, field.type):
            raise ViewError(f"column {field.name} is {field.type}, the view computes {values.type} (a value of another kind)")
        try:
            arrays.append(_array(values).cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
            raise ViewError(f"column {field.name} is {field.type}, the view computes {values.type} ({err})") from None
    return pa.Table.from_arrays(arrays, schema=schema)


def _kind(kind: pa.DataType) -> str:
    """A type's kind of value, as Python compares them (1 == 1.0 == True; "1" != 1; a date is not a datetime)."""
    t = pa.types
    if t.is_string(kind) or t.is_large_string(kind):
        return "text"
    if t.is_integer(kind) or t.is_floating(kind) or t.is_decimal(kind) or t.is_boolean(kind):
        return "number"
    if t.is_date(kind):
        return "date"
    return str(kind)


def _kind_changes(computed: pa.DataType, wanted: pa.DataType) -> bool:
    """Whether casting gives the value another kind (a number made text, a date made a timestamp, ...): the release's
    view would hold "2" where the recompute gives 2, and compare equal once cast (a null column takes any type)."""
    return not pa.types.is_null(computed) and _kind(computed) != _kind(wanted)


# ------------------------------------------------------------------ events_wide ----

def event_groups(event_ids: list, same_event_as: list) -> dict:
    """event id -> the id of the first report of the same event (following same_event_as to its end; a cycle
    stops where it comes back)."""
    link = dict(zip(event_ids, same_event_as))
    root = {}
    for eid in link:
        seen, cur = {eid}, eid
        while link.get(cur) is not None and link[cur] not in seen:
            cur = link[cur]
            seen.add(cur)
        root[eid] = cur
    return root


def _reports(events: pa.Table) -> tuple[list, list, list]:
    """For each event: its same_event_group, the articles reporting the group (sorted, joined with SEP) and how many
    (a Python pass over the events' ids, same_event_as and article ids)."""
    ids, articles = events["event_id"].to_pylist(), events["article_id"].to_pylist()
    root = event_groups(ids, events["same_event_as"].to_pylist())
    reported: dict = {}
    for eid, article in zip(ids, articles):
        reported.setdefault(root[eid], set()).add(article)
    joined = {group: SEP.join(sorted(a for a in arts if a is not None)) or None for group, arts in reported.items()}
    groups = [root[eid] for eid in ids]
    return groups, [joined[g] for g in groups], [len(reported[g]) for g in groups]


def events_wide(tables: dict, schema: pa.Schema) -> pa.Table:
    events, roles = tables["events"], tables["event_actors"]
    ids = events["event_id"]
    agent, target = _is(roles["role"], SOURCE_ROLE), _is(roles["role"], TARGET_ROLE)
    other = pc.invert(pc.or_(agent, target))
    names = _names(tables, roles["actor_id"])
    other_text = pc.binary_join_element_wise(pc.fill_null(roles["role"], "None"), pc.fill_null(roles["actor_id"], "None"), ":")

    def of_role(mask, values):
        return _joined(ids, roles["event_id"].filter(mask), values.filter(mask))

    def codes(column):
        return _crosswalk(tables, "events", events["event_type"], column)

    groups, reported_in, n_reporting = _reports(events)
    articles = tables["articles"]
    return _table({
        **{c: events[c] for c in EVENT_COLUMNS},
        "plover_type": codes("plover_type"), "plover_mode": codes("plover_mode"),
        "acled_event_type": codes("acled_event_type"), "acled_sub_event_type": codes("acled_sub_event_type"),
        "actor1_ids": of_role(agent, roles["actor_id"]), "actor1_names": of_role(agent, names),
        "actor2_ids": of_role(target, roles["actor_id"]), "actor2_names": of_role(target, names),
        "other_actors": of_role(other, other_text),
        "source_actor_name": _names(tables, events["source_actor_id"]),
        "article_title": _lookup(events["article_id"], articles["article_id"], articles["title"]),
        "same_event_group": pa.array(groups, pa.string()), "reported_in": pa.array(reported_in, pa.string()),
        "n_reporting_articles": pa.array(n_reporting, pa.int64()),
    }, schema)


# ------------------------------------------------------------------ claims_wide ----

def claims_wide(tables: dict, schema: pa.Schema) -> pa.Table:
    claims, links, quotes, evidence = tables["claims"], tables["claim_quotes"], tables["quotes"], tables["evidence"]
    ids = claims["claim_id"]
    on_claims = evidence.select(["record_id", "text"]).filter(_is(evidence["record_table"], "claims"))

    def codes(column):
        return _crosswalk(tables, "claims", claims["claim_type"], column)

    return _table({
        **{c: claims[c] for c in CLAIM_COLUMNS},
        "claimant_name": _names(tables, claims["claimant_actor_id"]), "target_name": _names(tables, claims["target_actor_id"]),
        "plover_type": codes("plover_type"), "plover_mode": codes("plover_mode"),
        "quote_ids": _joined(ids, links["claim_id"], links["quote_id"]),
        "quote_texts": _joined(ids, links["claim_id"], _lookup(links["quote_id"], quotes["quote_id"], quotes["text"])),
        "evidence_text": _joined(ids, on_claims["record_id"], on_claims["text"]),
    }, schema)


# ------------------------------------------------------------------ dyads ----

def _dyad_ids(record_ids, sources, targets) -> pa.Array:
    """Each dyad's id, '<record id>/<source>-><target>', with '?' for a side nobody fills (an empty text or None)."""
    def side(values):
        return pc.fill_null(pc.if_else(_is(values, ""), pa.scalar("?"), values), "?")
    return pc.binary_join_element_wise(pc.fill_null(record_ids, "None"), "/", side(sources), "->", side(targets), "")


def _event_pairs(events: pa.Table, roles: pa.Table) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """Every event's agent x target pairs, event after event, agents then targets in event_actors order: (the event's
    row, the agent, the target); an event without agents (targets) has one pair with the agent (target) None."""
    distinct = _array(pc.unique(events["event_id"]))
    event_code = _codes(events["event_id"], distinct)
    role_codes = _codes(roles["event_id"], distinct)
    sides = []
    for role in (SOURCE_ROLE, TARGET_ROLE):
        rows, starts, counts = _by_key(np.where(_array(_is(roles["role"], role)).to_numpy(zero_copy_only=False), role_codes, -1), len(distinct))
        sides.append((rows, starts[event_code], counts[event_code]))
    (s_rows, s_start, s_n), (t_rows, t_start, t_n) = sides
    n_pairs = np.maximum(s_n, 1) * np.maximum(t_n, 1)
    event = np.repeat(np.arange(len(event_code)), n_pairs)
    k = np.arange(len(event)) - np.repeat(np.cumsum(n_pairs) - n_pairs, n_pairs)  # the pair's number within its event
    per_target = np.maximum(t_n, 1)[event]

    def actors(rows, start, n, nth):
        none = n[event] == 0
        at = np.where(none, 0, start[event] + nth)
        return _take(roles["actor_id"], rows[at] if len(rows) else np.zeros(len(at), np.int64), none)

    return event, actors(s_rows, s_start, s_n, k // per_target), actors(t_rows, t_start, t_n, k % per_target)


def _acts(table: pa.Table, record_table: str, id_column: str, type_column: str) -> dict:
    return {"record_table": pa.repeat(pa.scalar(record_table, pa.string()), table.num_rows),
            "record_id": table[id_column], "article_id": table["article_id"], "date_start": table["date_start"], "date_end": table["date_end"],
            "local_type": table[type_column]}


def dyads(tables: dict, schema: pa.Schema) -> pa.Table:
    events, claims = tables["events"], tables["claims"]
    event, sources, targets = _event_pairs(events, tables["event_actors"])
    acts = events.select(["event_id", "event_type", "article_id", "date_start", "date_end"]).take(pa.array(event, pa.int64()))
    ev = {**_acts(acts, "events", "event_id", "event_type"), "actor_id": sources, "recipient_id": targets,
          "plover_type": _crosswalk(tables, "events", acts["event_type"], "plover_type"),
          "plover_mode": _crosswalk(tables, "events", acts["event_type"], "plover_mode"), "polarity": pa.nulls(len(event), pa.string())}
    own_mode = pc.fill_null(pc.not_equal(claims["claim_mode"], ""), False)  # a claim's own mode, else the crosswalk's
    cl = {**_acts(claims, "claims", "claim_id", "claim_type"), "actor_id": claims["claimant_actor_id"], "recipient_id": claims["target_actor_id"],
          "plover_type": _crosswalk(tables, "claims", claims["claim_type"], "plover_type"),
          "plover_mode": pc.if_else(own_mode, claims["claim_mode"], _crosswalk(tables, "claims", claims["claim_type"], "plover_mode")),
          "polarity": claims["polarity"]}
    both = {c: pa.concat_arrays([_array(ev[c]), _array(cl[c])]) for c in ev}
    quad = list(crosswalk.PLOVER_QUAD.items())
    return _table({
        **both, "dyad_id": _dyad_ids(both["record_id"], both["actor_id"], both["recipient_id"]),
        "actor_name": _names(tables, both["actor_id"]), "recipient_name": _names(tables, both["recipient_id"]),
        "quad_class": _lookup(both["plover_type"], pa.array([p for p, _ in quad], pa.string()), pa.array([q for _, q in quad], pa.string())),
    }, schema)


#: view name -> the function computing it from the source tables.
COMPUTE = {"events_wide": events_wide, "claims_wide": claims_wide, "dyads": dyads}


def view_table(name: str, tables: dict, schema: pa.Schema) -> pa.Table:
    """View `name` computed from `tables` (at least its SOURCES), as a table of `schema`."""
    return COMPUTE[name](tables, schema)
