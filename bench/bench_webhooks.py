"""Webhook delivery through the outbox, one worker, to a local receiver, on PostgreSQL.

One command:

    .venv/bin/python bench/bench_webhooks.py --database-url postgres://postgres@127.0.0.1:5432/whook_bench
    .venv/bin/python bench/bench_webhooks.py --events 500 --steady-seconds 5     # smoke

1. creates the database if needed (never ``test`` or ``postgres``), migrates it, loads the
   reference data, and registers a Polda analysts' client system subscribed to the watchlist
   events at a receiver on 127.0.0.1 (a separate process: ``http.server``, HTTP/1.1
   keep-alive, answering 204);
2. **baseline**: the same receiver, the same kind of signed body, POSTed by the same sender
   (``HttpSender``, kept-alive connection) N times in a row, without the outbox: the ceiling
   of one sender on this machine;
3. **burst**: one worker (``manage.py deliver_webhooks --forever``, production settings)
   started and idle, then N watchlist entries written through the service in one
   transaction (N outbox events): events/s from the commit until the last is delivered;
4. **steady**: with the worker running, entries written at a fixed rate (``--rate``, default
   100/s, in 20 transactions a second) for ``--steady-seconds``: outbox lag per event, from the
   event's time (the change, before its commit) to its delivery (the receiver's 2xx
   recorded), p50/p99.

Figures are printed and written to var/bench/webhooks-results.json.
"""

# The benchmark starts its own processes with fixed argument lists on 127.0.0.1:
# ruff: noqa: S603

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres_setup import ensure_database, manage, production_environment  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/whook_bench"
VAR = ROOT / "var" / "bench"
GOAL_EVENTS_PER_SECOND = 100.0
GOAL_LAG_P99_SECONDS = 2.0
CLIENT_NAME = "Bench: sistem analisis Polda"


def environment(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off), a receiver on 127.0.0.1 allowed."""
    return production_environment(
        database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        BENTENG_VAR_DIR=str(VAR),
        BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES="1",
        BENTENG_WEBHOOK_POLL_SECONDS="0.1",
        PYTHONPATH=str(ROOT),
    )


# -- The receiver (its own process) -------------------------------------------------------------


def _serve(port_out: Any) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


def start_receiver() -> tuple[multiprocessing.Process, int]:
    ports: Any = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    process.start()
    return process, int(ports.get(timeout=10))


# -- Steps --------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def setup_client(url: str) -> Any:
    from benteng.access.viewer import Viewer
    from benteng.accounts.models import Office, Role
    from benteng.api.models import ApiClient, ApiScope, WebhookSubscription
    from benteng.api.services import api_client_create
    from benteng.api.webhooks import webhook_subscription_create

    system = Viewer.system(purpose="benchmark")
    client = ApiClient.objects.filter(name=CLIENT_NAME).first()
    if client is None:
        client = api_client_create(
            name=CLIENT_NAME,
            office=Office.objects.get(code="polda-banten"),
            role=Role.ANALIS_POLRI,
            scopes=(ApiScope.WEBHOOKS, ApiScope.WATCHLIST_READ),
            viewer=system,
        ).client
    WebhookSubscription.objects.filter(client=client).update(is_active=False)
    subscription = webhook_subscription_create(
        viewer=system,
        client=client,
        url=url,
        event_kinds=["watchlist.entry_created", "watchlist.entry_changed"],
    ).subscription
    return subscription


def clear_backlog() -> None:
    """Earlier runs' events are handed out already: this run measures its own."""
    from django.utils import timezone

    from benteng.outbox.models import OutboxEvent

    OutboxEvent.objects.filter(fanned_out_at__isnull=True).update(fanned_out_at=timezone.now())


def entry_rows(count: int, start: int) -> list[tuple[dict[str, Any], str]]:
    import datetime

    from faker import Faker

    from benteng.watchlists.categories import categories_for
    from benteng.watchlists.models import Watchlist

    faker = Faker("id_ID")
    faker.seed_instance(start)
    police = Watchlist.objects.get(code="polri-perekrut")
    category = categories_for(police.kind)[0]
    rows = []
    for number in range(count):
        rows.append(
            (
                {
                    "full_name": faker.name(),
                    "birth_date": datetime.date(1970, 1, 1)
                    + datetime.timedelta(days=(start + number) % 12000),
                    "sex": "L",
                    "category": category,
                    "legal_basis": police.default_legal_basis,
                    "instruction": police.default_instruction,
                    "contact": police.default_contact,
                },
                f"bench-{start + number}",
            )
        )
    return rows


def write_entries(rows: list[tuple[dict[str, Any], str]]) -> None:
    from benteng.access.viewer import Viewer
    from benteng.watchlists.models import Watchlist
    from benteng.watchlists.services import watchlist_entries_create_many

    watchlist_entries_create_many(
        viewer=Viewer.system(purpose="benchmark"),
        watchlist=Watchlist.objects.get(code="polri-perekrut"),
        rows=rows,
        purpose="benchmark",
    )


def baseline(url: str, count: int, secret: str) -> float:
    """Signed POSTs of a body of the same size, without the outbox: posts per second."""
    from benteng.api.webhooks import HttpSender, webhook_signature

    body = json.dumps({"id": "evt_0", "type": "bench", "data": {"x": "y" * 600}}).encode()
    sender = HttpSender()
    started = time.perf_counter()
    for number in range(count):
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": f"evt_{number}",
            "webhook-timestamp": str(timestamp),
            "webhook-signature": webhook_signature(
                secret=secret, msg_id=f"evt_{number}", timestamp=timestamp, body=body
            ),
        }
        result = sender.post(url, headers, body)
        assert result.ok, result
    elapsed = time.perf_counter() - started
    sender.close()
    return count / elapsed


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "deliver_webhooks", "--forever"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def wait_delivered(subscription: Any, expected: int, timeout: float) -> float:
    from benteng.api.models import DeliveryStatus, WebhookDelivery

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = WebhookDelivery.objects.filter(
            subscription=subscription, status=DeliveryStatus.DELIVERED
        ).count()
        if done >= expected:
            return time.perf_counter()
        time.sleep(0.05)
    raise SystemExit(f"only {done} of {expected} delivered within {timeout:.0f} s")


def lags(subscription: Any) -> list[float]:
    from benteng.api.models import DeliveryStatus, WebhookDelivery

    rows = WebhookDelivery.objects.filter(
        subscription=subscription, status=DeliveryStatus.DELIVERED
    ).values_list("delivered_at", "event__occurred_at")
    return [(delivered - occurred).total_seconds() for delivered, occurred in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--events", type=int, default=5000, help="events of the burst")
    parser.add_argument("--rate", type=float, default=100.0, help="events/s of the steady run")
    parser.add_argument("--steady-seconds", type=float, default=30.0)
    options = parser.parse_args()

    env = environment(options.database_url)
    os.environ.update(env)
    ensure_database(options.database_url)
    started = time.perf_counter()
    manage(["migrate", "--noinput"], env, quiet=True)
    manage(["seed_reference"], env, quiet=True)
    print(f"schema and reference data ready in {time.perf_counter() - started:.0f} s")

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benteng.settings")
    django.setup()

    receiver, port = start_receiver()
    url = f"http://127.0.0.1:{port}/hook"
    results: dict[str, Any] = {"events": options.events, "rate": options.rate}
    worker: subprocess.Popen[bytes] | None = None
    try:
        # 2. Baseline: the sender alone.
        subscription = setup_client(url)
        clear_backlog()
        results["baseline_posts_per_second"] = baseline(url, options.events, subscription.secret)
        print(f"baseline: {results['baseline_posts_per_second']:.0f} signed POSTs/s (no outbox)")

        # 3. Burst: one worker idle, then N events committed at once.
        worker = start_worker(env)
        time.sleep(3)  # the worker's start-up (Django, first round) is not measured
        unique = int(time.time())
        rows = entry_rows(options.events, unique)
        written = time.perf_counter()
        write_entries(rows)
        committed = time.perf_counter()
        print(f"wrote {options.events} entries (and events) in {committed - written:.1f} s")
        finished = wait_delivered(subscription, options.events, timeout=600)
        burst_rate = options.events / (finished - committed)
        results["burst_events_per_second"] = burst_rate
        print(
            f"burst: {options.events} events delivered {finished - committed:.1f} s after their "
            f"commit: {burst_rate:.0f} events/s (goal >= {GOAL_EVENTS_PER_SECOND:.0f})"
        )

        # 4. Steady: events at a fixed rate, the worker running.
        subscription = setup_client(url)
        count = int(options.rate * options.steady_seconds)
        rows = entry_rows(count, unique + options.events)
        # Several changes per tick, as several officers and services write at once.
        batch = max(1, int(options.rate // 20))
        period = batch / options.rate
        steady_started = next_at = time.perf_counter()
        for first in range(0, count, batch):
            write_entries(rows[first : first + batch])
            next_at += period
            pause = next_at - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        achieved = count / (time.perf_counter() - steady_started)
        wait_delivered(subscription, count, timeout=120)
        measured = lags(subscription)
        results.update(
            steady_events=count,
            steady_rate_achieved=achieved,
            lag_p50_seconds=statistics.median(measured),
            lag_p99_seconds=percentile(measured, 0.99),
            lag_max_seconds=max(measured),
        )
        print(
            f"steady: {count} events at {achieved:.0f}/s: outbox lag p50 "
            f"{results['lag_p50_seconds']:.3f} s, p99 {results['lag_p99_seconds']:.3f} s, "
            f"max {results['lag_max_seconds']:.3f} s (goal p99 <= {GOAL_LAG_P99_SECONDS:.0f} s)"
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        receiver.terminate()
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "webhooks-results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
