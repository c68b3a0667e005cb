"""Police visibility's cost: the queries and the time of the police pages that apply the rule
(``screening.access.police_visible_rows``), on PostgreSQL, through the Django test client as a
signed-in investigator (production settings: DEBUG off, 2FA passed, every read audited).

One command (each step skipped when already done):

    .venv/bin/python bench/bench_police_visibility.py            # 50,000 applications, 200 requests
    .venv/bin/python bench/bench_police_visibility.py --quick    # 5,000 applications, 40 requests

1. creates the database named in DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/benteng_bench_police; never ``test``), migrates it and
   loads the reference data;
2. inserts synthetic applications at every Kanim and departure checks at the airport, a tenth
   of them police hits, each hit on an entry of Polda Banten's list or of a list Polres Lebak
   keeps itself (``ScreeningHit`` rows, as the screening writes them);
3. for an investigator of Polres Lebak (it reads the airport's and Tangerang's hits on its own
   list) and one of Polresta Tangerang (the records of its area), and the baseline of the same
   run, the Kanwil's immigration analyst (every record, no police rule): the application and
   departure lists, a record's page, the home page, and ``GET /api/v1/screenings/{id}`` by
   Polres Lebak's system;
   each page's queries (``CaptureQueriesContext``, one request) and p50 / p95 time;
4. the same police pages again with the viewer's remembered answers switched off — each policy
   use works out the office's answers again, as before they were kept on the viewer.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_referrals import signed_in  # noqa: E402
from bench.postgres_setup import bench_account, django_ready  # noqa: E402
from bench.postgres_setup import production_environment as environment  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/benteng_bench_police"
BATCH = 5000
LEBAK_LIST = "bench-polres-lebak-perekrut"
# What a screening without a NIK stores (``outcome.nik_check_of``).
NO_NIK = {"nik": "", "checked": False, "valid": None, "problems": []}


def _lists() -> tuple[Any, Any]:
    """Polda Banten's recruiter list and one Polres Lebak keeps, with 200 entries each."""
    from benteng.accounts.models import Agency, AgencyKind, Office
    from benteng.watchlists.models import Watchlist, WatchlistEntry, WatchlistKind

    lebak = Office.objects.get(code="polres-lebak")
    own, _ = Watchlist.objects.get_or_create(
        code=LEBAK_LIST,
        defaults={
            "name": "Terduga perekrut (Polres Lebak)",
            "kind": WatchlistKind.PEREKRUT,
            "owner_agency": Agency.objects.get(kind=AgencyKind.POLRI),
            "owner_office": lebak,
        },
    )
    polda = Watchlist.objects.get(code="polri-perekrut")
    for watchlist in (polda, own):
        if not WatchlistEntry.objects.filter(watchlist=watchlist).exists():
            WatchlistEntry.objects.bulk_create(
                WatchlistEntry(
                    watchlist=watchlist,
                    owner_office=watchlist.owner_office,
                    full_name=f"Perekrut Bench {number}",
                    category="Perekrut lapangan (calo)",
                    legal_basis="UU No. 21 Tahun 2007",
                    instruction="Hubungi pemilik daftar.",
                )
                for number in range(200)
            )
    return (
        list(WatchlistEntry.objects.filter(watchlist=polda).values_list("pk", flat=True)),
        list(WatchlistEntry.objects.filter(watchlist=own).values_list("pk", flat=True)),
    )


def load(count: int) -> None:
    """``count`` applications and a fifth as many departure checks (re-runnable)."""
    from django.db import connection
    from django.utils import timezone
    from faker import Faker

    from benteng.accounts.models import Office, OfficeKind
    from benteng.screening.models import (
        DepartureCheck,
        PassportApplication,
        ScreeningHit,
        ScreeningResult,
    )

    ScreeningResult.objects.filter(nik_check={}).update(nik_check=NO_NIK)
    have = PassportApplication.objects.filter(reference__startswith="BENCH-A-").count()
    if have >= count:
        print(f"{have} applications already loaded")
        return
    polda_entries, lebak_entries = _lists()
    faker = Faker("id_ID")
    faker.seed_instance(17)
    rng = random.Random(17)
    kanims = list(Office.objects.filter(kind=OfficeKind.KANIM))
    airport = Office.objects.get(code="tpi-bandara-soekarno-hatta")
    now = timezone.now()
    started = time.perf_counter()
    for start in range(have, count, BATCH):
        numbers = range(start, min(start + BATCH, count))
        hit = {number: number % 10 == 0 for number in numbers}
        when = {
            number: now - datetime.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            for number in numbers
        }
        applications = PassportApplication.objects.bulk_create(
            PassportApplication(
                reference=f"BENCH-A-{number:07d}",
                office=rng.choice(kanims),
                full_name=faker.name(),
                purpose="wisata",
                destination_country="MY",
                submitted_at=when[number],
                police_visible=hit[number],
            )
            for number in numbers
        )
        checks = DepartureCheck.objects.bulk_create(
            DepartureCheck(
                reference=f"BENCH-D-{number:07d}",
                office=airport,
                full_name=faker.name(),
                passport_no=f"C{number:07d}",
                checked_at=when[number],
                police_visible=hit[number],
            )
            for number in numbers
            if number % 5 == 0
        )
        entry_of = {
            record.pk: rng.choice(lebak_entries if rng.random() < 0.3 else polda_entries)
            for record in (*applications, *checks)
            if record.police_visible
        }

        def result_of(
            record: Any, when: Any, entries: dict[int, int] = entry_of, **subject: Any
        ) -> ScreeningResult:
            hit = {"entry_id": entries.get(record.pk), "score": 1.0, "matched_on": "person"}
            return ScreeningResult(
                **subject,
                created_at=when,
                risk_score=60 if record.police_visible else 10,
                risk_band="tinggi" if record.police_visible else "rendah",
                nik_check=NO_NIK,
                hits=[hit] if record.police_visible else [],
            )

        results = ScreeningResult.objects.bulk_create(
            [
                *(result_of(r, r.submitted_at, application=r) for r in applications),
                *(result_of(r, r.checked_at, departure_check=r) for r in checks),
            ]
        )
        ScreeningHit.objects.bulk_create(
            ScreeningHit(result=result, entry_id=result.hits[0]["entry_id"])
            for result in results
            if result.hits
        )
        print(f"  {start + len(applications)} applications ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measured(client: Any, url: str, requests: int, **headers: str) -> tuple[int, list[float]]:
    """The queries of one request, and the times of ``requests`` more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True, **headers)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    # Counted now: the next request's start empties the connection's query log.
    queries = len(captured.captured_queries)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url, secure=True, **headers)
        times.append((time.perf_counter() - started) * 1000)
    return queries, times


def line(name: str, queries: int, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"  {name:<52} queries {queries:>3}  p50 {statistics.median(times):6.1f} ms  "
        f"p95 {p95:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    arguments = parser.parse_args()
    count, requests = (5_000, 40) if arguments.quick else (50_000, 200)
    database_url = arguments.database_url + ("_quick" if arguments.quick else "")
    env = environment(database_url, BENTENG_API_RATE_LIMIT="100000/min")
    django_ready(database_url, env)
    from django.test import Client

    from benteng.access.viewer import Viewer
    from benteng.accounts.models import Role
    from benteng.api.models import ApiScope
    from benteng.api.services import api_client_create
    from benteng.screening.models import PassportApplication, ScreeningResult

    load(count)
    lebak = bench_account("bench.penyidik.lebak", Role.PENYIDIK, "polres-lebak")
    tangerang = bench_account("bench.penyidik.tangerang", Role.PENYIDIK, "polresta-tangerang")
    analyst = bench_account("bench.analis", Role.ANALIS_IMIGRASI, "kanwil-imigrasi-banten")
    token = api_client_create(
        name=f"Sistem perkara Polres Lebak {time.time():.0f}",
        office=lebak.office,
        role=Role.PENYIDIK,
        scopes=(ApiScope.SCREENING_READ,),
        viewer=Viewer.system(purpose="benchmark"),
    ).token
    lebak_hit = (
        ScreeningResult.objects.filter(
            application__isnull=False, hit_entries__entry__watchlist__code=LEBAK_LIST
        )
        .exclude(application__office__code="kanim-tangerang")
        .select_related("application")
        .order_by("pk")
        .first()
    )
    assert lebak_hit is not None and lebak_hit.application is not None
    shown = PassportApplication.objects.filter(police_visible=True).count()
    print(
        f"{PassportApplication.objects.count()} applications, {shown} shown to the police; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    record_page = f"/penyaringan/permohonan/{lebak_hit.application.pk}/"
    api_url = f"/api/v1/screenings/{lebak_hit.pk}"
    police_pages = [
        ("applications list", "/penyaringan/permohonan/"),
        ("departures list", "/penyaringan/keberangkatan/"),
        ("home", "/"),
    ]

    def police_run(label: str) -> None:
        print(label)
        for name, user in (("Polres Lebak", lebak), ("Polresta Tangerang", tangerang)):
            client = signed_in(user)
            for page, url in police_pages:
                line(f"{name}: {page}", *measured(client, url, requests))
        line(
            "Polres Lebak: a record's page (its own list's hit)",
            *measured(signed_in(lebak), record_page, requests),
        )
        line(
            "Polres Lebak's system: GET /api/v1/screenings/{id}",
            *measured(Client(), api_url, requests, HTTP_AUTHORIZATION=f"Bearer {token}"),
        )

    police_run("after: the office's answers worked out once per request")
    print("baseline, same run: the Kanwil's immigration analyst (no police rule)")
    client = signed_in(analyst)
    for page, url in police_pages:
        line(f"analyst: {page}", *measured(client, url, requests))
    line("analyst: the same record's page", *measured(client, record_page, requests))
    # Before: each policy use works the answers out again (the viewer remembers nothing).
    Viewer.remembered = lambda self, name, work_out: work_out()  # type: ignore[method-assign]
    police_run("before, same run: worked out at each use of the policy")


if __name__ == "__main__":
    main()
