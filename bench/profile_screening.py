"""Where one screening's time goes: POST /api/v1/screenings in-process, one request at a time.

Uses the database and index snapshot that ``bench_screening_api.py --prepare-only`` made,
starts the index service from the snapshot, and sends the benchmark's own request bodies
through Django's full stack (middleware, ninja, services) with the test client:

    .venv/bin/python bench/profile_screening.py                  # 300 applications, 300 departures
    .venv/bin/python bench/profile_screening.py --profile        # + cProfile, top functions
    .venv/bin/python bench/profile_screening.py --queries        # + the SQL of one request
    .venv/bin/python bench/profile_screening.py --profile --profile-output /tmp/after.prof

It prints, per kind, the mean and p50/p99 of wall time and of this process's CPU time per
request, and the number of SQL queries. The benchmark's workload is reset first (see
``reset_workload`` in bench_screening_api.py), so runs are comparable with each other.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_screening_api as bench  # noqa: E402


def _measure(client: Any, token: str, bodies: list[dict[str, Any]], label: str) -> list[tuple]:
    import json

    from django.db import connection

    executed = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed[0] += 1
        return execute(sql, params, many, context)

    figures = []
    with connection.execute_wrapper(count):
        for number, body in enumerate(bodies):
            payload = json.dumps(body)
            executed[0] = 0
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.post(
                "/api/v1/screenings",
                data=payload,
                content_type="application/json",
                headers={
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": f"profile-{label}-{number}-{time.time_ns()}",
                },
            )
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if response.status_code >= 300:
                raise SystemExit(f"{label}: {response.status_code} {response.content[:300]!r}")
            figures.append((wall * 1000, cpu * 1000, executed[0]))
    return figures


def _report(label: str, figures: list[tuple], others: dict[str, float]) -> None:
    walls = sorted(item[0] for item in figures)
    cpus = sorted(item[1] for item in figures)
    queries = [item[2] for item in figures]
    print(
        f"{label:<12} n={len(figures):4d}  wall mean {statistics.mean(walls):6.2f} ms "
        f"p50 {bench.percentile(walls, 0.5):6.2f} p99 {bench.percentile(walls, 0.99):6.2f}  "
        f"cpu mean {statistics.mean(cpus):6.2f} ms p50 {bench.percentile(cpus, 0.5):6.2f}  "
        f"queries mean {statistics.mean(queries):4.1f} max {max(queries)}"
    )
    print(
        f"{'':<12} CPU per request elsewhere: "
        + ", ".join(
            f"{name} {seconds * 1000 / len(figures):.2f} ms" for name, seconds in others.items()
        )
    )


def _measured(parts: bench.CpuParts, run: Any) -> tuple[Any, dict[str, float]]:
    """``run()`` and the CPU seconds each other part of the machine spent meanwhile (the
    index service, PostgreSQL; at 10 ms granularity, hence runs of hundreds of requests)."""
    before = bench.cpu_seconds(parts)
    figures = run()
    after = bench.cpu_seconds(parts)
    return figures, {name: after[name] - before[name] for name in parts()}


def _by_package(stats: pstats.Stats, requests: int) -> None:
    """Own time per request by package (benteng modules one by one), largest first."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "/benteng/" in filename:
            key = "benteng/" + filename.split("/benteng/", 1)[1]
        elif "site-packages/" in filename:
            key = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        elif filename.startswith(("~", "<")):
            key = "builtins"
        else:
            key = "stdlib/" + Path(filename).name
        totals[key] = totals.get(key, 0.0) + own
    print("own time per request by package (ms, under the profiler):")
    for key, own in sorted(totals.items(), key=lambda item: -item[1])[:30]:
        print(f"  {own * 1000 / requests:7.2f}  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", bench.DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="cProfile the application run")
    parser.add_argument(
        "--profile-output", help="also write the profile (CPU time) here, to compare two runs"
    )
    parser.add_argument("--queries", action="store_true", help="print one request's SQL")
    parser.add_argument("--watchlist", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=500_000)
    arguments = parser.parse_args()

    environment = bench.server_environment(arguments.database_url)
    environment["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.update({key: value for key, value in environment.items() if key != "PYTHONPATH"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "benteng.settings"
    import django

    django.setup()
    bench.reset_workload()
    snapshot = bench.VAR / f"index-snapshot-{arguments.watchlist}-{arguments.applications}"
    if not snapshot.exists():
        raise SystemExit("no index snapshot: run bench_screening_api.py --prepare-only first")
    service, ready = bench.start_index_service(environment, snapshot)
    try:
        print(ready)
        from django.db import connection
        from django.test import Client

        token, tpi_token = bench.api_tokens(environment)
        queries = bench.load_workload(arguments.watchlist, arguments.applications, 3000)
        applications, departures = bench.request_bodies(queries)
        client = Client()
        count = arguments.count
        _measure(client, token, applications[-20:], "warmup")
        _measure(client, tpi_token, departures[-20:], "warmup")
        if arguments.profile:
            # CPU time, not wall time: waiting for PostgreSQL or the index service is not
            # this process's cost.
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone()

        def parts() -> dict[str, list[int]]:
            return {
                "index service": [service.process.pid],
                "postgres": bench.postgres_pids(),
                "of which this connection's": [backend],
            }

        figures, others = _measured(
            parts, lambda: _measure(client, token, applications[:count], "application")
        )
        if arguments.profile:
            profiler.disable()
        _report("application", figures, others)
        _report(
            "departure",
            *_measured(parts, lambda: _measure(client, tpi_token, departures[:count], "departure")),
        )
        if arguments.profile:
            stats = pstats.Stats(profiler)
            if arguments.profile_output:
                profiler.dump_stats(arguments.profile_output)
            _by_package(stats, count)
            stats.sort_stats("tottime").print_stats(35)
            stats.sort_stats("cumulative").print_stats(60)
        if arguments.queries:
            import json

            executed: list[tuple[float, str]] = []

            def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    executed.append((time.perf_counter() - started, sql))

            for body, key in ((applications[0], token), (departures[0], tpi_token)):
                executed.clear()
                # An execute wrapper sees the SQL as written (Django's query log has no text
                # for a prepared statement).
                with connection.execute_wrapper(timed):
                    client.post(
                        "/api/v1/screenings",
                        data=json.dumps(body),
                        content_type="application/json",
                        headers={
                            "Authorization": f"Bearer {key}",
                            "Idempotency-Key": f"profile-sql-{time.time_ns()}",
                        },
                    )
                print(f"\n-- {body['kind']}: {len(executed)} queries")
                for seconds, sql in executed:
                    print(f"{seconds * 1000:6.3f} ms  {sql[:300]}")
    finally:
        service.stop()
        bench.reset_workload()


if __name__ == "__main__":
    main()
