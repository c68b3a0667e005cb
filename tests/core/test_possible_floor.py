"""``ScreeningIndex.search(possible_floor=...)``: the hits of a search at the threshold, and
the candidates sharing only a name down to the floor, the same as a search at the floor
would give, without comparing in full the candidates that can be neither."""

from __future__ import annotations

import dataclasses

import pytest

from benteng.core.index import (
    DEFAULT_THRESHOLD,
    POSSIBLE_MATCH_FLOOR,
    ScreeningIndex,
    possible_match_reasons,
    possible_matches,
)
from benteng.core.records import IdentityRecord
from benteng.core.synthetic import generate_identities


@pytest.fixture(scope="module")
def indexed() -> tuple[ScreeningIndex, list[IdentityRecord]]:
    canonical, variants, _truth = generate_identities(3_000, seed=43)
    # A third of the list gives its name only, as police entries of recruiters often do.
    listed = [
        record if position % 3 else IdentityRecord(id=record.id, name=record.name)
        for position, record in enumerate(canonical)
    ]
    queries = variants[:300] + [
        IdentityRecord(id=f"name-{variant.id}", name=variant.name, sex=variant.sex)
        for variant in variants[300:600]
    ]
    return ScreeningIndex(listed), queries


@pytest.mark.parametrize("bound_pruning", [True, False])
def test_the_floor_keeps_the_hits_and_finds_what_a_search_at_the_floor_finds(
    indexed: tuple[ScreeningIndex, list[IdentityRecord]], bound_pruning: bool
) -> None:
    index, queries = indexed
    index.bound_pruning = bound_pruning
    flagged = 0
    try:
        for query in queries:
            # when
            hits = index.search(query, top=10, threshold=DEFAULT_THRESHOLD)
            found = index.search(
                query, top=10, threshold=DEFAULT_THRESHOLD, possible_floor=POSSIBLE_MATCH_FLOOR
            )
            wide = index.search(
                query, top=50, threshold=DEFAULT_THRESHOLD, possible_floor=POSSIBLE_MATCH_FLOOR
            )
            at_floor = index.search(query, top=50, threshold=POSSIBLE_MATCH_FLOOR)
            # then: the same hits, the same possible matches, nothing else
            assert [c.entry_id for c in found if c.score >= DEFAULT_THRESHOLD] == [
                c.entry_id for c in hits
            ]
            assert [c.entry_id for c in possible_matches(wide)] == [
                c.entry_id for c in possible_matches(at_floor)
            ]
            assert all(c.score >= DEFAULT_THRESHOLD or c.comparison.only_a_name for c in wide)
            flagged += bool(possible_matches(found))
    finally:
        index.bound_pruning = True
    assert flagged > 20  # the case is exercised


def test_a_floor_at_or_above_the_threshold_changes_nothing(
    indexed: tuple[ScreeningIndex, list[IdentityRecord]],
) -> None:
    index, queries = indexed
    for query in queries[:100]:
        plain = index.search(query, threshold=DEFAULT_THRESHOLD)
        floored = index.search(query, threshold=DEFAULT_THRESHOLD, possible_floor=0.7)
        assert [dataclasses.astuple(c)[:2] for c in plain] == [
            dataclasses.astuple(c)[:2] for c in floored
        ]


def test_possible_match_reasons_name_what_was_not_compared() -> None:
    index = ScreeningIndex([IdentityRecord(id="w1", name="Ujang bin Karta")])
    (candidate,) = index.search(
        IdentityRecord(id="q", name="Ujang bin Karta", sex="L", birth_date=None),
        threshold=DEFAULT_THRESHOLD,
        possible_floor=POSSIBLE_MATCH_FLOOR,
    )
    assert candidate.score < DEFAULT_THRESHOLD
    text = possible_match_reasons(candidate.comparison)
    assert text.startswith("Nama sama")
    assert "Hanya nama yang sama; tidak diberikan atau tidak dibandingkan: tanggal lahir, NIK" in (
        text
    )
    english = possible_match_reasons(candidate.comparison, language="en")
    assert "Only the name agrees; not given or not compared: birth date, NIK" in english
