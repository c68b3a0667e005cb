"""NIK rules: format, region, birth date and sex, serial, and consistency with stated facts."""

from __future__ import annotations

import datetime

import pytest

from benteng.core.nik import (
    PROVINCE_CODES,
    NikProblemCode,
    banten_region_name,
    nik_consistency,
    parse_nik,
)

TODAY = datetime.date(2026, 11, 27)
WOMAN = "3603054708950001"  # Kab. Tangerang, Cisoka, woman born 07-08-1995, serial 0001
MAN = "3671091203010042"  # Kota Tangerang, Cibodas, man born 12-03-2001, serial 0042


def codes(value: str) -> list[str]:
    _, problems = parse_nik(value, today=TODAY)
    return [str(problem.code) for problem in problems]


def test_parses_a_womans_nik() -> None:
    # when
    info, problems = parse_nik(WOMAN, today=TODAY)
    # then
    assert problems == []
    assert info is not None
    assert (info.province_code, info.regency_code, info.district_code) == (
        "36",
        "36.03",
        "36.03.05",
    )
    assert (info.birth_date, info.sex, info.serial) == (datetime.date(1995, 8, 7), "P", "0001")
    assert info.is_banten


def test_parses_a_mans_nik_born_this_century() -> None:
    info, problems = parse_nik(MAN, today=TODAY)
    assert problems == []
    assert info is not None
    assert (info.birth_date, info.sex, info.serial) == (datetime.date(2001, 3, 12), "L", "0042")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("3603 0547 0895 0001", WOMAN, id="spaces"),
        pytest.param("3603.0547.0895.0001", WOMAN, id="dots"),
        pytest.param("'3603054708950001", WOMAN, id="spreadsheet-apostrophe"),
    ],
)
def test_grouping_characters_are_ignored(value: str, expected: str) -> None:
    info, problems = parse_nik(value, today=TODAY)
    assert problems == []
    assert info is not None
    assert info.nik == expected


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        pytest.param("", NikProblemCode.EMPTY, "NIK kosong", id="empty"),
        pytest.param("36030547089500", NikProblemCode.WRONG_LENGTH, "16 digit", id="14-digits"),
        pytest.param("36030547089500012", NikProblemCode.WRONG_LENGTH, "17 digit", id="17-digits"),
        pytest.param("36030547O8950001", NikProblemCode.NOT_DIGITS, "16 digit angka", id="letter"),
        pytest.param("3.60305E+15", NikProblemCode.SCIENTIFIC_NOTATION, "teks", id="excel"),
        pytest.param("9903054708950001", NikProblemCode.UNKNOWN_PROVINCE, "99", id="province"),
        pytest.param("3200054708950001", NikProblemCode.INVALID_REGENCY, "00", id="regency-00"),
        pytest.param("3201004708950001", NikProblemCode.INVALID_DISTRICT, "00", id="district-00"),
        pytest.param("3605014708950001", NikProblemCode.UNKNOWN_REGENCY, "Banten", id="banten-kab"),
        pytest.param(
            "3603994708950001", NikProblemCode.UNKNOWN_DISTRICT, "Kabupaten Tangerang", id="kec"
        ),
        pytest.param("3603053202950001", NikProblemCode.INVALID_BIRTH_DATE, "320295", id="day"),
        pytest.param("3603057202950001", NikProblemCode.INVALID_BIRTH_DATE, "720295", id="day-P"),
        pytest.param("3603051213950001", NikProblemCode.INVALID_BIRTH_DATE, "121395", id="month"),
        pytest.param("3603050002950001", NikProblemCode.INVALID_BIRTH_DATE, "000295", id="day-0"),
        pytest.param("3603052902010001", NikProblemCode.INVALID_BIRTH_DATE, "290201", id="feb29"),
        pytest.param("3603054708950000", NikProblemCode.INVALID_SERIAL, "0000", id="serial"),
    ],
)
def test_each_problem_has_a_code_and_both_messages(
    value: str, code: NikProblemCode, fragment: str
) -> None:
    # when
    _, problems = parse_nik(value, today=TODAY)
    # then
    assert [problem.code for problem in problems] == [code]
    assert fragment in problems[0].message
    assert problems[0].message_en
    assert problems[0].as_dict() == {
        "code": str(code),
        "id": problems[0].message,
        "en": problems[0].message_en,
    }


def test_unreadable_nik_gives_no_info_but_a_readable_invalid_one_does() -> None:
    unreadable, _ = parse_nik("3603053202950001", today=TODAY)
    readable, problems = parse_nik("3603994708950001", today=TODAY)
    assert unreadable is None
    assert readable is not None
    assert problems


def test_region_and_date_problems_are_reported_together() -> None:
    assert codes("3605013202950001") == [
        NikProblemCode.UNKNOWN_REGENCY,
        NikProblemCode.INVALID_BIRTH_DATE,
    ]


def test_outside_banten_only_the_province_is_checked_against_the_list() -> None:
    assert codes("3275014708950001") == []  # a Jawa Barat NIK


def test_leap_day_in_a_leap_year_is_valid() -> None:
    info, problems = parse_nik("3603052902000001", today=TODAY)
    assert problems == []
    assert info is not None
    assert info.birth_date == datetime.date(2000, 2, 29)


@pytest.mark.parametrize(
    ("birth_digits", "expected_year"),
    [
        pytest.param("271126", 2026, id="today"),
        pytest.param("281126", 1926, id="tomorrow-means-last-century"),
        pytest.param("010130", 1930, id="future-year"),
        pytest.param("010100", 2000, id="year-2000"),
    ],
)
def test_century_is_the_latest_not_after_today(birth_digits: str, expected_year: int) -> None:
    info, problems = parse_nik(f"360305{birth_digits}0001", today=TODAY)
    assert problems == []
    assert info is not None
    assert info.birth_date.year == expected_year
    assert info.birth_date <= TODAY


def test_default_today_is_the_current_date() -> None:
    info, _ = parse_nik(WOMAN)
    assert info is not None
    assert info.birth_date == datetime.date(1995, 8, 7)


def test_province_list_has_the_38_provinces() -> None:
    assert len(PROVINCE_CODES) == 38
    assert PROVINCE_CODES["36"] == "Banten"
    assert all(len(code) == 2 and code.isdigit() for code in PROVINCE_CODES)


def test_banten_region_names() -> None:
    assert banten_region_name("36.03") == "Kabupaten Tangerang"
    assert banten_region_name("36.03.05") == "Cisoka"
    assert banten_region_name("36.03.99") is None


def test_consistent_facts_give_no_problem() -> None:
    info, _ = parse_nik(WOMAN, today=TODAY)
    assert info is not None
    assert nik_consistency(info, birth_date=datetime.date(1995, 8, 7), sex="P") == []
    assert nik_consistency(info, birth_date=None, sex=None) == []


def test_century_is_not_held_against_a_stated_date() -> None:
    # given a NIK read as 2001 and a stated date one hundred years earlier
    info, _ = parse_nik(MAN, today=TODAY)
    assert info is not None
    # then: the NIK holds two year digits only
    assert nik_consistency(info, birth_date=datetime.date(1901, 3, 12), sex="L") == []


@pytest.mark.parametrize(
    ("birth_date", "sex", "expected"),
    [
        pytest.param(
            datetime.date(1995, 8, 8), None, [NikProblemCode.BIRTH_DATE_MISMATCH], id="date"
        ),
        pytest.param(
            datetime.date(1995, 7, 8),
            None,
            [NikProblemCode.BIRTH_DATE_DAY_MONTH_SWAPPED],
            id="swapped",
        ),
        pytest.param(None, "L", [NikProblemCode.SEX_MISMATCH], id="sex"),
        pytest.param(None, "X", [NikProblemCode.STATED_SEX_INVALID], id="sex-invalid"),
        pytest.param(
            datetime.date(1996, 8, 7),
            "L",
            [NikProblemCode.BIRTH_DATE_MISMATCH, NikProblemCode.SEX_MISMATCH],
            id="both",
        ),
    ],
)
def test_inconsistencies_are_reported(
    birth_date: datetime.date | None, sex: str | None, expected: list[NikProblemCode]
) -> None:
    # given
    info, _ = parse_nik(WOMAN, today=TODAY)
    assert info is not None
    # when
    problems = nik_consistency(info, birth_date=birth_date, sex=sex)
    # then
    assert [problem.code for problem in problems] == expected
    assert all(problem.message and problem.message_en for problem in problems)


def test_sex_mismatch_message_explains_the_plus_40_rule() -> None:
    info, _ = parse_nik(WOMAN, today=TODAY)
    assert info is not None
    [problem] = nik_consistency(info, birth_date=None, sex="L")
    assert "perempuan" in problem.message
    assert "ditambah 40" in problem.message
    assert "laki-laki" in problem.message


def test_mismatch_message_shows_both_dates() -> None:
    info, _ = parse_nik(WOMAN, today=TODAY)
    assert info is not None
    [problem] = nik_consistency(info, birth_date=datetime.date(1990, 1, 2), sex=None)
    assert "07-08-1995" in problem.message
    assert "02-01-1990" in problem.message
