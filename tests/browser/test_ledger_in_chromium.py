"""The exchange ledger in Chromium on a 360-px phone: an immigration analyst sees the referral
Kanim Tangerang sent to Polda Banten under its clause, then looks up who received one person's
data by NIK — first with a NIK too short (the message, the typed value kept)."""

from __future__ import annotations

import os

import pytest

from benteng.referrals.services import SubjectInput
from tests.referrals.conftest import send

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NIK = "3603074508960001"


def test_an_analyst_reads_the_ledger_and_one_persons_exchanges(open_as, personas):
    # given: a referral of a suspected recruiter from Kanim Tangerang to Polda Banten
    send(
        personas.petugas_imigrasi,
        to_office="polda-banten",
        reason_category="perekrut",
        subjects=[SubjectInput(full_name="Siti Rohmah", nik=NIK)],
    )
    page = open_as(personas.analis_imigrasi)
    # when: the ledger, from the navigation
    page.goto("/")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Buku pertukaran data").click()
    # then: the count per clause and recipient, as cards on a phone
    counts = page.get_by_test_id("ledger-counts")
    assert "Pasal 4 ayat (2)" in counts.inner_text()
    assert "Polda Banten" in counts.inner_text() or "Kepolisian Daerah" in counts.inner_text()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    # when: one person, first with a NIK too short
    page.get_by_role("link", name="Cari menurut orang (NIK)").click()
    page.get_by_label("NIK").fill("36030745")
    page.get_by_role("button", name="Cari").click()
    # then
    assert "16 digit" in page.locator("form.card").inner_text()
    assert page.get_by_label("NIK").input_value() == "36030745"
    # when: the whole NIK
    page.get_by_label("NIK").fill(NIK)
    page.get_by_role("button", name="Cari").click()
    # then: who received her data, when, under which clause
    rows = page.get_by_test_id("person-exchanges").inner_text()
    assert "Pasal 4 ayat (2)" in rows
    assert "Penegakan hukum" in rows
