"""Facilities are kept by their office's heads and analysts (or the office above); an
operation's cases are shown under the case policy; a material added on a training's page is
checked like one sent with the form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import User
from benteng.cases.models import CaseKind, Modus
from benteng.cases.services import case_open
from benteng.cases.validation import ROMAN_MONTHS
from benteng.cooperation.models import Facility, TrainingMaterial
from tests.conftest import verified_client
from tests.cooperation.factories import facility_make, office, operation_make, training_make

pytestmark = pytest.mark.django_db


def test_a_head_registers_a_facility_of_an_office_below_and_not_of_another_agency(personas):
    client = verified_client(personas.pimpinan)  # Kanwil
    data = {
        "owner_office": office("kanim-soekarno-hatta").pk,
        "kind": "ruang_wawancara",
        "name": "Ruang Wawancara Terminal 2",
        "capacity": "3",
        "location": "Terminal 2",
        "is_active": "on",
    }
    # when
    made = client.post("/kerja-sama/fasilitas/baru/", data)
    refused = client.post(
        "/kerja-sama/fasilitas/baru/",
        {**data, "owner_office": office("polresta-tangerang").pk, "name": "Lain"},
    )
    # then
    assert made.status_code == 302
    assert refused.status_code == 400  # not among the offices offered
    assert "Pilih" in refused.content.decode() and 'value="Lain"' in refused.content.decode()
    assert list(Facility.objects.values_list("name", flat=True)) == ["Ruang Wawancara Terminal 2"]
    assert (
        verified_client(personas.petugas_imigrasi).get("/kerja-sama/fasilitas/baru/").status_code
        == 403
    )


def test_a_duplicate_name_is_refused_and_what_was_typed_kept(personas):
    facility_make()
    client = verified_client(personas.analis_imigrasi)
    response = client.post(
        "/kerja-sama/fasilitas/baru/",
        {
            "owner_office": office("kanim-soekarno-hatta").pk,
            "kind": "ruang_wawancara",
            "name": "ruang wawancara 1",
            "capacity": "8",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "sudah punya fasilitas dengan nama itu" in html
    assert 'value="8"' in html


def test_a_facility_set_inactive_shows_no_booking_form(personas):
    room = facility_make()
    client = verified_client(personas.analis_imigrasi)
    response = client.post(
        f"/kerja-sama/fasilitas/{room.pk}/ubah/",
        {"kind": room.kind, "name": room.name, "capacity": "4", "location": ""},
    )
    room.refresh_from_db()
    assert response.status_code == 302 and room.is_active is False
    page = verified_client(personas.penyidik).get(f"/kerja-sama/fasilitas/{room.pk}/")
    assert 'data-testid="book"' not in page.content.decode()
    assert (
        verified_client(personas.analis_polri)
        .get(f"/kerja-sama/fasilitas/{room.pk}/ubah/")
        .status_code
        == 403
    )


def test_an_operations_case_is_shown_to_the_case_team_and_counted_for_the_rest(personas):
    # given: a Polda case led by the investigator, linked by Polda's analyst
    day = timezone.localdate()
    case = case_open(
        viewer=Viewer.system(purpose="uji"),
        kind=CaseKind.TPPO,
        lp_number=f"LP/B/7/{ROMAN_MONTHS[day.month - 1]}/{day.year}/SPKT/POLDA BANTEN",
        lp_date=day,
        handling_office=office("polda-banten"),
        modus=Modus.ONLINE_SCAM,
        lead=User.objects.get(username="penyidik"),
    )
    operation = operation_make(viewer=personas.analis_polri.as_viewer(), lp_numbers=case.lp_number)
    url = f"/kerja-sama/operasi/{operation.pk}/"
    # when
    team = verified_client(personas.penyidik).get(url).content.decode()
    immigration = verified_client(personas.analis_imigrasi).get(url).content.decode()
    # then
    assert case.lp_number in team
    assert case.lp_number not in immigration
    assert 'data-testid="case-count">1<' in immigration
    assert "1 kasus lain hanya terlihat oleh kepolisian" in immigration


def test_a_material_of_the_wrong_type_is_refused_on_the_trainings_page(personas):
    training = training_make()
    client = verified_client(personas.analis_imigrasi)
    upload = SimpleUploadedFile("daftar-hadir.png", b"GIF89a not a png", content_type="image/png")
    # when
    response = client.post(
        f"/kerja-sama/pelatihan/{training.pk}/materi/",
        {"file": upload, "description": "Daftar hadir hari 1"},
    )
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "bukan PDF, JPEG atau PNG" in html
    assert 'value="Daftar hadir hari 1"' in html
    assert not TrainingMaterial.objects.exists()
    other = verified_client(personas.analis_polri)
    assert other.post(f"/kerja-sama/pelatihan/{training.pk}/materi/", {}).status_code == 403
