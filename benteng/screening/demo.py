"""Demo screening: three weeks of passport applications and departure checks, through the real
screening and decision services, with the patterns officers meet.

- The calo from the watchlists demo (``context.shared["demo_recruiter"]``, on the police
  recruiter list) is named as sponsor by applicants from two villages in Kronjo, days apart,
  all claiming tourism or a family visit: a group pattern and a police hit.
- An applicant postponed at Kanim Serang tries again at Kanim Tangerang a week later, her name
  written differently; then she turns up at Soekarno-Hatta and the TPI delays her departure.
- Decisions of every kind: issued, postponed (one due soon, one overdue, one lapsed), refused,
  referred to BP3MI, referred to police; departures allowed, delayed, handed over to police.

Records are screened today and then dated back (demo only), oldest first, so the earlier
events each screening found carry their real dates. Idempotent: a database that holds the
demo's first application is left alone. Synthetic people only (Faker ``id_ID``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import User
from benteng.demo import DemoContext
from benteng.people.index import screening_index, source_audience
from benteng.people.sources import source_of
from benteng.regions.models import Region
from benteng.screening.amendments import correctable_fields, record_correct, record_void
from benteng.screening.decisions import (
    application_decide,
    departure_decide,
    postponements_lapse_overdue,
)
from benteng.screening.models import (
    ApplicationDecision,
    ApplicationStatus,
    DecisionOutcome,
    DecisionReason,
    DepartureCheck,
    DepartureDecision,
    DepartureOutcome,
    PassportApplication,
    ScreeningResult,
)
from benteng.screening.services import (
    ApplicationInput,
    DepartureInput,
    application_screen,
    departure_screen,
)
from benteng.watchlists.models import Watchlist, WatchlistEntry
from benteng.watchlists.services import watchlist_entry_create

DEMO_KEY = "demo-screening"
OFFICERS = {
    "kanim-tangerang": "imigrasi.tangerang",
    "kanim-serang": "imigrasi.serang",
    "tpi-bandara-soekarno-hatta": "tpi.soetta",
}
KRONJO = "36.03.07"
FALLBACK_RECRUITER = {
    "full_name": "Haji Sarmadi bin Karta",
    "phone": "081290314477",
    "category": "Perekrut lapangan (calo)",
}


@dataclass
class _Seeder:
    context: DemoContext
    officers: dict[str, Viewer]
    today: datetime.date
    number: int = 0
    made: dict[str, int] = field(default_factory=dict)

    def key(self) -> str:
        self.number += 1
        return f"{DEMO_KEY}-{self.number:03d}"

    def moment(self, days_ago: int, hour: int) -> datetime.datetime:
        day = self.today - datetime.timedelta(days=days_ago)
        naive = datetime.datetime.combine(day, datetime.time(hour, (self.number * 7) % 60))
        return timezone.make_aware(naive)


def _nik(district_code: str, birth: datetime.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth:%m%y}{serial:04d}"


def _date_back_application(
    application: PassportApplication, when: datetime.datetime, today: datetime.date
) -> None:
    """Move an application made today (its screening and decisions) back to ``when``."""
    PassportApplication.objects.filter(pk=application.pk).update(submitted_at=when)
    ScreeningResult.objects.filter(application=application).update(created_at=when)
    shift = timezone.localdate(when) - today
    replacements = {}
    for decision in ApplicationDecision.objects.filter(application=application):
        due = decision.due_date + shift if decision.due_date else None
        ApplicationDecision.objects.filter(pk=decision.pk).update(
            decided_at=when + datetime.timedelta(minutes=25), due_date=due
        )
        if due is not None and decision.due_date is not None:
            PassportApplication.objects.filter(pk=application.pk).update(postponed_until=due)
            replacements[f"sampai {decision.due_date:%d-%m-%Y}"] = f"sampai {due:%d-%m-%Y}"
    _date_back_entries(application.reference, when, today, replacements)


def _date_back_entries(
    reference: str,
    when: datetime.datetime,
    today: datetime.date,
    replacements: dict[str, str] | None = None,
) -> None:
    """The automatic watchlist entry names the day of the decision (and the due date)."""
    changes = {f"pada {today:%d-%m-%Y}": f"pada {timezone.localdate(when):%d-%m-%Y}"}
    changes.update(replacements or {})
    for entry in WatchlistEntry.objects.filter(source_reference=reference):
        instruction = entry.instruction
        for old, new in changes.items():
            instruction = instruction.replace(old, new)
        WatchlistEntry.objects.filter(pk=entry.pk).update(instruction=instruction, created_at=when)


def _index_now(reference: str, record: PassportApplication | DepartureCheck) -> None:
    """Feed the index at once: ``seed_demo`` runs in one transaction, so the services' own
    updates (after the commit) would come too late for the next demo screening to see."""

    backend = screening_index()
    backend.upsert(source_of(record).record_of(record))
    for entry in WatchlistEntry.objects.filter(source_reference=reference):
        audience = source_audience(entry)
        if audience is not None:
            backend.upsert(source_of(entry).record_of(entry), audience)


def _screen(seeder: _Seeder, office: str, values: dict[str, Any]) -> PassportApplication:

    viewer = seeder.officers[office]
    key = seeder.key()
    with transaction.atomic():
        outcome = application_screen(
            viewer=viewer,
            data=ApplicationInput.from_raw(values, today=seeder.today),
            idempotency_key=key,
        )
    application = outcome.record
    assert isinstance(application, PassportApplication)  # noqa: S101 - a demo invariant
    return application


def _decide(
    seeder: _Seeder,
    application: PassportApplication,
    outcome: str,
    reason: str,
    note: str = "",
    contacts: tuple[dict[str, str], ...] = (),
    answers: dict[str, str] | None = None,
) -> None:
    viewer = seeder.officers[application.office.code]
    application_decide(
        viewer=viewer,
        application=application,
        outcome=outcome,
        reason=reason,
        note=note,
        contacts=contacts,
        answers=answers,
    )
    seeder.made[outcome] = seeder.made.get(outcome, 0) + 1


def _application(
    seeder: _Seeder,
    *,
    office: str,
    days_ago: int,
    person: dict[str, Any],
    trip: dict[str, Any],
    decision: tuple[str, str, str] | None = None,
    contacts: tuple[dict[str, str], ...] = (),
) -> PassportApplication:
    application = _screen(seeder, office, {**person, **trip})
    if decision is not None:
        outcome, reason, note = decision
        answers = None
        result = application.screenings.order_by("-created_at").first()
        questions = [q for item in (result.indicators if result else []) for q in item["questions"]]
        if questions:
            answers = {questions[0]: "Dijawab ragu-ragu; tidak tahu alamat tempat tujuan."}
        _decide(seeder, application, outcome, reason, note, contacts, answers)
    _date_back_application(
        application, seeder.moment(days_ago, 9 + seeder.number % 7), seeder.today
    )
    _index_now(application.reference, application)
    return application


def _person(
    faker: Any, *, village: Region, sex: str, birth: datetime.date, serial: int, name: str = ""
) -> dict[str, Any]:
    first = faker.first_name_female() if sex == "P" else faker.first_name_male()
    return {
        "nik": _nik(village.parent_id or KRONJO, birth, sex, serial),
        "full_name": name or f"{first} {faker.last_name()}",
        "birth_date": birth,
        "birth_place": "Tangerang",
        "sex": sex,
        "address": f"Kp. {faker.street_name()} RT 00{serial % 9 + 1}/RW 00{serial % 4 + 1}",
        "desa_code": village.code,
        "phone": faker.numerify("0857########"),
    }


def _recruiter(context: DemoContext) -> dict[str, Any]:
    """The calo the watchlists demo put on the police list, or our own entry of him."""
    shared = context.shared.get("demo_recruiter")
    if shared:
        return {
            "name": shared["name"],
            "phone": shared["phone"],
            "villages": shared["village_codes"],
        }

    entry = WatchlistEntry.objects.filter(source_reference=f"{DEMO_KEY}:calo").first()
    if entry is None:
        entry = watchlist_entry_create(
            viewer=Viewer.system(purpose="data demo penyaringan"),
            watchlist=Watchlist.objects.get(code="polri-perekrut"),
            data=dict(FALLBACK_RECRUITER),
            source_reference=f"{DEMO_KEY}:calo",
        )
    return {"name": entry.full_name, "phone": entry.phone, "villages": []}


def _villages(codes: list[str]) -> list[Region]:
    villages = list(Region.objects.filter(code__in=codes).order_by("code"))
    if len(villages) < 2:
        villages = list(Region.objects.filter(parent_id=KRONJO).villages().order_by("code")[:2])
    return villages


def seed_demo(context: DemoContext) -> None:
    if PassportApplication.objects.filter(idempotency_key=f"{DEMO_KEY}-001").exists():
        context.notes.append("Penyaringan: data demo sudah ada.")
        return
    users = {code: User.objects.filter(username=name).first() for code, name in OFFICERS.items()}
    if any(user is None for user in users.values()):
        context.notes.append("Penyaringan: akun demo petugas tidak ada; data demo dilewati.")
        return
    seeder = _Seeder(
        context=context,
        officers={
            code: Viewer.for_user(user, purpose="data demo penyaringan")
            for code, user in users.items()
        },
        today=timezone.localdate(),
    )
    faker = context.faker
    recruiter = _recruiter(context)
    villages = _villages(recruiter["villages"])
    far_villages = list(Region.objects.filter(parent_id="36.04.09").villages().order_by("code")[:3])
    ordinary_villages = far_villages + villages

    # 1. Ordinary applicants over three weeks: most issued.
    ordinary_trips = [
        {
            "purpose": "umrah_haji",
            "destination_country": "SA",
            "documents": ["rekomendasi_kemenag", "surat_biro_perjalanan", "tiket_pulang"],
        },
        {"purpose": "wisata", "destination_country": "SG", "documents": ["tiket_pulang"]},
        {
            "purpose": "wisata",
            "destination_country": "JP",
            "documents": ["tiket_pulang", "surat_biro_perjalanan"],
        },
        {"purpose": "studi", "destination_country": "AU", "documents": ["surat_penerimaan_studi"]},
        {
            "purpose": "bekerja",
            "destination_country": "TW",
            "placement_company": "PT Sinar Karya Mandiri",
            "employer_name": "Formosa Precision Co.",
            "documents": [
                "rekomendasi_disnaker",
                "surat_sehat",
                "status_perkawinan",
                "izin_keluarga",
                "sertifikat_kompetensi",
                "sertifikat_psikologi",
                "visa_kerja",
                "perjanjian_penempatan",
                "kontrak_kerja",
                "epmi",
            ],
        },
    ]
    for number in range(14):
        village = ordinary_villages[number % len(ordinary_villages)]
        sex = "P" if number % 2 else "L"
        birth = datetime.date(1968 + number * 2, 1 + number % 12, 3 + number)
        trip = ordinary_trips[number % len(ordinary_trips)]
        office = "kanim-serang" if village in far_villages else "kanim-tangerang"
        decision: tuple[str, str, str] | None = (
            DecisionOutcome.ISSUE,
            DecisionReason.DOCUMENTS_COMPLETE,
            "",
        )
        if number == 12:
            decision = None  # still waiting for the officer
        _application(
            seeder,
            office=office,
            days_ago=21 - number,
            person=_person(faker, village=village, sex=sex, birth=birth, serial=100 + number),
            trip=trip,
            decision=decision,
        )

    # 2. A work applicant without placement documents is sent the procedural way.
    _application(
        seeder,
        office="kanim-tangerang",
        days_ago=16,
        person=_person(
            faker, village=villages[0], sex="L", birth=datetime.date(1994, 8, 2), serial=201
        ),
        trip={"purpose": "bekerja", "destination_country": "MY", "documents": []},
        decision=(
            DecisionOutcome.REFER_BP3MI,
            DecisionReason.DOCUMENTS_MISSING,
            "Ingin bekerja di kebun sawit; diarahkan ke BP3MI Banten untuk jalur resmi.",
        ),
    )

    # 3. Postponements: one lapses (documents never came), one is overdue, one due soon.
    lapsed = _application(
        seeder,
        office="kanim-tangerang",
        days_ago=25,
        person=_person(
            faker, village=villages[1], sex="P", birth=datetime.date(1990, 6, 9), serial=211
        ),
        trip={"purpose": "kunjungan_keluarga", "destination_country": "HK", "documents": []},
        decision=(
            DecisionOutcome.POSTPONE,
            DecisionReason.DOCUMENTS_MISSING,
            "Surat jaminan dan salinan paspor kerabat belum ada.",
        ),
    )
    _push_due_date(lapsed, days_overdue=2, today=seeder.today)
    postponements_lapse_overdue(today=seeder.today)
    overdue = _application(
        seeder,
        office="kanim-tangerang",
        days_ago=20,
        person=_person(
            faker, village=villages[0], sex="P", birth=datetime.date(1992, 11, 23), serial=212
        ),
        trip={"purpose": "umrah_haji", "destination_country": "SA", "documents": []},
        decision=(
            DecisionOutcome.POSTPONE,
            DecisionReason.DOCUMENTS_MISSING,
            "Rekomendasi Kemenag belum ada.",
        ),
    )
    _push_due_date(overdue, days_overdue=1, today=seeder.today)

    # 4. The calo's applicants from two villages, days apart, naming him as sponsor.
    group_outcomes: list[tuple[str, str, str] | None] = [
        (
            DecisionOutcome.POSTPONE,
            DecisionReason.NON_PROCEDURAL_PMI,
            "Mengaku wisata ke Malaysia; tidak tahu alamat menginap; tiket dibelikan sponsor.",
        ),
        (
            DecisionOutcome.REFUSE,
            DecisionReason.NON_PROCEDURAL_PMI,
            "Mengakui akan bekerja sebagai ART melalui sponsor; tanpa dokumen penempatan.",
        ),
        (
            DecisionOutcome.REFER_POLICE,
            DecisionReason.TRAFFICKING_VICTIM,
            "Sponsor memegang KTP dan KK pemohon; pemohon berutang Rp7 juta kepada sponsor.",
        ),
        (
            DecisionOutcome.POSTPONE,
            DecisionReason.DOCUMENTS_MISSING,
            "Surat jaminan kerabat di Kamboja belum ada.",
        ),
        None,
    ]
    group_trips = [
        {"purpose": "wisata", "destination_country": "MY", "documents": []},
        {"purpose": "kunjungan_keluarga", "destination_country": "SA", "documents": []},
        {"purpose": "wisata", "destination_country": "KH", "documents": []},
        {"purpose": "kunjungan_keluarga", "destination_country": "KH", "documents": []},
        {"purpose": "wisata", "destination_country": "MY", "documents": ["tiket_pulang"]},
    ]
    group: list[PassportApplication] = []
    for number, (decision, trip) in enumerate(zip(group_outcomes, group_trips, strict=True)):
        village = villages[number % 2]
        sex = "P" if number != 3 else "L"
        application = _application(
            seeder,
            office="kanim-tangerang",
            days_ago=9 - number * 2,
            person=_person(
                faker,
                village=village,
                sex=sex,
                birth=datetime.date(1996 - number, 3 + number, 10 + number),
                serial=300 + number,
            ),
            trip={**trip, "sponsor_name": recruiter["name"], "sponsor_phone": recruiter["phone"]},
            decision=decision,
            contacts=(
                {"relation": "sponsor", "name": recruiter["name"], "phone": recruiter["phone"]},
            )
            if decision
            else (),
        )
        group.append(application)

    # 5. Delayed at Kanim Serang, tries again at Kanim Tangerang with her name written apart.
    birth = datetime.date(1995, 7, 14)
    serang_village = far_villages[0] if far_villages else villages[0]
    wanderer = _person(
        faker, village=serang_village, sex="P", birth=birth, serial=411, name="Siti Nurhalimah"
    )
    _application(
        seeder,
        office="kanim-serang",
        days_ago=12,
        person=wanderer,
        trip={
            "purpose": "wisata",
            "destination_country": "MY",
            "documents": [],
            "sponsor_name": "Bu Enok",
            "sponsor_phone": "0813-7788-1020",
        },
        decision=(
            DecisionOutcome.POSTPONE,
            DecisionReason.NON_PROCEDURAL_PMI,
            "Mengaku wisata; tidak punya tiket pulang; ditawari kerja di restoran.",
        ),
    )
    _application(
        seeder,
        office="kanim-tangerang",
        days_ago=5,
        person={**wanderer, "full_name": "Siti Nur Halimah", "phone": "0813-2222-9090"},
        trip={"purpose": "kunjungan_keluarga", "destination_country": "MY", "documents": []},
    )

    # 6. Departure checks at Soekarno-Hatta.
    for number in range(8):
        _departure(
            seeder,
            days_ago=14 - number,
            values={
                "passport_no": f"C{5100200 + number * 37}",
                "full_name": faker.name(),
                "birth_date": datetime.date(1975 + number * 3, 2 + number, 5 + number),
                "flight_number": ("GA820", "QZ7510", "SQ957", "MH712")[number % 4],
            },
            outcome=DepartureOutcome.ALLOW,
        )
    _departure(
        seeder,
        days_ago=1,
        values={
            "passport_no": "C8812045",
            "full_name": "Siti Nurhalimah",
            "birth_date": birth,
            "flight_number": "QZ7510",
        },
        outcome=DepartureOutcome.DELAY,
        note="Pernah ditunda di Kanim Serang; tujuan wisata tanpa tiket pulang.",
    )
    referred = group[2]
    _departure(
        seeder,
        days_ago=0,
        values={
            "passport_no": "C8812777",
            "full_name": referred.full_name,
            "birth_date": referred.birth_date,
            "flight_number": "AK381",
        },
        outcome=DepartureOutcome.HAND_OVER,
        note="Dirujuk ke polisi oleh Kanim Tangerang; sponsor terduga calo ikut di bandara.",
    )
    _departure(
        seeder,
        days_ago=0,
        values={
            "passport_no": "C9100321",
            "full_name": faker.name(),
            "birth_date": datetime.date(1988, 4, 4),
            "flight_number": "GA866",
        },
        outcome=None,
    )
    # 7. A passenger scanned twice by mistake: the second check is voided; a name mistyped at
    # the counter is corrected.
    duplicate_scan = _departure(
        seeder,
        days_ago=0,
        values={
            "passport_no": "C9100321",
            "full_name": "Ahmad Fauzi",
            "birth_date": datetime.date(1988, 4, 4),
            "flight_number": "GA866",
        },
        outcome=None,
    )
    record_void(
        viewer=seeder.officers["tpi-bandara-soekarno-hatta"],
        record=duplicate_scan,
        reason="Paspor terpindai dua kali; pemeriksaan yang benar sudah tercatat.",
    )
    screening_index().remove(source_of(duplicate_scan).key(duplicate_scan.pk))
    mistyped = _application(
        seeder,
        office="kanim-tangerang",
        days_ago=0,
        person=_person(
            faker, village=ordinary_villages[0], sex="L", birth=datetime.date(1999, 9, 9), serial=77
        ),
        trip={"purpose": "studi", "destination_country": "MY", "documents": ["tiket_pulang"]},
    )
    record_correct(
        viewer=seeder.officers["kanim-tangerang"],
        record=mistyped,
        values={
            **{name: getattr(mistyped, name) for name in correctable_fields(mistyped)},
            "full_name": f"{mistyped.full_name}a",
        },
        reason="Salah ketik nama; dibetulkan sesuai KTP pemohon.",
    )
    _index_now(mistyped.reference, mistyped)
    context.notes.append(
        f"Penyaringan: {PassportApplication.objects.count()} permohonan dan "
        f"{DepartureCheck.objects.count()} pemeriksaan keberangkatan demo; calo "
        f"“{recruiter['name']}” sebagai sponsor; “Siti Nurhalimah” ditunda di Kanim Serang, "
        "mencoba lagi di Kanim Tangerang, ditunda di TPI Soekarno-Hatta."
    )


def _push_due_date(
    application: PassportApplication, *, days_overdue: int, today: datetime.date
) -> None:
    """Move a postponement's due date into the past (the applicant never came back)."""
    due = today - datetime.timedelta(days=days_overdue)
    PassportApplication.objects.filter(pk=application.pk).update(postponed_until=due)
    ApplicationDecision.objects.filter(
        application=application, outcome=DecisionOutcome.POSTPONE
    ).update(due_date=due)
    application.postponed_until = due
    application.status = ApplicationStatus.POSTPONED


def _departure(
    seeder: _Seeder,
    *,
    days_ago: int,
    values: dict[str, Any],
    outcome: str | None,
    note: str = "",
) -> DepartureCheck:

    viewer = seeder.officers["tpi-bandara-soekarno-hatta"]
    with transaction.atomic():
        screened = departure_screen(
            viewer=viewer,
            data=DepartureInput.from_raw(values, today=seeder.today),
            idempotency_key=seeder.key(),
        )
    check = screened.record
    assert isinstance(check, DepartureCheck)  # noqa: S101 - a demo invariant
    if outcome is not None:
        departure_decide(viewer=viewer, check=check, outcome=outcome, note=note, flight_number="")
    when = seeder.moment(days_ago, 6 + seeder.number % 15)
    decided_at = when + datetime.timedelta(minutes=4) if outcome else None
    DepartureCheck.objects.filter(pk=check.pk).update(checked_at=when, decided_at=decided_at)
    if decided_at is not None:
        DepartureDecision.objects.filter(departure_check=check).update(decided_at=decided_at)
    ScreeningResult.objects.filter(departure_check=check).update(created_at=when)
    _date_back_entries(check.reference, when, seeder.today)
    _index_now(check.reference, check)
    return check
