"""The lists and their search in Chromium, on a 360-px phone and a desktop: an analyst finds a
passenger whose name is written otherwise, filters the departure checks, and picks any
country at the counter; the analysts' destination list and a watchlist entry's category.

Set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at.
"""

from __future__ import annotations

import os

import pytest

from benteng.people.index import screening_index_reset
from benteng.screening.models import DepartureCheck, DepartureOutcome
from tests.browser import test_shell_in_chromium as shell
from tests.browser.test_roles_in_chromium import PHONE
from tests.screening.flow_factories import KANIM_SERANG, application_make, departure_make

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DESKTOP = shell.DESKTOP
_shoot = shell._shoot
_no_sideways_scrolling = shell._no_sideways_scrolling
# The shell's fixtures: Chromium, and a window signed in as a persona.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_index():  # type: ignore[no-untyped-def]
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_an_analyst_searches_both_lists_by_a_name_written_otherwise(open_as, personas, viewport):
    # given: applications at two Kanims and checks at the airport
    nur = application_make(full_name="Nur Hayati Binti Abdurrahman Wahid")
    application_make(full_name="Siti Rohmah", office_code=KANIM_SERANG)
    delayed = departure_make(full_name="Nur Hayati Binti Abdurrahman Wahid", passport_no="C1234567")
    DepartureCheck.objects.filter(pk=delayed.pk).update(
        outcome=DepartureOutcome.DELAY, destination_country="MY"
    )
    departure_make(full_name="Siti Rohmah", passport_no="C7654321")
    page = open_as(personas.analis_imigrasi, viewport)
    # when: the application list, searched with another spelling
    page.goto("/penyaringan/permohonan/")
    page.get_by_label("Cari nama, NIK, nomor paspor atau nomor").fill("Noer Hayati")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**q=Noer+Hayati**")
    _shoot(page, f"applications-search-{viewport['width']}")
    # then
    assert page.locator("[data-testid=applications] a").all_inner_texts() == [nur.reference]
    assert _no_sideways_scrolling(page)
    # when: the departure checks, filtered by decision
    page.goto("/penyaringan/keberangkatan/")
    page.get_by_label("Keputusan").select_option(DepartureOutcome.DELAY)
    page.get_by_label("Cari nama, NIK, nomor paspor atau nomor").fill("noer hayati")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**status=tunda**")
    _shoot(page, f"departures-search-{viewport['width']}")
    # then
    assert page.locator("[data-testid=departures] a").all_inner_texts() == [delayed.reference]
    assert "Malaysia" in page.locator("[data-testid=departures]").inner_text()
    assert _no_sideways_scrolling(page)


def test_the_counter_offers_any_country_and_the_analysts_list_marks_rules(open_as, personas):
    officer = open_as(personas.petugas_imigrasi)
    officer.goto("/penyaringan/loket/")
    officer.get_by_label("Negara tujuan").select_option("NL")
    _shoot(officer, "counter-destination-360")
    assert officer.get_by_label("Negara tujuan").input_value() == "NL"
    assert _no_sideways_scrolling(officer)
    analyst = open_as(personas.analis_imigrasi)
    analyst.goto("/aturan-risiko/negara-tujuan/")
    _shoot(analyst, "destinations-360")
    assert _no_sideways_scrolling(analyst)
    saudi = analyst.locator("tr", has_text="Arab Saudi")
    assert "Moratorium PMI domestik" in saudi.inner_text()
    # the rules themselves: their long codes once widened the page to 646 px
    analyst.goto("/aturan-risiko/")
    _shoot(analyst, "risk-rules-360")
    assert _no_sideways_scrolling(analyst)
    assert "moratorium_destination_non_work" in analyst.get_by_role("table").inner_text()


def test_a_watchlist_entry_category_is_picked_from_the_list(open_as, personas):
    page = open_as(personas.analis_polri)
    page.goto("/daftar-pantauan/polri-perekrut/tambah/")
    category = page.get_by_label("Kategori alasan")
    options = category.locator("option").all_inner_texts()
    _shoot(page, "watchlist-entry-category-360")
    assert options[1:] == [
        "Perekrut lapangan (calo)",
        "Perekrut daring (media sosial)",
        "Penampung calon PMI",
    ]
    assert _no_sideways_scrolling(page)
