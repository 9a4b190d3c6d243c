"""Nothing a release holds can hurt the person who opens it, and damaged files never load as data (issue 22):
the loader checks each file against its release's manifest, an installed package checks its releases against
the pins it carries and the wheel's RECORD, paths from data stay inside the data, Frictionless never sees a
path that leaves the release, and an empty table's columns do not crash old pyarrow."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from importlib import metadata
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import cartel_campaign as cc
from cartel_campaign import checks, cli, integrity, release
from cartel_campaign.build import pipeline, verify
from cartel_campaign.validate import check_frictionless, validate_release
from conftest import ROOT, newest_built

NEWEST = cc.versions(ROOT)[-1]  # the newest published release: what load() reads by default


@pytest.fixture
def data_root(tmp_path, monkeypatch) -> Path:
    """The installed package's layout (datapackage.json, dataset/, the articles in seeds/; no checkout), used as the data root."""
    root = tmp_path / "data"
    (root / "seeds").mkdir(parents=True)
    shutil.copytree(ROOT / "dataset", root / "dataset")
    shutil.copy(ROOT / "datapackage.json", root / "datapackage.json")
    for txt in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(txt, root / "seeds" / txt.name)
    monkeypatch.setenv(cc.DATA_ENV, str(root))
    return root


def rewrite(path: Path, data: bytes, *, manifest: bool = False) -> None:
    """Write `data` to a release file (a new mtime each time, so no earlier check is reused); with manifest, record
    its new size and sha256 in the release's manifest.json too (a consistent rewrite)."""
    path.write_bytes(data)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    if manifest:
        m = json.loads((path.parent / "manifest.json").read_text(encoding="utf-8"))
        for e in m["files"]:
            if e["path"] == path.name:
                e["bytes"], e["sha256"] = len(data), hashlib.sha256(data).hexdigest()
        (path.parent / "manifest.json").write_text(release.json_text(m), encoding="utf-8")


# ------------------------------------------------------------ 5: the loader ----
def test_load_refuses_every_bit_flip_naming_the_file(data_root):
    file = data_root / "dataset" / NEWEST / "events.parquet"
    raw = file.read_bytes()
    cc.load("events")  # the intact file loads
    for i in range(0, len(raw), max(1, len(raw) // 40)):
        flipped = bytearray(raw)
        flipped[i] ^= 1 << (i % 8)
        rewrite(file, bytes(flipped))
        with pytest.raises(cc.DamagedFileError, match=f"{file}: damaged or changed: expected {len(raw)} bytes with sha256 "):
            cc.load("events", backend="arrow")


def test_load_checks_a_file_once_and_again_when_it_changes(data_root):
    file = data_root / "dataset" / NEWEST / "actors.parquet"
    first = cc.load("actors")
    assert not integrity.unchecked(file)  # checked already in this process, unchanged since
    assert cc.load("actors").equals(first)
    rewrite(file, file.read_bytes()[:-1])
    with pytest.raises(cc.DamagedFileError, match="actors.parquet: damaged or changed"):
        cc.load("actors")


def test_diff_refuses_a_damaged_file(data_root, capsys):
    file = data_root / "dataset" / NEWEST / "events.parquet"
    raw = bytearray(file.read_bytes())
    raw[len(raw) // 2] ^= 4
    rewrite(file, bytes(raw))
    assert cli.main(["diff", "1.0.0", NEWEST, "--rows"]) == 1  # damaged data (exit 1), not a wrong argument (2)
    assert capsys.readouterr().err.startswith(f"error: {file}: damaged or changed: expected ")


def test_load_refuses_a_file_its_manifest_does_not_list(data_root):
    folder = data_root / "dataset" / NEWEST
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    m["files"] = [e for e in m["files"] if e["path"] != "claims.parquet"]
    (folder / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(cc.DamagedFileError, match="claims.parquet: not listed in its release's manifest.json"):
        cc.load("claims")
    (folder / "manifest.json").unlink()
    with pytest.raises(cc.DamagedFileError, match="manifest.json: missing"):
        cc.load("claims")


# ------------------------------------------------ 6: an installed package ----
def test_the_packaged_pins_are_the_build_s():
    releases = pipeline.read_releases(ROOT)
    assert (ROOT / verify.PINS_FILE).read_bytes() == verify.pins_file(ROOT, releases, ROOT / "dataset" / newest_built())
    from cartel_campaign._pins import PINS

    assert list(PINS) == cc.versions(ROOT, drafts=True)
    for rel in releases[:-1]:
        assert PINS[rel["version"]] == rel["manifest_sha256"]


def test_installed_validate_refuses_a_consistent_forgery_and_says_what_it_cannot_check(data_root, capsys):
    assert cli.validate_installed(data_root) == []
    out = capsys.readouterr().out
    assert "scope: outside a checkout" in out and "Not checked here: that the newest release is what its annotations build" in out
    assert "installed package: valid" in out
    # the forger rewrites a file and its manifest entry: every file matches its manifest, the manifest is not the pinned one
    events = data_root / "dataset" / "1.0.0" / "events.parquet"
    table = pq.read_table(events)
    sink = pa.BufferOutputStream()
    pq.write_table(table.slice(1), sink, compression=release.PARQUET_COMPRESSION)
    rewrite(events, sink.getvalue().to_pybytes(), manifest=True)
    from cartel_campaign._pins import PINS

    problems = cli.validate_installed(data_root)
    assert problems == [f"dataset/1.0.0/manifest.json: expected sha256 {PINS['1.0.0']} (the package's pin, cartel_campaign/_pins.py), "
                        f"found {hashlib.sha256((data_root / 'dataset/1.0.0/manifest.json').read_bytes()).hexdigest()}: "
                        "the release is not the one published"]
    assert "installed package: 1 problem(s)" in capsys.readouterr().out


def test_installed_validate_refuses_a_release_the_package_does_not_pin(data_root):
    shutil.copytree(data_root / "dataset" / NEWEST, data_root / "dataset" / "9.9.9")
    problems = cli.validate_installed(data_root)
    assert problems and problems[0].startswith("dataset/9.9.9: not a release of this package (it pins 0.1.0, 1.0.0")


def fake_install(site: Path, data: Path) -> metadata.Distribution:
    """An installed distribution as pip leaves it: the package's files under site/ and a dist-info RECORD of their hashes."""
    shutil.copytree(data, site / "cartel_campaign" / "data")
    shutil.copy(ROOT / "src" / "cartel_campaign" / "_pins.py", site / "cartel_campaign" / "_pins.py")
    info = site / "cartel_campaign_data-0.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cartel-campaign-data\nVersion: 0.0.0\n", encoding="utf-8")
    lines = []
    for p in sorted((site / "cartel_campaign").rglob("*")):
        if p.is_file():
            digest = base64.urlsafe_b64encode(hashlib.sha256(p.read_bytes()).digest()).rstrip(b"=").decode()
            lines.append(f"{p.relative_to(site).as_posix()},sha256={digest},{p.stat().st_size}")
    (info / "RECORD").write_text("\n".join(lines + [f"{info.name}/RECORD,,"]) + "\n", encoding="utf-8")
    return metadata.PathDistribution(info)


def test_installed_files_are_checked_against_the_wheel_s_record(data_root, tmp_path):
    dist = fake_install(tmp_path / "site", data_root)
    installed = tmp_path / "site" / "cartel_campaign" / "data"
    problems, said = integrity.record_problems(installed, dist)
    assert problems == [] and said.startswith("RECORD: ") and "installed files checked" in said
    pins = tmp_path / "site" / "cartel_campaign" / "_pins.py"
    pins.write_text(pins.read_text(encoding="utf-8").replace('"0.1.0": "1', '"0.1.0": "2'), encoding="utf-8")
    (installed / "seeds" / sorted(p.name for p in (installed / "seeds").glob("*.txt"))[0]).write_text("forged", encoding="utf-8")
    problems, _ = integrity.record_problems(installed, dist)
    first_article = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))[0]
    assert [p.split(":")[0] for p in problems] == ["cartel_campaign/_pins.py", f"cartel_campaign/data/seeds/{first_article}"]
    assert all("differs from the wheel's RECORD" in p for p in problems)
    assert integrity.record_problems(data_root, dist)[1].startswith("RECORD: not checked (the data validated")


# ------------------------------------- 7: resource paths Frictionless would open ----
@pytest.mark.parametrize("key,value", [
    ("path", "http://127.0.0.1:9/events.csv"), ("path", "/etc/hostname"), ("path", "../../datapackage.json"),
    ("path", ["events.csv", "file:///etc/hostname"]), ("schema", "https://127.0.0.1:9/schema.json"), ("dialect", "/etc/hostname"),
    ("profile", "http://127.0.0.1:9/profile.json"), ("name", "../../../etc/events"),
])
def test_frictionless_never_sees_a_path_that_leaves_the_release(data_root, key, value):
    folder = data_root / "dataset" / NEWEST
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (res,) = [r for r in desc["resources"] if r["name"] == "events"]
    res[key] = value
    (folder / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    expected = f"datapackage.json: resource {res['name']!r} {key}: expected "
    for problems in (check_frictionless(folder / "datapackage.json"), validate_release(NEWEST, data_root)):
        assert any(p.startswith(expected) for p in problems), problems


def test_an_export_path_outside_the_release_is_refused(data_root):
    folder = data_root / "dataset" / NEWEST
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    desc["exports"][0]["path"] = "/etc/hostname"
    (folder / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    problems = validate_release(NEWEST, data_root)
    assert any(p.startswith("datapackage.json: export 'designations-ftm' path: expected a relative file path") for p in problems), problems


def test_the_root_descriptor_is_refused_too(data_root):
    desc = json.loads((data_root / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["path"] = "https://127.0.0.1:9/articles.csv"
    (data_root / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    assert check_frictionless(data_root / "datapackage.json") == [
        "datapackage.json: resource 'articles' path: expected a relative file path inside its folder (no URL, no absolute path, no '..'), "
        "found 'https://127.0.0.1:9/articles.csv'"]


def test_a_symlink_out_of_the_release_is_refused(data_root, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text("x\n", encoding="utf-8")
    folder = data_root / "dataset" / NEWEST
    (folder / "link.csv").symlink_to(outside)
    desc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["path"] = "link.csv"
    (folder / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    assert any("leads outside" in p for p in check_frictionless(folder / "datapackage.json"))


# -------------------------------------------------------- 8: paths from data ----
def tamper_seed_file(root: Path, seed_file: str) -> str:
    """articles.parquet of the newest release rewritten (manifest too) with the first article's seed_file replaced; its id."""
    path = root / "dataset" / NEWEST / "articles.parquet"
    table = pq.read_table(path)
    col = table.schema.get_field_index("seed_file")
    table = table.set_column(col, table.schema.field(col), pa.array([seed_file] + table["seed_file"].to_pylist()[1:]))
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=release.PARQUET_COMPRESSION)
    rewrite(path, sink.getvalue().to_pybytes(), manifest=True)
    return table["article_id"][0].as_py()


@pytest.mark.parametrize("seed_file", ["/etc/passwd", "seeds/../../../../../../etc/passwd", "../etc/passwd", "seeds/sub/x.txt", "https://127.0.0.1:9/x.txt"])
def test_article_text_stays_in_seeds(data_root, seed_file):
    article_id = tamper_seed_file(data_root, seed_file)
    with pytest.raises(cc.DamagedFileError, match=f"article {article_id}: seed_file: expected "):
        cc.article_text(article_id)


def test_article_text_refuses_a_symlink_out_of_seeds_and_a_changed_article(data_root, tmp_path):
    article_id = cc.load("articles").article_id[0]
    seed = data_root / cc.load("articles").seed_file[0]
    assert cc.article_text(article_id) == seed.read_text(encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    seed.unlink()
    seed.symlink_to(outside)
    with pytest.raises(cc.DamagedFileError, match="leads outside"):
        cc.article_text(article_id)
    seed.unlink()
    seed.write_text("changed", encoding="utf-8")
    with pytest.raises(cc.DamagedFileError, match="damaged or changed: expected sha256"):
        cc.article_text(article_id)


@pytest.mark.parametrize("article", ["/etc/hostname", "../outside.txt", "sub/../../outside.txt"])
def test_coverage_annotation_reads_only_the_article_next_to_it(tmp_path, article, capsys):
    from cartel_campaign import coverage

    (tmp_path / "outside.txt").write_text("He said \u201cno\u201d.\n", encoding="utf-8")
    folder = tmp_path / "seeds"
    folder.mkdir()
    ann = folder / "009_0000000000000000.yaml"
    ann.write_text(f"article: {json.dumps(article)}\nquotes: []\n", encoding="utf-8")
    assert coverage.main(["--annotation", str(ann)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {ann}: cannot read the annotation or its article (article: expected ") and "\n" == err[-1] and err.count("\n") == 1


def test_validate_reports_a_seed_file_outside_seeds(data_root):
    tamper_seed_file(data_root, "/etc/passwd")
    problems = validate_release(NEWEST, data_root, use_frictionless=False)
    assert any(p.startswith("articles: ") and "seed_file: expected a file name in seeds/" in p for p in problems)


# ----------------------------------------------------- 11: empty tables, old pyarrow ----
def test_constraint_checks_never_hand_a_zero_chunk_column_to_pyarrow_compute(monkeypatch):
    """pyarrow < 26 crashes (segfault) in indices_nonzero (and value_counts) on a column with no chunk at all, which is what
    older pyarrow reads from an empty Parquet file (quote_exclusions of 0.1.0 and 1.0.0). The installed pyarrow does not crash,
    so the crash is stood in for by an error."""
    for name in ("indices_nonzero", "value_counts"):
        real = getattr(pc, name)

        def strict(values, *args, _real=real, _name=name, **kw):
            if isinstance(values, pa.ChunkedArray) and values.num_chunks == 0:
                raise AssertionError(f"{_name} on a zero-chunk column (a segfault on pyarrow < 26)")
            return _real(values, *args, **kw)

        monkeypatch.setattr(pc, name, strict)
    schema = json.loads((ROOT / "dataset" / "0.1.0" / "datapackage.json").read_text(encoding="utf-8"))
    (res,) = [r for r in schema["resources"] if r["name"] == "quote_exclusions"]
    empty = pa.Table.from_batches([], release.arrow_schema(res["schema"], with_pandas=False))
    assert empty[empty.column_names[0]].num_chunks == 0
    assert checks.constraint_problems("quote_exclusions", empty, res["schema"]) == []
