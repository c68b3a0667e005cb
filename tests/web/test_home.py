"""Each role's home shows its own work: counts that link to the lists, and nothing promised."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from benteng.audit.models import AuditAction, AuditEntry
from benteng.screening.models import DepartureOutcome
from tests.conftest import verified_client
from tests.screening.flow_factories import application_make, departure_make

pytestmark = pytest.mark.django_db

APPLICATIONS = "/penyaringan/permohonan/"
TPI = "/penyaringan/tpi/"
OVERSIGHT = "/penyaringan/keputusan-peringatan/"
# The tiles each role's home shows: key -> where it leads.
TILES = {
    "petugas_imigrasi": {
        "screened_today": APPLICATIONS,
        "waiting": APPLICATIONS + "?status=disaring",
        "due_soon": APPLICATIONS + "?due=segera",
        "overdue": APPLICATIONS + "?due=lewat",
    },
    "petugas_imigrasi_other": {
        "screened_today": APPLICATIONS,
        "waiting": APPLICATIONS + "?status=disaring",
        "due_soon": APPLICATIONS + "?due=segera",
        "overdue": APPLICATIONS + "?due=lewat",
    },
    "analis_imigrasi": {
        "screened_today": APPLICATIONS,
        "waiting": APPLICATIONS + "?status=disaring",
        "due_soon": APPLICATIONS + "?due=segera",
        "overdue": APPLICATIONS + "?due=lewat",
        "warning_overrides": OVERSIGHT,
    },
    "petugas_tpi": {"checks_today": TPI, "delays_today": TPI},
    "penyidik": {"applications_for_police": APPLICATIONS, "departures_handed_over": "#diserahkan"},
    "analis_polri": {
        "applications_for_police": APPLICATIONS,
        "departures_handed_over": "#diserahkan",
    },
    "pimpasa": {},
    "bhabinkamtibmas": {},
    "pic_desa": {},
    "pic_desa_other": {},
    "pimpinan": {"warning_overrides": OVERSIGHT},
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
