"""Files an attacker or a broken program would upload: a malformed workbook is reported in
Indonesian (never a 500), nothing is saved by halves, and a huge cell is not echoed whole."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import openpyxl
import pytest

from benteng.watchlists.imports import SHOWN_VALUE_CHARS, watchlist_import_preview
from benteng.watchlists.models import PendingImport, WatchlistEntry
from tests.conftest import verified_client
from tests.watchlists.conftest import CALO

pytestmark = pytest.mark.django_db

UNREADABLE = "Berkas XLSX tidak dapat dibaca"


def _workbook(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["nama", "kategori"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewritten(content: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one zip member changed (what a broken program might write)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == part else data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
GOOD = [["Siti Rahmawati", "Perekrut lapangan (calo)"], ["Ujang Suryana", "Penampung calon PMI"]]


def _truncated_xml(content: bytes) -> bytes:
    # The third row is cut off in the middle of a cell: the XML no longer parses (ParseError,
    # raised only when openpyxl reaches it, after the first rows were read).
    return _rewritten(
        content, SHEET, lambda data: data.replace(b"</sheetData>", b'<row r="4"><c r="A4"')
    )


def _missing_shared_string(content: bytes) -> bytes:
    # A cell pointing at shared string 99 of a workbook that has none (IndexError).
    return _rewritten(
        content,
        SHEET,
        lambda data: data.replace(
            b"</sheetData>", b'<row r="4"><c r="A4" t="s"><v>99</v></c></row></sheetData>'
        ),
    )


@pytest.mark.parametrize(
    "broken", [_truncated_xml, _missing_shared_string], ids=["parse-error", "index-error"]
)
def test_a_malformed_workbook_is_reported_as_a_whole(personas, police_list, broken):
    content = broken(_workbook(GOOD))
    preview = watchlist_import_preview(
        watchlist=police_list, filename="daftar.xlsx", content=content
    )
    assert not preview.can_import
    assert UNREADABLE in " ".join(preview.file_problems)
    # Rows read before the damage are not offered for import: nothing by halves.
    assert preview.valid_rows == []


@pytest.mark.parametrize(
    "broken", [_truncated_xml, _missing_shared_string], ids=["parse-error", "index-error"]
)
def test_uploading_a_malformed_workbook_gets_the_message_and_saves_nothing(
    personas, police_list, broken
):
    upload = io.BytesIO(broken(_workbook(GOOD)))
    upload.name = "daftar.xlsx"
    client = verified_client(personas.analis_polri)
    response = client.post(f"/daftar-pantauan/{police_list.code}/impor/", {"file": upload})
    assert response.status_code == 200
    assert UNREADABLE in response.content.decode()
    assert 'name="token"' not in response.content.decode()
    assert not PendingImport.objects.exists()
    assert not WatchlistEntry.objects.exists()


def test_a_huge_cell_is_reported_without_being_echoed_whole(personas, police_list):
    # A 2 MB name compresses to a few KB in the workbook; the report shows its beginning.
    huge = "A" * (2 * 1024 * 1024)
    upload = io.BytesIO(_workbook([[huge, CALO], ["Siti Rahmawati", CALO]]))
    upload.name = "daftar.xlsx"
    client = verified_client(personas.analis_polri)
    response = client.post(f"/daftar-pantauan/{police_list.code}/impor/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert len(page) < 100_000
    assert "A" * SHOWN_VALUE_CHARS in page
    assert "A" * (SHOWN_VALUE_CHARS + 1) not in page
    assert "Siti Rahmawati" in page


def test_a_huge_unknown_column_title_is_not_echoed_whole(personas, police_list):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["nama", "kategori", "B" * 100_000])
    sheet.append(["Siti Rahmawati", CALO, "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = watchlist_import_preview(
        watchlist=police_list, filename="daftar.xlsx", content=buffer.getvalue()
    )
    assert [len(title) for title in preview.ignored_columns] == [SHOWN_VALUE_CHARS + 1]
