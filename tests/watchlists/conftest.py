"""Fixtures of the watchlist tests: the standard lists, entries made through the services, and
a stand-in for the screening index that records what it was asked to do."""

from __future__ import annotations

from typing import Any

import pytest

from benteng.access import Viewer
from benteng.watchlists import services as watchlist_services
from benteng.watchlists.categories import categories_for
from benteng.watchlists.models import Watchlist, WatchlistEntry
from benteng.watchlists.services import watchlist_entry_create

# A woman born 14-08-1990 in Kecamatan Kronjo (day 14 + 40 = 54), serial 0003.
NIK_WOMAN = "3603075408900003"
# A man born 02-01-1985 in Kecamatan Kronjo.
NIK_MAN = "3603070201850011"
# A category of the recruiter list (the picklist of its kind).
CALO = "Perekrut lapangan (calo)"


@pytest.fixture
def police_list(personas) -> Watchlist:  # type: ignore[no-untyped-def]
    return Watchlist.objects.get(code="polri-perekrut")


@pytest.fixture
def immigration_list(personas) -> Watchlist:  # type: ignore[no-untyped-def]
    return Watchlist.objects.get(code="imigrasi-deportasi")


def list_of_the_same_kind(watchlist: Watchlist) -> Watchlist:
    """A second list of this kind, kept by the same office (a file moves between them)."""
    return Watchlist.objects.create(
        code=f"{watchlist.code}-kedua",
        name=f"{watchlist.name} (kedua)",
        kind=watchlist.kind,
        owner_agency=watchlist.owner_agency,
        owner_office=watchlist.owner_office,
        default_legal_basis=watchlist.default_legal_basis,
        default_instruction=watchlist.default_instruction,
        default_contact=watchlist.default_contact,
    )


def viewer_of(user: Any) -> Viewer:
    return Viewer.for_user(user, purpose="uji daftar pantauan")


def person_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": "Siti Rahmawati",
        "nik": NIK_WOMAN,
        "birth_date": "14-08-1990",
        "sex": "P",
        "phone": "0812-3456-7890",
        "passport_no": "c 1234567",
        "category": CALO,
        "internal_notes": "Informan: kepala dusun. Jangan dibagikan.",
    }
    data.update(overrides)
    return data


def make_entry(user: Any, watchlist: Watchlist, **overrides: Any) -> WatchlistEntry:
    # Unless the test says otherwise, the first category of the list's own kind.
    overrides.setdefault("category", categories_for(watchlist.kind)[0])
    return watchlist_entry_create(
        viewer=viewer_of(user), watchlist=watchlist, data=person_data(**overrides)
    )


class RecordingIndex:
    """Stands in for the screening index's hook: remembers which entries it was given."""

    def __init__(self) -> None:
        self.indexed: list[tuple[int, bool]] = []

    def index_source_record(self, entry: WatchlistEntry) -> None:
        self.indexed.append((entry.pk, entry.in_force()))


@pytest.fixture
def recording_index(monkeypatch) -> RecordingIndex:  # type: ignore[no-untyped-def]
    recorder = RecordingIndex()
    # The watchlist services hold the hook they call (imported at module level).
    monkeypatch.setattr(watchlist_services, "index_source_record", recorder.index_source_record)
    return recorder
