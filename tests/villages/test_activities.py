"""The three pillars' records: who may record them, what bad input gets, what is kept."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.villages.models import Outreach, OutreachFile, ServiceDay, WorkPlan
from benteng.villages.selectors import activity_totals, work_plans
from benteng.villages.services import outreach_record, service_day_record, work_plan_save
from tests.conftest import verified_client
from tests.downloads import assert_private_file
from tests.villages.conftest import PDF, PNG, upload

pytestmark = pytest.mark.django_db


def _outreach_post(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "kind": "sosialisasi",
        "held_on": timezone.localdate().strftime("%d-%m-%Y"),
        "place": "Balai Desa",
        "topic": "Jalur penempatan PMI prosedural",
        "facilitators": ["imigrasi", "polri"],
        "participants_male": "12",
        "participants_female": "20",
        "participants_youth": "9",
        "notes": "Warga bertanya tentang lowongan di media sosial",
    }
    data.update(overrides)
    return data


def test_the_pimpasa_logs_an_outreach_with_a_photo_and_an_attendance_list(personas, villages):
    # given
    client = verified_client(personas.pimpasa)
    village = villages["own"]
    # when
    response = client.post(
        reverse("villages:outreach", args=[village.pk]),
        {
            **_outreach_post(),
            "photos": [upload("foto.png", PNG, "image/png")],
            "attendance": [upload("hadir.pdf", PDF, "application/pdf")],
        },
    )
    # then
    assert response.status_code == 302
    outreach = Outreach.objects.get(village=village)
    assert outreach.participants_total == 32
    kinds = sorted(outreach.files.values_list("kind", "content_type"))
    assert kinds == [("daftar_hadir", "application/pdf"), ("foto", "image/png")]
    photo = outreach.files.get(kind="foto")
    # served only through the access check, as an attachment
    download = client.get(reverse("villages:file", args=[photo.pk]))
    assert_private_file(
        download, disposition="attachment", filename="foto.png", content_type="image/png"
    )
    assert (
        verified_client(personas.pic_desa_other)
        .get(reverse("villages:file", args=[photo.pk]))
        .status_code
        == 404
    )
    assert (
        verified_client(personas.pimpinan)
        .get(reverse("villages:file", args=[photo.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.png", b"MZ\x90\x00not an image at all", "bukan PDF, JPEG atau PNG"),
        ("surat.pdf", PDF, "bukan foto"),
        ("besar.png", PNG + b"\x00" * (6 * 1024 * 1024), "terlalu besar"),
    ],
    ids=["not-an-image", "a-pdf-as-photo", "oversize"],
)
def test_a_refused_photo_keeps_everything_typed_and_saves_nothing(
    personas, villages, name, content, message
):
    client = verified_client(personas.pimpasa)
    response = client.post(
        reverse("villages:outreach", args=[villages["own"].pk]),
        {**_outreach_post(), "photos": [upload(name, content)]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Jalur penempatan PMI prosedural"' in html
    assert "Warga bertanya tentang lowongan di media sosial" in html
    assert "berkas harus dipilih lagi" in html
    assert not Outreach.objects.exists()
    assert not OutreachFile.objects.exists()


def test_bad_counts_and_dates_are_named_in_indonesian(personas, villages):
    client = verified_client(personas.pimpasa)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d-%m-%Y")
    response = client.post(
        reverse("villages:outreach", args=[villages["own"].pk]),
        _outreach_post(held_on=tomorrow, participants_youth="99"),
    )
    html = response.content.decode()
    assert "Tanggal tidak boleh di masa depan." in html
    assert "Peserta muda tidak boleh lebih banyak dari seluruh peserta." in html
    assert not Outreach.objects.exists()


@pytest.mark.parametrize(
    ("persona", "village", "status"),
    [
        ("pimpasa", "own", 200),
        ("bhabinkamtibmas", "second", 200),
        ("pic_desa", "own", 200),
        ("pic_desa", "second", 404),  # not their village: not even shown
        ("petugas_imigrasi", "own", 403),
        ("pimpinan", "own", 403),
        ("admin", "own", 403),
    ],
)
def test_only_the_village_team_records_outreach_in_its_own_village(
    personas, villages, persona, village, status
):
    client = verified_client(getattr(personas, persona))
    url = reverse("villages:outreach", args=[villages[village].pk])
    assert client.get(url).status_code == status


def test_only_the_pimpasa_records_service_days(personas, villages):
    village = villages["own"]
    assert (
        verified_client(personas.pic_desa)
        .get(reverse("villages:service_day", args=[village.pk]))
        .status_code
        == 403
    )
    client = verified_client(personas.pimpasa)
    response = client.post(
        reverse("villages:service_day", args=[village.pk]),
        {
            "held_on": timezone.localdate().strftime("%d-%m-%Y"),
            "place": "Balai Desa",
            "services": ["informasi_paspor", "jalur_prosedural"],
            "served_male": "4",
            "served_female": "9",
        },
    )
    assert response.status_code == 302
    day = ServiceDay.objects.get(village=village)
    assert day.served_total == 13 and day.recorded_by_id == personas.pimpasa.pk


def test_work_plan_planned_against_done_and_totals_by_area(personas, villages):
    # given: a plan for this quarter, and two sessions and one service day done
    pimpasa = Viewer.for_user(personas.pimpasa)
    village = villages["own"]
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    work_plan_save(
        viewer=pimpasa,
        village=village,
        year=today.year,
        quarter=quarter,
        planned={"layanan": 2, "sosialisasi": 3},
    )
    for _ in range(2):
        outreach_record(
            viewer=pimpasa,
            village=village,
            kind="sosialisasi",
            held_on=today,
            place="Balai",
            topic="TPPO",
            facilitators=["imigrasi"],
            participants_male=5,
            participants_female=6,
            participants_youth=2,
        )
    service_day_record(
        viewer=pimpasa,
        village=village,
        held_on=today,
        place="Balai",
        services=["informasi_paspor"],
        served_male=1,
        served_female=2,
    )
    # when
    progress = work_plans(viewer=pimpasa)
    by_kecamatan = activity_totals(viewer=Viewer.for_user(personas.pimpinan), level="kecamatan")
    # then
    lines = {line.key: (line.done, line.planned) for line in progress[0].lines}
    assert lines == {"layanan": (1, 2), "sosialisasi": (2, 3)}
    assert [
        (row.code, row.outreach_total, row.participants_total) for row in by_kecamatan.rows
    ] == [("36.03.07", 2, 22)]
    assert (
        activity_totals(viewer=Viewer.for_user(personas.pic_desa_other), level="village").rows == []
    )


def test_a_pimpasa_plans_only_their_own_villages(personas, villages):
    client = verified_client(personas.pimpasa)
    html = client.get(reverse("villages:work_plans")).content.decode()
    assert villages["own"].region.name in html
    assert villages["far"].region.name not in html
    response = client.post(
        reverse("villages:work_plans"),
        {"village": villages["far"].pk, "year": timezone.localdate().year, "quarter": 1},
    )
    assert "bukan salah satu dari pilihan yang tersedia" in response.content.decode()
    assert not WorkPlan.objects.exists()


def test_the_totals_filter_names_a_bad_value_and_keeps_it(personas, villages):
    client = verified_client(personas.petugas_imigrasi)
    response = client.get(reverse("villages:totals"), {"within": "Kronjo", "date_from": "kemarin"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tulis kode wilayah seperti 36.03 atau 36.03.07." in html
    assert "HH-BB-TTTT" in html
    assert 'value="Kronjo"' in html and 'value="kemarin"' in html


def test_the_totals_page_costs_the_same_queries_for_one_village_or_three(
    personas, villages, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()

    def session(village):  # type: ignore[no-untyped-def]
        outreach_record(
            viewer=Viewer.system(purpose="uji"),
            village=village,
            kind="pelatihan",
            held_on=today,
            place="Balai",
            topic="TPPO",
            facilitators=["desa"],
            participants_male=1,
            participants_female=1,
            participants_youth=0,
        )

    session(villages["own"])
    client = verified_client(personas.pimpinan)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("villages:totals"))
    session(villages["second"])
    session(villages["far"])
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(reverse("villages:totals")).content.decode()
    assert html.count("<tr>") == 4  # the header and three villages
