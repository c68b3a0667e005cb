"""Cleaning what is typed about a case: the LP number, dates, a person's identity, a route leg.

Each cleaner returns the clean value and a sentence in the active language (gettext, Bahasa
Indonesia first) or collects problems per input field, so the page and any later caller (the
referrals app, an API) give the same message for the same mistake. Identity values go through
``benteng/identity_cleaning.py`` like every other source's.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext as _

from benteng import identity_cleaning as cleaning
from benteng.core.nik import nik_consistency, parse_nik
from benteng.identity import region_for_identity
from benteng.identity_cleaning import text_of
from benteng.problems import Problems
from benteng.regions.models import Region, RegionLevel

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# LP/B/123/XII/2026/SPKT/POLDA BANTEN: model (A, B …), serial, month in Roman numerals, year,
# then the issuing unit (one or more parts).
_LP_NUMBER = re.compile(
    r"^LP/(?P<model>[A-Z]{1,2})/(?P<serial>\d{1,6})/(?P<month>[IVX]{1,4})/(?P<year>\d{4})"
    r"(?P<unit>(/[A-Z0-9][A-Z0-9 .\-]*)+)$"
)
LP_EXAMPLE = "LP/B/123/XII/2026/SPKT/POLDA BANTEN"


def lp_number_normalize(value: Any) -> str:
    """Upper case, runs of spaces collapsed, no spaces around the slashes."""
    text = text_of(value).upper()
    return re.sub(r"\s*/\s*", "/", text)


def lp_number_problem(lp_number: str, lp_date: datetime.date | None) -> str | None:
    """Why an LP number (normalized) is not one, or disagrees with the LP date."""
    if not lp_number:
        return cleaning.required_problem(_("Nomor LP"))
    if len(lp_number) > 120:
        return cleaning.too_long_problem(_("Nomor LP"), limit=120, length=len(lp_number))
    match = _LP_NUMBER.match(lp_number)
    if match is None or match.group("month") not in ROMAN_MONTHS:
        return _(
            "Nomor LP “%(value)s” tidak sesuai pola; tulis seperti %(example)s "
            "(bulan dengan angka Romawi)."
        ) % {"value": lp_number, "example": LP_EXAMPLE}
    if lp_date is not None:
        month = ROMAN_MONTHS.index(match.group("month")) + 1
        if month != lp_date.month or int(match.group("year")) != lp_date.year:
            return _(
                "Bulan dan tahun pada nomor LP (%(month)s/%(year)s) tidak sama dengan "
                "tanggal LP (%(date)s)."
            ) % {
                "month": match.group("month"),
                "year": match.group("year"),
                "date": lp_date.strftime("%d-%m-%Y"),
            }
    return None


def past_date_problem(
    value: datetime.date | None, *, label: str, today: datetime.date
) -> str | None:
    if value is not None and value > today:
        return _("%(label)s (%(date)s) ada di masa depan.") % {
            "label": label,
            "date": value.strftime("%d-%m-%Y"),
        }
    return None


def date_value(raw: Any, name: str, label: str, problems: Problems) -> datetime.date | None:
    """A date typed as text or given as a date; a problem on ``name`` otherwise."""
    value, problem = cleaning.date_parse(raw, label=label)
    if problem:
        problems.add(name, problem)
    return value


def person_identity_clean(
    raw: dict[str, Any], problems: Problems, *, today: datetime.date
) -> dict[str, Any]:
    """The identity fields of a case person from what was typed (``desa_code`` → region). A
    name is required; NIK, birth date and sex must agree; a blank birth date or sex is taken
    from the NIK."""
    values: dict[str, Any] = {}
    name = text_of(raw.get("full_name"))
    if not name:
        problems.add("full_name", _("Nama lengkap wajib diisi."))
    elif len(name) > 200:
        problems.add("full_name", cleaning.too_long_problem(_("Nama"), limit=200, length=len(name)))
    values["full_name"] = name[:200]
    label = _("Tanggal lahir")
    birth_date, problem = cleaning.date_parse(raw.get("birth_date"), label=label)
    if birth_date is not None:
        problem = cleaning.birth_date_problem(birth_date, label=label, today=today)
    if problem:
        problems.add("birth_date", problem)
        birth_date = None
    values["birth_date"] = birth_date
    sex, problem = cleaning.sex_clean(raw.get("sex"))
    if problem:
        problems.add("sex", problem)
    values["sex"] = sex
    values["nik"] = ""
    nik_text = text_of(raw.get("nik"))
    if nik_text:
        info, nik_problems = parse_nik(nik_text, today=today)
        if nik_problems or info is None:
            for nik_problem in nik_problems:
                problems.add("nik", cleaning.nik_problem_text(nik_problem))
        else:
            values["nik"] = info.nik
            for nik_problem in nik_consistency(info, birth_date=birth_date, sex=sex or None):
                problems.add("nik", cleaning.nik_problem_text(nik_problem))
            values["birth_date"] = values["birth_date"] or info.birth_date
            values["sex"] = values["sex"] or info.sex
    passport_no, problem = cleaning.passport_no_clean(raw.get("passport_no"))
    if problem:
        problems.add("passport_no", problem)
    values["passport_no"] = passport_no
    phone, problem = cleaning.phone_clean(raw.get("phone"), label=_("Nomor telepon"))
    if problem:
        problems.add("phone", problem)
    values["phone"] = phone
    values["birth_place"] = text_of(raw.get("birth_place"))[:100]
    values["address"] = text_of(raw.get("address"))[:300]
    desa_code = desa_code_clean(raw.get("desa_code"), "desa_code", problems)
    values["region"] = region_for_identity(desa_code=desa_code, nik=values["nik"] or None)
    return values


def desa_code_clean(raw: Any, name: str, problems: Problems) -> str | None:
    """A known desa/kelurahan code, or ``None`` (blank, or a problem on ``name``)."""
    code = text_of(raw)
    if not code:
        return None
    known = Region.objects.filter(
        code=code, level__in=[RegionLevel.DESA, RegionLevel.KELURAHAN]
    ).exists()
    if not known:
        problems.add(
            name,
            _(
                "Kode desa/kelurahan “%(value)s” tidak dikenal; tulis kode Kemendagri lengkap, "
                "misalnya 36.03.07.2001."
            )
            % {"value": code},
        )
        return None
    return code
