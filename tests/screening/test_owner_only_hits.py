"""Owner-only watchlist entries end to end, through the screening service and the in-process
index: an entry shared with its owner agency only hits that agency's screenings, never
another agency's, is never stored for another agency, is left out for another agency's
readers, and never crowds a shared entry out of the best hits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benteng.people.index import screening_index_reset
from benteng.screening.cleaning import ApplicationInput
from benteng.screening.matching import WATCHLIST_TOP
from benteng.screening.models import ScreeningResult
from benteng.screening.outcome import ScreeningOutcome
from benteng.screening.selectors import application_result, screening_result_get
from benteng.screening.services import application_screen
from benteng.watchlists.models import SharingLevel, WatchlistEntry
from tests.screening.test_services_support import (
    SITI_NIK,
    SPONSOR_PHONE,
    applicant,
    police_entry,
    viewer_of,
)

pytestmark = pytest.mark.django_db

DEPORTED_INSTRUCTION = "Tanyakan riwayat deportasi; hubungi analis intelijen Kanwil."
WANTED_INSTRUCTION = "Tahan dan hubungi penyidik Subdit IV Ditreskrimum."


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def entry(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Make a watchlist entry through the service, the index updated after the commit."""

    def make(analyst: Any, **values: Any) -> WatchlistEntry:
        with django_capture_on_commit_callbacks(execute=True):
            return police_entry(analyst, **values)

    return make


@pytest.fixture
def screen(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(user: Any, **values: Any) -> ScreeningOutcome:
        with django_capture_on_commit_callbacks(execute=True):
            return application_screen(
                viewer=viewer_of(user), data=ApplicationInput.from_raw(applicant(**values))
            )

    return run


def _siti(**values: Any) -> dict[str, Any]:
    """Siti's identity as an entry holds it."""
    return {
        "full_name": "Siti Nurhaliza binti Ahmad",
        "nik": SITI_NIK,
        "birth_date": "14-08-1996",
        "sex": "P",
        "phone": "",
        **values,
    }


def _immigration_owner_only(personas: Any, entry: Any) -> WatchlistEntry:
    return entry(  # type: ignore[no-any-return]
        personas.analis_imigrasi,
        code="imigrasi-deportasi",
        category="Deportasi karena bekerja tanpa izin",
        instruction=DEPORTED_INSTRUCTION,
        contact="Analis intelijen Kanwil",
        sharing_level=SharingLevel.OWNER_ONLY,
        **_siti(),
    )


def _police_owner_only(personas: Any, entry: Any, **values: Any) -> WatchlistEntry:
    return entry(  # type: ignore[no-any-return]
        personas.analis_polri,
        code="polri-dpo",
        category="Tersangka TPPO",
        instruction=WANTED_INSTRUCTION,
        **{"sharing_level": SharingLevel.OWNER_ONLY, **_siti(**values)},
    )


def _stored_entry_ids(outcome: ScreeningOutcome) -> set[int]:
    return {hit["entry_id"] for hit in ScreeningResult.objects.get(pk=outcome.result.pk).hits}


def test_an_immigration_owner_only_entry_hits_at_the_immigration_counter(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given
    deported = _immigration_owner_only(personas, entry)
    assert deported.sharing_level == SharingLevel.OWNER_ONLY
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then
    assert [hit.id for hit in outcome.hits] == [deported.pk]
    assert _stored_entry_ids(outcome) == {deported.pk}
    assert DEPORTED_INSTRUCTION in [item.instruction for item in outcome.instructions]
    assert "person_on_watchlist" in [indicator["code"] for indicator in outcome.indicators]


def test_a_police_owner_only_entry_does_not_hit_at_the_immigration_counter(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: Siti on a police list the police keep to themselves
    wanted = _police_owner_only(personas, entry)
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then: no hit, nothing stored, and the application stays out of the police's sight
    assert outcome.hits == []
    assert _stored_entry_ids(outcome) == set()
    assert WANTED_INSTRUCTION not in [item.instruction for item in outcome.instructions]
    assert "person_on_watchlist" not in [i["code"] for i in outcome.indicators]
    assert outcome.application is not None
    assert outcome.application.police_visible is False
    assert wanted.pk not in [hit.id for hit in outcome.hits]


def test_police_reading_the_application_do_not_see_immigration_s_owner_only_hit(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: the sponsor's phone on a shared police list makes the application
    # police-visible; Siti herself is on immigration's owner-only deportation list
    police = entry(personas.analis_polri)
    deported = _immigration_owner_only(personas, entry)
    outcome = screen(personas.petugas_imigrasi, sponsor_phone=SPONSOR_PHONE)
    assert {hit.id for hit in outcome.hits} == {police.pk, deported.pk}
    assert outcome.application is not None and outcome.application.police_visible
    # when: the investigator opens it (the selectors of the pages and the API)
    investigator = viewer_of(personas.penyidik)
    by_application = application_result(investigator, outcome.application.pk)
    by_result = screening_result_get(investigator, outcome.result.pk)
    # then: neither the hit nor its instruction nor the evidence it gave
    for read in (by_application, by_result):
        assert [hit.id for hit in read.hits] == [police.pk]
        assert [item.instruction for item in read.instructions] == [police.instruction]
        evidence = " ".join(line for indicator in read.indicators for line in indicator["evidence"])
        assert "deportasi" not in evidence.lower()
        assert "person_on_watchlist" not in [i["code"] for i in read.indicators]


def test_owner_only_entries_of_another_agency_do_not_crowd_out_a_shared_one(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: a shared police entry of Siti by name and birth date only, and more police
    # owner-only entries than the hits kept, each a closer match (her NIK too)
    shared = entry(
        personas.analis_polri,
        code="polri-dpo",
        category="Tersangka TPPO",
        full_name="Siti Nurhaliza",
        birth_date="14-08-1996",
        sex="P",
        phone="",
    )
    closer = [
        _police_owner_only(personas, entry, full_name=f"Siti Nurhaliza binti Ahmad {suffix}")
        for suffix in ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K")
    ]
    assert len(closer) > WATCHLIST_TOP
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then
    assert [hit.id for hit in outcome.hits] == [shared.pk]
    assert _stored_entry_ids(outcome) == {shared.pk}


def test_an_entry_made_owner_only_since_the_index_saw_it_is_not_stored(
    personas, entry, screen
) -> None:  # type: ignore[no-untyped-def]
    # given: a shared police entry, indexed for every agency, then made owner-only by a write
    # the index has not seen yet (another process, a bulk update)
    wanted = _police_owner_only(personas, entry, sharing_level=SharingLevel.HIT)
    screen(personas.petugas_imigrasi, nik="3603070101900011", full_name="Budi Hartono")
    WatchlistEntry.objects.filter(pk=wanted.pk).update(sharing_level=SharingLevel.OWNER_ONLY)
    # when
    outcome = screen(personas.petugas_imigrasi)
    # then: the entry as it is now decides, not the index's copy
    assert outcome.hits == []
    assert _stored_entry_ids(outcome) == set()
    assert outcome.application is not None
    assert outcome.application.police_visible is False
