""" "Possible match -- check" in Debian's Chromium on a 360-px phone: the counter officer
screens an applicant whose name alone is on a police list, the TPI officer checks a passenger
by passport and name; both see the quiet block apart from the hits, with what to do, and no
hit, no warning (screenshots in the test's tmp_path, or BENTENG_SCREENSHOTS)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from benteng.access.viewer import Viewer
from benteng.people.index import screening_index_reset
from benteng.watchlists.models import Watchlist
from benteng.watchlists.services import watchlist_entry_create

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTED = "Rohimah binti Sarnubi"
NOTES = "Lidik Subdit Renakta: rahasia penyelidikan."
BIRTH = datetime.date(1995, 7, 14)
NIK = f"360307{BIRTH.day + 40:02d}{BIRTH:%m%y}0411"


@pytest.fixture
def name_on_police_list(personas):  # type: ignore[no-untyped-def]
    """A police entry that gives a name and nothing else to compare."""
    screening_index_reset()
    entry = watchlist_entry_create(
        viewer=Viewer.for_user(personas.penyidik, purpose="menambah calo"),
        watchlist=Watchlist.objects.get(code="polri-perekrut"),
        data={
            "full_name": LISTED,
            "category": "Perekrut lapangan (calo)",
            "internal_notes": NOTES,
        },
    )
    yield entry
    screening_index_reset()


def _shoot(page, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = Path(os.environ.get("BENTENG_SCREENSHOTS") or tmp_path)
    page.screenshot(path=str(folder / f"{name}-360.png"), full_page=True)


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_counter_and_the_tpi_show_a_possible_match_apart_at_360_px(
    open_as, personas, name_on_police_list, tmp_path
):
    # given: the counter officer
    counter = open_as(personas.petugas_imigrasi)
    # when: she screens an applicant with the listed name and her full identity
    counter.goto("/penyaringan/loket/")
    counter.get_by_label("NIK").fill(NIK)
    counter.get_by_label("Nama lengkap").fill(LISTED)
    counter.get_by_label("Tanggal lahir").fill(BIRTH.strftime("%d-%m-%Y"))
    counter.get_by_label("Perempuan").check()
    counter.get_by_label("Kecamatan").select_option("36.03.07")
    counter.locator("#id_desa_code option[value='36.03.07.2001']").wait_for(state="attached")
    counter.get_by_label("Desa/kelurahan").select_option("36.03.07.2001")
    counter.get_by_label("Tujuan perjalanan").select_option("wisata")
    counter.get_by_label("Negara tujuan").select_option("MY")
    counter.get_by_role("button", name="Saring pemohon").click()
    counter.wait_for_url("**/penyaringan/permohonan/*/")
    # then: no hit; the possible match apart, with what to do
    assert "Tidak ada hit pada daftar pantauan." in counter.get_by_test_id("hits").inner_text()
    block = counter.get_by_test_id("possible-matches")
    text = block.inner_text()
    assert "Kemungkinan cocok — periksa" in text
    assert "Tanyakan tanggal lahir" in text
    assert "Hanya nama yang sama; tidak diberikan atau tidak dibandingkan" in text
    assert LISTED in text
    assert "Perekrut lapangan (calo)" in text
    assert NOTES not in counter.content()
    # and: quiet (no red), and the page fits the phone
    border = block.locator("li.possible").evaluate("e => getComputedStyle(e).borderLeftColor")
    background = block.locator("li.possible").evaluate("e => getComputedStyle(e).backgroundColor")
    assert border != "rgb(192, 0, 0)" and background == "rgba(0, 0, 0, 0)"
    assert _fits(counter), "the result fits a 360-px phone"
    block.scroll_into_view_if_needed()
    _shoot(counter, tmp_path, "possible-match-counter")

    # given: the TPI officer
    tpi = open_as(personas.petugas_tpi)
    tpi.goto("/penyaringan/tpi/")
    # when: a passenger by passport and name only
    tpi.locator("input[name='passport_no']").fill("C8812045")
    tpi.locator("input[name='full_name']").fill(LISTED)
    tpi.locator("input[name='passport_no']").press("Enter")
    tpi.wait_for_url("**/penyaringan/tpi/*/")
    # then: no warning, the possible match shown
    assert "PERHATIAN" not in tpi.get_by_test_id("verdict").inner_text()
    assert "1 kemungkinan cocok hanya pada nama" in tpi.get_by_test_id("possible-note").inner_text()
    assert "Kemungkinan cocok — periksa" in tpi.get_by_test_id("possible-matches").inner_text()
    assert _fits(tpi), "the TPI result fits a 360-px phone"
    _shoot(tpi, tmp_path, "possible-match-tpi")
    assert counter.csp_violations == [] and tpi.csp_violations == []
