"""`make run` (scripts/run-demo.sh) serves on the port given in PORT and says where."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Stands in for the venv's python: records each call and returns at once.
FAKE_PYTHON = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls.log"
"""


def _run_script(
    tmp_path: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], str]:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run-demo.sh", tmp_path / "scripts" / "run-demo.sh")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(FAKE_PYTHON)
    (bin_dir / "python").chmod(0o755)
    result = subprocess.run(  # noqa: S603
        ["/bin/bash", str(tmp_path / "scripts" / "run-demo.sh")],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    calls = (bin_dir / "calls.log").read_text() if (bin_dir / "calls.log").exists() else ""
    return result, calls


@pytest.mark.parametrize(
    ("env", "port"),
    [pytest.param({}, "8000", id="default"), pytest.param({"PORT": "8765"}, "8765", id="PORT")],
)
def test_run_serves_on_the_port_given_and_prints_its_url(tmp_path, env, port):
    # given / when
    result, calls = _run_script(tmp_path, env)

    # then
    assert result.returncode == 0, result.stderr
    assert f"manage.py runserver 127.0.0.1:{port}" in calls
    assert f"http://127.0.0.1:{port}/" in result.stdout


def test_run_refuses_a_port_that_is_no_number(tmp_path):
    # given / when
    result, calls = _run_script(tmp_path, {"PORT": "80; rm -rf /"})

    # then
    assert result.returncode != 0
    assert "PORT" in result.stderr
    assert "runserver" not in calls


def test_run_starts_the_workers_the_scheduler_and_the_sealer_in_the_background():
    # given: the script (the fake python above returns at once, so whether a background call
    # is logged before the script's exit trap ends it is a race: read what the script starts)
    script = (ROOT / "scripts" / "run-demo.sh").read_text()
    # when
    background = {
        line.split("manage.py ")[1][:-2] for line in script.splitlines() if line.endswith(" &")
    }
    # then: the processes that make background and scheduled work run by themselves
    assert background == {
        "db_worker",
        "audit_seal --forever",
        "run_schedule",
        "deliver_webhooks --forever",
    }
