"""Demo joint work: a year (Dec 2025 to Nov 2026) of joint trainings and exercises, joint
operations at Soekarno-Hatta airport and Merak seaport linked to some of the demo referrals
and cases (looked up, no person made here), shared facilities of Kanim Soekarno-Hatta,
Kanim Cilegon, Polresta Tangerang and Polda Banten, and bookings of them for the coming weeks.

Made through the services by the demo heads and analysts of the accounts' demo
(``analis.imigrasi``, ``pimpinan.polda`` ...), so every write is audited like a real one.
Idempotent: a training or an operation with the same name and start date, a facility of the
same office and name, and the bookings of a facility that has any, are left alone. Trainers'
names are Faker ``id_ID``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, User
from benteng.cases.models import Case
from benteng.cooperation import services
from benteng.cooperation.errors import CooperationInvalid
from benteng.cooperation.models import (
    Facility,
    FacilityBooking,
    FacilityKind,
    Operation,
    OperationKind,
    Training,
    TrainingKind,
)
from benteng.demo import DemoContext
from benteng.referrals.models import Referral

# (month of the year from Dec 2025, day, days, kind, topic, place, organiser's username)
TRAININGS = [
    (
        0,
        9,
        2,
        TrainingKind.WORKSHOP,
        "Penyusunan SOP rujukan antarinstansi",
        "Aula Polda Banten",
        "pimpinan.polda",
    ),
    (
        1,
        20,
        2,
        TrainingKind.TRAINING,
        "Wawancara calon PMI di loket paspor",
        "Aula Kanwil Imigrasi Banten",
        "analis.imigrasi",
    ),
    (
        2,
        11,
        1,
        TrainingKind.SOSIALISASI,
        "UU 21/2007 dan modus TPPO terkini",
        "Mapolresta Tangerang",
        "pimpinan.polda",
    ),
    (
        3,
        17,
        2,
        TrainingKind.EXERCISE,
        "Simulasi penundaan keberangkatan di TPI",
        "Terminal 3 Bandara Soekarno-Hatta",
        "analis.imigrasi",
    ),
    (
        4,
        14,
        1,
        TrainingKind.TRAINING,
        "Mengenali korban penipuan daring (online scam)",
        "Aula Kanwil Imigrasi Banten",
        "analis.imigrasi",
    ),
    (
        5,
        12,
        2,
        TrainingKind.EXERCISE,
        "Latihan gabungan pemeriksaan kapal di Pelabuhan Merak",
        "Pelabuhan Merak",
        "pimpinan.polda",
    ),
    (
        6,
        23,
        1,
        TrainingKind.SOSIALISASI,
        "Pelindungan data pribadi dalam pertukaran data",
        "Aula Polda Banten",
        "analis.polda",
    ),
    (
        7,
        8,
        3,
        TrainingKind.TRAINING,
        "Penyidikan TPPO dengan pendekatan korban",
        "Aula Polda Banten",
        "pimpinan.polda",
    ),
    (
        8,
        19,
        1,
        TrainingKind.WORKSHOP,
        "Evaluasi semester kerja sama Imigrasi-Polri",
        "Aula Kanwil Imigrasi Banten",
        "analis.imigrasi",
    ),
    (
        9,
        15,
        2,
        TrainingKind.EXERCISE,
        "Simulasi serah terima penumpang ke penyidik",
        "Terminal 3 Bandara Soekarno-Hatta",
        "analis.imigrasi",
    ),
    (
        10,
        6,
        1,
        TrainingKind.SOSIALISASI,
        "Indikator kerja paksa ILO untuk petugas TPI",
        "Kantor Imigrasi Soekarno-Hatta",
        "analis.imigrasi",
    ),
    (
        11,
        18,
        2,
        TrainingKind.TRAINING,
        "Analisis jaringan perekrut dan sponsor",
        "Aula Polda Banten",
        "analis.polda",
    ),
]
# Offices whose officers take part, and a typical number of them.
PARTICIPANT_OFFICES = {
    "kanim-soekarno-hatta": 14,
    "tpi-bandara-soekarno-hatta": 10,
    "kanim-tangerang": 8,
    "kanim-cilegon": 6,
    "polda-banten": 9,
    "polresta-tangerang": 8,
    "polres-cilegon": 5,
}
# (month from Dec 2025, day, days, name, kind, place, offices, referrals, cases)
OPERATIONS = [
    (
        0,
        15,
        3,
        "Operasi Bandara Aman I",
        OperationKind.AIRPORT,
        "Bandara Soekarno-Hatta Terminal 3",
        ("kanim-soekarno-hatta", "tpi-bandara-soekarno-hatta", "polresta-tangerang"),
        2,
        1,
    ),
    (
        2,
        5,
        2,
        "Operasi Pelabuhan Merak I",
        OperationKind.SEAPORT,
        "Pelabuhan Merak",
        ("kanim-cilegon", "tpi-pelabuhan-cilegon", "polres-cilegon"),
        1,
        0,
    ),
    (
        4,
        20,
        3,
        "Operasi Bandara Aman II (musim umrah)",
        OperationKind.AIRPORT,
        "Bandara Soekarno-Hatta Terminal 3",
        ("kanim-soekarno-hatta", "tpi-bandara-soekarno-hatta", "polresta-tangerang"),
        2,
        1,
    ),
    (
        6,
        9,
        2,
        "Operasi Pelabuhan Merak II (arus mudik)",
        OperationKind.SEAPORT,
        "Pelabuhan Merak",
        ("kanim-cilegon", "tpi-pelabuhan-cilegon", "polres-cilegon"),
        0,
        0,
    ),
    (
        8,
        14,
        3,
        "Operasi Bandara Aman III",
        OperationKind.AIRPORT,
        "Bandara Soekarno-Hatta Terminal 2 dan 3",
        ("kanim-soekarno-hatta", "tpi-bandara-soekarno-hatta", "polresta-tangerang"),
        1,
        1,
    ),
    (
        10,
        10,
        2,
        "Operasi Pelabuhan Merak III",
        OperationKind.SEAPORT,
        "Pelabuhan Merak dan Bakauheni",
        ("kanim-cilegon", "tpi-pelabuhan-cilegon", "polres-cilegon"),
        1,
        0,
    ),
]
# (owner office, keeper's username, kind, name, capacity, location)
FACILITIES = [
    (
        "kanim-soekarno-hatta",
        "analis.imigrasi",
        FacilityKind.INTERVIEW_ROOM,
        "Ruang Wawancara TPI Terminal 3",
        4,
        "Terminal 3, area keberangkatan internasional",
    ),
    (
        "kanim-soekarno-hatta",
        "analis.imigrasi",
        FacilityKind.VEHICLE,
        "Mobil Operasional Kanim Soetta",
        7,
        "Kantor Imigrasi Soekarno-Hatta",
    ),
    (
        "kanim-cilegon",
        "analis.imigrasi",
        FacilityKind.INTERVIEW_ROOM,
        "Ruang Wawancara Pelabuhan Merak",
        4,
        "Dermaga 1 Pelabuhan Merak",
    ),
    (
        "polresta-tangerang",
        "pimpinan.polda",
        FacilityKind.INTERVIEW_ROOM,
        "Ruang Pelayanan Khusus (RPK)",
        3,
        "Mapolresta Tangerang",
    ),
    (
        "polresta-tangerang",
        "pimpinan.polda",
        FacilityKind.VEHICLE,
        "Mobil Patroli Unit PPA",
        5,
        "Mapolresta Tangerang",
    ),
    (
        "polda-banten",
        "pimpinan.polda",
        FacilityKind.SHELTER,
        "Rumah Aman Polda Banten",
        10,
        "Kota Serang",
    ),
]
# (facility name, booker's username, days from today, start hour, end hour, purpose)
BOOKINGS = [
    (
        "Ruang Wawancara TPI Terminal 3",
        "penyidik.tangerang",
        1,
        9,
        11,
        "Wawancara lanjutan penumpang yang diserahkan TPI",
    ),
    (
        "Ruang Wawancara TPI Terminal 3",
        "tpi.soetta",
        1,
        13,
        15,
        "Wawancara calon penumpang terindikasi PMI nonprosedural",
    ),
    (
        "Ruang Wawancara TPI Terminal 3",
        "penyidik.polda",
        3,
        8,
        12,
        "Pemeriksaan saksi operasi bandara",
    ),
    (
        "Ruang Pelayanan Khusus (RPK)",
        "imigrasi.tangerang",
        2,
        10,
        12,
        "Pendampingan pemeriksaan korban oleh petugas imigrasi",
    ),
    (
        "Mobil Patroli Unit PPA",
        "imigrasi.tangerang",
        5,
        7,
        16,
        "Penjangkauan desa binaan bersama Bhabinkamtibmas",
    ),
    (
        "Rumah Aman Polda Banten",
        "penyidik.polda",
        1,
        8,
        20,
        "Penampungan sementara korban sebelum dipulangkan",
    ),
    (
        "Ruang Wawancara Pelabuhan Merak",
        "penyidik.polda",
        4,
        9,
        12,
        "Wawancara penumpang kapal yang ditunda",
    ),
]
FIRST_MONTH = datetime.date(2025, 12, 1)


def _viewer(username: str) -> Viewer | None:
    user = User.objects.filter(username=username).select_related("office").first()
    return user.as_viewer() if user else None


def _month(offset: int, day: int) -> datetime.date:
    month = FIRST_MONTH.month - 1 + offset
    return datetime.date(FIRST_MONTH.year + month // 12, month % 12 + 1, day)


def _offices() -> dict[str, Office]:
    return {office.code: office for office in Office.objects.all()}


def _trainings(context: DemoContext, offices: dict[str, Office]) -> int:
    made = 0
    faker = context.faker
    for offset, day, days, kind, topic, place, organiser in TRAININGS:
        starts_on = _month(offset, day)
        viewer = _viewer(organiser)
        if viewer is None or Training.objects.filter(topic=topic, starts_on=starts_on).exists():
            continue
        participations = [
            (offices[code], max(1, typical + faker.random_int(-3, 3)))
            for code, typical in PARTICIPANT_OFFICES.items()
            if faker.random_int(0, 3) > 0
        ]
        services.training_create(
            viewer=viewer,
            kind=kind,
            topic=topic,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=days - 1),
            place=place,
            organiser_office=offices[_office_code(viewer)],
            trainers=f"{faker.name()} (Polda Banten)\n{faker.name()} (Kanwil Imigrasi Banten)",
            notes="",
            participations=participations or [(offices["polda-banten"], 5)],
        )
        made += 1
    return made


def _office_code(viewer: Viewer) -> str:
    office_id: Any = viewer.office_id
    return str(Office.objects.values_list("code", flat=True).get(pk=office_id))


def _operations(offices: dict[str, Office]) -> int:
    viewer = _viewer("pimpinan.polda")
    if viewer is None:
        return 0
    referrals = [
        referral.number
        for referral in Referral.objects.visible_to(viewer).only("pk", "sent_at").order_by("pk")
    ]
    cases = list(Case.objects.visible_to(viewer).order_by("pk").values_list("lp_number", flat=True))
    made = 0
    for offset, day, days, name, kind, place, codes, referral_count, case_count in OPERATIONS:
        starts_on = _month(offset, day)
        if Operation.objects.filter(name=name, starts_on=starts_on).exists():
            continue
        linked, referrals = referrals[:referral_count], referrals[referral_count:]
        linked_cases, cases = cases[:case_count], cases[case_count:]
        services.operation_create(
            viewer=viewer,
            name=name,
            kind=kind,
            place=place,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=days - 1),
            lead_office=offices["polda-banten"],
            offices=[offices[code] for code in codes],
            referral_numbers="\n".join(linked),
            lp_numbers="\n".join(linked_cases),
            notes="Pemeriksaan bersama penumpang keberangkatan internasional.",
        )
        made += 1
    return made


def _facilities(offices: dict[str, Office]) -> dict[str, Facility]:
    found = {}
    for code, keeper, kind, name, capacity, location in FACILITIES:
        facility = Facility.objects.filter(owner_office__code=code, name=name).first()
        viewer = _viewer(keeper)
        if facility is None and viewer is not None:
            facility = services.facility_create(
                viewer=viewer,
                owner_office=offices[code],
                kind=kind,
                name=name,
                capacity=capacity,
                location=location,
            )
        if facility is not None:
            found[name] = facility
    return found


def _bookings(facilities: dict[str, Facility]) -> int:
    with_bookings = set(
        FacilityBooking.objects.filter(facility__in=facilities.values()).values_list(
            "facility_id", flat=True
        )
    )
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    made = 0
    for name, booker, days, start, end, purpose in BOOKINGS:
        facility = facilities.get(name)
        viewer = _viewer(booker)
        if facility is None or viewer is None or facility.pk in with_bookings:
            continue
        day = today + datetime.timedelta(days=days)
        try:
            services.booking_create(
                viewer=viewer,
                facility=facility,
                starts_at=datetime.datetime.combine(day, datetime.time(start), tzinfo=zone),
                ends_at=datetime.datetime.combine(day, datetime.time(end), tzinfo=zone),
                purpose=purpose,
            )
        except CooperationInvalid:
            continue  # a clash with a booking someone made in the demo since: keep theirs
        made += 1
    return made


def seed_demo(context: DemoContext) -> None:
    offices = _offices()
    trainings = _trainings(context, offices)
    operations = _operations(offices)
    bookings = _bookings(_facilities(offices))
    context.notes.append(
        f"Kerja sama: {trainings} pelatihan/latihan, {operations} operasi bersama dan "
        f"{bookings} pemesanan fasilitas baru; laporan kerja sama untuk pimpinan.kanwil dan "
        "pimpinan.polda."
    )
