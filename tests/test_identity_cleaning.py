"""The one cleaner of identity values: each value as written at a counter or in a file, its
clean form or its message (Bahasa Indonesia, English when English is active)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation

from benteng import identity_cleaning as cleaning
from benteng.problems import FieldProblems, Problems

TODAY = datetime.date(2026, 12, 7)


def _id(value: object) -> str:
    """A test id the same in every worker process (a function by its name)."""
    return str(getattr(value, "__name__", value))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("17-08-1990", datetime.date(1990, 8, 17)),
        ("17/08/1990", datetime.date(1990, 8, 17)),
        ("17.08.1990", datetime.date(1990, 8, 17)),
        ("1990-08-17", datetime.date(1990, 8, 17)),
        ("7 Desember 2026", datetime.date(2026, 12, 7)),
        ("7 des 2026", datetime.date(2026, 12, 7)),
        ("17 Agustus 1990", datetime.date(1990, 8, 17)),
        ("1 Mei 2000", datetime.date(2000, 5, 1)),
        (datetime.datetime(1990, 8, 17, 10, 0, tzinfo=datetime.UTC), datetime.date(1990, 8, 17)),
        ("", None),
    ],
    ids=_id,
)
def test_dates_in_indonesian_formats(written, expected) -> None:  # type: ignore[no-untyped-def]
    assert cleaning.date_parse(written, label="Tanggal lahir") == (expected, None)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("31-02-1996", "“31-02-1996” tidak ada di kalender"),
        ("14/08/96x", "harus ditulis HH-BB-TTTT"),
        ("7 Desembre 2026", "harus ditulis HH-BB-TTTT"),
    ],
    ids=_id,
)
def test_dates_that_cannot_be_read_say_why(written, message) -> None:  # type: ignore[no-untyped-def]
    parsed, problem = cleaning.date_parse(written, label="Tanggal lahir")
    assert parsed is None
    assert problem is not None and message in problem
    assert problem.startswith("Tanggal lahir")


def test_a_birth_date_in_the_future_or_before_1900_is_not_possible() -> None:
    future = cleaning.birth_date_problem(
        datetime.date(2027, 1, 1), label="Tanggal lahir", today=TODAY
    )
    assert future == "Tanggal lahir ada di masa depan."
    old = cleaning.birth_date_problem(datetime.date(1899, 1, 1), label="Tanggal lahir", today=TODAY)
    assert old == "Tanggal lahir sebelum tahun 1900 tidak mungkin."
    assert cleaning.birth_date_problem(TODAY, label="Tanggal lahir", today=TODAY) is None


@pytest.mark.parametrize(
    ("cleaner", "written", "expected"),
    [
        (cleaning.sex_clean, "perempuan", "P"),
        (cleaning.sex_clean, "L", "L"),
        (cleaning.passport_no_clean, " c 1234567 ", "C1234567"),
        (cleaning.flight_number_clean, "ga 840", "GA840"),
        (cleaning.flight_number_clean, "8B-123A", "8B123A"),
        (cleaning.sex_clean, "", ""),
    ],
    ids=_id,
)
def test_values_are_written_one_way(cleaner, written, expected) -> None:  # type: ignore[no-untyped-def]
    assert cleaner(written) == (expected, None)


@pytest.mark.parametrize(
    ("cleaner", "written", "message"),
    [
        (cleaning.sex_clean, "X", "Jenis kelamin harus L (laki-laki) atau P (perempuan)"),
        (cleaning.passport_no_clean, "C-12", "Nomor paspor “C-12” tidak sah"),
        (cleaning.flight_number_clean, "GA", "Nomor penerbangan “GA” tidak sah"),
    ],
    ids=_id,
)
def test_bad_values_have_an_indonesian_message(cleaner, written, message) -> None:  # type: ignore[no-untyped-def]
    value, problem = cleaner(written)
    assert value == ""
    assert problem is not None and message in problem


def test_a_phone_number_is_normalised_or_named_by_its_label() -> None:
    assert cleaning.phone_clean("0812-3456-7890", label="Telepon sponsor") == (
        "6281234567890",
        None,
    )
    _phone, problem = cleaning.phone_clean("12345", label="Telepon sponsor")
    assert problem is not None and problem.startswith("Telepon sponsor “12345” bukan nomor")


def test_a_nik_that_cannot_be_read_gives_the_core_s_problems() -> None:
    assert cleaning.nik_clean("3603075408960007", today=TODAY) == ("3603075408960007", [])
    nik, problems = cleaning.nik_clean("abc", today=TODAY)
    assert nik == "" and problems


@pytest.mark.parametrize(
    ("written", "expected"),
    [("ya", True), ("Tidak", False), (True, True), ("0", False), ("", None), (None, None)],
    ids=_id,
)
def test_yes_and_no_words(written, expected) -> None:  # type: ignore[no-untyped-def]
    assert cleaning.yes_no_parse(written, label="Tiket pulang") == (expected, None)


def test_messages_are_english_when_english_is_active() -> None:
    with translation.override("en"):
        _value, problem = cleaning.yes_no_parse("mungkin", label="Return ticket")
        _date, date_problem = cleaning.date_parse("31-02-1996", label="Date of birth")
    assert problem == "Return ticket must be yes or no (“mungkin” given)."
    assert date_problem is not None and "is not a calendar date" in date_problem


def test_text_collapses_spaces_and_reads_workbook_values() -> None:
    assert cleaning.text_of("  Siti   Nurhaliza ") == "Siti Nurhaliza"
    assert cleaning.text_of(3603075408960007.0) == "3603075408960007"
    assert cleaning.text_of(datetime.date(1990, 8, 17)) == "1990-08-17"
    assert cleaning.text_of(None) == ""


# --- a person's whole identity (a case's person, a referral's subject) ---------------------

# A woman born 14-08-1990 in Kronjo (36.03.07), serial 0003.
KRONJO_NIK = "3603075408900003"


class _Invalid(Exception):
    def __init__(self, errors: FieldProblems) -> None:
        super().__init__(errors)
        self.errors = errors


def _clean(raw: dict[str, str], *, prefix: str = "") -> tuple[dict[str, Any], FieldProblems]:
    problems = Problems(_Invalid)
    values = cleaning.person_identity_clean(raw, problems, today=TODAY, prefix=prefix)
    return values, problems.by_field


@pytest.mark.django_db
def test_a_blank_birth_date_and_sex_come_from_the_nik_and_the_region_from_its_kecamatan() -> None:
    values, problems = _clean({"full_name": " Siti  Rohmah ", "nik": KRONJO_NIK})

    assert problems == {}
    assert values["full_name"] == "Siti Rohmah"
    assert (values["birth_date"], values["sex"]) == (datetime.date(1990, 8, 14), "P")
    assert values["region"].code == "36.03.07"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"nik": "3603075408900000"}, "nik", "0000"),  # readable, but serial 0000
        ({"nik": "9903075408900003"}, "nik", "99"),  # readable, but no such province
        ({"nik": KRONJO_NIK, "birth_date": "15-08-1990"}, "nik", "berbeda"),
        ({"nik": KRONJO_NIK, "sex": "L"}, "nik", "kelamin"),
        ({"birth_place": "x" * 101}, "birth_place", "paling panjang 100"),
        ({"address": "x" * 301}, "address", "paling panjang 300"),
        ({"desa_code": "99.99"}, "desa_code", "tidak dikenal"),
        ({"full_name": ""}, "full_name", "wajib diisi"),
    ],
    ids=[
        "serial-0000",
        "unknown-province",
        "birth-date",
        "sex",
        "birth-place",
        "address",
        "desa",
        "name",
    ],
)
def test_a_person_s_identity_is_refused_by_field_the_stricter_way(
    raw: dict[str, str], field: str, message: str
) -> None:
    _values, problems = _clean({"full_name": "Siti Rohmah", **raw}, prefix="subjects.0.")

    assert list(problems) == [f"subjects.0.{field}"]
    assert message in " ".join(problems[f"subjects.0.{field}"])
