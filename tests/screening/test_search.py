"""Searching and filtering the lists of applications and departure checks: a name however
spelled (through the identity engine), a NIK, a passport number; office, period, destination
and status; only what the viewer may see, and every search in the audit trail with its terms."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from benteng.audit.models import AuditAction, AuditEntry
from benteng.people.index import screening_index_reset
from benteng.screening.models import (
    ApplicationStatus,
    DepartureCheck,
    DepartureOutcome,
    PassportApplication,
)
from tests.conftest import verified_client
from tests.screening.flow_factories import KANIM_SERANG, application_make, departure_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index():  # type: ignore[no-untyped-def]
    screening_index_reset()
    yield
    screening_index_reset()


def _references(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return set(re.findall(r">(TEST-[AD]-\d+)</a>", response.content.decode()))


def _applications(client, **query) -> set[str]:  # type: ignore[no-untyped-def]
    return _references(client.get(reverse("screening:applications"), query))


def test_a_name_spelled_otherwise_is_found_through_the_identity_engine(personas):
    nur = application_make(full_name="Nur Hayati")
    siti = application_make(full_name="Siti Rohmah")
    client = verified_client(personas.petugas_imigrasi)
    assert _applications(client, q="Noer Hayati") == {nur.reference}
    assert _applications(client, q="nur  hayati") == {nur.reference}
    assert _applications(client, q="Hayati") == {nur.reference}  # one part of the name
    assert _applications(client, q="Rohmah") == {siti.reference}


def test_a_nik_a_passport_number_or_a_reference_finds_the_application(personas):
    nur = application_make(full_name="Nur Hayati", birth_date=datetime.date(1990, 5, 17))
    PassportApplication.objects.filter(pk=nur.pk).update(passport_no="C1234567")
    application_make(full_name="Siti Rohmah")
    client = verified_client(personas.petugas_imigrasi)
    spaced_nik = " ".join(re.findall(".{1,4}", nur.nik))
    assert _applications(client, q=spaced_nik) == {nur.reference}
    assert _applications(client, q="c 123 4567") == {nur.reference}
    assert _applications(client, q=nur.reference.lower()) == {nur.reference}


def test_the_search_finds_only_what_the_viewer_may_see(personas):
    own = application_make(full_name="Nur Hayati")
    elsewhere = application_make(full_name="Noer Hayati", office_code=KANIM_SERANG)
    officer = verified_client(personas.petugas_imigrasi)
    analyst = verified_client(personas.analis_imigrasi)
    police = verified_client(personas.penyidik)
    assert _applications(officer, q="Nur Hayati") == {own.reference}
    assert _applications(analyst, q="Nur Hayati") == {own.reference, elsewhere.reference}
    assert _applications(police, q="Nur Hayati") == set()


def test_lists_filter_by_office_period_destination_and_status(personas):
    malaysia = application_make(full_name="Nur Hayati", destination_country="MY")
    saudi = application_make(full_name="Ani Lestari", destination_country="SA")
    serang = application_make(full_name="Dewi Sartika", office_code=KANIM_SERANG)
    old = application_make(full_name="Euis Komariah", status=ApplicationStatus.ISSUED)
    PassportApplication.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=40)
    )
    analyst = verified_client(personas.analis_imigrasi)
    page = analyst.get(reverse("screening:applications")).content.decode()
    tangerang_id = re.search(r'<option value="(\d+)">Kantor Imigrasi[^<]*Tangerang', page).group(1)
    assert _applications(analyst, destination="SA") == {saudi.reference}
    assert _applications(analyst, office=tangerang_id) == {
        malaysia.reference,
        saudi.reference,
        old.reference,
    }
    assert serang.reference in _applications(analyst)
    since = (timezone.localdate() - datetime.timedelta(days=7)).strftime("%d-%m-%Y")
    assert old.reference not in _applications(analyst, date_from=since)
    until = (timezone.localdate() - datetime.timedelta(days=30)).strftime("%d-%m-%Y")
    assert _applications(analyst, date_to=until) == {old.reference}
    assert _applications(analyst, status=ApplicationStatus.ISSUED) == {old.reference}


def test_an_officer_of_one_office_gets_no_office_filter(personas):
    application_make(full_name="Nur Hayati")
    page = verified_client(personas.petugas_imigrasi).get(reverse("screening:applications"))
    assert 'name="office"' not in page.content.decode()


def test_a_bad_period_is_explained_in_indonesian_and_kept(personas):
    application_make(full_name="Nur Hayati")
    client = verified_client(personas.petugas_imigrasi)
    response = client.get(
        reverse("screening:applications"), {"date_from": "31-02-2026", "q": "Nur"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "tidak ada di kalender" in page
    assert 'value="31-02-2026"' in page
    reversed_period = client.get(
        reverse("screening:applications"), {"date_from": "10-12-2026", "date_to": "01-12-2026"}
    )
    assert "Tanggal akhir harus sama dengan atau sesudah awal." in reversed_period.content.decode()


def test_every_search_is_audited_with_its_terms_even_when_nothing_is_found(personas):
    nur = application_make(full_name="Nur Hayati", destination_country="MY")
    client = verified_client(personas.petugas_imigrasi)
    _applications(client, q="Noer Hayati", destination="MY")
    _applications(client, q="Tidak Ada Orangnya")
    found, nothing = AuditEntry.objects.filter(
        action=AuditAction.LIST, object_type="screening.passportapplication"
    ).order_by("pk")
    assert found.detail == {"search": {"search": "Noer Hayati", "destination": "MY"}}
    assert found.object_ids == [str(nur.pk)]
    assert found.actor == personas.petugas_imigrasi
    assert nothing.detail == {"search": {"search": "Tidak Ada Orangnya"}}
    assert nothing.object_ids == []


# --- the departure checks list ------------------------------------------------------------


def _departures(client, **query) -> set[str]:  # type: ignore[no-untyped-def]
    return _references(client.get(reverse("screening:departures"), query))


def test_analysts_list_the_departure_checks_and_filter_them(personas):
    allowed = departure_make(full_name="Nur Hayati", passport_no="C1234567")
    delayed = departure_make(full_name="Siti Rohmah", passport_no="C7654321")
    DepartureCheck.objects.filter(pk=delayed.pk).update(
        outcome=DepartureOutcome.DELAY, destination_country="KH"
    )
    analyst = verified_client(personas.analis_imigrasi)
    assert _departures(analyst) == {allowed.reference, delayed.reference}
    assert _departures(analyst, q="Noer Hayati") == {allowed.reference}
    assert _departures(analyst, q="C7654321") == {delayed.reference}
    assert _departures(analyst, status=DepartureOutcome.DELAY) == {delayed.reference}
    assert _departures(analyst, destination="KH") == {delayed.reference}
    assert AuditEntry.objects.filter(
        action=AuditAction.LIST,
        object_type="screening.departurecheck",
        detail__search__search="C7654321",
    ).exists()


def test_the_departure_list_shows_police_only_the_hand_overs(personas):
    departure_make(full_name="Nur Hayati")
    handed = departure_make(full_name="Siti Rohmah", passport_no="C7654321")
    DepartureCheck.objects.filter(pk=handed.pk).update(
        outcome=DepartureOutcome.HAND_OVER, police_visible=True
    )
    assert _departures(verified_client(personas.penyidik)) == {handed.reference}


@pytest.mark.parametrize(
    "persona", ["petugas_imigrasi", "pimpasa", "pimpinan", "pic_desa", "admin"]
)
def test_roles_without_departure_checks_get_403(personas, persona):
    departure_make(full_name="Nur Hayati")
    client = verified_client(getattr(personas, persona))
    assert client.get(reverse("screening:departures")).status_code == 403


def test_the_departure_list_is_paginated(personas, settings):
    for number in range(52):
        departure_make(full_name=f"Penumpang {number}", passport_no=f"C{number:07d}")
    analyst = verified_client(personas.analis_imigrasi)
    first = analyst.get(reverse("screening:departures"))
    second = analyst.get(reverse("screening:departures"), {"page": 2})
    assert len(_references(first)) == 50
    assert len(_references(second)) == 2
    assert "Halaman 1 dari 2" in first.content.decode()
