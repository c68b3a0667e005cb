"""Referral pages at scale: an office's inbox and one referral's page, on PostgreSQL with
100,000 referrals, through the Django test client as a signed-in investigator (production
settings: DEBUG off, 2FA passed, every read audited as in production).

One command (each step skipped when already done):

    .venv/bin/python bench/bench_referrals.py              # 100,000 referrals, 300 requests each
    .venv/bin/python bench/bench_referrals.py --quick      # 10,000 referrals, 60 requests each

1. creates the database named in DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/benteng_bench_referrals; never ``test``), migrates it
   and loads the reference data;
2. inserts the synthetic referrals (each with one person and two to four timeline events)
   spread over every receiving office, a tenth of them still open and past a deadline;
3. signs in an investigator of Polresta Tangerang and times, through the test client: its
   incoming inbox (first page, and later pages), the inbox filtered to overdue, the outgoing
   inbox of Kanim Tangerang's officer, and the page of random referrals it received;
4. prints p50 / p95 / max per page against the targets (inbox p95 <= 200 ms, referral page
   p95 <= 100 ms).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres_setup import bench_account, django_ready  # noqa: E402
from bench.postgres_setup import production_environment as environment  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/benteng_bench_referrals"
INBOX_TARGET_MS = 200.0
PAGE_TARGET_MS = 100.0
BATCH = 5000


def load(count: int) -> None:
    """``count`` synthetic referrals (re-runnable: skipped when as many are there)."""
    from django.utils import timezone
    from faker import Faker

    from benteng.accounts.models import Office, OfficeKind, User
    from benteng.referrals.models import (
        Referral,
        ReferralEvent,
        ReferralState,
        ReferralSubject,
    )

    have = Referral.objects.filter(origin_key__startswith="bench:").count()
    if have >= count:
        print(f"{have} referrals already loaded")
        return
    faker = Faker("id_ID")
    faker.seed_instance(13)
    rng = random.Random(13)
    receivers = list(
        Office.objects.filter(
            kind__in=[OfficeKind.POLRES, OfficeKind.POLDA, OfficeKind.KANIM, OfficeKind.BP3MI]
        )
    )
    senders = list(
        Office.objects.filter(kind__in=[OfficeKind.KANIM, OfficeKind.TPI, OfficeKind.POLRES])
    )
    officer = User.objects.order_by("pk").first()
    now = timezone.now()
    states = [
        ReferralState.SENT,
        ReferralState.ACKNOWLEDGED,
        ReferralState.IN_PROGRESS,
        ReferralState.CLOSED,
        ReferralState.CLOSED,
        ReferralState.CLOSED,
        ReferralState.RETURNED,
    ]
    started = time.perf_counter()
    for start in range(have, count, BATCH):
        referrals = []
        for number in range(start, min(start + BATCH, count)):
            sender = rng.choice(senders)
            receiver = rng.choice([office for office in receivers if office != sender])
            sent_at = now - datetime.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            state = rng.choice(states)
            referrals.append(
                Referral(
                    sender_office=sender,
                    sent_by=officer,
                    receiving_office=receiver,
                    reason_category=rng.choice(["perekrut", "indikasi_korban_tppo", "lainnya"]),
                    reason=faker.sentence(nb_words=12),
                    urgency=rng.choice(["segera", "tinggi", "biasa"]),
                    state=state,
                    origin_key=f"bench:{number}",
                    sent_at=sent_at,
                    acknowledge_due_at=sent_at + datetime.timedelta(hours=24),
                    action_due_at=sent_at + datetime.timedelta(hours=72),
                    outcome="tidak_ada_pidana" if state == ReferralState.CLOSED else "",
                )
            )
        created = Referral.objects.bulk_create(referrals)
        ReferralSubject.objects.bulk_create(
            ReferralSubject(
                referral=referral,
                full_name=faker.name(),
                phone=f"62812{rng.randint(10_000_000, 99_999_999)}",
                added_at=referral.sent_at,
            )
            for referral in created
        )
        ReferralEvent.objects.bulk_create(
            ReferralEvent(
                referral=referral,
                kind=kind,
                at=referral.sent_at + datetime.timedelta(hours=step),
                text=faker.sentence() if kind == "komentar" else "",
            )
            for referral in created
            for step, kind in enumerate(
                ["dikirim", "diterima", "komentar", "ditugaskan"][: rng.randint(2, 4)]
            )
        )
        print(f"  {start + len(created)} referrals ({time.perf_counter() - started:.0f} s)")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def signed_in(user: object) -> object:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client.force_login(user)  # type: ignore[arg-type]
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(client: object, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url, secure=True)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def report(name: str, times: list[float], target: float) -> bool:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    ok = p95 <= target
    print(
        f"  {name:<42} n={len(times):>4}  p50 {statistics.median(times):6.1f} ms  "
        f"p95 {p95:6.1f} ms  max {ordered[-1]:6.1f} ms  (target p95 <= {target:.0f} ms: "
        f"{'met' if ok else 'MISSED'})"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    arguments = parser.parse_args()
    count, requests = (10_000, 60) if arguments.quick else (100_000, 300)
    database_url = arguments.database_url + ("_quick" if arguments.quick else "")
    env = environment(database_url)
    django_ready(database_url, env)
    from benteng.accounts.models import Role
    from benteng.referrals.models import Referral

    police = bench_account("bench.penyidik", Role.PENYIDIK, "polresta-tangerang")
    immigration = bench_account("bench.imigrasi", Role.PETUGAS_IMIGRASI, "kanim-tangerang")
    load(count)
    office_id = police.office_id
    incoming = Referral.objects.filter(receiving_office_id=office_id).count()
    print(
        f"{Referral.objects.count()} referrals; Polresta Tangerang receives {incoming}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    rng = random.Random(7)
    ids = list(Referral.objects.filter(receiving_office_id=office_id).values_list("pk", flat=True))
    police_client = signed_in(police)
    immigration_client = signed_in(immigration)
    pages = max(1, incoming // 50)
    timed(police_client, ["/rujukan/", f"/rujukan/{ids[0]}/"])  # warm up
    results = [
        report(
            "inbox, incoming, first page",
            timed(police_client, ["/rujukan/?arah=masuk"] * requests),
            INBOX_TARGET_MS,
        ),
        report(
            "inbox, incoming, random later page",
            timed(
                police_client,
                [f"/rujukan/?arah=masuk&page={rng.randint(2, pages)}" for _ in range(requests)],
            ),
            INBOX_TARGET_MS,
        ),
        report(
            "inbox, incoming, overdue, open",
            timed(police_client, ["/rujukan/?arah=masuk&lewat_batas=on"] * requests),
            INBOX_TARGET_MS,
        ),
        report(
            "inbox, outgoing (Kanim Tangerang)",
            timed(immigration_client, ["/rujukan/?arah=keluar"] * requests),
            INBOX_TARGET_MS,
        ),
        report(
            "one referral's page",
            timed(police_client, [f"/rujukan/{rng.choice(ids)}/" for _ in range(requests)]),
            PAGE_TARGET_MS,
        ),
    ]
    print("all targets met" if all(results) else "SOME TARGETS MISSED")


if __name__ == "__main__":
    main()
