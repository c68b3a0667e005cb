"""What an officer typed or a client system posted for a screening, cleaned and checked.

The identity values go through :mod:`benteng.identity_cleaning` (the same messages as the
watchlist's); what only a screening asks (purpose, destination, documents, observations, the
desa code) is checked here. Every problem of a request is reported at once.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benteng import identity_cleaning as cleaning
from benteng.core.countries import HOME_COUNTRY, destination_countries
from benteng.core.risk import OBSERVATION_LABELS
from benteng.problems import InputInvalid, Problems
from benteng.regions.selectors import is_village_code
from benteng.screening.models import TravelDocument, TravelPurpose

APPLICATION = "application"
DEPARTURE = "departure"
FIELD_LABELS = {
    "nik": gettext_lazy("NIK"),
    "full_name": gettext_lazy("Nama lengkap"),
    "birth_date": gettext_lazy("Tanggal lahir"),
    "birth_place": gettext_lazy("Tempat lahir"),
    "sex": gettext_lazy("Jenis kelamin"),
    "address": gettext_lazy("Alamat"),
    "desa_code": gettext_lazy("Kode desa/kelurahan"),
    "phone": gettext_lazy("Nomor telepon"),
    "passport_no": gettext_lazy("Nomor paspor"),
    "purpose": gettext_lazy("Tujuan perjalanan"),
    "destination_country": gettext_lazy("Negara tujuan"),
    "sponsor_name": gettext_lazy("Sponsor/penjamin"),
    "sponsor_phone": gettext_lazy("Telepon sponsor"),
    "employer_name": gettext_lazy("Pemberi kerja"),
    "placement_company": gettext_lazy("Perusahaan penempatan"),
    "documents": gettext_lazy("Dokumen"),
    "flight_number": gettext_lazy("Nomor penerbangan"),
    "has_return_ticket": gettext_lazy("Tiket pulang"),
    "former_migrant_worker": gettext_lazy("Mantan PMI"),
    "observations": gettext_lazy("Pengamatan petugas"),
}
# The codes as sets, made once: ``Choices.values`` builds its list at every call.
PURPOSES = frozenset(TravelPurpose.values)
DOCUMENTS = frozenset(TravelDocument.values)
MAX_LENGTHS = {
    "full_name": 200,
    "birth_place": 100,
    "address": 300,
    "sponsor_name": 200,
    "employer_name": 200,
    "placement_company": 200,
}


class ScreeningInputInvalid(InputInvalid):
    """The values typed or posted are not valid; ``errors`` maps each field to its messages,
    in the language active when they were cleaned."""


class _Cleaner:
    """Reads raw values (form or JSON) field by field; every problem goes to ``problems``
    (a screening's own, or a caller's that collects more)."""

    def __init__(
        self, raw: Mapping[str, Any], today: datetime.date, problems: Problems | None = None
    ) -> None:
        self.raw = raw
        self.today = today
        self.problems = problems if problems is not None else Problems(ScreeningInputInvalid)

    def _label(self, name: str) -> cleaning.Label:
        """The field's name, translated only if a message needs it."""
        return FIELD_LABELS[name]

    def _blank(self, name: str, *, required: bool) -> bool:
        """Whether the field is blank; a required one says so."""
        blank = not cleaning.text_of(self.raw.get(name))
        if blank and required:
            self.problems.add(name, cleaning.required_problem(self._label(name)))
        return blank

    def text(self, name: str, *, required: bool = False) -> str:
        text = " ".join(str(self.raw.get(name) or "").split())
        if not text and required:
            self.problems.add(name, cleaning.required_problem(self._label(name)))
        limit = MAX_LENGTHS.get(name)
        if limit is not None and len(text) > limit:
            self.problems.add(
                name, cleaning.too_long_problem(self._label(name), limit=limit, length=len(text))
            )
        return text

    def date(self, name: str, *, required: bool = False) -> datetime.date | None:
        if self._blank(name, required=required):
            return None
        label = self._label(name)
        parsed, problem = cleaning.date_parse(self.raw.get(name), label=label)
        self.problems.add(name, problem)
        if parsed is None:
            return None
        problem = cleaning.birth_date_problem(parsed, label=label, today=self.today)
        self.problems.add(name, problem)
        return None if problem else parsed

    def nik(self, *, required: bool) -> str:
        if self._blank("nik", required=required):
            return ""
        nik, problems = cleaning.nik_clean(self.raw.get("nik"), today=self.today)
        for problem in problems:
            self.problems.add("nik", problem)
        return nik

    def sex(self, *, required: bool) -> str:
        if self._blank("sex", required=required):
            return ""
        sex, problem = cleaning.sex_clean(self.raw.get("sex"))
        self.problems.add("sex", problem)
        return sex

    def passport_no(self, *, required: bool) -> str:
        if self._blank("passport_no", required=required):
            return ""
        passport_no, problem = cleaning.passport_no_clean(self.raw.get("passport_no"))
        self.problems.add("passport_no", problem)
        return passport_no

    def phone(self, name: str) -> str:
        phone, problem = cleaning.phone_clean(self.raw.get(name), label=self._label(name))
        self.problems.add(name, problem)
        return phone

    def flight_number(self) -> str:
        flight, problem = cleaning.flight_number_clean(self.raw.get("flight_number"))
        self.problems.add("flight_number", problem)
        return flight

    def flag(self, name: str) -> bool | None:
        flag, problem = cleaning.yes_no_parse(self.raw.get(name), label=self._label(name))
        self.problems.add(name, problem)
        return flag

    def purpose(self, *, required: bool) -> str:
        text = cleaning.text_of(self.raw.get("purpose")).lower()
        if self._blank("purpose", required=required):
            return ""
        if text not in PURPOSES:
            self.problems.add(
                "purpose",
                _("Tujuan perjalanan “%(value)s” tidak dikenal; pilih salah satu: %(allowed)s.")
                % {"value": text, "allowed": ", ".join(TravelPurpose.values)},
            )
            return ""
        return text

    def country(self, *, required: bool) -> str:
        text = cleaning.text_of(self.raw.get("destination_country")).upper()
        if self._blank("destination_country", required=required):
            return ""
        if text == HOME_COUNTRY:
            self.problems.add(
                "destination_country",
                _("Negara tujuan harus negara di luar Indonesia."),
            )
            return ""
        if text not in destination_countries():
            self.problems.add(
                "destination_country",
                _(
                    "Negara tujuan “%(value)s” bukan kode negara ISO 3166-1 (dua huruf, "
                    "misalnya MY, SA atau US)."
                )
                % {"value": text[:40]},
            )
            return ""
        return text

    def _codes(self, name: str) -> list[str]:
        value = self.raw.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            items: list[Any] = value.split(",")
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
        unknown = [code for code in codes if code not in DOCUMENTS]
        if unknown:
            self.problems.add(
                "documents",
                _("Dokumen tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        return [code for code in codes if code in DOCUMENTS]

    def observations(self) -> list[str]:
        codes = self._codes("observations")
        unknown = [code for code in codes if code not in OBSERVATION_LABELS]
        if unknown:
            self.problems.add(
                "observations",
                _("Pengamatan tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        return [code for code in codes if code in OBSERVATION_LABELS]

    def desa_code(self) -> str:
        text = cleaning.text_of(self.raw.get("desa_code"))
        if not text:
            return ""
        if not is_village_code(text):
            self.problems.add(
                "desa_code",
                _("Kode “%(value)s” bukan kode desa/kelurahan di Banten (contoh 36.03.07.2001).")
                % {"value": text},
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
        cleaner.problems.raise_if_any()
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
        cleaner.problems.raise_if_any()
        return cls(**values)

    def fingerprint(self) -> str:
        return _fingerprint({DEPARTURE: asdict(self)})


ScreeningInput = ApplicationInput | DepartureInput


# --- corrections of a record's identity ----------------------------------------------------

# The identity fields an officer may correct, and which of them the record must keep filled.
APPLICATION_CORRECTABLE = (
    "full_name",
    "nik",
    "birth_date",
    "sex",
    "birth_place",
    "passport_no",
    "address",
    "phone",
)
APPLICATION_CORRECTION_REQUIRED = frozenset({"full_name", "nik", "birth_date", "sex"})
DEPARTURE_CORRECTABLE = ("full_name", "passport_no", "nik", "birth_date", "sex", "phone")
DEPARTURE_CORRECTION_REQUIRED = frozenset({"full_name", "passport_no"})


def identity_correction_clean(
    raw: Mapping[str, Any],
    *,
    fields: Sequence[str],
    required: frozenset[str],
    problems: Problems,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The corrected identity values, cleaned exactly as the counter and the TPI clean them;
    each problem goes to ``problems`` (the caller raises them with its own)."""
    cleaner = _Cleaner(raw, today or timezone.localdate(), problems)
    cleaners: dict[str, Any] = {
        "full_name": lambda: cleaner.text("full_name", required="full_name" in required),
        "nik": lambda: cleaner.nik(required="nik" in required),
        "birth_date": lambda: cleaner.date("birth_date", required="birth_date" in required),
        "sex": lambda: cleaner.sex(required="sex" in required),
        "birth_place": lambda: cleaner.text("birth_place"),
        "passport_no": lambda: cleaner.passport_no(required="passport_no" in required),
        "address": lambda: cleaner.text("address"),
        "phone": lambda: cleaner.phone("phone"),
    }
    return {name: cleaners[name]() for name in fields}
