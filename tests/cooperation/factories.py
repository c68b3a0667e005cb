"""Joint work for tests, made through the services by Benteng itself or a persona."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import AgencyKind, Office, Role
from benteng.cooperation import services
from benteng.cooperation.models import (
    Facility,
    FacilityBooking,
    FacilityKind,
    Operation,
    OperationKind,
    Training,
    TrainingKind,
)
from tests.conftest import make_user

TODAY = datetime.date(2026, 3, 10)


def office(code: str) -> Office:
    return Office.objects.get(code=code)


def keeper(code: str = "kanwil-imigrasi-banten", username: str = "pimpinan.uji") -> Viewer:
    """A head of the office, as a viewer (made once per test)."""
    from benteng.accounts.models import User

    user = User.objects.filter(username=username).first() or make_user(
        username, Role.PIMPINAN, code
    )
    return Viewer.for_user(user)


def officer(code: str, username: str, role: str = Role.PETUGAS_IMIGRASI) -> Viewer:
    from benteng.accounts.models import User

    user = User.objects.filter(username=username).first() or make_user(username, role, code)
    return Viewer.for_user(user)


def training_make(
    *,
    viewer: Viewer | None = None,
    starts_on: datetime.date = TODAY,
    kind: str = TrainingKind.TRAINING,
    participants: dict[str, int] | None = None,
    topic: str = "Deteksi dini PMI nonprosedural di TPI",
    **extra: Any,
) -> Training:
    counts = participants or {"kanim-soekarno-hatta": 12, "polresta-tangerang": 8}
    return services.training_create(
        viewer=viewer or keeper(),
        kind=kind,
        topic=topic,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1),
        place="Aula Kanwil Imigrasi Banten",
        organiser_office=office("kanwil-imigrasi-banten"),
        trainers="AKBP Contoh (Polda Banten)\nAnalis Contoh (Kanwil Imigrasi)",
        participations=[(office(code), count) for code, count in counts.items()],
        **extra,
    )


def operation_make(
    *, viewer: Viewer | None = None, starts_on: datetime.date = TODAY, **extra: Any
) -> Operation:
    viewer = viewer or keeper("polda-banten", "pimpinan.polda.uji")
    return services.operation_create(
        viewer=viewer,
        name=extra.pop("name", "Operasi Gabungan Bandara"),
        kind=OperationKind.AIRPORT,
        place="Bandara Soekarno-Hatta Terminal 3",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=2),
        lead_office=office("polda-banten"),
        offices=[office("kanim-soekarno-hatta"), office("polresta-tangerang")],
        **extra,
    )


def facility_make(
    *, owner: str = "kanim-soekarno-hatta", name: str = "Ruang Wawancara 1", **extra: Any
) -> Facility:
    police = office(owner).agency.kind == AgencyKind.POLRI
    viewer = (
        keeper("polda-banten", "pimpinan.polda.uji")
        if police
        else keeper("kanwil-imigrasi-banten", "pimpinan.uji")
    )
    return services.facility_create(
        viewer=viewer,
        owner_office=office(owner),
        kind=extra.pop("kind", FacilityKind.INTERVIEW_ROOM),
        name=name,
        capacity=extra.pop("capacity", 4),
        location=extra.pop("location", "Terminal 3, lantai 2"),
    )


def at(days: int, hour: int) -> datetime.datetime:
    """A time ``days`` from now at ``hour`` o'clock, local time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def booking_make(
    *,
    facility: Facility,
    viewer: Viewer | None = None,
    days: int = 1,
    start: int = 8,
    end: int = 10,
) -> FacilityBooking:
    viewer = viewer or officer("polda-banten", "penyidik.uji", Role.PENYIDIK)
    return services.booking_create(
        viewer=viewer,
        facility=facility,
        starts_at=at(days, start),
        ends_at=at(days, end),
        purpose="Wawancara lanjutan penumpang yang diserahkan",
    )


def joint_work_make() -> list[Any]:
    """One of each: a training, an operation, a facility and a booking of it (last)."""
    facility = facility_make()
    return [training_make(), operation_make(), facility, booking_make(facility=facility)]
