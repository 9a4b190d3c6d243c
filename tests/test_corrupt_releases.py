"""Nothing half-published goes unnoticed: faults injected into the newest release of a project copy.

Each case breaks dataset/<newest>/ in a copy of the project and runs `cartel-campaign validate
--root <copy>` (in-process through cli.main; one test runs the real command). Validation must
exit 1 and name the broken file. Some faults are made consistent on purpose (manifest, and for
row deletions the release's datapackage.json, rewritten to match) so that only the deeper check
(CSV/Parquet agreement, foreign keys, evidence coverage, derived counts) can catch them.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, copy_project, formula_put_in

import cartel_campaign as cc
from cartel_campaign import cli
from cartel_campaign.release import sha256_file

from cartel_campaign.build import publish

NEWEST = cc.versions(ROOT, drafts=True)[-1]


# ------------------------------------------------------------------ helpers ----
def rewrite_manifest(folder: Path) -> None:
    """As if the release had been published this way: the manifest matches every file again."""
    publish.write_manifest(folder, folder.name)


def rewrite_descriptor_stats(folder: Path, name: str) -> None:
    """The release's datapackage.json and the root one record the CSV's new size and hash."""
    for path in (folder / "datapackage.json", folder.parents[1] / "datapackage.json"):
        desc = json.loads(path.read_text(encoding="utf-8"))
        res = next(r for r in desc["resources"] if r["name"] == name)
        res["bytes"], res["hash"] = (folder / f"{name}.csv").stat().st_size, f"sha256:{sha256_file(folder / f'{name}.csv')}"
        path.write_text(publish.json_text(desc), encoding="utf-8")


def write_table(folder: Path, name: str, table: pa.Table, *, csv: bool = True) -> None:
    """Write Parquet (and CSV) exactly as the build does."""
    pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
    if csv:
        pacsv.write_csv(table, folder / f"{name}.csv", pacsv.WriteOptions(quoting_style="needed"))


def set_cell(table: pa.Table, column: str, row: int, value) -> pa.Table:
    i = table.schema.get_field_index(column)
    values = table.column(column).to_pylist()
    values[row] = value
    return table.set_column(i, table.schema.field(i), pa.array(values, table.schema.field(i).type))


def drop_row(table: pa.Table, row: int) -> pa.Table:
    return pa.concat_tables([table.slice(0, row), table.slice(row + 1)])


def flip_unnoticed_byte(path: Path) -> int:
    """Flip the first footer byte whose damage still reads back the same rows (statistics, metadata)."""
    raw = path.read_bytes()
    table, meta = pq.read_table(path), pq.ParquetFile(path).metadata
    footer = len(raw) - 8 - int.from_bytes(raw[-8:-4], "little")
    for pos in range(footer, len(raw) - 8):
        damaged = raw[:pos] + bytes([raw[pos] ^ 0xFF]) + raw[pos + 1:]
        try:
            path.write_bytes(damaged)
            if pq.read_table(path).equals(table) and pq.ParquetFile(path).metadata.created_by == meta.created_by:
                return pos
        except Exception:  # noqa: BLE001 - this byte breaks reading: look further
            pass
    raise AssertionError(f"no footer byte of {path} can be flipped unnoticed by reading")


def row_of(table: pa.Table, column: str, value) -> int:
    return table.column(column).to_pylist().index(value)


# ------------------------------------------------------------------ faults ----
# each: (folder of the newest release) -> list of texts the validation output must contain
FAULTS = {}


def fault(name):
    def register(fn):
        FAULTS[name] = fn
        return fn

    return register


@fault("workbook-formula-hashes-updated")
def _(folder):
    """A formula put in the workbook (its cached value the cell's, so its values read back as the table's), the
    workbook's size and hash recorded again in both datapackage.json files and the manifest: the formula scan sees it."""
    path = folder / "cartel_campaign.xlsx"
    formula_put_in(path)
    for descriptor in (folder / "datapackage.json", folder.parents[1] / "datapackage.json"):
        desc = json.loads(descriptor.read_text(encoding="utf-8"))
        entry = next(e for e in desc["exports"] if e["path"].endswith("cartel_campaign.xlsx"))
        entry["bytes"], entry["hash"] = path.stat().st_size, f"sha256:{sha256_file(path)}"
        descriptor.write_text(publish.json_text(desc), encoding="utf-8")
    rewrite_manifest(folder)
    return [f"{NEWEST}/cartel_campaign.xlsx", "holds a formula"]


@fault("parquet-column-retyped-pandas-metadata-kept")
def _(folder):
    """A Parquet column made text, its pandas metadata (which names the column's old type) kept: pandas refuses to
    make a frame of it, which was a traceback instead of a named problem."""
    table = pq.read_table(folder / "events_wide.parquet")
    at = table.schema.get_field_index("n_reporting_articles")
    table = table.set_column(at, pa.field("n_reporting_articles", pa.string(), nullable=False), table.column(at).cast(pa.string()))
    write_table(folder, "events_wide", table, csv=False)
    for path in (folder / "datapackage.json", folder.parents[1] / "datapackage.json"):  # the column declared text too
        desc = json.loads(path.read_text(encoding="utf-8"))
        field = next(f for r in desc["resources"] if r["name"] == "events_wide" for f in r["schema"]["fields"] if f["name"] == "n_reporting_articles")
        field["type"] = "string"
        field["constraints"].pop("minimum")
        path.write_text(publish.json_text(desc), encoding="utf-8")
    rewrite_manifest(folder)
    return ["events_wide: not made a pandas frame of its Parquet's columns"]


@fault("flipped-byte-in-parquet")
def _(folder):
    path = folder / "events.parquet"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    return [f"{NEWEST}/events.parquet: changed since publication"]


@fault("parquet-footer-damaged-manifest-updated")
def _(folder):
    """A footer byte flipped before the manifest was written; the rows still read back the same."""
    pos = flip_unnoticed_byte(folder / "quotes.parquet")
    rewrite_manifest(folder)
    return [f"{NEWEST}/quotes.parquet: damaged: its rows read back, but the file", f"first difference at byte {pos}"]


@fault("csv-cell-changed")
def _(folder):
    path = folder / "events.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count("off Venezuela’s coast") >= 1
    path.write_text(text.replace("off Venezuela’s coast", "off Colombia’s coast", 1), encoding="utf-8")
    return [f"{NEWEST}/events.csv: changed since publication", "events.csv and events.parquet disagree at row",
            "column location: CSV 'off Colombia’s coast', Parquet 'off Venezuela’s coast'"]


@fault("csv-and-parquet-disagree")
def _(folder):
    """One Parquet value changed, the manifest rewritten: only the CSV/Parquet comparison can catch it."""
    table = pq.read_table(folder / "events.parquet")
    row = row_of(table, "event_id", "004-cartel-de-los-soles-fto-takes-effect")
    write_table(folder, "events", set_cell(table, "source_actor_id", row, "marco-rubio"), csv=False)  # no other rule reads it
    rewrite_manifest(folder)
    return [f"events.csv and events.parquet disagree at row {row}, column source_actor_id: CSV None, Parquet 'marco-rubio' [csv-agrees-with-parquet]"]


@fault("missing-file")
def _(folder):
    (folder / "designations.csv").unlink()
    return [f"{NEWEST}/designations.csv: listed in manifest.json but missing"]


@fault("missing-parquet")
def _(folder):
    (folder / "actors.parquet").unlink()
    return [f"{NEWEST}/actors.parquet: listed in manifest.json but missing"]


@fault("extra-file")
def _(folder):
    (folder / "notes.txt").write_text("left behind\n", encoding="utf-8")
    return [f"{NEWEST}/notes.txt: file not listed in manifest.json"]


@fault("manifest-does-not-match")
def _(folder):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    entry = next(e for e in manifest["files"] if e["path"] == "quotes.csv")
    entry["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return [f"{NEWEST}/quotes.csv: changed since publication (manifest"]


@fault("manifest-unreadable")
def _(folder):
    path = folder / "manifest.json"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    return [f"{NEWEST}/manifest.json: unreadable"]


@fault("manifest-missing")
def _(folder):
    (folder / "manifest.json").unlink()
    return [f"{NEWEST}: manifest.json is missing"]


@fault("manifest-of-another-version")
def _(folder):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["version"] = "0.0.1"
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return [f"{NEWEST}/manifest.json: version is '0.0.1', expected '{NEWEST}'"]


@fault("row-deleted-manifest-updated")
def _(folder):
    """An event row gone from CSV and Parquet, manifest rewritten: the descriptor's hash and the foreign keys object."""
    table = pq.read_table(folder / "events.parquet")
    write_table(folder, "events", drop_row(table, row_of(table, "event_id", "004-cartel-de-los-soles-fto-takes-effect")))
    rewrite_manifest(folder)
    return ["events", "hash"]


@fault("row-deleted-consistently")
def _(folder):
    """The same, with the release's datapackage.json rewritten too: foreign keys and evidence coverage catch it."""
    table = pq.read_table(folder / "events.parquet")
    write_table(folder, "events", drop_row(table, row_of(table, "event_id", "004-cartel-de-los-soles-fto-takes-effect")))
    rewrite_descriptor_stats(folder, "events")
    rewrite_manifest(folder)
    return ["record '004-cartel-de-los-soles-fto-takes-effect' does not exist in events [record-has-evidence]"]


@fault("mention-row-deleted-consistently")
def _(folder):
    """A derived row gone (nothing refers to mentions by key): recomputing the mentions from the articles shows it."""
    table = pq.read_table(folder / "actor_mentions.parquet")
    write_table(folder, "actor_mentions", drop_row(table, 0))
    rewrite_descriptor_stats(folder, "actor_mentions")
    rewrite_manifest(folder)
    return [f"actor_mentions: the release has {table.num_rows - 1} rows, recomputing them from the other tables and the articles gives {table.num_rows}"]


@fault("quote-span-moved-consistently")
def _(folder):
    """A quote's offsets shifted in both files: the span no longer matches the article."""
    table = pq.read_table(folder / "quotes.parquet")
    start = table.column("char_start")[0].as_py()
    table = set_cell(set_cell(table, "char_start", 0, start + 1), "char_end", 0, table.column("char_end")[0].as_py() + 1)
    write_table(folder, "quotes", table)
    rewrite_descriptor_stats(folder, "quotes")
    rewrite_manifest(folder)
    return ["quotes: row 0: ", "[span-is-article-text]"]


def _rewrite_cell(folder: Path, name: str, column: str, row: int, value) -> None:
    """One cell changed in both files, descriptor and manifest rewritten: only the rules can tell."""
    table = pq.read_table(folder / f"{name}.parquet")
    write_table(folder, name, set_cell(table, column, row, value))
    rewrite_descriptor_stats(folder, name)
    rewrite_manifest(folder)


@fault("country-with-trailing-newline-consistently")
def _(folder):
    """Issue 13.1: a code that differs from a valid one by a trailing newline (Python's re.match with $ would accept it)."""
    table = pq.read_table(folder / "actors.parquet")
    _rewrite_cell(folder, "actors", "country", row_of(table, "actor_id", "marco-rubio"), "US\n")
    return ["country", "^[A-Z]{2}$"]


@fault("affiliation-cycle-consistently")
def _(folder):
    """Issue 13.6: an affiliation cycle (the build refuses it; validate finds it in a release)."""
    table = pq.read_table(folder / "actors.parquet")
    _rewrite_cell(folder, "actors", "affiliation_actor_id", row_of(table, "actor_id", "us-department-of-state"), "marco-rubio")
    return ["affiliation forms a cycle: marco-rubio -> us-department-of-state -> marco-rubio"]


@fault("direct-quote-reported-by-consistently")
def _(folder):
    """Issue 13.6: reported_by on a direct quote."""
    table = pq.read_table(folder / "quotes.parquet")
    row = table.column("attribution").to_pylist().index("direct")
    _rewrite_cell(folder, "quotes", "reported_by_actor_id", row, "cnn")
    return ["[direct-quote-not-reported]"]


@fault("occurred-event-after-publication-consistently")
def _(folder):
    """Issue 13.5: an occurred event dated after its article's latest publication date."""
    import datetime as dt

    table = pq.read_table(folder / "events.parquet")
    row = row_of(table, "event_id", "004-cartel-de-los-soles-fto-announced")
    table = set_cell(set_cell(set_cell(table, "date_start", row, dt.date(2025, 12, 1)), "date_end", row, dt.date(2025, 12, 1)), "date_precision", row, "day")
    write_table(folder, "events", table)
    rewrite_descriptor_stats(folder, "events")
    rewrite_manifest(folder)
    return ["an occurred event cannot start (2025-12-01) after the article's latest publication date 2025-11-23"]


@fault("claim-about-another-articles-event-consistently")
def _(folder):
    """Issue 14: a claim is about an event of its own article (cross-row rule shared with the build)."""
    table = pq.read_table(folder / "claims.parquet")
    row = row_of(table, "claim_id", "000-rubio-us-never-recognized-maduro-regime")
    _rewrite_cell(folder, "claims", "about_event_id", row, "004-us-non-recognition-of-maduro-government")
    return ["event '004-us-non-recognition-of-maduro-government' belongs to article 004_a369d1b0aa72c426, not to this article 000_41a7ef844e344957"]


@fault("date-beyond-year-9999-consistently")
def _(folder):
    """A date Python cannot hold (after 9999-12-31) in both files: a finding, not a traceback from the first check
    that reads the value (the CSV and Parquet comparison raised OverflowError)."""
    table = pq.read_table(folder / "events.parquet")
    days = pa.array([3_000_000] + [None] * (table.num_rows - 1), pa.int32()).cast(pa.date32())  # the year 10183
    write_table(folder, "events", table.set_column(table.schema.get_field_index("date_end"), "date_end", days))
    rewrite_descriptor_stats(folder, "events")
    rewrite_manifest(folder)
    return ["events.parquet: column date_end holds a date outside 0001-01-01..9999-12-31"]


# ------------------------------------------------------------------ tests ----
@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("corrupt") / "pristine")


@pytest.fixture
def broken_copy(pristine, tmp_path):
    """A fresh copy of the module's pristine copy (cheaper than copying the checkout)."""
    import shutil

    dest = tmp_path / "project"
    shutil.copytree(pristine, dest)
    return dest


def validate(root: Path, capsys, *, every_release: bool = False) -> tuple[int, str]:
    """`cartel-campaign validate --root <copy>`, in-process; the newest release only unless every_release."""
    code = cli.main(["validate", "--root", str(root), *([] if every_release else ["--version", NEWEST])])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_unbroken_copy_is_valid(broken_copy, capsys):
    code, out = validate(broken_copy, capsys, every_release=True)
    assert code == 0, out


@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_is_detected_and_named(name, broken_copy, capsys):
    folder = broken_copy / "dataset" / NEWEST
    expected = FAULTS[name](folder)
    code, out = validate(broken_copy, capsys)
    assert code == 1, out
    assert f"release {NEWEST}: " in out and "problem(s)" in out
    for text in expected:
        assert text in out, f"{text!r} not in:\n{out}"


def test_csv_parquet_disagreement_is_the_only_problem(broken_copy, capsys):
    """The disagreement check is what catches it; nothing else looks at the Parquet values twice, apart from the
    copies of them a release holds from 1.2.0 on (the views, the workbook, the deltas), which differ too."""
    folder = broken_copy / "dataset" / NEWEST
    (expected,) = FAULTS["csv-and-parquet-disagree"](folder)
    code, out = validate(broken_copy, capsys)
    problems = [line for line in out.splitlines() if line.startswith(f"  {NEWEST}: ")]
    assert code == 1
    assert problems[0] == f"  {NEWEST}: {expected}", out
    copies = ("-recomputed]", "cartel_campaign.xlsx: ", "deltas.jsonl: ", "plover.jsonl: ")
    assert all(any(c in p for c in copies) for p in problems[1:]), out


def test_older_releases_stay_valid_when_the_newest_is_broken(broken_copy, capsys):
    FAULTS["csv-cell-changed"](broken_copy / "dataset" / NEWEST)
    code, out = validate(broken_copy, capsys, every_release=True)
    assert code == 1
    for v in cc.versions(broken_copy, drafts=True)[:-1]:
        assert f"release {v}: valid" in out


def test_the_real_command_exits_1_and_names_the_file(broken_copy):
    FAULTS["missing-file"](broken_copy / "dataset" / NEWEST)
    result = subprocess.run([sys.executable, "-m", "cartel_campaign.cli", "validate", "--root", str(broken_copy), "--version", NEWEST],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{NEWEST}/designations.csv: listed in manifest.json but missing" in result.stdout


# ------------------------------------------------ consistent rewrites: facts, not checksums ----
# Every file of a release rewritten so that rows, CSV, Parquet, manifest and the release's own
# descriptor agree. Checksums cannot see it; the facts can.
OLDER = "1.0.0"  # a published release that seeds/ no longer build: only the evidence-tied rules guard it


def rewrite_consistently(folder: Path, name: str, table: pa.Table, *, root_descriptor: bool = False) -> None:
    write_table(folder, name, table)
    paths = [folder / "datapackage.json"] + ([folder.parents[1] / "datapackage.json"] if root_descriptor else [])
    for path in paths:
        desc = json.loads(path.read_text(encoding="utf-8"))
        res = next(r for r in desc["resources"] if r["name"] == name)
        res["bytes"], res["hash"] = (folder / f"{name}.csv").stat().st_size, f"sha256:{sha256_file(folder / f'{name}.csv')}"
        path.write_text(publish.json_text(desc), encoding="utf-8")
    rewrite_manifest(folder)


def changed(folder: Path, name: str, key: str, value, column: str, new) -> pa.Table:
    table = pq.read_table(folder / f"{name}.parquet")
    return set_cell(table, column, row_of(table, key, value), new)


def wheel_layout(root: Path, dest: Path) -> Path:
    """What an installed wheel holds: dataset/, datapackage.json and the articles, no seeds/releases.yaml."""
    import shutil

    shutil.copytree(root / "dataset", dest / "dataset")
    shutil.copy(root / "datapackage.json", dest / "datapackage.json")
    (dest / "seeds").mkdir()
    for txt in (root / "seeds").glob("*.txt"):
        shutil.copy(txt, dest / "seeds" / txt.name)
    return dest


def test_a_consistent_rewrite_of_the_newest_release_fails_against_the_rebuild(broken_copy, capsys):
    """The hole of issue 13.4: strike -> killing in Parquet, CSV, manifest and both descriptors."""
    folder = broken_copy / "dataset" / NEWEST
    rewrite_consistently(folder, "events", changed(folder, "events", "event_id", "001-us-20th-strike-on-vessels", "event_type", "killing"),
                         root_descriptor=True)
    code, out = validate(broken_copy, capsys)
    assert code == 1, out
    assert f"  checkout: dataset/{NEWEST}/events.csv: differs from a rebuild of seeds/" in out
    assert f"  checkout: dataset/{NEWEST}/events.parquet: differs from a rebuild of seeds/" in out


OLDER_REWRITES = {
    "fatalities": (("events", "event_id", "001-us-20th-strike-on-vessels", "fatalities", 5),
                   "001-us-20th-strike-on-vessels: fatalities 5 does not appear in the event's evidence text (as digits or a number word) "
                   "[fatalities-in-evidence]"),
    "quote-text": (("quotes", "quote_id", "000-rubio-confronted", "text", "confessed."), "quotes: row 0: "),
    "title": (("articles", "article_id", None, "title", "A different headline"),
              "articles: row 0: title 'A different headline' is not the start of the article text [title-is-headline]"),
}


@pytest.mark.parametrize("layout", ["checkout", "wheel"])
@pytest.mark.parametrize("name", list(OLDER_REWRITES))
def test_a_consistent_rewrite_of_an_older_release_fails_on_its_evidence(name, layout, broken_copy, tmp_path, capsys):
    """An older release cannot be rebuilt; the rules that tie values to the articles (the build's own) catch it,
    in a checkout and where only the articles are present (an installed wheel)."""
    (table, key, value, column, new), expected = OLDER_REWRITES[name]
    folder = broken_copy / "dataset" / OLDER
    if value is None:
        value = pq.read_table(folder / f"{table}.parquet").column(key)[0].as_py()
    rewrite_consistently(folder, table, changed(folder, table, key, value, column, new))
    root = broken_copy if layout == "checkout" else wheel_layout(broken_copy, tmp_path / "wheel")
    code = cli.main(["validate", "--root", str(root), "--version", OLDER])
    out = capsys.readouterr()
    assert code == 1, out.out + out.err
    assert f"release {OLDER}: " in out.out and expected in out.out, out.out
    assert ("checkout:" in out.out) == (layout == "checkout")  # (the checkout's rebuild may object too: the draft corrects 1.0.0)


def test_the_root_datapackage_must_be_the_newest_releases(broken_copy, capsys):
    (broken_copy / "datapackage.json").write_text(publish.json_text(publish.root_descriptor(broken_copy / "dataset" / OLDER, OLDER)), encoding="utf-8")
    code, out = validate(broken_copy, capsys)
    assert code == 1, out
    assert (f"datapackage.json: expected the descriptor of the newest release, {NEWEST} (dataset/{NEWEST}/datapackage.json "
            f"with paths from the root); found a different one (version '{OLDER}')") in out


def test_a_release_descriptor_of_another_version(broken_copy, capsys):
    path = broken_copy / "dataset" / OLDER / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace(f'"version": "{OLDER}"', '"version": "0.9.0"', 1), encoding="utf-8")
    rewrite_manifest(path.parent)
    code = cli.main(["validate", "--root", str(broken_copy), "--version", OLDER])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{OLDER}/datapackage.json: version is '0.9.0', expected '{OLDER}' (the release's folder)" in out


@pytest.mark.parametrize("kind", ["entry-removed", "stray-folder"])
def test_releases_are_exactly_the_declared_ones(kind, broken_copy, capsys):
    import shutil

    if kind == "entry-removed":
        path = broken_copy / "seeds" / "releases.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text[: text.index("- version: 0.1.0")] + text[text.index("- version: 1.0.0"):], encoding="utf-8")
        stray = "0.1.0"
    else:
        stray = "0.0.9"
        shutil.copytree(broken_copy / "dataset" / "0.1.0", broken_copy / "dataset" / stray)
        publish.write_manifest(broken_copy / "dataset" / stray, stray)
    code, out = validate(broken_copy, capsys)
    assert code == 1, out
    assert f"  checkout: seeds/releases.yaml: expected an entry for every release in dataset/; found dataset/{stray}/ with none" in out
    # the build refuses the same (bad input: exit 2), and changes nothing
    from cartel_campaign.build import pipeline

    assert pipeline.main(["--root", str(broken_copy), "-q", "--force"]) == 2
    assert f"error: seeds/releases.yaml: expected an entry for every release in dataset/; found dataset/{stray}/ with none" in capsys.readouterr().err


def test_an_older_release_rewritten_consistently_is_refused_by_its_pin(broken_copy, capsys):
    """An older published release cannot be rebuilt from seeds/, and no rule ties an event's type to the text:
    its files, its datapackage.json and its manifest rewritten to agree pass every check of the release
    itself. The pin in seeds/releases.yaml (the sha256 of its manifest) is what refuses it, in `validate`
    and in the build, with no git involved."""
    version = cc.versions(broken_copy, drafts=True)[-2]
    folder = broken_copy / "dataset" / version
    events = pq.read_table(folder / "events.parquet")
    row = events.column("event_type").to_pylist().index("designation")
    write_table(folder, "events", set_cell(events, "event_type", row, "policy"))
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == "events")
    res["bytes"], res["hash"] = (folder / "events.csv").stat().st_size, f"sha256:{sha256_file(folder / 'events.csv')}"
    (folder / "datapackage.json").write_text(publish.json_text(desc), encoding="utf-8")
    rewrite_manifest(folder)
    code, out = validate(broken_copy, capsys, every_release=True)
    assert code == 1, out
    assert f"release {version}: valid" in out  # consistent: the release's own checks cannot tell
    assert ("seeds/releases.yaml:" in out and f"release {version}: expected dataset/{version}/manifest.json with sha256 " in out
            and "a published release is never changed" in out), out
    built = subprocess.run([sys.executable, "-m", "cartel_campaign.build.pipeline", "--root", str(broken_copy), "-q"],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 2 and f"release {version}: expected dataset/{version}/manifest.json" in built.stderr, built.stderr
