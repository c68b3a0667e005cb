"""The village profile page on PostgreSQL with five years of events, through the Django test
client as a signed-in officer (production settings: DEBUG off, 2FA passed, every read audited
as in production).

One command (each step skipped when already done):

    .venv/bin/python bench/bench_village_profile.py            # 200,000 applications ...
    .venv/bin/python bench/bench_village_profile.py --quick    # a tenth of that

1. creates the database named in DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/benteng_bench_villages; never ``test``), migrates it and
   loads the reference data;
2. inserts five years of events over every desa of Banten — passport applications (a fifth of
   them postponed or refused), departure checks (a tenth delayed or handed over), TPPO cases
   with two victims each — and 300 Desa Binaan with monthly service days and outreach; the
   measured desa (Kronjo, Kabupaten Tangerang) gets about 1 % of all the events;
3. times, as Kanim Tangerang's passport officer (who also sees names) and as the desa's
   PIMPASA (counts only): the profile of the measured desa; as the baseline, in the same run,
   the village's own page (designation, team, latest activities) and the profile of a desa
   with no events;
4. prints p50 / p95 / max per page against the target (profile p95 <= 300 ms).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_referrals import (  # noqa: E402 - the path above first
    environment,
    report,
    signed_in,
    timed,
)
from postgres_setup import bench_account, django_ready  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/benteng_bench_villages"
PROFILE_TARGET_MS = 300.0
BATCH = 5000
MEASURED_DESA = "36.03.07.2001"  # Kronjo, Kabupaten Tangerang
QUIET_DESA = "36.03.07.2002"  # a Desa Binaan with no events at all
YEARS = 5


def load(scale: int) -> None:
    """Five years of events (re-runnable: skipped when loaded)."""
    from django.db import connection
    from django.utils import timezone

    from benteng.accounts.models import Office, User
    from benteng.cases.models import Case, CasePerson
    from benteng.regions.models import Region
    from benteng.screening.models import (
        ApplicationDecision,
        DepartureCheck,
        PassportApplication,
    )
    from benteng.villages.models import DesaBinaan, Outreach, ServiceDay

    if PassportApplication.objects.filter(reference__startswith="BENCH-").exists():
        print("events already loaded")
        return
    rng = random.Random(14)
    now = timezone.now()
    villages = list(Region.objects.villages().values_list("code", flat=True))
    kanim = Office.objects.get(code="kanim-tangerang")
    tpi = Office.objects.get(code="tpi-bandara-soekarno-hatta")
    polres = Office.objects.get(code="polresta-tangerang")
    officer = User.objects.get(username="bench.imigrasi")

    def place() -> str:
        return MEASURED_DESA if rng.random() < 0.01 else rng.choice(villages)

    def moment() -> datetime.datetime:
        return now - datetime.timedelta(minutes=rng.randint(0, YEARS * 365 * 24 * 60))

    started = time.perf_counter()
    applications_count = 200 * scale
    for start in range(0, applications_count, BATCH):
        rows = [
            PassportApplication(
                reference=f"BENCH-A-{number}",
                office=kanim,
                full_name=f"Pemohon {number}",
                region_id=place(),
                purpose="wisata",
                destination_country="MY",
                submitted_at=moment(),
            )
            for number in range(start, min(start + BATCH, applications_count))
        ]
        created = PassportApplication.objects.bulk_create(rows)
        ApplicationDecision.objects.bulk_create(
            ApplicationDecision(
                application=row,
                outcome=rng.choice(["tunda", "tolak"]),
                reason="indikasi_pmi_nonprosedural",
                decided_by=officer,
                decided_at=row.submitted_at + datetime.timedelta(hours=1),
            )
            for row in created
            if rng.random() < 0.2
        )
    print(f"  {applications_count} applications ({time.perf_counter() - started:.0f} s)")
    checks_count = 100 * scale
    for start in range(0, checks_count, BATCH):
        DepartureCheck.objects.bulk_create(
            DepartureCheck(
                reference=f"BENCH-D-{number}",
                office=tpi,
                full_name=f"Penumpang {number}",
                region_id=place(),
                checked_at=moment(),
                outcome=rng.choice(["tunda", "serahkan_polisi"])
                if rng.random() < 0.1
                else "izinkan",
            )
            for number in range(start, min(start + BATCH, checks_count))
        )
    print(f"  {checks_count} departure checks ({time.perf_counter() - started:.0f} s)")
    cases_count = 2 * scale
    cases = Case.objects.bulk_create(
        Case(
            kind="tppo",
            lp_number=f"LP/B/{number}/BENCH",
            lp_date=moment().date(),
            handling_office=polres,
            modus="non_prosedural",
            stage="lidik",
            stage_on=now.date(),
        )
        for number in range(cases_count)
    )
    CasePerson.objects.bulk_create(
        CasePerson(case=case, role="korban", number=number, full_name="Korban", region_id=place())
        for case in cases
        for number in (1, 2)
    )
    print(f"  {cases_count} cases ({time.perf_counter() - started:.0f} s)")
    designated = [MEASURED_DESA, QUIET_DESA, *rng.sample(villages, 300)]
    desas = []
    for code in dict.fromkeys(designated):
        desa, _ = DesaBinaan.objects.get_or_create(
            region_id=code, defaults={"designated_on": datetime.date(2021, 1, 1), "kanim": kanim}
        )
        desas.append(desa)
    today = now.date()
    for month in range(YEARS * 12):
        day = today - datetime.timedelta(days=30 * month)
        ServiceDay.objects.bulk_create(
            ServiceDay(village=desa, held_on=day, place="Balai", services=["informasi_paspor"])
            for desa in desas
        )
        Outreach.objects.bulk_create(
            Outreach(
                village=desa,
                kind="sosialisasi",
                held_on=day,
                place="Balai",
                topic="TPPO",
                facilitators=["imigrasi"],
                participants_male=rng.randint(1, 30),
                participants_female=rng.randint(1, 30),
            )
            for desa in desas
        )
    print(f"  {len(desas)} Desa Binaan with {YEARS} years of activities")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    arguments = parser.parse_args()
    scale, requests = (100, 60) if arguments.quick else (1000, 200)
    database_url = arguments.database_url + ("_quick" if arguments.quick else "")
    env = environment(database_url)
    django_ready(database_url, env)
    from benteng.accounts.models import Role
    from benteng.screening.models import ApplicationDecision, DepartureCheck
    from benteng.villages.models import DesaBinaan

    immigration = bench_account("bench.imigrasi", Role.PETUGAS_IMIGRASI, "kanim-tangerang", [])
    pimpasa = bench_account(
        "bench.pimpasa", Role.PIMPASA, "kanim-tangerang", [MEASURED_DESA, QUIET_DESA]
    )
    leader = bench_account("bench.pimpinan", Role.PIMPINAN, "kanwil-imigrasi-banten")
    load(scale)
    measured = DesaBinaan.objects.get(region_id=MEASURED_DESA)
    quiet = DesaBinaan.objects.get(region_id=QUIET_DESA)
    print(
        f"{ApplicationDecision.objects.count()} application decisions, "
        f"{DepartureCheck.objects.count()} departure checks; the measured desa: "
        f"{ApplicationDecision.objects.filter(application__region_id=MEASURED_DESA).count()} "
        f"decisions, {DepartureCheck.objects.filter(region_id=MEASURED_DESA).count()} checks; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    officer_client = signed_in(immigration)
    pimpasa_client = signed_in(pimpasa)
    leader_client = signed_in(leader)
    profile = f"/desa-binaan/{measured.pk}/profil/"
    timed(officer_client, [profile, f"/desa-binaan/{measured.pk}/"])  # warm up
    timed(pimpasa_client, [profile])
    results = [
        report(
            "baseline: the village's own page",
            timed(pimpasa_client, [f"/desa-binaan/{measured.pk}/"] * requests),
            PROFILE_TARGET_MS,
        ),
        report(
            "baseline: profile of a desa with no events",
            timed(pimpasa_client, [f"/desa-binaan/{quiet.pk}/profil/"] * requests),
            PROFILE_TARGET_MS,
        ),
        report(
            "profile, PIMPASA (counts only)",
            timed(pimpasa_client, [profile] * requests),
            PROFILE_TARGET_MS,
        ),
        report(
            "profile, passport officer (with names)",
            timed(officer_client, [profile] * requests),
            PROFILE_TARGET_MS,
        ),
        report(
            "profile, leadership (small counts marked)",
            timed(leader_client, [profile] * requests),
            PROFILE_TARGET_MS,
        ),
    ]
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
