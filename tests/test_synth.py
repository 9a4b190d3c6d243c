"""benchmarks/synth.py makes project roots the build accepts, also with article numbers wider than
three digits (the build takes the article-id pattern from schemas/, so 1000+ articles build)."""
from __future__ import annotations

import json
import runpy
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from cartel_campaign.build import rpackage

from conftest import ROOT

synth = runpy.run_path(str(ROOT / "benchmarks" / "synth.py"))


@pytest.mark.parametrize("digits", [3, 4])
def test_synthetic_root_builds(tmp_path, digits):
    out = tmp_path / "root"
    summary = synth["generate"](out, 2, ROOT, digits)
    assert summary["digits"] == digits and summary["articles"] == 10
    run = subprocess.run([sys.executable, "-m", "cartel_campaign.build.pipeline", "--root", str(out), "--force", "-q"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    release = out / "dataset" / summary["version"]
    articles = pq.read_table(release / "articles.parquet").column("article_id").to_pylist()
    assert len(articles) == 10 and all(len(a.split("_")[0]) == digits for a in articles)
    real = pq.read_table(ROOT / "dataset" / summary["version"] / "events.parquet").num_rows
    events = pq.read_table(release / "events.parquet").column("event_id").to_pylist()
    assert len(events) == 2 * real and all(e.split("-")[0] == e.split("-")[0].zfill(digits) for e in events)
    descriptor = json.loads((release / "datapackage.json").read_text())
    article_id = next(f for r in descriptor["resources"] if r["name"] == "articles" for f in r["schema"]["fields"] if f["name"] == "article_id")
    assert article_id["constraints"]["pattern"] == f"^[0-9]{{{digits}}}_[0-9a-f]{{16}}$"
    # counts of articles in generated text follow the data (issue 23): ten articles, "ten" everywhere
    assert descriptor["title"].endswith("from ten news articles") and "derived from ten news articles" in descriptor["description"]
    assert next(r for r in descriptor["resources"] if r["name"] == "articles")["description"].startswith("The ten source articles")
    codebook, card = ((out / name).read_text(encoding="utf-8") for name in ("docs/CODEBOOK.md", "DATASET_CARD.md"))
    assert "{articles}" not in codebook + card and "- **Ten articles.**" in card
    readme = [row[0] for row in CalamineWorkbook.from_path(str(release / "cartel_campaign.xlsx")).get_sheet_by_name("README").to_python() if row]
    assert any(cell.startswith("Tables annotated from ten news articles") for cell in readme)
    assert "hand-annotated from ten news articles" in " ".join(rpackage.description(summary["version"], descriptor).split())


def test_too_wide_a_file_name_is_refused_against_the_real_schema(tmp_path):
    """The naming rule follows schemas/: with the real (three-digit) schema a four-digit root is refused."""
    out = tmp_path / "root"
    synth["generate"](out, 1, ROOT, 4)
    for schema in (ROOT / "schemas").glob("*.json"):
        (out / "schemas" / schema.name).write_bytes(schema.read_bytes())
    run = subprocess.run([sys.executable, "-m", "cartel_campaign.build.pipeline", "--root", str(out), "--force", "-q"],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert "0000_b5576d2ae64a85ff.txt' does not follow the naming rule" in run.stderr  # the first article, named by its text


def test_stages_reports_cpu_time_and_sentence_splitting(tmp_path):
    """benchmarks/stages.py: a measured build gives its CPU time (process and workers) beside its wall time,
    and the sentences mode gives the splitter's CPU time per article, which bench.py multiplies out per scale."""
    out = tmp_path / "root"
    synth["generate"](out, 1, ROOT, 3)
    stages = str(ROOT / "benchmarks" / "stages.py")
    build = json.loads(subprocess.run([sys.executable, stages, "build", str(out)], capture_output=True, text=True, check=True).stdout)
    assert build["rc"] == 0 and build["error"] is None
    assert 0 < build["cpu_seconds"] and build["stages"]["docs (R package; codebook, card, figure: jobs)"]["seconds"] > 0
    assert build["stages"]["exports written + checked, explorer pages, timeline (jobs)"]["seconds"] > 0
    split = json.loads(subprocess.run([sys.executable, stages, "sentences", str(out), "3"], capture_output=True, text=True, check=True).stdout)
    assert split["texts"] == 3 and 0 < split["cpu_per_article"] < 5


def test_stages_times_each_job_alone(tmp_path):
    """benchmarks/stages.py jobs: every export of the built release, the explorer pages and the timeline, each with its CPU time
    and the memory it adds (what bench.py reports per scale)."""
    from cartel_campaign import exports

    out = tmp_path / "root"
    synth["generate"](out, 1, ROOT, 3)
    subprocess.run([sys.executable, "-m", "cartel_campaign.build.pipeline", "--root", str(out), "-q"], check=True)
    stages = str(ROOT / "benchmarks" / "stages.py")
    run = json.loads(subprocess.run([sys.executable, stages, "jobs", str(out)], capture_output=True, text=True, check=True).stdout)
    names = [n.split(" ")[0] for n in run["jobs"]]
    assert names == [*(e.name for e in exports.EXPORTS), "explorer", "timeline"]
    assert all(j["cpu_seconds"] > 0 and j["added_rss"] >= 0 for j in run["jobs"].values())
