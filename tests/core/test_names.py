"""Indonesian name rules, table-driven from fixture files of synthetic names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benteng.core.names import (
    DEFAULT_RULES,
    NAME_MATCH_THRESHOLD,
    RULE_NAMES,
    clean_name,
    name_key,
    name_similarity,
    name_tokens,
    normalize_name,
    parse_name,
    parsed_from_normalized,
    phonetic_tokens,
    split_parent_name,
)
from benteng.core.synthetic import generate_dataset

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


NORMALIZATION = load("name_normalization.csv")
PAIRS = load("name_pairs.csv")


@pytest.mark.parametrize(
    "row", NORMALIZATION, ids=[f"{row['rule']}:{row['raw'].strip()}" for row in NORMALIZATION]
)
def test_normalize_name(row: dict[str, str]) -> None:
    assert normalize_name(row["raw"]) == row["expected"]


@pytest.mark.parametrize(
    "row",
    [row for row in NORMALIZATION if row["rule"] in RULE_NAMES],
    ids=[
        f"{row['rule']}:{row['raw'].strip()}" for row in NORMALIZATION if row["rule"] in RULE_NAMES
    ],
)
def test_each_normalization_example_depends_on_its_rule(row: dict[str, str]) -> None:
    # given the same name normalised with the example's rule switched off
    without_rule = normalize_name(row["raw"], rules=DEFAULT_RULES.without(row["rule"]))
    # then the example is one the rule changes, unless it shows where the rule must not act
    acts = normalize_name(row["raw"]) != without_rule
    assert acts or row["raw"] in RULE_LEAVES_ALONE


# Examples that show a rule leaving a name alone (a lone "Haji", an ambiguous "Se").
RULE_LEAVES_ALONE = {
    "Haji",
    "D. R. Santoso",
    "Ujang bin Karta",  # normalize_name keeps the parent after "bin"; name_key drops it
    "Rudi Se",
    "Rizki M.",
    "Bin Laden Saputra",
    "Nurdin",
    "Nurul Huda",
    "Saepul Anwar",
    "Pitri Handayani",
    "Muhammad Rizki",
}


@pytest.mark.parametrize(
    "row", PAIRS, ids=[f"{row['rule']}:{row['left']}|{row['right']}" for row in PAIRS]
)
def test_pair_judgement_at_the_threshold(row: dict[str, str]) -> None:
    score = name_similarity(row["left"], row["right"])
    if row["judgement"] == "same":
        assert score >= NAME_MATCH_THRESHOLD
    else:
        assert score < NAME_MATCH_THRESHOLD


@pytest.mark.parametrize(
    "row",
    [row for row in PAIRS if row["rule"] in RULE_NAMES],
    ids=[
        f"{row['rule']}:{row['left']}|{row['right']}" for row in PAIRS if row["rule"] in RULE_NAMES
    ],
)
def test_each_pair_depends_on_its_rule(row: dict[str, str]) -> None:
    # given
    rules_off = DEFAULT_RULES.without(row["rule"])
    # when
    with_rule = name_similarity(row["left"], row["right"])
    without_rule = name_similarity(row["left"], row["right"], rules=rules_off)
    # then: a recall rule raises same-person pairs, a precision rule lowers the others
    if row["judgement"] == "same":
        assert with_rule > without_rule
    else:
        assert with_rule < without_rule


@pytest.mark.parametrize("row", PAIRS, ids=[f"{row['left']}|{row['right']}" for row in PAIRS])
def test_similarity_is_symmetric_and_bounded(row: dict[str, str]) -> None:
    forward = name_similarity(row["left"], row["right"])
    backward = name_similarity(row["right"], row["left"])
    assert forward == backward
    assert 0.0 <= forward <= 1.0


def test_identical_names_score_one_and_empty_names_zero() -> None:
    assert name_similarity("Siti Aminah", "Siti Aminah") == 1.0
    assert name_similarity("", "") == 0.0
    assert name_similarity("...", "Siti") == 0.0
    assert name_similarity("Siti", "") == 0.0


def test_a_lone_common_name_is_weak_evidence() -> None:
    # given two partial matches, one on a frequent part and one on a rarer part
    common = name_similarity("Siti", "Siti Aminah")
    rare = name_similarity("Suharti", "Suharti Ningsih")
    # then
    assert common < NAME_MATCH_THRESHOLD <= rare


def test_different_parents_lower_the_score() -> None:
    same_parent = name_similarity("Ujang bin Karta", "Ujang bin Karta")
    other_parent = name_similarity("Ujang bin Karta", "Ujang bin Dadang")
    assert other_parent < same_parent


def test_parent_written_as_last_name_still_matches() -> None:
    assert name_similarity("Ahmad Sulaiman", "Ahmad bin Sulaiman") == 1.0


def test_name_key_is_order_and_spacing_insensitive_and_ignores_the_parent() -> None:
    assert name_key("Nur Hayati Siti") == name_key("Siti Nurhayati")
    assert name_key("Ujang bin Karta") == name_key("Ujang") == "uyang"


def test_name_tokens_are_the_tokens_of_normalize_name() -> None:
    assert name_tokens("Hj. Siti binti Ahmad") == ["siti", "bin", "ahmad"]
    assert split_parent_name("Hj. Siti binti Ahmad") == (["siti"], ["ahmad"])


def test_phonetic_tokens_agree_across_spellings() -> None:
    assert phonetic_tokens("Rachman") == phonetic_tokens("Rahman") == ["rmn"]
    assert phonetic_tokens("Djoko Soesilo") == phonetic_tokens("Joko Susilo")
    assert phonetic_tokens("A. Rahman") == ["a", "rmn"]
    assert all(len(code) <= 4 for code in phonetic_tokens("Kartasasmita Wiraatmadja"))


def test_clean_name_keeps_the_spelling_for_display() -> None:
    assert clean_name("Hj. SOEKARNI, S.Pd.") == "Soekarni"


def test_parse_name_is_cached_and_rules_are_part_of_the_cache_key() -> None:
    rules_off = DEFAULT_RULES.without("spelling_reform")
    assert parse_name("Soekarno") is parse_name("Soekarno")
    assert parse_name("Soekarno", rules_off).tokens == ("soekarno",)
    assert parse_name("Soekarno").tokens == ("sukarno",)


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown name rule"):
        DEFAULT_RULES.without("klingon")


def synthetic_name_pairs() -> list[tuple[str, str]]:
    dataset = generate_dataset(1500, seed=11)
    by_id = {record.id: record for record in dataset.canonical}
    return [(variant.name, by_id[dataset.truth[variant.id]].name) for variant in dataset.variants]


def test_normalising_a_normalised_name_changes_nothing() -> None:
    # given every fixture name and a synthetic sample full of variations
    names = [row["raw"] for row in NORMALIZATION]
    names += [name for pair in synthetic_name_pairs() for name in pair]
    # then: the screening index stores normalised names and compares those
    for name in names:
        key = normalize_name(name)
        assert normalize_name(key) == key, name


def test_similarity_of_normalised_names_equals_similarity_of_raw_names() -> None:
    pairs = [(row["left"], row["right"]) for row in PAIRS] + synthetic_name_pairs()
    for left, right in pairs:
        raw = name_similarity(left, right)
        normalised = name_similarity(normalize_name(left), normalize_name(right))
        assert raw == pytest.approx(normalised), (left, right)


@pytest.mark.parametrize(
    "name",
    [
        "Hj. Siti Nurhayati, S.Pd.",
        "Moch. Djoko Soesilo",
        "Ujang bin Karta",
        "Siti Aminah binti H. Abdul Rahman",
        "Bin Laden",
        "Nur",
        "Abdurrahman Wahid",
        "",
    ],
)
def test_a_parsed_name_is_rebuilt_from_its_normalised_form(name: str) -> None:
    # when: a screening index loaded from its file rebuilds the parsed names this way
    rebuilt = parsed_from_normalized(normalize_name(name))

    # then: exactly what parsing the name gives
    assert rebuilt == parse_name(name)
