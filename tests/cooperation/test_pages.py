"""The joint-work pages: who opens what (and what is not shown), bad input keeps what was
typed, files are checked and served as attachments, lists take a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benteng.audit.models import AuditEntry
from benteng.cooperation.models import (
    FacilityBooking,
    Operation,
    Training,
    TrainingMaterial,
)
from tests.conftest import verified_client
from tests.cooperation.factories import (
    booking_make,
    facility_make,
    office,
    operation_make,
    training_make,
)
from tests.downloads import assert_private_file
from tests.referrals.conftest import PDF, send

pytestmark = pytest.mark.django_db

READERS = [
    "petugas_imigrasi",
    "petugas_imigrasi_other",
    "petugas_tpi",
    "analis_imigrasi",
    "penyidik",
    "analis_polri",
    "pimpinan",
]
OUTSIDERS = ["pimpasa", "bhabinkamtibmas", "pic_desa", "admin"]
LISTS = ["/kerja-sama/pelatihan/", "/kerja-sama/operasi/", "/kerja-sama/fasilitas/"]


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_the_lists_open_for_the_two_agencies_staff_only(personas, persona):
    client = verified_client(getattr(personas, persona))
    for url in [*LISTS, "/kerja-sama/pemesanan/"]:
        expected = 200 if persona in READERS else 403
        assert client.get(url).status_code == expected, (persona, url)


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_the_report_opens_for_leadership_and_analysts_only(personas, persona):
    response = verified_client(getattr(personas, persona)).get("/kerja-sama/laporan/")
    allowed = persona in {"analis_imigrasi", "analis_polri", "pimpinan"}
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_an_outsider_opens_no_record_either(personas, persona):
    training = training_make()
    client = verified_client(getattr(personas, persona))
    assert client.get(f"/kerja-sama/pelatihan/{training.pk}/").status_code == 403


def test_a_missing_record_is_a_404_and_the_probe_is_audited(personas):
    client = verified_client(personas.petugas_imigrasi)
    assert client.get("/kerja-sama/operasi/999999/").status_code == 404
    assert AuditEntry.objects.filter(action="denied", object_type="cooperation.operation").exists()


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/kerja-sama/pelatihan/", training_make),
        ("/kerja-sama/operasi/", operation_make),
        ("/kerja-sama/fasilitas/", facility_make),
    ],
    ids=["trainings", "operations", "facilities"],
)
def test_a_list_takes_the_same_queries_for_one_row_or_many(
    personas, django_assert_num_queries, url, make
):
    # given
    client = verified_client(personas.analis_imigrasi)
    make()
    client.get(url)
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    for number in range(2, 6):
        make(**({"name": f"Fasilitas {number}"} if make is facility_make else {}))
    # when
    with django_assert_num_queries(len(one_row.captured_queries)):
        response = client.get(url)
    # then
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 6


def _training_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "pelatihan",
        "topic": "Wawancara calon PMI di loket",
        "starts_on": "12-03-2026",
        "ends_on": "13-03-2026",
        "place": "Aula Polda Banten",
        "organiser_office": office("kanwil-imigrasi-banten").pk,
        "trainers": "Kompol Contoh",
        f"peserta_{office('kanim-tangerang').pk}": "15",
        f"peserta_{office('polda-banten').pk}": "9",
    }
    data.update(overrides)
    return data


def test_a_training_is_recorded_with_its_participants_and_material(personas):
    client = verified_client(personas.analis_imigrasi)
    upload = SimpleUploadedFile("modul.pdf", PDF, content_type="application/pdf")
    # when
    response = client.post(
        "/kerja-sama/pelatihan/baru/", _training_post(material=upload, material_description="Modul")
    )
    # then
    training = Training.objects.get()
    assert response.status_code == 302
    assert sorted(training.participations.values_list("count", flat=True)) == [9, 15]
    material = TrainingMaterial.objects.get(training=training)
    page = client.get(f"/kerja-sama/pelatihan/{training.pk}/").content.decode()
    assert re.search(r"<dt>Imigrasi Banten</dt><dd>15</dd>", page)
    assert re.search(r"<dt>Polda Banten</dt><dd>9</dd>", page)
    download = client.get(f"/kerja-sama/pelatihan/{training.pk}/materi/{material.pk}/")
    assert_private_file(
        download, disposition="attachment", filename="modul.pdf", content_type="application/pdf"
    )
    assert b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(
        object_type="cooperation.trainingmaterial", action="read"
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"starts_on": "31-02-2026"}, "Tanggal mulai"),
        ({"ends_on": "01-03-2026"}, "Tanggal selesai tidak boleh sebelum tanggal mulai"),
        (
            {
                f"peserta_{0}": "",
            },
            "Isi jumlah peserta dari paling sedikit satu kantor",
        ),
    ],
    ids=["impossible-date", "ends-before-start", "no-participants"],
)
def test_a_bad_training_keeps_what_was_typed(personas, overrides, field_message):
    client = verified_client(personas.analis_imigrasi)
    data = _training_post(**overrides)
    if "peserta_0" in overrides:
        data = {key: value for key, value in data.items() if not key.startswith("peserta_")}
    # when
    response = client.post("/kerja-sama/pelatihan/baru/", data)
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert field_message in html
    assert 'value="Wawancara calon PMI di loket"' in html
    assert "Kompol Contoh" in html
    assert not Training.objects.exists()


def test_a_material_of_the_wrong_type_is_refused_and_the_form_kept(personas):
    client = verified_client(personas.analis_imigrasi)
    upload = SimpleUploadedFile("modul.pdf", b"<html>not a pdf</html>", content_type="text/html")
    # when
    response = client.post("/kerja-sama/pelatihan/baru/", _training_post(material=upload))
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "bukan PDF, JPEG atau PNG" in html
    assert 'value="Wawancara calon PMI di loket"' in html
    assert not Training.objects.exists() and not TrainingMaterial.objects.exists()


def test_only_the_organisers_heads_and_analysts_edit_a_training(personas):
    training = training_make()  # organised by the Kanwil
    url = f"/kerja-sama/pelatihan/{training.pk}/ubah/"
    assert verified_client(personas.analis_imigrasi).get(url).status_code == 200
    assert verified_client(personas.analis_polri).get(url).status_code == 403
    assert verified_client(personas.petugas_imigrasi).get(url).status_code == 403
    # when
    response = verified_client(personas.analis_imigrasi).post(
        url,
        _training_post(topic="Topik baru", organiser_office=office("kanwil-imigrasi-banten").pk),
    )
    # then
    training.refresh_from_db()
    assert response.status_code == 302 and training.topic == "Topik baru"
    entry = AuditEntry.objects.filter(object_type="cooperation.training", action="update").get()
    assert "topic" in entry.detail["fields"]
    assert "Topik baru" not in str(entry.detail)


def test_an_operation_shows_each_reader_only_the_referrals_they_may_see(personas):
    # given: a referral of Kanim Tangerang to Polda, linked by Polda's analyst
    referral = send(personas.petugas_imigrasi, to_office="polda-banten")
    operation = operation_make(
        viewer=personas.analis_polri.as_viewer(), referral_numbers=referral.number
    )
    url = f"/kerja-sama/operasi/{operation.pk}/"
    # when
    seen_by_sender = verified_client(personas.petugas_imigrasi).get(url).content.decode()
    seen_by_other = verified_client(personas.petugas_imigrasi_other).get(url).content.decode()
    # then: both see the count; only the two offices see the referral
    assert referral.number in seen_by_sender
    assert referral.number not in seen_by_other
    for html in (seen_by_sender, seen_by_other):
        assert re.search(r'data-testid="referral-count">1<', html)
    assert "1 rujukan lain hanya terlihat" in seen_by_other
    assert AuditEntry.objects.filter(action="read", object_type="cooperation.operation").exists()
    assert AuditEntry.objects.filter(action="list", object_type="referrals.referral").exists()


def test_an_operation_cannot_link_a_referral_its_editor_does_not_see(personas):
    referral = send(personas.petugas_imigrasi, to_office="polda-banten")
    client = verified_client(personas.pimpinan)  # Kanwil: sees Kanim Tangerang's referrals
    polri_client = verified_client(personas.analis_polri)
    other = send(personas.petugas_imigrasi_other, to_office="polres-serang")  # not Polda's
    data = {
        "name": "Operasi Pelabuhan Merak",
        "kind": "pelabuhan",
        "place": "Pelabuhan Merak",
        "starts_on": "01-04-2026",
        "ends_on": "03-04-2026",
        "lead_office": office("polda-banten").pk,
        "offices": [office("kanim-cilegon").pk],
        "referral_numbers": f"{referral.number}\n{other.number}\nRJK-ngawur",
    }
    # when
    response = polri_client.post("/kerja-sama/operasi/baru/", data)
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert f"Rujukan nomor {other.pk:06d} tidak ditemukan" in html
    assert "“RJK-ngawur” bukan nomor rujukan" in html
    assert 'value="Pelabuhan Merak"' in html and referral.number in html
    assert not Operation.objects.exists()
    assert client.get("/kerja-sama/operasi/baru/").status_code == 200


def test_editing_an_operation_keeps_the_links_its_editor_cannot_see(personas):
    referral = send(personas.petugas_imigrasi, to_office="polda-banten")
    operation = operation_make(
        viewer=personas.analis_polri.as_viewer(), referral_numbers=referral.number
    )
    from benteng.cooperation import services

    # when: Polda's head (who sees it too) edits without the link, then an outsider case:
    # the Kanwil head may not edit Polda's operation at all
    services.operation_update(
        viewer=personas.analis_polri.as_viewer(),
        operation=operation,
        offices=[],
        referral_numbers="",
        lp_numbers="",
        name=operation.name,
        kind=operation.kind,
        place=operation.place,
        starts_on=operation.starts_on,
        ends_on=operation.ends_on,
        lead_office=operation.lead_office,
        notes="",
    )
    # then: the editor saw the referral and dropped it
    assert operation.referrals.count() == 0
    assert (
        verified_client(personas.pimpinan)
        .get(f"/kerja-sama/operasi/{operation.pk}/ubah/")
        .status_code
        == 403
    )


def test_booking_on_the_page_refuses_a_clash_and_keeps_what_was_typed(personas):
    # given: Polda has the room tomorrow 08:00-10:00
    room = facility_make()
    first = booking_make(facility=room, viewer=personas.penyidik.as_viewer())
    day = first.starts_at.astimezone().strftime("%d-%m-%Y")
    client = verified_client(personas.petugas_imigrasi)
    # when
    response = client.post(
        f"/kerja-sama/fasilitas/{room.pk}/",
        {"day": day, "start_time": "09:30", "end_time": "11:00", "purpose": "Wawancara saksi"},
    )
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bentrok dengan pemesanan Kepolisian Daerah Banten" in html
    assert 'value="09:30"' in html and "Wawancara saksi" in html
    assert FacilityBooking.objects.count() == 1
    # and another office sees that the room is taken, not why or by whom
    assert "Terpakai" in html
    assert first.purpose not in html


def test_the_owner_office_sees_the_bookings_of_its_facilities(personas):
    room = facility_make(owner="kanim-tangerang")
    booking = booking_make(facility=room, viewer=personas.penyidik.as_viewer())
    # when
    html = verified_client(personas.petugas_imigrasi).get("/kerja-sama/pemesanan/").content
    other = verified_client(personas.petugas_imigrasi_other).get("/kerja-sama/pemesanan/").content
    # then
    assert booking.purpose in html.decode()
    assert booking.purpose not in other.decode()


def test_a_booking_is_cancelled_by_its_office_not_by_another(personas):
    room = facility_make()
    booking = booking_make(facility=room, viewer=personas.penyidik.as_viewer())
    url = f"/kerja-sama/pemesanan/{booking.pk}/batal/"
    assert verified_client(personas.petugas_imigrasi).post(url).status_code == 403
    response = verified_client(personas.analis_polri).post(url)
    booking.refresh_from_db()
    assert response.status_code == 302 and booking.state == "dibatalkan"


def test_the_filters_keep_the_period_the_agency_and_the_kind(personas):
    # given: a Kanwil training with Polresta Tangerang's officers, one of Kanim officers only
    with_police = training_make()
    immigration_only = training_make(
        topic="Pemeriksaan dokumen PMI", participants={"kanim-tangerang": 7}
    )
    later = training_make(
        topic="Latihan triwulan berikutnya", starts_on=with_police.starts_on.replace(month=6)
    )
    client = verified_client(personas.penyidik)
    # when
    police = client.get("/kerja-sama/pelatihan/?instansi=polri").content.decode()
    march = client.get("/kerja-sama/pelatihan/?dari=01-03-2026&sampai=31-03-2026").content.decode()
    # then: the agency's trainings with every office's participants counted
    assert with_police.topic in police and immigration_only.topic not in police
    assert '<td data-label="Peserta">20</td>' in police
    assert later.topic not in march and immigration_only.topic in march


def test_named_participants_follow_who_the_reader_may_see_and_survive_an_edit(personas):
    # given: a training naming an investigator of Polda and an officer of Kanim Tangerang
    from benteng.accounts.models import User
    from benteng.cooperation import services
    from benteng.cooperation.selectors import training_page
    from tests.cooperation.factories import keeper, training_make

    named = [personas.penyidik, personas.petugas_imigrasi]
    training = training_make(named_participants=named)
    reader = personas.petugas_imigrasi_other.as_viewer()
    may_see = set(User.objects.visible_to(reader).filter(pk__in=[user.pk for user in named]))
    assert may_see != set(named)  # the reader may not see every one of them
    # when: the reader opens it, and a head who sees none of them edits it naming nobody
    shown = training_page(viewer=reader, training=training).named
    head = keeper()
    services.training_update(
        viewer=head,
        training=training,
        participations=[(item.office, item.count) for item in training.participations.all()],
        named_participants=[],
        **{name: getattr(training, name) for name in services.TRAINING_FIELDS},
    )
    # then: the reader sees only those they may see; the edit dropped nobody it could not offer
    assert set(shown) == may_see
    assert set(training.named_participants.all()) == set(named)
