"""The screening index service's CPU per screening, against the service as it was, in-process.

One command::

    .venv/bin/python bench/bench_index_service.py [--queries N] [--snapshot DIR] [--workload FILE]
    .venv/bin/python bench/bench_index_service.py --synthetic 100000 --queries 1500

Loads the index snapshot of ``bench_screening_api.py`` (1,000,000 watchlist entries, 500,000
earlier applications; only read) twice, as two stores, and replays the screening workload
(``var/bench/workload-1000000-500000-3000.json``, 3,000 people: a third other spellings of
watchlist people, a third with earlier applications, a third seen nowhere) against each, one
request at a time, as the service answers it (the request unpickled,
``ScreeningIndexServer.answer``, the answer pickled, as ``multiprocessing.connection`` does;
no socket):

- ``search_person``: both searches of a screening (watchlist top 10, earlier events top 20,
  threshold 0.5, as ``benteng.screening.services`` asks);
- ``upsert``: the screened record added to the earlier events under a new id, as after the
  screening is saved.

**Baseline** (same run, its own store): the service as it answered before the candidate
bound: every shortlisted candidate compared in full (``bound_pruning=False``) and the record
prepared by each search and again by the upsert (:func:`baseline_answer` is that ``answer``).
**Current**: the service's ``answer`` as it is now.

Each starts cold (name caches cleared, no entry name parsed yet: the service just started from
its snapshot, as in every run of ``bench_screening_api.py``), then every query is searched once
more (warm: a service that has run a while). CPU time of this thread (``time.thread_time``),
not wall time: the machine is shared. Every answer of the current service is checked against
the baseline's (the same candidates, scores and explanations). ``bench_index_wire.py``
measures what the socket and the protocol add.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

DEFAULT_SNAPSHOT = ROOT / "var" / "bench" / "index-snapshot-1000000-500000"
DEFAULT_WORKLOAD = ROOT / "var" / "bench" / "workload-1000000-500000-3000.json"
# What benteng.screening.services asks for on every screening.
WATCHLIST_TOP = 10
EVENTS_TOP = 20
THRESHOLD = 0.5
# Ids of the upserted applications: past the loaded ones.
FIRST_NEW_ID = 900_000_000
COUNTED_QUERIES = 500

Answer = Callable[[tuple[Any, ...]], Any]


def baseline_answer(store: Any) -> Answer:
    """The service's answer to ``search_person`` and ``upsert`` before the candidate bound:
    the record prepared by each search and again by the upsert. (The store's parts compare
    every shortlisted candidate in full: :func:`load_store` turns ``bound_pruning`` off.)"""
    from benteng.people.sources import EVENTS, WATCHLIST, part_of
    from benteng.people.wire import matches_to_wire, record_from_wire

    def answer(request: tuple[Any, ...]) -> Any:
        operation, values, *arguments = request
        record = record_from_wire(values)
        if operation == "search_person":
            watchlist_top, events_top, threshold, reader_agency = arguments
            hits = store.search(
                WATCHLIST,
                record,
                top=watchlist_top,
                threshold=threshold,
                reader_agency=reader_agency,
            )
            events = store.search(
                EVENTS, record, top=events_top, threshold=threshold, reader_agency=reader_agency
            )
            return matches_to_wire(hits), matches_to_wire(events)
        part_of(record.id)
        with store.write_lock:
            store.upsert(record)
        return None

    return answer


@contextmanager
def current_answer(store: Any) -> Iterator[Answer]:
    """The service's own ``answer`` (a server on a socket that nobody connects to)."""
    from benteng.people.service import ScreeningIndexServer

    with tempfile.TemporaryDirectory() as folder:
        server = ScreeningIndexServer(str(Path(folder) / "index.sock"), store)
        try:
            yield server.answer
        finally:
            server.stop()


def load_store(snapshot: Path | None, *, bound_pruning: bool, synthetic: int = 0) -> Any:
    from benteng.people.store import IndexStore

    if snapshot is None:
        store = synthetic_store(synthetic)
    else:
        store = IndexStore.from_snapshot(snapshot, max_age_seconds=float("inf"))
    if store is None:
        raise SystemExit(f"no index snapshot in {snapshot}: run bench_screening_api.py first")
    for index in store.parts.values():
        index.bound_pruning = bound_pruning
    return store


def synthetic_store(count: int) -> Any:
    """``count`` synthetic watchlist entries and as many earlier applications, in memory: the
    people of ``synthetic_workload``'s data set."""
    from bench.screening_bench_data import SEED
    from benteng.core.index import ScreeningIndex
    from benteng.core.synthetic import SyntheticConfig, generate_dataset
    from benteng.people.store import IndexStore

    people = generate_dataset(
        2 * count, seed=SEED, config=SyntheticConfig(variants_per_person=0.12)
    ).canonical
    return IndexStore(
        watchlist=ScreeningIndex(replace(r, id=f"w{n}") for n, r in enumerate(people[:count])),
        events=ScreeningIndex(replace(r, id=f"a{n}") for n, r in enumerate(people[count:])),
    )


def synthetic_workload(count: int, size: int) -> list[dict[str, Any]]:
    """The queries of ``bench_screening_api.py``'s workload for the synthetic store."""
    from bench.screening_bench_data import record_values, workload

    generated = workload(watchlist_count=count, application_count=count, size=size)
    return [
        {"record": record_values(query), "kind": generated.kinds[query.id]}
        for query in generated.queries
    ]


def requests(workload: list[dict[str, Any]]) -> list[tuple[str, bytes, bytes]]:
    """(kind, search_person request, upsert request) per screening, pickled as the client
    sends them (an immigration officer's screening)."""
    from bench.screening_bench_data import record_from_values
    from benteng.people.wire import record_to_wire

    found = []
    for number, item in enumerate(workload):
        record = record_from_values(item["record"])
        search = (
            "search_person",
            record_to_wire(record),
            WATCHLIST_TOP,
            EVENTS_TOP,
            THRESHOLD,
            "imigrasi",
        )
        upsert = ("upsert", record_to_wire(replace(record, id=f"a{FIRST_NEW_ID + number}")), None)
        found.append((item["kind"], pickle.dumps(search), pickle.dumps(upsert)))
    return found


def timed(answer: Answer, request: bytes) -> tuple[float, Any]:
    """CPU milliseconds of one request as the service handles it, and the answer."""
    started = time.thread_time()
    result = answer(pickle.loads(request))  # noqa: S301 - the bench's own requests
    pickle.dumps((True, result))
    return (time.thread_time() - started) * 1000, result


@dataclass
class Figures:
    search_cold: list[float] = field(default_factory=list)
    upsert: list[float] = field(default_factory=list)
    search_warm: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    answers: list[Any] = field(default_factory=list)
    comparisons_per_search: float = 0.0


def replay(answer: Answer, screenings: list[tuple[str, bytes, bytes]]) -> Figures:
    """Cold: every screening's search then its upsert, from cleared caches; then warm: every
    search again."""
    from benteng.core import index as core_index
    from benteng.core.names import clear_caches

    figures = Figures()
    clear_caches()
    gc.collect()
    for kind, search, upsert in screenings:
        cpu, result = timed(answer, search)
        figures.search_cold.append(cpu)
        figures.kinds.append(kind)
        figures.answers.append(result)
        figures.upsert.append(timed(answer, upsert)[0])
    for _kind, search, _upsert in screenings:
        figures.search_warm.append(timed(answer, search)[0])
    # How many candidates each search compares in full (untimed: counting costs a little).
    compare = core_index.compare_prepared
    calls = 0

    def counted(*arguments: Any, **keywords: Any) -> Any:
        nonlocal calls
        calls += 1
        return compare(*arguments, **keywords)

    core_index.compare_prepared = counted  # type: ignore[assignment]
    try:
        counted_screenings = screenings[:COUNTED_QUERIES]
        for _kind, search, _upsert in counted_screenings:
            answer(pickle.loads(search))  # noqa: S301 - the bench's own requests
    finally:
        core_index.compare_prepared = compare
    figures.comparisons_per_search = calls / (2 * len(counted_screenings))
    return figures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(values: list[float]) -> tuple[float, float, float]:
    return statistics.fmean(values), percentile(values, 0.5), percentile(values, 0.99)


def print_row(label: str, baseline: list[float], current: list[float]) -> None:
    before, after = summary(baseline), summary(current)
    print(f"  {label}")
    print("    baseline  " + "  ".join(f"{value:7.3f}" for value in before))
    print("    current   " + "  ".join(f"{value:7.3f}" for value in after))
    ratios = "  ".join(
        f"{b / a:6.2f}x" if a else "      -" for b, a in zip(before, after, strict=True)
    )
    print(f"    ratio     {ratios}   (baseline / current)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--snapshot", type=Path, default=DEFAULT_SNAPSHOT)
    parser.add_argument("--workload", type=Path, default=DEFAULT_WORKLOAD)
    parser.add_argument("--queries", type=int, default=3000, help="screenings replayed")
    parser.add_argument(
        "--synthetic",
        type=int,
        default=0,
        help="instead of the snapshot and workload files: N synthetic watchlist entries and "
        "N earlier applications built in memory (no database), and their workload",
    )
    arguments = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benteng.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()

    if arguments.synthetic:
        snapshot = None
        workload = synthetic_workload(arguments.synthetic, arguments.queries)
    else:
        snapshot = arguments.snapshot
        workload = json.loads(arguments.workload.read_text(encoding="utf-8"))
    workload = workload[: arguments.queries]
    screenings = requests(workload)
    load1, load5, _ = os.getloadavg()
    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"Index service CPU per screening, {now}; load average {load1:.1f} / {load5:.1f} "
        f"on {os.cpu_count()} cores"
    )
    started = time.perf_counter()
    baseline_store = load_store(snapshot, bound_pruning=False, synthetic=arguments.synthetic)
    current_store = load_store(snapshot, bound_pruning=True, synthetic=arguments.synthetic)
    sizes = ", ".join(f"{part} {size:,}" for part, size in current_store.sizes().items())
    print(
        f"{snapshot.name if snapshot else 'synthetic store'} ({sizes}) loaded twice in "
        f"{time.perf_counter() - started:.1f} s; {len(screenings):,} screenings "
        f"(watchlist_top {WATCHLIST_TOP}, events_top {EVENTS_TOP}, threshold {THRESHOLD})"
    )
    # As the service does once a minute: what is loaded is never collected again.
    gc.collect()
    gc.freeze()

    baseline = replay(baseline_answer(baseline_store), screenings)
    with current_answer(current_store) as answer:
        current = replay(answer, screenings)

    print("\nCPU ms per request          mean      p50      p99")
    print_row("search_person, cold (both searches)", baseline.search_cold, current.search_cold)
    print_row("upsert of the screened record", baseline.upsert, current.upsert)
    print_row(
        "screening = search_person + upsert, cold",
        [s + u for s, u in zip(baseline.search_cold, baseline.upsert, strict=True)],
        [s + u for s, u in zip(current.search_cold, current.upsert, strict=True)],
    )
    print_row("search_person, warm (second pass)", baseline.search_warm, current.search_warm)
    print("\nsearch_person cold, mean CPU ms by kind of person (baseline -> current)")
    for kind in sorted(set(current.kinds)):
        before = [v for v, k in zip(baseline.search_cold, baseline.kinds, strict=True) if k == kind]
        after = [v for v, k in zip(current.search_cold, current.kinds, strict=True) if k == kind]
        mean_before, mean_after = statistics.fmean(before), statistics.fmean(after)
        print(
            f"  {kind:10s} {len(after):5,}  {mean_before:6.3f} -> {mean_after:6.3f}  "
            f"({mean_before / mean_after:.2f}x)"
        )
    print(
        f"\ncandidates compared in full per search (first {COUNTED_QUERIES} screenings, warm): "
        f"baseline {baseline.comparisons_per_search:.2f}, "
        f"current {current.comparisons_per_search:.2f}"
    )
    differing = [
        number
        for number, (before, after) in enumerate(
            zip(baseline.answers, current.answers, strict=True)
        )
        if before != after
    ]
    found = sum(len(hits) + len(events) for hits, events in current.answers)
    print(
        f"answers: {len(screenings) - len(differing):,} of {len(screenings):,} identical to the "
        f"baseline's ({found:,} candidates at or above the threshold)"
    )
    if differing:
        first = differing[0]
        print(f"  first difference, screening {first}:")
        print(f"    baseline {str(baseline.answers[first])[:400]}")
        print(f"    current  {str(current.answers[first])[:400]}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
