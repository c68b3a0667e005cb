"""The audit trail as an administrator reads it in Debian's Chromium (issue 11, item 20).

An investigator opens an application whose sponsor is a recruiter on a police list; the
administrator then opens "Jejak audit" from the menu and reads, in Bahasa Indonesia, who read
the recruiter's entry (name, role, office), as what, with which application, when and from
where. On a 360-px phone and a 1280-px desk screen (screenshots in the test's tmp_path).
"""

from __future__ import annotations

import os
import re

import pytest

from benteng.people.index import screening_index_reset
from benteng.screening.cleaning import ApplicationInput
from benteng.screening.services import application_screen
from tests.browser.test_screening_in_chromium import _signed_in, open_page
from tests.screening.test_services_support import (
    SPONSOR_PHONE,
    applicant,
    police_entry,
    viewer_of,
)

__all__ = ["open_page"]  # the fixture, shared with the screening walk-through

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DESK = {"width": 1280, "height": 800}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_administrator_reads_readable_indonesian_audit_entries(open_page, personas, tmp_path):
    # given: an application whose sponsor is on the police recruiter list
    screening_index_reset()
    recruiter = police_entry(personas.analis_polri)
    outcome = application_screen(
        viewer=viewer_of(personas.petugas_imigrasi),
        data=ApplicationInput.from_raw(applicant(sponsor_phone=SPONSOR_PHONE)),
    )
    assert [hit.id for hit in outcome.hits] == [recruiter.pk]
    application = outcome.application
    assert application is not None
    # and: the investigator opens it
    investigator = _signed_in(open_page, personas.penyidik)
    investigator.goto(f"/penyaringan/permohonan/{application.pk}/")
    assert recruiter.full_name in investigator.get_by_test_id("hits").inner_text()
    # when: the administrator opens the audit trail from the menu
    auditor = _signed_in(open_page, personas.admin)
    auditor.get_by_text("Menu", exact=True).click()  # collapsed on a phone
    auditor.get_by_role("link", name="Jejak audit").first.click()
    auditor.wait_for_url("**/admin/audit/auditentry/**")
    # then: the investigator's read of the recruiter's entry, in words
    row = (
        auditor.locator("#result_list tbody tr")
        .filter(has_text=f"Entri daftar pantauan: w{recruiter.pk}")
        .filter(has_text="Persona penyidik")
        .first
    )
    text = row.inner_text()
    for expected in (
        "Persona penyidik (penyidik)",
        "Penyidik Polri",
        personas.penyidik.office.name,
        "Membaca",
        f"sebagai hit daftar pantauan; pada penyaringan {application.reference}",
        "127.0.0.1",
    ):
        assert expected in text, expected
    assert re.search(r"\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}", text)
    page_text = auditor.locator("body").inner_text()
    for raw in ("Otp_Static", "Tasks Database Backend", "watchlists.watchlistentry", '["'):
        assert raw not in page_text, raw
    auditor.screenshot(path=tmp_path / "audit-trail-360.png", full_page=True)
    auditor.set_viewport_size(DESK)
    auditor.screenshot(path=tmp_path / "audit-trail-1280.png", full_page=True)
    # when: the entry itself
    row.locator("th a, td a").first.click()
    auditor.wait_for_url("**/change/")
    entry_text = auditor.locator("#content").inner_text()
    assert f"Entri daftar pantauan: w{recruiter.pk}" in entry_text
    assert "Alamat IP" in entry_text and "127.0.0.1" in entry_text
    assert recruiter.full_name not in entry_text  # the trail names records, never people
    auditor.screenshot(path=tmp_path / "audit-entry-1280.png", full_page=True)
    screening_index_reset()
