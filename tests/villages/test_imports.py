"""Procedural PMI counts from the agency's spreadsheets: each bad row named, nothing twice."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.urls import reverse
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.villages.imports import pmi_counts_import
from benteng.villages.models import PmiCount
from tests.conftest import verified_client
from tests.villages.conftest import upload

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "benteng/villages/samples/jumlah_pmi_contoh.csv"
SOURCE = "BP3MI Banten"


def _import(personas, content: bytes, filename: str = "pmi.csv"):  # type: ignore[no-untyped-def]
    return pmi_counts_import(
        viewer=Viewer.for_user(personas.admin), filename=filename, content=content, source=SOURCE
    )


def test_the_sample_file_imports_its_good_rows_and_names_each_bad_one(personas):
    # when
    report = _import(personas, SAMPLE.read_bytes())
    # then
    assert [(p.row_number, p.message) for p in report.problems] == [
        (6, "kode desa “36.03.07.9999” tidak dikenal"),
        (7, f"tahun “tahun lalu” harus antara 2000 dan {timezone.localdate().year}"),
        (8, "laki_laki + perempuan (7) tidak sama dengan jumlah (10)"),
    ]
    assert len(report.created) == 4
    pagedangan = PmiCount.objects.get(region__name="Pagedangan Ilir", year=2025)
    assert pagedangan.total == 9 and pagedangan.destination_country == ""
    assert PmiCount.objects.filter(region_id="36.03.07.2001", year=2024).count() == 2  # MY, TW


def test_importing_the_same_file_again_changes_nothing_and_a_corrected_figure_is_reported(
    personas,
):
    # given
    _import(personas, SAMPLE.read_bytes())
    # when: the same file again
    again = _import(personas, SAMPLE.read_bytes())
    # then
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 4)
    assert PmiCount.objects.count() == 4
    # when: one figure corrected
    corrected = SAMPLE.read_bytes().replace(b"2025,15,6,9,", b"2025,16,7,9,")
    report = _import(personas, corrected)
    # then
    assert [(c.row_number, c.desa_code, c.before, c.after) for c in report.updated] == [
        (5, "36.03.07.2002", 15, 16)
    ]
    assert PmiCount.objects.count() == 4


def test_an_xlsx_with_the_same_rows_is_read_the_same_way(personas):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Kode Desa", "Tahun", "Jumlah"])
    sheet.append(["36.03.07.2001", 2024, 7])
    sheet.append(["36.03.07.2001", 2024, 8])  # the same desa and year twice
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = _import(personas, buffer.getvalue(), "pmi.xlsx")
    assert len(report.created) == 1
    assert [(p.row_number, p.message) for p in report.problems] == [
        (3, "desa, tahun dan negara tujuan yang sama sudah ada di baris 2")
    ]


def test_a_file_without_the_required_columns_is_refused_whole(personas):
    report = _import(personas, b"nama,umur\nSiti,20\n")
    assert report.file_problems and "tahun" in report.file_problems[0]
    assert not PmiCount.objects.exists()


def test_the_import_page_is_for_administrators_and_analysts_only(personas):
    for persona, status in (
        ("admin", 200),
        ("analis_imigrasi", 200),
        ("pimpasa", 403),
        ("pimpinan", 403),
    ):
        client = verified_client(getattr(personas, persona))
        assert client.get(reverse("villages:pmi_import")).status_code == status, persona
    client = verified_client(personas.analis_imigrasi)
    html = client.post(
        reverse("villages:pmi_import"),
        {"source": SOURCE, "file": upload("pmi.csv", SAMPLE.read_bytes())},
    ).content.decode()
    assert (
        "4 baris baru, 0 baris diubah, 0 baris sudah ada tanpa perubahan, 3 baris ditolak." in html
    )
    assert "Baris 6" in html


def test_a_count_with_a_decimal_is_refused_not_read_as_ten_times_more(personas):
    # given: "12,5" and "12.5" (a decimal, not a count of people) and "1.250" (thousands)
    content = (
        b"kode_desa,tahun,jumlah,negara_tujuan\n"
        b'36.03.07.2001,2024,"12,5",MY\n'
        b"36.03.07.2001,2024,12.5,TW\n"
        b"36.03.07.2001,2024,1.250,SA\n"
    )
    # when
    report = _import(personas, content)
    # then
    assert [(p.row_number, p.message) for p in report.problems] == [
        (2, "jumlah “12,5” bukan bilangan bulat 0 atau lebih"),
        (3, "jumlah “12.5” bukan bilangan bulat 0 atau lebih"),
    ]
    assert PmiCount.objects.get(region_id="36.03.07.2001", destination_country="SA").total == 1250


def test_a_file_over_the_limit_is_refused_by_its_size_unread_and_the_source_kept(
    personas, monkeypatch
):
    # given: a CSV of 6 MB (the limit is 5 MB), which must not be read
    def refuse(self, *args):  # type: ignore[no-untyped-def]
        raise AssertionError("an upload over the limit was read into memory")

    monkeypatch.setattr(TemporaryUploadedFile, "read", refuse, raising=False)
    big = b"kode_desa,tahun,jumlah\n" + b"36.03.07.2001,2025,1\n" * (6 * 1024 * 1024 // 20)
    client = verified_client(personas.analis_imigrasi)
    # when
    response = client.post(
        reverse("villages:pmi_import"), {"source": "Sumber Uji", "file": upload("pmi.csv", big)}
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Berkas terlalu besar: paling besar 5 MB." in html
    assert 'value="Sumber Uji"' in html
    assert not PmiCount.objects.exists()
