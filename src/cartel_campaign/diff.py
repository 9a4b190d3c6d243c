"""What changed between two releases: rows added, removed and changed (by primary key) and schema changes.

    >>> from cartel_campaign.diff import diff, schema_diff
    >>> rows = diff("0.1.0", "1.0.0")            # {table: DataFrame(change, key, changed_columns)}
    >>> schema = schema_diff("0.1.0", "1.0.0")   # DataFrame(table, column, change, detail, breaking)

Only pandas and pyarrow are used (no validation libraries).
"""
from __future__ import annotations

import json
from pathlib import Path

from . import release
from .safety import markdown as md

# A type change is widening (compatible) when every value of the old type is a value of the new one.
_WIDENS = {("integer", "number"), ("integer", "string"), ("number", "string"), ("date", "string"), ("boolean", "string")}
_ROW_COLUMNS = ["change", "key", "changed_columns"]


def _folder(release) -> Path:
    if isinstance(release, Path):
        return release
    from . import release_dir

    return release_dir(str(release))


def _package(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _resources(folder: Path) -> dict:
    return {r["name"]: r for r in _package(folder)["resources"]}


def schema_diff(a, b):
    """Schema changes from release a to release b; `breaking` marks what needs a major version bump."""
    import pandas as pd

    ra, rb = _resources(_folder(a)), _resources(_folder(b))
    rows = []

    def add(table, column, change, detail, breaking):
        rows.append(dict(table=table, column=column, change=change, detail=detail, breaking=breaking))

    for table in sorted(ra.keys() - rb.keys()):
        add(table, None, "table removed", "", True)
    for table in sorted(rb.keys() - ra.keys()):
        add(table, None, "table added", "", False)
    for table in [t for t in rb if t in ra]:
        fa = {f["name"]: f for f in ra[table]["schema"]["fields"]}
        fb = {f["name"]: f for f in rb[table]["schema"]["fields"]}
        for col in [c for c in fa if c not in fb]:
            add(table, col, "column removed", "removed or renamed", True)
        for col in [c for c in fb if c not in fa]:
            add(table, col, "column added", fb[col]["type"], False)
        for col in [c for c in fb if c in fa]:
            ta, tb = fa[col]["type"], fb[col]["type"]
            if ta != tb:
                add(table, col, "type changed", f"{ta} -> {tb}", (ta, tb) not in _WIDENS)
            ca, cb = fa[col].get("constraints", {}), fb[col].get("constraints", {})
            ea, eb = ca.get("enum"), cb.get("enum")
            if ea is not None and eb is not None and ea != eb:
                removed, added = sorted(set(ea) - set(eb)), sorted(set(eb) - set(ea))
                detail = "; ".join(x for x in (f"removed {removed}" if removed else "", f"added {added}" if added else "") if x)
                add(table, col, "enum changed", detail, bool(removed))
            elif ea is None and eb is not None:
                add(table, col, "enum added", str(eb), True)
            if cb.get("required") and not ca.get("required"):
                add(table, col, "now required", "", True)
            if ca.get("required") and not cb.get("required"):
                add(table, col, "now optional", "", False)
        pa_, pb_ = ra[table]["schema"].get("primaryKey"), rb[table]["schema"].get("primaryKey")
        if pa_ != pb_:
            add(table, None, "primary key changed", f"{pa_} -> {pb_}", True)
    return pd.DataFrame(rows, columns=["table", "column", "change", "detail", "breaking"])


def _keyed(df, pk):
    import pandas as pd

    key = pd.Index(["|".join(str(v) for v in row) for row in df[pk].itertuples(index=False)], name="key", dtype=object)
    return df.set_index(key)


def diff(a, b) -> dict:
    """Row changes per table, by primary key: change is added, removed, changed (a value of a column both
    releases have differs; changed_columns names them) or new columns (only filled in columns the old release
    lacks; changed_columns names them)."""
    import pandas as pd

    from . import read_verified  # each file checked against its release's manifest, as cc.load does

    fa, fb = _folder(a), _folder(b)
    ra, rb = _resources(fa), _resources(fb)
    out = {}
    for table, res in rb.items():
        pk = res["schema"].get("primaryKey") or []
        new = release.to_pandas(read_verified(fb / f"{table}.parquet"))
        old = release.to_pandas(read_verified(fa / f"{table}.parquet")) if table in ra else new.iloc[0:0]
        if not pk:
            continue
        if isinstance(pk, str):
            pk = [pk]
        if any(k not in old.columns for k in pk):
            old = new.iloc[0:0]
        old_k, new_k = _keyed(old, pk), _keyed(new, pk)
        rows = [dict(change="added", key=k, changed_columns="") for k in new_k.index.difference(old_k.index)]
        rows += [dict(change="removed", key=k, changed_columns="") for k in old_k.index.difference(new_k.index)]
        rows += _changed_rows(old_k, new_k)
        out[table] = pd.DataFrame(rows, columns=_ROW_COLUMNS).sort_values(["change", "key"], ignore_index=True)
    return out


def _changed_rows(old_k, new_k) -> list[dict]:
    """The rows of keys both releases have whose values differ (compared column by column, cell by cell)."""
    keys = new_k.index.intersection(old_k.index)
    common = [c for c in new_k.columns if c in old_k.columns]
    extra = [c for c in new_k.columns if c not in old_k.columns]
    o, n = old_k.loc[keys, common], new_k.loc[keys, common]
    differs = {c: [not _same(a, b) for a, b in zip(o[c], n[c])] for c in common}
    filled = {c: new_k.loc[keys, c].notna().tolist() for c in extra}
    rows = []
    for i, k in enumerate(keys):
        changed = [c for c in common if differs[c][i]]
        added_cols = [c for c in extra if filled[c][i]]
        if changed:  # a value of a column both releases have
            rows.append(dict(change="changed", key=k, changed_columns=",".join(changed)))
        elif added_cols:  # only a value in a column the old release lacks: not a change of the record
            rows.append(dict(change="new columns", key=k, changed_columns=",".join(added_cols)))
    return rows


def _same(a, b) -> bool:
    """Two cells hold the same value (both missing counts as the same; one missing never does)."""
    import pandas as pd

    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    return bool(a == b)


def summary(a, b):
    """One row per table: rows before/after and added/removed/changed counts."""
    import pandas as pd

    fa, fb = _folder(a), _folder(b)
    ra = _resources(fa)
    rows = []
    for table, changes in diff(fa, fb).items():
        before = release.row_count(fa / f"{table}.parquet") if table in ra else 0
        after = release.row_count(fb / f"{table}.parquet")
        counts = changes["change"].value_counts()
        rows.append(dict(table=table, rows_before=before, rows_after=after, added=int(counts.get("added", 0)),
                         removed=int(counts.get("removed", 0)), changed=int(counts.get("changed", 0)),
                         new_columns_only=int(counts.get("new columns", 0))))
    return pd.DataFrame(rows, columns=["table", "rows_before", "rows_after", "added", "removed", "changed", "new_columns_only"])


def markdown(a, b, label_a: str, label_b: str) -> str:
    """The diff as Markdown (used by the changelog and `cartel-campaign diff --markdown`)."""
    s = summary(a, b)
    lines = [f"Data changes {label_a} → {label_b} (changed: a value changed; new columns only: a row that only fills columns added "
             "in this release):", "", "| table | rows before | rows after | added | removed | changed | new columns only |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {md(r.table)} | {r.rows_before} | {r.rows_after} | {r.added} | {r.removed} | {r.changed} | {r.new_columns_only} |"
              for r in s.itertuples()]
    sd = schema_diff(a, b)
    lines += ["", f"Schema changes {label_a} → {label_b}:" if len(sd) else f"Schema changes {label_a} → {label_b}: none.", ""]
    for r in sd.itertuples():
        col = f".{r.column}" if isinstance(r.column, str) else ""
        lines.append(f"- {'**breaking** ' if r.breaking else ''}{md(r.table + col)}: {r.change}{f' ({md(r.detail)})' if r.detail else ''}")
    return "\n".join(lines).rstrip() + "\n"
