"""cartel_campaign.draft on small made-up articles: quotes, speakers, exclusions, names, events, YAML."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from cartel_campaign import draft as d
from cartel_campaign import rules, speech
from cartel_campaign.rules import QUOTE_MARKS
from cartel_campaign.sentences import sentence_spans

ACTORS = [
    {"id": "alma-ortiz", "name": "Alma Ortiz", "type": "person", "aliases": ["Mayor Alma Ortiz", "Alma Ortiz", "Ortiz"]},
    {"id": "ben-cole", "name": "Ben Cole", "type": "person", "aliases": ["Ben Cole", "Cole"]},
    {"id": "harbor-council", "name": "Harbor Council", "type": "government_agency", "aliases": ["Harbor Council"]},
    {"id": "daily-bugle", "name": "Daily Bugle", "type": "media", "aliases": ["Daily Bugle"]},
    {"id": "ruritania", "name": "Ruritania", "type": "state", "aliases": ["Ruritania"]},
    {"id": "ortiz-administration", "name": "Ortiz administration", "type": "government", "aliases": ["Ortiz administration"]},
]


def write(tmp_path, text: str, name: str = "005_0123456789abcdef.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def drafted(tmp_path, text: str, actors=ACTORS) -> tuple[str, dict]:
    out = d.draft(write(tmp_path, text), actors)
    return out, yaml.safe_load(out)


def quote(data: dict, text: str) -> dict:
    found = [q for q in data["quotes"] if q["text"] == text]
    assert len(found) == 1, (text, data["quotes"])
    return found[0]


def line_of(out: str, needle: str) -> str:
    return next(line for line in out.splitlines() if needle in line)


# ------------------------------------------------------------- quotation marks ----
def test_curly_straight_and_closing_mark_as_opener(tmp_path):
    text = ("Ortiz said “the port will reopen in spring” at the meeting. "
            'Cole said "the budget is too small" on the radio. '
            "Ortiz’s answer—”we will find the money”—ended the debate.\n")
    _, data = drafted(tmp_path, text)
    assert [q["text"] for q in data["quotes"]] == ["the port will reopen in spring", "the budget is too small", "we will find the money"]


def test_trailing_comma_and_leading_tweet_marker_are_left_out(tmp_path):
    text = "“We will win the vote,” Ortiz told reporters. Cole wrote, \"> Prices will fall,\" in a post.\n"
    _, data = drafted(tmp_path, text)
    texts = [q["text"] for q in data["quotes"]]
    assert texts == ["We will win the vote", "Prices will fall"]
    marks = rules.quote_mark_spans(text)
    for q in data["quotes"]:  # the build's own rule: the text fills one pair of marks, less '>' and a trailing comma
        start = text.index(q["text"])
        assert rules.fits_marks(text, start, start + len(q["text"]), marks)


def test_final_period_inside_the_marks_is_kept(tmp_path):
    _, data = drafted(tmp_path, "Ortiz called the plan “a disgrace.”\n")
    assert data["quotes"][0]["text"] == "a disgrace."


def test_repeated_text_gets_its_occurrence(tmp_path):
    text = "“We are ready,” Ortiz said. Cole answered, “We are ready,” and left.\n"
    _, data = drafted(tmp_path, text)
    assert [(q["text"], q.get("occurrence")) for q in data["quotes"]] == [("We are ready", 1), ("We are ready", 2)]
    assert [q["speaker"] for q in data["quotes"]] == ["alma-ortiz", "ben-cole"]


def test_every_text_in_the_draft_is_in_the_article(tmp_path):
    text = ("Mayor Alma Ortiz said on Monday that the “harbor plan” is dead. “It is over,” she said, adding that "
            "the Harbor Council had “failed the city.” Cole, who leads the opposition, called it “a sad day.”\n")
    _, data = drafted(tmp_path, text)
    for q in data["quotes"]:
        assert q["text"] in text
        for ev in q.get("evidence") or []:
            assert (ev if isinstance(ev, str) else ev["text"]) in text
    for x in data["exclusions"]:
        assert x["text"] in text
    assert len(data["quotes"]) + len(data["exclusions"]) == len(QUOTE_MARKS.findall(text))


# --------------------------------------------------------------------- speakers ----
@pytest.mark.parametrize("text, quoted, speaker", [
    ("“Taxes will fall next year,” said Ortiz.\n", "Taxes will fall next year", "alma-ortiz"),
    ("“We will build the bridge,” Cole told reporters on Friday.\n", "We will build the bridge", "ben-cole"),
    ("According to Ortiz, the plan is “a turning point for the region.”\n", "a turning point for the region.", "alma-ortiz"),
    ("Cole stated that the budget was “out of control” and left.\n", "out of control", "ben-cole"),
    ("The Harbor Council described the vote as “a mistake we will fix.”\n", "a mistake we will fix.", "harbor-council"),
    ("Ben Cole of the Harbor Council described it as “a mistake we will fix.”\n", "a mistake we will fix.", "ben-cole"),
    ("Mayor Alma Ortiz has publicly defended the budget, stating, “It balances the books.”\n", "It balances the books.", "alma-ortiz"),
    ("Ortiz’s reply—”Nobody asked me”—surprised the room.\n", "Nobody asked me", "alma-ortiz"),
])
def test_attribution_patterns(tmp_path, text, quoted, speaker):
    _, data = drafted(tmp_path, text)
    q = quote(data, quoted)
    assert (q["speaker"], q["attribution"]) == (speaker, "direct")
    assert q["evidence"]


def test_pronoun_resolves_to_the_last_person_named(tmp_path):
    text = "Ben Cole spoke after the Harbor Council met in Ruritania. “We need more time,” he said.\n"
    out, data = drafted(tmp_path, text)
    assert quote(data, "We need more time")["speaker"] == "ben-cole"
    assert "# check: “he” taken as Ben Cole" in line_of(out, "speaker: ben-cole")


def test_it_resolves_to_the_last_organization_named(tmp_path):
    text = "Ortiz met the Harbor Council, which rejected what it calls “a reckless plan.”\n"
    _, data = drafted(tmp_path, text)
    assert quote(data, "a reckless plan.")["speaker"] == "harbor-council"


def test_neighbouring_sentence_gives_the_speaker_with_a_check(tmp_path):
    text = "Cole described the plan in detail on Monday.\n“It is far too expensive.”\n"
    out, data = drafted(tmp_path, text)
    assert quote(data, "It is far too expensive.")["speaker"] == "ben-cole"
    assert "previous sentence" in line_of(out, "speaker: ben-cole")


def test_generic_noun_resolves_through_the_registry(tmp_path):
    text = "Critics attacked what the administration called “a necessary sacrifice.”\n"
    out, data = drafted(tmp_path, text)
    assert quote(data, "a necessary sacrifice.")["speaker"] == "ortiz-administration"
    assert "# check: “the administration” taken as ortiz-administration" in line_of(out, "speaker:")


def test_third_party_report(tmp_path):
    text = "“Prices will fall,” Cole said, as reported by the Daily Bugle.\n"
    _, data = drafted(tmp_path, text)
    q = quote(data, "Prices will fall")
    assert (q["speaker"], q["attribution"], q["reported_by"]) == ("ben-cole", "reported_by_third_party", "daily-bugle")
    assert "as reported by the Daily Bugle" in q["evidence"]


def test_unnamed_source_is_anonymous_and_flagged(tmp_path):
    text = "The Daily Bugle cited a senior port official saying that talks had “collapsed entirely.”\n"
    out, data = drafted(tmp_path, text)
    q = quote(data, "collapsed entirely.")
    assert (q["speaker"], q["attribution"], q["reported_by"]) == (None, "anonymous", "daily-bugle")
    assert "unnamed source" in line_of(out, "speaker: ~")


def test_unknown_speaker_is_named_in_a_check_and_left_empty(tmp_path):
    text = "Greta Lind told reporters that the harbor was “a lost cause.”\n"
    out, data = drafted(tmp_path, text)
    assert quote(data, "a lost cause.")["speaker"] is None
    assert "attributed to “Greta Lind”, who is not in seeds/actors.yaml" in line_of(out, "speaker: ~")


def test_no_attribution_leaves_the_speaker_empty_with_a_check(tmp_path):
    text = "The fog lifted at noon.\nThe sign on the gate read “Harbor closed until further notice, we apologize.”\n"
    out, data = drafted(tmp_path, text)
    assert quote(data, "Harbor closed until further notice, we apologize.")["speaker"] is None
    assert "no attribution found" in line_of(out, "speaker: ~")


# ------------------------------------------------------------------- exclusions ----
@pytest.mark.parametrize("text, term", [
    ("The council launched a campaign called “Safe Streets Now” in May.\n", "Safe Streets Now"),
    ("The so-called “peace dividend” never came.\n", "peace dividend"),
    ("The “experts” disagreed about the tides.\n", "experts"),
    ("Residents watched “Harbor Lights At Dawn” on television.\n", "Harbor Lights At Dawn"),
])
def test_titles_names_and_scare_quotes_are_proposed_as_exclusions(tmp_path, text, term):
    _, data = drafted(tmp_path, text)
    assert data["quotes"] == []
    assert [x["text"] for x in data["exclusions"]] == [term]
    assert data["exclusions"][0]["reason"]


def test_short_phrase_with_a_speaker_stays_a_quote_with_a_check(tmp_path):
    out, data = drafted(tmp_path, "Cole called the deal “historic.”\n")
    assert quote(data, "historic.")["speaker"] == "ben-cole"
    assert "# check: short phrase:" in line_of(out, "attribution: direct")


# ---------------------------------------------------------- actors and new names ----
def test_registry_actors_and_unknown_names_are_listed(tmp_path):
    text = ("Mayor Alma Ortiz met Greta Lind, a lawyer from Oslo, and the Harbor Council. "
            "Later Ortiz and Lind visited the Northern Fisheries Institute.\n")
    out, _ = drafted(tmp_path, text)
    registry = out.split("# Registry actors")[1].split("# Capitalized names")[0]
    assert "#   alma-ortiz: Mayor Alma Ortiz (2×)" in registry
    assert "#   harbor-council: Harbor Council (1×)" in registry
    assert "ben-cole" not in registry
    names = out.split("# Capitalized names")[1].split("\nquotes")[0]
    for name in ("Greta Lind (2×)", "Oslo (1×)", "Northern Fisheries Institute (1×)"):  # "Lind" counts with "Greta Lind"
        assert f"#   {name}" in names
    for word in ("Later", "Mayor", "Alma Ortiz", "Harbor Council"):
        assert f"#   {word} (" not in names


def test_an_alias_only_inside_a_longer_name_is_flagged(tmp_path):
    out, _ = drafted(tmp_path, "The Harbor Council Press Office was closed. Cole stayed home.\n")
    assert "#   harbor-council: Harbor Council (1×)  # check: only inside longer names" in out
    assert "#   ben-cole: Cole (1×)\n" in out


# ----------------------------------------------------------------------- events ----
def test_event_candidates_are_commented_skeletons_with_numbers_and_dates(tmp_path):
    text = ("On March 3, navy ships struck a boat near Ruritania and killed 12 people. "
            "Ortiz deployed 300 police officers on Friday. The weather was calm.\n")
    out, data = drafted(tmp_path, text)
    assert data["events"] == []
    skeletons = [line for line in out.splitlines() if line.startswith("#  - id: 005-event-")]
    assert len(skeletons) == 2
    assert "#    type: strike  # from: struck, killed; also possible: killing" in out
    assert "dates in the sentence: March 3" in out and "numbers in the sentence: 12" in out
    assert "#    type: deployment" in out and "dates in the sentence: Friday" in out and "numbers in the sentence: 300" in out
    assert not any(re.match(r"\s+(type|summary):", line) for line in out.splitlines())
    block = out.split("events: []\n")[1].split("designations:")[0]
    uncommented = "\n".join(line[1:] for line in block.splitlines() if line.startswith("#  "))
    events = yaml.safe_load("events:\n" + uncommented)["events"]  # the skeletons are valid YAML once uncommented
    assert events[0]["evidence"] == ["On March 3, navy ships struck a boat near Ruritania and killed 12 people."]


# ------------------------------------------------------------- the file as a whole ----
def test_header_sha256_status_and_published_left_empty(tmp_path):
    text = "Ortiz said the port reopens on June 4, 2025, a year after it closed in 2024.\n"
    out, data = drafted(tmp_path, text)
    assert data["article"] == "005_0123456789abcdef.txt"
    assert data["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert data["status"] == "draft"
    assert data["published"] == {"earliest": None, "latest": None, "basis": None}
    published = out.split("published:")[1].split("earliest:")[0]
    assert "#   June 4, 2025" in published and "#   in 2024" in published
    assert "title" not in data


def test_headline_becomes_title_with_a_check(tmp_path):
    out, data = drafted(tmp_path, "Harbor Council Approves New Budget\nThe council approved the budget on Monday.\n")
    assert data["title"] == "Harbor Council Approves New Budget"
    assert "# check:" in line_of(out, "title:")


def test_special_characters_survive_the_yaml(tmp_path):
    text = 'Cole said: “a \\ back\u00a0slash, a # hash: and a \u2028 separator” tonight in Oslo\u2028Norway.\n'
    out, data = drafted(tmp_path, text)
    assert data["quotes"][0]["text"] == "a \\ back\u00a0slash, a # hash: and a \u2028 separator"
    assert "\u2028" not in out


def made_up_project(tmp_path, status: str) -> tuple[Path, dict]:
    """A project with one made-up article whose draft has `published` filled in and the given status;
    returns (root, the derived tables as lists of rows)."""
    from cartel_campaign.build import pipeline, project, stage

    text = ("Harbor Council Approves New Budget\n"
            "Mayor Alma Ortiz said the budget was “a fair deal,” while Ben Cole called it “a disgrace.” "
            "“We will appeal,” Cole told the Daily Bugle. The so-called “harbor tax” stays.\n")
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", root / "schemas")
    article = write(root / "seeds", text, f"005_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.txt")  # the naming rule
    (root / "seeds" / "actors.yaml").write_text(
        "- id: alma-ortiz\n  name: Alma Ortiz\n  type: person\n  aliases: [Mayor Alma Ortiz]\n"  # the build wants each alias found on its own
        "- id: ben-cole\n  name: Ben Cole\n  type: person\n  aliases: [Ben Cole, Cole]\n"
        "- id: harbor-council\n  name: Harbor Council\n  type: government_agency\n  aliases: [Harbor Council]\n"
        "- id: daily-bugle\n  name: Daily Bugle\n  type: media\n  aliases: [Daily Bugle]\n", encoding="utf-8")
    out = d.draft(article, d.load_actors(root / "seeds" / "actors.yaml"))
    out = out.replace("status: draft", f"status: {status}").replace("earliest: ~", "earliest: 2025-01-01") \
             .replace("latest: ~", "latest: 2025-12-31").replace("basis: ~", "basis: Made-up article for a test.") \
             .replace("end: ~", "end: 2025-12-31")  # the drafted date windows, bounded by the article's publication
    out = re.sub(r"no_claim: ~.*", "no_claim: A remark in a made-up test article.", out)
    out = re.sub(r"summary: ~.*", "summary: A made-up claim.", out)
    article.with_suffix(".yaml").write_text(out, encoding="utf-8")
    (root / "seeds" / "releases.yaml").write_text("- version: 0.1.0\n  date: 2026-01-01\n  status: draft\n  notes: A made-up release.\n", encoding="utf-8")
    meta, schemas = project.load_schemas(root)
    inp = stage.Inputs(root, meta, schemas, pipeline.read_releases(root), stage.annotations.Checker(schemas))
    tables, _ = stage.derive_tables(inp)
    stage.check_tables(inp, tables)
    return root, {name: t.to_pylist() for name, t in tables.items()}


def test_a_draft_completed_by_hand_passes_the_builds_checks(tmp_path):
    """Fill in what the draft leaves to the annotator; the build's reader and derive accept the rest."""
    _, tables = made_up_project(tmp_path, "complete")
    assert sorted((q["speaker_actor_id"], q["text"]) for q in tables["quotes"]) == [
        ("alma-ortiz", "a fair deal"), ("ben-cole", "We will appeal"), ("ben-cole", "a disgrace.")]
    assert [x["text"] for x in tables["quote_exclusions"]] == ["harbor tax"]
    assert tables["articles"][0]["title"] == "Harbor Council Approves New Budget"
    assert sorted((c["claimant_actor_id"], c["speech"]) for c in tables["claims"]) == [
        ("alma-ortiz", "direct"), ("ben-cole", "direct"), ("ben-cole", "direct")]  # the drafted claims build as they are


def test_a_draft_left_as_draft_publishes_only_its_article_row(tmp_path):
    """status: draft builds into a draft release, but none of the draft's proposals become rows."""
    root, tables = made_up_project(tmp_path, "draft")
    assert [(a["annotation_status"], a["title"], a["outlet"], a["byline"]) for a in tables["articles"]] == [
        ("draft", "Harbor Council Approves New Budget", None, None)]  # the Daily Bugle is quoted, not the publisher
    for name in ("quotes", "quote_exclusions", "events", "event_actors", "designations"):
        assert tables[name] == [], name
    assert tables["actor_mentions"], "mentions are derived from the text itself"
    assert {e["basis"] for e in tables["evidence"]} == {"first_mention"}
    assert {e["record_table"] for e in tables["evidence"]} == {"actors"}


def test_the_build_refuses_to_publish_a_release_holding_a_draft(tmp_path, capsys):
    from cartel_campaign.build import pipeline

    root, _ = made_up_project(tmp_path, "draft")
    releases = root / "seeds" / "releases.yaml"
    releases.write_text(releases.read_text(encoding="utf-8").replace("status: draft", "status: published"), encoding="utf-8")
    assert pipeline.main(["--root", str(root), "-q"]) == 2
    assert ": status is draft, but release 0.1.0 is published in seeds/releases.yaml" in capsys.readouterr().err
    assert not (root / "dataset").exists()


# ------------------------------------------------------------ command line, errors ----
def test_main_finds_the_registry_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "actors.yaml").write_text("- id: ben-cole\n  name: Ben Cole\n  type: person\n  aliases: [Ben Cole, Cole]\n", encoding="utf-8")
    article = write(tmp_path / "seeds", "“We will appeal,” Cole said.\n")
    out = tmp_path / "seeds" / "005_0123456789abcdef.yaml"
    assert d.main([str(article), "-o", str(out)]) == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["quotes"][0]["speaker"] == "ben-cole"
    assert d.main([str(article), "-o", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert d.main([str(article), "-o", str(out), "--force"]) == 0


def test_bad_inputs_are_clear_errors(tmp_path, capsys):
    assert d.main([str(tmp_path / "missing.txt"), "--actors", str(tmp_path / "a.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "actors.yaml"
    bad.write_text("- id: x\n  aliases: [A\n", encoding="utf-8")
    article = write(tmp_path, "Text.\n")
    assert d.main([str(article), "--actors", str(bad)]) == 2
    assert f"{bad}:3: not valid YAML" in capsys.readouterr().err
    bad.write_text("- id: x\n  aliases: []\n- id: y\n  aliases: [Y]\n", encoding="utf-8")
    assert d.main([str(article), "--actors", str(bad)]) == 2
    assert f"{bad}:1: actor 'x': aliases must be a non-empty list" in capsys.readouterr().err
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Line one.\nCaf\xe9 two.\n".encode("latin-1"))
    assert d.main([str(latin1), "--actors", str(tmp_path / "none.yaml")]) == 2
    assert "cannot read the actor registry" in capsys.readouterr().err
    bad.write_text("- id: y\n  aliases: [Y]\n", encoding="utf-8")
    assert d.main([str(latin1), "--actors", str(bad)]) == 2
    assert f"{latin1}:2: the article is not valid UTF-8" in capsys.readouterr().err


def test_sentences_cover_the_text_and_lines_end_them():
    text = "First line without stop\nDr. Smith arrived at 5 p.m. on Monday. He left.  \n\nLast one?"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["First line without stop", "Dr. Smith arrived at 5 p.m. on Monday.", "He left.", "Last one?"]


# ------------------------------------------------- real-text patterns (issue 23) ----
REGISTRY_BY_FULL_TITLE = [
    {"id": "tomas-vidal", "name": "Tomás Vidal", "type": "person", "aliases": ["Harbor Secretary Tomás Vidal"]},
    {"id": "anna-kelly", "name": "Anna Kelly", "type": "person", "aliases": ["Anna Kelly"]},
    {"id": "dept-ports", "name": "US Department of Ports", "type": "government_agency", "aliases": ["Ports Department"]},
]


@pytest.mark.parametrize("text, quoted, speaker", [
    ("“We sank the ferry,” Vidal wrote on Sunday.\n", "We sank the ferry", "tomas-vidal"),
    ("Port Secretary Tomás Vidal said the crew was “armed and dangerous.”\n", "armed and dangerous.", "tomas-vidal"),
    ("The Department of Ports said the wharf was “closed for repairs.”\n", "closed for repairs.", "dept-ports"),
])
def test_a_registry_actor_is_found_under_a_part_of_its_name(tmp_path, text, quoted, speaker):
    out, data = drafted(tmp_path, text, REGISTRY_BY_FULL_TITLE)
    assert quote(data, quoted)["speaker"] == speaker
    assert "add the actor" not in out  # never a duplicate of a registry actor
    assert "not an alias" in line_of(out, f"#   {speaker}:")


def test_a_surname_after_another_given_name_is_not_the_registry_person(tmp_path):
    out, data = drafted(tmp_path, "Senator Mark Kelly said “the vote is lost” today.\n", REGISTRY_BY_FULL_TITLE)
    q = quote(data, "the vote is lost")
    assert q["speaker"] is None
    assert "“Mark Kelly”" in line_of(out, "speaker: ~")


def test_a_follow_on_quote_keeps_the_speaker_of_the_quote_before_it(tmp_path):
    text = "“The ferry is gone,” Cole wrote. “Nobody was hurt.”\nRuritania answered. “We will rebuild.”\n"
    out, data = drafted(tmp_path, text)
    assert quote(data, "Nobody was hurt.")["speaker"] == "ben-cole"
    assert "follow-on quote" in line_of(out, "speaker: ben-cole  # check")
    assert quote(data, "We will rebuild.")["speaker"] != "ben-cole"  # another paragraph


def claim_of(data: dict, claimant: str) -> dict:
    found = [c for c in data["claims"] if c["claimant"] == claimant]
    assert len(found) == 1, data["claims"]
    return found[0]


def test_claims_are_drafted_from_reporting_verbs(tmp_path):
    text = ("Ruritania accused the Harbor Council of hiding the accounts. Ortiz, who denied the report, left early. "
            "According to Senator Cole, the port will close in May.\n")
    out, data = drafted(tmp_path, text)
    accuse = claim_of(data, "ruritania")
    assert (accuse["type"], accuse["target"], accuse["polarity"]) == ("accuse", "harbor-council", "positive")
    assert accuse["evidence"][0].startswith("Ruritania accused the Harbor Council")
    deny = claim_of(data, "alma-ortiz")
    assert (deny["type"], deny["polarity"]) == ("deny", "negative")
    assert claim_of(data, "ben-cole")["evidence"][0].startswith("According to Senator Cole")
    assert "speech: indirect" in out


def test_a_claim_carries_its_quotes_and_follow_on_quotes(tmp_path):
    text = "“We will cut the tolls,” Ortiz promised. “Nobody will pay twice.”\n"
    out, data = drafted(tmp_path, text)
    claim = claim_of(data, "alma-ortiz")
    assert claim["quotes"] == [q["id"] for q in data["quotes"]] and len(claim["quotes"]) == 2
    assert (claim["type"], claim["modality"]) == ("assure", "future")


def test_a_claimant_not_in_the_registry_is_left_empty_and_named(tmp_path):
    out, data = drafted(tmp_path, "John Smith warned that the bridge would fall.\n")
    assert data["claims"][0]["claimant"] is None and data["claims"][0]["type"] == "threaten"
    assert "“John Smith”" in line_of(out, "claimant: ~")


def test_one_list_of_reporting_verbs_for_the_draft_and_the_rules():
    assert all(rules.REPORTING.fullmatch(verb) for verb in d.SPEECH_VERBS)
    assert rules.REPORTING is speech.REPORTING


@pytest.mark.parametrize("text, speaker, named", [
    ("The toll has been called “a reckless gamble” by Cole.\n", "ben-cole", None),
    ("The toll has been called “a reckless gamble” by some experts.\n", None, "some experts"),
])
def test_called_x_by_y_is_ys_words(tmp_path, text, speaker, named):
    out, data = drafted(tmp_path, text)
    q = quote(data, "a reckless gamble")
    assert q["speaker"] == speaker
    if named:
        assert q["attribution"] == "anonymous" and f"“{named}”" in line_of(out, "speaker: ~")


def test_a_sentence_that_ends_with_its_attribution(tmp_path):
    _, data = drafted(tmp_path, "The new toll is a “clear signal” to the shippers, Ruritania Mayor Alma Ortiz said Monday.\n")
    assert quote(data, "clear signal")["speaker"] == "alma-ortiz"


def test_single_quotation_marks_are_quotes_and_apostrophes_are_not(tmp_path):
    text = ("Cole's aide said the port was at 'full capacity' on Monday.\n"
            "‘We will not pay,’ Ortiz said of the council’s plan, which the officers' union called 'a trap'.\n")
    _, data = drafted(tmp_path, text)
    assert sorted([q["text"] for q in data["quotes"]] + [x["text"] for x in data["exclusions"]]) == ["We will not pay", "a trap", "full capacity"]
    assert quote(data, "We will not pay")["speaker"] == "alma-ortiz"
    marks = rules.quote_mark_spans(text)  # the build reads the same marks: a single-quoted quote fills one pair
    assert [text[s:e] for s, e in marks] == ["full capacity", "We will not pay,", "a trap"]
    start = text.index("We will not pay")
    assert rules.fits_marks(text, start, start + len("We will not pay"), marks)


def proposed_names(out: str) -> list[str]:
    block = out.split("# Capitalized names not in seeds/actors.yaml")[1].split("\n\n")[0]
    return [re.sub(r" \(\d+×\)$", "", line[4:]) for line in block.splitlines()[1:] if line.startswith("#   ")]


def test_new_names_are_whole_names_not_places_adjectives_or_laws(tmp_path):
    text = ("Ruritanian fishermen and Latin American traders met in the Caribbean Sea on Oct. 3. "
            "Ecuador and Colombia protested under the Harbor Act. John Smith of Freedonia spoke at the "
            "United Nations General Assembly, and Smith left.\n")
    out, _ = drafted(tmp_path, text)
    assert proposed_names(out) == ["Ecuador", "Colombia", "John Smith", "Freedonia", "United Nations General Assembly"]
    assert "John Smith (2×)" in out  # "Smith" counts with the whole name


@pytest.mark.parametrize("text, names", [
    ("By Jane Roe ABC News Filed Under: News, World News FREEDONIA CITY (ABC News) — Officials met.\n", ["Jane Roe", "ABC News"]),
    ("THOUSAND PEOPLE marched past the Port Guild, the NIGHT after.\n", ["Port Guild"]),
    ("The Marines and the Rangers landed. Agencies reported it to the Port Guild.\n", ["Port Guild"]),
    ("The USS Gerald R. Ford sailed with Mary K. Jones aboard.\n", ["USS Gerald R. Ford", "Mary K. Jones"]),
    ("Under the Harbor Safety Act the HSA lets the Port Guild act.\n", ["Port Guild"]),
    ("Officials met in Europe and in Asia with the Port Guild.\n", ["Port Guild"]),
    ("The former Uruapan mayor met the Port Guild.\n", ["Port Guild"]),
    ("She will “destroy [the mayor Alma] Ortiz’s Port Guild”, she said.\n", ["Port Guild"]),
])
def test_new_names_leave_out_page_furniture_shouting_plurals_laws_and_continents(tmp_path, text, names):
    """Bylines and labels of a web page, words in capitals, plural nouns and a law's acronym are not actors; an
    initial does not cut a name; an acronym after a name starts another one."""
    out, _ = drafted(tmp_path, text)
    assert proposed_names(out) == names


def test_the_registry_name_after_the_is_not_another_persons_name(tmp_path):
    """“The Pentagon chief” names the registry's Pentagon (a derived form), not someone unknown called Pentagon."""
    actors = [{"id": "us-department-of-defense", "name": "US Department of Defense", "type": "state_agency",
               "aliases": ["US Department of Defense"]}]
    out, data = drafted(tmp_path, "The Pentagon chief said he watched the attack.\n", actors)
    assert "Pentagon" not in proposed_names(out) and "us-department-of-defense" in out


def test_only_regular_files_within_the_size_limit_are_read(tmp_path, capsys, monkeypatch):
    import os

    registry = tmp_path / "actors.yaml"
    registry.write_text("- id: y\n  aliases: [Y]\n", encoding="utf-8")
    monkeypatch.setattr(d, "MAX_ARTICLE_BYTES", 100)  # the limit, checked while reading (a 20 MB article ran for minutes)
    big = write(tmp_path, "Word. " * 20, "006_0123456789abcdef.txt")
    assert d.main([str(big), "--actors", str(registry)]) == 2
    assert "larger than 100 bytes" in capsys.readouterr().err
    assert d.main([str(tmp_path), "--actors", str(registry)]) == 2
    assert "a folder, not a regular file" in capsys.readouterr().err
    if Path("/dev/null").exists():  # a device (/dev/zero, read without the check, exhausts memory)
        assert d.main(["/dev/null", "--actors", str(registry)]) == 2
        assert "a device, not a regular file" in capsys.readouterr().err
    if hasattr(os, "mkfifo"):  # last: without the check, reading a FIFO waits for a writer for ever
        fifo = tmp_path / "005_0123456789abcdef.txt"
        os.mkfifo(fifo)
        assert d.main([str(fifo), "--actors", str(registry)]) == 2
        assert "a FIFO, not a regular file" in capsys.readouterr().err


def test_the_article_file_name_cannot_inject_yaml_keys(tmp_path):
    name = "005_x.txt\nstatus: complete\nevil: 1 #.txt"
    out = d.draft(write(tmp_path, "“We won,” Cole said.\n", name), ACTORS)
    data = yaml.safe_load(out)
    assert data["article"] == name and data["status"] == "draft" and "evil" not in data


@pytest.mark.parametrize("text, quoted, speaker", [
    ("“We will reopen the pier,” Harbor Secretary Tomás Vidal said.\n", "We will reopen the pier", "tomas-vidal"),
    ("“We will reopen the pier,” said Port Secretary Tomás Vidal.\n", "We will reopen the pier", "tomas-vidal"),
    ("“The pier stays shut,” the Ports Department said in a statement.\n", "The pier stays shut", "dept-ports"),
])
def test_titles_and_organisations_after_a_quote(tmp_path, text, quoted, speaker):
    _, data = drafted(tmp_path, text, REGISTRY_BY_FULL_TITLE)
    assert quote(data, quoted)["speaker"] == speaker


def test_the_accused_party_is_not_the_speaker(tmp_path):
    out, data = drafted(tmp_path, "Cole has been accused of running a “shadow port” for years.\n")
    found = [q for q in data["quotes"] if q["text"] == "shadow port"] + [x for x in data["exclusions"] if x["text"] == "shadow port"]
    assert found and found[0].get("speaker") is None


def test_an_event_candidate_inside_reported_speech_says_so(tmp_path):
    out, _ = drafted(tmp_path, "Cole said the navy struck a boat. The navy struck a second boat on Monday.\n")
    candidates = [line for line in out.splitlines() if line.startswith("#  - id: 005-event-")]
    assert len(candidates) == 2
    assert "reports what someone says (claim 005-cole-acknowledge)" in candidates[0] and "# check" not in candidates[1]


def test_draft_says_how_to_name_a_new_article(tmp_path, capsys):
    """The build refuses a new article not named NNN_<the first 16 hex digits of its sha256>; draft says so first,
    with the name to give it. A correctly named article and a published one (legacy names) get no note."""
    registry = tmp_path / "actors.yaml"
    registry.write_text("- id: y\n  name: Y\n  type: person\n  aliases: [Y]\n", encoding="utf-8")
    text = "Y said “we will reopen the pier”.\n"
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    wrong = write(tmp_path, text, "006_0123456789abcdef.txt")
    assert d.main([str(wrong), "--actors", str(registry)]) == 0
    err = capsys.readouterr().err
    assert f"note: a new article is named after its text: rename 006_0123456789abcdef.txt to 006_{digest}.txt" in err
    right = write(tmp_path, text, f"006_{digest}.txt")
    assert d.main([str(right), "--actors", str(registry)]) == 0
    assert "note:" not in capsys.readouterr().err
    assert d.main([str(ROOT / "seeds" / "004_a369d1b0aa72c426.txt")]) == 0
    assert "note:" not in capsys.readouterr().err


@pytest.mark.parametrize("text, kind", [
    ("Ortiz said the Port Guild will be confronted with force.\n", "threaten"),
    ("Ortiz said the Port Guild is a criminal gang that traffics drugs.\n", "accuse"),
    ("Ortiz said the pier reopened on Monday.\n", "acknowledge"),
    ("Ortiz denied the Port Guild is a criminal gang.\n", "deny"),
])
def test_a_neutral_verb_takes_its_type_from_what_is_said(tmp_path, text, kind):
    """“said”: a threat of force or penalties is threaten, an accusation accuse, anything else acknowledge; a verb
    with its own type keeps it."""
    _, data = drafted(tmp_path, text)
    assert [c["type"] for c in data["claims"]] == [kind]
