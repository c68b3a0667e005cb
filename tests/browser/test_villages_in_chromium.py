"""Desa Binaan in Chromium on a 360-px phone: the PIMPASA logs an outreach session with a
photo (first with a file that is not a photo: refused, what was typed kept); the focal person
opens their village's page and sees the team's contacts and the session; the profile shows its
risk indicator with the evidence and no names for the village team.

Set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at.
"""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.villages.models import Outreach
from benteng.villages.services import designation_save, focal_person_save
from tests.browser import test_shell_in_chromium as shell

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_pimpasa_logs_an_outreach_with_a_photo_and_the_focal_person_sees_it(
    open_as, personas, tmp_path, settings
):
    # given: the PIC desa's village designated, with a focal person without an account
    settings.REFERRAL_FILES_ROOT = tmp_path / "private"
    system = Viewer.system(purpose="uji peramban Desa Binaan")
    desa = designation_save(
        viewer=system,
        desa_code=personas.pic_desa.villages.get().code,
        designated_on=datetime.date(2025, 1, 15),
        kanim=Office.objects.get(code="kanim-tangerang"),
    )
    focal_person_save(
        viewer=system,
        village=desa,
        full_name="Sekdes Rahmawati",
        position="Sekretaris Desa",
        phone="081311112222",
    )
    not_a_photo = tmp_path / "foto.png"
    not_a_photo.write_bytes(b"MZ this is a program, not a photo")
    photo = tmp_path / "kegiatan.png"
    photo.write_bytes(PNG)
    page = open_as(personas.pimpasa)
    # when: the PIMPASA opens the village from the home tile and the outreach form
    page.goto("/")
    page.get_by_test_id("tile-villages").click()
    page.get_by_role("link", name=desa.region.name).click()
    page.get_by_role("link", name="Catat penyuluhan").click()
    page.get_by_label("Jenis kegiatan").select_option("sekolah")
    page.get_by_label("Tanggal").fill(timezone.localdate().strftime("%d-%m-%Y"))
    page.get_by_label("Tempat").fill("SMK Kronjo")
    page.get_by_label("Topik").fill("Bahaya lowongan kerja lewat media sosial")
    page.get_by_label("Imigrasi").check()
    page.get_by_label("Kepolisian").check()
    page.get_by_label("Peserta laki-laki").fill("14")
    page.get_by_label("Peserta perempuan").fill("21")
    page.get_by_label("Di antaranya peserta muda").fill("30")
    page.get_by_label("Foto kegiatan").set_input_files(str(not_a_photo))
    page.get_by_role("button", name="Simpan").click()
    # then: refused with the reason, what was typed kept, nothing stored
    form = page.locator("form.card").inner_text()
    assert "bukan PDF, JPEG atau PNG" in form
    assert page.get_by_label("Topik").input_value() == "Bahaya lowongan kerja lewat media sosial"
    assert page.get_by_label("Peserta perempuan").input_value() == "21"
    assert not Outreach.objects.exists()
    shell._shoot(page, "village-outreach-refused-360")
    assert shell._no_sideways_scrolling(page)
    # when: the photo chosen again
    page.get_by_label("Foto kegiatan").set_input_files(str(photo))
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/desa-binaan/{desa.pk}/")
    # then
    outreach = Outreach.objects.get()
    assert outreach.files.get().content_type == "image/png"
    # when: the focal person opens their village
    pic = open_as(personas.pic_desa)
    pic.goto("/")
    pic.get_by_test_id("tile-villages").click()
    pic.get_by_role("link", name=desa.region.name).click()
    pic.wait_for_url(f"**/desa-binaan/{desa.pk}/")
    shell._shoot(pic, "village-page-pic-360")
    # then: the team with their phones, and the session with its photo
    team = pic.get_by_test_id("village-team").inner_text()
    assert "Persona pimpasa" in team and "Persona bhabin" in team and "Sekdes Rahmawati" in team
    assert "6281311112222" in team  # the phone in its one written form
    sessions = pic.get_by_test_id("outreach-list").inner_text()
    assert "Bahaya lowongan kerja lewat media sosial" in sessions
    assert pic.get_by_role("link", name="Foto kegiatan").count() == 1
    assert shell._no_sideways_scrolling(pic)
    # when: the profile
    pic.get_by_role("link", name="Profil desa").click()
    shell._shoot(pic, "village-profile-pic-360")
    # then: the indicator explains itself; the recent outreach leaves no "no outreach" line
    risk = pic.get_by_test_id("village-risk").inner_text()
    assert "Indikator risiko desa" in risk
    assert "Tidak ada penyuluhan" not in risk
    assert shell._no_sideways_scrolling(pic)
