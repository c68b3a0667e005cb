"""Screening end to end in Debian's Chromium: the counter, the interview and decision, another
Kanim, and the TPI.

An officer at Kanim Serang screens an applicant whose sponsor is on the police recruiter list,
sees the hit, the indicators and the questions to ask, and postpones. At Kanim Tangerang the
same person, her name written differently, shows the earlier postponement. At Soekarno-Hatta
the border officer, keyboard only, checks the passenger, sees her flagged and delays her.
Each officer signs in with a password and the TOTP second factor, on a 360-px phone window.
"""

from __future__ import annotations

import datetime
import os

import pytest

from benteng.access.viewer import Viewer
from benteng.people.index import screening_index_reset
from benteng.screening.models import DepartureCheck, DepartureOutcome, PassportApplication
from benteng.watchlists.models import Watchlist
from benteng.watchlists.services import watchlist_entry_create
from tests.browser.test_roles_in_chromium import (
    PHONE,
    _enrol_authenticator,
    _sign_in_with_password,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

RECRUITER = "Haji Sarmadi bin Karta"
RECRUITER_PHONE = "0812-9031-4477"
BIRTH = datetime.date(1995, 7, 14)
NIK = f"360307{BIRTH.day + 40:02d}{BIRTH:%m%y}0411"


@pytest.fixture
def open_page(browser, live_server):  # type: ignore[no-untyped-def]
    """A new phone-sized window (its own session) per officer."""
    contexts = []

    def make():  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                page.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def recruiter_on_police_list(personas):  # type: ignore[no-untyped-def]
    screening_index_reset()
    entry = watchlist_entry_create(
        viewer=Viewer.for_user(personas.penyidik, purpose="menambah calo"),
        watchlist=Watchlist.objects.get(code="polri-perekrut"),
        data={
            "full_name": RECRUITER,
            "phone": RECRUITER_PHONE,
            "category": "Perekrut lapangan (calo)",
            "internal_notes": "Lidik Subdit Renakta: rahasia penyelidikan.",
        },
    )
    yield entry
    screening_index_reset()


def _signed_in(open_page, user):  # type: ignore[no-untyped-def]
    page = open_page()
    _sign_in_with_password(page, user)
    _enrol_authenticator(page, user)
    page.wait_for_url("**/")
    return page


def _fill_applicant(page, *, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/penyaringan/loket/")
    page.get_by_label("NIK").fill(NIK)
    page.get_by_label("Nama lengkap").fill(name)
    page.get_by_label("Tanggal lahir").fill(BIRTH.strftime("%d-%m-%Y"))
    page.get_by_label("Perempuan").check()
    page.get_by_label("Kecamatan").select_option("36.03.07")
    # htmx fills the desa list of the kecamatan
    page.locator("#id_desa_code option[value='36.03.07.2001']").wait_for(state="attached")
    page.get_by_label("Desa/kelurahan").select_option("36.03.07.2001")
    page.get_by_label("Tujuan perjalanan").select_option("wisata")
    page.get_by_label("Negara tujuan").select_option("MY")
    page.get_by_label("Sponsor/penjamin").fill(RECRUITER)
    page.get_by_label("Telepon sponsor").fill(RECRUITER_PHONE)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_postponed_applicant_is_seen_at_another_kanim_and_flagged_at_the_tpi(
    open_page, live_server, personas, recruiter_on_police_list
):
    # given: an officer at Kanim Serang
    serang = _signed_in(open_page, personas.petugas_imigrasi_other)
    # when: she screens an applicant whose sponsor is the recruiter on the police list
    _fill_applicant(serang, name="Siti Nurhalimah")
    serang.get_by_role("button", name="Saring pemohon").click()
    serang.wait_for_url("**/penyaringan/permohonan/*/")
    # then: the hit with its instruction, the indicators and the questions to ask
    hits = serang.get_by_test_id("hits")
    assert "Terduga perekrut/calo PMI nonprosedural" in hits.inner_text()
    assert "sponsor yang disebut" in hits.inner_text()
    assert "piket Ditreskrimum" in hits.inner_text()
    assert "rahasia penyelidikan" not in serang.content()  # police notes never shown
    indicators = serang.get_by_test_id("indicators").inner_text()
    assert "Tanyakan:" in indicators
    assert "bobot" in indicators
    assert "Tiket pulang" in serang.get_by_test_id("checklist").inner_text()
    fits = serang.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the result fits a 360-px phone"
    # when: the interview and the decision to postpone
    serang.get_by_test_id("decide-link").click()
    serang.wait_for_url("**/keputusan/")
    serang.locator("textarea[name='jawaban-0']").fill("Tidak tahu alamat menginap.")
    serang.locator("select[name='kontak-0-relation']").select_option("sponsor")
    serang.locator("input[name='kontak-0-name']").fill(RECRUITER)
    serang.locator("input[name='kontak-0-phone']").fill(RECRUITER_PHONE)
    serang.get_by_label("Tunda sampai dokumen dilengkapi").check()
    serang.get_by_label("Alasan", exact=True).select_option("indikasi_pmi_nonprosedural")
    serang.get_by_label("Catatan").fill("Mengaku wisata; tiket dibelikan sponsor.")
    serang.get_by_role("button", name="Simpan keputusan").click()
    serang.wait_for_url("**/penyaringan/permohonan/*/")
    # then
    assert serang.get_by_test_id("status").inner_text() == "Ditunda menunggu dokumen"
    decided_by = serang.get_by_test_id("decided-by").first.inner_text()
    assert decided_by == personas.petugas_imigrasi_other.full_name
    assert serang.csp_violations == []

    # given: an officer at Kanim Tangerang
    tangerang = _signed_in(open_page, personas.petugas_imigrasi)
    # when: the same person applies again, her name written differently
    _fill_applicant(tangerang, name="Siti Nur Halimah")
    tangerang.get_by_label("Sponsor/penjamin").fill("")
    tangerang.get_by_label("Telepon sponsor").fill("")
    tangerang.get_by_role("button", name="Saring pemohon").click()
    tangerang.wait_for_url("**/penyaringan/permohonan/*/")
    # then: the earlier postponement at Kanim Serang
    events = tangerang.get_by_test_id("earlier-events").inner_text()
    assert "Kantor Imigrasi Kelas I Serang" in events
    assert "Tunda sampai dokumen dilengkapi" in events
    assert "Terindikasi PMI nonprosedural" in events
    assert "Pemohon ditunda di Kantor Imigrasi Kelas I Serang" in (
        tangerang.get_by_test_id("hits").inner_text()
    )
    assert PassportApplication.objects.count() == 2

    # given: the border officer at Soekarno-Hatta
    tpi = _signed_in(open_page, personas.petugas_tpi)
    tpi.goto("/penyaringan/tpi/")
    # when: keyboard only — the passport field has the focus, Tab moves on, Enter submits
    tpi.wait_for_function("document.activeElement && document.activeElement.name === 'passport_no'")
    tpi.keyboard.type("C8812045")
    tpi.keyboard.press("Tab")
    tpi.keyboard.type("SITI NURHALIMAH")
    tpi.keyboard.press("Tab")
    tpi.keyboard.type(BIRTH.strftime("%d-%m-%Y"))
    tpi.keyboard.press("Enter")
    tpi.wait_for_url("**/penyaringan/tpi/*/")
    # then: flagged, with the instruction of the postponement
    assert "PERHATIAN" in tpi.get_by_test_id("verdict").inner_text()
    assert "Pemohon ditunda di Kantor Imigrasi Kelas I Serang" in (
        tpi.get_by_test_id("instructions").inner_text()
    )
    # when: the flight number (focused) and Enter: the default button of a flagged passenger
    tpi.wait_for_function(
        "document.activeElement && document.activeElement.name === 'flight_number'"
    )
    tpi.keyboard.type("QZ 7510")
    tpi.keyboard.press("Enter")
    tpi.wait_for_url("**/penyaringan/tpi/")
    # then
    check = DepartureCheck.objects.get(passport_no="C8812045")
    assert check.outcome == DepartureOutcome.DELAY
    assert check.flight_number == "QZ7510"
    assert check.checked_by == personas.petugas_tpi
    assert check.decided_by == personas.petugas_tpi
    assert tpi.get_by_text("Keberangkatan ditunda").first.is_visible()
    assert tpi.csp_violations == []
    assert tangerang.csp_violations == []
