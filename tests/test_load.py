"""What a user gets from `import cartel_campaign`: tables with the right dtypes, nothing heavy imported."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT, newest_built

import cartel_campaign as cc
from cartel_campaign import records


def test_tables_and_versions():
    assert cc.tables()[:4] == ["articles", "actors", "actor_aliases", "events"]
    assert {"events", "actors", "actor_aliases", "designations", "quotes", "evidence", "articles", "actor_mentions"} <= set(cc.tables())
    assert cc.__version__ in cc.versions(drafts=True)
    assert cc.versions() == sorted(cc.versions(), key=lambda v: tuple(map(int, v.split("."))))


def test_load_dtypes_follow_the_schema():
    newest = newest_built()
    for name in cc.tables(newest):
        df = cc.load(name, newest)
        schema = cc.datapackage(newest)["resources"][cc.tables(newest).index(name)]["schema"]
        assert list(df.columns) == [f["name"] for f in schema["fields"]]
        for f in schema["fields"]:
            want = __import__("cartel_campaign.release").release.TYPES[f["type"]][1]
            assert str(df[f["name"]].dtype) == want, (name, f["name"], df[f["name"]].dtype)


def test_load_all_and_errors():
    frames = cc.load_all()
    assert set(frames) == set(cc.tables())
    assert sorted(frames["articles"].seed_file) == sorted(f"seeds/{p.name}" for p in (cc.data_root() / "seeds").glob("*.txt"))
    with pytest.raises(ValueError, match="unknown table 'event'"):
        cc.load("event")
    with pytest.raises(ValueError, match="unknown dataset version '9.9.9'"):
        cc.load("events", version="9.9.9")


def test_load_path_imports_neither_pandera_nor_frictionless():
    code = (
        "import sys, cartel_campaign as cc; cc.load('events'); cc.load_all(); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pandera', 'frictionless')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_contract_columns_exist():
    """The columns the data contract requires are all there."""
    required = {
        "articles": "article_id seed_file sha256 n_chars title published_earliest published_latest published_basis",
        "actors": "actor_id name actor_type country",
        "actor_aliases": "actor_id alias",
        "events": "event_id event_type summary date_start date_end date_precision location country fatalities",
        "event_actors": "event_id actor_id role",
        "designations": "designation_id target_actor_id authority_actor_id designation_type legal_basis announced_date effective_date",
        "quotes": "quote_id article_id speaker_actor_id text char_start char_end",
        "evidence": "record_table record_id article_id char_start char_end text",
    }
    for table, cols in required.items():
        schema = json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text(encoding="utf-8"))
        assert set(cols.split()) <= {f["name"] for f in schema["fields"]}, table


def test_every_record_has_evidence():
    frames = cc.load_all(newest_built())
    ev = frames["evidence"]
    for table, key in ((r.table, r.id_column) for r in records.evidenced() if r.table in frames):
        cited = set(ev.loc[ev.record_table == table, "record_id"])
        assert set(frames[table][key]) <= cited, table


# --- paths, backends, the data dictionary, article texts (issue 15) and versions (issue 13.9) ---

FUNCTIONS = {"load": lambda v: cc.load("events", v), "load_all": cc.load_all, "datapackage": cc.datapackage,
             "tables": cc.tables, "path": lambda v: cc.path("events", v), "describe": lambda v: cc.describe(version=v),
             "release_dir": cc.release_dir, "article_text": lambda v: cc.article_text("004_a369d1b0aa72c426", v)}
OUTSIDE = ["..", "../1.0.0", "1.0.0/..", "1.0.0/../1.0.0", "/etc", str(ROOT / "dataset" / "1.0.0"), "", "1.0", "latest", " 1.0.0"]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("version", OUTSIDE)
def test_only_a_listed_version_is_accepted(name, version):
    with pytest.raises(cc.ReleaseError) as err:
        FUNCTIONS[name](version)
    drafts = "".join(f"; draft: {v}" for v in cc.versions(drafts=True) if v not in cc.versions())
    assert str(err.value) == f"unknown dataset version {version!r}; published versions: {', '.join(cc.versions())}{drafts}"


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("version", [1.0, 1, b"1.0.0", ROOT / "dataset" / "1.0.0", ["1.0.0"]])
def test_a_version_that_is_not_a_string_is_a_type_error(name, version):
    with pytest.raises(TypeError, match=rf"^version must be a string such as '{cc.versions()[-1]}', not {type(version).__name__}; published versions: "):
        FUNCTIONS[name](version)


def test_a_folder_outside_the_dataset_is_never_read(tmp_path, monkeypatch):
    """A copy of a release next to dataset/ (reachable with '..') is not a version."""
    import shutil

    root = tmp_path / "data"
    shutil.copytree(ROOT / "dataset" / "1.0.0", root / "dataset" / "1.0.0")
    shutil.copytree(ROOT / "dataset" / "1.0.0", root / "elsewhere")
    shutil.copy(ROOT / "datapackage.json", root / "datapackage.json")
    monkeypatch.setenv(cc.DATA_ENV, str(root))
    assert cc.versions() == ["1.0.0"]
    assert len(cc.load("events", "1.0.0")) > 0
    for bad in ("../elsewhere", str(root / "elsewhere")):
        with pytest.raises(cc.ReleaseError, match="published versions: 1.0.0$"):
            cc.load("events", bad)


def test_path_names_the_release_files():
    for v in cc.versions(drafts=True):
        for t in cc.tables(v):
            assert cc.path(t, v) == cc.data_root() / "dataset" / v / f"{t}.parquet"
            assert cc.path(t, v, format="csv") == cc.data_root() / "dataset" / v / f"{t}.csv"
            assert cc.path(t, v).is_file() and cc.path(t, v, "csv").is_file()
    assert cc.path("events") == cc.path("events", cc.versions()[-1])
    with pytest.raises(cc.ReleaseError, match=r"^unknown format 'xlsx'; formats: parquet, csv$"):
        cc.path("events", format="xlsx")
    with pytest.raises(cc.ReleaseError, match=r"^unknown table 'event'; tables: articles, "):
        cc.path("event")


def test_backends_hold_the_same_table():
    import polars as pl
    import pyarrow as pa
    import pyarrow.parquet as pq

    for t in cc.tables():
        arrow = cc.load(t, backend="arrow")
        assert isinstance(arrow, pa.Table) and arrow.equals(pq.read_table(cc.path(t)))
        polars = cc.load(t, backend="polars")
        assert isinstance(polars, pl.DataFrame) and polars.equals(pl.read_parquet(cc.path(t)))
        assert cc.load(t, backend="pandas").equals(cc.load(t))
    assert set(cc.load_all(backend="arrow")) == set(cc.tables())
    with pytest.raises(cc.ReleaseError, match=r"^unknown backend 'spark'; backends: pandas, arrow, polars$"):
        cc.load("events", backend="spark")


def test_polars_backend_without_polars_says_which_extra():
    code = "import sys; sys.modules['polars'] = None; import cartel_campaign as cc; cc.load('events', backend='polars')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ModuleNotFoundError: load(..., backend='polars') needs polars, which is not installed; "
        "install it with: pip install 'cartel-campaign-data[polars]'")


def test_describe_is_the_release_schema():
    for v in cc.versions(drafts=True):
        whole = cc.describe(version=v)
        assert list(whole.columns) == ["table", "column", "type", "required", "unique", "allowed", "description"]
        for r in cc.datapackage(v)["resources"]:
            one = cc.describe(r["name"], v)
            fields = r["schema"]["fields"]
            assert one.column.tolist() == [f["name"] for f in fields]
            assert one.type.tolist() == [f["type"] for f in fields]
            assert one.description.tolist() == [f.get("description", "") for f in fields]
            assert whole[whole.table == r["name"]].reset_index(drop=True).equals(one)
    events = cc.describe("events").set_index("column")
    enum = next(f for f in cc.datapackage()["resources"][cc.tables().index("events")]["schema"]["fields"] if f["name"] == "event_type")
    assert events.loc["event_type", "allowed"] == ", ".join(enum["constraints"]["enum"])
    assert bool(events.loc["event_id", "required"]) and bool(events.loc["event_id", "unique"])


def test_load_docstring_lists_every_table():
    """help(cartel_campaign.load) names the tables (of every release) and where their columns are."""
    for v in cc.versions(drafts=True):
        for t in cc.tables(v):
            assert re.search(rf"\b{t}\b", cc.load.__doc__), t
    assert "describe(" in cc.load.__doc__


def test_article_text_is_the_source_the_offsets_index():
    import hashlib

    articles = cc.load("articles")
    for row in articles.itertuples():
        text = cc.article_text(row.article_id)
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == row.sha256
        assert len(text) == row.n_chars
    quotes = cc.load("quotes")
    for q in quotes.itertuples():
        assert cc.article_text(q.article_id)[q.char_start:q.char_end] == q.text
    with pytest.raises(cc.ReleaseError, match=r"^unknown article '004'; articles: 000_"):
        cc.article_text("004")
    with pytest.raises(cc.ReleaseError, match=r"^unknown article '../../etc/passwd'"):
        cc.article_text("../../etc/passwd")


def release_tree(tmp_path, versions: list[str], draft: str | None):
    """A data root with copies of these built releases; `draft` (if any) marked a draft in its datapackage.json
    as the build writes it while seeds/releases.yaml calls it a draft."""
    import shutil

    root = tmp_path / "root"
    for v in versions:
        shutil.copytree(ROOT / "dataset" / v, root / "dataset" / v)
    if draft:
        desc = root / "dataset" / draft / "datapackage.json"
        data = {k: v for k, v in json.loads(desc.read_text(encoding="utf-8")).items() if k != "status"}
        desc.write_text(json.dumps({**data, "status": "draft"}), encoding="utf-8")
    shutil.copy(root / "dataset" / versions[-1] / "datapackage.json", root / "datapackage.json")
    return root


def test_versions_lists_published_releases_unless_drafts_are_asked_for(tmp_path, monkeypatch):
    """A draft release is left out of versions() (drafts=True lists it), is not what load() reads by default
    (the newest published release is), and can be loaded by name."""
    built = cc.versions(drafts=True)
    previous, newest = built[-2], built[-1]
    root = release_tree(tmp_path, built[-2:], draft=newest)
    assert cc.versions(root) == [previous]
    assert cc.versions(root, drafts=True) == [previous, newest]
    assert cc.checked_version(newest, root) == newest
    with pytest.raises(cc.ReleaseError, match=f"published versions: {previous}; draft: {newest}$"):
        cc.checked_version("9.9.9", root)
    monkeypatch.setenv(cc.DATA_ENV, str(root))
    assert cc.datapackage()["version"] == previous and cc.tables() == cc.tables(previous)
    assert cc.load("events").equals(cc.load("events", previous))
    assert cc.path("events") == root / "dataset" / previous / "events.parquet"
    assert cc.datapackage(newest)["status"] == "draft" and len(cc.load("events", newest)) > 0


def test_with_no_published_release_load_names_the_draft(tmp_path, monkeypatch):
    newest = cc.versions(drafts=True)[-1]
    monkeypatch.setenv(cc.DATA_ENV, str(release_tree(tmp_path, [newest], draft=newest)))
    assert cc.versions() == [] and cc.versions(drafts=True) == [newest]
    with pytest.raises(cc.ReleaseError, match=rf"^no published release to load by default; published versions: none; draft: {newest} "
                                              r"\(a draft is loaded only when named: version=\.\.\.\)$"):
        cc.load("events")
    assert len(cc.load("events", newest)) > 0


def test_the_checkout_lists_its_published_releases_and_loads_the_newest_by_default():
    """versions() is the releases seeds/releases.yaml calls published (a draft only with drafts=True), and
    load()'s default is the newest of them: true while the newest release is a draft and after it is published."""
    import yaml

    releases = yaml.safe_load((ROOT / "seeds" / "releases.yaml").read_text(encoding="utf-8"))
    assert cc.versions() == [r["version"] for r in releases if r["status"] == "published"]
    assert cc.versions(drafts=True) == [r["version"] for r in releases]
    assert cc.datapackage()["version"] == cc.versions()[-1] and "status" not in cc.datapackage()
    assert all(cc.datapackage(v).get("status") == "draft" for v in cc.versions(drafts=True) if v not in cc.versions())


def test_a_table_of_a_later_release_says_when_it_was_added():
    built = cc.versions(drafts=True)
    added = {t: next(v for v in built if t in cc.tables(v)) for t in cc.tables(built[-1])}
    later = [(t, v) for t, v in added.items() if v != built[0]]
    assert later
    for table, version in later:
        before = built[built.index(version) - 1]
        with pytest.raises(cc.ReleaseError, match=rf"release {before} has no table '{table}': it was added in {version}"):
            cc.load(table, version=before)


def test_the_namespace_shows_only_the_api():
    assert dir(cc) == sorted(cc.__all__)
    for name in cc.__all__:
        assert hasattr(cc, name), name
    for name in ("json", "os", "Path", "lru_cache", "annotations", "is_version", "version_key", "checked_version"):
        assert name not in dir(cc), name


def test_categories_on_request_have_every_allowed_value():
    newest = newest_built()
    for name in cc.tables(newest):
        enums = {f["name"]: f["constraints"]["enum"] for f in cc.datapackage(newest)["resources"][cc.tables(newest).index(name)]["schema"]["fields"]
                 if "enum" in f.get("constraints", {})}
        plain, cat = cc.load(name, newest), cc.load(name, newest, categories=True)
        for column, values in enums.items():
            assert list(cat[column].cat.categories) == values, (name, column)
            as_values = [s.astype(object).where(s.notna(), None).tolist() for s in (cat[column], plain[column])]
            assert as_values[0] == as_values[1], (name, column)
        assert all(str(plain[c].dtype) != "category" for c in plain.columns)
    events = cc.load("events", backend="polars", categories=True)
    assert events.schema["event_type"].categories.to_list() == enums_of("events")["event_type"]
    with pytest.raises(cc.ReleaseError, match="categories=True applies to the pandas and polars"):
        cc.load("events", backend="arrow", categories=True)


def enums_of(table):
    res = cc.datapackage()["resources"][cc.tables().index(table)]
    return {f["name"]: f["constraints"]["enum"] for f in res["schema"]["fields"] if "enum" in f.get("constraints", {})}


def test_the_newest_parquet_files_carry_column_descriptions():
    """From 1.2.0 the Parquet files store each column's description as field metadata (pyarrow, DuckDB's arrow schema)."""
    import pyarrow.parquet as pq

    newest = newest_built()
    for res in cc.datapackage(newest)["resources"]:
        schema = pq.read_schema(cc.path(res["name"], newest))
        for f in res["schema"]["fields"]:
            assert schema.field(f["name"]).metadata == {b"description": f["description"].encode("utf-8")}, (res["name"], f["name"])
