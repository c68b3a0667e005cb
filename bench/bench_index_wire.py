"""What the index service's protocol costs per request, apart from the search itself.

One command::

    .venv/bin/python bench/bench_index_wire.py [--entries N] [--queries N] [--rounds N]

Builds a store in memory from synthetic people (``N`` watchlist entries and ``N`` earlier
events; no database) and computes the answers to the two searches of a screening
(``search_person``: watchlist top 10, events top 20) for each query, once at the screening's
threshold 0.5 and once at 0.0 (always 30 candidates: the largest answer). Then
a service forked from this process answers the same requests from those computed answers,
through the real server and client, so what is measured is the protocol alone: encoding and
decoding both ways, the socket, the server's loop. CPU time of both processes (not wall time:
the machine is shared), the median of ``--rounds`` rounds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

WATCHLIST_TOP = 10
EVENTS_TOP = 20


class AnsweredStore:
    """Stands in for the store in the service: the answers computed beforehand, by query."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.write_lock = threading.RLock()

    def search_person(self, record: Any, **_arguments: Any) -> Any:
        return self.answers[record.id]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000, help="entries per part")
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benteng.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()

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
    load1, load5, _ = os.getloadavg()
    print(
        f"index wire protocol, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"load {load1:.1f} / {load5:.1f} on {os.cpu_count()} cores; {count:,} entries per "
        f"part, {arguments.queries:,} search_person requests x {arguments.rounds} rounds"
    )
    for threshold in (0.5, 0.0):
        queries = [
            replace(variants[n % len(variants)], id=f"q{n}") for n in range(arguments.queries)
        ]
        answers = {
            query.id: store.search_person(
                query, watchlist_top=WATCHLIST_TOP, events_top=EVENTS_TOP, threshold=threshold
            )
            for query in queries
        }
        found = sum(len(hits) + len(events) for hits, events in answers.values()) / len(queries)
        rounds = [
            one_round(SocketBackend, AnsweredStore(answers), queries, threshold)
            for _ in range(arguments.rounds)
        ]
        service = statistics.median(service for service, _client in rounds)
        client = statistics.median(client for _service, client in rounds)
        print(
            f"  threshold {threshold}: {found:.1f} candidates per answer; CPU ms per request: "
            f"service {service:.3f} + client {client:.3f} = {service + client:.3f}"
        )


def one_round(
    backend_class: Any, store: AnsweredStore, queries: list[Any], threshold: float
) -> tuple[float, float]:
    """Service and client CPU milliseconds per request, for one pass over the queries."""
    with tempfile.TemporaryDirectory() as folder:
        socket_path = str(Path(folder) / "index.sock")
        context = multiprocessing.get_context("fork")
        ready = context.Event()
        service = context.Process(target=serve, args=(socket_path, store, ready), daemon=True)
        service.start()
        ready.wait(30)
        client = backend_class(socket_path)
        client.search_person(queries[0], watchlist_top=1, events_top=1, threshold=threshold)
        try:
            service_before = process_cpu_ms(service.pid)
            started = time.thread_time()
            for query in queries:
                found = client.search_person(
                    query, watchlist_top=WATCHLIST_TOP, events_top=EVENTS_TOP, threshold=threshold
                )
                if found != store.answers[query.id]:
                    raise SystemExit(f"the service answered differently for {query.name!r}")
            client_ms = (time.thread_time() - started) * 1000 / len(queries)
            service_ms = (process_cpu_ms(service.pid) - service_before) / len(queries)
        finally:
            client.close()
            service.terminate()
            service.join(10)
    return service_ms, client_ms


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
