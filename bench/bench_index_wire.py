"""What the index service's wire protocol adds to a screening's search, per request.

One command::

    .venv/bin/python bench/bench_index_wire.py [--entries N] [--queries N]

Builds a store in memory from synthetic people (``N`` watchlist entries and ``N`` earlier
events; no database), serves it on a unix socket in a thread of this process, and asks the
two searches of a screening (``search_person``: watchlist top 10, events top 20, threshold
0.5) in-process, then through a client of a service forked from this process (so serving
the same store). CPU time, not wall time (the machine is shared): the protocol's cost is the
service's CPU per request less the in-process search's, plus the client's CPU per request.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

WATCHLIST_TOP = 10
EVENTS_TOP = 20
THRESHOLD = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000, help="entries per part")
    parser.add_argument("--queries", type=int, default=2_000)
    arguments = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benteng.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()

    from dataclasses import replace

    from benteng.core.index import ScreeningIndex
    from benteng.core.synthetic import SyntheticConfig, generate_dataset
    from benteng.people.client import SocketBackend
    from benteng.people.store import IndexStore

    count = arguments.entries
    dataset = generate_dataset(2 * count, seed=20261207, config=SyntheticConfig())
    people = dataset.canonical
    watchlist = ScreeningIndex(replace(r, id=f"w{n}") for n, r in enumerate(people[:count]))
    events = ScreeningIndex(replace(r, id=f"a{n}") for n, r in enumerate(people[count:]))
    store = IndexStore(watchlist=watchlist, events=events)
    variants = dataset.variants or people
    queries = [replace(variants[n % len(variants)], id="new") for n in range(arguments.queries)]

    local_cpu = []
    expected = []
    for query in queries:
        started = time.thread_time()
        expected.append(
            store.search_person(
                query, watchlist_top=WATCHLIST_TOP, events_top=EVENTS_TOP, threshold=THRESHOLD
            )
        )
        local_cpu.append((time.thread_time() - started) * 1000)

    with tempfile.TemporaryDirectory() as folder:
        socket_path = str(Path(folder) / "index.sock")
        ready = multiprocessing.get_context("fork").Event()
        service = multiprocessing.get_context("fork").Process(
            target=serve, args=(socket_path, store, ready), daemon=True
        )
        service.start()
        ready.wait(30)
        client = SocketBackend(socket_path)
        client.search_person(queries[0], watchlist_top=1, events_top=1, threshold=THRESHOLD)
        try:
            client_cpu, wall = [], []
            service_before = process_cpu_ms(service.pid)
            for query, answer in zip(queries, expected, strict=True):
                started, started_cpu = time.perf_counter(), time.thread_time()
                found = client.search_person(
                    query, watchlist_top=WATCHLIST_TOP, events_top=EVENTS_TOP, threshold=THRESHOLD
                )
                client_cpu.append((time.thread_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
                if found != answer:
                    raise SystemExit(f"the service answered differently for {query.name!r}")
            service_cpu = (process_cpu_ms(service.pid) - service_before) / len(queries)
        finally:
            client.close()
            service.terminate()
            service.join(10)
    search_cpu = statistics.fmean(local_cpu)
    load1, load5, _ = os.getloadavg()
    print(
        f"index wire protocol, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"load {load1:.1f} / {load5:.1f} on {os.cpu_count()} cores; {count:,} entries per "
        f"part, {len(queries):,} search_person requests"
    )
    print(f"  search_person in-process, CPU       mean {search_cpu:.3f} ms")
    print(f"  service process per request, CPU    mean {service_cpu:.3f} ms")
    print(f"  client per request, CPU             mean {statistics.fmean(client_cpu):.3f} ms")
    protocol = service_cpu - search_cpu + statistics.fmean(client_cpu)
    print(f"  protocol cost (both sides), CPU     mean {protocol:.3f} ms")
    print(
        f"  request through the service, wall   median {statistics.median(wall):.3f} ms "
        "(the machine's load shows here)"
    )


def serve(socket_path: str, store: Any, ready: Any) -> None:
    from benteng.people.service import ScreeningIndexServer

    server = ScreeningIndexServer(socket_path, store)
    ready.set()
    server.serve_forever()


def process_cpu_ms(pid: int | None) -> float:
    """User and system CPU of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
