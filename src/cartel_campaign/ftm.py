"""FollowTheMoney (FtM) export of the designations table.

    >>> from cartel_campaign import ftm
    >>> entities = ftm.designation_entities(ftm.release_tables("1.0.0"))
    >>> ftm.validate_entities(entities)          # [] when FtM accepts every entity
    >>> ftm.write_jsonl(entities, "designations.ftm.json")

Per designation row: one ``Sanction`` whose ``entity`` is the designated actor, the actor itself
(``Person``, ``Organization``, ``PublicBody`` or ``LegalEntity``, once however many designations
name it) and the source article (``Article``, the Sanction's ``proof``). Property choices:

- ``authority``: the designating actor's name, as the text names it; ``country``: that actor's
  country (the issuing state).
- ``program``: the designation type ("Foreign Terrorist Organization" / "Sanctions") with the legal
  basis exactly as the text states it, in brackets, where it states one. ``status``: "in effect"
  or "announced".
- ``listingDate`` <- announced_date (FtM: the date the designation is listed) and ``startDate``
  <- effective_date (FtM: the date it goes into effect); only dates the row has. A date whose
  year is inferred says so in ``description``.
- ``summary``: the evidence passages (the article's own words), in text order. ``reason`` (FtM:
  the designation's justification) is left out: the rows record no justification.
- ``description``: the annotator's note and date basis. ``recordId``: the designation_id.
- ``sourceUrl``/``publisher``: left out; the articles carry no URL and none is invented.

Ids are readable and stable: ``cartel-campaign-<kind>-<row id>`` (FtM's id alphabet: ``_`` -> ``-``).
Entities come sorted by id; ``write_jsonl`` writes sorted keys, so output is byte-deterministic.
``followthemoney`` is imported only inside the functions that need it (extras ``build``/``dev``).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .crosswalk import is_missing

NAMESPACE = "cartel-campaign"
#: Tables designation_entities reads.
TABLES = ("designations", "actors", "actor_aliases", "articles", "evidence")

#: actors.actor_type -> FtM schema of a designated actor (LegalEntity where none fits surely).
SCHEMA_BY_ACTOR_TYPE = {
    "person": "Person",
    "criminal_organization": "Organization",
    "media": "Organization",
    "think_tank": "Organization",
    "government": "PublicBody",
    "government_agency": "PublicBody",
    "military": "PublicBody",
}
PROGRAM = {"foreign_terrorist_organization": "Foreign Terrorist Organization", "other_terrorist_designation": "Terrorist designation", "sanctions": "Sanctions"}
STATUS = {"in_effect": "in effect", "announced": "announced"}


def _model():
    try:
        from followthemoney import model
    except ImportError:
        raise RuntimeError(
            "the FtM export needs the followthemoney library: pip install 'cartel-campaign-data[build]'"
        ) from None
    return model


def _text(value) -> str | None:
    """A cell as text: None for missing or empty; dates (date, datetime, Timestamp) as YYYY-MM-DD."""
    if is_missing(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    text = str(value).strip()
    return text or None


def entity_id(kind: str, key: str) -> str:
    return f"{NAMESPACE}-{kind}-{key}".replace("_", "-").lower()


def release_tables(version: str | None = None) -> dict[str, list[dict]]:
    """The rows designation_entities needs, read from a release's Parquet files."""
    import pyarrow.parquet as pq

    from . import release_dir

    folder = release_dir(version)
    return {name: pq.read_table(folder / f"{name}.parquet").to_pylist() for name in TABLES}


def _index(rows: list[dict], key: str) -> dict[str, dict]:
    return {_text(r[key]): r for r in rows}


def _add(entity, prop: str, value, where: str) -> None:
    """Add a value if there is one; a value FtM cannot read is an error, not silently dropped."""
    text = _text(value)
    if text is None:
        return
    if entity.schema.get(prop).type.clean(text) is None:
        raise ValueError(f"{where}: {prop} {text!r} is not a valid FtM {entity.schema.get(prop).type.name}")
    entity.add(prop, text)


def _actor_entity(model, actor: dict, aliases: list[str]):
    where = f"actors row {actor['actor_id']!r}"
    entity = model.make_entity(SCHEMA_BY_ACTOR_TYPE.get(_text(actor["actor_type"]), "LegalEntity"))
    entity.id = entity_id("actor", actor["actor_id"])
    name = _text(actor["name"])
    _add(entity, "name", name, where)
    for alias in sorted({a for a in aliases if a != name}):
        _add(entity, "alias", alias, where)
    _add(entity, "country", actor.get("country"), where)
    _add(entity, "wikidataId", actor.get("wikidata_qid"), where)
    _add(entity, "description", actor.get("description"), where)
    return entity


def _article_entity(model, article: dict):
    where = f"articles row {article['article_id']!r}"
    entity = model.make_entity("Article")
    entity.id = entity_id("article", article["article_id"])
    _add(entity, "title", article.get("title"), where)
    _add(entity, "fileName", Path(_text(article["seed_file"])).name, where)
    earliest, latest = _text(article.get("published_earliest")), _text(article.get("published_latest"))
    if earliest and latest and earliest[:4] == latest[:4]:  # only the year is known for sure
        _add(entity, "publishedAt", earliest[:4], where)
    return entity


def _program(row: dict) -> str:
    label = PROGRAM[_text(row["designation_type"])]
    basis = _text(row.get("legal_basis"))
    return f"{label} ({basis})" if basis else label


def _sanction_entity(model, row: dict, target_id: str, authority: dict, article_id: str, passages: list[str]):
    where = f"designations row {row['designation_id']!r}"
    entity = model.make_entity("Sanction")
    entity.id = entity_id("designation", row["designation_id"])
    entity.add("entity", target_id)
    _add(entity, "authority", authority["name"], where)
    _add(entity, "country", authority.get("country"), where)
    _add(entity, "program", _program(row), where)
    _add(entity, "status", STATUS[_text(row["status"])], where)
    _add(entity, "listingDate", row.get("announced_date"), where)
    _add(entity, "startDate", row.get("effective_date"), where)
    for passage in passages:
        _add(entity, "summary", passage, where)
    _add(entity, "description", row.get("note"), where)
    basis = _text(row.get("date_basis"))
    if basis:
        _add(entity, "description", f"Dates: {basis}", where)
    _add(entity, "recordId", row["designation_id"], where)
    entity.add("proof", article_id)
    return entity


def _lookup(index: dict, key, what: str, where: str) -> dict:
    row = index.get(_text(key))
    if row is None:
        raise ValueError(f"{where}: {what} {key!r} not found")
    return row


def designation_entities(tables: dict[str, list[dict]]) -> list[dict]:
    """FtM entities (as dicts: id, schema, properties) for every designation row, sorted by id.

    tables: rows of designations, actors, actor_aliases, articles and evidence (as from
    release_tables, or DataFrame.to_dict("records")). A designation naming an unknown actor or
    article is a ValueError.
    """
    model = _model()
    actors, articles = _index(tables["actors"], "actor_id"), _index(tables["articles"], "article_id")
    aliases: dict[str, list[str]] = {}
    for r in tables["actor_aliases"]:
        aliases.setdefault(_text(r["actor_id"]), []).append(_text(r["alias"]))
    evidence: dict[str, list[dict]] = {}
    for r in tables["evidence"]:
        if _text(r["record_table"]) == "designations":
            evidence.setdefault(_text(r["record_id"]), []).append(r)

    made: dict = {}  # an actor or article named by several designations is made once

    def once(kind: str, row: dict, make):
        key = (kind, _text(row[f"{kind}_id"]))
        if key not in made:
            made[key] = make()
        return made[key]

    entities = {}
    for row in sorted(tables["designations"], key=lambda r: _text(r["designation_id"])):
        where = f"designations row {row['designation_id']!r}"
        target = _lookup(actors, row["target_actor_id"], "target_actor_id", where)
        authority = _lookup(actors, row["authority_actor_id"], "authority_actor_id", where)
        article = _lookup(articles, row["article_id"], "article_id", where)
        spans = sorted(evidence.get(_text(row["designation_id"]), []), key=lambda r: (int(r["char_start"]), int(r["char_end"])))
        target_id, target_data = once("actor", target, lambda: _made(_actor_entity(model, target, aliases.get(_text(target["actor_id"]), []))))
        article_id, article_data = once("article", article, lambda: _made(_article_entity(model, article)))
        sanction = _sanction_entity(model, row, target_id, authority, article_id, [_text(s["text"]) for s in spans])
        for entity_id_, data in ((target_id, target_data), (article_id, article_data), _made(sanction)):
            entities[entity_id_] = data
    return [entities[k] for k in sorted(entities)]


def _made(entity) -> tuple[str, dict]:
    return entity.id, entity.to_dict()


def _normal_form_problems(model, data: dict) -> list[str]:
    """Values FtM would change on cleaning (e.g. country 'VE' -> 've') are not in its normal form."""
    clean = model.get_proxy(data, cleaned=False).to_dict().get("properties", {})
    problems = []
    for prop, values in data.get("properties", {}).items():
        if clean.get(prop, []) != values:
            problems.append(f"{prop}: {values!r} is not in FtM's normal form (cleaned: {clean.get(prop, [])!r})")
    return problems


def _entity_problems(model, data: dict, ids: set[str]) -> list[str]:
    from followthemoney.exc import InvalidData
    from followthemoney.types import registry

    if not isinstance(data, dict):
        return [f"expected an object, found {type(data).__name__}"]
    schema = model.get(data.get("schema") or "")
    if schema is None:
        return [f"unknown FtM schema {data.get('schema')!r}"]
    if not registry.entity.validate(str(data.get("id") or "")):
        return [f"id {data.get('id')!r} is not a valid FtM entity id"]
    props = data.get("properties")
    if not isinstance(props, dict) or any(not isinstance(v, list) for v in props.values()):
        return ["properties: expected an object of property name -> list of values"]
    problems = [f"{p}: not a property of {schema.name}" for p in props if schema.get(p) is None]
    try:
        schema.validate(data)
    except InvalidData as e:
        problems += [f"{p}: {msg}" for p, msg in sorted(e.errors.get("properties", {}).items())]
    problems += [f"{p}: required by {schema.name} but missing" for p in schema.required if p not in props]
    for name, values in props.items():
        prop = schema.get(name)
        if prop is not None and prop.type == registry.entity:
            problems += [f"{name}: refers to {v!r}, which is not among the entities" for v in values if v not in ids]
    if not problems:
        problems += _normal_form_problems(model, data)
    return problems


def validate_entities(entities: list[dict]) -> list[str]:
    """Problems FtM finds with the entities: unknown schema or property, invalid or missing
    required values (Schema.validate), values not in FtM's normal form, duplicate ids and
    references to entities not in the list. [] when all is well."""
    model = _model()
    ids = [e.get("id") for e in entities if isinstance(e, dict)]
    counts = Counter(ids)  # once: counting and a set per entity made the check quadratic in the entities
    problems = [f"entity id {i!r} occurs {counts[i]} times" for i in sorted({i for i in ids if counts[i] > 1}, key=str)]
    known = set(ids)
    for n, data in enumerate(entities):
        label = f"entity {n} ({data.get('schema')} {data.get('id')})" if isinstance(data, dict) else f"entity {n}"
        problems += [f"{label}: {p}" for p in _entity_problems(model, data, known)]
    return problems


def to_jsonl(entities: list[dict]) -> str:
    """One JSON object per line, keys sorted (id first), UTF-8 text unescaped."""
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n" for e in entities)


def write_jsonl(entities: list[dict], path: str | Path) -> None:
    """Write the entities as FtM line-delimited JSON (the format `ftm validate` reads)."""
    Path(path).write_text(to_jsonl(entities), encoding="utf-8")


def _rows(tables: dict, name: str) -> list[dict]:
    """A table's rows for designation_entities; of the evidence only rows whose record_table may be designations
    (it keeps those itself)."""
    table = tables[name]
    if name == "evidence":
        import pyarrow.compute as pc

        table = table.filter(pc.fill_null(pc.match_substring(pc.cast(table["record_table"], "string"), "designations"), False))
    return table.to_pylist()


def write_designations(path: Path, tables: dict) -> int:
    """The designations export (cartel_campaign.exports): every designation as FollowTheMoney entities,
    validated by followthemoney, written as JSON lines; returns the number of entities."""
    entities = designation_entities({name: _rows(tables, name) for name in TABLES})
    problems = validate_entities(entities)
    if problems:
        raise ValueError("FollowTheMoney rejects the export:\n  " + "\n  ".join(problems))
    write_jsonl(entities, path)
    return len(entities)
