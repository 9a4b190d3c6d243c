"""Crosswalk from the local event and claim types to PLOVER 2.0 and ACLED (schemas/crosswalk.json),
and ACLED-style precision codes derived from the events table.

    >>> from cartel_campaign import crosswalk
    >>> cw = crosswalk.load_crosswalk("schemas/crosswalk.json")
    >>> crosswalk.check_crosswalk(cw, event_types, claim_types)   # [] when complete and valid
    >>> rows = crosswalk.crosswalk_rows(cw)                       # rows of the crosswalk table
    >>> crosswalk.time_precision("day"), crosswalk.geo_precision("the Caribbean", None)
    (1, 3)

Standard library only: importing it costs nothing.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

#: scheme_table -> the key of its list in crosswalk["mappings"]
SCHEME_TABLES = ("events", "claims")
#: Columns of the published crosswalk table, in order (see schemas/crosswalk.schema.json).
COLUMNS = ("scheme_table", "local_type", "plover_type", "plover_mode", "acled_event_type", "acled_sub_event_type", "note")
MAPPING_KEYS = COLUMNS[1:]

#: time_precision: a range of at most this many days (both ends included) is "a week" (code 2).
WEEK_DAYS = 7
TIME_PRECISION = {"day": 1, "month": 3, "year": 3, "unknown": None}

#: geo_precision: words that make a location a sea, coast or multi-country region (code 3).
REGION_WORDS = ("sea", "ocean", "coast", "coasts", "waters", "gulf", "caribbean", "pacific", "atlantic", "america", "region")
#: Whole countries and territories named as a location (code 3), lower case, without "the".
AREAS = frozenset(
    {
        "antigua and barbuda", "argentina", "aruba", "bahamas", "barbados", "belize", "bolivia", "brazil",
        "canada", "chile", "colombia", "costa rica", "cuba", "curaçao", "dominica", "dominican republic",
        "ecuador", "el salvador", "grenada", "guatemala", "guyana", "haiti", "honduras", "jamaica", "mexico",
        "nicaragua", "panama", "paraguay", "peru", "puerto rico", "saint kitts and nevis", "saint lucia",
        "saint vincent and the grenadines", "suriname", "trinidad and tobago", "united states", "us", "u.s.",
        "usa", "uruguay", "venezuela", "virgin islands", "us virgin islands",
    }
)
PROXIMITY_WORDS = ("near", "outside", "off", "around", "close to", "nearby")

#: PLOVER's quad classes (cooperation/conflict x verbal/material) of its 2.0 event types: the table
#: "PLOVER quad categories" of the PLOVER README (openeventdata/PLOVER), with the types 2.0 renamed
#: (DEMAND -> REQUEST, DISAPPROVE -> ACCUSE) and those it dropped (INVESTIGATE, CRIME) left out.
PLOVER_QUAD = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal_cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), "material_cooperation"),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION"), "verbal_conflict"),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), "material_conflict"),
}


def _reject_duplicate_keys(pairs: list) -> dict:
    keys = [k for k, _ in pairs]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"duplicate key(s) {', '.join(map(repr, dupes))} in one JSON object")
    return dict(pairs)


def load_crosswalk(path: str | Path) -> dict:
    """Read the crosswalk file; a clear ValueError (file, line) for bad JSON or duplicate keys."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: line {e.lineno}, column {e.colno}: {e.msg}") from None
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


def _structure_problems(crosswalk: dict) -> list[str]:
    problems = []
    vocab = crosswalk.get("vocabularies")
    if not isinstance(vocab, dict) or not isinstance(vocab.get("plover"), dict) or not isinstance(vocab.get("acled"), dict):
        problems.append("vocabularies: expected an object with 'plover' and 'acled' objects (type -> list of modes / sub-event types)")
    mappings = crosswalk.get("mappings")
    if not isinstance(mappings, dict):
        return problems + ["mappings: expected an object with the lists 'events' and 'claims'"]
    for table in SCHEME_TABLES:
        if not isinstance(mappings.get(table), list):
            problems.append(f"mappings.{table}: expected a list of mappings, found {type(mappings.get(table)).__name__}")
    problems += [f"mappings.{t}: unknown scheme table (expected one of {', '.join(SCHEME_TABLES)})" for t in mappings if t not in SCHEME_TABLES]
    return problems


def _entry_problems(where: str, entry: dict, plover: dict, acled: dict) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}: expected an object, found {type(entry).__name__}"]
    problems = [f"{where}: unknown key {k!r} (expected {', '.join(MAPPING_KEYS)})" for k in entry if k not in MAPPING_KEYS]
    problems += [f"{where}: missing key {k!r} (use null for no equivalent)" for k in MAPPING_KEYS if k not in entry]
    ptype, pmode = entry.get("plover_type"), entry.get("plover_mode")
    atype, asub = entry.get("acled_event_type"), entry.get("acled_sub_event_type")
    if ptype is not None and ptype not in plover:
        problems.append(f"{where}: plover_type {ptype!r} is not a PLOVER event type ({', '.join(plover)})")
    elif pmode is not None and ptype is None:
        problems.append(f"{where}: plover_mode {pmode!r} given without a plover_type")
    elif pmode is not None and pmode not in plover[ptype]:
        problems.append(f"{where}: plover_mode {pmode!r} is not a mode of {ptype} ({', '.join(plover[ptype]) or 'it has none'})")
    if atype is not None and atype not in acled:
        problems.append(f"{where}: acled_event_type {atype!r} is not an ACLED event type ({', '.join(acled)})")
    elif asub is not None and atype is None:
        problems.append(f"{where}: acled_sub_event_type {asub!r} given without an acled_event_type")
    elif asub is not None and asub not in acled[atype]:
        problems.append(f"{where}: acled_sub_event_type {asub!r} is not a sub-event type of {atype} ({', '.join(acled[atype])})")
    note = entry.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        problems.append(f"{where}: note must be non-empty text or null")
    if None in (ptype, atype, asub) and not note:
        problems.append(f"{where}: a null plover_type, acled_event_type or acled_sub_event_type needs a note saying why")
    return problems


def check_crosswalk(crosswalk: dict, event_types, claim_types) -> list[str]:
    """Problems with the crosswalk: every local type mapped exactly once, no unknown local type,
    every value in the file's PLOVER/ACLED vocabularies, a note wherever there is no equivalent.
    Returns [] when all is well."""
    problems = _structure_problems(crosswalk)
    if problems:
        return problems
    plover, acled = crosswalk["vocabularies"]["plover"], crosswalk["vocabularies"]["acled"]
    expected = {"events": list(event_types), "claims": list(claim_types)}
    for table in SCHEME_TABLES:
        entries = crosswalk["mappings"][table]
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            local = entry.get("local_type") if isinstance(entry, dict) else None
            where = f"mappings.{table}[{i}] ({local})" if local else f"mappings.{table}[{i}]"
            problems += _entry_problems(where, entry, plover, acled)
            if local is None:
                continue
            if local in seen:
                problems.append(f"{where}: {local!r} is mapped twice (also at mappings.{table}[{seen[local]}])")
            seen.setdefault(local, i)
            if local not in expected[table]:
                problems.append(f"{where}: {local!r} is not a {table} type (expected one of {', '.join(expected[table])})")
        problems += [f"mappings.{table}: {t!r} is not mapped" for t in expected[table] if t not in seen]
    return problems


def crosswalk_rows(crosswalk: dict) -> list[dict]:
    """Rows of the published crosswalk table, events first, each list in file order."""
    return [
        {"scheme_table": table, **{k: entry.get(k) for k in MAPPING_KEYS}}
        for table in SCHEME_TABLES
        for entry in crosswalk["mappings"][table]
    ]


def is_missing(value) -> bool:
    """None, NaN, NaT and pandas.NA (whose comparisons raise) are missing (also used by cartel_campaign.ftm)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def _as_date(value) -> date | None:
    if is_missing(value):
        return None
    if hasattr(value, "date") and callable(value.date):  # datetime, pandas Timestamp
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def time_precision(date_precision: str, date_start=None, date_end=None) -> int | None:
    """ACLED-style time precision (1 day, 2 week or a few days, 3 month or longer) of an event row.

    day -> 1; range and window -> 2 if both bounds are given and at most 7 days apart (both included),
    else 3; month/year -> 3; unknown -> None (there is no date to qualify).
    """
    if date_precision in ("range", "window"):
        start, end = _as_date(date_start), _as_date(date_end)
        return 2 if start and end and (end - start).days + 1 <= WEEK_DAYS else 3
    if date_precision not in TIME_PRECISION:
        raise ValueError(f"date_precision: expected one of day, range, window, month, year, unknown; found {date_precision!r}")
    return TIME_PRECISION[date_precision]


def _blank(value) -> bool:
    return is_missing(value) or not str(value).strip()


def _normal_place(location: str) -> str:
    text = location.strip().lower().replace("\u2019", "'")
    return re.sub(r"^the\s+", "", text)


def geo_precision(location, country) -> int | None:
    """ACLED-style spatial precision (1 place, 2 near a place, 3 larger area) from events.location
    (free text) and events.country. None when the text places the event nowhere. Rules: see
    precision.geo_precision in schemas/crosswalk.json."""
    if _blank(location):
        return None if _blank(country) else 3
    place = _normal_place(str(location))
    words = re.findall(r"[a-z]+", place)
    if any(w in REGION_WORDS for w in words) or place in AREAS:
        return 3
    if any(place == w or place.startswith(w + " ") for w in PROXIMITY_WORDS):
        return 2
    return 1
