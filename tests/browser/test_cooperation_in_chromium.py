"""Shared facilities in Chromium at 360 px: a Polda investigator books Kanim Soekarno-Hatta's
interview room; an immigration officer of Kanim Tangerang asks for an overlapping hour, is
refused with the clashing office and time, keeps what was typed, sees the room as taken (not
why), and books the next free hour."""

from __future__ import annotations

import os

import pytest

from benteng.cooperation.models import FacilityBooking
from tests.browser.test_roles_in_chromium import PHONE
from tests.cooperation.factories import at, facility_make

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


def _book(page, day: str, start: str, end: str, purpose: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#id_day", day)
    page.fill("#id_start_time", start)
    page.fill("#id_end_time", end)
    page.fill("#id_purpose", purpose)
    page.click("[data-testid=book]")


def test_a_clash_is_refused_and_the_next_hour_is_booked(open_as, personas, tmp_path):
    # given
    room = facility_make()
    day = at(1, 8).strftime("%d-%m-%Y")
    police = open_as(personas.penyidik, PHONE)
    police.goto("/kerja-sama/fasilitas/")
    police.click(f"text={room.name}")
    _book(police, day, "08:00", "10:00", "Wawancara penumpang yang diserahkan")
    assert "Fasilitas dipesan." in police.inner_text(".messages")
    # when: Kanim Tangerang asks for 09:00-11:00
    officer = open_as(personas.petugas_imigrasi, PHONE)
    officer.goto(f"/kerja-sama/fasilitas/{room.pk}/")
    _book(officer, day, "09:00", "11:00", "Wawancara saksi")
    # then
    error = officer.inner_text("#id_day_error, .errorlist")
    assert "Bentrok dengan pemesanan Kepolisian Daerah Banten" in error
    assert officer.input_value("#id_start_time") == "09:00"
    assert officer.input_value("#id_purpose") == "Wawancara saksi"
    assert "Terpakai" in officer.inner_text("[data-testid=calendar]")
    assert "Wawancara penumpang" not in officer.content()
    assert _fits(officer)
    officer.screenshot(path=str(tmp_path / "bentrok.png"), full_page=True)
    # and the next free hour is booked
    officer.fill("#id_start_time", "10:00")
    officer.fill("#id_end_time", "11:30")
    officer.click("[data-testid=book]")
    assert "Fasilitas dipesan." in officer.inner_text(".messages")
    assert FacilityBooking.objects.filter(facility=room).count() == 2
    assert _fits(officer)
    assert officer.csp_violations == [] and police.csp_violations == []
