"""`manage.py screening_index_serve` as the separate process production runs."""

# The test starts manage.py with fixed argument lists:
# ruff: noqa: S603

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benteng.core.records import IdentityRecord
from benteng.people.client import SocketBackend
from benteng.people.sources import SourceRef

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def workdir() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="bixs", dir="/tmp"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def _environment(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "1",
        "BENTENG_VAR_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "SCREENING_INDEX_REFRESH_MS": "100",
    }


def _wait_for_line(process: subprocess.Popen[str], text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return line
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"no {text!r} from the service (exit code {process.poll()})")


def test_serve_command_answers_and_stops_cleanly(workdir: Path) -> None:
    # given a migrated database and the service started on a temporary socket
    environment = _environment(workdir)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=environment, check=True, cwd=ROOT)
    socket_path = str(workdir / "index.sock")
    snapshot = workdir / "snapshot"
    command = [*manage, "screening_index_serve", "--socket", socket_path]
    process = subprocess.Popen(
        [*command, "--snapshot", str(snapshot)],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready = _wait_for_line(process, "screening index ready", timeout=60)
        assert "from the database" in ready
        backend = SocketBackend(socket_path)
        # when a client adds a record and searches
        status = backend.status()
        backend.upsert(IdentityRecord(id="a1", name="Siti Nurhayati", passport_no="C1234567"))
        hits = backend.search_events(
            IdentityRecord(id="q", name="Siti Nurhayati", passport_no="C1234567"), threshold=0.5
        )
        backend.upsert(IdentityRecord(id="w7", name="Siti Nurhayati", passport_no="C1234567"))
        watchlist, events = backend.search_person(
            IdentityRecord(id="q", name="Siti Nur Hayati", passport_no="C1234567"),
            watchlist_top=10,
            events_top=20,
            threshold=0.5,
        )
        # then the service process answers, both searches of a screening in one call too
        assert status["pid"] == process.pid
        application = SourceRef("screening.passportapplication", 1)
        assert [hit.ref for hit in hits] == [application]
        assert [hit.ref for hit in watchlist] == [SourceRef("watchlists.watchlistentry", 7)]
        assert [hit.ref for hit in events] == [application]
        assert watchlist[0].comparison.reasons(language="en")
        # and --status asks it from the command line
        shown = subprocess.run(
            [*command, "--status"], env=environment, cwd=ROOT, capture_output=True, text=True
        )
        assert shown.returncode == 0
        assert json.loads(shown.stdout)["sizes"] == {"watchlist": 1, "events": 1}
        # and it stops on SIGTERM, saving its snapshot and removing its socket
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert not os.path.exists(socket_path)
        assert (snapshot / "state.json").is_file()
        down = subprocess.run(
            [*command, "--status"], env=environment, cwd=ROOT, capture_output=True, text=True
        )
        assert down.returncode == 1
        assert "is not answering" in down.stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # when started again, it starts from the snapshot
    process = subprocess.Popen(
        [*command, "--snapshot", str(snapshot)],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready = _wait_for_line(process, "screening index ready", timeout=60)
        assert "from the snapshot" in ready
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
