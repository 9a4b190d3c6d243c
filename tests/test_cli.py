"""The command line: help, info, exit codes scripts can rely on."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import cartel_campaign as cc

from conftest import ROOT

CLI = [sys.executable, "-m", "cartel_campaign.cli"]


def run(*args, cwd=ROOT, env=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=600, env=env)


def test_help_lists_every_command():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("build", "validate", "diff", "info"):
        assert cmd in r.stdout
    assert "Exit codes" in r.stdout


def test_info_shows_versions_tables_and_sources():
    r = run("info", env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    assert "versions: 0.1.0, 1.0.0" in r.stdout
    assert "seeds/004_a369d1b0aa72c426.txt  sha256 ade4ec29" in r.stdout
    assert "events" in r.stdout and "quotes" in r.stdout


def test_build_check_through_the_cli():
    r = run("build", "--check")
    assert r.returncode == 0, r.stderr
    assert "up to date" in r.stderr


def test_build_outside_a_checkout_is_a_usage_error(tmp_path):
    r = subprocess.run([*CLI, "build", "--root", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2
    assert "error:" in r.stderr


def test_missing_optional_library_is_one_line_and_exit_2(tmp_path):
    """As from a wheel without the `build` extra: no PyYAML."""
    code = "import sys; sys.modules['yaml'] = None; from cartel_campaign import cli; sys.exit(cli.main(['build']))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().splitlines() == ["error: `cartel-campaign build` needs yaml, which is not installed; "
                                             "install it with: pip install 'cartel-campaign-data[build]'"]


def test_unknown_version_is_a_usage_error():
    r = run("validate", "--version", "3.2.1")
    assert r.returncode == 2 and "unknown dataset version '3.2.1'" in r.stderr


def test_python_dash_m_is_the_command():
    r = subprocess.run([sys.executable, "-m", "cartel_campaign", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and "Exit codes" in r.stdout, r.stderr


@pytest.mark.parametrize("args", [("info", "--version", "7.7.7"), ("info", "--version", "../dataset/1.0.0"),
                                  ("info", "--version", "/etc"), ("validate", "--version", ".."),
                                  ("validate", "--version", "../1.0.0")])
def test_a_version_that_is_not_a_release_is_one_line_and_exit_2(args):
    r = run(*args)
    assert (r.returncode, r.stderr.splitlines(), r.stdout) == (
        2, [f"error: unknown dataset version {args[2]!r}; published versions: {', '.join(cc.versions())}"
            + "".join(f"; draft: {v}" for v in cc.versions(drafts=True) if v not in cc.versions())], "")


def test_info_fits_the_terminal_without_cutting_words():
    r = run("info", env={**os.environ, "COLUMNS": "60"})
    assert r.returncode == 0, r.stderr
    sha = {s["sha256"] for s in cc.datapackage()["sources"]}
    for line in r.stdout.splitlines():
        assert len(line) <= 60 or line.strip() in sha or len(line.split()) == 1, line
    words = r.stdout.split()
    for res in cc.datapackage()["resources"]:
        description = res["description"].split()
        start = words.index(description[0], words.index(res["name"]))
        assert words[start:start + len(description)] == description, res["name"]


@pytest.mark.parametrize("command", ["build", "validate", "diff", "info", "coverage", "draft"])
def test_every_subcommand_help_says_what_it_does(command):
    """`cartel-campaign COMMAND --help` has a description after its usage (not straight to the options), and its
    positional arguments are explained."""
    r = subprocess.run([*CLI, command, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=600, env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    head, _, rest = r.stdout.partition("\n\n")
    assert head.startswith("usage:")
    description = rest.split("\n\n")[0]
    assert not description.startswith(("positional arguments", "options")) and len(description) > 30, r.stdout
    if "positional arguments:" in r.stdout:
        block = r.stdout.split("positional arguments:\n")[1].split("\n\n")[0]
        assert all(len(line.split(None, 1)) == 2 for line in block.splitlines() if line.startswith("  ") and not line.startswith("   ")), block
