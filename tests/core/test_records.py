"""Reading identity CSV files: every error path, with spreadsheet row numbers."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from benteng.core.records import (
    CsvFormatError,
    IdentityRecord,
    RowProblem,
    normalize_passport_no,
    normalize_sex,
    read_identity_csv,
)

TODAY = datetime.date(2026, 11, 27)
VALID_NIK = "3603054708950001"  # Kab. Tangerang, kec. 05, woman born 07-08-1995


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode(encoding))
    return path


def read(tmp_path: Path, text: str) -> tuple[list[IdentityRecord], list[RowProblem]]:
    return read_identity_csv(write(tmp_path, text), today=TODAY)


def test_reads_all_columns_and_normalises_values(tmp_path: Path) -> None:
    # given
    text = (
        "id,name,birth_date,sex,nik,birth_place,passport_no,address,phone,notes\n"
        f"p1,  Siti   Aminah ,1995-08-07,p,{VALID_NIK},Tangerang,c 1234567,"
        "Jl. Melati 3,0812-3456-7890,ignored\n"
    )
    # when
    records, problems = read(tmp_path, text)
    # then
    assert problems == []
    assert records == [
        IdentityRecord(
            id="p1",
            name="Siti Aminah",
            birth_date=datetime.date(1995, 8, 7),
            sex="P",
            nik=VALID_NIK,
            birth_place="Tangerang",
            passport_no="C1234567",
            address="Jl. Melati 3",
            phone="6281234567890",
        )
    ]


def test_only_id_and_name_are_required(tmp_path: Path) -> None:
    records, problems = read(tmp_path, "ID, Name \np1,Budi\n")
    assert problems == []
    assert records == [IdentityRecord(id="p1", name="Budi")]


def test_utf8_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name\np1,Dédé\n", encoding="utf-8-sig")
    records, _ = read_identity_csv(path, today=TODAY)
    assert [record.name for record in records] == ["Dédé"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "no_header", id="empty-file"),
        pytest.param("\np1,Budi\n", "no_header", id="blank-first-row"),
        pytest.param("id,nama\np1,Budi\n", "missing_column", id="name-missing"),
        pytest.param("name\nBudi\n", "missing_column", id="id-missing"),
        pytest.param("id,name,Name\np1,Budi,Budi\n", "duplicate_column", id="duplicate-column"),
    ],
)
def test_file_level_errors_stop_with_a_clear_message(tmp_path: Path, text: str, code: str) -> None:
    with pytest.raises(CsvFormatError) as caught:
        read(tmp_path, text)
    assert caught.value.code == code
    assert "people.csv" in str(caught.value)
    assert caught.value.message_en


def test_missing_column_message_names_the_column_and_what_was_found(tmp_path: Path) -> None:
    with pytest.raises(CsvFormatError) as caught:
        read(tmp_path, "id,nama\np1,Budi\n")
    assert "name" in caught.value.message_en
    assert "Columns found: id, nama" in caught.value.message_en


def test_not_utf8_is_a_format_error(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name\np1,Dédé\n", encoding="latin-1")
    with pytest.raises(CsvFormatError) as caught:
        read_identity_csv(path, today=TODAY)
    assert caught.value.code == "not_utf8"
    assert "UTF-8" in str(caught.value)


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(CsvFormatError) as caught:
        read_identity_csv(tmp_path / "absent.csv", today=TODAY)
    assert caught.value.code == "file_not_found"


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        pytest.param("birth_date", "17-08-1995", "birth_date_format", id="date-wrong-format"),
        pytest.param("birth_date", "1995-02-30", "birth_date_impossible", id="date-impossible"),
        pytest.param("birth_date", "2030-01-01", "birth_date_in_future", id="date-future"),
        pytest.param("sex", "X", "sex_invalid", id="sex"),
        pytest.param("nik", "12345", "nik_wrong_length", id="nik-short"),
        pytest.param("nik", "3603054708950000", "nik_invalid_serial", id="nik-serial"),
        pytest.param("nik", "3.60305E+15", "nik_scientific_notation", id="nik-excel"),
        pytest.param("passport_no", "C12", "passport_no_invalid", id="passport"),
        pytest.param("phone", "12345", "phone_invalid", id="phone"),
    ],
)
def test_bad_value_is_reported_and_treated_as_missing(
    tmp_path: Path, column: str, value: str, code: str
) -> None:
    # given
    text = f"id,name,{column}\np1,Budi,ok-row-placeholder\np2,Ani,{value}\n"
    text = text.replace("ok-row-placeholder", "")
    # when
    records, problems = read(tmp_path, text)
    # then
    assert [record.id for record in records] == ["p1", "p2"]
    assert getattr(records[1], column) is None
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.row_number, problem.column, problem.value, problem.code) == (
        3,
        column,
        value,
        code,
    )
    assert problem.message.endswith("Nilai diabaikan.")
    assert problem.message_en.endswith("The value is ignored.")


@pytest.mark.parametrize(
    ("row", "column"),
    [
        pytest.param(",Budi", "id", id="empty-id"),
        pytest.param("p2,  ", "name", id="blank-name"),
        pytest.param("p2", "name", id="short-row"),
    ],
)
def test_row_without_id_or_name_is_reported_and_skipped(
    tmp_path: Path, row: str, column: str
) -> None:
    records, problems = read(tmp_path, f"id,name\np1,Ani\n{row}\np3,Citra\n")
    assert [record.id for record in records] == ["p1", "p3"]
    assert [(p.row_number, p.column, p.code) for p in problems] == [(3, column, f"{column}_empty")]


def test_duplicate_id_is_reported_with_the_first_row(tmp_path: Path) -> None:
    records, problems = read(tmp_path, "id,name\np1,Ani\np2,Budi\np1,Citra\n")
    assert [record.name for record in records] == ["Ani", "Budi"]
    assert [(p.row_number, p.column, p.value, p.code) for p in problems] == [
        (4, "id", "p1", "id_duplicate")
    ]
    assert "baris 2" in problems[0].message


def test_row_numbers_follow_the_spreadsheet(tmp_path: Path) -> None:
    # given: a blank line (a spreadsheet row) and a quoted cell spanning two lines (one row)
    text = 'id,name,address\np1,Ani,"Jl. Mawar\nRT 01"\n\np2,Budi,\np3,Citra,\n,Dodi,\n'
    # when
    records, problems = read(tmp_path, text)
    # then
    assert [record.id for record in records] == ["p1", "p2", "p3"]
    assert records[0].address == "Jl. Mawar RT 01"
    assert [(p.row_number, p.column) for p in problems] == [(6, "id")]


def test_all_empty_rows_are_ignored(tmp_path: Path) -> None:
    records, problems = read(tmp_path, "id,name\np1,Ani\n,\n ,  \n")
    assert [record.id for record in records] == ["p1"]
    assert problems == []


def test_extra_cells_are_reported_and_the_row_kept(tmp_path: Path) -> None:
    records, problems = read(tmp_path, "id,name\np1,Ani,surplus\n")
    assert [record.id for record in records] == ["p1"]
    assert [(p.row_number, p.code, p.value) for p in problems] == [(2, "extra_cells", "surplus")]


def test_several_problems_in_one_row_are_all_reported(tmp_path: Path) -> None:
    text = "id,name,birth_date,sex,phone\np1,Ani,1995-13-01,Z,abc\n"
    records, problems = read(tmp_path, text)
    assert records == [IdentityRecord(id="p1", name="Ani")]
    assert [p.column for p in problems] == ["birth_date", "sex", "phone"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("L", "L"), ("p", "P"), (" Laki-laki ", "L"), ("Perempuan", "P"), ("F", "P"), ("?", None)],
)
def test_normalize_sex(value: str, expected: str | None) -> None:
    assert normalize_sex(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("c 1234567", "C1234567"), ("X-123-4567", "X1234567"), ("AB", None), ("A12345$", None)],
)
def test_normalize_passport_no(value: str, expected: str | None) -> None:
    assert normalize_passport_no(value) == expected


def test_header_only_file_gives_nothing_and_no_problem(tmp_path: Path) -> None:
    assert read(tmp_path, "id,name,nik\n") == ([], [])


def test_nik_with_region_unknown_in_banten_is_reported_in_indonesian(tmp_path: Path) -> None:
    records, problems = read(tmp_path, "id,name,nik\np1,Ani,3603994708950001\n")
    assert records[0].nik is None
    assert problems[0].code == "nik_unknown_district"
    assert "tidak ada di Kabupaten Tangerang" in problems[0].message
