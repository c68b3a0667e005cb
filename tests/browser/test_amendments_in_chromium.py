"""Correcting and voiding a record in Debian's Chromium, on a 360-px phone and at 1280 px.

The passport officer who entered an application with a mistyped name corrects it (a bad NIK
first: the message, and what was typed kept), then voids it as a duplicate; the analyst of
the regional office opens it and sees the correction and the void with who, when and why.
A corrected NIK at the counter and at the TPI moves the record to the region it names, and
the re-screening of a record whose first screening did not keep the officer's statements
names them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benteng.screening.cleaning import ApplicationInput, DepartureInput
from benteng.screening.models import ApplicationStatus, PassportApplication
from benteng.screening.services import application_screen, departure_screen
from tests.browser.test_roles_in_chromium import PHONE
from tests.browser.test_screening_in_chromium import (  # noqa: F401 - fixtures used by name
    _signed_in,
    open_page,
)
from tests.screening.flow_factories import application_make, departure_make
from tests.screening.test_services_support import applicant, viewer_of

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = os.environ.get("BENTENG_SCREENSHOTS", "")
TYPO = "Siti Rohmha"
CORRECT = "Siti Rohmah"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if not SCREENSHOTS:
        return
    for width, viewport in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(PHONE)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_corrects_then_voids_an_application_and_the_analyst_sees_both(
    open_page,  # noqa: F811 - the fixture imported above
    personas,
):
    # given: an application of Kanim Tangerang with the name mistyped
    application = application_make(full_name=TYPO)
    officer = _signed_in(open_page, personas.petugas_imigrasi)
    officer.goto(f"/penyaringan/permohonan/{application.pk}/")
    # when: the officer opens the correction page and types a wrong NIK with the new name
    officer.get_by_test_id("amend-link").click()
    officer.wait_for_url("**/koreksi/")
    assert _fits(officer), "the correction page fits a 360-px phone"
    _shoot(officer, "amend-form")
    officer.get_by_label("Nama lengkap").fill(CORRECT)
    officer.get_by_label("NIK").fill("3603075204")
    officer.get_by_label("Alasan koreksi").fill("Salah ketik nama, sesuai KTP")
    officer.get_by_test_id("correct-button").click()
    # then: what is wrong, in Indonesian, and what was typed is kept
    assert "16 digit" in officer.get_by_test_id("correction-form").inner_text()
    assert officer.get_by_label("Nama lengkap").input_value() == CORRECT
    _shoot(officer, "amend-error")
    # when: the NIK as it was, and save
    officer.get_by_label("NIK").fill(application.nik)
    officer.get_by_test_id("correct-button").click()
    officer.wait_for_url(f"**/penyaringan/permohonan/{application.pk}/")
    # then: the page names the corrected person and shows the correction
    history = officer.get_by_test_id("amendments").inner_text()
    assert f"dari “{TYPO}” menjadi “{CORRECT}”" in history
    assert personas.petugas_imigrasi.full_name in history
    # and it was screened again with the corrected identity, the first result kept
    assert "disaring ulang setelah koreksi" in officer.get_by_test_id("screenings").inner_text()
    assert "screened-before-correction" not in officer.content()
    # when: it turns out to be a duplicate
    officer.get_by_test_id("amend-link").click()
    officer.wait_for_url("**/koreksi/")
    officer.get_by_label("Alasan pembatalan").fill("Data ganda, sudah dicatat sebelumnya")
    officer.get_by_test_id("void-button").click()
    officer.wait_for_url(f"**/penyaringan/permohonan/{application.pk}/")
    # then
    assert "Data ganda" in officer.get_by_test_id("void-mark").inner_text()
    assert officer.get_by_test_id("status").inner_text() == "Dibatalkan (salah catat)"
    assert officer.get_by_test_id("amend-link").count() == 0
    assert officer.get_by_test_id("decide-link").count() == 0
    assert _fits(officer)
    _shoot(officer, "voided-officer")
    assert PassportApplication.objects.get(pk=application.pk).status == ApplicationStatus.VOID

    # given: the analyst of the regional office
    analyst = _signed_in(open_page, personas.analis_imigrasi)
    # when
    analyst.goto(f"/penyaringan/permohonan/{application.pk}/")
    # then: the void and the correction, and no way to amend
    assert "Data ganda" in analyst.get_by_test_id("void-mark").inner_text()
    assert CORRECT in analyst.get_by_test_id("amendments").inner_text()
    assert analyst.get_by_test_id("amend-link").count() == 0
    assert _fits(analyst)
    _shoot(analyst, "voided-analyst")
    assert officer.csp_violations == []
    assert analyst.csp_violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_border_officer_voids_a_passenger_scanned_twice(
    open_page,  # noqa: F811 - the fixture imported above
    personas,
):
    # given: a check at Soekarno-Hatta
    check = departure_make()
    tpi = _signed_in(open_page, personas.petugas_tpi)
    tpi.goto(f"/penyaringan/tpi/{check.pk}/")
    # when
    tpi.get_by_test_id("amend-link").click()
    tpi.wait_for_url("**/koreksi/")
    tpi.get_by_label("Alasan pembatalan").fill("Paspor terpindai dua kali")
    tpi.get_by_test_id("void-button").click()
    tpi.wait_for_url(f"**/penyaringan/tpi/{check.pk}/")
    # then: marked void, no decision buttons, and it fits the phone
    assert "terpindai dua kali" in tpi.get_by_test_id("void-mark").inner_text()
    assert tpi.get_by_test_id("outcome").inner_text() == "Dibatalkan (salah catat)"
    assert tpi.locator("button[name='outcome']").count() == 0
    assert _fits(tpi)
    _shoot(tpi, "voided-check")
    assert tpi.csp_violations == []


def _screened_before_statements_were_kept(record):  # type: ignore[no-untyped-def]
    """The record's first screening as results made before ``stated`` existed are stored."""
    record.screenings.update(stated={})
    return record


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_nik_correction_at_the_counter_moves_the_record_and_names_what_was_missing(
    open_page,  # noqa: F811 - the fixture imported above
    personas,
):
    # given: an application screened without a desa, its NIK of Kronjo mistyped, in a first
    # screening that did not keep the officer's statements
    data = ApplicationInput.from_raw(applicant(desa_code=""))
    application = _screened_before_statements_were_kept(
        application_screen(viewer=viewer_of(personas.petugas_imigrasi), data=data).application
    )
    assert application.region_id == "36.03.07"
    officer = _signed_in(open_page, personas.petugas_imigrasi)
    officer.goto(f"/penyaringan/permohonan/{application.pk}/koreksi/")
    # when: a NIK whose birth date digits are no date
    officer.get_by_label("NIK").fill("3601019908960007")
    officer.get_by_label("Alasan koreksi").fill("NIK sesuai KTP")
    officer.get_by_test_id("correct-button").click()
    # then: what is wrong, in Indonesian, and what was typed is kept
    assert "bukan tanggal yang mungkin" in officer.get_by_test_id("correction-form").inner_text()
    assert officer.get_by_label("NIK").input_value() == "3601019908960007"
    assert _fits(officer)
    _shoot(officer, "amend-nik-error")
    # when: the NIK of Sumur from the KTP, whose birth date disagrees with the one typed
    officer.get_by_label("NIK").fill("3601015508960007")
    officer.get_by_test_id("correct-button").click()
    officer.wait_for_url(f"**/penyaringan/permohonan/{application.pk}/")
    # then: the record is in Sumur, the change shown with the correction
    history = officer.get_by_test_id("amendments").inner_text()
    assert "Kronjo (36.03.07)" in history and "Sumur (36.01.01)" in history
    # and the re-screening flags the disagreement, and names the statements it did without
    assert "berbeda dengan tanggal lahir" in officer.get_by_test_id("nik-check").inner_text()
    missing = officer.get_by_test_id("statements-unavailable").inner_text()
    assert "pengamatan petugas saat wawancara" in missing
    assert "pernah bekerja sebagai PMI" in missing
    assert _fits(officer)
    _shoot(officer, "amend-nik-region")
    assert PassportApplication.objects.get(pk=application.pk).region_id == "36.01.01"
    assert officer.csp_violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_border_officer_adds_the_nik_and_sees_the_region_and_the_missing_statements(
    open_page,  # noqa: F811 - the fixture imported above
    personas,
):
    # given: a tourist checked at Soekarno-Hatta without a NIK, before statements were kept
    raw = {"passport_no": "C1234999", "full_name": "Siti Nurhaliza", "purpose": "wisata"}
    check = _screened_before_statements_were_kept(
        departure_screen(
            viewer=viewer_of(personas.petugas_tpi), data=DepartureInput.from_raw(raw)
        ).record
    )
    assert check.region_id is None
    tpi = _signed_in(open_page, personas.petugas_tpi)
    tpi.goto(f"/penyaringan/tpi/{check.pk}/koreksi/")
    # when: a NIK too short, then a NIK of a man for a woman
    tpi.get_by_label("NIK").fill("36010154")
    tpi.get_by_label("Alasan koreksi").fill("NIK dari paspor")
    tpi.get_by_test_id("correct-button").click()
    assert "16 digit" in tpi.get_by_test_id("correction-form").inner_text()
    assert tpi.get_by_label("NIK").input_value() == "36010154"
    assert _fits(tpi)
    tpi.get_by_label("NIK").fill("3601011408960007")
    tpi.get_by_label("Jenis kelamin").select_option("P")
    tpi.get_by_test_id("correct-button").click()
    tpi.wait_for_url(f"**/penyaringan/tpi/{check.pk}/")
    # then: placed in Sumur; the sex disagreement flagged; the return ticket named missing
    assert "Sumur (36.01.01)" in tpi.get_by_test_id("amendments").inner_text()
    assert "jenis kelamin laki-laki" in tpi.get_by_test_id("nik-check").inner_text()
    assert "tiket pulang" in tpi.get_by_test_id("statements-unavailable").inner_text()
    assert _fits(tpi)
    _shoot(tpi, "amend-check-nik")
    assert tpi.csp_violations == []
