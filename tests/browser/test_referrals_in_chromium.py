"""Referrals in Chromium at 360 px: an immigration officer refers a postponed applicant to the
police; the investigator of the receiving Polres acknowledges, assigns and closes it with the
LP number, the case's kind and modus, which opens the case; the case moves to sidik; the
immigration officer sees the outcome, the LP number and the case's stage on the referral and on
the applicant's screening page, never the case's persons; a TPI hand-over arrives in the same
police inbox."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from benteng.cases.models import Stage
from benteng.cases.services import case_stage_advance
from benteng.cases.validation import ROMAN_MONTHS
from benteng.referrals.models import Referral
from benteng.screening.decisions import application_decide, default_due_date
from benteng.screening.models import DecisionOutcome, DecisionReason, DepartureCheck
from tests.browser.test_roles_in_chromium import PHONE
from tests.referrals.conftest import viewer_of
from tests.screening.flow_factories import application_make, departure_make, nik_for

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _lp_number(day) -> str:  # type: ignore[no-untyped-def]
    return f"LP/B/321/{ROMAN_MONTHS[day.month - 1]}/{day.year}/SPKT/POLRESTA TANGERANG"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


def test_a_referral_travels_to_the_polres_and_its_outcome_comes_back(
    open_as, personas, penyidik_polres
):
    # given: an applicant postponed at Kanim Tangerang (NIK of Kronjo, Polresta Tangerang's)
    application = application_make(full_name="Rahmawati Sukarya")
    application_decide(
        viewer=viewer_of(personas.petugas_imigrasi),
        application=application,
        outcome=DecisionOutcome.POSTPONE,
        reason=DecisionReason.DOCUMENTS_MISSING,
        due_date=default_due_date(),
    )
    officer = open_as(personas.petugas_imigrasi, PHONE)
    # when: the officer decides again, referring her to the police
    officer.goto(f"/penyaringan/permohonan/{application.pk}/keputusan/")
    officer.get_by_label("Rujuk ke kepolisian").check()
    officer.get_by_label("Alasan", exact=True).select_option("indikasi_korban_tppo")
    officer.get_by_label("Catatan", exact=True).fill(
        "Sponsor memegang KTP pemohon; pemohon berutang kepada sponsor."
    )
    officer.get_by_role("button", name="Simpan keputusan").click()
    officer.wait_for_url(f"**/penyaringan/permohonan/{application.pk}/")
    # then: the referral is on the applicant's page, sent to Polresta Tangerang
    panel = officer.get_by_test_id("record-referrals")
    assert "Polresta Tangerang" in panel.inner_text()
    assert "Terkirim" in panel.inner_text()
    referral = Referral.objects.get(application=application)

    # when: the Polres investigator opens the inbox and the referral
    police = open_as(penyidik_polres, PHONE)
    police.goto("/rujukan/")
    police.get_by_role("link", name=referral.number).click()
    police.wait_for_url(f"**/rujukan/{referral.pk}/")
    assert "Rahmawati Sukarya" in police.get_by_test_id("subjects").inner_text()
    assert _fits(police), "the referral page fits 360 px"
    police.get_by_role("button", name="Terima rujukan").click()
    police.get_by_label("Petugas yang menangani").select_option(str(penyidik_polres.pk))
    police.get_by_role("button", name="Tugaskan").click()
    police.get_by_test_id("assignee").wait_for()
    # an LP number forgotten is named, and the date typed is kept
    police.get_by_label("Hasil penanganan").select_option("perkara_dibuka")
    day = timezone.localdate()
    today = day.strftime("%d-%m-%Y")
    lp_number = _lp_number(day)
    police.get_by_label("Tanggal Laporan Polisi").fill(today)
    police.get_by_label("Modus operandi").select_option("penipuan_daring")
    police.get_by_role("button", name="Selesaikan", exact=True).click()
    assert "Nomor LP wajib diisi" in police.content()
    assert police.get_by_label("Tanggal Laporan Polisi").input_value() == today
    assert police.get_by_label("Modus operandi").input_value() == "penipuan_daring"
    police.get_by_label("Nomor Laporan Polisi").fill(lp_number)
    # the case's kind forgotten: the case service names it, on its field, and keeps the rest
    police.get_by_role("button", name="Selesaikan", exact=True).click()
    assert "Jenis perkara wajib dipilih" in police.content()
    assert police.get_by_label("Nomor Laporan Polisi").input_value() == lp_number
    police.get_by_label("Jenis perkara").select_option("tppo")
    police.get_by_role("button", name="Selesaikan", exact=True).click()
    police.get_by_test_id("referral-outcome").wait_for()
    # then: closed, and the case opened and linked
    assert police.get_by_test_id("referral-state").first.inner_text() == "Selesai"
    timeline = police.get_by_test_id("timeline").inner_text()
    for step in ("Dikirim", "Diterima", "Ditugaskan", "Diselesaikan"):
        assert step in timeline
    assert "Penyelidikan (lidik)" in police.get_by_test_id("case-stage").inner_text()
    referral.refresh_from_db()
    assert referral.case is not None and referral.case.lp_number == lp_number
    # the investigator follows the link to the case file, which names the referral
    police.get_by_test_id("linked-case").get_by_role("link", name=lp_number).click()
    police.wait_for_url(f"**/kasus/{referral.case.pk}/")
    assert referral.number in police.get_by_test_id("case-referrals").inner_text()
    # and the case moves on to the investigation (sidik)
    case_stage_advance(
        viewer=viewer_of(penyidik_polres), case=referral.case, stage=Stage.SIDIK, on=day
    )

    # when: the immigration officer looks again
    officer.goto(f"/rujukan/{referral.pk}/")
    # then: the outcome, the LP number and the case's stage on the referral, no case file
    assert lp_number in officer.get_by_test_id("referral-outcome").inner_text()
    linked = officer.get_by_test_id("linked-case").inner_text()
    assert lp_number in linked and "Penyidikan (sidik)" in linked
    assert officer.get_by_test_id("linked-case").get_by_role("link").count() == 0
    assert "Perkembangan kasus" in officer.get_by_test_id("timeline").inner_text()
    assert _fits(officer), "the referral page with its case fits 360 px"
    # and on the applicant's screening page
    officer.goto(f"/penyaringan/permohonan/{application.pk}/")
    panel = officer.get_by_test_id("record-referrals").inner_text()
    assert lp_number in panel
    assert "Tahap kasus: Penyidikan (sidik)" in panel
    assert _fits(officer)

    # when: a passenger from Kronjo is handed over at the airport
    check = departure_make(full_name="Nur Aini", flight_number="QZ7510")
    DepartureCheck.objects.filter(pk=check.pk).update(nik=nik_for(check.birth_date, female=True))
    border = open_as(personas.petugas_tpi, PHONE)
    border.goto(f"/penyaringan/tpi/{check.pk}/")
    border.get_by_label("Catatan/alasan").fill("Direkrut untuk bekerja di kapal ikan.")
    border.get_by_role("button", name="Serahkan ke polisi").click()
    border.wait_for_url("**/penyaringan/tpi/")
    # then: it arrives in the Polres inbox, urgent
    handed_over = Referral.objects.get(departure_check=check)
    police.goto("/rujukan/?arah=masuk&status=terbuka")
    row = police.get_by_role("row").filter(has_text=handed_over.number)
    assert "Segera" in row.inner_text()
    assert "TPI" in row.inner_text() or "Soekarno" in row.inner_text()
    assert _fits(police), "the inbox fits 360 px as cards"
    assert police.csp_violations == [] and officer.csp_violations == []
