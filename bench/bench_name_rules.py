"""What each Indonesian name rule adds to recall and costs in precision (ablation).

Pairs come from benteng.core.synthetic: every variant name against its person's canonical
name (true matches), and as many hard non-matches: different people whose names share a name
part (Siti, Muhammad, Hidayat...), a few of them namesakes with the very same name. Recall and
precision of ``name_similarity >= threshold`` are measured with all rules on, then with each
rule switched off in turn, and with all rules off.

    .venv/bin/python bench/bench_name_rules.py            # 20,000 people
    .venv/bin/python bench/bench_name_rules.py --quick    # 3,000 people, a few seconds
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benteng.core.names import (
    DEFAULT_RULES,
    NAME_MATCH_THRESHOLD,
    RULE_NAMES,
    NameRules,
    clear_caches,
    name_similarity,
    parse_name,
)
from benteng.core.synthetic import generate_dataset, generate_identities, hard_negative_pairs


@dataclass(frozen=True)
class Pairs:
    left: list[str]
    right: list[str]
    is_match: list[bool]
    variations: list[tuple[str, ...]]  # of true matches; () for non-matches


@dataclass(frozen=True)
class Result:
    label: str
    recall: float
    precision: float
    true_positives: int
    false_positives: int

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 0.0 if total == 0 else 2 * self.recall * self.precision / total


def build_pairs(n_people: int, seed: int) -> Pairs:
    dataset = generate_dataset(n_people, seed=seed)
    by_id = {record.id: record for record in dataset.canonical}
    left, right, is_match, variations = [], [], [], []
    for variant in dataset.variants:
        left.append(by_id[dataset.truth[variant.id]].name)
        right.append(variant.name)
        is_match.append(True)
        variations.append(dataset.variations[variant.id])
    for first, second in hard_negative_pairs(dataset.canonical, len(dataset.variants), seed=seed):
        left.append(first.name)
        right.append(second.name)
        is_match.append(False)
        variations.append(())
    return Pairs(left, right, is_match, variations)


def scores(pairs: Pairs, rules: NameRules) -> list[float]:
    return [
        name_similarity(a, b, rules=rules) for a, b in zip(pairs.left, pairs.right, strict=True)
    ]


def evaluate(label: str, pairs: Pairs, values: list[float], threshold: float) -> Result:
    positives = sum(pairs.is_match)
    true_positives = sum(
        score >= threshold and match for score, match in zip(values, pairs.is_match, strict=True)
    )
    false_positives = sum(
        score >= threshold and not match
        for score, match in zip(values, pairs.is_match, strict=True)
    )
    flagged = true_positives + false_positives
    return Result(
        label=label,
        recall=true_positives / positives if positives else 0.0,
        precision=true_positives / flagged if flagged else 1.0,
        true_positives=true_positives,
        false_positives=false_positives,
    )


def print_ablation(results: list[Result], baseline: Result) -> None:
    """One row per configuration; the last three columns are (all rules) - (this row): what
    the switched-off rule adds to recall, to precision, and how many false positives it
    lets through."""
    print(
        f"{'configuration':<28}{'recall':>8}{'precision':>11}{'F1':>8}{'FP':>6}"
        f"{'rule: +recall':>15}{'+precision':>12}{'+FP':>6}"
    )
    for result in results:
        if result is baseline:
            deltas = f"{'':>15}{'':>12}{'':>6}"
        else:
            deltas = (
                f"{baseline.recall - result.recall:>+15.4f}"
                f"{baseline.precision - result.precision:>+12.4f}"
                f"{baseline.false_positives - result.false_positives:>+6d}"
            )
        print(
            f"{result.label:<28}{result.recall:>8.4f}{result.precision:>11.4f}{result.f1:>8.4f}"
            f"{result.false_positives:>6d}{deltas}"
        )


def print_threshold_sweep(pairs: Pairs, values: list[float]) -> None:
    print("\nAll rules on, by threshold:")
    print(f"{'threshold':>10}{'recall':>9}{'precision':>11}{'F1':>8}")
    for threshold in (0.70, 0.75, 0.80, 0.85, 0.88, 0.90, 0.95, 1.0):
        result = evaluate("", pairs, values, threshold)
        marker = "  <- NAME_MATCH_THRESHOLD" if threshold == NAME_MATCH_THRESHOLD else ""
        print(
            f"{threshold:>10.2f}{result.recall:>9.4f}{result.precision:>11.4f}"
            f"{result.f1:>8.4f}{marker}"
        )


def print_recall_by_variation(pairs: Pairs, values: list[float], threshold: float) -> None:
    found: dict[str, list[bool]] = defaultdict(list)
    for value, match, applied in zip(values, pairs.is_match, pairs.variations, strict=True):
        if match:
            for variation in applied:
                found[variation].append(value >= threshold)
    print("\nRecall by variation present in the variant (all rules on):")
    for variation, hits in sorted(found.items(), key=lambda item: sum(item[1]) / len(item[1])):
        print(f"  {variation:<20}{sum(hits) / len(hits):>8.4f}   ({len(hits)} pairs)")


def print_speed(pairs: Pairs) -> None:
    """CPU time per call (process time, so other load on the machine counts less)."""
    sample = list(zip(pairs.left, pairs.right, strict=True))[:20000]
    clear_caches()
    start = time.process_time()
    for a, b in sample:
        name_similarity(a, b)
    cold = (time.process_time() - start) / len(sample) * 1e6
    timings = []
    for _ in range(5):
        start = time.process_time()
        for a, b in sample:
            name_similarity(a, b)
        timings.append((time.process_time() - start) / len(sample) * 1e6)
    print(
        f"\nname_similarity CPU time over {len(sample)} pairs: {min(timings):.2f} us per call "
        f"(best of 5; median {statistics.median(timings):.2f}) with normalisation cached, "
        f"{cold:.2f} us per call cold (normalising both names)"
    )


def time_generator(n_people: int, seed: int) -> None:
    """Time benteng.core.synthetic for n_people people with one variant each."""
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    canonical, variants, _ = generate_identities(n_people, seed=seed)
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"generate_identities({n_people}): {len(canonical)} people + {len(variants)} variants "
        f"in {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak_mb:.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 people instead of 20,000")
    parser.add_argument("--people", type=int, default=None, help="number of synthetic people")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--threshold", type=float, default=NAME_MATCH_THRESHOLD)
    parser.add_argument(
        "--time-generator",
        type=int,
        metavar="N",
        help="only time the synthetic generator for N people (e.g. 1000000) and exit",
    )
    arguments = parser.parse_args(argv)
    if arguments.time_generator:
        time_generator(arguments.time_generator, arguments.seed)
        return 0
    n_people = arguments.people or (3000 if arguments.quick else 20000)

    pairs = build_pairs(n_people, arguments.seed)
    matches = sum(pairs.is_match)
    namesakes = sum(
        not match and parse_name(a).key == parse_name(b).key
        for a, b, match in zip(pairs.left, pairs.right, pairs.is_match, strict=True)
    )
    print(
        f"{n_people} people, seed {arguments.seed}: {matches} true-match pairs, "
        f"{len(pairs.is_match) - matches} hard non-match pairs sharing a name part "
        f"({namesakes} of them namesakes: the same name after normalisation), "
        f"threshold {arguments.threshold}\n"
    )
    all_values = scores(pairs, DEFAULT_RULES)
    baseline = evaluate("all rules", pairs, all_values, arguments.threshold)
    results = [baseline]
    for rule in RULE_NAMES:
        values = scores(pairs, DEFAULT_RULES.without(rule))
        results.append(evaluate(f"without {rule}", pairs, values, arguments.threshold))
    no_rules = NameRules(**{item.name: False for item in fields(NameRules)})
    results.append(
        evaluate("no rules (clean text only)", pairs, scores(pairs, no_rules), arguments.threshold)
    )
    print_ablation(results, baseline)
    print_threshold_sweep(pairs, all_values)
    print_recall_by_variation(pairs, all_values, arguments.threshold)
    counts = Counter(v for applied in pairs.variations for v in applied)
    print(f"\nVariations in the true-match pairs: {dict(counts.most_common())}")
    print_speed(pairs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
