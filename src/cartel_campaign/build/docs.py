"""Step 5: files generated from seeds/releases.yaml, the schemas and the release.

    src/cartel_campaign/_version.py   the version (from the newest entry of seeds/releases.yaml)
    CITATION.cff                      CFF 1.2.0, version and release date
    CHANGELOG.md                      release notes + data and schema changes computed by diff
    docs/CODEBOOK.md                  every table and column: type, constraints, description, values;
                                      then the dataset card (build/card.py, from docs/card.md)
    docs/timeline.png                 events and designations over time, inferred dates marked
    docs/explorer/<version>.html      evidence explorer of every release (cartel_campaign.explorer)

All are byte-deterministic for the same inputs and pinned library versions; `build --check`
compares them with the committed files.
"""
from __future__ import annotations

import io
import json
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from ..release import CSV, read_parquet, row_count, to_pandas
from .. import diff as ccdiff
from .. import explorer
from ..safety import markdown
from . import card
from .errors import BuildError


def generate(root: Path, staged: Path, version: str, meta: dict, schemas: dict, releases: list, work: Path, splitter) -> dict[str, bytes | Path]:
    """{path relative to the repository root: its bytes} of every generated file; the explorer pages,
    which grow with the data, are written into the folder work and given as their paths there.
    splitter (sentences.Splitter): the articles' sentences, for the coverage figures."""
    frames = Frames(staged, meta["tables"])
    newest = releases[-1]
    return {
        "src/cartel_campaign/_version.py": version_file(version).encode(),
        "CITATION.cff": citation(meta, version, newest["date"]).encode(),
        "CHANGELOG.md": changelog(root, staged, releases).encode(),
        "docs/CODEBOOK.md": (codebook(meta, schemas, staged, version) + "\n" + card.section(root, staged, meta, frames, releases, splitter)).encode(),
        "docs/timeline.png": timeline(frames, version),
        **explorer_pages(root, staged, releases, work),
    }


class Frames(Mapping):
    """The release's tables as pandas frames, each read when asked; only the last one read is kept
    (the docs use the tables one or two at a time, so a large release is never all in pandas at once)."""

    def __init__(self, folder: Path, names: list[str]):
        self.folder, self.names, self._last = folder, list(names), (None, None)

    def __getitem__(self, name: str):
        if name not in self.names:
            raise KeyError(name)
        if self._last[0] != name:
            self._last = (None, None)  # the previous frame goes before the next is read
            self._last = (name, to_pandas(read_parquet(self.folder / f"{name}.parquet")))
        return self._last[1]

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def explorer_pages(root: Path, staged: Path, releases: list, work: Path) -> dict[str, Path]:
    """docs/explorer/<version>.html for every release (the newest from the staged folder), written into work."""
    folders = [root / "dataset" / r["version"] for r in releases[:-1]] + [staged]
    pages = {}
    work.mkdir(parents=True, exist_ok=True)
    for rel, folder in zip(releases, folders):
        try:
            page = pages[f"docs/explorer/{rel['version']}.html"] = work / f"explorer-{rel['version']}.html"
            explorer.write(folder, root / "seeds", page)
        except explorer.ExplorerError as err:
            raise BuildError(f"docs/explorer/{rel['version']}.html", None, str(err)) from None
    return pages


def version_file(version: str) -> str:
    return f'"""Generated from seeds/releases.yaml by build/docs.py: do not edit."""\n__version__ = {json.dumps(version)}\n'  # a JSON string is a Python literal


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def citation(meta: dict, version: str, date) -> str:
    keywords = "".join(f"  - {_q(k)}\n" for k in meta["keywords"])
    return (
        "# Generated from seeds/releases.yaml and schemas/package.json by build/docs.py: do not edit.\n"
        "cff-version: 1.2.0\n"
        'message: "If you use this dataset, please cite the version you used as below."\n'
        "type: dataset\n"
        f"title: {_q(meta['title'])}\n"
        f"abstract: {_q(meta['description'])}\n"
        "authors:\n"
        f"  - name: {_q(meta['contributors'][0]['title'])}\n"
        f"version: {_q(version)}\n"
        f"date-released: {date.isoformat()}\n"
        "license: CC-BY-4.0\n"
        f"keywords:\n{keywords}"
    )


def changelog(root: Path, staged: Path, releases: list) -> str:
    out = [
        "# Changelog",
        "",
        "Generated by build/docs.py from seeds/releases.yaml (notes), seeds/corrections.yaml (corrections)",
        "and the published releases (changes, computed by `cartel-campaign diff`). Do not edit: add a release",
        "to seeds/releases.yaml.",
        "",
    ]
    folders = [root / "dataset" / r["version"] for r in releases[:-1]] + [staged]
    entries = []
    for i, rel in enumerate(releases):
        draft = " (draft, not yet published)" if rel["status"] == "draft" else ""
        lines = [f"## {rel['version']} — {rel['date'].isoformat()}{draft}", "", markdown(rel["notes"].strip()), ""]
        if rel.get("breaking"):
            lines += [f"**Breaking:** {markdown(rel['breaking'].strip())}", ""]
        if rel.get("corrections"):
            lines += ["Corrections (seeds/corrections.yaml: what changed in each record and why):", ""]
            lines += [f"- {markdown(c['table'], code=True)} {markdown(c['record_id'], code=True)}: {markdown(' '.join(c['what'].split()))} "
                      f"*Why:* {markdown(' '.join(c['why'].split()))}" for c in rel["corrections"]]
            lines += [""]
        if i == 0:
            counts = {r["name"]: row_count(folders[0] / f"{r['name']}.parquet") for r in _resources(folders[0])}
            lines += ["Tables: " + ", ".join(f"{markdown(k)} {v}" for k, v in counts.items()) + ".", ""]
        else:
            prev = releases[i - 1]["version"]
            lines += [ccdiff.markdown(folders[i - 1], folders[i], prev, rel["version"])]
        entries.append("\n".join(lines).rstrip() + "\n")
    return "\n".join(out) + "\n" + "\n".join(reversed(entries))


def _resources(folder: Path) -> list:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def csv_format() -> list[str]:
    """The codebook's paragraph on the CSV files: their dialect and the spreadsheet-formula guard (from release.CSV)."""
    starts = ", ".join({"\t": "tab", "\r": "carriage return"}.get(c, f"`{c}`") for c in CSV.formula_start)
    return [
        f"CSV files: {CSV.encoding.upper()}, delimiter `{CSV.delimiter}`, a header row, fields quoted with `{CSV.quote_char}` only when",
        "needed, LF line ends, an empty cell for a missing value. No cell begins like a spreadsheet formula: a text",
        f"value that begins with {starts} (after any apostrophes) is written with one more `{CSV.formula_guard}`",
        "in front, so Excel and LibreOffice show it as text instead of running it. Readers remove that one",
        f"`{CSV.formula_guard}` (`cartel_campaign.load` reads Parquet, which holds every text unchanged; the R reader and",
        "`cartel_campaign.release.read_csv` remove it), so CSV and Parquet hold the same values. Text written by the",
        "annotators (summaries, reasons, notes) never begins so: the build refuses it. `cartel-campaign validate`",
        "checks every cell.",
    ]


def codebook(meta: dict, schemas: dict, folder: Path, version: str) -> str:
    """Every table and column of the release in folder, with what its values are (read one table at a time, in Arrow)."""
    out = [
        f"# Codebook — cartel-campaign-data {version}",
        "",
        "Generated by build/docs.py from schemas/ and the release: do not edit.",
        "",
        markdown(meta["description"]),
        "",
        "Offsets (`char_start`, `char_end`) are Python string indices (Unicode code points) into the article",
        "decoded as UTF-8, end exclusive: `article[char_start:char_end] == text`.",
        "",
        *csv_format(),
        "",
        "| table | rows | one row per |",
        "|---|---:|---|",
    ]
    out += [f"| [{markdown(t)}](#{t}) | {row_count(folder / f'{t}.parquet')} | {markdown(schemas[t]['description'])} |" for t in meta["tables"]]
    for t in meta["tables"]:
        s, table = schemas[t], read_parquet(folder / f"{t}.parquet")
        out += ["", f"## {markdown(t)}", "", markdown(s["description"]), "",
                f"Rows: {table.num_rows}. Primary key: {markdown(', '.join(s['primaryKey']), code=True)}."]
        if t in meta["derived_tables"]:
            out += ["", "Derived: computed by the build script, never annotated by hand."]
        for fk in s.get("foreignKeys", []):
            ref = fk["reference"]["resource"] or t
            out.append(f"Foreign key: {markdown(', '.join(fk['fields']), code=True)} → {markdown(f'{ref}.' + ', '.join(fk['reference']['fields']), code=True)}.")
        out += ["", "| column | type | required | constraints | description | values in this release |", "|---|---|---|---|---|---|"]
        for f in s["fields"]:
            c = dict(f.get("constraints", {}))
            required = "yes" if c.pop("required", False) else ""
            enum = c.pop("enum", None)
            cons = ", ".join(f"{markdown(k)}: {markdown(v, code=True)}" for k, v in c.items())
            col = table.column(f["name"])
            n = len(col) - col.null_count
            if enum is not None:
                counts = {x["values"]: x["counts"] for x in pc.value_counts(col).to_pylist()}
                values = "; ".join(f"{markdown(v, code=True)} {counts.get(v, 0)}" for v in enum)
                cons = ", ".join(x for x in (cons, "one of the values listed") if x)
            elif f["type"] in ("integer", "date") and n:
                lo, hi = pc.min_max(col).values()
                fmt = (lambda v: v.as_py().isoformat()) if f["type"] == "date" else (lambda v: str(v.as_py()))
                values = f"{n} filled; min {fmt(lo)}, max {fmt(hi)}"
            elif f["type"] == "boolean":
                values = f"true {pc.sum(col).as_py() or 0}, false {pc.sum(pc.invert(col)).as_py() or 0}"
            else:
                examples = [str(v) for v in pc.unique(col.drop_null())[:2].to_pylist()]
                examples = [e if len(e) <= 40 else e[:37] + "…" for e in examples]
                values = f"{n} filled" + (f"; e.g. {', '.join(markdown(e, code=True) for e in examples)}" if examples else "")
            out.append(f"| {markdown(f['name'], code=True)} | {markdown(f['type'])} | {required} | {cons} | {markdown(f['description'])} | {values} |")
    return "\n".join(out) + "\n"


def _dated_facts(frames: dict) -> pd.DataFrame:
    """One row per dated fact: an event reported again (same_event_as) on the same dates is the event
    it repeats, and a designation's date is dropped when a designation event of the same article is
    dated that day (the event and its designation are one fact)."""
    ev = frames["events"]
    dated = ev[ev["date_start"].notna()].assign(date_end=lambda d: d["date_end"].fillna(d["date_start"]))
    fact = dated["same_event_as"].where(dated["same_event_as"].isin(ev["event_id"]), dated["event_id"])
    dated = dated.assign(fact=fact).drop_duplicates(["fact", "date_start", "date_end"])
    rows = pd.DataFrame({"kind": "event: " + dated["event_type"].str.replace("_", " "), "start": dated["date_start"],
                         "end": dated["date_end"], "inferred": dated["date_inferred"].astype(bool)})
    designated = dated[dated["event_type"] == "designation"]
    on_date = set(zip(designated["article_id"], designated["date_start"]))
    ds = frames["designations"]
    parts = [rows]
    for col, label in (("announced_date", "designation: announced"), ("effective_date", "designation: takes effect")):
        d = ds[ds[col].notna()]
        repeated = pd.Series([(a, t) in on_date for a, t in zip(d["article_id"], d[col])], index=d.index, dtype=bool)
        d = d[~repeated]
        parts.append(pd.DataFrame({"kind": label, "start": d[col], "end": d[col], "inferred": d["date_inferred"].astype(bool)}))
    facts = pd.concat(parts, ignore_index=True)
    return facts.drop_duplicates().sort_values(["kind", "start", "end", "inferred"], ignore_index=True)


def _shade(j: int) -> int:
    """tab20 index of the j-th type: the ten dark colours first, then their light pairs."""
    return (2 * j) % 20 + (j // 10) % 2


def timeline(frames: dict, version: str) -> bytes:
    """Top: dated events and designations over time by type (hollow = year inferred, bars = ranges),
    each fact once, with the articles' possible publication windows on one row. Bottom: every event by
    type, dated or not. The figure's size and drawing time depend on the number of types and distinct
    dates, not on the number of articles (identical facts share one marker)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    ev, arts = frames["events"], frames["articles"]
    facts = _dated_facts(frames)
    window = (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01"))
    before = facts[facts["end"] < window[0]]
    shown = facts[facts["end"] >= window[0]]
    kinds = sorted(shown["kind"].unique())
    labels = [f"articles published ({len(arts)})"] + kinds
    n_types = ev["event_type"].nunique()
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(10, 3.6 + 0.42 * (len(labels) + n_types)), dpi=110,
                                 gridspec_kw={"height_ratios": [len(labels) + 1, n_types + 1]})
    colors = plt.get_cmap("tab20")
    windows = arts[["published_earliest", "published_latest"]].dropna().drop_duplicates()
    ax.hlines([0] * len(windows), windows["published_earliest"], windows["published_latest"], lw=7,
              color="#888888", alpha=min(0.6, 1.5 / max(len(windows), 1)) if len(windows) > 1 else 0.6)
    for j, kind in enumerate(kinds):
        y, color = 1 + j, colors(_shade(j))
        k = shown[shown["kind"] == kind]
        spans = k[k["end"] > k["start"]][["start", "end"]].drop_duplicates()
        ax.hlines([y] * len(spans), spans["start"], spans["end"], lw=6, alpha=0.5, color=color)
        for inferred, pts in k.groupby("inferred"):
            starts = pts["start"].drop_duplicates()
            ax.plot(starts, [y] * len(starts), "o", ms=9, ls="none", color=color, markeredgewidth=2,
                    markerfacecolor="white" if inferred else color)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(*window)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    ax.set_xlabel("2025")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"cartel-campaign-data {version}: what the articles date, and what they leave undated", loc="left", fontsize=12)
    handles = [Line2D([], [], color="#888888", lw=7, alpha=0.6, label="possible publication window (inferred)"),
               Line2D([], [], color="#555555", lw=6, alpha=0.5, label="date range (start to end)"),
               Line2D([], [], marker="o", ls="none", ms=9, color="#555555", label="date stated in the text"),
               Line2D([], [], marker="o", ls="none", ms=9, color="#555555", markerfacecolor="white", markeredgewidth=2,
                      label="year inferred (see date_basis)")]
    handles += [Line2D([], [], marker="o", ls="none", ms=9, color=colors(_shade(j)), label=kind) for j, kind in enumerate(kinds)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8.5, frameon=False)
    note = ("Each fact once: an event repeated in another article (same_event_as) and a designation dated like a designation "
            "event of its article are drawn once; identical facts share one marker."
            + (f" Not shown: {len(before)} fact(s) dated before 2025." if len(before) else ""))
    counts = ev.assign(dated=ev["date_start"].notna()).groupby(["event_type", "dated"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=[True, False], fill_value=0).sort_index(ascending=False)
    y = range(len(counts))
    bx.barh(y, counts[True], color="#4c72b0", label="dated in the text")
    bx.barh(y, counts[False], left=counts[True], color="#dddddd", edgecolor="#999999", label="no date in the text")
    bx.set_yticks(y, [t.replace("_", " ") for t in counts.index])
    bx.set_xlabel("events (all articles, each report counted)")
    bx.xaxis.get_major_locator().set_params(integer=True)
    bx.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8.5, frameon=False)
    bx.set_title(f"All {len(ev)} events by type: {int(ev['date_start'].isna().sum())} have no date in the text", loc="left", fontsize=11)
    fig.text(0.01, 0.005, textwrap.fill(note, 150), fontsize=8, color="#444", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1), h_pad=2.5)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()
