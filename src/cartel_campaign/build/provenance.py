"""Where a row came from: the annotation FILE:LINE that produced a row's value.

The build reports a failed rule at the line of the key that filled the failing column; so does
`validate` in a checkout, for a row of a published release. Files are parsed only when a
location is asked for (an error is being reported).
"""
from __future__ import annotations

from pathlib import Path

from .. import records, shapes
from ..shapes import Key, Nested, Rows, Shape
from . import yamlio

#: Annotated record tables with ids: (annotation list key, id column, shape of its items).
RECORDS = {r.table: (r.list_key, r.id_column, r.shape) for r in records.annotated() if r.id_column}


def key_path(shape: Shape, column: str) -> tuple:
    """The annotation key path that fills a column (("date", "end") for events.date_end); () if none."""
    for key, kind in shape.keys.items():
        if isinstance(kind, Key) and kind.column == column:
            return (key,)
        if isinstance(kind, Nested):
            inner = key_path(kind.shape, column)
            if inner:
                return (key, *inner)
        if isinstance(kind, Rows) and kind.table == column:  # a child table, by name
            return (key,)
    return ()


class Provenance:
    """Finds annotation lines for rows; `docs` may be given parsed documents to reuse."""

    def __init__(self, seeds: Path, display_prefix: str = "seeds/", docs: dict | None = None):
        self.seeds, self.prefix, self._docs = Path(seeds), display_prefix, dict(docs or {})

    def doc(self, name: str) -> yamlio.Doc | None:
        if name not in self._docs:
            path = self.seeds / name
            self._docs[name] = yamlio.load(path, self.prefix + name) if path.is_file() else None
        return self._docs[name]

    def _item(self, article_id: str, list_key: str, id_col: str, rid: str):
        doc = self.doc(f"{article_id}.yaml")
        items = (doc.data.get(list_key) or []) if doc and isinstance(doc.data, dict) else []
        i = next((i for i, it in enumerate(items) if isinstance(it, dict) and it.get("id") == rid), None)
        return doc, (None if i is None else (list_key, i))

    def _actor(self, actor_id: str):
        doc = self.doc("actors.yaml")
        items = doc.data if doc and isinstance(doc.data, list) else []
        i = next((i for i, it in enumerate(items) if isinstance(it, dict) and it.get("id") == actor_id), None)
        return doc, (None if i is None else (i,))

    def locate(self, table: str, row: dict, column: str | None = None, tables: dict | None = None) -> tuple[str, int] | None:
        """(file, line) of the annotation behind row[column] (or the row), or None when not found."""
        doc, path = self._locate(table, row, column, tables or {})
        if doc is None or path is None:
            return None
        return doc.file, doc.line(*path)

    def _locate(self, table, row, column, tables):
        if table in RECORDS:
            list_key, id_col, shape = RECORDS[table]
            doc, path = self._item(row["article_id"], list_key, id_col, row[id_col])
            return doc, path and path + key_path(shape, column or id_col)
        if table == "articles":
            return self.doc(f"{row['article_id']}.yaml"), key_path(shapes.ANNOTATION, column) if column else ()
        if table == "actors":
            doc, path = self._actor(row["actor_id"])
            return doc, path and path + key_path(shapes.ACTOR, column or "actor_id")
        if table == "actor_aliases":
            doc, path = self._actor(row["actor_id"])
            aliases = doc.data[path[0]].get("aliases") or [] if path else []
            return doc, path and path + (("aliases", aliases.index(row["alias"])) if row["alias"] in aliases else ("aliases",))
        if table == "event_actors":
            article = _article_of_event(row["event_id"], tables)
            doc, path = self._item(article, "events", "event_id", row["event_id"]) if article else (None, None)
            if not path:
                return doc, path
            ids = (doc.data[path[0]][path[1]].get("actors") or {}).get(row["role"])
            ids = ids if isinstance(ids, list) else [ids]
            return doc, path + ("actors", row["role"]) + ((ids.index(row["actor_id"]),) if row["actor_id"] in ids else ())
        if table == "evidence" and row["record_table"] in RECORDS:
            list_key, id_col, _ = RECORDS[row["record_table"]]
            doc, path = self._item(row["article_id"], list_key, id_col, row["record_id"])
            if not path:
                return doc, path
            if row["basis"] == "quote_span":
                return doc, path + ("text",)
            items = doc.data[path[0]][path[1]].get("evidence") or []
            j = next((j for j, ev in enumerate(items) if (ev if isinstance(ev, str) else ev.get("text")) == row["text"]), None)
            return doc, path + ("evidence",) + (() if j is None else (j,))
        if table == "claim_quotes":
            doc, path = self._item(_article_of_claim(row["claim_id"], tables), "claims", "claim_id", row["claim_id"])
            if not path:
                return doc, path
            listed = doc.data[path[0]][path[1]].get("quotes") or []
            return doc, path + ("quotes",) + ((listed.index(row["quote_id"]),) if row["quote_id"] in listed else ())
        if table == "evidence" and row["record_table"] == "actors":
            return self._actor(row["record_id"])
        if table == "quote_exclusions":
            doc = self.doc(f"{row['article_id']}.yaml")
            items = (doc.data.get("exclusions") or []) if doc else []
            j = next((j for j, x in enumerate(items) if isinstance(x, dict) and x.get("text") == row["text"]), None)
            return doc, None if j is None else ("exclusions", j, "text")
        if table in ("actor_mentions", "actor_summary"):
            return self._actor(row["actor_id"])
        return None, None


def _article_of_claim(claim_id: str, tables: dict) -> str | None:
    return _article_of("claims", "claim_id", claim_id, tables)


def _article_of_event(event_id: str, tables: dict) -> str | None:
    return _article_of("events", "event_id", event_id, tables)


def _article_of(table: str, id_col: str, rid: str, tables: dict) -> str | None:
    events = tables.get(table)
    if events is None:
        return None
    if isinstance(events, list):
        return next((e["article_id"] for e in events if e[id_col] == rid), None)
    import pyarrow.compute as pc

    hit = events.filter(pc.equal(events[id_col], rid))
    return hit["article_id"][0].as_py() if hit.num_rows else None
