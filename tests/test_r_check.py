"""`R CMD build` then `R CMD check --as-cran --no-manual` of the R package in r/: no ERROR and no WARNING.

Offline: CRAN's incoming checks (which look the package up on CRAN), the remote ones and the
system-clock check (which asks a time server) are off; everything else --as-cran checks runs.
The NOTEs that remain (none today) are printed with any failure.
"""
from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import ROOT
from test_r import r_executable

OFFLINE = {"_R_CHECK_CRAN_INCOMING_": "false", "_R_CHECK_CRAN_INCOMING_REMOTE_": "false", "_R_CHECK_SYSTEM_CLOCK_": "false"}


@pytest.fixture(scope="module")
def check_log(tmp_path_factory) -> str:
    work = tmp_path_factory.mktemp("rcheck")
    env = {k: v for k, v in os.environ.items() if k != "CARTEL_CAMPAIGN_DATA"} | OFFLINE
    build = subprocess.run([r_executable("R"), "CMD", "build", str(ROOT / "r")], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, f"R CMD build failed:\n{build.stdout}\n{build.stderr}"
    (tarball,) = work.glob("cartelcampaign_*.tar.gz")
    check = subprocess.run([r_executable("R"), "CMD", "check", "--as-cran", "--no-manual", tarball.name], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
    log = work / "cartelcampaign.Rcheck" / "00check.log"
    return (log.read_text(encoding="utf-8") if log.is_file() else "") + f"\n[exit {check.returncode}]\n{check.stdout}\n{check.stderr}"


def findings(log: str, kind: str) -> list[str]:
    """Each check whose result is `kind` (ERROR, WARNING, NOTE), with the lines R gives under it."""
    return re.findall(rf"^\* checking [^\n]*\.\.\. ?{kind}\n(?:(?!\* )[^\n]*\n)*", log, flags=re.M)


def test_r_cmd_check_as_cran_has_no_error_and_no_warning(check_log):
    assert re.search(r"^Status: ", check_log, re.M), check_log
    errors, warnings, notes = (findings(check_log, k) for k in ("ERROR", "WARNING", "NOTE"))
    assert not errors and not warnings, "".join(errors + warnings) + "\nNOTEs:\n" + "".join(notes)
    assert re.search(r"^Status: (OK|\d+ NOTEs?)$", check_log, re.M), check_log
    assert "checking tests ..." in check_log and "checking examples ... OK" in check_log, check_log
