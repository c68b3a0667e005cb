"""Cleaning the values of one watchlist entry, wherever they come from.

The page form, the import of a CSV/XLSX file and the system's automatic entries all pass their
values through :func:`entry_values_clean`, so one NIK, date or passport number gets the same
Indonesian message whether it was typed at a desk or sits in row 41 of a spreadsheet. Values
may be text (as typed or read from a file) or already typed (dates, numbers from a workbook).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from benteng import identity_cleaning as cleaning
from benteng.core.nik import clean_nik_text, nik_consistency, parse_nik
from benteng.identity import region_for_identity
from benteng.identity_cleaning import text_of
from benteng.problems import FieldProblems, InputInvalid, Problems
from benteng.regions.models import Region, RegionLevel
from benteng.watchlists.categories import categories_for, category_of
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


class WatchlistEntryInvalid(InputInvalid):
    """The values of an entry are not valid; ``errors`` maps input fields to reasons."""


@dataclass
class CleanedEntry:
    """The model values of an entry, or the reasons (per input field) why they are not: a
    page or a service raises them (``problems.raise_if_any()``), an import reports them."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: Problems = field(default_factory=lambda: Problems(WatchlistEntryInvalid))

    @property
    def errors(self) -> FieldProblems:
        return self.problems.by_field

    @property
    def is_valid(self) -> bool:
        return not self.problems


def _max_length(name: str) -> int | None:
    model_field = WatchlistEntry._meta.get_field(name)
    return getattr(model_field, "max_length", None)


def _choice(value: Any, *, words: Mapping[str, str], default: str) -> str | None:
    text = text_of(value).lower()
    if not text:
        return default
    return words.get(text)


def _clean_subject(raw: dict[str, Any], result: CleanedEntry) -> str:
    subject = _choice(raw.get("subject_type"), words=_SUBJECT_WORDS, default=SubjectType.PERSON)
    if subject is None:
        result.problems.add(
            "subject_type",
            _("Subjek harus salah satu dari: orang, perusahaan, telepon (tertulis “%(value)s”).")
            % {"value": text_of(raw.get("subject_type"))},
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
        text = text_of(raw.get(name))
        if limit is not None and len(text) > limit:
            result.problems.add(
                name,
                _("Paling banyak %(limit)d karakter (tertulis %(length)d).")
                % {"limit": limit, "length": len(text)},
            )


def _clean_birth_date(raw: dict[str, Any], result: CleanedEntry, today: datetime.date) -> None:
    label = _("Tanggal lahir")
    birth_date, problem = cleaning.date_parse(raw.get("birth_date"), label=label)
    if birth_date is not None:
        problem = cleaning.birth_date_problem(birth_date, label=label, today=today)
    if problem:
        result.problems.add("birth_date", problem)
    result.values["birth_date"] = birth_date


def _clean_sex(raw: dict[str, Any], result: CleanedEntry) -> None:
    sex, problem = cleaning.sex_clean(raw.get("sex"))
    if problem:
        result.problems.add("sex", problem)
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
    text = text_of(raw.get("nik"))
    result.values["nik"] = ""
    if not text:
        return
    if subject == SubjectType.COMPANY:
        result.problems.add(
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
            result.problems.add("nik", cleaning.nik_problem_text(problem))
        return
    result.values["nik"] = info.nik
    stated_birth_date = result.values.get("birth_date")
    stated_sex = result.values.get("sex") or None
    if not as_recorded and "birth_date" not in result.problems and "sex" not in result.problems:
        for problem in nik_consistency(info, birth_date=stated_birth_date, sex=stated_sex):
            result.problems.add("nik", cleaning.nik_problem_text(problem))
    if stated_birth_date is None and "birth_date" not in result.problems:
        result.values["birth_date"] = info.birth_date
    if not stated_sex and "sex" not in result.problems:
        result.values["sex"] = info.sex


def _clean_passport(raw: dict[str, Any], result: CleanedEntry) -> None:
    passport_no, problem = cleaning.passport_no_clean(raw.get("passport_no"))
    if problem:
        result.problems.add("passport_no", problem)
    result.values["passport_no"] = passport_no


def _clean_phone(raw: dict[str, Any], result: CleanedEntry, subject: str) -> None:
    phone, problem = cleaning.phone_clean(raw.get("phone"), label=_("Nomor telepon"))
    if problem:
        result.problems.add("phone", problem)
    elif not phone and subject == SubjectType.PHONE:
        result.problems.add("phone", _("Nomor telepon wajib diisi untuk subjek nomor telepon."))
    result.values["phone"] = phone


def _clean_region(raw: dict[str, Any], result: CleanedEntry) -> None:
    """The desa when its code is given and known; otherwise the region the NIK names."""
    desa_code = text_of(raw.get("desa_code"))
    if desa_code:
        is_village = Region.objects.filter(
            code=desa_code, level__in=[RegionLevel.DESA, RegionLevel.KELURAHAN]
        ).exists()
        if not is_village:
            result.problems.add(
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
    expires_on, problem = cleaning.date_parse(
        raw.get("expires_on"), label=_("Tanggal berlaku sampai")
    )
    if problem:
        result.problems.add("expires_on", problem)
    elif expires_on is not None and expires_on < today and expires_on != previous:
        result.problems.add(
            "expires_on",
            _(
                "Tanggal berlaku sampai (%(date)s) sudah lewat; entri yang tidak berlaku lagi "
                "diakhiri dengan tombol “Akhiri masa berlaku”."
            )
            % {"date": expires_on.strftime("%d-%m-%Y")},
        )
    result.values["expires_on"] = expires_on


def _clean_category(
    raw: dict[str, Any],
    result: CleanedEntry,
    watchlist: Watchlist,
    *,
    as_recorded: bool,
    previous_category: str,
) -> None:
    """One of the list kind's categories (as the picklist spells it). Categories written by
    the system from a decision, and the category an edited entry already had, are kept."""
    text = text_of(raw.get("category"))
    if not text or as_recorded or text == previous_category:
        return
    category = category_of(watchlist.kind, text)
    if category is None:
        result.problems.add(
            "category",
            _("Kategori “%(value)s” tidak dikenal untuk daftar ini; pilih salah satu: %(choices)s.")
            % {"value": text[:120], "choices": "; ".join(categories_for(watchlist.kind))},
        )
        return
    result.values["category"] = category


def _clean_texts(
    raw: dict[str, Any], result: CleanedEntry, subject: str, watchlist: Watchlist
) -> None:
    name = text_of(raw.get("full_name"))
    if not name and subject != SubjectType.PHONE:
        if subject == SubjectType.COMPANY:
            result.problems.add("full_name", _("Nama perusahaan wajib diisi."))
        else:
            result.problems.add("full_name", _("Nama lengkap wajib diisi."))
    result.values["full_name"] = name
    for plain in ("birth_place", "address", "licence_number", "category", "contact"):
        result.values[plain] = text_of(raw.get(plain))
    result.values["licence_number"] = result.values["licence_number"].upper()
    if not result.values["category"]:
        result.problems.add("category", _("Kategori alasan wajib diisi."))
    legal_basis = text_of(raw.get("legal_basis")) or watchlist.default_legal_basis
    if not legal_basis:
        result.problems.add("legal_basis", _("Dasar hukum wajib diisi."))
    result.values["legal_basis"] = legal_basis
    # Multi-line texts keep their line breaks.
    instruction = str(raw.get("instruction") or "").strip() or watchlist.default_instruction
    if not instruction:
        result.problems.add("instruction", _("Instruksi bila hit wajib diisi."))
    result.values["instruction"] = instruction
    result.values["contact"] = result.values["contact"] or watchlist.default_contact
    result.values["internal_notes"] = str(raw.get("internal_notes") or "").strip()


def entry_values_clean(
    *,
    watchlist: Watchlist,
    raw: dict[str, Any],
    today: datetime.date | None = None,
    previous_expires_on: datetime.date | None = None,
    previous_category: str = "",
    as_recorded: bool = False,
) -> CleanedEntry:
    """Clean the values of one entry of ``watchlist``; every problem is reported, in Indonesian.

    Blank instruction, contact and legal basis take the list's defaults. ``previous_expires_on``
    is the stored expiry of an entry being edited: keeping a date already past is allowed,
    setting a new one in the past is not; ``previous_category`` likewise keeps a category
    given before the picklist existed. ``as_recorded`` is for values copied from a record
    Benteng holds (a decision on an application): its NIK is kept even when not valid.
    """
    today = today or timezone.localdate()
    result = CleanedEntry()
    subject = _clean_subject(raw, result)
    result.values["subject_type"] = subject
    sharing = _choice(raw.get("sharing_level"), words=_SHARING_WORDS, default=SharingLevel.HIT)
    if sharing is None:
        result.problems.add(
            "sharing_level",
            _("Tingkat berbagi harus “hit” atau “pemilik” (tertulis “%(value)s”).")
            % {"value": text_of(raw.get("sharing_level"))},
        )
        sharing = SharingLevel.HIT
    result.values["sharing_level"] = sharing
    _clean_lengths(raw, result)
    _clean_texts(raw, result, subject, watchlist)
    _clean_category(
        raw, result, watchlist, as_recorded=as_recorded, previous_category=previous_category
    )
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
