"""A case in Chromium on a 360-px phone: an investigator opens it with its LP number, adds a
victim and a recruiter and records the next stage; a colleague of the same office who is not
on the case team sees the case, that there is a victim, and not who she is.

Set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at.
"""

from __future__ import annotations

import os

import pytest
from django.utils import timezone

from benteng.accounts.models import Role
from benteng.cases.models import Case, Stage
from benteng.cases.validation import ROMAN_MONTHS
from tests.browser import test_shell_in_chromium as shell
from tests.conftest import make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VICTIM = "Siti Aminah Binti Rahmat"
RECRUITER = "Haji Darmaji bin Sukri"


def test_an_investigator_opens_a_case_a_colleague_sees_it_without_the_victim(
    open_as, personas, tmp_path
):
    # given: two investigators of Polresta Tangerang
    lead = make_user("penyidik.tng", Role.PENYIDIK, "polresta-tangerang")
    colleague = make_user("penyidik2.tng", Role.PENYIDIK, "polresta-tangerang")
    today = timezone.localdate()
    lp_number = f"LP/B/321/{ROMAN_MONTHS[today.month - 1]}/{today.year}/SPKT/POLRESTA TANGERANG"
    page = open_as(lead)
    # when: the list's button opens the form, first with an LP number out of pattern
    page.goto("/kasus/")
    page.get_by_role("link", name="Buka kasus").click()
    page.get_by_label("Nomor LP").fill("LP 321 2026")
    page.get_by_label("Tanggal LP").fill(today.strftime("%d-%m-%Y"))
    page.get_by_label("Modus operandi").select_option("penipuan_daring")
    page.get_by_role("button", name="Buka kasus").click()
    # then: the message, and what was typed is still there
    assert "tidak sesuai pola" in page.locator("form.card").inner_text()
    assert page.get_by_label("Tanggal LP").input_value() == today.strftime("%d-%m-%Y")
    # when: the right number
    page.get_by_label("Nomor LP").fill(lp_number)
    page.get_by_role("button", name="Buka kasus").click()
    page.wait_for_url("**/kasus/*/")
    case = Case.objects.get()
    # and a victim and a recruiter are added
    for role, name in (("korban", VICTIM), ("perekrut", RECRUITER)):
        page.get_by_role("link", name="Tambah orang").click()
        page.get_by_label("Peran", exact=True).select_option(role)
        page.get_by_label("Nama lengkap").fill(name)
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_url(f"**/kasus/{case.pk}/")
    # and the next stage is recorded
    page.get_by_role("link", name="Catat tahap berikutnya").click()
    page.get_by_label("Tanggal", exact=True).fill(today.strftime("%d-%m-%Y"))
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/kasus/{case.pk}/")
    shell._shoot(page, "case-lead-360")
    # then: the team sees the victim
    persons = page.locator("[data-testid=persons]").inner_text()
    assert f"Korban 1: {VICTIM}" in persons and RECRUITER in persons
    assert "Penyidikan (sidik)" in page.locator("[data-testid=stages]").inner_text()
    assert Case.objects.get().stage == Stage.SIDIK
    assert shell._no_sideways_scrolling(page)
    # when: the colleague opens the list and the case
    other = open_as(colleague)
    other.goto("/kasus/")
    assert lp_number in other.locator("[data-testid=case-list]").inner_text()
    assert "1 korban" in other.locator("[data-testid=case-list]").inner_text()
    other.get_by_role("link", name=lp_number).click()
    other.wait_for_url(f"**/kasus/{case.pk}/")
    other.screenshot(path=str(tmp_path / "case-colleague-360.png"), full_page=True)
    shell._shoot(other, "case-colleague-360")
    # then: the case and that there is a victim, never who she is
    text = (
        other.locator("main").inner_text()
        if other.locator("main").count()
        else other.inner_text("body")
    )
    assert "Korban 1 (identitas dirahasiakan)" in text
    assert VICTIM not in other.content() and "Aminah" not in other.content()
    assert RECRUITER in text
    assert other.get_by_role("link", name="Tambah orang").count() == 0
    assert shell._no_sideways_scrolling(other)
    assert (tmp_path / "case-colleague-360.png").stat().st_size > 0
    assert not page.csp_violations and not other.csp_violations
