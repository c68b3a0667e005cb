"""Cleaning the values of one watchlist entry, wherever they come from.

The page form, the import of a CSV/XLSX file and the system's automatic entries all pass their
values through :func:`entry_values_clean`, so one NIK, date or passport number gets the same
Indonesian message whether it was typed at a desk or sits in row 41 of a spreadsheet. Values
may be text (as typed or read from a file) or already typed (dates, numbers from a workbook).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.core.nik import clean_nik_text, nik_consistency, parse_nik
from benteng.core.phones import normalize_phone
from benteng.core.records import normalize_passport_no, normalize_sex
from benteng.identity import region_for_identity
from benteng.regions.models import Region, RegionLevel
from benteng.watchlists.models import SharingLevel, SubjectType, Watchlist, WatchlistEntry

# The values of an entry a keeper provides, in the order forms and files show them.
ENTRY_INPUT_FIELDS: tuple[str, ...] = (
    "subject_type",
    "full_name",
    "nik",
    "birth_date",
    "sex",
    "birth_place",
    "passport_no",
    "address",
    "desa_code",
    "phone",
    "licence_number",
    "category",
    "legal_basis",
    "expires_on",
    "sharing_level",
    "instruction",
    "contact",
    "internal_notes",
)
# Entry model fields written from the cleaned values (desa_code becomes region).
ENTRY_MODEL_FIELDS: tuple[str, ...] = (
    *(name for name in ENTRY_INPUT_FIELDS if name != "desa_code"),
    "region",
)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")
_DATE_SHAPE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$|^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SUBJECT_WORDS = {
    "orang": SubjectType.PERSON,
    "person": SubjectType.PERSON,
    "perorangan": SubjectType.PERSON,
    "perusahaan": SubjectType.COMPANY,
    "company": SubjectType.COMPANY,
    "badan usaha": SubjectType.COMPANY,
    "telepon": SubjectType.PHONE,
    "nomor telepon": SubjectType.PHONE,
    "phone": SubjectType.PHONE,
}
_SHARING_WORDS = {
    "hit": SharingLevel.HIT,
    "bagikan": SharingLevel.HIT,
    "pemilik": SharingLevel.OWNER_ONLY,
    "hanya pemilik": SharingLevel.OWNER_ONLY,
    "owner": SharingLevel.OWNER_ONLY,
}


@dataclass
class CleanedEntry:
    """The model values of an entry, or the reasons (per input field) why they are not."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    """A value as text with runs of white space collapsed; whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _max_length(name: str) -> int | None:
    model_field = WatchlistEntry._meta.get_field(name)
    return getattr(model_field, "max_length", None)


def _parse_date(value: Any, *, label: str) -> tuple[datetime.date | None, str | None]:
    """A date from a date, a workbook datetime or text like 17-08-1990 or 1990-08-17."""
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = _text(value)
    if not text:
        return None, None
    match = _DATE_SHAPE.match(text)
    if match is None:
        return None, _(
            "%(label)s harus ditulis HH-BB-TTTT, misalnya 17-08-1990 (tertulis “%(value)s”)."
        ) % {"label": label, "value": text}
    if match.group(1):
        day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    else:
        year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
    try:
        return datetime.date(year, month, day), None
    except ValueError:
        return None, _(
            "%(label)s “%(value)s” tidak ada di kalender (periksa tanggal dan bulannya)."
        ) % {"label": label, "value": text}


def _choice(value: Any, *, words: Mapping[str, str], default: str) -> str | None:
    text = _text(value).lower()
    if not text:
        return default
    return words.get(text)


def _clean_subject(raw: dict[str, Any], result: CleanedEntry) -> str:
    subject = _choice(raw.get("subject_type"), words=_SUBJECT_WORDS, default=SubjectType.PERSON)
    if subject is None:
        result.add_error(
            "subject_type",
            _("Subjek harus salah satu dari: orang, perusahaan, telepon (tertulis “%(value)s”).")
            % {"value": _text(raw.get("subject_type"))},
        )
        return SubjectType.PERSON
    return subject


# Free-text values, checked against the column's length; the others have their own format.
_FREE_TEXT_FIELDS = (
    "full_name",
    "birth_place",
    "address",
    "licence_number",
    "category",
    "legal_basis",
    "contact",
)


def _clean_lengths(raw: dict[str, Any], result: CleanedEntry) -> None:
    for name in _FREE_TEXT_FIELDS:
        limit = _max_length(name)
        text = _text(raw.get(name))
        if limit is not None and len(text) > limit:
            result.add_error(
                name,
                _("Paling banyak %(limit)d karakter (tertulis %(length)d).")
                % {"limit": limit, "length": len(text)},
            )


def _clean_birth_date(raw: dict[str, Any], result: CleanedEntry, today: datetime.date) -> None:
    birth_date, problem = _parse_date(raw.get("birth_date"), label=_("Tanggal lahir"))
    if problem:
        result.add_error("birth_date", problem)
    elif birth_date is not None and birth_date > today:
        result.add_error("birth_date", _("Tanggal lahir ada di masa depan."))
    elif birth_date is not None and birth_date < EARLIEST_BIRTH_DATE:
        result.add_error("birth_date", _("Tanggal lahir sebelum tahun 1900 tidak mungkin."))
    result.values["birth_date"] = birth_date


def _clean_sex(raw: dict[str, Any], result: CleanedEntry) -> None:
    text = _text(raw.get("sex"))
    sex = normalize_sex(text) if text else ""
    if sex is None:
        result.add_error(
            "sex",
            _("Jenis kelamin harus L (laki-laki) atau P (perempuan) (tertulis “%(value)s”).")
            % {"value": text},
        )
        sex = ""
    result.values["sex"] = sex


def _clean_nik(
    raw: dict[str, Any],
    result: CleanedEntry,
    subject: str,
    today: datetime.date,
    *,
    as_recorded: bool,
) -> None:
    """The NIK; a birth date or sex left blank is taken from it, a contradicting one is not.

    ``as_recorded``: the values come from a record Benteng already holds (an officer's
    decision on an application whose NIK may itself be the problem), so a NIK that is not
    valid or disagrees with the stated birth date is kept as written, not refused.
    """
    text = _text(raw.get("nik"))
    result.values["nik"] = ""
    if not text:
        return
    if subject == SubjectType.COMPANY:
        result.add_error(
            "nik", _("Perusahaan tidak memiliki NIK; isi nomor izin atau pilih subjek orang.")
        )
        return
    info, problems = parse_nik(text, today=today)
    if as_recorded and (problems or info is None):
        digits = clean_nik_text(text)
        result.values["nik"] = digits if digits.isdigit() and len(digits) <= 16 else ""
        return
    if problems or info is None:
        for problem in problems:
            result.add_error("nik", problem.message)
        return
    result.values["nik"] = info.nik
    stated_birth_date = result.values.get("birth_date")
    stated_sex = result.values.get("sex") or None
    if not as_recorded and "birth_date" not in result.errors and "sex" not in result.errors:
        for problem in nik_consistency(info, birth_date=stated_birth_date, sex=stated_sex):
            result.add_error("nik", problem.message)
    if stated_birth_date is None and "birth_date" not in result.errors:
        result.values["birth_date"] = info.birth_date
    if not stated_sex and "sex" not in result.errors:
        result.values["sex"] = info.sex


def _clean_passport(raw: dict[str, Any], result: CleanedEntry) -> None:
    text = _text(raw.get("passport_no"))
    passport_no = normalize_passport_no(text) if text else ""
    if passport_no is None:
        result.add_error(
            "passport_no",
            _(
                "Nomor paspor “%(value)s” tidak sah: harus 6-12 huruf atau angka tanpa tanda "
                "baca, misalnya C1234567."
            )
            % {"value": text},
        )
        passport_no = ""
    result.values["passport_no"] = passport_no


def _clean_phone(raw: dict[str, Any], result: CleanedEntry, subject: str) -> None:
    text = _text(raw.get("phone"))
    phone = normalize_phone(text) if text else ""
    if phone is None:
        result.add_error(
            "phone",
            _(
                "Nomor telepon “%(value)s” bukan nomor Indonesia yang sah (contoh 0812-3456-7890 "
                "atau +62 812 3456 7890)."
            )
            % {"value": text},
        )
        phone = ""
    elif not phone and subject == SubjectType.PHONE:
        result.add_error("phone", _("Nomor telepon wajib diisi untuk subjek nomor telepon."))
    result.values["phone"] = phone


def _clean_region(raw: dict[str, Any], result: CleanedEntry) -> None:
    """The desa when its code is given and known; otherwise the region the NIK names."""
    desa_code = _text(raw.get("desa_code"))
    if desa_code:
        is_village = Region.objects.filter(
            code=desa_code, level__in=[RegionLevel.DESA, RegionLevel.KELURAHAN]
        ).exists()
        if not is_village:
            result.add_error(
                "desa_code",
                _(
                    "Kode desa/kelurahan “%(value)s” tidak dikenal; tulis kode Kemendagri "
                    "lengkap, misalnya 36.03.07.2001."
                )
                % {"value": desa_code},
            )
            desa_code = ""
    result.values["region"] = region_for_identity(
        desa_code=desa_code or None, nik=result.values.get("nik") or None
    )


def _clean_expiry(
    raw: dict[str, Any],
    result: CleanedEntry,
    today: datetime.date,
    previous: datetime.date | None,
) -> None:
    expires_on, problem = _parse_date(raw.get("expires_on"), label=_("Tanggal berlaku sampai"))
    if problem:
        result.add_error("expires_on", problem)
    elif expires_on is not None and expires_on < today and expires_on != previous:
        result.add_error(
            "expires_on",
            _(
                "Tanggal berlaku sampai (%(date)s) sudah lewat; entri yang tidak berlaku lagi "
                "diakhiri dengan tombol “Akhiri masa berlaku”."
            )
            % {"date": expires_on.strftime("%d-%m-%Y")},
        )
    result.values["expires_on"] = expires_on


def _clean_texts(
    raw: dict[str, Any], result: CleanedEntry, subject: str, watchlist: Watchlist
) -> None:
    name = _text(raw.get("full_name"))
    if not name and subject != SubjectType.PHONE:
        if subject == SubjectType.COMPANY:
            result.add_error("full_name", _("Nama perusahaan wajib diisi."))
        else:
            result.add_error("full_name", _("Nama lengkap wajib diisi."))
    result.values["full_name"] = name
    for plain in ("birth_place", "address", "licence_number", "category", "contact"):
        result.values[plain] = _text(raw.get(plain))
    result.values["licence_number"] = result.values["licence_number"].upper()
    if not result.values["category"]:
        result.add_error("category", _("Kategori alasan wajib diisi."))
    legal_basis = _text(raw.get("legal_basis")) or watchlist.default_legal_basis
    if not legal_basis:
        result.add_error("legal_basis", _("Dasar hukum wajib diisi."))
    result.values["legal_basis"] = legal_basis
    # Multi-line texts keep their line breaks.
    instruction = str(raw.get("instruction") or "").strip() or watchlist.default_instruction
    if not instruction:
        result.add_error("instruction", _("Instruksi bila hit wajib diisi."))
    result.values["instruction"] = instruction
    result.values["contact"] = result.values["contact"] or watchlist.default_contact
    result.values["internal_notes"] = str(raw.get("internal_notes") or "").strip()


def entry_values_clean(
    *,
    watchlist: Watchlist,
    raw: dict[str, Any],
    today: datetime.date | None = None,
    previous_expires_on: datetime.date | None = None,
    as_recorded: bool = False,
) -> CleanedEntry:
    """Clean the values of one entry of ``watchlist``; every problem is reported, in Indonesian.

    Blank instruction, contact and legal basis take the list's defaults. ``previous_expires_on``
    is the stored expiry of an entry being edited: keeping a date already past is allowed,
    setting a new one in the past is not. ``as_recorded`` is for values copied from a record
    Benteng holds (a decision on an application): its NIK is kept even when not valid.
    """
    today = today or timezone.localdate()
    result = CleanedEntry()
    subject = _clean_subject(raw, result)
    result.values["subject_type"] = subject
    sharing = _choice(raw.get("sharing_level"), words=_SHARING_WORDS, default=SharingLevel.HIT)
    if sharing is None:
        result.add_error(
            "sharing_level",
            _("Tingkat berbagi harus “hit” atau “pemilik” (tertulis “%(value)s”).")
            % {"value": _text(raw.get("sharing_level"))},
        )
        sharing = SharingLevel.HIT
    result.values["sharing_level"] = sharing
    _clean_lengths(raw, result)
    _clean_texts(raw, result, subject, watchlist)
    _clean_birth_date(raw, result, today)
    _clean_sex(raw, result)
    _clean_nik(raw, result, subject, today, as_recorded=as_recorded)
    _clean_passport(raw, result)
    _clean_phone(raw, result, subject)
    _clean_region(raw, result)
    _clean_expiry(raw, result, today, previous_expires_on)
    return result


def entry_input_values(entry: WatchlistEntry) -> dict[str, Any]:
    """The stored entry as input values (for an edit form or a re-import of an export)."""
    values: dict[str, Any] = {
        name: getattr(entry, name) for name in ENTRY_INPUT_FIELDS if name != "desa_code"
    }
    region_code = entry.region_id or ""
    values["desa_code"] = region_code if region_code.count(".") == 3 else ""
    return values


def normalized_nik_query(text: str) -> str:
    """The digits of a NIK someone typed into a search box."""
    return clean_nik_text(text)
