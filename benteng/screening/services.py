"""Screening a passport applicant at the Kanim counter and a passenger at the TPI.

One call does everything the officer needs while the person waits, in one transaction:

1. save the application (or departure check) with a reference number, the office of the
   viewer and who entered it (a person or a client system);
2. search the screening index: watchlist entries that may be this person, and earlier
   applications and departure checks about them at every office; compare the sponsor,
   employer and placement company named, and their phone numbers, with the police lists;
3. count other applicants naming the same sponsor or phone recently (group pattern);
4. check the NIK against the stated birth date and sex;
5. score the facts with the current risk rules (:mod:`benteng.core.risk`) — the score
   supports the officer, it never decides;
6. save the :class:`ScreeningResult` and write the audit trail (the record written, the
   watchlist entries and earlier events read, purpose "penyaringan");
7. after the commit, put the new record among the earlier events of the index.

Another office's record is never shown: an earlier event carries its office, date, status,
decision, reason and due date only. A watchlist entry is shown as a *hit* (the fields every
agency may see), never its internal notes.

Repeating a request with the same ``idempotency_key`` (per client system or per user) returns
the first result without writing a second record; reusing a key with other values raises
:class:`IdempotencyKeyReused`.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency, Office
from benteng.audit.models import AuditAction
from benteng.audit.services import (
    AuditItem,
    InStatement,
    actor_for_viewer,
    audit_in_statement,
    audit_insert_sql,
    audit_record_many,
    audit_record_read,
    audit_written,
    object_type_of,
)
from benteng.core.index import DEFAULT_THRESHOLD
from benteng.core.names import NAME_MATCH_THRESHOLD, name_key, name_similarity
from benteng.core.nik import NikProblem, banten_region_name, nik_consistency, parse_nik
from benteng.core.phones import normalize_phone
from benteng.core.records import IdentityRecord, normalize_passport_no, normalize_sex
from benteng.core.risk import (
    OBSERVATION_LABELS,
    EventFact,
    HitFact,
    RiskAssessment,
    RiskFacts,
    assess,
    rule_parameter,
)
from benteng.identity import region_code_for_identity
from benteng.people.sources import SourceMatch
from benteng.regions.selectors import is_village_code
from benteng.rows import Columns, fetch, insert, json_insert, json_row, jsonb, one_of, table
from benteng.rows import cursor as rows_cursor  # "cursor" alone would shadow local names
from benteng.screening.identity_sources import APPLICATIONS, DEPARTURE_CHECKS
from benteng.screening.models import (
    ApplicationDecision,
    DepartureCheck,
    PassportApplication,
    ScreeningResult,
    TravelDocument,
    TravelPurpose,
)
from benteng.screening.rules import destination_country_codes, rules_and_moratorium_current
from benteng.watchlists.access import HIT_FIELDS
from benteng.watchlists.models import SharingLevel, SubjectType, Watchlist, WatchlistEntry
from benteng.watchlists.selectors import watchlist_entries_for_hits
from benteng.watchlists.services import hit_view

PURPOSE = "penyaringan"
APPLICATION = "application"
DEPARTURE = "departure"
POLICE = "polri"
IMMIGRATION = "imigrasi"
APPLICATION_SCREENER_ROLES = frozenset({"petugas_imigrasi"})
DEPARTURE_SCREENER_ROLES = frozenset({"petugas_tpi"})
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
WATCHLIST_TOP = 10
EVENTS_TOP = 20
SPONSOR_TOP = 10
MAX_IDEMPOTENCY_KEY_LENGTH = 100
# What a stored hit keeps besides HIT_FIELDS: the same for every later reader of the result.
HIT_EXTRA_FIELDS = (
    "index_id",
    "in_force",
    "watchlist_kind",
    "watchlist_kind_label",
    "watchlist_name",
    "owner_agency",
    "owner_office_name",
    "subject_type_label",
)
_DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FLIGHT = re.compile(r"^[A-Z0-9]{2}\d{1,4}[A-Z]?$")
_TRUE_WORDS = frozenset({"1", "true", "ya", "y", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "tidak", "t", "no", "n", "off"})
# Words of a company's legal form, left out when company names are compared.
COMPANY_FORM_WORDS = frozenset(
    {"pt", "cv", "ud", "tbk", "persero", "fa", "firma", "koperasi", "kop", "perusahaan", "lpk"}
)
_COMPANY_WORD = re.compile(r"[a-z0-9]+")


# --- errors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A sentence for the officer in Bahasa Indonesia and English."""

    id: str
    en: str

    def text(self, language: str | None = None) -> str:
        chosen = language or get_language() or "id"
        return self.en if chosen.startswith("en") else self.id


class ScreeningInputInvalid(ValidationError):
    """The values typed or posted are not valid; ``errors`` maps each field to its messages
    in the active language (Bahasa Indonesia unless English is active), ``errors_en`` in
    English, ``problems`` to both."""

    def __init__(self, problems: Mapping[str, Sequence[Message]]) -> None:
        self.problems = {name: list(messages) for name, messages in problems.items()}
        self.errors = {
            name: [message.text() for message in messages]
            for name, messages in self.problems.items()
        }
        self.errors_en = {
            name: [message.en for message in messages] for name, messages in self.problems.items()
        }
        super().__init__(self.errors)


class ScreeningRefused(PermissionDenied):
    """The viewer may not screen here (wrong role, no office)."""


class IdempotencyKeyReused(Exception):
    """The idempotency key was used before, by the same client or user, with other values."""

    message = Message(
        "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi yang berbeda.",
        "This Idempotency-Key was already used for a request with a different body.",
    )


# --- input ---------------------------------------------------------------------------------

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "nik": ("NIK", "NIK"),
    "full_name": ("Nama lengkap", "Full name"),
    "birth_date": ("Tanggal lahir", "Birth date"),
    "birth_place": ("Tempat lahir", "Birth place"),
    "sex": ("Jenis kelamin", "Sex"),
    "address": ("Alamat", "Address"),
    "desa_code": ("Kode desa/kelurahan", "Desa/kelurahan code"),
    "phone": ("Nomor telepon", "Phone number"),
    "passport_no": ("Nomor paspor", "Passport number"),
    "purpose": ("Tujuan perjalanan", "Purpose of travel"),
    "destination_country": ("Negara tujuan", "Destination country"),
    "sponsor_name": ("Sponsor/penjamin", "Sponsor"),
    "sponsor_phone": ("Telepon sponsor", "Sponsor's phone"),
    "employer_name": ("Pemberi kerja", "Employer"),
    "placement_company": ("Perusahaan penempatan", "Placement company"),
    "documents": ("Dokumen", "Documents"),
    "flight_number": ("Nomor penerbangan", "Flight number"),
    "has_return_ticket": ("Tiket pulang", "Return ticket"),
    "former_migrant_worker": ("Mantan PMI", "Former migrant worker"),
    "observations": ("Pengamatan petugas", "Officer's observations"),
}
MAX_LENGTHS = {
    "full_name": 200,
    "birth_place": 100,
    "address": 300,
    "sponsor_name": 200,
    "employer_name": 200,
    "placement_company": 200,
}


class _Cleaner:
    """Reads raw values (form or JSON) field by field and collects every problem."""

    def __init__(self, raw: Mapping[str, Any], today: datetime.date) -> None:
        self.raw = raw
        self.today = today
        self.problems: dict[str, list[Message]] = {}

    def add(self, name: str, message: Message) -> None:
        self.problems.setdefault(name, []).append(message)

    def raise_if_invalid(self) -> None:
        if self.problems:
            raise ScreeningInputInvalid(self.problems)

    def _raw_text(self, name: str) -> str:
        value = self.raw.get(name)
        if value is None:
            return ""
        return str(value).strip()

    def required(self, name: str) -> None:
        label = FIELD_LABELS[name]
        self.add(name, Message(f"{label[0]} wajib diisi.", f"{label[1]} is required."))

    def text(self, name: str, *, required: bool = False) -> str:
        text = " ".join(self._raw_text(name).split())
        if not text and required:
            self.required(name)
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(text) > limit:
            label = FIELD_LABELS[name]
            self.add(
                name,
                Message(
                    f"{label[0]} paling panjang {limit} karakter (tertulis {len(text)}).",
                    f"{label[1]} may be at most {limit} characters long ({len(text)} given).",
                ),
            )
        return text

    def date(self, name: str, *, required: bool = False) -> datetime.date | None:
        value = self.raw.get(name)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            parsed: datetime.date | None = value
        else:
            parsed = self._parse_date_text(name, self._raw_text(name), required=required)
        if parsed is None:
            return None
        label = FIELD_LABELS[name]
        if parsed > self.today:
            self.add(
                name,
                Message(f"{label[0]} ada di masa depan.", f"{label[1]} is in the future."),
            )
            return None
        if parsed < EARLIEST_BIRTH_DATE:
            self.add(
                name,
                Message(
                    f"{label[0]} sebelum tahun 1900 tidak mungkin.",
                    f"{label[1]} before 1900 is not possible.",
                ),
            )
            return None
        return parsed

    def _parse_date_text(self, name: str, text: str, *, required: bool) -> datetime.date | None:
        label = FIELD_LABELS[name]
        if not text:
            if required:
                self.required(name)
            return None
        dmy, iso = _DATE_DMY.match(text), _DATE_ISO.match(text)
        if dmy is not None:
            day, month, year = int(dmy.group(1)), int(dmy.group(2)), int(dmy.group(3))
        elif iso is not None:
            year, month, day = int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
        else:
            self.add(
                name,
                Message(
                    f"{label[0]} harus ditulis HH-BB-TTTT, misalnya 17-08-1990 "
                    f"(tertulis “{text}”).",
                    f"{label[1]} must be written DD-MM-YYYY, for example 17-08-1990 "
                    f"(“{text}” given).",
                ),
            )
            return None
        try:
            return datetime.date(year, month, day)
        except ValueError:
            self.add(
                name,
                Message(
                    f"{label[0]} “{text}” tidak ada di kalender (periksa tanggal dan bulannya).",
                    f"{label[1]} “{text}” does not exist in the calendar (check day and month).",
                ),
            )
            return None

    def nik(self, *, required: bool) -> str:
        text = self._raw_text("nik")
        if not text:
            if required:
                self.required("nik")
            return ""
        info, problems = parse_nik(text, today=self.today)
        if info is None:
            for problem in problems:
                self.add("nik", Message(problem.message, problem.message_en))
            return ""
        # A NIK that can be read but names an unknown region or serial 0000 is kept: the
        # NIK check reports it to the officer as an indicator, it does not block screening.
        return info.nik

    def sex(self, *, required: bool) -> str:
        text = self._raw_text("sex")
        if not text:
            if required:
                self.required("sex")
            return ""
        sex = normalize_sex(text)
        if sex is None:
            self.add(
                "sex",
                Message(
                    f"Jenis kelamin harus L (laki-laki) atau P (perempuan) (tertulis “{text}”).",
                    f"Sex must be L (male) or P (female) (“{text}” given).",
                ),
            )
            return ""
        return sex

    def passport_no(self, *, required: bool) -> str:
        text = self._raw_text("passport_no")
        if not text:
            if required:
                self.required("passport_no")
            return ""
        passport_no = normalize_passport_no(text)
        if passport_no is None:
            self.add(
                "passport_no",
                Message(
                    f"Nomor paspor “{text}” tidak sah: harus 6-12 huruf atau angka tanpa tanda "
                    "baca, misalnya C1234567.",
                    f"Passport number “{text}” is not valid: it must be 6-12 letters or digits "
                    "without punctuation, for example C1234567.",
                ),
            )
            return ""
        return passport_no

    def phone(self, name: str) -> str:
        text = self._raw_text(name)
        if not text:
            return ""
        phone = normalize_phone(text)
        if phone is None:
            label = FIELD_LABELS[name]
            self.add(
                name,
                Message(
                    f"{label[0]} “{text}” bukan nomor Indonesia yang sah (contoh 0812-3456-7890 "
                    "atau +62 812 3456 7890).",
                    f"{label[1]} “{text}” is not a valid Indonesian number (for example "
                    "0812-3456-7890 or +62 812 3456 7890).",
                ),
            )
            return ""
        return phone

    def purpose(self, *, required: bool) -> str:
        text = self._raw_text("purpose").lower()
        if not text:
            if required:
                self.required("purpose")
            return ""
        if text not in TravelPurpose.values:
            allowed = ", ".join(TravelPurpose.values)
            self.add(
                "purpose",
                Message(
                    f"Tujuan perjalanan “{text}” tidak dikenal; pilih salah satu: {allowed}.",
                    f"Unknown purpose of travel “{text}”; choose one of: {allowed}.",
                ),
            )
            return ""
        return text

    def country(self, *, required: bool) -> str:
        text = self._raw_text("destination_country").upper()
        if not text:
            if required:
                self.required("destination_country")
            return ""
        if text not in destination_country_codes():
            self.add(
                "destination_country",
                Message(
                    f"Negara tujuan “{text}” tidak ada dalam daftar negara tujuan (kode ISO dua "
                    "huruf, misalnya MY atau SA).",
                    f"Destination country “{text}” is not in the list of destinations (two-letter "
                    "ISO code, for example MY or SA).",
                ),
            )
            return ""
        return text

    def _codes(self, name: str) -> list[str]:
        value = self.raw.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            items = value.split(",")
        elif isinstance(value, Iterable):
            items = list(value)
        else:
            items = [value]
        codes: list[str] = []
        for item in items:
            code = str(item).strip().lower()
            if code and code not in codes:
                codes.append(code)
        return codes

    def documents(self) -> list[str]:
        codes = self._codes("documents")
        unknown = [code for code in codes if code not in TravelDocument.values]
        if unknown:
            self.add(
                "documents",
                Message(
                    f"Dokumen tidak dikenal: {', '.join(unknown)}.",
                    f"Unknown documents: {', '.join(unknown)}.",
                ),
            )
        return [code for code in codes if code in TravelDocument.values]

    def observations(self) -> list[str]:
        codes = self._codes("observations")
        unknown = [code for code in codes if code not in OBSERVATION_LABELS]
        if unknown:
            self.add(
                "observations",
                Message(
                    f"Pengamatan tidak dikenal: {', '.join(unknown)}.",
                    f"Unknown observations: {', '.join(unknown)}.",
                ),
            )
        return [code for code in codes if code in OBSERVATION_LABELS]

    def desa_code(self) -> str:
        text = self._raw_text("desa_code")
        if not text:
            return ""
        if not is_village_code(text):
            self.add(
                "desa_code",
                Message(
                    f"Kode “{text}” bukan kode desa/kelurahan di Banten (contoh 36.03.07.2001).",
                    f"“{text}” is not the code of a desa/kelurahan in Banten (for example "
                    "36.03.07.2001).",
                ),
            )
            return ""
        return text

    def flag(self, name: str) -> bool | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE_WORDS:
            return True
        if text in _FALSE_WORDS:
            return False
        label = FIELD_LABELS[name]
        self.add(
            name,
            Message(
                f"{label[0]} harus ya atau tidak (tertulis “{value}”).",
                f"{label[1]} must be yes or no (“{value}” given).",
            ),
        )
        return None

    def flight_number(self) -> str:
        text = self._raw_text("flight_number").upper().replace(" ", "")
        if not text:
            return ""
        if not _FLIGHT.match(text):
            self.add(
                "flight_number",
                Message(
                    f"Nomor penerbangan “{text}” tidak sah (contoh GA820 atau QZ7512).",
                    f"Flight number “{text}” is not valid (for example GA820 or QZ7512).",
                ),
            )
            return ""
        return text


def _fingerprint(values: Mapping[str, Any]) -> str:
    """SHA-256 of the cleaned values, so equal requests written differently count as equal."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApplicationInput:
    """A passport applicant as typed at the counter or posted by a client system, cleaned.

    Build it with :meth:`from_raw`, which reports every problem at once.
    """

    nik: str
    full_name: str
    birth_date: datetime.date
    sex: str
    purpose: str
    destination_country: str
    birth_place: str = ""
    address: str = ""
    desa_code: str = ""
    phone: str = ""
    passport_no: str = ""
    sponsor_name: str = ""
    sponsor_phone: str = ""
    employer_name: str = ""
    placement_company: str = ""
    documents: tuple[str, ...] = ()
    former_migrant_worker: bool | None = None
    observations: tuple[str, ...] = ()

    @classmethod
    def from_raw(
        cls, raw: Mapping[str, Any], *, today: datetime.date | None = None
    ) -> ApplicationInput:
        """Clean form or JSON values; raises :class:`ScreeningInputInvalid` with every problem."""
        cleaner = _Cleaner(raw, today or timezone.localdate())
        values: dict[str, Any] = {
            "nik": cleaner.nik(required=True),
            "full_name": cleaner.text("full_name", required=True),
            "birth_date": cleaner.date("birth_date", required=True),
            "sex": cleaner.sex(required=True),
            "purpose": cleaner.purpose(required=True),
            "destination_country": cleaner.country(required=True),
            "birth_place": cleaner.text("birth_place"),
            "address": cleaner.text("address"),
            "desa_code": cleaner.desa_code(),
            "phone": cleaner.phone("phone"),
            "passport_no": cleaner.passport_no(required=False),
            "sponsor_name": cleaner.text("sponsor_name"),
            "sponsor_phone": cleaner.phone("sponsor_phone"),
            "employer_name": cleaner.text("employer_name"),
            "placement_company": cleaner.text("placement_company"),
            "documents": tuple(cleaner.documents()),
            "former_migrant_worker": cleaner.flag("former_migrant_worker"),
            "observations": tuple(cleaner.observations()),
        }
        cleaner.raise_if_invalid()
        return cls(**values)

    def fingerprint(self) -> str:
        return _fingerprint({APPLICATION: asdict(self)})


@dataclass(frozen=True)
class DepartureInput:
    """A departing passenger at the TPI: a passport number and a name, and what else is known.

    Build it with :meth:`from_raw`, which reports every problem at once.
    """

    passport_no: str
    full_name: str
    birth_date: datetime.date | None = None
    sex: str = ""
    nik: str = ""
    phone: str = ""
    flight_number: str = ""
    destination_country: str = ""
    purpose: str = ""
    documents: tuple[str, ...] = ()
    has_return_ticket: bool | None = None
    former_migrant_worker: bool | None = None
    observations: tuple[str, ...] = ()

    @classmethod
    def from_raw(
        cls, raw: Mapping[str, Any], *, today: datetime.date | None = None
    ) -> DepartureInput:
        """Clean form or JSON values; raises :class:`ScreeningInputInvalid` with every problem."""
        cleaner = _Cleaner(raw, today or timezone.localdate())
        values: dict[str, Any] = {
            "passport_no": cleaner.passport_no(required=True),
            "full_name": cleaner.text("full_name", required=True),
            "birth_date": cleaner.date("birth_date"),
            "sex": cleaner.sex(required=False),
            "nik": cleaner.nik(required=False),
            "phone": cleaner.phone("phone"),
            "flight_number": cleaner.flight_number(),
            "destination_country": cleaner.country(required=False),
            "purpose": cleaner.purpose(required=False),
            "documents": tuple(cleaner.documents()),
            "has_return_ticket": cleaner.flag("has_return_ticket"),
            "former_migrant_worker": cleaner.flag("former_migrant_worker"),
            "observations": tuple(cleaner.observations()),
        }
        cleaner.raise_if_invalid()
        return cls(**values)

    def fingerprint(self) -> str:
        return _fingerprint({DEPARTURE: asdict(self)})


# --- the outcome ---------------------------------------------------------------------------


@dataclass
class ScreeningOutcome:
    """Everything the counter or the TPI page shows, and what the API returns."""

    kind: str  # "application" | "departure"
    record: PassportApplication | DepartureCheck
    result: ScreeningResult
    hits: list[dict[str, Any]]
    earlier_events: list[dict[str, Any]]
    nik_check: dict[str, Any]
    indicators: list[dict[str, Any]]
    not_evaluated: list[dict[str, Any]]
    risk_score: int
    risk_band: str
    rule_set_version: int | None
    server_milliseconds: float
    replayed: bool = False
    police_hit: bool = False
    instructions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def application(self) -> PassportApplication | None:
        return self.record if isinstance(self.record, PassportApplication) else None

    @property
    def departure_check(self) -> DepartureCheck | None:
        return self.record if isinstance(self.record, DepartureCheck) else None


def _instructions(hits: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What each hit asks the officer to do, once per distinct instruction."""
    seen: set[tuple[str, str]] = set()
    instructions = []
    for hit in hits:
        key = (str(hit.get("instruction", "")), str(hit.get("contact", "")))
        if not key[0] or key in seen:
            continue
        seen.add(key)
        instructions.append(
            {
                "instruction": key[0],
                "contact": key[1],
                "owner_office_name": hit.get("owner_office_name", ""),
                "watchlist_name": hit.get("watchlist_name", ""),
            }
        )
    return instructions


def outcome_from_result(
    *,
    viewer: Viewer,
    record: PassportApplication | DepartureCheck,
    result: ScreeningResult,
    replayed: bool = False,
) -> ScreeningOutcome:
    """The outcome of a saved screening, as this viewer may see it (for replays and reads).

    Stored hits carry only what every agency may see; ``is_owner`` is the reader's own.
    Earlier events name another office's record only for readers of that office.
    """
    hits = [
        {**hit, "is_owner": hit.get("owner_agency") == viewer.agency_kind} for hit in result.hits
    ]
    events = [
        {**event, "record_id": event.get("record_id") if _same_office(viewer, event) else None}
        for event in result.earlier_events
    ]
    return ScreeningOutcome(
        kind=APPLICATION if isinstance(record, PassportApplication) else DEPARTURE,
        record=record,
        result=result,
        hits=hits,
        earlier_events=events,
        nik_check=dict(result.nik_check),
        indicators=list(result.indicators),
        not_evaluated=list(result.not_evaluated),
        risk_score=result.risk_score,
        risk_band=result.risk_band,
        rule_set_version=result.rule_set.number if result.rule_set is not None else None,
        server_milliseconds=result.server_milliseconds,
        replayed=replayed,
        police_hit=any(hit.get("owner_agency") == POLICE for hit in hits),
        instructions=_instructions(hits),
    )


def _same_office(viewer: Viewer, event: Mapping[str, Any]) -> bool:
    return viewer.office_id is not None and event.get("office_id") == viewer.office_id


# --- who may screen ------------------------------------------------------------------------


def can_screen_applications(viewer: Viewer) -> bool:
    """Passport officers of a Kanim (or a client system registered with that role)."""
    return (
        viewer.agency_kind == IMMIGRATION
        and viewer.role in APPLICATION_SCREENER_ROLES
        and viewer.office_id is not None
    )


def can_screen_departures(viewer: Viewer) -> bool:
    """Border officers of a TPI (or a client system registered with that role)."""
    return (
        viewer.agency_kind == IMMIGRATION
        and viewer.role in DEPARTURE_SCREENER_ROLES
        and viewer.office_id is not None
    )


def _office_of(viewer: Viewer) -> int:
    """The office a screening is recorded at: always the viewer's own."""
    if viewer.office_id is None:
        raise ScreeningRefused(
            Message(
                "Akun ini tidak terikat pada kantor mana pun.",
                "This account is not attached to any office.",
            ).text()
        )
    return viewer.office_id


def _check_idempotency_key(key: str) -> str:
    key = key.strip()
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ScreeningInputInvalid(
            {
                "idempotency_key": [
                    Message(
                        f"Idempotency-Key paling panjang {MAX_IDEMPOTENCY_KEY_LENGTH} karakter.",
                        f"The Idempotency-Key may be at most {MAX_IDEMPOTENCY_KEY_LENGTH} "
                        "characters long.",
                    )
                ]
            }
        )
    return key


# --- matching the sponsor, employer and company against police lists -----------------------


def _company_words(name: str) -> str:
    """A company name without its legal form and punctuation: "PT. Maju-Jaya" → "maju jaya"."""
    words = _COMPANY_WORD.findall(name.lower())
    return " ".join(word for word in words if word not in COMPANY_FORM_WORDS)


# Rows changed this long before the newest change seen are read again on a refresh: a write
# committed late by another process may carry an earlier ``updated_at``.
COMPANY_REFRESH_OVERLAP = datetime.timedelta(seconds=60)


class CompanyNames:
    """The police's company entries in force and shared as hits, by name word, in memory.

    Company entries are not in the screening index (it holds persons). Before each search a
    cheap query (the newest ``updated_at`` and the highest id of all entries, both indexed)
    tells whether anything changed; only the changed rows are read again. A new day, or a
    database that went back (tests roll back), rebuilds everything.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: dict[int, str] = {}
        self._by_word: dict[str, set[int]] = {}
        self._state: tuple[datetime.date, datetime.datetime | None, int | None] | None = None

    def _columns(self) -> models.QuerySet[WatchlistEntry, tuple[Any, ...]]:
        return WatchlistEntry.objects.values_list(
            "pk",
            "full_name",
            "subject_type",
            "sharing_level",
            "removed_at",
            "expires_on",
            "watchlist__owner_agency__kind",
        )

    def _discard(self, pk: int) -> None:
        words = self._names.pop(pk, None)
        for word in (words or "").split():
            holders = self._by_word.get(word)
            if holders is not None:
                holders.discard(pk)

    def _apply(self, row: tuple[Any, ...], today: datetime.date) -> None:
        pk, full_name, subject_type, sharing_level, removed_at, expires_on, agency = row
        self._discard(pk)
        if subject_type != SubjectType.COMPANY or agency != POLICE:
            return
        if sharing_level != SharingLevel.HIT or removed_at is not None:
            return
        if expires_on is not None and expires_on < today:
            return
        words = _company_words(full_name)
        if not words:
            return
        self._names[pk] = words
        for word in words.split():
            self._by_word.setdefault(word, set()).add(pk)

    def _refresh(self) -> None:
        # Two ordered single-row reads in one statement: each walks one index (one MAX over
        # two columns would scan the table on SQLite).
        marks = Columns.of(WatchlistEntry, "e", ("id", "updated_at"))
        entries = table(WatchlistEntry)
        newest: WatchlistEntry = marks.instance(
            fetch(
                f"SELECT (SELECT id FROM {entries} ORDER BY id DESC LIMIT 1), "  # noqa: S608 - model names
                f"(SELECT updated_at FROM {entries} ORDER BY updated_at DESC LIMIT 1)"
            )[0]
        )
        latest, top = newest.updated_at, newest.pk
        today = timezone.localdate()
        state = (today, latest, top)
        if state == self._state:
            return
        previous = self._state
        went_back = previous is not None and (
            (latest or _EPOCH) < (previous[1] or _EPOCH) or (top or 0) < (previous[2] or 0)
        )
        if previous is None or previous[0] != today or went_back:
            self._names, self._by_word = {}, {}
            rows = self._columns().filter(subject_type=SubjectType.COMPANY)
        else:
            changed = Q(pk__gt=previous[2] or 0)
            if previous[1] is not None:
                changed |= Q(updated_at__gte=previous[1] - COMPANY_REFRESH_OVERLAP)
            rows = self._columns().filter(changed)
        for row in rows:
            self._apply(row, today)
        self._state = state

    def matches(self, names: Sequence[str]) -> list[list[tuple[int, float]]]:
        """For each name, the entries whose name may be that company's: (entry pk,
        similarity), best first. One freshness check for all the names."""
        wanted = [_company_words(name) for name in names]
        if not any(wanted):
            return [[] for _ in names]
        with self._lock:
            self._refresh()
            named = [
                [
                    (pk, self._names[pk])
                    for pk in set().union(
                        *(self._by_word.get(word, set()) for word in words.split())
                    )
                ]
                for words in wanted
            ]
        results = []
        for words, candidates in zip(wanted, named, strict=True):
            found = []
            for pk, entry_words in candidates:
                similarity = name_similarity(words, entry_words)
                if similarity >= NAME_MATCH_THRESHOLD:
                    found.append((pk, similarity))
            results.append(sorted(found, key=lambda match: (-match[1], match[0])))
        return results

    def reset(self) -> None:
        """Forget everything (tests: the database was rolled back)."""
        with self._lock:
            self._names, self._by_word, self._state = {}, {}, None


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
company_names = CompanyNames()


def company_matches(name: str) -> list[tuple[int, float]]:
    """Police company entries whose name may be this company: (entry pk, similarity)."""
    return company_names.matches([name])[0]


@dataclass
class _Match:
    """One watchlist entry that matched, on what, and how well."""

    entry_id: int
    matched_on: str
    score: float
    reasons: str = ""
    reasons_en: str = ""
    matched_via: list[str] = field(default_factory=list)


class _Matches:
    def __init__(self) -> None:
        self.by_entry: dict[int, _Match] = {}

    def add(
        self,
        entry_id: int,
        matched_on: str,
        score: float,
        *,
        reasons: str = "",
        reasons_en: str = "",
    ) -> None:
        match = self.by_entry.get(entry_id)
        if match is None:
            self.by_entry[entry_id] = _Match(
                entry_id, matched_on, score, reasons, reasons_en, [matched_on]
            )
            return
        if matched_on not in match.matched_via:
            match.matched_via.append(matched_on)
        if score > match.score:
            match.matched_on, match.score = matched_on, score
            match.reasons, match.reasons_en = reasons, reasons_en


def _police_entries(
    viewer: Viewer, columns: str, condition: str, params: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """``(id, *columns)`` of the police entries meeting ``condition`` that this viewer may be
    told about: shared as hits, or of the viewer's own agency. In plain SQL (see
    benteng.rows): most screenings name a phone number or a sponsor."""
    return fetch(
        f"SELECT e.id, {columns} FROM {table(WatchlistEntry)} e "  # noqa: S608 - model names
        f"JOIN {table(Watchlist)} w ON w.id = e.watchlist_id "
        f"JOIN {table(Agency)} g ON g.id = w.owner_agency_id "
        f"WHERE {condition} AND g.kind = %s AND (e.sharing_level = %s OR g.kind = %s)",
        [*params, POLICE, SharingLevel.HIT.value, viewer.agency_kind or ""],
    )


def _phone_matches(viewer: Viewer, matches: _Matches, phones: Mapping[str, str]) -> None:
    """Direct lookups of the phone numbers named among police entries of every subject type.

    ``phones`` maps a normalised number to what it belongs to ("sponsor" or "person"); the
    applicant's own number is looked up among phone and company entries only (person entries
    are in the index, where the phone is one feature among others).
    """
    if not phones:
        return
    among, numbers = one_of("e.phone", list(phones), "text")
    rows = _police_entries(
        viewer,
        "e.phone, e.subject_type",
        f"{among} AND e.removed_at IS NULL AND (e.expires_on IS NULL OR e.expires_on >= %s)",
        [*numbers, connection.ops.adapt_datefield_value(timezone.localdate())],
    )
    for pk, phone, subject_type in rows:
        owner = phones[phone]
        if owner == "person" and subject_type == SubjectType.PERSON:
            continue
        matches.add(
            pk,
            "phone",
            1.0,
            reasons=f"Nomor telepon {phone} sama",
            reasons_en=f"Phone number {phone} is the same",
        )


def _sponsor_person_matches(
    viewer: Viewer, matches: _Matches, backend: Any, sponsor_name: str, sponsor_phone: str
) -> None:
    """The sponsor named against police person entries: candidates from the index, judged on
    the name (the only thing known of a sponsor besides the phone)."""
    if not sponsor_name:
        return
    query = IdentityRecord(id="sponsor", name=sponsor_name, phone=sponsor_phone or None)
    candidates = backend.search_watchlist(query, top=SPONSOR_TOP, reader_agency=viewer.agency_kind)
    ids = [candidate.ref.pk for candidate in candidates]
    if not ids:
        return
    among, params = one_of("e.id", ids, "bigint")
    names = dict(_police_entries(viewer, "e.full_name", among, params))
    for pk in ids:
        if pk not in names:
            continue
        similarity = name_similarity(sponsor_name, names[pk])
        if similarity >= NAME_MATCH_THRESHOLD:
            matches.add(
                pk,
                "sponsor",
                similarity,
                reasons=f"Nama sponsor mirip (kemiripan {similarity:.2f})".replace(".", ",", 1),
                reasons_en=f"Sponsor's name similar (similarity {similarity:.2f})",
            )


def _company_name_matches(matches: _Matches, names: Mapping[str, str]) -> None:
    """The companies (and the sponsor) named against police company entries."""
    if not names:
        return
    found = company_names.matches(list(names))
    for matched_on, name_matches in zip(names.values(), found, strict=True):
        for pk, similarity in name_matches:
            matches.add(
                pk,
                matched_on,
                similarity,
                reasons=f"Nama perusahaan mirip (kemiripan {similarity:.2f})".replace(".", ",", 1),
                reasons_en=f"Company name similar (similarity {similarity:.2f})",
            )


def _person_matches(matches: _Matches, candidates: Sequence[SourceMatch]) -> None:
    for candidate in candidates:
        matches.add(
            candidate.ref.pk,
            "person",
            candidate.score,
            reasons=candidate.comparison.reasons(language="id"),
            reasons_en=candidate.comparison.reasons(language="en"),
        )


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _hits(viewer: Viewer, matches: _Matches) -> tuple[list[dict[str, Any]], list[WatchlistEntry]]:
    """Each matched entry as a hit (the fields every agency may see), best first."""
    if not matches.by_entry:
        return [], []
    entries = watchlist_entries_for_hits(entry_ids=list(matches.by_entry))
    hits: list[dict[str, Any]] = []
    read: list[WatchlistEntry] = []
    for match in sorted(matches.by_entry.values(), key=lambda match: -match.score):
        entry = entries.get(match.entry_id)
        if entry is None or not entry.in_force():
            continue
        view = hit_view(viewer=viewer, entry=entry)
        kept = {name: _json_safe(view[name]) for name in HIT_FIELDS if name in view}
        kept.update({name: _json_safe(view[name]) for name in HIT_EXTRA_FIELDS if name in view})
        kept.update(
            {
                "is_owner": bool(view.get("is_owner")),
                "matched_on": match.matched_on,
                "matched_via": list(match.matched_via),
                "score": round(match.score, 4),
                "match_reasons": match.reasons,
                "match_reasons_en": match.reasons_en,
            }
        )
        hits.append(kept)
        read.append(entry)
    return hits, read


def _hit_facts(hits: Sequence[Mapping[str, Any]]) -> list[HitFact]:
    return [
        HitFact(
            watchlist_kind=str(hit["watchlist_kind"]),
            owner_agency=str(hit["owner_agency"]),
            category=str(hit.get("category", "")),
            score=float(hit["score"]),
            matched_on=str(hit["matched_on"]),
        )
        for hit in hits
    ]


# --- earlier events ------------------------------------------------------------------------


def _days_between(earlier: datetime.datetime, now: datetime.datetime) -> int:
    return max(0, (timezone.localdate(now) - timezone.localdate(earlier)).days)


# Earlier events are read for every screening: in plain SQL (see benteng.rows), and only the
# columns an event shows.
_EVENT_APPLICATION = ("id", "office", "submitted_at", "status", "postponed_until")
_EVENT_CHECK = ("id", "office", "checked_at", "outcome")
_EVENT_OFFICE = ("id", "code", "name")


def _event_applications(
    ids: Sequence[int],
) -> list[tuple[PassportApplication, ApplicationDecision | None]]:
    """The applications with their office and latest decision (outcome and reason)."""
    application = Columns.of(PassportApplication, "a", _EVENT_APPLICATION)
    office = Columns.of(Office, "o", _EVENT_OFFICE)
    latest = (
        f"SELECT d.{{column}} FROM {table(ApplicationDecision)} d WHERE d.application_id = a.id "  # noqa: S608 - model names
        "ORDER BY d.decided_at DESC, d.id DESC LIMIT 1"
    )
    among, params = one_of("a.id", ids, "bigint")
    rows = fetch(
        f"SELECT {application.sql}, {office.sql}, ({latest.format(column='outcome')}), "  # noqa: S608 - model names
        f"({latest.format(column='reason')}) FROM {table(PassportApplication)} a "
        f"JOIN {table(Office)} o ON o.id = a.office_id WHERE {among}",
        params,
    )
    found = []
    for row in rows:
        record = application.instance(row)
        record.office = office.instance(row, application.width)
        outcome, reason = row[application.width + office.width :]
        decision = None
        if outcome is not None:
            decision = ApplicationDecision(outcome=outcome, reason=reason or "")
        found.append((record, decision))
    return found


def _event_checks(ids: Sequence[int]) -> list[DepartureCheck]:
    """The departure checks with their office."""
    check = Columns.of(DepartureCheck, "c", _EVENT_CHECK)
    office = Columns.of(Office, "o", _EVENT_OFFICE)
    among, params = one_of("c.id", ids, "bigint")
    rows = fetch(
        f"SELECT {check.sql}, {office.sql} FROM {table(DepartureCheck)} c "  # noqa: S608 - model names
        f"JOIN {table(Office)} o ON o.id = c.office_id WHERE {among}",
        params,
    )
    found = []
    for row in rows:
        record = check.instance(row)
        record.office = office.instance(row, check.width)
        found.append(record)
    return found


def _earlier_events(
    viewer: Viewer,
    candidates: Sequence[SourceMatch],
    *,
    now: datetime.datetime,
) -> tuple[list[dict[str, Any]], list[EventFact], list[models.Model]]:
    """Earlier applications and departure checks about the person, projected to what any
    office may see: office, date, status, decision, reason, due date — never the record."""
    scores = {candidate.ref: candidate for candidate in candidates}
    application_ids = [ref.pk for ref in scores if ref.source == APPLICATIONS.label]
    check_ids = [ref.pk for ref in scores if ref.source == DEPARTURE_CHECKS.label]
    events: list[dict[str, Any]] = []
    facts: list[EventFact] = []
    read: list[models.Model] = []
    if application_ids:
        applications = _event_applications(application_ids)
        for application, latest in applications:
            candidate = scores[APPLICATIONS.ref(application.pk)]
            same_office = application.office_id == viewer.office_id
            days_ago = _days_between(application.submitted_at, now)
            events.append(
                {
                    "kind": APPLICATION,
                    "office_id": application.office_id,
                    "office_code": application.office.code,
                    "office_name": application.office.name,
                    "date": timezone.localdate(application.submitted_at).isoformat(),
                    "days_ago": days_ago,
                    "status": application.status,
                    "status_label": str(application.get_status_display()),
                    "decision": latest.outcome if latest else "",
                    "decision_label": str(latest.get_outcome_display()) if latest else "",
                    "reason": latest.reason if latest else "",
                    "reason_label": str(latest.get_reason_display()) if latest else "",
                    "due_date": _json_safe(application.postponed_until),
                    "same_office": same_office,
                    "score": round(candidate.score, 4),
                    "match_reasons": candidate.comparison.reasons(language="id"),
                    "match_reasons_en": candidate.comparison.reasons(language="en"),
                    # Another office's record is never named, not even in the stored result.
                    "record_id": application.pk if same_office else None,
                }
            )
            facts.append(
                EventFact(
                    kind=APPLICATION,
                    office_code=application.office.code,
                    same_office=same_office,
                    outcome=application.status,
                    days_ago=days_ago,
                    office_name=application.office.name,
                )
            )
            read.append(application)
    if check_ids:
        checks = _event_checks(check_ids)
        for check in checks:
            candidate = scores[DEPARTURE_CHECKS.ref(check.pk)]
            same_office = check.office_id == viewer.office_id
            days_ago = _days_between(check.checked_at, now)
            events.append(
                {
                    "kind": DEPARTURE,
                    "office_id": check.office_id,
                    "office_code": check.office.code,
                    "office_name": check.office.name,
                    "date": timezone.localdate(check.checked_at).isoformat(),
                    "days_ago": days_ago,
                    "status": check.outcome,
                    "status_label": str(check.get_outcome_display()),
                    "decision": check.outcome,
                    "decision_label": str(check.get_outcome_display()),
                    "reason": "",
                    "reason_label": "",
                    "due_date": None,
                    "same_office": same_office,
                    "score": round(candidate.score, 4),
                    "match_reasons": candidate.comparison.reasons(language="id"),
                    "match_reasons_en": candidate.comparison.reasons(language="en"),
                    # Another office's record is never named, not even in the stored result.
                    "record_id": check.pk if same_office else None,
                }
            )
            facts.append(
                EventFact(
                    kind=DEPARTURE,
                    office_code=check.office.code,
                    same_office=same_office,
                    outcome=check.outcome,
                    days_ago=days_ago,
                    office_name=check.office.name,
                )
            )
            read.append(check)
    events.sort(key=lambda event: (event["date"], event["score"]), reverse=True)
    return events, facts, read


# --- NIK, group pattern, age ---------------------------------------------------------------


def _nik_check(
    nik: str, *, birth_date: datetime.date | None, sex: str, today: datetime.date
) -> tuple[dict[str, Any], list[str]]:
    if not nik:
        return {"nik": "", "checked": False, "valid": None, "problems": []}, []
    info, problems = parse_nik(nik, today=today)
    all_problems: list[NikProblem] = list(problems)
    check: dict[str, Any] = {"nik": nik, "checked": True}
    if info is not None:
        all_problems += nik_consistency(info, birth_date=birth_date, sex=sex or None)
        check.update(
            {
                "birth_date": info.birth_date.isoformat(),
                "sex": info.sex,
                "region_code": info.district_code,
                "region_name": banten_region_name(info.district_code) or "",
                "is_banten": info.is_banten,
            }
        )
    check["valid"] = not all_problems
    check["problems"] = [problem.as_dict() for problem in all_problems]
    return check, [str(problem.code) for problem in all_problems]


def _age(birth_date: datetime.date | None, today: datetime.date) -> int | None:
    if birth_date is None:
        return None
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def _same_sponsor_recent(
    application: PassportApplication, *, window_days: int, now: datetime.datetime
) -> int:
    """Other applicants (any office) naming the same sponsor or phone within the window.

    In plain SQL (see benteng.rows): a quarter of the applications name a sponsor. The
    application is not saved yet: every row found is another one."""
    named: list[str] = []
    params: list[Any] = []
    # "<> ''" lets PostgreSQL use the partial indexes of named sponsors whatever the value.
    if application.sponsor_key:
        named.append("(a.sponsor_key = %s AND a.sponsor_key <> '')")
        params.append(application.sponsor_key)
    if application.sponsor_phone:
        named.append("(a.sponsor_phone = %s AND a.sponsor_phone <> '')")
        params.append(application.sponsor_phone)
    if not named:
        return 0
    condition = f"({' OR '.join(named)}) AND a.submitted_at >= %s"
    params.append(
        connection.ops.adapt_datetimefield_value(now - datetime.timedelta(days=window_days))
    )
    if application.nik:
        condition += " AND a.nik <> %s"
        params.append(application.nik)
    ((count,),) = fetch(
        f"SELECT COUNT(*) FROM {table(PassportApplication)} a WHERE {condition}",  # noqa: S608 - model names
        params,
    )
    return int(count)


# --- the screening -------------------------------------------------------------------------


def _owner_filter(model: type[models.Model], viewer: Viewer) -> dict[str, Any]:
    if viewer.client_id is not None:
        return {"client_id": viewer.client_id}
    user_field = "entered_by_id" if model is PassportApplication else "checked_by_id"
    return {user_field: viewer.user_id, "client__isnull": True}


def _replay(
    *, viewer: Viewer, model: type[PassportApplication | DepartureCheck], key: str, fingerprint: str
) -> ScreeningOutcome | None:
    """The earlier outcome of this key, or ``None``; raises when the values differ."""
    if not key:
        return None
    record: PassportApplication | DepartureCheck | None = model.objects.filter(
        idempotency_key=key, **_owner_filter(model, viewer)
    ).first()
    if record is None:
        return None
    if record.idempotency_fingerprint != fingerprint:
        raise IdempotencyKeyReused(IdempotencyKeyReused.message.text())
    result = record.screenings.select_related("rule_set").order_by("created_at", "pk").first()
    if result is None:
        return None
    audit_record_read(
        viewer=viewer, objects=[record], purpose=PURPOSE, detail={"idempotent_replay": True}
    )
    return outcome_from_result(viewer=viewer, record=record, result=result, replayed=True)


def _final_reference(prefix: str, pk: int, now: datetime.datetime) -> str:
    return f"{prefix}-{timezone.localdate(now).year}-{pk:06d}"


def _insert_record_and_result(
    record: PassportApplication | DepartureCheck,
    result: ScreeningResult,
    prefix: str,
    now: datetime.datetime,
    *,
    audit: tuple[str, list[Any]] | None = None,
) -> None:
    """Insert the record with its reference ("PP-2026-000123", the id in it) and its result.

    On PostgreSQL in one statement: the id comes from the table's sequence, the reference is
    made from it in SQL the way ``_final_reference`` makes it, and the result is inserted with
    the record's id; ``audit`` (from ``audit_insert_sql``, over the CTEs ``r``: the record's
    id and reference, and ``s``: the result's id) joins the same statement. Elsewhere
    (SQLite): insert, set the reference, insert the result.
    """
    model = type(record)
    link = "application" if isinstance(record, PassportApplication) else "departure_check"
    if connection.vendor != "postgresql":
        record.reference = f"tmp-{uuid.uuid4().hex[:24]}"
        insert(record)
        record.reference = _final_reference(prefix, record.pk, now)
        model.objects.filter(pk=record.pk).update(reference=record.reference)
        setattr(result, link, record)
        insert(result)
        return
    link_column = str(ScreeningResult._meta.get_field(link).column)  # type: ignore[union-attr]
    audit_sql, audit_params = audit or ("", [])
    # Each row is one JSON parameter, completed in SQL with what only the statement knows.
    reference = "CAST(%s AS text) || right('00000' || n.id, greatest(6, length(n.id::text)))"
    record_sql = json_insert(
        model, source="n", completed_with=f"'id', n.id, 'reference', {reference}"
    )
    result_sql = json_insert(
        ScreeningResult,
        source="r",
        completed_with=f"'id', nextval(pg_get_serial_sequence(%s, 'id')), '{link_column}', r.id",
    )
    sql = (
        "WITH n AS (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id), "  # noqa: S608 - model names
        f"r AS ({record_sql} RETURNING id, reference), s AS ({result_sql} RETURNING id)"
        + (f", a AS ({audit_sql})" if audit_sql else "")
        + " SELECT r.id, s.id FROM r, s"
    )
    params = [
        model._meta.db_table,
        jsonb(json_row(record, skip=("reference",))),
        f"{prefix}-{timezone.localdate(now).year}-",
        jsonb(json_row(result, skip=(link,))),
        ScreeningResult._meta.db_table,
        *audit_params,
    ]
    with rows_cursor() as writer:
        writer.execute(sql, params)
        record_id, result_id = writer.fetchone()
    record.pk, result.pk = record_id, result_id
    record.reference = _final_reference(prefix, record_id, now)
    setattr(result, link, record)
    for saved in (record, result):
        saved._state.adding = False
        saved._state.db = connection.alias


@dataclass
class _Facts:
    """What the index and the database said about the person."""

    hits: list[dict[str, Any]]
    events: list[dict[str, Any]]
    event_facts: list[EventFact]
    read_entries: list[WatchlistEntry]
    read_events: list[models.Model]


def _look_up(
    viewer: Viewer,
    record: PassportApplication | DepartureCheck,
    *,
    now: datetime.datetime,
    sponsor_name: str = "",
    sponsor_phone: str = "",
    company_names: Mapping[str, str] | None = None,
) -> _Facts:
    from benteng.people.index import screening_index

    backend = screening_index()
    # The record is not saved yet, so it is not among the earlier events either.
    identity = record.identity_record(record_id="new")
    matches = _Matches()
    person_hits, candidates = backend.search_person(
        identity,
        reader_agency=viewer.agency_kind,
        watchlist_top=WATCHLIST_TOP,
        events_top=EVENTS_TOP,
        threshold=DEFAULT_THRESHOLD,
    )
    _person_matches(matches, person_hits)
    _sponsor_person_matches(viewer, matches, backend, sponsor_name, sponsor_phone)
    _company_name_matches(matches, company_names or {})
    phones = {record.phone: "person"} if record.phone else {}
    if sponsor_phone:
        phones[sponsor_phone] = "sponsor"
    _phone_matches(viewer, matches, phones)
    hits, read_entries = _hits(viewer, matches)
    events, event_facts, read_events = _earlier_events(viewer, candidates, now=now)
    return _Facts(hits, events, event_facts, read_entries, read_events)


def _screening_result(
    *,
    found: _Facts,
    nik_check: dict[str, Any],
    assessment: RiskAssessment,
    rule_set: Any,
    started: float,
) -> ScreeningResult:
    """The result of a screening, not saved yet (its record is saved with it)."""
    return ScreeningResult(
        risk_score=assessment.score,
        risk_band=assessment.band,
        indicators=assessment.indicators_as_dicts(),
        not_evaluated=[item.as_dict() for item in assessment.not_evaluated],
        hits=found.hits,
        earlier_events=found.events,
        nik_check=nik_check,
        rule_set=rule_set,
        server_milliseconds=round((time.perf_counter() - started) * 1000, 2),
    )


def _audit_items(
    *,
    record: PassportApplication | DepartureCheck,
    found: _Facts,
    rule_set: Any,
    written_fields: Sequence[str],
    record_id: int | InStatement,
    result_id: int | InStatement,
    reference: str | InStatement,
) -> list[AuditItem]:
    """The audit trail of a screening: one entry for the record written (naming its screening
    result), one per kind of record read (hits, earlier events). The ids and the reference are
    values, or the statement's own when it writes the entries too (``InStatement``)."""
    items = [
        AuditItem(
            action=AuditAction.CREATE,
            object_type=object_type_of(type(record)),
            object_ids=[record_id],
            purpose=PURPOSE,
            detail={
                "fields": sorted(written_fields),
                "screening_result": result_id,
                "rule_set": rule_set.number if rule_set is not None else None,
            },
        )
    ]
    items += _read_items(found.read_entries, detail={"screening": reference, "as": "hit"})
    applications = [item for item in found.read_events if isinstance(item, PassportApplication)]
    checks = [item for item in found.read_events if isinstance(item, DepartureCheck)]
    for events in (applications, checks):
        items += _read_items(events, detail={"screening": reference, "as": "earlier_event"})
    return items


def _read_items(objects: Sequence[models.Model], *, detail: dict[str, Any]) -> list[AuditItem]:
    if not objects:
        return []
    return [
        AuditItem(
            action=AuditAction.READ,
            object_type=object_type_of(type(objects[0])),
            object_ids=[obj.pk for obj in objects],
            purpose=PURPOSE,
            detail=detail,
        )
    ]


def _written_fields(record: models.Model, names: Iterable[str]) -> list[str]:
    # The attribute of a foreign key is its id: reading the related row would cost a query.
    attributes = {name: record._meta.get_field(name).attname for name in names}  # type: ignore[union-attr]
    return [
        name
        for name, attribute in attributes.items()
        if getattr(record, attribute) not in ("", None, [], ())
    ]


def application_screen(
    *, viewer: Viewer, data: ApplicationInput, idempotency_key: str = ""
) -> ScreeningOutcome:
    """Save and screen a passport application at the viewer's Kanim (see the module doc)."""
    if not can_screen_applications(viewer):
        raise ScreeningRefused(
            Message(
                "Hanya petugas layanan paspor Kanim yang dapat menyaring permohonan paspor.",
                "Only passport officers of a Kanim can screen passport applications.",
            ).text()
        )
    return _screen_once(
        viewer=viewer,
        model=PassportApplication,
        fingerprint=data.fingerprint(),
        idempotency_key=idempotency_key,
        screen=lambda key, fingerprint: _application_screen(
            viewer=viewer, data=data, key=key, fingerprint=fingerprint
        ),
    )


def _screen_once(
    *,
    viewer: Viewer,
    model: type[PassportApplication] | type[DepartureCheck],
    fingerprint: str,
    idempotency_key: str,
    screen: Callable[[str, str], ScreeningOutcome],
) -> ScreeningOutcome:
    """Screen, unless this viewer already sent the same key: then answer with that result.

    A new key is the common case, so the record is simply inserted: the unique constraint on
    (client or user, key) refuses a key seen before (or being saved at this very moment by a
    concurrent retry, once that one commits), and only then is the earlier result read.
    """
    key = _check_idempotency_key(idempotency_key)
    try:
        return screen(key, fingerprint)
    except IntegrityError:
        replay = _replay(viewer=viewer, model=model, key=key, fingerprint=fingerprint)
        if replay is None:
            raise
        return replay


def _application_screen(
    *, viewer: Viewer, data: ApplicationInput, key: str, fingerprint: str
) -> ScreeningOutcome:
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    rule_set, rules, moratorium = rules_and_moratorium_current()
    application = PassportApplication(
        office_id=_office_of(viewer),
        entered_by_id=viewer.user_id,
        client_id=viewer.client_id,
        idempotency_key=key,
        idempotency_fingerprint=fingerprint if key else "",
        submitted_at=now,
        full_name=data.full_name,
        birth_date=data.birth_date,
        sex=data.sex,
        nik=data.nik,
        birth_place=data.birth_place,
        passport_no=data.passport_no,
        address=data.address,
        region_id=region_code_for_identity(desa_code=data.desa_code, nik=data.nik),
        phone=data.phone,
        purpose=data.purpose,
        destination_country=data.destination_country,
        sponsor_name=data.sponsor_name,
        sponsor_key=name_key(data.sponsor_name) if data.sponsor_name else "",
        sponsor_phone=data.sponsor_phone,
        employer_name=data.employer_name,
        placement_company=data.placement_company,
        documents=list(data.documents),
    )
    # What the index and the database know is read before anything is written, so the write
    # (record, result, audit entries: one statement on PostgreSQL) stays short.
    found = _look_up(
        viewer,
        application,
        now=now,
        sponsor_name=data.sponsor_name,
        sponsor_phone=data.sponsor_phone,
        company_names={
            name: matched_on
            for name, matched_on in (
                (data.sponsor_name, "sponsor"),
                (data.employer_name, "company"),
                (data.placement_company, "company"),
            )
            if name
        },
    )
    nik_check, nik_problems = _nik_check(
        data.nik, birth_date=data.birth_date, sex=data.sex, today=today
    )
    window = int(rule_parameter(rules, "group_pattern", "window_days"))
    facts = RiskFacts(
        purpose=data.purpose,
        destination_country=data.destination_country,
        documents=set(data.documents),
        moratorium_countries=moratorium,
        nik_problems=nik_problems,
        watchlist_hits=_hit_facts(found.hits),
        earlier_events=found.event_facts,
        same_sponsor_recent=_same_sponsor_recent(application, window_days=window, now=now),
        age=_age(data.birth_date, today),
        village_recruiter_reports=None,
        has_return_ticket=TravelDocument.TIKET_PULANG in data.documents,
        stage=APPLICATION,
        former_migrant_worker=data.former_migrant_worker,
        observations=set(data.observations),
    )
    return _save_screening(
        viewer=viewer,
        record=application,
        found=found,
        nik_check=nik_check,
        assessment=assess(facts, rules),
        rule_set=rule_set,
        started=started,
        now=now,
    )


APPLICATION_WRITTEN_FIELDS = (
    "full_name",
    "birth_date",
    "sex",
    "nik",
    "birth_place",
    "passport_no",
    "address",
    "region",
    "phone",
    "purpose",
    "destination_country",
    "sponsor_name",
    "sponsor_phone",
    "employer_name",
    "placement_company",
    "documents",
)
DEPARTURE_WRITTEN_FIELDS = (
    "full_name",
    "birth_date",
    "sex",
    "nik",
    "passport_no",
    "phone",
    "flight_number",
    "destination_country",
    "purpose",
    "documents",
)


def departure_screen(
    *, viewer: Viewer, data: DepartureInput, idempotency_key: str = ""
) -> ScreeningOutcome:
    """Save and screen a departing passenger at the viewer's TPI (see the module doc)."""
    if not can_screen_departures(viewer):
        raise ScreeningRefused(
            Message(
                "Hanya petugas TPI yang dapat memeriksa penumpang yang berangkat.",
                "Only border officers of a TPI can check departing passengers.",
            ).text()
        )
    return _screen_once(
        viewer=viewer,
        model=DepartureCheck,
        fingerprint=data.fingerprint(),
        idempotency_key=idempotency_key,
        screen=lambda key, fingerprint: _departure_screen(
            viewer=viewer, data=data, key=key, fingerprint=fingerprint
        ),
    )


def _departure_screen(
    *, viewer: Viewer, data: DepartureInput, key: str, fingerprint: str
) -> ScreeningOutcome:
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    rule_set, rules, moratorium = rules_and_moratorium_current()
    check = DepartureCheck(
        office_id=_office_of(viewer),
        checked_by_id=viewer.user_id,
        client_id=viewer.client_id,
        idempotency_key=key,
        idempotency_fingerprint=fingerprint if key else "",
        checked_at=now,
        full_name=data.full_name,
        birth_date=data.birth_date,
        sex=data.sex,
        nik=data.nik,
        passport_no=data.passport_no,
        region_id=region_code_for_identity(desa_code=None, nik=data.nik),
        phone=data.phone,
        flight_number=data.flight_number,
        destination_country=data.destination_country,
        purpose=data.purpose,
        documents=list(data.documents),
    )
    found = _look_up(viewer, check, now=now)
    nik_check, nik_problems = _nik_check(
        data.nik, birth_date=data.birth_date, sex=data.sex, today=today
    )
    facts = RiskFacts(
        purpose=data.purpose,
        destination_country=data.destination_country,
        documents=set(data.documents),
        moratorium_countries=moratorium,
        nik_problems=nik_problems,
        watchlist_hits=_hit_facts(found.hits),
        earlier_events=found.event_facts,
        same_sponsor_recent=0,
        age=_age(data.birth_date, today),
        village_recruiter_reports=None,
        has_return_ticket=bool(data.has_return_ticket)
        or TravelDocument.TIKET_PULANG in data.documents,
        stage=DEPARTURE,
        former_migrant_worker=data.former_migrant_worker,
        observations=set(data.observations),
    )
    return _save_screening(
        viewer=viewer,
        record=check,
        found=found,
        nik_check=nik_check,
        assessment=assess(facts, rules),
        rule_set=rule_set,
        started=started,
        now=now,
    )


def _save_screening(
    *,
    viewer: Viewer,
    record: PassportApplication | DepartureCheck,
    found: _Facts,
    nik_check: dict[str, Any],
    assessment: RiskAssessment,
    rule_set: Any,
    started: float,
    now: datetime.datetime,
) -> ScreeningOutcome:
    """Write what was found: the record with its reference, the result, the audit entries, in
    one statement on PostgreSQL with sealing after the commit (``audit_in_statement``), else
    in one short transaction; after the commit the record joins the index's earlier events."""
    record.police_visible = any(hit["owner_agency"] == POLICE for hit in found.hits)
    is_application = isinstance(record, PassportApplication)
    result = _screening_result(
        found=found,
        nik_check=nik_check,
        assessment=assessment,
        rule_set=rule_set,
        started=started,
    )
    prefix = "PP" if is_application else "KB"
    actor = actor_for_viewer(viewer)
    audited = functools.partial(
        _audit_items,
        record=record,
        found=found,
        rule_set=rule_set,
        written_fields=_written_fields(
            record, APPLICATION_WRITTEN_FIELDS if is_application else DEPARTURE_WRITTEN_FIELDS
        ),
    )
    if audit_in_statement():
        # One statement writes record, result and audit entries (sealed after it).
        items = audited(
            record_id=InStatement("r.id"),
            result_id=InStatement("s.id"),
            reference=InStatement("r.reference"),
        )
        audit = audit_insert_sql(actor=actor, items=items, source="r, s")
        # Alone it needs no transaction; inside the caller's, a savepoint keeps a refused
        # insert (a repeated idempotency key) from spoiling the rest of that transaction.
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            _insert_record_and_result(record, result, prefix, now, audit=audit)
        audit_written()
        _index(record)
    else:
        with transaction.atomic():
            _insert_record_and_result(record, result, prefix, now)
            items = audited(record_id=record.pk, result_id=result.pk, reference=record.reference)
            audit_record_many(actor=actor, items=items)
            _index(record)
    return outcome_from_result(viewer=viewer, record=record, result=result)


def _index(record: PassportApplication | DepartureCheck) -> None:
    """The record joins the index's earlier events (after the commit)."""
    from benteng.people.index import index_source_record

    index_source_record(record)
