"""NIK (Nomor Induk Kependudukan): parse, validate and check against stated facts.

A NIK has 16 digits: ``PP KK CC DDMMYY SSSS``

- ``PP`` province, ``KK`` regency or city (kabupaten/kota), ``CC`` district (kecamatan), the
  Kemendagri region codes where the number was issued;
- ``DDMMYY`` the birth date; for women 40 is added to the day (a woman born on the 7th has
  ``47``);
- ``SSSS`` a serial number, ``0000`` is never issued.

Every problem has a stable machine ``code`` and two messages: ``message`` in Bahasa Indonesia,
written for a counter officer, and ``message_en`` for the English interface.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

__all__ = [
    "PROVINCE_CODES",
    "NikInfo",
    "NikProblem",
    "NikProblemCode",
    "banten_region_name",
    "banten_regions",
    "clean_nik_text",
    "nik_consistency",
    "parse_nik",
]

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40
BANTEN_PROVINCE_CODE = "36"

# The 38 provinces and their two-digit Kemendagri codes (the first two NIK digits), as listed
# in Kepmendagri No. 300.2.2-2138 Tahun 2025 on administrative region codes (the decree
# behind benteng/data/wilayah_banten.csv, see wilayah_banten.SOURCE.md). Codes 93-96 are the
# Papua provinces created in 2022; NIKs issued before that carry 91 or 92.
PROVINCE_CODES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}


class NikProblemCode(StrEnum):
    """Stable machine codes of NIK problems (used by the interface and in reports)."""

    EMPTY = "nik_empty"
    SCIENTIFIC_NOTATION = "nik_scientific_notation"
    NOT_DIGITS = "nik_not_digits"
    WRONG_LENGTH = "nik_wrong_length"
    UNKNOWN_PROVINCE = "nik_unknown_province"
    INVALID_REGENCY = "nik_invalid_regency"
    UNKNOWN_REGENCY = "nik_unknown_regency"
    INVALID_DISTRICT = "nik_invalid_district"
    UNKNOWN_DISTRICT = "nik_unknown_district"
    INVALID_BIRTH_DATE = "nik_invalid_birth_date"
    INVALID_SERIAL = "nik_invalid_serial"
    BIRTH_DATE_MISMATCH = "nik_birth_date_mismatch"
    BIRTH_DATE_DAY_MONTH_SWAPPED = "nik_birth_date_day_month_swapped"
    SEX_MISMATCH = "nik_sex_mismatch"
    STATED_SEX_INVALID = "nik_stated_sex_invalid"


@dataclass(frozen=True, slots=True)
class NikProblem:
    """One reason why a NIK is invalid or disagrees with what the person stated."""

    code: NikProblemCode
    message: str  # Bahasa Indonesia, for the officer
    message_en: str  # English interface

    def as_dict(self) -> dict[str, str]:
        """The problem as ``{"code": ..., "id": ..., "en": ...}`` for JSON and templates."""
        return {"code": str(self.code), "id": self.message, "en": self.message_en}


@dataclass(frozen=True, slots=True)
class NikInfo:
    """What a NIK says about its holder and where it was issued."""

    nik: str
    province_code: str  # "36"
    regency_code: str  # "36.03"
    district_code: str  # "36.03.05"
    birth_date: datetime.date
    sex: str  # "L" or "P"
    serial: str  # "0001"

    @property
    def is_banten(self) -> bool:
        """The NIK was issued in Banten province."""
        return self.province_code == BANTEN_PROVINCE_CODE


_GROUPING = re.compile(r"[\s.\-]+")
_SCIENTIFIC = re.compile(r"^\d[.,]\d*e\+?\d+$", re.IGNORECASE)


def _format_date(value: datetime.date) -> str:
    return value.strftime("%d-%m-%Y")


def _sex_words(sex: str) -> tuple[str, str]:
    return ("perempuan", "female") if sex == "P" else ("laki-laki", "male")


@lru_cache(maxsize=1)
def banten_regions() -> Mapping[str, str]:
    """Banten region codes (province, kab/kota, kecamatan, desa/kelurahan) to their names,
    read once from ``benteng/data/wilayah_banten.csv``."""
    text = resources.files("benteng.data").joinpath("wilayah_banten.csv").read_text("utf-8")
    return MappingProxyType({row["code"]: row["name"] for row in csv.DictReader(io.StringIO(text))})


def banten_region_name(code: str) -> str | None:
    """The name of a Banten region code such as ``"36.03.05"``, or ``None`` when unknown."""
    return banten_regions().get(code)


def clean_nik_text(value: str) -> str:
    """Remove what people add around a NIK: spaces, dots, dashes, a spreadsheet's leading '."""
    if value.isdigit():
        return value
    return _GROUPING.sub("", value.strip().lstrip("'"))


def _format_problems(text: str, raw: str) -> list[NikProblem]:
    if len(text) == NIK_LENGTH and text.isascii() and text.isdigit():
        return []
    if not text:
        return [NikProblem(NikProblemCode.EMPTY, "NIK kosong.", "The NIK is empty.")]
    if _SCIENTIFIC.match(raw.strip()):
        return [
            NikProblem(
                NikProblemCode.SCIENTIFIC_NOTATION,
                f"NIK tertulis sebagai angka ilmiah ({raw.strip()}): spreadsheet telah "
                "mengubahnya dan digit terakhir hilang. Simpan kolom NIK sebagai teks.",
                f"The NIK was written in scientific notation ({raw.strip()}): a spreadsheet "
                "converted it and its last digits are lost. Store the NIK column as text.",
            )
        ]
    if not (text.isascii() and text.isdigit()):
        return [
            NikProblem(
                NikProblemCode.NOT_DIGITS,
                "NIK harus 16 digit angka; yang tertulis berisi huruf atau tanda lain.",
                "A NIK must be 16 digits; this one contains letters or other characters.",
            )
        ]
    if len(text) != NIK_LENGTH:
        return [
            NikProblem(
                NikProblemCode.WRONG_LENGTH,
                f"NIK harus 16 digit angka; yang tertulis {len(text)} digit.",
                f"A NIK must be 16 digits; this one has {len(text)}.",
            )
        ]
    return []


@lru_cache(maxsize=8192)
def _region_problems(region: str) -> tuple[NikProblem, ...]:
    """Problems of the region digits (the first six) of a NIK; cached, NIKs share regions."""
    province, regency, district = region[0:2], region[2:4], region[4:6]
    if province not in PROVINCE_CODES:
        return (
            NikProblem(
                NikProblemCode.UNKNOWN_PROVINCE,
                f"Kode provinsi {province} pada NIK (digit 1-2) tidak ada di Indonesia.",
                f"The province code {province} in the NIK (digits 1-2) does not exist.",
            ),
        )
    if regency == "00":
        return (
            NikProblem(
                NikProblemCode.INVALID_REGENCY,
                "Kode kabupaten/kota pada NIK (digit 3-4) tidak boleh 00.",
                "The regency/city code in the NIK (digits 3-4) cannot be 00.",
            ),
        )
    if district == "00":
        return (
            NikProblem(
                NikProblemCode.INVALID_DISTRICT,
                "Kode kecamatan pada NIK (digit 5-6) tidak boleh 00.",
                "The district (kecamatan) code in the NIK (digits 5-6) cannot be 00.",
            ),
        )
    if province != BANTEN_PROVINCE_CODE:
        return ()
    regency_code = f"{province}.{regency}"
    regency_name = banten_region_name(regency_code)
    if regency_name is None:
        return (
            NikProblem(
                NikProblemCode.UNKNOWN_REGENCY,
                f"Kode kabupaten/kota {regency} pada NIK (digit 3-4) tidak ada di Provinsi Banten.",
                f"The regency/city code {regency} in the NIK (digits 3-4) does not exist in "
                "Banten province.",
            ),
        )
    if banten_region_name(f"{regency_code}.{district}") is None:
        return (
            NikProblem(
                NikProblemCode.UNKNOWN_DISTRICT,
                f"Kode kecamatan {district} pada NIK (digit 5-6) tidak ada di {regency_name}.",
                f"The district (kecamatan) code {district} in the NIK (digits 5-6) does not "
                f"exist in {regency_name}.",
            ),
        )
    return ()


def _birth_date(day: int, month: int, two_digit_year: int, today: datetime.date) -> datetime.date:
    """The birth date, choosing the latest century that does not put it after ``today``.

    Raises ``ValueError`` when the day and month form no date in either century.
    """
    try:
        recent = datetime.date(2000 + two_digit_year, month, day)
    except ValueError:
        recent = None
    if recent is not None and recent <= today:
        return recent
    return datetime.date(1900 + two_digit_year, month, day)


def parse_nik(
    value: str, *, today: datetime.date | None = None
) -> tuple[NikInfo | None, list[NikProblem]]:
    """Parse and validate a NIK.

    Returns ``(info, problems)``. ``info`` is ``None`` when the NIK cannot be read (not 16
    digits, impossible birth date). ``info`` is returned together with problems when the
    number can be read but is not valid (unknown region, serial 0000): a NIK is valid exactly
    when ``problems`` is empty. The century of the birth year is the latest one that does not
    put the birth date after ``today`` (default: the current date).
    """
    reference_day = today or datetime.datetime.now(tz=datetime.UTC).date()
    nik = clean_nik_text(value)
    problems = _format_problems(nik, value)
    if problems:
        return None, problems
    problems = list(_region_problems(nik[:6]))
    day_field, month, two_digit_year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day_field > FEMALE_DAY_OFFSET else "L"
    day = day_field - FEMALE_DAY_OFFSET if sex == "P" else day_field
    try:
        birth_date = _birth_date(day, month, two_digit_year, reference_day)
    except ValueError:
        problems.append(
            NikProblem(
                NikProblemCode.INVALID_BIRTH_DATE,
                f"Tanggal lahir pada NIK (digit 7-12: {nik[6:12]}) bukan tanggal yang mungkin "
                "(untuk perempuan tanggal ditambah 40).",
                f"The birth date in the NIK (digits 7-12: {nik[6:12]}) is not a possible date "
                "(for women 40 is added to the day).",
            )
        )
        return None, problems
    if nik[12:] == "0000":
        problems.append(
            NikProblem(
                NikProblemCode.INVALID_SERIAL,
                "Nomor urut pada NIK (digit 13-16) tidak boleh 0000.",
                "The serial number in the NIK (digits 13-16) cannot be 0000.",
            )
        )
    info = NikInfo(
        nik=nik,
        province_code=nik[0:2],
        regency_code=f"{nik[0:2]}.{nik[2:4]}",
        district_code=f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}",
        birth_date=birth_date,
        sex=sex,
        serial=nik[12:],
    )
    return info, problems


def _same_date_ignoring_century(nik_date: datetime.date, stated: datetime.date) -> bool:
    return (nik_date.day, nik_date.month, nik_date.year % 100) == (
        stated.day,
        stated.month,
        stated.year % 100,
    )


def nik_consistency(
    info: NikInfo, *, birth_date: datetime.date | None, sex: str | None
) -> list[NikProblem]:
    """Check a parsed NIK against the birth date and sex the person stated.

    A missing stated value is not checked. The NIK holds only two digits of the year, so a
    stated date that agrees in day, month and the last two year digits agrees. A stated date
    whose day and month are the NIK's swapped is reported with its own code, since that is
    usually a typing error on the form rather than a different person.
    """
    problems: list[NikProblem] = []
    if birth_date is not None and not _same_date_ignoring_century(info.birth_date, birth_date):
        nik_text, stated_text = _format_date(info.birth_date), _format_date(birth_date)
        swapped = (
            info.birth_date.day == birth_date.month
            and info.birth_date.month == birth_date.day
            and info.birth_date.year % 100 == birth_date.year % 100
        )
        if swapped:
            problems.append(
                NikProblem(
                    NikProblemCode.BIRTH_DATE_DAY_MONTH_SWAPPED,
                    f"Tanggal lahir pada NIK ({nik_text}) sama dengan yang tertulis "
                    f"({stated_text}) tetapi hari dan bulan tertukar. Periksa dokumen aslinya.",
                    f"The birth date in the NIK ({nik_text}) matches the stated one "
                    f"({stated_text}) with day and month swapped. Check the original document.",
                )
            )
        else:
            problems.append(
                NikProblem(
                    NikProblemCode.BIRTH_DATE_MISMATCH,
                    f"Tanggal lahir pada NIK ({nik_text}) berbeda dengan tanggal lahir yang "
                    f"tertulis ({stated_text}).",
                    f"The birth date in the NIK ({nik_text}) differs from the stated birth date "
                    f"({stated_text}).",
                )
            )
    if sex is not None:
        if sex not in ("L", "P"):
            problems.append(
                NikProblem(
                    NikProblemCode.STATED_SEX_INVALID,
                    f"Jenis kelamin yang tertulis ({sex}) harus L atau P.",
                    f"The stated sex ({sex}) must be L or P.",
                )
            )
        elif sex != info.sex:
            nik_id, nik_en = _sex_words(info.sex)
            stated_id, stated_en = _sex_words(sex)
            problems.append(
                NikProblem(
                    NikProblemCode.SEX_MISMATCH,
                    f"NIK menunjukkan jenis kelamin {nik_id} (pada perempuan tanggal lahir di NIK "
                    f"ditambah 40), tetapi yang tertulis {stated_id}.",
                    f"The NIK indicates a {nik_en} holder (for women 40 is added to the day of "
                    f"birth), but the stated sex is {stated_en}.",
                )
            )
    return problems
