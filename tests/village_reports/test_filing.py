"""Filing from the phone: once per draft, bad photos refused with the draft kept, the form
without JavaScript keeps what was typed, the offline pieces are served."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from benteng.village_reports.models import VillageReport, VillageReportPerson
from benteng.village_reports.services import MAX_PHOTO_BYTES
from tests.conftest import verified_client
from tests.village_reports.support import RECRUITER_NAME, viewer_of

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


def _post(personas, client, draft: str, **extra):  # type: ignore[no-untyped-def]
    desa = sorted(viewer_of(personas.pic_desa).village_codes)[0]
    data = {
        "desa_code": desa,
        "kind": "perekrut",
        "summary": "Calo menawarkan kerja ke Malaysia.",
        "seen_on": "02-12-2026",
        "people-0-role": "perekrut",
        "people-0-full_name": RECRUITER_NAME,
        "people-0-phone": "0812 7777 3131",
        "people-1-role": "warga",
        "draft_uuid": draft,
        **extra,
    }
    return client.post(reverse("village_reports:new"), data, HTTP_ACCEPT="application/json")


def test_a_resent_draft_is_stored_once_and_answers_the_first_report(personas) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(personas.pic_desa)
    draft = str(uuid.uuid4())
    first = _post(personas, client, draft)
    again = _post(personas, client, draft)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert VillageReport.objects.count() == 1
    assert VillageReportPerson.objects.get().phone == "6281277773131"


def test_the_same_draft_key_of_another_filer_is_another_report(personas) -> None:  # type: ignore[no-untyped-def]
    draft = str(uuid.uuid4())
    _post(personas, verified_client(personas.pic_desa), draft)
    _post(personas, verified_client(personas.pimpasa), draft)
    assert VillageReport.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a photo", "bukan foto"),
        (b"\xff\xd8\xff" + b"\x00" * (MAX_PHOTO_BYTES + 1), "terlalu besar"),
    ],
)
def test_a_bad_photo_is_refused_with_a_message_and_nothing_is_stored(
    personas, content, message
) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(personas.pic_desa)
    draft = str(uuid.uuid4())
    photo = SimpleUploadedFile("foto.jpg", content, content_type="image/jpeg")
    response = _post(personas, client, draft, photos=[photo])
    assert response.status_code == 400
    assert any(message in text for text in response.json()["errors"]["photos"])
    assert "tersimpan di ponsel" in response.json()["errors"]["photos"][0]
    assert not VillageReport.objects.exists()
    # The same draft sent again without the bad photo is stored, once.
    assert (
        _post(personas, client, draft, photos=[SimpleUploadedFile("a.jpg", JPEG)]).status_code
        == 201
    )
    assert VillageReport.objects.get().photos.count() == 1


def test_without_javascript_a_bad_value_comes_back_with_what_was_typed(personas) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(personas.pic_desa)
    desa = sorted(viewer_of(personas.pic_desa).village_codes)[0]
    response = client.post(
        reverse("village_reports:new"),
        {
            "desa_code": desa,
            "kind": "perekrut",
            "summary": "Ada calo di pos ronda",
            "people-0-role": "perekrut",
            "people-0-full_name": RECRUITER_NAME,
            "people-0-phone": "12ab",
            "people-1-role": "warga",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "bukan nomor Indonesia yang sah" in page
    assert "Ada calo di pos ronda" in page and RECRUITER_NAME in page
    assert not VillageReport.objects.exists()


def test_without_javascript_a_good_report_goes_to_its_page(personas) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(personas.pic_desa)
    desa = sorted(viewer_of(personas.pic_desa).village_codes)[0]
    response = client.post(
        reverse("village_reports:new"),
        {
            "desa_code": desa,
            "kind": "lainnya",
            "summary": "Sosialisasi diminta warga",
            "people-0-role": "warga",
            "people-1-role": "warga",
        },
    )
    report = VillageReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()


def test_the_offline_pieces_are_served_and_small(personas) -> None:  # type: ignore[no-untyped-def]
    client = verified_client(personas.pic_desa)
    worker = client.get(reverse("village_reports:worker"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert reverse("village_reports:new") in worker.content.decode()
    token = client.get(reverse("village_reports:token"))
    assert token.status_code == 200 and token.json()["csrf"]
    page = client.get(reverse("village_reports:new"))
    assert page.status_code == 200 and len(page.content) < 40_000


def test_roles_without_villages_cannot_open_the_form(personas) -> None:  # type: ignore[no-untyped-def]
    for user in (personas.petugas_imigrasi, personas.admin, personas.pimpinan):
        assert verified_client(user).get(reverse("village_reports:new")).status_code == 403


def test_a_message_lands_under_the_person_it_is_about_when_a_form_above_is_blank(personas):
    # given: the first person's form left blank, the second with a NIK too short
    from benteng.village_reports.services import (
        PersonInput,
        ReportInput,
        VillageReportInvalid,
        report_file,
    )

    viewer = viewer_of(personas.pic_desa)
    data = ReportInput(
        desa_code=sorted(viewer.village_codes)[0],
        kind="perekrut",
        summary="Calo di pos ronda.",
        draft_uuid=str(uuid.uuid4()),
    )
    people = [
        PersonInput(role="perekrut"),
        PersonInput(role="perekrut", full_name="Ujang", nik="3603"),
    ]
    # when
    with pytest.raises(VillageReportInvalid) as refused:
        report_file(viewer=viewer, data=data, people=people)
    # then: the NIK's message is the second form's, and nothing is stored
    assert "people.1.nik" in refused.value.errors
    assert "people.0.nik" not in refused.value.errors
    assert not VillageReport.objects.exists()


@pytest.fixture
def uploads_unreadable(monkeypatch):  # type: ignore[no-untyped-def]
    """A file uploaded to disk (over 2.5 MB) that must not be read: reading it fails the test."""

    def refuse(self, *args):  # type: ignore[no-untyped-def]
        raise AssertionError("an upload over the limit was read into memory")

    monkeypatch.setattr(TemporaryUploadedFile, "read", refuse, raising=False)


def test_a_photo_over_the_limit_is_refused_by_its_size_unread_and_the_form_kept(
    personas, uploads_unreadable
) -> None:  # type: ignore[no-untyped-def]
    # given: a photo of 3 MB (the limit is 2 MB), posted without the phone's script
    client = verified_client(personas.pic_desa)
    desa = sorted(viewer_of(personas.pic_desa).village_codes)[0]
    big = SimpleUploadedFile("besar.jpg", JPEG + b"\x00" * (3 * 1024 * 1024))
    # when
    response = client.post(
        reverse("village_reports:new"),
        {
            "desa_code": desa,
            "kind": "perekrut",
            "summary": "Ada calo di pos ronda",
            "people-0-role": "perekrut",
            "people-0-full_name": RECRUITER_NAME,
            "people-1-role": "warga",
            "photos": [big],
        },
    )
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "terlalu besar (3073 KB; paling besar 2048 KB)" in page
    assert "Ada calo di pos ronda" in page and RECRUITER_NAME in page
    assert not VillageReport.objects.exists()
    assert MAX_PHOTO_BYTES == 2 * 1024 * 1024


def test_a_nik_that_disagrees_with_the_birth_date_is_refused_where_the_reporter_can_fix_it(
    personas,
) -> None:  # type: ignore[no-untyped-def]
    """The report's people may be referred, and a referral refuses such a NIK: the reporter is
    told at filing, when she can still correct it (a blank birth date is read from the NIK)."""
    from benteng.village_reports.services import (
        PersonInput,
        ReportInput,
        VillageReportInvalid,
        report_file,
    )

    viewer = viewer_of(personas.pic_desa)
    data = ReportInput(
        desa_code=sorted(viewer.village_codes)[0],
        kind="perekrut",
        summary="Calo di pos ronda.",
        draft_uuid=str(uuid.uuid4()),
    )
    # a man born 12 March 1985 in Kab. Tangerang 36.03.05
    nik = "3603051203850004"
    with pytest.raises(VillageReportInvalid) as refused:
        report_file(
            viewer=viewer,
            data=data,
            people=[
                PersonInput(role="perekrut", full_name="Ujang", nik=nik, birth_date="13-03-1985")
            ],
        )
    assert "people.0.nik" in refused.value.errors
    assert not VillageReport.objects.exists()

    report, _created = report_file(
        viewer=viewer, data=data, people=[PersonInput(role="perekrut", full_name="Ujang", nik=nik)]
    )
    person = VillageReportPerson.objects.get(report=report)
    assert str(person.birth_date) == "1985-03-12"
    assert person.sex == "L"
