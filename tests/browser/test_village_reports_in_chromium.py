"""Village reports in Chromium at 360 x 740: the focal person files a recruiter report with the
connection cut mid-way, closes and reopens the page (served by the service worker), restores
the connection, and the report arrives once; the PIMPASA verifies and refers it; a later
passport applicant from that desa sponsored by the recruiter's phone shows the village
indicator with its evidence at the counter, without the reporter."""

from __future__ import annotations

import os

import pytest

from benteng.screening.cleaning import ApplicationInput
from benteng.screening.services import application_screen
from benteng.village_reports.models import ReportStatus, VillageReport
from tests.browser.test_roles_in_chromium import PHONE
from tests.screening.test_services_support import applicant
from tests.village_reports.support import RECRUITER_NAME, RECRUITER_PHONE, viewer_of

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/laporan-desa/baru/"
REPORTER = "Ibu Warsih Kartini"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


def test_a_report_filed_offline_arrives_once_and_reaches_the_counter(open_as, personas) -> None:  # type: ignore[no-untyped-def]
    focal = open_as(personas.pic_desa, PHONE)
    context = focal.context
    focal.goto(FORM)
    # The service worker has put the form in its cache.
    focal.wait_for_function(
        """() => navigator.serviceWorker.ready.then(() => caches.open("laporan-desa-v1"))
            .then((cache) => cache.match("/laporan-desa/baru/")).then((hit) => !!hit)"""
    )
    assert _fits(focal)
    # when: she types, the connection drops, she sends
    focal.get_by_label("Jenis laporan").select_option("perekrut")
    focal.get_by_label("Apa yang terjadi?").fill("Calo menawarkan kerja di Malaysia di pos ronda.")
    focal.locator("#id_people-0-role").select_option("perekrut")
    focal.locator("#id_people-0-full_name").fill(RECRUITER_NAME)
    focal.locator("#id_people-0-phone").fill(RECRUITER_PHONE)
    focal.get_by_label("Nama pelapor (warga)").fill(REPORTER)
    focal.screenshot(path="var/screens/village-form-360.png", full_page=True)
    context.set_offline(True)
    focal.get_by_role("button", name="Kirim laporan").click()
    assert "Tersimpan di ponsel" in focal.locator("#report-status").inner_text()
    assert not VillageReport.objects.exists()
    # when: she closes the page and opens the form again, still offline
    focal.close()
    again = context.new_page()
    again.goto(FORM)
    assert again.get_by_role("button", name="Kirim laporan").is_visible()
    assert not VillageReport.objects.exists()
    # when: the connection returns
    context.set_offline(False)
    again.wait_for_function(
        "() => document.getElementById('report-status').textContent.includes('Terkirim')"
    )
    # then: one report, and a reload sends nothing again
    again.reload()
    again.wait_for_timeout(500)
    report = VillageReport.objects.get()
    assert report.people.get().full_name == RECRUITER_NAME
    assert report.reporter_name == REPORTER

    # when: the PIMPASA verifies and refers it
    pimpasa = open_as(personas.pimpasa, PHONE)
    pimpasa.goto("/laporan-desa/")
    assert REPORTER not in pimpasa.content()
    pimpasa.get_by_role("link", name=report.number).click()
    assert REPORTER not in pimpasa.content()
    pimpasa.get_by_role("button", name="Tandai terverifikasi").click()
    pimpasa.get_by_role("button", name="Kirim rujukan").click()
    pimpasa.wait_for_function("() => document.body.innerText.includes('Ditindaklanjuti')")
    assert _fits(pimpasa)
    pimpasa.screenshot(path="var/screens/village-report-pimpasa-360.png", full_page=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACTED and report.referral is not None

    # then: the focal person sees what became of it
    focal = open_as(personas.pic_desa, PHONE)
    focal.goto("/laporan-desa/")
    assert "Ditindaklanjuti" in focal.content() and report.referral.number in focal.content()
    focal.screenshot(path="var/screens/village-list-pic-360.png", full_page=True)

    # when: a later applicant from that desa names the recruiter's phone as sponsor
    outcome = application_screen(
        viewer=viewer_of(personas.petugas_imigrasi),
        data=ApplicationInput.from_raw(
            applicant(desa_code=report.village_id, sponsor_phone=RECRUITER_PHONE)
        ),
    )
    counter = open_as(personas.petugas_imigrasi, PHONE)
    counter.goto(f"/penyaringan/permohonan/{outcome.application.pk}/")
    text = counter.locator("body").inner_text()
    assert "Desa asal dengan laporan perekrut terbaru" in text
    assert report.number in text and "nomor telepon" in text
    assert REPORTER not in text
    counter.screenshot(path="var/screens/village-indicator-counter-360.png", full_page=True)
