"""Index snapshots hold every indexed identity: only the service's own user may read them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from benteng.people.service import store_for_service
from benteng.people.store import EVENTS, WATCHLIST, IndexStore
from tests.screening.flow_factories import application_make

pytestmark = pytest.mark.django_db

SNAPSHOT_FILES = (f"{WATCHLIST}.npz", f"{EVENTS}.npz", "state.json")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():  # type: ignore[no-untyped-def]
    """A umask that would leave new files readable by everyone (as on many servers)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_snapshot_directory_and_its_files_are_private(tmp_path, open_umask):
    # given
    application_make()
    folder = tmp_path / "indeks"
    # when
    IndexStore.from_database().save_snapshot(folder)
    # then
    assert _mode(folder) == 0o700
    for name in SNAPSHOT_FILES:
        assert _mode(folder / name) == 0o600, name
    assert sorted(path.name for path in folder.iterdir()) == sorted(SNAPSHOT_FILES)


def test_an_existing_open_directory_and_old_open_files_are_made_private(tmp_path, open_umask):
    # given: a directory and a snapshot written before the fix, readable by everyone
    application_make()
    folder = tmp_path / "indeks"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    for name in SNAPSHOT_FILES:
        (folder / name).write_text("lama", encoding="utf-8")
        (folder / name).chmod(0o644)
    (folder / ".state.json.tmp").write_text("sisa", encoding="utf-8")
    (folder / ".state.json.tmp").chmod(0o644)
    # when
    IndexStore.from_database().save_snapshot(folder)
    # then
    assert _mode(folder) == 0o700
    for name in SNAPSHOT_FILES:
        assert _mode(folder / name) == 0o600, name
    # and the private snapshot still loads
    store = store_for_service(snapshot_directory=folder)
    assert store.origin == "snapshot"
    assert store.sizes()[EVENTS] == 1
