"""Each role's home shows its own work: counts that link to the lists, and nothing promised."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from benteng.audit.models import AuditAction, AuditEntry
from benteng.screening.models import DepartureOutcome, ScreeningResult
from tests.conftest import verified_client
from tests.screening.flow_factories import application_make, departure_make

pytestmark = pytest.mark.django_db

APPLICATIONS = "/penyaringan/permohonan/"
TPI = "/penyaringan/tpi/"
OVERSIGHT = "/penyaringan/keputusan-peringatan/"
HITS_AWAITING = APPLICATIONS + "?follow_up=hit"
REFERRAL_TILES = {
    "referrals_incoming_open": "/rujukan/?arah=masuk&status=terbuka",
    "referrals_incoming_overdue": "/rujukan/?arah=masuk&lewat_batas=on",
    "referrals_outgoing_open": "/rujukan/?arah=keluar&status=terbuka",
}
BOOKINGS = {"facility_bookings": "/kerja-sama/pemesanan/"}
VILLAGE_TEAM_TILES = {"villages": "/desa-binaan/", "village_outreach_recent": "/desa-binaan/rekap/"}
VISIT_TILE = {"villages_to_visit": "/desa-binaan/kunjungan/"}
REPORTS_TILE = {"village_reports_open": "/laporan-desa/"}
# The tiles each role's home shows: key -> where it leads.
TILES = {
    "petugas_imigrasi": {
        "screened_today": APPLICATIONS,
        "waiting": APPLICATIONS + "?status=disaring",
        "due_soon": APPLICATIONS + "?due=segera",
        "overdue": APPLICATIONS + "?due=lewat",
        "application_hits_awaiting": HITS_AWAITING,
        **REFERRAL_TILES,
        **BOOKINGS,
    },
    "petugas_imigrasi_other": {
        "screened_today": APPLICATIONS,
        "waiting": APPLICATIONS + "?status=disaring",
        "due_soon": APPLICATIONS + "?due=segera",
        "overdue": APPLICATIONS + "?due=lewat",
        "application_hits_awaiting": HITS_AWAITING,
        **REFERRAL_TILES,
        **BOOKINGS,
    },
    "analis_imigrasi": {
        "screened_today": APPLICATIONS,
        "waiting": APPLICATIONS + "?status=disaring",
        "due_soon": APPLICATIONS + "?due=segera",
        "overdue": APPLICATIONS + "?due=lewat",
        "warning_overrides": OVERSIGHT,
        "application_hits_awaiting": HITS_AWAITING,
        **REFERRAL_TILES,
        **BOOKINGS,
    },
    "petugas_tpi": {
        "checks_today": TPI,
        "delays_today": TPI,
        "departure_hits_awaiting": TPI + "?follow_up=hit",
        **REFERRAL_TILES,
        **BOOKINGS,
    },
    "penyidik": {
        "application_hits_awaiting": HITS_AWAITING,
        "applications_for_police": APPLICATIONS,
        "departures_handed_over": "#diserahkan",
        **REFERRAL_TILES,
        "cases": "/kasus/",
        **BOOKINGS,
    },
    "analis_polri": {
        "application_hits_awaiting": HITS_AWAITING,
        "applications_for_police": APPLICATIONS,
        "departures_handed_over": "#diserahkan",
        **REFERRAL_TILES,
        "cases": "/kasus/",
        **BOOKINGS,
    },
    "pimpasa": {**REFERRAL_TILES, **VILLAGE_TEAM_TILES, **VISIT_TILE, **REPORTS_TILE},
    "bhabinkamtibmas": {**REFERRAL_TILES, **VILLAGE_TEAM_TILES, **VISIT_TILE, **REPORTS_TILE},
    "pic_desa": {**REFERRAL_TILES, **VILLAGE_TEAM_TILES, **REPORTS_TILE},
    "pic_desa_other": {**REFERRAL_TILES, **VILLAGE_TEAM_TILES, **REPORTS_TILE},
    "pimpinan": {"warning_overrides": OVERSIGHT, **REFERRAL_TILES, **VISIT_TILE, **BOOKINGS},
    "admin": {},
}


def _tiles(html: str) -> dict[str, str]:
    found = re.findall(r'<a class="tile" href="([^"]+)" data-testid="tile-([a-z_]+)">', html)
    return {key: href.replace("&amp;", "&") for href, key in found}


@pytest.mark.parametrize("persona", sorted(TILES))
def test_each_role_sees_its_own_work_tiles_and_each_opens(personas, persona):
    # given
    client = verified_client(getattr(personas, persona))
    # when
    html = client.get("/").content.decode()
    # then
    assert _tiles(html) == TILES[persona]
    for href in TILES[persona].values():
        if not href.startswith("#"):
            assert client.get(href).status_code == 200, (persona, href)
    assert "Wilayah Banten" not in html  # the filler card is gone


def test_the_counts_are_the_officers_own_work(personas):
    # given: two applications at Kanim Tangerang, one at Kanim Serang
    application_make()
    application_make(full_name="Dewi Lestari")
    application_make(office_code="kanim-serang")
    # when
    html = verified_client(personas.petugas_imigrasi).get("/").content.decode()
    # then
    tile = re.search(r'data-testid="tile-waiting"><span class="tile-count">(\d+)</span>', html)
    assert tile is not None
    assert tile.group(1) == "2"


def test_police_tile_leads_to_the_passengers_handed_over(personas):
    # given
    handed_over = departure_make()
    handed_over.outcome = DepartureOutcome.HAND_OVER
    handed_over.police_visible = True
    handed_over.save(update_fields=["outcome", "police_visible"])
    departure_make(passport_no="C7654321")  # not handed over: not for police
    client = verified_client(personas.penyidik)
    # when
    html = client.get("/").content.decode()
    # then
    section = html.split('id="diserahkan"')[1].split("</section>")[0]
    detail = reverse("screening:departure_detail", args=[handed_over.pk])
    assert f'href="{detail}"' in section
    assert section.count("<li>") == 1
    assert client.get(detail).status_code == 200
    entry = AuditEntry.objects.filter(action=AuditAction.LIST).latest("sequence")
    assert entry.object_ids == [str(handed_over.pk)]


def test_an_immigration_officer_sees_no_police_hand_over_list(personas):
    html = verified_client(personas.petugas_tpi).get("/").content.decode()
    assert 'id="diserahkan"' not in html


# --- hits awaiting follow-up --------------------------------------------------------------------

A_HIT = [{"entry_id": 1, "watchlist_name": "uji", "category": "perekrut"}]


def _with_hit(application) -> None:  # type: ignore[no-untyped-def]
    """Give the application's screening a watchlist hit."""
    ScreeningResult.objects.filter(application=application).update(hits=A_HIT)


def _tile_count(html: str, key: str) -> int:
    found = re.search(rf'data-testid="tile-{key}"><span class="tile-count">(\d+)</span>', html)
    assert found is not None, key
    return int(found.group(1))


@pytest.fixture
def applications_with_hits() -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Applications of two Kanims, with and without a hit, decided and not: reference -> what."""
    made = {
        "tangerang hit": application_make(),
        "tangerang hit, police list": application_make(full_name="Dewi", police_visible=True),
        "tangerang hit, issued": application_make(full_name="Ani", status="terbit"),
        "tangerang no hit": application_make(full_name="Rina"),
        "serang hit": application_make(office_code="kanim-serang", full_name="Euis"),
    }
    for what, application in made.items():
        if "no hit" not in what:
            _with_hit(application)
    return {application.reference: what for what, application in made.items()}


# Which of those each role finds behind its tile: a hit and no decision, and visible to them.
HITS_AWAITING_SEEN = {
    "petugas_imigrasi": {"tangerang hit", "tangerang hit, police list"},
    "petugas_imigrasi_other": {"serang hit"},
    "analis_imigrasi": {"tangerang hit", "tangerang hit, police list", "serang hit"},
    "penyidik": {"tangerang hit, police list"},
    "analis_polri": {"tangerang hit, police list"},
}


@pytest.mark.parametrize("persona", sorted(HITS_AWAITING_SEEN))
def test_hits_awaiting_follow_up_count_equals_its_list(personas, persona, applications_with_hits):
    # given
    client = verified_client(getattr(personas, persona))
    # when
    count = _tile_count(client.get("/").content.decode(), "application_hits_awaiting")
    listed = client.get(HITS_AWAITING)
    # then: the tile counts exactly the rows of the list it opens
    assert listed.status_code == 200
    references = set(re.findall(r">(TEST-A-\d+)</a>", listed.content.decode()))
    assert {applications_with_hits[reference] for reference in references} == (
        HITS_AWAITING_SEEN[persona]
    )
    assert count == len(references)


def test_tpi_hits_awaiting_a_decision_count_equals_its_list(personas):
    # given: at the TPI two checks with a hit (one decided), one without; one at another TPI
    waiting = departure_make(full_name="Siti Hit")
    decided = departure_make(full_name="Ani Hit", passport_no="C7654321")
    decided.outcome = DepartureOutcome.ALLOW
    decided.save(update_fields=["outcome"])
    departure_make(full_name="Rina Bersih", passport_no="C1111111")
    elsewhere = departure_make(
        office_code="tpi-pelabuhan-cilegon", full_name="Euis Hit", passport_no="C2222222"
    )
    for check in (waiting, decided, elsewhere):
        ScreeningResult.objects.create(departure_check=check, risk_score=10, hits=A_HIT)
    client = verified_client(personas.petugas_tpi)
    # when
    count = _tile_count(client.get("/").content.decode(), "departure_hits_awaiting")
    listed = client.get(TPI + "?follow_up=hit").content.decode()
    # then
    rows = listed.split('data-testid="departures"')[1].split("</table>")[0]
    assert count == rows.count("<tr class=") == 1
    assert "Siti Hit" in rows
    entry = AuditEntry.objects.filter(action=AuditAction.LIST).latest("sequence")
    assert entry.object_ids == [str(waiting.pk)]


def test_the_hits_list_says_so_when_there_is_none(personas):
    html = verified_client(personas.petugas_tpi).get(TPI + "?follow_up=hit").content.decode()
    assert 'data-testid="no-hits-awaiting"' in html
