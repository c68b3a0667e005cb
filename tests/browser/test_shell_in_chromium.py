"""The shell on a 360-px phone and a desktop in Chromium: lists as cards, a collapsed menu, a
short header, each role's work tiles, and Indonesian error pages.

Set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at, to look at it yourself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benteng.screening.models import ScreeningResult
from tests.browser.test_roles_in_chromium import PHONE
from tests.screening.flow_factories import application_make, departure_make

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = os.environ.get("BENTENG_SCREENSHOTS", "")
PERSONAS_LOOKED_AT = ["petugas_imigrasi", "petugas_tpi", "penyidik", "pic_desa", "pimpinan"]
# Pages each of them works with, besides home and profile.
PAGES = {
    "petugas_imigrasi": ["/penyaringan/permohonan/", "/penyaringan/loket/"],
    "petugas_tpi": ["/penyaringan/tpi/"],
    "penyidik": ["/penyaringan/permohonan/"],
    "pic_desa": ["/rekan/"],
    "pimpinan": [],
}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _no_sideways_scrolling(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


def test_application_list_is_cards_on_a_phone_with_a_collapsed_menu(open_as, personas):
    # given: applications with long names
    for number in range(3):
        application_make(full_name=f"Siti Nurhaliza Binti Abdurrahman Wahid Panjang {number}")
    page = open_as(personas.petugas_imigrasi)
    # when
    page.goto("/penyaringan/permohonan/")
    _shoot(page, "applications-360")
    # then: nothing is cut off and no sideways scrolling
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    risk = page.locator("table.cards .risk-pill").first
    box = risk.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator("table.cards thead").bounding_box()["height"] <= 1
    # then: the header is short and the menu waits behind its button
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= 110, header
    menu_link = page.locator("nav.main-nav a", has_text="Rekan kerja")
    assert not menu_link.is_visible()
    page.get_by_text("Menu", exact=True).click()
    assert menu_link.is_visible()
    menu_link.click()
    page.wait_for_url("**/rekan/")


def test_the_menu_is_open_on_a_desktop(open_as, personas):
    page = open_as(personas.petugas_imigrasi, DESKTOP)
    page.goto("/")
    assert page.locator("nav.main-nav a", has_text="Rekan kerja").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()


def test_profile_card_wraps_a_long_email(open_as, personas):
    # given
    user = personas.pic_desa
    user.email = "nama.yang.sangat.panjang.sekali.untuk.pic.desa@kantor-desa-contoh.example.test"
    user.save(update_fields=["email"])
    page = open_as(user)
    # when
    page.goto("/profil/")
    # then
    assert page.get_by_text(user.email).is_visible()
    assert _no_sideways_scrolling(page)


def test_rules_page_fields_fit_a_phone(open_as, personas):
    page = open_as(personas.analis_imigrasi)
    page.goto("/aturan-risiko/group_pattern/ubah/")
    _shoot(page, "rules-edit-360")
    assert page.get_by_label("Jangka waktu (hari)").input_value() == "14"
    assert _no_sideways_scrolling(page)


def test_the_tpi_recent_checks_show_each_decision_whole_on_a_phone(open_as, personas):
    # given: checks with long names at the officer's TPI
    for number in range(3):
        departure_make(full_name=f"Siti Nurhaliza Binti Abdurrahman Wahid Panjang {number}")
    page = open_as(personas.petugas_tpi)
    # when
    page.goto("/penyaringan/tpi/")
    _shoot(page, "tpi-recent-360")
    # then: every decision lies inside the screen, no table to scroll sideways
    decisions = page.locator("[data-testid=departures] td[data-label=Keputusan]")
    assert decisions.count() == 3
    for number in range(3):
        box = decisions.nth(number).bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert _no_sideways_scrolling(page)


@pytest.mark.parametrize(
    ("persona", "tile"),
    [
        ("petugas_imigrasi", "tile-waiting"),
        ("petugas_tpi", "tile-checks_today"),
        ("penyidik", "tile-departures_handed_over"),
        ("analis_polri", "tile-applications_for_police"),
    ],
)
def test_home_work_tiles_are_links_that_open(open_as, personas, persona, tile):
    page = open_as(getattr(personas, persona))
    page.goto("/")
    assert _no_sideways_scrolling(page)
    link = page.get_by_test_id(tile)
    assert link.evaluate("element => element.tagName") == "A"
    link.click()
    page.wait_for_load_state()
    assert "Halaman tidak ditemukan" not in page.content()
    assert "Akses ditolak" not in page.content()


@pytest.mark.parametrize(
    ("persona", "viewport"),
    [
        ("petugas_imigrasi", PHONE),
        ("petugas_imigrasi", DESKTOP),
        ("penyidik", PHONE),
        ("analis_imigrasi", DESKTOP),
    ],
    ids=["officer-360", "officer-1280", "police-360", "analyst-1280"],
)
def test_hits_awaiting_tile_opens_exactly_its_list(open_as, personas, persona, viewport):
    # given: two applications with a hit and no decision (one on a police list), one decided
    # with a hit, one without a hit
    for name, values in (
        ("Siti Hit", {}),
        ("Dewi Hit Polisi", {"police_visible": True}),
        ("Ani Hit Terbit", {"status": "terbit"}),
        ("Rina Bersih", None),
    ):
        application = application_make(full_name=name, **(values or {}))
        if values is not None:
            ScreeningResult.objects.filter(application=application).update(
                hits=[{"entry_id": 1, "category": "perekrut"}]
            )
    page = open_as(getattr(personas, persona), viewport)
    page.goto("/")
    tile = page.get_by_test_id("tile-application_hits_awaiting")
    count = int(tile.locator(".tile-count").inner_text())
    # when
    tile.click()
    page.wait_for_url("**/permohonan/?follow_up=hit")
    _shoot(page, f"hits-awaiting-{persona}-{viewport['width']}")
    # then: the list shows as many rows as the tile counted, and fits the screen
    rows = page.locator('table[data-testid="applications"] tbody tr')
    assert rows.count() == count == (1 if persona == "penyidik" else 2)
    assert page.get_by_label("Tindak lanjut").input_value() == "hit"
    assert _no_sideways_scrolling(page)


def test_error_pages_are_indonesian_in_the_site_layout(open_as, personas):
    page = open_as(personas.petugas_imigrasi)
    # when
    missing = page.goto("/tidak-ada/")
    # then
    assert missing is not None and missing.status == 404
    assert page.get_by_role("heading", name="Halaman tidak ditemukan").is_visible()
    assert page.locator("header.site-header").is_visible()
    _shoot(page, "404-360")
    # when
    forbidden = page.goto("/admin/")
    # then: no loop through the sign-in page
    assert forbidden is not None and forbidden.status == 403
    assert page.get_by_role("heading", name="Akses ditolak").is_visible()
    assert page.url.endswith("/admin/")


@pytest.mark.skipif(not SCREENSHOTS, reason="BENTENG_SCREENSHOTS is not set")
@pytest.mark.parametrize("persona", PERSONAS_LOOKED_AT)
def test_screenshots_of_each_role(open_as, personas, persona):
    application_make(full_name="Dewi Lestari")
    for width, viewport in (("360", PHONE), ("1280", DESKTOP)):
        page = open_as(getattr(personas, persona), viewport)
        for path in ["/", "/profil/", *PAGES[persona]]:
            page.goto(path)
            assert _no_sideways_scrolling(page), (persona, path, width)
            slug = path.strip("/").replace("/", "-") or "home"
            _shoot(page, f"{persona}-{slug}-{width}")
