"""A stored screening result keeps its hits by reference; each reader gets them projected for
them: an entry the reader may not see as a hit is left out, with its instruction and the
indicator evidence it gave."""

from __future__ import annotations

import pytest

from benteng.screening.cleaning import ApplicationInput
from benteng.screening.models import ScreeningResult
from benteng.screening.selectors import application_result, screening_result_get
from benteng.screening.services import application_screen
from benteng.watchlists.models import SharingLevel, WatchlistEntry
from benteng.watchlists.services import watchlist_entry_remove
from tests.screening.test_services_support import (
    SITI_NIK,
    SPONSOR_PHONE,
    applicant,
    police_entry,
    viewer_of,
)

pytestmark = pytest.mark.django_db

DEPORTED_INSTRUCTION = "Tanyakan riwayat deportasi; hubungi analis intelijen Kanwil."


@pytest.fixture
def screened(personas, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Siti screened at Kanim Tangerang with two hits: her sponsor's phone on a police list
    (which makes the application police-visible) and herself on immigration's deportation
    list, which is then made owner-only."""
    with django_capture_on_commit_callbacks(execute=True):
        police = police_entry(personas.analis_polri)
        deported = police_entry(
            personas.analis_imigrasi,
            code="imigrasi-deportasi",
            full_name="Siti Nurhaliza binti Ahmad",
            nik=SITI_NIK,
            birth_date="14-08-1996",
            sex="P",
            phone="",
            category="Deportasi karena bekerja tanpa izin",
            instruction=DEPORTED_INSTRUCTION,
            contact="Analis intelijen Kanwil",
        )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = application_screen(
            viewer=viewer_of(personas.petugas_imigrasi),
            data=ApplicationInput.from_raw(applicant(sponsor_phone=SPONSOR_PHONE)),
        )
    assert {hit.id for hit in outcome.hits} == {police.pk, deported.pk}
    WatchlistEntry.objects.filter(pk=deported.pk).update(sharing_level=SharingLevel.OWNER_ONLY)
    return outcome, police, deported


def _evidence(outcome) -> str:  # type: ignore[no-untyped-def]
    return " ".join(line for indicator in outcome.indicators for line in [*indicator["evidence"]])


def test_the_stored_result_keeps_references_not_identities(screened) -> None:  # type: ignore[no-untyped-def]
    outcome, police, deported = screened
    stored = ScreeningResult.objects.get(pk=outcome.result.pk).hits
    assert sorted(hit["entry_id"] for hit in stored) == sorted([police.pk, deported.pk])
    for hit in stored:
        assert not {"full_name", "nik", "passport_no", "phone", "birth_date"} & set(hit)
        assert hit["score"] > 0 and hit["matched_on"] and hit["match_reasons"]


def test_police_reading_the_application_do_not_see_the_owner_only_immigration_hit(
    personas, screened
) -> None:  # type: ignore[no-untyped-def]
    outcome, police, _deported = screened
    assert outcome.application is not None and outcome.application.police_visible
    # when
    read = application_result(viewer_of(personas.penyidik), outcome.application.pk)
    # then: the police hit only, its instruction only, no evidence of the deportation list
    assert [hit.id for hit in read.hits] == [police.pk]
    assert [item.instruction for item in read.instructions] == [police.instruction]
    assert "person_on_watchlist" not in [indicator["code"] for indicator in read.indicators]
    assert "deportasi" not in _evidence(read).lower()
    assert "sponsor_on_police_watchlist" in [indicator["code"] for indicator in read.indicators]


def test_the_immigration_officer_still_sees_their_agency_s_owner_only_hit(
    personas, screened
) -> None:  # type: ignore[no-untyped-def]
    outcome, police, deported = screened
    # when
    read = screening_result_get(viewer_of(personas.petugas_imigrasi), outcome.result.pk)
    # then
    assert {hit.id for hit in read.hits} == {police.pk, deported.pk}
    assert DEPORTED_INSTRUCTION in [item.instruction for item in read.instructions]
    assert "person_on_watchlist" in [indicator["code"] for indicator in read.indicators]
    deported_hit = next(hit for hit in read.hits if hit.id == deported.pk)
    assert deported_hit.nik == SITI_NIK, "the identity is read again from the entry"


def test_an_entry_removed_since_is_left_out_for_every_reader(personas, screened) -> None:  # type: ignore[no-untyped-def]
    outcome, police, deported = screened
    watchlist_entry_remove(viewer=viewer_of(personas.analis_polri), entry=police, reason="salah")
    # when
    read = screening_result_get(viewer_of(personas.petugas_imigrasi), outcome.result.pk)
    # then
    assert [hit.id for hit in read.hits] == [deported.pk]
    assert police.instruction not in [item.instruction for item in read.instructions]
    assert "sponsor_on_police_watchlist" not in [i["code"] for i in read.indicators]


def test_the_migration_keeps_references_of_stored_hits_and_can_run_again(screened) -> None:  # type: ignore[no-untyped-def]
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "benteng.screening.migrations.0006_stored_hits_by_reference"
    )
    outcome, police, _deported = screened
    # given: a result stored the old way, with the entry's identity in it
    old_hit = {
        "id": police.pk,
        "index_id": f"w{police.pk}",
        "full_name": police.full_name,
        "phone": police.phone,
        "owner_agency": "polri",
        "watchlist_kind": "sponsor",
        "category": police.category,
        "matched_on": "phone",
        "matched_via": ["phone", "sponsor"],
        "score": 1.0,
        "match_reasons": "Nomor telepon sama",
        "match_reasons_en": "Phone number is the same",
    }
    ScreeningResult.objects.filter(pk=outcome.result.pk).update(hits=[old_hit])
    # when: run twice
    migration.hits_by_reference(apps, None)
    migration.hits_by_reference(apps, None)
    # then
    [stored] = ScreeningResult.objects.get(pk=outcome.result.pk).hits
    assert stored == {
        "entry_id": police.pk,
        "score": 1.0,
        "matched_on": "phone",
        "matched_via": ["phone", "sponsor"],
        "match_reasons": "Nomor telepon sama",
        "match_reasons_en": "Phone number is the same",
        "watchlist_kind": "sponsor",
        "owner_agency": "polri",
        "category": police.category,
    }
