"""Demo Desa Binaan across Lebak, Pandeglang, Serang and Tangerang (the main PMI sources):
designations, focal persons, a year of service days and outreach, the Kronjo PIMPASA's work
plans and procedural PMI counts — synthetic (Faker ``id_ID``), made through the services, and
re-runnable (a second run finds what it made)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role, User
from benteng.demo import DemoContext
from benteng.regions.models import Region
from benteng.villages.imports import pmi_counts_import
from benteng.villages.models import (
    DesaBinaan,
    Facilitator,
    FocalPerson,
    Outreach,
    OutreachKind,
    ServiceDay,
    ServiceKind,
)
from benteng.villages.services import (
    PLAN_KEYS,
    designation_save,
    focal_person_save,
    outreach_record,
    service_day_record,
    work_plan_save,
)

DEMO_PURPOSE = "data demo Desa Binaan"
# (kecamatan, how many of its villages, the guiding Kanim)
DEMO_AREAS = [
    ("36.03.07", 5, "kanim-tangerang"),  # Kronjo, Kabupaten Tangerang (the demo accounts')
    ("36.03.06", 2, "kanim-tangerang"),  # Kresek, Kabupaten Tangerang
    ("36.04.09", 3, "kanim-serang"),  # Cikeusal, Kabupaten Serang
    ("36.01.04", 3, "kanim-pandeglang"),  # Kabupaten Pandeglang
    ("36.02.01", 3, "kanim-pandeglang"),  # Malingping, Kabupaten Lebak
]
PMI_SOURCE = "BP3MI Banten (data demo)"
TOPICS = [
    "Bahaya lowongan kerja luar negeri lewat media sosial",
    "Jalur penempatan PMI prosedural",
    "Modus umrah dan wisata untuk bekerja",
    "Penipuan kerja di pusat penipuan daring (online scam)",
    "Hak dan dokumen PMI (UU 18/2017)",
]
POSITIONS = ["Kepala Desa", "Sekretaris Desa", "Kasi Pemerintahan", "Kader PMI desa"]


def _villages() -> list[tuple[Region, str]]:
    found = []
    for kecamatan, count, kanim in DEMO_AREAS:
        regions = Region.objects.filter(parent_id=kecamatan).villages().order_by("code")[:count]
        found += [(region, kanim) for region in regions]
    return found


def seed_demo(context: DemoContext) -> None:
    system = Viewer.system(purpose=DEMO_PURPOSE)
    faker = context.faker
    rng = random.Random(2025_10_29)  # noqa: S311 - demo figures, not secrets (29 Oct 2025)
    today = timezone.localdate()
    designated = []
    for region, kanim_code in _villages():
        existing = DesaBinaan.objects.filter(region=region).first()
        village = existing or designation_save(
            viewer=system,
            desa_code=region.code,
            designated_on=datetime.date(2024, 11, 1) + datetime.timedelta(days=rng.randint(0, 300)),
            kanim=Office.objects.get(code=kanim_code),
        )
        designated.append(village)
        if existing is None:
            _focal_persons(system, village, faker)
            _year_of_activities(system, village, faker, rng, today)
    pimpasa = User.objects.filter(username="pimpasa.kronjo", role=Role.PIMPASA).first()
    if pimpasa is not None:
        _work_plans(Viewer.for_user(pimpasa, purpose=DEMO_PURPOSE), designated, rng, today)
    _pmi_counts(designated, rng, today)
    context.notes.append(
        f"Desa Binaan: {len(designated)} desa di Lebak, Pandeglang, Serang dan Tangerang."
    )


def _focal_persons(system: Viewer, village: DesaBinaan, faker: Any) -> None:
    if FocalPerson.objects.filter(village=village).exists():
        return
    account = User.objects.filter(role=Role.PIC_DESA, villages=village.region).first()
    if account is not None:
        focal_person_save(
            viewer=system,
            village=village,
            full_name=account.full_name,
            position=POSITIONS[2],
            phone=account.phone,
            user_id=account.pk,
        )
    for position in POSITIONS[:2]:
        focal_person_save(
            viewer=system,
            village=village,
            full_name=faker.name(),
            position=position,
            phone=faker.numerify("08##########"),
        )


def _year_of_activities(
    system: Viewer, village: DesaBinaan, faker: Any, rng: random.Random, today: datetime.date
) -> None:
    if (
        ServiceDay.objects.filter(village=village).exists()
        or Outreach.objects.filter(village=village).exists()
    ):
        return
    name = village.region.name
    for months_ago in range(0, 12, 2):
        service_day_record(
            viewer=system,
            village=village,
            held_on=today - datetime.timedelta(days=30 * months_ago + rng.randint(1, 20)),
            place=f"Balai Desa {name}",
            services=rng.sample(ServiceKind.values, rng.randint(1, 3)),
            served_male=rng.randint(3, 25),
            served_female=rng.randint(5, 35),
        )
    for _session in range(rng.randint(4, 10)):
        male, female = rng.randint(5, 40), rng.randint(5, 60)
        outreach_record(
            viewer=system,
            village=village,
            kind=rng.choice(OutreachKind.values),
            held_on=today - datetime.timedelta(days=rng.randint(1, 365)),
            place=rng.choice([f"Balai Desa {name}", f"SMK di {name}", f"Masjid {name}"]),
            topic=rng.choice(TOPICS),
            facilitators=rng.sample(Facilitator.values, rng.randint(1, 3)),
            participants_male=male,
            participants_female=female,
            participants_youth=rng.randint(0, (male + female) // 2),
        )


def _work_plans(
    viewer: Viewer, designated: list[DesaBinaan], rng: random.Random, today: datetime.date
) -> None:
    quarter = (today.month - 1) // 3 + 1
    for village in designated:
        if village.region_id not in viewer.village_codes:
            continue
        for year, number in ((today.year, quarter), (today.year, max(1, quarter - 1))):
            work_plan_save(
                viewer=viewer,
                village=village,
                year=year,
                quarter=number,
                planned={key: rng.randint(0, 3) or 1 for key in PLAN_KEYS},
            )


def _pmi_counts(designated: list[DesaBinaan], rng: random.Random, today: datetime.date) -> None:
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    if admin is None:
        return
    lines = ["kode_desa,tahun,jumlah,laki_laki,perempuan"]
    for village in designated:
        for year in range(today.year - 4, today.year):
            male, female = rng.randint(2, 40), rng.randint(5, 60)
            lines.append(f"{village.region_id},{year},{male + female},{male},{female}")
    pmi_counts_import(
        viewer=Viewer.for_user(admin, purpose=DEMO_PURPOSE),
        filename="jumlah_pmi_demo.csv",
        content="\n".join(lines).encode(),
        source=PMI_SOURCE,
    )
