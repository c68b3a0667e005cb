"""Synthetic applications and departure checks for the decision and page tests (SCREEN-FLOW).

Records are written straight to the database here: what is under test is what happens after
the screening (decisions, pages), not the screening computation itself.
"""

from __future__ import annotations

import datetime
import itertools

from benteng.accounts.models import Office
from benteng.screening.models import (
    ApplicationStatus,
    DepartureCheck,
    PassportApplication,
    ScreeningResult,
)

_numbers = itertools.count(1)
KANIM_TANGERANG = "kanim-tangerang"
KANIM_SERANG = "kanim-serang"
TPI_SOETTA = "tpi-bandara-soekarno-hatta"


def nik_for(birth: datetime.date, *, female: bool = False, district: str = "360307") -> str:
    day = birth.day + (40 if female else 0)
    return f"{district}{day:02d}{birth:%m%y}0001"


def application_make(
    *,
    office_code: str = KANIM_TANGERANG,
    full_name: str = "Siti Rohmah",
    birth_date: datetime.date = datetime.date(1996, 4, 12),
    female: bool = True,
    status: str = ApplicationStatus.SCREENED,
    postponed_until: datetime.date | None = None,
    police_visible: bool = False,
    purpose: str = "wisata",
    destination_country: str = "MY",
    sponsor_name: str = "",
    with_screening: bool = True,
    region_code: str | None = None,
) -> PassportApplication:
    number = next(_numbers)
    application = PassportApplication.objects.create(
        reference=f"TEST-A-{number:05d}",
        office=Office.objects.get(code=office_code),
        full_name=full_name,
        birth_date=birth_date,
        sex="P" if female else "L",
        nik=nik_for(birth_date, female=female),
        birth_place="Tangerang",
        address="Kp. Bakung RT 001/RW 002",
        phone="6281298765432",
        purpose=purpose,
        destination_country=destination_country,
        sponsor_name=sponsor_name,
        status=status,
        postponed_until=postponed_until,
        police_visible=police_visible,
        region_id=region_code,
    )
    if with_screening:
        ScreeningResult.objects.create(
            application=application,
            risk_score=45,
            risk_band="sedang",
            indicators=[
                {
                    "code": "work_intent_without_documents",
                    "name": "Niat bekerja tanpa dokumen penempatan",
                    "weight": 30,
                    "evidence": ["tujuan wisata ke MY tanpa tiket pulang"],
                    "questions": ["Siapa yang membiayai perjalanan Anda?"],
                }
            ],
        )
    return application


def departure_make(
    *,
    office_code: str = TPI_SOETTA,
    full_name: str = "Siti Rohmah",
    passport_no: str = "C1234567",
    flight_number: str = "",
) -> DepartureCheck:
    number = next(_numbers)
    return DepartureCheck.objects.create(
        reference=f"TEST-D-{number:05d}",
        office=Office.objects.get(code=office_code),
        full_name=full_name,
        passport_no=passport_no,
        birth_date=datetime.date(1996, 4, 12),
        sex="P",
        flight_number=flight_number,
    )


def live_hit_on(
    record: PassportApplication | DepartureCheck,
    *,
    instruction: str = "Hubungi Kanim Tangerang sebelum menerbitkan paspor.",
    risk_score: int = 100,
    risk_band: str = "tinggi",
) -> int:
    """Give the record a screening with a live hit on the shared immigration list (as a
    postponement elsewhere leaves one) and a high risk band; returns the entry's id."""
    from benteng.access.viewer import Viewer
    from benteng.watchlists.models import EntrySource
    from benteng.watchlists.services import immigration_decision_watchlist, watchlist_entry_create

    entry = watchlist_entry_create(
        viewer=Viewer.system(purpose="uji hit"),
        watchlist=immigration_decision_watchlist(),
        source=EntrySource.DECISION,
        data={
            "full_name": record.full_name,
            "birth_date": record.birth_date,
            "sex": record.sex,
            "category": "Pemohon paspor ditunda",
            "instruction": instruction,
            "contact": "Kanim Tangerang (Persona petugas)",
        },
    )
    subject = (
        {"application": record}
        if isinstance(record, PassportApplication)
        else {"departure_check": record}
    )
    ScreeningResult.objects.create(
        **subject,
        risk_score=risk_score,
        risk_band=risk_band,
        hits=[{"entry_id": entry.pk, "score": 1.0, "matched_on": "person"}],
    )
    return entry.pk
