"""Cleaning what is typed about a case: the LP number and dates.

Each cleaner returns the clean value and a sentence in the active language (gettext, Bahasa
Indonesia first) or collects problems per input field, so the page and any later caller (the
referrals app, an API) give the same message for the same mistake. A case person's identity and
a route leg's desa go through ``benteng/identity_cleaning.py`` like every other source's
(``person_identity_clean``, ``desa_code_clean``).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext as _

from benteng import identity_cleaning as cleaning
from benteng.identity_cleaning import text_of
from benteng.problems import Problems

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
