"""Cleaning the identity values people type or files hold, with one message per problem.

Names, NIK, passport numbers, phones, sex, dates (Indonesian formats), flight numbers and
yes/no words are cleaned here for every place that takes them in: the screening's input (pages
and API), the screening forms, and the watchlist entries (form and import). Each cleaner
returns the clean value and a problem, a sentence in the active language (gettext; the msgids
are Bahasa Indonesia), or ``None``. The NIK's own problems come from the framework-free core,
which writes both languages itself. A person's whole identity as a record names it (a case's
person, a referral's subject) is cleaned by ``person_identity_clean``, which collects the
problems per field.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benteng.core.nik import NikProblem, nik_consistency, parse_nik
from benteng.core.phones import normalize_phone
from benteng.core.records import normalize_passport_no, normalize_sex
from benteng.identity import region_for_identity
from benteng.problems import Problems
from benteng.regions.models import Region, RegionLevel

# A field's name in a message: text, or a lazy translation turned into text only when a
# message is made.
Label = str | Promise
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
_DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_WORDS = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")
# Indonesian month names and their usual short forms ("Agu", "Des"), and the English ones.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan", "january"),
            ("februari", "feb", "pebruari", "february"),
            ("maret", "mar", "march"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("agustus", "agu", "agt", "ags", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des", "dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_FLIGHT_NUMBER = re.compile(r"^[A-Z0-9]{2}[0-9]{1,4}[A-Z]?$")
_FLIGHT_SEPARATORS = re.compile(r"[\s\-.]+")
TRUE_WORDS = frozenset({"1", "true", "ya", "y", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "tidak", "t", "no", "n", "off"})


def text_of(value: Any) -> str:
    """A value as text with runs of white space collapsed; whole numbers without ".0", dates
    in ISO form (as a workbook cell may hold them)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def required_problem(label: Label) -> str:
    return _("%(label)s wajib diisi.") % {"label": label}


def too_long_problem(label: Label, *, limit: int, length: int) -> str:
    return _("%(label)s paling panjang %(limit)d karakter (tertulis %(length)d).") % {
        "label": label,
        "limit": limit,
        "length": length,
    }


def date_parse(value: Any, *, label: Label) -> tuple[datetime.date | None, str | None]:
    """A date from a date, a workbook datetime or text: 17-08-1990, 17/08/1990, 17.08.1990,
    1990-08-17 or "17 Agustus 1990". Blank is ``None`` without a problem."""
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = text_of(value)
    if not text:
        return None, None
    numbers = _date_numbers(text)
    if numbers is None:
        return None, _(
            "%(label)s harus ditulis HH-BB-TTTT, misalnya 17-08-1990 (tertulis “%(value)s”)."
        ) % {"label": label, "value": text}
    year, month, day = numbers
    try:
        return datetime.date(year, month, day), None
    except ValueError:
        return None, _(
            "%(label)s “%(value)s” tidak ada di kalender (periksa tanggal dan bulannya)."
        ) % {"label": label, "value": text}


def _date_numbers(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written, not checked against the calendar."""
    if match := _DATE_DMY.match(text):
        return int(match.group(3)), int(match.group(2)), int(match.group(1))
    if match := _DATE_ISO.match(text):
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    if (match := _DATE_WORDS.match(text.lower())) and match.group(2) in _MONTHS:
        return int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1))
    return None


def birth_date_problem(
    birth_date: datetime.date, *, label: Label, today: datetime.date
) -> str | None:
    """Why a birth date (or a date like it) cannot be true: in the future, or before 1900."""
    if birth_date > today:
        return _("%(label)s ada di masa depan.") % {"label": label}
    if birth_date < EARLIEST_BIRTH_DATE:
        return _("%(label)s sebelum tahun 1900 tidak mungkin.") % {"label": label}
    return None


def nik_clean(value: Any, *, today: datetime.date) -> tuple[str, list[str]]:
    """The 16 digits of a readable NIK, or blank with its problems. A NIK that reads but names
    an unknown region or serial 0000 is kept: the screening reports that as an indicator."""
    text = text_of(value)
    if not text:
        return "", []
    info, problems = parse_nik(text, today=today)
    if info is None:
        return "", [nik_problem_text(problem) for problem in problems]
    return info.nik, []


def nik_problem_text(problem: NikProblem) -> str:
    """A problem of the core's NIK parser in the active language (the core, framework-free,
    writes both languages itself)."""
    return problem.message_en if (get_language() or "id").startswith("en") else problem.message


def _normalized(
    value: Any, normalize: Callable[[str], str | None], problem: Callable[[str], str]
) -> tuple[str, str | None]:
    """``normalize`` of the text given, or the ``problem`` with it; blank stays blank."""
    text = text_of(value)
    if not text:
        return "", None
    normalized = normalize(text)
    if normalized is None:
        return "", problem(text)
    return normalized, None


def sex_clean(value: Any) -> tuple[str, str | None]:
    """ "L" or "P" from the usual ways of writing them; blank stays blank."""
    return _normalized(
        value,
        normalize_sex,
        lambda text: (
            _("Jenis kelamin harus L (laki-laki) atau P (perempuan) (tertulis “%(value)s”).")
            % {"value": text}
        ),
    )


def passport_no_clean(value: Any) -> tuple[str, str | None]:
    return _normalized(
        value,
        normalize_passport_no,
        lambda text: (
            _(
                "Nomor paspor “%(value)s” tidak sah: harus 6-12 huruf atau angka tanpa tanda "
                "baca, misalnya C1234567."
            )
            % {"value": text}
        ),
    )


def phone_clean(value: Any, *, label: Label) -> tuple[str, str | None]:
    """An Indonesian number in its one written form (+62...); blank stays blank."""
    return _normalized(
        value,
        normalize_phone,
        lambda text: (
            _(
                "%(label)s “%(value)s” bukan nomor Indonesia yang sah (contoh 0812-3456-7890 "
                "atau +62 812 3456 7890)."
            )
            % {"label": label, "value": text}
        ),
    )


def normalize_flight_number(value: str) -> str | None:
    """The flight number upper-cased without spaces, dashes or dots, or None when malformed."""
    text = _FLIGHT_SEPARATORS.sub("", (value or "").strip().upper())
    return text if _FLIGHT_NUMBER.match(text) else None


def flight_number_clean(value: Any) -> tuple[str, str | None]:
    return _normalized(
        value,
        normalize_flight_number,
        lambda text: (
            _(
                "Nomor penerbangan “%(value)s” tidak sah: dua huruf/angka kode maskapai lalu "
                "1-4 angka, misalnya GA840 atau QZ 7510."
            )
            % {"value": text}
        ),
    )


def yes_no_parse(value: Any, *, label: Label) -> tuple[bool | None, str | None]:
    """True or False from a boolean or a word (ya/tidak, yes/no, 1/0...); blank is ``None``."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return value, None
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    return None, _("%(label)s harus ya atau tidak (tertulis “%(value)s”).") % {
        "label": label,
        "value": value,
    }


# --- a person's whole identity, problems per field ------------------------------------------

NAME_LIMIT = 200
BIRTH_PLACE_LIMIT = 100
ADDRESS_LIMIT = 300


def person_identity_clean(
    raw: Mapping[str, Any], problems: Problems, *, today: datetime.date, prefix: str = ""
) -> dict[str, Any]:
    """The identity fields of a person named in a record (a case's person, a referral's
    subject) from what was typed, with each problem added under ``prefix + field``.

    A name is required. A NIK must be valid (a readable one naming an unknown region or serial
    0000 is refused too) and agree with the birth date and sex given; a blank birth date or sex
    is taken from the NIK. A known ``desa_code`` gives the region, else the NIK's kecamatan.
    """
    values: dict[str, Any] = {}
    name = text_of(raw.get("full_name"))
    if not name:
        problems.add(f"{prefix}full_name", required_problem(_("Nama lengkap")))
    elif len(name) > NAME_LIMIT:
        problems.add(
            f"{prefix}full_name",
            too_long_problem(_("Nama lengkap"), limit=NAME_LIMIT, length=len(name)),
        )
    values["full_name"] = name
    label = _("Tanggal lahir")
    birth_date, problem = date_parse(raw.get("birth_date"), label=label)
    if birth_date is not None:
        problem = birth_date_problem(birth_date, label=label, today=today)
    if problem:
        problems.add(f"{prefix}birth_date", problem)
        birth_date = None
    values["birth_date"] = birth_date
    sex, problem = sex_clean(raw.get("sex"))
    problems.add(f"{prefix}sex", problem)
    values["sex"] = sex
    values.update(
        person_nik_clean(
            raw.get("nik"), problems, f"{prefix}nik", birth_date=birth_date, sex=sex, today=today
        )
    )
    passport_no, problem = passport_no_clean(raw.get("passport_no"))
    problems.add(f"{prefix}passport_no", problem)
    values["passport_no"] = passport_no
    phone, problem = phone_clean(raw.get("phone"), label=_("Nomor telepon"))
    problems.add(f"{prefix}phone", problem)
    values["phone"] = phone
    for field, label, limit in (
        ("birth_place", _("Tempat lahir"), BIRTH_PLACE_LIMIT),
        ("address", _("Alamat"), ADDRESS_LIMIT),
    ):
        text = text_of(raw.get(field))
        if len(text) > limit:
            problems.add(f"{prefix}{field}", too_long_problem(label, limit=limit, length=len(text)))
        values[field] = text
    desa_code = desa_code_clean(raw.get("desa_code"), f"{prefix}desa_code", problems)
    values["region"] = region_for_identity(desa_code=desa_code, nik=values["nik"] or None)
    return values


def person_nik_clean(
    raw: Any,
    problems: Problems,
    name: str,
    *,
    birth_date: datetime.date | None,
    sex: str,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """A person's NIK, checked as a record naming the person needs it: valid (a readable one
    naming an unknown region or serial 0000 is refused too) and agreeing with the birth date
    and sex given, each problem added under ``name``. Returns ``nik``, ``birth_date`` and
    ``sex``: a blank birth date or sex taken from a valid NIK."""
    values: dict[str, Any] = {"nik": "", "birth_date": birth_date, "sex": sex}
    nik_text = text_of(raw)
    if not nik_text:
        return values
    info, nik_problems = parse_nik(nik_text, today=today)
    if nik_problems or info is None:
        for nik_problem in nik_problems:
            problems.add(name, nik_problem_text(nik_problem))
        return values
    values["nik"] = info.nik
    for nik_problem in nik_consistency(info, birth_date=birth_date, sex=sex or None):
        problems.add(name, nik_problem_text(nik_problem))
    values["birth_date"] = birth_date or info.birth_date
    values["sex"] = sex or info.sex
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
