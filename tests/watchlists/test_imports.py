"""Importing entries from CSV and XLSX files (built here with real bytes and openpyxl) and
exporting a list: every bad row is reported by number, column and reason; nothing else lost."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from benteng.audit.models import AuditAction, AuditEntry
from benteng.watchlists.imports import (
    watchlist_export,
    watchlist_import_apply,
    watchlist_import_preview,
    watchlist_import_template,
)
from benteng.watchlists.models import EntrySource, Watchlist, WatchlistEntry
from tests.watchlists.conftest import (
    CALO,
    NIK_MAN,
    NIK_WOMAN,
    list_of_the_same_kind,
    make_entry,
    viewer_of,
)

pytestmark = pytest.mark.django_db

HEADER = ["nama", "nik", "tanggal_lahir", "jenis_kelamin", "telepon", "nomor_paspor", "kategori"]
GOOD_ROWS = [
    ["Siti Rahmawati", NIK_WOMAN, "14-08-1990", "P", "0812-3456-7890", "C1234567", CALO],
    ["Ujang Suryana", NIK_MAN, "1985-01-02", "L", "", "", CALO],
    ["Dedi Kurniawan", "", "", "", "+62 857 1111 2222", "", "Penampung calon PMI"],
]
BAD_ROWS = [
    ["Rina Marlina", "36030754089", "14-08-1990", "P", "", "", CALO],  # NIK too short
    ["Asep Saepudin", "", "31-02-1990", "L", "", "X#1", CALO],  # date and passport
    ["", "", "", "", "", "", ""],  # blank: skipped and counted
    ["", "", "", "", "0812-0000-1111", "", CALO],  # no name for a person
]


def _csv(rows: list[list[str]], *, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(header: list[object], rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problems(preview):  # type: ignore[no-untyped-def]
    return [(problem.row_number, problem.column, problem.message) for problem in preview.problems]


# --- preview -----------------------------------------------------------------------------


def test_a_csv_preview_reports_each_bad_row_and_writes_nothing(personas, police_list):
    # when
    preview = watchlist_import_preview(
        watchlist=police_list, filename="calo.csv", content=_csv(GOOD_ROWS + BAD_ROWS)
    )
    # then
    assert not WatchlistEntry.objects.exists()
    assert [row.row_number for row in preview.valid_rows] == [2, 3, 4]
    problems = _problems(preview)
    assert (5, "nik", "NIK harus 16 digit angka; yang tertulis 11 digit.") in problems
    assert any(
        row == 6 and column == "tanggal_lahir" and "tidak ada di kalender" in message
        for row, column, message in problems
    )
    assert any(
        row == 6 and column == "nomor_paspor" and "tidak sah" in message
        for row, column, message in problems
    )
    assert (8, "nama", "Nama lengkap wajib diisi.") in problems
    assert preview.blank_rows == [7]
    assert preview.invalid_count == 3
    assert preview.row_count == 6
    assert preview.can_import


def test_a_semicolon_csv_with_a_byte_order_mark_is_read(personas, police_list):
    content = "\ufeff".encode() + _csv(GOOD_ROWS, delimiter=";")
    preview = watchlist_import_preview(watchlist=police_list, filename="x.CSV", content=content)
    assert len(preview.valid_rows) == 3
    assert preview.problems == []


def test_a_file_without_a_name_column_is_refused_as_a_whole(personas, police_list):
    content = b"nik,kategori\n3603075408900003,Calo\n"
    preview = watchlist_import_preview(watchlist=police_list, filename="x.csv", content=content)
    assert not preview.can_import
    assert "kolom “nama”" in preview.file_problems[0]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("data.txt", b"nama\nA\n", "unggah berkas .csv atau .xlsx"),
        ("data.xlsx", b"not a zip", "tidak dapat dibuka"),
        ("data.csv", b"", "Berkas kosong."),
    ],
    ids=["extension", "broken-xlsx", "empty"],
)
def test_unreadable_files_say_why(personas, police_list, filename, content, message):
    preview = watchlist_import_preview(watchlist=police_list, filename=filename, content=content)
    assert not preview.can_import
    assert message in " ".join(preview.file_problems)


def test_unknown_columns_are_named_not_silently_dropped(personas, police_list):
    content = b"No,nama,kategori,hobi\n1,Siti Aminah,Penampung calon PMI,memancing\n"
    preview = watchlist_import_preview(watchlist=police_list, filename="x.csv", content=content)
    assert preview.ignored_columns == ["No", "hobi"]
    assert len(preview.valid_rows) == 1


def test_duplicates_in_the_list_and_in_the_file_are_reported(personas, police_list):
    # given
    existing = make_entry(personas.analis_polri, police_list)
    rows = [
        ["Siti R.", NIK_WOMAN, "", "", "", "", CALO],
        ["Ujang", NIK_MAN, "", "", "", "", CALO],
        ["Ujang S.", NIK_MAN, "", "", "", "", CALO],
    ]
    # when
    preview = watchlist_import_preview(watchlist=police_list, filename="x.csv", content=_csv(rows))
    # then
    problems = _problems(preview)
    assert (
        2,
        "nik",
        f"Sudah ada di daftar ini sebagai entri #{existing.pk} yang masih berlaku.",
    ) in (problems)
    assert (4, "nik", "Sama dengan baris 3 di berkas ini.") in problems
    assert [row.row_number for row in preview.valid_rows] == [3]


def test_an_xlsx_with_typed_cells_and_blank_rows_keeps_spreadsheet_row_numbers(
    personas, police_list
):
    # given: numbers and dates as Excel stores them, a blank row, then bad values
    excel_date = datetime.datetime(1990, 8, 14)  # noqa: DTZ001 - Excel cells carry no zone
    rows: list[list[object]] = [
        ["Siti Rahmawati", int(NIK_WOMAN), excel_date, "P", 81234567890, CALO],
        [None, None, None, None, None, None],
        ["Ujang Suryana", 3.60307e15, None, "L", None, CALO],  # a NIK Excel turned into a float
        ["Asep", None, "1990-13-01", "laki-laki", None, None],
    ]
    header = ["Nama", "NIK", "Tanggal Lahir", "Jenis Kelamin", "Telepon", "Kategori"]
    content = _xlsx(header, rows)
    # when
    preview = watchlist_import_preview(watchlist=police_list, filename="a.xlsx", content=content)
    # then
    assert [row.row_number for row in preview.valid_rows] == [2]
    values = preview.valid_rows[0].values
    assert values["nik"] == NIK_WOMAN
    assert values["birth_date"] == datetime.date(1990, 8, 14)
    assert values["phone"] == "6281234567890"
    assert preview.blank_rows == [3]
    problems = _problems(preview)
    assert any(row == 4 and column == "NIK" for row, column, _message in problems)
    assert any(
        row == 5 and column == "Tanggal Lahir" and "tidak ada di kalender" in message
        for row, column, message in problems
    )
    assert (5, "Kategori", "Kategori alasan wajib diisi.") in problems


# --- apply -------------------------------------------------------------------------------


def test_confirming_writes_the_valid_rows_with_one_audit_entry(personas, police_list):
    # when
    result = watchlist_import_apply(
        viewer=viewer_of(personas.analis_polri),
        watchlist=police_list,
        filename="calo.csv",
        content=_csv(GOOD_ROWS + BAD_ROWS),
    )
    # then
    entries = list(WatchlistEntry.objects.order_by("pk"))
    assert [entry.full_name for entry in entries] == [
        "Siti Rahmawati",
        "Ujang Suryana",
        "Dedi Kurniawan",
    ]
    assert {entry.source for entry in entries} == {EntrySource.IMPORT}
    assert [entry.source_reference for entry in entries] == [
        "calo.csv:2",
        "calo.csv:3",
        "calo.csv:4",
    ]
    assert all(entry.created_by == personas.analis_polri for entry in entries)
    assert entries[0].instruction == police_list.default_instruction
    assert result.preview.invalid_count == 3
    audit = AuditEntry.objects.get(
        action=AuditAction.CREATE, object_type="watchlists.watchlistentry"
    )
    assert sorted(audit.object_ids) == sorted(str(entry.pk) for entry in entries)
    assert audit.actor_id == personas.analis_polri.pk


def test_imported_entries_reach_the_index_on_commit(
    personas, police_list, recording_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = watchlist_import_apply(
            viewer=viewer_of(personas.penyidik),
            watchlist=police_list,
            filename="calo.csv",
            content=_csv(GOOD_ROWS),
        )
    assert [pk for pk, _in_force in recording_index.indexed] == [e.pk for e in result.entries]


def test_only_keepers_import(personas, police_list):
    from benteng.watchlists.services import WatchlistWriteRefused

    with pytest.raises(WatchlistWriteRefused):
        watchlist_import_apply(
            viewer=viewer_of(personas.analis_imigrasi),
            watchlist=police_list,
            filename="calo.csv",
            content=_csv(GOOD_ROWS),
        )
    assert not WatchlistEntry.objects.exists()


# --- export ------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_is_audited_and_imports_into_another_list_of_its_kind(
    personas, police_list, file_format
):
    # given
    keeper = viewer_of(personas.analis_polri)
    entries = [
        make_entry(personas.analis_polri, police_list),
        make_entry(
            personas.analis_polri,
            police_list,
            nik=NIK_MAN,
            birth_date="",
            sex="",
            passport_no="",
            phone="",
        ),
    ]
    # when
    data = watchlist_export(
        viewer=keeper,
        watchlist=police_list,
        file_format=file_format,
        entries=WatchlistEntry.objects.order_by("pk"),
    )
    preview = watchlist_import_preview(
        watchlist=list_of_the_same_kind(police_list),
        filename=f"ekspor.{file_format}",
        content=data,
    )
    # then
    audit = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert sorted(audit.object_ids) == sorted(str(entry.pk) for entry in entries)
    assert audit.detail == {"watchlist": police_list.code, "format": file_format}
    assert preview.problems == []
    assert preview.ignored_columns == []
    assert [row.values["nik"] for row in preview.valid_rows] == [NIK_WOMAN, NIK_MAN]
    assert preview.valid_rows[0].values["internal_notes"] == entries[0].internal_notes
    assert preview.valid_rows[0].values["birth_date"] == datetime.date(1990, 8, 14)
    # A list of another kind has other categories: each row says so.
    sponsors = Watchlist.objects.get(code="polri-sponsor")
    elsewhere = watchlist_import_preview(
        watchlist=sponsors, filename=f"ekspor.{file_format}", content=data
    )
    assert {(problem.row_number, problem.column) for problem in elsewhere.problems} == {
        (2, "kategori"),
        (3, "kategori"),
    }


def test_the_template_has_the_import_columns(personas, police_list):
    content = watchlist_import_template(file_format="csv")
    preview = watchlist_import_preview(watchlist=police_list, filename="t.csv", content=content)
    assert preview.file_problems == []
    assert preview.ignored_columns == []
    assert preview.row_count == 0


# --- files that would keep the server busy -------------------------------------------------


def _without_dimension(content: bytes) -> bytes:
    """The same workbook with the sheet's <dimension> element removed (some tools omit it)."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            target.writestr(item, data)
    return output.getvalue()


def test_a_sheet_of_absurd_width_is_refused_before_its_rows_are_read(personas, police_list):
    # given: a few rows whose cells reach column 1,000 (the dimension says A1:ALL4)
    rows = [[*row, *([None] * 992), "x"] for row in GOOD_ROWS]
    content = _xlsx(HEADER, rows)
    # when
    preview = watchlist_import_preview(
        watchlist=police_list, filename="lebar.xlsx", content=content
    )
    # then
    assert not preview.can_import
    assert preview.valid_rows == []
    assert "di luar kolom ke-200" in " ".join(preview.file_problems)


def test_a_sheet_hiding_its_width_is_refused_too(personas, police_list):
    # given: cells in column 900 of a sheet that states no dimension
    rows = [[*row, *([None] * 892), "sampah"] for row in GOOD_ROWS]
    content = _without_dimension(_xlsx(HEADER, rows))
    # when
    preview = watchlist_import_preview(watchlist=police_list, filename="x.xlsx", content=content)
    # then
    assert not preview.can_import
    assert "di luar kolom ke-200" in " ".join(preview.file_problems)


def test_a_sheet_of_absurd_length_is_refused_by_its_dimension(personas, police_list):
    # given: a sheet that says it reaches row 200,000 (one far cell)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(GOOD_ROWS[0])
    sheet.cell(row=200_000, column=1, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when
    preview = watchlist_import_preview(
        watchlist=police_list, filename="panjang.xlsx", content=buffer.getvalue()
    )
    # then
    assert not preview.can_import
    assert "baris 200000" in " ".join(preview.file_problems)


def test_a_sheet_without_dimension_is_read_only_up_to_its_last_mapped_column(
    personas, police_list, monkeypatch
):
    # given: valid rows that also carry a value in column 150, in a sheet without dimension
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    rows = [[*row, *([None] * 142), "sampah"] for row in GOOD_ROWS]
    content = _without_dimension(_xlsx(HEADER, rows))
    reads: list[dict[str, object]] = []
    original = ReadOnlyWorksheet.iter_rows

    def recording_iter_rows(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", recording_iter_rows)
    # when
    preview = watchlist_import_preview(watchlist=police_list, filename="x.xlsx", content=content)
    # then: every row is read; the data rows never beyond the last column with a known header
    assert [row.row_number for row in preview.valid_rows] == [2, 3, 4]
    data_reads = [read for read in reads if read.get("min_row") != 1]
    assert data_reads
    assert all(read.get("max_col") == len(HEADER) for read in data_reads)


def test_a_csv_with_hundreds_of_columns_is_refused(personas, police_list):
    header = ",".join(["nama", *[f"kolom{number}" for number in range(300)]])
    content = f"{header}\nSiti Aminah\n".encode()
    preview = watchlist_import_preview(watchlist=police_list, filename="x.csv", content=content)
    assert not preview.can_import
    assert "301 kolom" in " ".join(preview.file_problems)


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused(
    personas, police_list, monkeypatch
):
    # given: the limit on the unpacked size set low enough for a small workbook to exceed it
    from benteng import spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1_000)
    content = _xlsx(HEADER, GOOD_ROWS * 20)
    # when
    preview = watchlist_import_preview(watchlist=police_list, filename="x.xlsx", content=content)
    # then
    assert not preview.can_import
    assert "terlalu besar setelah dibuka" in " ".join(preview.file_problems)


# --- formulas in exports ---------------------------------------------------------------------

FORMULA_VALUES = {
    "legal_basis": '=HYPERLINK("http://contoh.test/x","Klik")',
    "contact": "@SUM(1+1)*cmd|' /C calc'!A0",
    "instruction": "+62 hubungi segera",
    "internal_notes": "-2+3+cmd|' /C calc'!A0",
    "address": "\t=1+1",
}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exported_values_never_start_a_formula_and_import_back_unchanged(
    personas, police_list, file_format, settings
):
    # given: free text that a spreadsheet would run as a formula
    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
    entry = make_entry(personas.analis_polri, police_list, **FORMULA_VALUES)
    for name, value in FORMULA_VALUES.items():
        assert getattr(entry, name) == value.strip() or getattr(entry, name) == value, name
    stored = {name: getattr(entry, name) for name in FORMULA_VALUES}
    # when
    data = watchlist_export(
        viewer=viewer_of(personas.analis_polri),
        watchlist=police_list,
        file_format=file_format,
        entries=[entry],
    )
    # then: no cell starts like a formula, and no XLSX cell is a formula
    if file_format == "csv":
        cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "None" not in cells
    # and importing the file again gives back the values as stored
    preview = watchlist_import_preview(
        watchlist=list_of_the_same_kind(police_list),
        filename=f"ekspor.{file_format}",
        content=data,
    )
    assert preview.problems == []
    [row] = preview.valid_rows
    for name, value in stored.items():
        assert row.values[name] == value, name


# --- confirming a pending import ---------------------------------------------------------------


def test_a_pending_import_is_taken_once_even_when_two_confirmations_race(
    personas, police_list, monkeypatch
):
    # given: an uploaded file waiting for confirmation
    from benteng.watchlists.imports import pending_import_store, pending_import_take
    from benteng.watchlists.models import PendingImport

    keeper = viewer_of(personas.analis_polri)
    token = pending_import_store(
        viewer=keeper, watchlist=police_list, filename="calo.csv", content=_csv(GOOD_ROWS)
    )
    # when: another request confirms the same file right after this one found it
    queryset_class = type(PendingImport.objects.all())
    original_first = queryset_class.first

    def first_then_taken_by_the_other_request(self):  # type: ignore[no-untyped-def]
        found = original_first(self)
        if isinstance(found, PendingImport):
            PendingImport.objects.filter(pk=found.pk).delete()
        return found

    monkeypatch.setattr(queryset_class, "first", first_then_taken_by_the_other_request)
    taken = pending_import_take(viewer=keeper, watchlist=police_list, token=token)
    # then: this request gets nothing, so the rows are not written twice
    assert taken is None


def test_a_pending_import_is_taken_by_its_uploader_once(personas, police_list):
    from benteng.watchlists.imports import pending_import_store, pending_import_take

    keeper = viewer_of(personas.analis_polri)
    content = _csv(GOOD_ROWS)
    token = pending_import_store(
        viewer=keeper, watchlist=police_list, filename="calo.csv", content=content
    )
    other = viewer_of(personas.penyidik)
    assert pending_import_take(viewer=other, watchlist=police_list, token=token) is None
    assert pending_import_take(viewer=keeper, watchlist=police_list, token=token) == (
        "calo.csv",
        content,
    )
    assert pending_import_take(viewer=keeper, watchlist=police_list, token=token) is None


def test_rows_with_only_a_name_and_birth_date_are_checked_for_duplicates(personas, police_list):
    # given: an entry without NIK or passport in the list
    existing = make_entry(
        personas.analis_polri,
        police_list,
        full_name="Dedi Kurniawan",
        nik="",
        passport_no="",
        phone="",
        birth_date="02-03-1980",
        sex="L",
    )
    rows = [
        ["dedi  KURNIAWAN", "", "1980-03-02", "L", "", "", CALO],  # the same person
        ["Dedi Kurniawan", "", "1981-03-02", "L", "", "", CALO],  # another birth date
        ["Yayan Sofyan", "", "", "L", "", "", CALO],
        ["YAYAN SOFYAN", "", "", "L", "", "", CALO],  # the row above again
    ]
    # when
    preview = watchlist_import_preview(watchlist=police_list, filename="x.csv", content=_csv(rows))
    # then
    problems = _problems(preview)
    assert (
        2,
        "nama",
        f"Sudah ada di daftar ini sebagai entri #{existing.pk} yang masih berlaku.",
    ) in problems
    assert (5, "nama", "Sama dengan baris 4 di berkas ini.") in problems
    assert [row.row_number for row in preview.valid_rows] == [3, 4]
