"""The cooperation report counts known data right, for the period asked, and its CSV is the
same table."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from benteng.cooperation.models import TrainingKind
from benteng.cooperation.report import MONTH, QUARTER, YEAR, ReportPeriod, cooperation_report
from benteng.referrals.models import Referral
from tests.conftest import verified_client
from tests.cooperation.factories import (
    at,
    booking_make,
    facility_make,
    operation_make,
    training_make,
)
from tests.downloads import assert_private_file
from tests.referrals.conftest import send

pytestmark = pytest.mark.django_db


def _counts(period: ReportPeriod) -> dict[tuple[str, str], int]:
    return {(row.section, row.item): row.count for row in cooperation_report(period=period)}


@pytest.fixture
def known(personas):  # type: ignore[no-untyped-def]
    """In the month of tomorrow: two trainings (12+8 and 5+0 participants), an exercise the
    month after, an operation with one referral, three bookings (one cancelled is left out
    by making only active ones), referrals between the agencies and one to BP3MI."""
    day = at(1, 8).date()
    month = ReportPeriod(MONTH, day.year, day.month)
    training_make(starts_on=day)
    training_make(starts_on=day, kind=TrainingKind.SOSIALISASI, participants={"kanim-tangerang": 5})
    training_make(starts_on=month.last_day + datetime.timedelta(days=1), kind=TrainingKind.EXERCISE)
    to_police = send(personas.petugas_imigrasi, to_office="polda-banten")
    to_immigration = send(personas.penyidik, to_office="kanim-serang")
    send(personas.petugas_imigrasi, to_office="bp3mi-banten")
    sent_at = datetime.datetime.combine(
        day, datetime.time(9), tzinfo=timezone.get_current_timezone()
    )
    Referral.objects.update(sent_at=sent_at)
    operation_make(
        starts_on=day,
        viewer=personas.analis_polri.as_viewer(),
        referral_numbers=Referral.objects.get(pk=to_police.pk).number,
    )
    room = facility_make()
    car = facility_make(name="Mobil Operasional 1", owner="polresta-tangerang")
    booking_make(facility=room, viewer=personas.penyidik.as_viewer(), start=8, end=10)
    booking_make(facility=room, viewer=personas.petugas_imigrasi.as_viewer(), start=10, end=12)
    booking_make(facility=car, viewer=personas.petugas_imigrasi.as_viewer(), start=8, end=17)
    return month, to_immigration


def test_the_report_counts_the_months_joint_work(known):
    month, _to_immigration = known
    # when
    counts = _counts(month)
    # then
    assert counts[("Pelatihan dan latihan bersama", "Jumlah kegiatan")] == 2
    assert counts[("Pelatihan dan latihan bersama", "Pelatihan bersama")] == 1
    assert counts[("Pelatihan dan latihan bersama", "Sosialisasi untuk petugas")] == 1
    assert counts[("Pelatihan dan latihan bersama", "Latihan/simulasi bersama")] == 0
    assert counts[("Peserta per instansi", "Imigrasi Banten")] == 12 + 5
    assert counts[("Peserta per instansi", "Polda Banten")] == 8
    assert counts[("Operasi bersama", "Jumlah operasi")] == 1
    assert counts[("Operasi bersama", "Rujukan yang dihasilkan")] == 1
    assert counts[("Operasi bersama", "Kasus yang dihasilkan")] == 0
    assert counts[("Pemesanan fasilitas per fasilitas", "Jumlah pemesanan")] == 3
    room = "Ruang Wawancara 1 (Kantor Imigrasi Kelas I Khusus TPI Soekarno-Hatta)"
    assert counts[("Pemesanan fasilitas per fasilitas", room)] == 2
    assert counts[("Pemesanan fasilitas per instansi pemesan", "Imigrasi Banten")] == 2
    assert counts[("Pemesanan fasilitas per instansi pemesan", "Polda Banten")] == 1
    assert counts[("Rujukan Imigrasi Banten → Polda Banten", "Jumlah dikirim")] == 1
    assert counts[("Rujukan Imigrasi Banten → Polda Banten", "Terkirim")] == 1
    assert counts[("Rujukan Polda Banten → Imigrasi Banten", "Jumlah dikirim")] == 1
    assert counts[("Rujukan Polda Banten → Imigrasi Banten", "Selesai")] == 0


def test_the_quarter_and_the_year_include_the_next_months_exercise(known):
    month, _ = known
    year = _counts(ReportPeriod(YEAR, month.year))
    quarter = _counts(ReportPeriod(QUARTER, month.year, (month.number - 1) // 3 + 1))
    exercise = ("Pelatihan dan latihan bersama", "Latihan/simulasi bersama")
    next_month_in_quarter = month.number % 3 != 0
    assert quarter[exercise] == (1 if next_month_in_quarter else 0)
    assert year[exercise] == (1 if month.number < 12 else 0)


def test_the_csv_is_the_same_table_and_names_no_person(known, personas):
    month, _ = known
    client = verified_client(personas.pimpinan)
    query = f"?periode=bulan&tahun={month.year}&ke={month.number}"
    # when
    page = client.get("/kerja-sama/laporan/" + query)
    download = client.get("/kerja-sama/laporan.csv" + query)
    # then
    assert_private_file(
        download,
        disposition="attachment",
        filename=f"laporan-kerja-sama-{month.slug}.csv",
        content_type="text/csv; charset=utf-8",
    )
    body = download.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Periode", "Bagian", "Uraian", "Jumlah"]
    assert len(rows) - 1 == len(cooperation_report(period=month))
    assert [month.label, "Operasi bersama", "Jumlah operasi", "1"] in rows
    html = page.content.decode()
    assert "Siti Rohmah" not in html and "Siti Rohmah" not in body
    assert "Pemesanan fasilitas per instansi pemesan" in html


def test_a_bad_period_says_so_and_keeps_what_was_typed(personas):
    client = verified_client(personas.analis_polri)
    response = client.get("/kerja-sama/laporan/?periode=triwulan&tahun=2026&ke=7")
    html = response.content.decode()
    assert "Triwulan hanya 1 sampai 4." in html
    assert 'value="7"' in html
