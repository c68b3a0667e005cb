"""Identity matching on two benchmarks: the one it was calibrated on and an independent one.

    .venv/bin/python bench/bench_identity.py --entries 20000 --queries 2000
    .venv/bin/python bench/bench_identity.py --entries 1000000 --queries 2000 --speed

For each benchmark -- ``synthetic`` (:mod:`benteng.core.synthetic`, which
``DEFAULT_PARAMETERS`` were estimated on) and ``independent``
(``bench/independent_corruptions.py``, Faker ``id_ID`` people with corruptions and
distractors of its own, never used for fitting) -- a watchlist of ``--entries`` people is
indexed and ``--queries`` records screened, half of listed people and half of people who are
not listed. Printed: precision and recall at the default threshold, the share of people not
on the list who get any hit (by distractor), recall by variation and the precision-recall
table. ``--speed`` adds the build CPU and the per-query CPU p50 / p99 (process time, one
thread).

``--fit independent`` swaps the calibration: the parameters are estimated
(:func:`benteng.core.compare.estimate_parameters`, with ground truth) on a separate draw of
the independent generator (another seed, never the evaluated data) and both benchmarks are
screened with them, so the synthetic figures are then the ones on data the parameters were
not fitted to.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402 - the thread variables must be set before numpy loads
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from independent_corruptions import generate_independent_benchmark  # noqa: E402

from benteng.core.compare import (  # noqa: E402
    DEFAULT_PARAMETERS,
    ComparisonParameters,
    Level,
    estimate_parameters,
    score_to_match_weight,
)
from benteng.core.index import (  # noqa: E402
    DEFAULT_THRESHOLD,
    POSSIBLE_MATCH_FLOOR,
    Candidate,
    ScreeningIndex,
    possible_matches,
)
from benteng.core.records import IdentityRecord  # noqa: E402
from benteng.core.synthetic import generate_dataset  # noqa: E402

THRESHOLDS = (0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99)


@dataclass(frozen=True, slots=True)
class Benchmark:
    name: str
    watchlist: list[IdentityRecord]
    queries: list[IdentityRecord]
    truth: dict[str, str | None]
    kind: dict[str, str]
    # Screenings of the same kind, not evaluated and never labelled: what the EM fits m on
    # (--em screenings), as an index would fit on its past screenings.
    unlabelled: list[IdentityRecord]


def synthetic_benchmark(entries: int, queries: int, seed: int) -> Benchmark:
    """The calibration data: listed people and variants as bench_screening.py draws them."""
    dataset = generate_dataset(2 * entries, seed=seed)
    watchlist = dataset.canonical[:entries]
    on_list = {record.id for record in watchlist}
    rng = random.Random(seed)
    positives = [v for v in dataset.variants if dataset.truth[v.id] in on_list]
    negatives = [v for v in dataset.variants if dataset.truth[v.id] not in on_list]
    sample = rng.sample(positives, queries // 2) + rng.sample(negatives, queries - queries // 2)
    chosen = {query.id for query in sample}
    unlabelled = rng.sample(
        [v for v in positives if v.id not in chosen], queries // 2
    ) + rng.sample([v for v in negatives if v.id not in chosen], queries - queries // 2)
    truth: dict[str, str | None] = {
        query.id: dataset.truth[query.id] if dataset.truth[query.id] in on_list else None
        for query in sample
    }
    kind = {
        query.id: (
            (dataset.variations[query.id] or ("(none)",))[0] if truth[query.id] else "not listed"
        )
        for query in sample
    }
    return Benchmark("synthetic", watchlist, sample, truth, kind, unlabelled)


def independent_benchmark(entries: int, queries: int, seed: int) -> Benchmark:
    # Twice the queries: the first half is evaluated (the same as drawing ``queries``), the
    # second is the unlabelled sample (its truth is dropped here).
    data = generate_independent_benchmark(entries, 2 * queries, seed=seed)
    evaluated = data.queries[:queries]
    truth = {query.id: data.truth[query.id] for query in evaluated}
    kind = {query.id: data.kind[query.id] for query in evaluated}
    return Benchmark("independent", data.watchlist, evaluated, truth, kind, data.queries[queries:])


def _only_a_name_in_common(query: IdentityRecord, entry: IdentityRecord) -> bool:
    """The query and its listed entry share no field but the name (and the sex): no birth
    date, NIK, passport, phone, birth place or address on both. The name is then all the
    evidence, and namesakes in the list cannot be told apart from the person."""
    fields = ("birth_date", "nik", "passport_no", "phone", "birth_place", "address")
    return not any(getattr(query, name) and getattr(entry, name) for name in fields)


_COMPARED_FIELDS = ("birth_date", "sex", "nik", "passport_no", "phone", "birth_place", "address")


def _indistinguishable(
    benchmark: Benchmark, entries_by_id: dict[str, IdentityRecord], name_only: set[str]
) -> set[str]:
    """The listed queries no matcher can tell apart: another listed entry carries the same
    name as theirs and the same value in every field the query gives. The two entries then
    agree with the query equally, so a calibrated score for either is at most 1/2 and
    neither can be a hit at the default threshold, whatever the model."""
    wanted = {entries_by_id[benchmark.truth[q]].name for q in name_only}  # type: ignore[index]
    namesakes: dict[str, list[IdentityRecord]] = {}
    for entry in benchmark.watchlist:
        if entry.name in wanted:
            namesakes.setdefault(entry.name, []).append(entry)
    found = set()
    for query in benchmark.queries:
        if query.id not in name_only:
            continue
        entry = entries_by_id[benchmark.truth[query.id]]  # type: ignore[index]
        given = [field for field in _COMPARED_FIELDS if getattr(query, field)]
        equals = [
            other
            for other in namesakes[entry.name]
            if all(getattr(other, field) == getattr(entry, field) for field in given)
        ]
        if len(equals) > 1:
            found.add(query.id)
    return found


def _counts(
    benchmark: Benchmark, results: Sequence[Sequence[Candidate]], threshold: float
) -> tuple[float, float, float]:
    """Precision over reported hits, recall over listed queries, share of not-listed queries
    with any hit."""
    minimum = score_to_match_weight(threshold)
    reported = correct = positives = negatives = negatives_hit = 0
    for query, candidates in zip(benchmark.queries, results, strict=True):
        expected = benchmark.truth[query.id]
        hits = [c for c in candidates if c.comparison.match_weight >= minimum]
        reported += len(hits)
        correct += sum(c.entry_id == expected for c in hits)
        if expected is None:
            negatives += 1
            negatives_hit += bool(hits)
        else:
            positives += 1
    return (
        correct / reported if reported else 1.0,
        correct / positives if positives else 1.0,
        negatives_hit / negatives if negatives else 0.0,
    )


def _name_only_and_candidates(
    benchmark: Benchmark,
    results: Sequence[Sequence[Candidate]],
    name_only: set[str],
    indistinguishable: set[str],
) -> None:
    """Recall without the listed queries that share only a name with their entry, and how
    often the entry is among the candidates returned at any score (candidate generation)."""
    minimum = score_to_match_weight(DEFAULT_THRESHOLD)
    found_others: list[bool] = []
    among_candidates: list[bool] = []
    for query, candidates in zip(benchmark.queries, results, strict=True):
        expected = benchmark.truth[query.id]
        if expected is None:
            continue
        among_candidates.append(any(c.entry_id == expected for c in candidates))
        if query.id not in name_only:
            found_others.append(
                any(
                    c.entry_id == expected and c.comparison.match_weight >= minimum
                    for c in candidates
                )
            )
    print(
        f"  listed queries sharing only a name (and sex) with their entry: {len(name_only)};"
        f" recall on the others {np.mean(found_others):.4f}; entry among the top-10 candidates"
        f" at any score {np.mean(among_candidates):.4f}"
    )
    listed = len(among_candidates)
    print(
        f"  of them, indistinguishable from another listed entry (same name, same value in"
        f" every field the query gives): {len(indistinguishable)}; so no matcher reaches a"
        f" recall above {(listed - len(indistinguishable)) / listed:.4f} at the default"
        " threshold"
    )


def _possible(benchmark: Benchmark, results: Sequence[Sequence[Candidate]]) -> None:
    """The "possible match -- check" level below the threshold (name only, score at least
    POSSIBLE_MATCH_FLOOR), counted apart from the hits."""
    minimum = score_to_match_weight(DEFAULT_THRESHOLD)
    found_with = listed = not_listed = flagged_not_listed = flags = 0
    by_kind: dict[str, list[bool]] = {}
    for query, candidates in zip(benchmark.queries, results, strict=True):
        expected = benchmark.truth[query.id]
        hits = {c.entry_id for c in candidates if c.comparison.match_weight >= minimum}
        possible = {c.entry_id for c in possible_matches(candidates)}
        flags += len(possible)
        if expected is None:
            not_listed += 1
            flagged = bool(possible) and not hits
            flagged_not_listed += flagged
            by_kind.setdefault(f"not listed: {benchmark.kind[query.id]}", []).append(flagged)
        else:
            listed += 1
            found_with += expected in hits or expected in possible
            if expected in possible:
                by_kind.setdefault(f"found as possible: {benchmark.kind[query.id]}", []).append(
                    True
                )
    print(
        f"  possible match -- check (only a name in common, score {POSSIBLE_MATCH_FLOOR}"
        f" to {DEFAULT_THRESHOLD}): recall with them {found_with / listed:.4f}; not listed"
        f" with a possible match and no hit {flagged_not_listed / not_listed:.2%};"
        f" {flags / len(benchmark.queries):.3f} possible matches per query"
    )
    for label, values in sorted(by_kind.items()):
        if label.startswith("found"):
            print(f"    {label:<45} {len(values)} queries")
        else:
            print(f"    possible, {label:<35} {np.mean(values):.3f}  ({len(values)} queries)")


def _by_kind(benchmark: Benchmark, results: Sequence[Sequence[Candidate]]) -> None:
    """Recall by variation (listed people), share with any hit by distractor (not listed)."""
    minimum = score_to_match_weight(DEFAULT_THRESHOLD)
    outcome: dict[str, list[bool]] = {}
    for query, candidates in zip(benchmark.queries, results, strict=True):
        expected = benchmark.truth[query.id]
        hits = [c for c in candidates if c.comparison.match_weight >= minimum]
        if expected is None:
            label = f"not listed: {benchmark.kind[query.id]}"
            outcome.setdefault(label, []).append(bool(hits))
        else:
            found = any(c.entry_id == expected for c in hits)
            outcome.setdefault(f"recall: {benchmark.kind[query.id]}", []).append(found)
    for label, values in sorted(outcome.items()):
        print(f"    {label:<45} {np.mean(values):.3f}  ({len(values)} queries)")


# Fields both generators never alter between two records of one person (they only drop
# them): their m keeps its judgement value, as in bench_screening.py --estimate.
FIXED_M = ("birth_place_matches", "passport_number_matches", "address_matches", "phone_matches")


def fit_on_independent(seed: int) -> ComparisonParameters:
    """m and u estimated on a separate independent draw: 40,000 people, 4,000 of them with a
    corrupted record (known pairs), 200,000 random pairs of different people."""
    data = generate_independent_benchmark(40_000, 8_000, seed=seed)
    by_id = {entry.id: entry for entry in data.watchlist}
    pairs = [
        (by_id[expected], query)
        for query in data.queries
        if (expected := data.truth[query.id]) is not None
    ]
    return estimate_parameters(
        pairs, data.watchlist, non_matching_pair_count=200_000, fixed_m=FIXED_M, seed=seed
    )


# The levels printed after a fit, EM estimate next to the starting value.
SHOWN_LEVELS = (
    ("name_matches", Level.EXACT),
    ("name_matches", Level.STRONG),
    ("name_matches", Level.GOOD),
    ("name_matches", Level.CONTAINED),
    ("name_matches", Level.CONTAINS),
    ("name_matches", Level.UNRELATED),
    ("birth_date_matches", Level.EXACT),
    ("birth_date_matches", Level.YEAR_TYPO),
    ("birth_date_matches", Level.SWAPPED_DAY_MONTH),
    ("birth_date_matches", Level.DIFFERENT),
    ("nik_matches", Level.EXACT),
    ("nik_matches", Level.ONE_CHARACTER_OFF),
    ("nik_matches", Level.SERIAL_ONLY),
    ("nik_matches", Level.DIFFERENT),
    ("sex_matches", Level.DIFFERENT),
)


def _print_fit(index: ScreeningIndex) -> None:
    fit = index.parameter_fit
    if fit is None:
        print("  parameters: as given (not fitted)")
        return
    print(f"  EM: {fit.pairs:,} candidate pairs, u on {fit.random_pairs:,} random pairs")
    for session in fit.sessions:
        print(
            f"    session '{session.name}': {session.pairs:,} pairs, {session.iterations}"
            f" iterations, judged the same person {session.match_share:.3f}"
            f" ({session.expected_matches:.0f} pairs),"
            f" m {'estimated' if session.estimated else 'kept (too few same-person pairs)'}"
        )
    start = index.starting_parameters.levels
    fitted = fit.parameters.levels
    for feature, level in SHOWN_LEVELS:
        print(
            f"    {feature}/{level}: m {fitted[feature][level].m:.4f} (start"
            f" {start[feature][level].m:.4f}), u {fitted[feature][level].u:.3g} (start"
            f" {start[feature][level].u:.3g}), {fitted[feature][level].weight:+.1f} bits"
        )


def evaluate(
    benchmark: Benchmark,
    *,
    speed: bool,
    parameters: ComparisonParameters = DEFAULT_PARAMETERS,
    em: str = "screenings",
) -> None:
    entries = len(benchmark.watchlist)
    print(f"\n== {benchmark.name}: {entries:,} entries, {len(benchmark.queries):,} queries ==")
    entries_by_id = {entry.id: entry for entry in benchmark.watchlist}
    name_only = {
        query.id
        for query in benchmark.queries
        if (expected := benchmark.truth[query.id]) is not None
        and _only_a_name_in_common(query, entries_by_id[expected])
    }
    indistinguishable = _indistinguishable(benchmark, entries_by_id, name_only)
    del entries_by_id
    started = time.process_time()
    index = ScreeningIndex(benchmark.watchlist, parameters=parameters, fit=em != "none")
    build = time.process_time() - started
    if em == "screenings":
        started = time.process_time()
        index.fit_parameters(benchmark.unlabelled)
        fit_cpu = time.process_time() - started
        print(f"  EM on {len(benchmark.unlabelled):,} unlabelled screenings: {fit_cpu:.1f} s CPU")
    _print_fit(index)
    del benchmark.watchlist[:]
    cpu: list[float] = []
    results = []
    for query in benchmark.queries:
        started = time.process_time()
        results.append(index.search(query, top=10))
        cpu.append(time.process_time() - started)
    precision, recall, not_listed = _counts(benchmark, results, DEFAULT_THRESHOLD)
    print(
        f"  default threshold {DEFAULT_THRESHOLD}: precision {precision:.4f}, recall "
        f"{recall:.4f}, not listed with any hit {not_listed:.2%}"
    )
    if speed:
        print(
            f"  build CPU {build:.1f} s; per-query CPU p50 {np.percentile(cpu, 50) * 1000:.2f}"
            f" ms, p99 {np.percentile(cpu, 99) * 1000:.2f} ms"
        )
    _name_only_and_candidates(benchmark, results, name_only, indistinguishable)
    print(f"  {'threshold':>9} {'precision':>9} {'recall':>7} {'not listed hit':>14}")
    for threshold in THRESHOLDS:
        precision, recall, not_listed = _counts(benchmark, results, threshold)
        print(f"  {threshold:9.2f} {precision:9.4f} {recall:7.4f} {not_listed:14.2%}")
    _by_kind(benchmark, results)
    _possible(benchmark, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--only", choices=("synthetic", "independent"), default=None)
    parser.add_argument("--speed", action="store_true", help="print build and query CPU")
    parser.add_argument(
        "--fit",
        choices=("synthetic", "independent"),
        default="synthetic",
        help="the generator the parameters are fitted on (synthetic: DEFAULT_PARAMETERS)",
    )
    parser.add_argument(
        "--em",
        choices=("none", "list", "screenings"),
        default="screenings",
        help="none: screen with the given parameters; list: the index's own fit at build"
        " (u on random pairs, m by EM on its entries' candidates); screenings: then m by EM"
        " on a second, unlabelled sample of screenings (the default)",
    )
    arguments = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    parameters = DEFAULT_PARAMETERS
    if arguments.fit == "independent":
        parameters = fit_on_independent(arguments.seed + 1000)
        print(f"parameters fitted on the independent generator: {parameters.to_json()}")
    makers = {"synthetic": synthetic_benchmark, "independent": independent_benchmark}
    for name, maker in makers.items():
        if arguments.only in (None, name):
            benchmark = maker(arguments.entries, arguments.queries, arguments.seed)
            evaluate(benchmark, speed=arguments.speed, parameters=parameters, em=arguments.em)


if __name__ == "__main__":
    main()
