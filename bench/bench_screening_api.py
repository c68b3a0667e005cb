"""Screening under load: POST /api/v1/screenings and the departure check, served by gunicorn
with the shared screening index service, on PostgreSQL with 1,000,000 watchlist entries and
500,000 earlier applications.

One command does everything (each step is skipped when already done):

    .venv/bin/python bench/bench_screening_api.py                # the full benchmark
    .venv/bin/python bench/bench_screening_api.py --quick        # 20,000 + 10,000 rows, smoke

1. creates the database named in DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/benteng_bench; never ``test``), migrates it and loads
   the reference data;
2. loads the synthetic watchlist entries and applications with COPY (bench/
   screening_bench_data.py; re-runnable, skipped when loaded);
3. starts ``manage.py screening_index_serve`` (first run: builds from the database and
   writes a snapshot; later runs: loads the snapshot) and gunicorn with production settings
   (DEBUG off) and ``--workers N``;
4. drives them from a separate load-generator process at increasing fixed (open-loop)
   rates, latency counted from each request's scheduled time: the index service alone, then
   the API (application screenings, departure checks) when SCREEN-API's endpoint exists;
5. reports p50/p99 per rate, the highest rate held with p99 <= 50 ms, the departure
   check's server time (gunicorn's own request time), the resident memory of the whole
   server (RSS and PSS of gunicorn master + workers + index service) against the in-process
   baseline (every worker holding its own index), and the build/load time of the index.

Figures are written to var/bench/screening-api-results.json.
"""

# The benchmark starts its own processes with fixed argument lists, talks to its own server
# on 127.0.0.1 and puts its socket in /tmp (unix socket paths must be short):
# ruff: noqa: S603, S310, S108

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres_setup import ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/benteng_bench"
VAR = ROOT / "var" / "bench"
# One socket per benchmark run (several runs or agents may share the machine).
SOCKET_PATH = os.environ.get("BENCH_SOCKET") or f"/tmp/benteng-bench-{os.getpid()}.sock"


def free_port() -> int:
    """A TCP port nobody listens on now (other agents run servers on this machine)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = int(os.environ.get("BENCH_PORT") or free_port())
INDEX_PROFILE = os.environ.get("INDEX_PROFILE", "")
TARGET_P99_MS = 50.0
TARGET_RATE = 200.0
DEPARTURE_TARGET_P99_MS = 30.0
PYTHON = sys.executable


# -- Environment ---------------------------------------------------------------------------------


def server_environment(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) for the processes under test."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
        "BENTENG_AUDIT_KEY": "benchmark-only-audit-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "BENTENG_VAR_DIR": str(VAR),
        "BENTENG_DEMO": "0",
        "BENTENG_API_RATE_LIMIT": "10000000/min",
        "SCREENING_INDEX_SOCKET": SOCKET_PATH,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "BENCH_PORT": str(PORT),
        "BENCH_SOCKET": SOCKET_PATH,
    }


def manage(arguments: Sequence[str], environment: dict[str, str]) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *arguments],
        env=environment,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


# -- Processes and memory -------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found.extend(int(value) for value in task.read_text().split())
    return found


def memory_of(pid: int) -> dict[str, int]:
    """RSS and PSS in bytes from /proc/<pid>/smaps_rollup (falling back to status)."""
    figures: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                figures[key.lower()] = int(rest.split()[0]) * 1024
    except OSError:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    figures["rss"] = int(line.split()[1]) * 1024
    return figures


def megabytes(value: float) -> str:
    return f"{value / 1024 / 1024:,.0f} MB"


@dataclass
class Running:
    process: subprocess.Popen[str]
    name: str
    # A directory of this run only, removed when the process stops.
    cleanup: Path | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.cleanup is not None:
            shutil.rmtree(self.cleanup, ignore_errors=True)


def start_index_service(environment: dict[str, str], snapshot: Path) -> tuple[Running, str]:
    """Start the index service. With a snapshot of the loaded state it starts from a copy of
    it (the service saves its index at shutdown, and the workload must not reach the
    snapshot of the next run); without one it builds from the database and writes it."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(SOCKET_PATH)
    used = snapshot
    if snapshot.exists():
        used = snapshot.with_name(f"{snapshot.name}-run-{os.getpid()}")
        shutil.rmtree(used, ignore_errors=True)
        shutil.copytree(snapshot, used)
    process = subprocess.Popen(
        [
            PYTHON,
            # INDEX_PROFILE=path: the service runs under cProfile and writes its profile
            # there when it stops (wall time; read it with pstats).
            *(["-m", "cProfile", "-o", INDEX_PROFILE] if INDEX_PROFILE else []),
            str(ROOT / "manage.py"),
            "screening_index_serve",
            "--socket",
            SOCKET_PATH,
            "--snapshot",
            str(used),
            "--snapshot-every",
            "0",
            # The loaded state does not age: reset_workload() brings the database back to it.
            "--snapshot-max-age",
            str(10 * 365 * 86400),
        ],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"the index service stopped (exit code {process.wait()})")
        if "screening index ready" in line:
            threading.Thread(target=process.stdout.read, daemon=True).start()
            cleanup = used if used != snapshot else None
            return Running(process, "index service", cleanup), line.strip()


def start_audit_sealer(environment: dict[str, str]) -> Running:
    """The audit sealer process, as a deployment runs it beside the web workers."""
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "audit_seal", "--forever"],
        env=environment,
        cwd=ROOT,
        text=True,
    )
    return Running(process, "audit sealer")


def start_gunicorn(environment: dict[str, str], workers: int, access_log: Path) -> Running:
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "benteng.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--backlog",
            "2048",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
        ],
        env=environment,
        cwd=ROOT,
        text=True,
    )
    import urllib.request

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/health", timeout=5):
                return Running(process, "gunicorn")
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn stopped") from None
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 120 s")


def server_memory(gunicorn: Running, service: Running) -> dict[str, Any]:
    master = gunicorn.process.pid
    workers = children(master)
    parts = {
        "gunicorn_master": memory_of(master),
        "gunicorn_workers": [memory_of(pid) for pid in workers],
        "index_service": memory_of(service.process.pid),
    }
    every = [parts["gunicorn_master"], *parts["gunicorn_workers"], parts["index_service"]]
    parts["total_rss"] = sum(item.get("rss", 0) for item in every)
    parts["total_pss"] = sum(item.get("pss", 0) for item in every)
    return parts


def idle_django_memory(environment: dict[str, str]) -> int:
    """RSS of a Django process that imported the index module but holds no index."""
    code = (
        "import django, os; django.setup(); import benteng.people.index; "
        "from pathlib import Path; "
        "print([l for l in Path('/proc/self/status').read_text().splitlines() "
        "if l.startswith('VmRSS')][0].split()[1])"
    )
    output = subprocess.run(
        [PYTHON, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "benteng.settings"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(output.strip().splitlines()[-1]) * 1024


# -- Load generation (runs in its own process) -----------------------------------------------------


@dataclass
class RunResult:
    label: str
    rate: float
    sent: int
    completed: int
    errors: int
    achieved_rate: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    error_sample: str = ""
    # CPU milliseconds per completed request, by part of the system (see cpu_seconds()).
    cpu_ms_per_request: dict[str, float] = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return (
            self.errors == 0
            and self.p99_ms <= TARGET_P99_MS
            and self.achieved_rate >= 0.95 * self.rate
        )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[position]


def summarize(
    label: str, rate: float, sent: int, latencies: list[float], errors: list[str], elapsed: float
) -> RunResult:
    milliseconds = [value * 1000 for value in latencies]
    return RunResult(
        label=label,
        rate=rate,
        sent=sent,
        completed=len(latencies),
        errors=len(errors),
        achieved_rate=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=percentile(milliseconds, 0.50),
        p90_ms=percentile(milliseconds, 0.90),
        p99_ms=percentile(milliseconds, 0.99),
        max_ms=max(milliseconds) if milliseconds else float("nan"),
        error_sample=errors[0][:300] if errors else "",
    )


def drive_index(
    queries: list[dict[str, Any]], rate: float, duration: float, label: str
) -> RunResult:
    """Open-loop load on the index service: each request = watchlist + events search, in one
    call as a screening makes them."""
    from bench.screening_bench_data import record_from_values
    from benteng.people.client import SocketBackend

    backend = SocketBackend(SOCKET_PATH, timeout=10)
    records = [record_from_values(query["record"]) for query in queries]
    departure = label.startswith("departure")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(scheduled: float, number: int) -> None:
        record = records[number % len(records)]
        try:
            if departure:
                from benteng.core.records import IdentityRecord

                record = IdentityRecord(
                    id=record.id, name=record.name, passport_no=record.passport_no
                )
            # What every screening asks: both searches in one call.
            backend.search_person(
                record, reader_agency="imigrasi", watchlist_top=10, events_top=20, threshold=0.5
            )
        except Exception as error:
            with lock:
                errors.append(repr(error))
            return
        finished = time.perf_counter()
        with lock:
            latencies.append(finished - scheduled)

    total = int(rate * duration)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for number in range(total):
            scheduled = started + number / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, scheduled, number)
    elapsed = max(time.perf_counter() - started, duration)
    return summarize(label, rate, total, latencies, errors, elapsed)


class _Exchange:
    """One request on its own connection (gunicorn's sync workers close each one)."""

    __slots__ = ("header_end", "payload", "received", "scheduled", "sent", "size")

    def __init__(self, scheduled: float, payload: bytes) -> None:
        self.scheduled = scheduled
        self.payload = payload
        self.sent = 0
        self.received = bytearray()
        self.header_end = -1
        self.size = -1  # header + body, once the header is read

    def complete(self) -> bool:
        if self.header_end < 0:
            end = self.received.find(b"\r\n\r\n")
            if end < 0:
                return False
            self.header_end = end + 4
            length = 0
            for line in bytes(self.received[:end]).split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            self.size = self.header_end + length
        return len(self.received) >= self.size

    def status(self) -> int:
        return int(bytes(self.received[: self.received.find(b"\r\n")]).split()[1])


def _drive_http(
    bodies: list[bytes], token: str, rate: float, duration: float, label: str
) -> RunResult:
    """Open-loop HTTP load from one thread and a selector over plain non-blocking sockets:
    each request is sent at its scheduled time, on its own connection, whatever the state of
    the others, and its latency counts from that time. (An asyncio client cost about twice the
    CPU per request, taken from the same two cores as the server.)"""
    import selectors
    import socket

    selector = selectors.DefaultSelector()
    address = ("127.0.0.1", PORT)
    latencies: list[float] = []
    errors: list[str] = []
    total = int(rate * duration)
    head = (
        f"POST /api/v1/screenings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    ).encode()
    run_id = f"bench-{label}-{rate:g}-{time.time_ns()}"
    trace: list[tuple[float, float]] | None = [] if os.environ.get("BENCH_TRACE") else None
    started = time.perf_counter()
    number = 0
    open_count = 0

    def finish(stream: socket.socket, error: str | None, exchange: _Exchange) -> None:
        nonlocal open_count
        selector.unregister(stream)
        stream.close()
        open_count -= 1
        if error is None:
            status = exchange.status()
            if status >= 300:
                error = f"{status} {bytes(exchange.received[exchange.header_end :][:200])!r}"
        if error is not None:
            errors.append(error)
        else:
            latencies.append(time.perf_counter() - exchange.scheduled)
            if trace is not None:
                trace.append((exchange.scheduled - started, latencies[-1]))

    while number < total or open_count:
        now = time.perf_counter()
        while number < total and started + number / rate <= now:
            body = bodies[number % len(bodies)]
            headers = f"Idempotency-Key: {run_id}-{number}\r\nContent-Length: {len(body)}\r\n\r\n"
            payload = head + headers.encode() + body
            stream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            stream.setblocking(False)
            stream.connect_ex(address)
            selector.register(
                stream, selectors.EVENT_WRITE, _Exchange(started + number / rate, payload)
            )
            open_count += 1
            number += 1
        wait = started + number / rate - time.perf_counter() if number < total else 0.05
        for key, events in selector.select(max(0.0, wait)):
            stream, exchange = key.fileobj, key.data  # type: ignore[assignment]
            try:
                if events & selectors.EVENT_WRITE:
                    exchange.sent += stream.send(exchange.payload[exchange.sent :])
                    if exchange.sent == len(exchange.payload):
                        selector.modify(stream, selectors.EVENT_READ, exchange)
                    continue
                chunk = stream.recv(65536)
            except OSError as error:
                finish(stream, repr(error), exchange)
                continue
            exchange.received += chunk
            if exchange.complete():
                finish(stream, None, exchange)
            elif not chunk:
                finish(stream, "connection closed before the whole answer", exchange)
        if time.perf_counter() - started > duration + 60:
            for key in list(selector.get_map().values()):
                finish(key.fileobj, "no answer within 60 s", key.data)  # type: ignore[arg-type]
    elapsed = max(time.perf_counter() - started, duration)
    if trace is not None:
        _write_trace(label, rate, trace)
    return summarize(label, rate, total, latencies, errors, elapsed)


def _write_trace(label: str, rate: float, trace: list[tuple[float, float]]) -> None:
    """Latency by second of the run (BENCH_TRACE=1): when the slow requests were sent."""
    path = VAR / f"trace-{label}-{rate:g}.txt"
    by_second: dict[int, list[float]] = {}
    for offset, latency in trace:
        by_second.setdefault(int(offset * 10), []).append(latency * 1000)
    lines = [
        f"{tenth / 10:5.1f}s n={len(values):3d} max {max(values):7.1f} ms "
        f"p50 {percentile(values, 0.5):6.1f} ms"
        for tenth, values in sorted(by_second.items())
    ]
    path.write_text("\n".join(lines) + "\n")


def generator_main(arguments: argparse.Namespace) -> None:
    """The load generator process: reads its job from a JSON file, prints RunResult JSON."""
    job = json.loads(Path(arguments.job).read_text())
    if job["mode"] == "index":
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benteng.settings")
        django.setup()
        result = drive_index(job["queries"], job["rate"], job["duration"], job["label"])
    else:
        bodies = [json.dumps(body).encode() for body in job["bodies"]]
        result = _drive_http(bodies, job["token"], job["rate"], job["duration"], job["label"])
    print(json.dumps(asdict(result)))


def run_load(job: dict[str, Any], environment: dict[str, str]) -> RunResult:
    job_path = VAR / "load-job.json"
    job_path.write_text(json.dumps(job))
    output = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "_generate", "--job", str(job_path)],
        env=environment,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data = json.loads(output.strip().splitlines()[-1])
    return RunResult(**data)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """Every PostgreSQL process of the machine (backends, writers, autovacuum)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            if status.read_text().strip() == "postgres":
                found.append(int(status.parent.name))
    return found


# The parts of the system whose CPU time is counted per request: name -> their pids now.
CpuParts = Callable[[], dict[str, list[int]]]


def cpu_seconds(parts: CpuParts) -> dict[str, float]:
    """CPU seconds used so far by each part, and by this script's finished children (the load
    generator; what a process that is gone used is not counted, so sample around a run)."""
    import resource

    figures = {
        name: sum(process_cpu_seconds(pid) for pid in pids) for name, pids in parts().items()
    }
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures["load generator"] = children.ru_utime + children.ru_stime
    return figures


def sweep(
    label: str,
    rates: Sequence[float],
    make_job: Callable[[float], dict[str, Any]],
    environment: dict[str, str],
    on_result: Callable[[RunResult], None] | None = None,
    cpu_parts: CpuParts | None = None,
) -> list[RunResult]:
    """Increasing rates until one does not hold (p99 > 50 ms, errors, or falling behind)."""
    results = []
    for rate in rates:
        before = cpu_seconds(cpu_parts) if cpu_parts else {}
        result = run_load(make_job(rate), environment)
        if cpu_parts and result.completed:
            after = cpu_seconds(cpu_parts)
            result.cpu_ms_per_request = {
                name: round((after[name] - before.get(name, 0.0)) * 1000 / result.completed, 2)
                for name in after
            }
        if on_result is not None:
            on_result(result)
        results.append(result)
        print(
            f"  {label:<22} {rate:6.0f}/s  achieved {result.achieved_rate:6.1f}/s  "
            f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
            f"max {result.max_ms:7.1f} ms  errors {result.errors}"
            + ("" if result.holds else "  <- does not hold"),
            flush=True,
        )
        if result.cpu_ms_per_request:
            total = sum(result.cpu_ms_per_request.values())
            print(
                f"    CPU per request {total:.1f} ms: "
                + ", ".join(
                    f"{name} {value:.1f}" for name, value in result.cpu_ms_per_request.items()
                ),
                flush=True,
            )
        if result.error_sample:
            print(f"    first error: {result.error_sample}")
        if not result.holds:
            break
    return results


def best_rate(results: list[RunResult]) -> float:
    held = [result.rate for result in results if result.holds]
    return max(held) if held else 0.0


# -- API request bodies -------------------------------------------------------------------------


def api_available() -> bool:
    """Whether POST /api/v1/screenings exists (401 without a token; 404 when not built)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/api/v1/screenings", data=b"{}", method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10):
            return True
    except urllib.error.HTTPError as error:
        return error.code != 404
    except OSError:
        return False


def application_body(
    query: dict[str, Any], number: int, sponsors: Sequence[tuple[str, str]]
) -> dict[str, Any] | None:
    """The API body of an application screening, or None when the query lacks what the
    endpoint requires (NIK, birth date, sex) or has a NIK the endpoint would refuse."""
    from benteng.core.nik import parse_nik

    (_id, name, birth_date, sex, nik, birth_place, passport_no, address, phone, region) = query[
        "record"
    ]
    if not (nik and birth_date and sex):
        return None
    info, problems = parse_nik(nik)
    if info is None or problems:
        return None
    purposes = ["wisata", "umrah_haji", "kunjungan_keluarga", "bekerja"]
    body: dict[str, Any] = {
        "kind": "application",
        "nik": nik,
        "full_name": name,
        "birth_date": birth_date,
        "sex": sex,
        "purpose": purposes[number % len(purposes)],
        "destination_country": ["SA", "MY", "AE", "HK", "SG"][number % 5],
        "documents": [],
    }
    optional = {
        "birth_place": birth_place,
        "passport_no": passport_no,
        "address": address,
        "phone": phone,
        "desa_code": region if region and region.count(".") == 3 else None,
    }
    if number % 4 == 0:
        # A quarter of the applicants name a sponsor (searched against police lists too),
        # most of them with the sponsor's phone (both count in the group pattern).
        sponsor_name, sponsor_phone = sponsors[number % len(sponsors)]
        optional.update(
            sponsor_name=sponsor_name, sponsor_phone=sponsor_phone if number % 3 else None
        )
    body.update({key: value for key, value in optional.items() if value})
    return body


def departure_body(query: dict[str, Any], number: int) -> dict[str, Any]:
    record = query["record"]
    passport_no = record[6] or f"X{number:07d}"
    return {
        "kind": "departure",
        "full_name": record[1],
        "passport_no": passport_no,
        "flight_number": f"SV{800 + number % 100}",
        "destination_country": "SA",
    }


def server_times(access_log: Path, start_offset: int) -> list[float]:
    """Request times (ms) that gunicorn logged for POST /api/v1/screenings after an offset."""
    times = []
    with access_log.open() as handle:
        handle.seek(start_offset)
        for line in handle:
            parts = line.split()
            if len(parts) == 4 and parts[0] == "POST" and parts[1] == "/api/v1/screenings":
                times.append(int(parts[3]) / 1000)
    return times


# -- The workload's state -------------------------------------------------------------------------

BENCH_CLIENT_PREFIX = "bench-"


def reset_workload() -> None:
    """Remove what earlier runs wrote, so every run starts from the state the loader left.

    Each screening saves its record, its result and audit entries, and the next run would
    find those records again as earlier events: without a reset every run is slower than the
    one before and runs are not comparable. Removed here: every application that is not a
    loaded row, every departure check and screening result (with their decisions and
    contacts), the benchmark's API clients, and the audit trail (the bench database has no
    other entries), whose chain head goes back to the start. Run with the index service
    stopped: it starts from the snapshot of the loaded state.
    """
    from django.db import connection, transaction

    from bench.screening_bench_data import BENCH_PREFIX
    from benteng.api.models import ApiClient
    from benteng.audit.models import AuditChainHead, AuditEntry
    from benteng.screening.models import (
        ApplicationDecision,
        DepartureCheck,
        NamedContact,
        PassportApplication,
        ScreeningResult,
    )

    with transaction.atomic():
        ScreeningResult.objects.all().delete()
        NamedContact.objects.all().delete()
        ApplicationDecision.objects.all().delete()
        DepartureCheck.objects.all().delete()
        PassportApplication.objects.exclude(reference__startswith=BENCH_PREFIX).delete()
        ApiClient.objects.filter(name__startswith=BENCH_CLIENT_PREFIX).delete()
        AuditEntry.objects.all().delete()
        AuditChainHead.objects.all().delete()
        # The sequences go back too: otherwise the next run's first ids leave a gap of every
        # id removed here, which the index service would take for rows still being written.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (PassportApplication, DepartureCheck, ScreeningResult, AuditEntry):
                    table = model._meta.db_table
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                        f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
                        [table],
                    )
    if connection.vendor == "postgresql":
        # Vacuum now what was deleted, or autovacuum does it in the middle of the next run.
        with connection.cursor() as cursor:
            for model in (PassportApplication, DepartureCheck, ScreeningResult, AuditEntry):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
            # And write the pages all this dirtied now, not in a checkpoint during the run.
            cursor.execute("CHECKPOINT")


def api_tokens(environment: dict[str, str]) -> tuple[str, str]:
    """Tokens of two new client systems: a Kanim counter and the airport's TPI."""
    stamp = int(time.time())
    tokens = []
    for name, office, role in (
        ("kanim", "kanim-tangerang", "petugas_imigrasi"),
        ("tpi", "tpi-bandara-soekarno-hatta", "petugas_tpi"),
    ):
        tokens.append(
            manage(
                [
                    "api_client_create",
                    "--name",
                    f"{BENCH_CLIENT_PREFIX}{name}-{stamp}",
                    "--office",
                    office,
                    "--role",
                    role,
                    "--scope",
                    "screening:write,screening:read",
                ],
                environment,
            ).strip()
        )
    return tokens[0], tokens[1]


def request_bodies(
    queries: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The API bodies of the application screenings and of the departure checks."""
    sponsors = [
        (query["record"][1], f"0813{number:08d}") for number, query in enumerate(queries[::7])
    ]
    applications = [
        body
        for number, query in enumerate(queries)
        if (body := application_body(query, number, sponsors)) is not None
    ]
    departures = [departure_body(query, number) for number, query in enumerate(queries)]
    return applications, departures


# -- The benchmark ---------------------------------------------------------------------------------


def load_workload(watchlist_count: int, application_count: int, size: int) -> list[dict[str, Any]]:
    from bench.screening_bench_data import record_values, workload

    path = VAR / f"workload-{watchlist_count}-{application_count}-{size}.json"
    if path.is_file():
        return json.loads(path.read_text())
    started = time.perf_counter()
    generated = workload(
        watchlist_count=watchlist_count, application_count=application_count, size=size
    )
    queries = [
        {"record": record_values(query), "kind": generated.kinds[query.id]}
        for query in generated.queries
    ]
    path.write_text(json.dumps(queries))
    print(f"workload of {len(queries)} queries made in {time.perf_counter() - started:.0f} s")
    return queries


def cpu_contention() -> str:
    load1, load5, _ = os.getloadavg()
    return f"load average {load1:.1f} (1 min), {load5:.1f} (5 min) on {os.cpu_count()} cores"


def benchmark(arguments: argparse.Namespace) -> None:
    database_url = arguments.database_url
    if arguments.quick and database_url == DEFAULT_DATABASE_URL:
        database_url = DEFAULT_DATABASE_URL + "_quick"
    VAR.mkdir(parents=True, exist_ok=True)
    environment = server_environment(database_url)
    os.environ.update({key: environment[key] for key in environment if key not in ("PYTHONPATH",)})
    os.environ["DJANGO_SETTINGS_MODULE"] = "benteng.settings"
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "watchlist_entries": arguments.watchlist,
        "applications": arguments.applications,
        "workers": arguments.workers,
        "contention_before": cpu_contention(),
    }
    print(f"database {urlsplit(database_url).path.lstrip('/')}; {results['contention_before']}")

    # 1. Database, schema, reference data.
    ensure_database(database_url)
    started = time.perf_counter()
    manage(["migrate", "-v0"], environment)
    manage(["seed_reference"], environment)
    print(f"schema and reference data ready in {time.perf_counter() - started:.0f} s")

    # 2. The synthetic rows.
    import django

    django.setup()
    from bench.screening_bench_data import load

    timings = load(watchlist_count=arguments.watchlist, application_count=arguments.applications)
    results["load"] = timings
    queries = load_workload(arguments.watchlist, arguments.applications, arguments.queries)
    from django.db import connections

    connections.close_all()

    # 3. The index service.
    snapshot = VAR / f"index-snapshot-{arguments.watchlist}-{arguments.applications}"
    build_record = snapshot.with_suffix(".build.json")
    if arguments.rebuild_index:
        shutil.rmtree(snapshot, ignore_errors=True)
    reset_workload()
    connections.close_all()
    from benteng.people.client import SocketBackend

    if not snapshot.exists():
        # First run: build from the database; the service writes the snapshot at shutdown.
        service, ready = start_index_service(environment, snapshot)
        status = SocketBackend(SOCKET_PATH, timeout=60).status()
        build_record.write_text(json.dumps({"build_seconds": status["load_seconds"]}))
        service.stop()
        print(ready)
    if arguments.prepare_only:
        print("prepared: data loaded and the index snapshot written")
        return
    service, ready = start_index_service(environment, snapshot)
    running: list[Running] = [service]
    try:
        status = SocketBackend(SOCKET_PATH, timeout=60).status()
        print(ready)
        results["index"] = {
            "origin": status["origin"],
            "load_seconds": status["load_seconds"],
            "build_from_database_seconds": (
                json.loads(build_record.read_text())["build_seconds"]
                if build_record.is_file()
                else None
            ),
            "sizes": status["sizes"],
            "service_memory": status["memory"],
        }
        duration = arguments.duration
        rates = [float(rate) for rate in arguments.rates.split(",")]

        # 4a. The index service alone (what every screening asks of it).
        print("index service alone (watchlist + events search per request):")

        def index_job(label: str) -> Callable[[float], dict[str, Any]]:
            return lambda rate: {
                "mode": "index",
                "label": label,
                "rate": rate,
                "duration": duration,
                "queries": queries[:2000],
            }

        if not arguments.api_only:
            index_parts: CpuParts = lambda: {"index service": [service.process.pid]}  # noqa: E731
            index_runs = sweep(
                "index: application",
                rates,
                index_job("application"),
                environment,
                cpu_parts=index_parts,
            )
            departure_index_runs = sweep(
                "index: departure", rates, index_job("departure"), environment
            )
            results["index_service_runs"] = [asdict(run) for run in index_runs]
            results["index_service_departure_runs"] = [asdict(run) for run in departure_index_runs]

        # 4b. The API behind gunicorn.
        access_log = VAR / "gunicorn-access.log"
        access_log.write_text("")
        gunicorn = start_gunicorn(environment, arguments.workers, access_log)
        running.append(gunicorn)
        sealer = start_audit_sealer(environment)
        running.append(sealer)
        if api_available():
            token, tpi_token = api_tokens(environment)
            application_bodies, departure_bodies = request_bodies(queries)
            # Warm up every worker (connections, first imports, the index client).
            run_load(
                {
                    "mode": "http",
                    "label": "warmup",
                    "rate": 20,
                    "duration": 5,
                    "token": token,
                    "bodies": application_bodies[-200:],
                },
                environment,
            )
            print(f"POST /api/v1/screenings behind gunicorn --workers {arguments.workers}:")

            def http_job(label: str, bodies: list[dict[str, Any]], key: str):  # type: ignore[no-untyped-def]
                def job(rate: float) -> dict[str, Any]:
                    return {
                        "mode": "http",
                        "label": label,
                        "rate": rate,
                        "duration": duration,
                        "token": key,
                        "bodies": bodies,
                    }

                return job

            def server_parts() -> dict[str, list[int]]:
                master = gunicorn.process.pid
                return {
                    "web": [master, *children(master)],
                    "index service": [service.process.pid],
                    "audit sealer": [sealer.process.pid],
                    "postgres": postgres_pids(),
                }

            api_runs = sweep(
                "api: application",
                rates,
                http_job("application", application_bodies, token),
                environment,
                cpu_parts=server_parts,
            )
            results["api_application_runs"] = [asdict(run) for run in api_runs]
            results["memory_after_api"] = server_memory(gunicorn, service)
            offset = access_log.stat().st_size
            departure_rate = float(arguments.departure_rate)
            departure_run = run_load(
                http_job("departure", departure_bodies, tpi_token)(departure_rate), environment
            )
            times = server_times(access_log, offset)
            results["api_departure_run"] = asdict(departure_run)
            results["departure_server_ms"] = {
                "count": len(times),
                "p50": percentile(times, 0.5),
                "p99": percentile(times, 0.99),
                "max": max(times) if times else float("nan"),
            }
            print(
                f"  departure check at {departure_rate:.0f}/s: client p50 "
                f"{departure_run.p50_ms:.1f} ms, p99 {departure_run.p99_ms:.1f} ms; server "
                f"time p50 {results['departure_server_ms']['p50']:.1f} ms, p99 "
                f"{results['departure_server_ms']['p99']:.1f} ms, errors {departure_run.errors}"
            )
        else:
            print("POST /api/v1/screenings does not exist yet: only the index was measured.")
            results["api_application_runs"] = None

        # 5. Memory of the whole server, and the in-process baseline.
        memory = server_memory(gunicorn, service)
        results["memory"] = memory
        idle = idle_django_memory(environment)
        index_memory = memory["index_service"]["rss"] - idle
        workers = len(memory["gunicorn_workers"])
        web_rss = memory["total_rss"] - memory["index_service"]["rss"]
        baseline = web_rss + workers * index_memory
        results["memory_baseline"] = {
            "idle_django_rss": idle,
            "index_rss": index_memory,
            "in_process_total_rss": baseline,
        }
        results["contention_after"] = cpu_contention()
    finally:
        for process in reversed(running):
            process.stop()

    report(results)
    (VAR / "screening-api-results.json").write_text(json.dumps(results, indent=2, default=str))


def report(results: dict[str, Any]) -> None:
    print("\n== Figures ==")
    index = results["index"]
    build = index["build_from_database_seconds"]
    print(
        f"index: {index['sizes']['watchlist']:,} watchlist entries, {index['sizes']['events']:,} "
        f"earlier events; built from the database in "
        f"{'-' if build is None else f'{build:.0f} s'}; this start: {index['origin']} in "
        f"{index['load_seconds']:.1f} s"
    )
    for key, label in (
        ("index_service_runs", "index service, application-like"),
        ("index_service_departure_runs", "index service, departure-like"),
        ("api_application_runs", "POST /api/v1/screenings (application)"),
    ):
        runs = results.get(key)
        if not runs:
            continue
        rated = [RunResult(**run) for run in runs]
        rate = best_rate(rated)
        held = [run for run in rated if run.rate == rate]
        p99 = f", p99 {held[0].p99_ms:.1f} ms there" if held else ""
        print(
            f"{label}: highest rate held with p99 <= {TARGET_P99_MS:.0f} ms: {rate:.0f}/s{p99} "
            f"(target {TARGET_RATE:.0f}/s: {rate / TARGET_RATE:.2f}x)"
        )
    if results.get("departure_server_ms"):
        server = results["departure_server_ms"]
        print(
            f"departure check server time: p50 {server['p50']:.1f} ms, p99 {server['p99']:.1f} ms "
            f"(target {DEPARTURE_TARGET_P99_MS:.0f} ms: "
            f"{server['p99'] / DEPARTURE_TARGET_P99_MS:.2f} of it)"
        )
    memory = results["memory"]
    baseline = results["memory_baseline"]
    print(
        f"resident memory of the server: RSS {megabytes(memory['total_rss'])}, PSS "
        f"{megabytes(memory['total_pss'])} (master + {len(memory['gunicorn_workers'])} workers "
        f"+ index service {megabytes(memory['index_service']['rss'])})"
    )
    print(
        f"baseline, in-process index in every worker: about "
        f"{megabytes(baseline['in_process_total_rss'])} (index "
        f"{megabytes(baseline['index_rss'])} per worker); shared service uses "
        f"{memory['total_rss'] / baseline['in_process_total_rss']:.2f}x of it"
    )
    print(f"CPU: before {results['contention_before']}; after {results['contention_after']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", default="run", choices=["run", "_generate"])
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--watchlist", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=500_000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--rates", default="10,20,30,50,75,100,150,200,250,300")
    parser.add_argument("--departure-rate", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per rate")
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--rebuild-index", action="store_true")
    parser.add_argument(
        "--api-only", action="store_true", help="skip the runs of the index service alone"
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="load the data and build the index snapshot, then stop (no load generation)",
    )
    parser.add_argument("--quick", action="store_true", help="20,000 + 10,000 rows, short runs")
    arguments = parser.parse_args()
    if arguments.mode == "_generate":
        generator_main(arguments)
        return
    if arguments.quick:
        arguments.watchlist = 20_000
        arguments.applications = 10_000
        arguments.duration = 5.0
        arguments.queries = 600
        arguments.rates = "50,100,200"
    benchmark(arguments)


if __name__ == "__main__":
    main()
