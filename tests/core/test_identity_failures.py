"""The failures of issue 12, one case each: NIK serial neighbours, mistyped birth years,
names that share nothing, and how common a name is in the list it is screened against."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from benteng.core.compare import Level, compare_identities
from benteng.core.index import (
    DEFAULT_THRESHOLD,
    POSSIBLE_MATCH_FLOOR,
    ScreeningIndex,
    possible_matches,
)
from benteng.core.records import IdentityRecord

# Synthetic person: Kab. Tangerang 36.03.05, born 12 March 1995, a woman (day 12 + 40 = 52).
LISTED = IdentityRecord(
    id="w1",
    name="Siti Nurhalimah",
    birth_date=datetime.date(1995, 3, 12),
    sex="P",
    nik="3603055203950001",
    birth_place="Tangerang",
)
OTHERS = [
    IdentityRecord(
        id=f"w{number}",
        name=name,
        birth_date=datetime.date(1980 + number, 1 + number % 12, 1 + number),
        sex="L",
        nik=f"36710{number % 10}0{1 + number % 9}0{1 + number % 9}8{number % 10}00{number:02d}",
    )
    for number, name in enumerate(
        ("Bambang Pamungkas", "Joko Susilo", "Agus Salim", "Dedi Kurniawan", "Rudi Hartono"),
        start=2,
    )
]


def _query(**fields: object) -> IdentityRecord:
    return dataclasses.replace(LISTED, id="q1", **fields)  # type: ignore[arg-type]


def _hit_ids(query: IdentityRecord) -> list[str]:
    index = ScreeningIndex([LISTED, *OTHERS])
    return [hit.entry_id for hit in index.search(query, threshold=DEFAULT_THRESHOLD)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            _query(name="Rina Wulandari", nik="3603055203950002", birth_place=None),
            [],
            id="serial-neighbour-with-another-name-is-not-a-hit",
        ),
        pytest.param(
            _query(name="Rina Wulandari", nik="3603065203950001", birth_place=None),
            [],
            id="same-day-in-the-neighbouring-kecamatan-with-another-name-is-not-a-hit",
        ),
        pytest.param(
            _query(nik="3603055203950002", birth_place=None),
            ["w1"],
            id="serial-neighbour-with-the-same-name-is-a-hit",
        ),
        pytest.param(
            _query(birth_date=datetime.date(1985, 3, 12), nik=None),
            ["w1"],
            id="year-one-digit-wrong",
        ),
        pytest.param(
            _query(birth_date=datetime.date(1994, 3, 12), nik=None),
            ["w1"],
            id="year-one-earlier",
        ),
        pytest.param(
            _query(birth_date=datetime.date(1995, 12, 3), nik=None),
            ["w1"],
            id="day-and-month-swapped",
        ),
        pytest.param(
            _query(birth_date=datetime.date(1971, 8, 30), nik="3671017008710004"),
            [],
            id="namesake-with-another-birth-date-and-nik",
        ),
        pytest.param(
            IdentityRecord(id="q1", name="Halimah", birth_date=LISTED.birth_date, sex="P"),
            ["w1"],
            id="mononym-against-the-full-name",
        ),
        pytest.param(
            IdentityRecord(id="q1", name="Halimah", birth_date=datetime.date(1971, 8, 30)),
            [],
            id="mononym-with-another-birth-date",
        ),
        pytest.param(
            IdentityRecord(id="q1", name="SITI NUR HALIMAH", sex="P", passport_no="C7654321"),
            ["w1"],
            id="departure-check-name-and-passport-without-birth-date",
        ),
    ],
)
def test_screening_cases_of_issue_12(query: IdentityRecord, expected: list[str]) -> None:
    assert _hit_ids(query) == expected


def test_a_nik_differing_only_in_the_serial_is_not_read_as_a_typo() -> None:
    # given: two women born the same day in the same kecamatan, names sharing nothing
    neighbour = _query(name="Rina Wulandari", nik="3603055203950002")

    # when
    comparison = compare_identities(LISTED, neighbour)

    # then
    levels = {result.feature: result for result in comparison.features}
    assert levels["nik_matches"].level is Level.SERIAL_ONLY
    assert levels["name_matches"].level is Level.UNRELATED
    assert levels["nik_matches"].weight < 3
    assert levels["name_matches"].weight < -8
    assert "nomor urut" in comparison.reasons()
    assert "serial" in comparison.reasons(language="en")


def test_a_year_one_apart_with_the_same_day_reads_as_a_typing_error() -> None:
    comparison = compare_identities(LISTED, _query(birth_date=datetime.date(1996, 3, 12)))
    result = next(r for r in comparison.features if r.feature == "birth_date_matches")
    assert result.level is Level.YEAR_TYPO
    assert result.weight > 4
    assert "salah ketik" in result.detail_id


def _exact_name_weight(index: ScreeningIndex, query: IdentityRecord) -> float:
    (hit,) = [c for c in index.search(query) if c.entry_id == LISTED.id]
    return next(r.weight for r in hit.comparison.features if r.feature == "name_matches")


def test_a_common_name_weighs_less_than_a_rare_one_and_the_counts_follow_changes() -> None:
    # given: the same person in a list where her name is unique, then one with 40 namesakes
    namesakes = [
        dataclasses.replace(LISTED, id=f"n{number}", birth_date=datetime.date(1960, 1, 1), nik=None)
        for number in range(40)
    ]
    index = ScreeningIndex([LISTED, *OTHERS])
    rare = _exact_name_weight(index, _query())

    # when
    for namesake in namesakes:
        index.add(namesake)
    common = _exact_name_weight(index, _query())
    for namesake in namesakes:
        index.remove(namesake.id)
    rare_again = _exact_name_weight(index, _query())

    # then: 41 holders instead of one is log2(41) bits less
    assert rare - common == pytest.approx(5.358, abs=0.01)
    assert rare_again == pytest.approx(rare)


def test_name_frequencies_survive_save_and_load(tmp_path: object) -> None:
    # given
    index = ScreeningIndex([LISTED, *OTHERS, dataclasses.replace(LISTED, id="n1", nik=None)])
    path = f"{tmp_path}/index.npz"
    index.save(path)

    # when
    loaded = ScreeningIndex.load(path)

    # then
    assert loaded.name_share("siti nur halimah") == index.name_share("siti nur halimah")
    assert index.name_share("siti nur halimah") == pytest.approx(2 / 1_000_000)


# The departure check at the TPI: name, sex and the passport the traveller holds, no birth
# date, against a person postponed at a Kanim (her application record: no passport yet).
POSTPONED = dataclasses.replace(LISTED, id="penundaan-1")
DEPARTURE = IdentityRecord(id="tpi-1", name="SITI NUR HALIMA", sex="P", passport_no="C7654321")


def test_departure_check_finds_a_postponement_under_a_close_spelling_without_birth_date() -> None:
    # given: the postponed person's record among others
    index = ScreeningIndex([POSTPONED, *OTHERS])

    # when
    hits = index.search(DEPARTURE, threshold=DEFAULT_THRESHOLD)

    # then: a close spelling of a name no other entry sounds like weighs as that name does
    assert [hit.entry_id for hit in hits] == ["penundaan-1"]
    name = next(r for r in hits[0].comparison.features if r.feature == "name_matches")
    assert name.level is Level.STRONG
    assert name.weight == pytest.approx(index_exact_name_weight(index), abs=0.1)
    assert "Nama sangat mirip" in hits[0].comparison.reasons()


def index_exact_name_weight(index: ScreeningIndex) -> float:
    exact = dataclasses.replace(DEPARTURE, name=POSTPONED.name)
    (hit,) = index.search(exact, threshold=DEFAULT_THRESHOLD)
    return next(r.weight for r in hit.comparison.features if r.feature == "name_matches")


def test_departure_check_finds_a_renewal_by_a_mistyped_passport_and_a_close_spelling() -> None:
    # given: the postponed application was a renewal and recorded the passport she holds
    index = ScreeningIndex([dataclasses.replace(POSTPONED, passport_no="C7654321"), *OTHERS])

    # when: the officer mistypes one digit of the passport number
    hits = index.search(
        dataclasses.replace(DEPARTURE, passport_no="C7654327"), threshold=DEFAULT_THRESHOLD
    )

    # then
    assert [hit.entry_id for hit in hits] == ["penundaan-1"]
    assert hits[0].score > 0.99


def test_a_close_spelling_of_a_name_many_entries_sound_like_is_not_enough_alone() -> None:
    # given: forty other women whose names sound like hers (born on other days)
    sound_alikes = [
        dataclasses.replace(
            LISTED, id=f"s{number}", name="Siti Nurhalimah", birth_date=None, nik=None
        )
        for number in range(40)
    ]
    index = ScreeningIndex([POSTPONED, *OTHERS, *sound_alikes])

    # when
    hits = index.search(DEPARTURE, threshold=DEFAULT_THRESHOLD)

    # then: name and sex cannot tell forty-one people apart
    assert hits == []
    assert index.sound_share("siti nur halima") == pytest.approx(41 / 1_000_000)


def test_a_listed_one_word_name_inside_a_fuller_name_weighs_by_all_its_parts() -> None:
    # given: a listed mononym "Puji", and ten listed people called only "Farida"
    puji = IdentityRecord(id="m1", name="Puji", birth_date=datetime.date(1959, 4, 14), sex="P")
    faridas = [
        IdentityRecord(id=f"f{number}", name="Farida", birth_date=datetime.date(1970, 1, 1))
        for number in range(10)
    ]
    alone = ScreeningIndex([puji, *OTHERS])
    crowded = ScreeningIndex([puji, *OTHERS, *faridas])
    query = IdentityRecord(id="q1", name="Puji Farida", birth_date=puji.birth_date, sex="P")

    # when
    def contained_weight(index: ScreeningIndex) -> float:
        (hit,) = [hit for hit in index.search(query, top=20) if hit.entry_id == "m1"]
        name = next(r for r in hit.comparison.features if r.feature == "name_matches")
        assert name.level is Level.CONTAINS
        return name.weight

    # then: a random entry agrees so whenever its one name is *any* part of the query's, so
    # eleven such entries (one Puji, ten Farida) weigh log2(11) bits less than one
    assert contained_weight(alone) - contained_weight(crowded) == pytest.approx(3.459, abs=0.01)


def test_a_name_alone_below_the_threshold_is_a_possible_match_to_check() -> None:
    # given: the postponed person, and a departure check giving her name only, without sex
    index = ScreeningIndex([POSTPONED, *OTHERS])
    name_only = IdentityRecord(id="tpi-2", name="Siti Nurhalimah")

    # when
    candidates = index.search(name_only, top=10)

    # then: no hit (a namesake would score the same), but a possible match to check
    assert [c.entry_id for c in candidates if c.score >= DEFAULT_THRESHOLD] == []
    (possible,) = possible_matches(candidates)
    assert possible.entry_id == "penundaan-1"
    assert possible.comparison.only_a_name
    assert POSSIBLE_MATCH_FLOOR <= possible.score < DEFAULT_THRESHOLD


def test_a_hit_or_a_pair_with_more_than_a_name_is_never_a_possible_match() -> None:
    index = ScreeningIndex([POSTPONED, *OTHERS])
    # a hit stays a hit
    hits = index.search(DEPARTURE, top=10)
    assert hits[0].score >= DEFAULT_THRESHOLD
    assert possible_matches(hits) == []
    # a birth date that disagrees is evidence: the candidate is not "only a name"
    other_day = IdentityRecord(
        id="tpi-3", name="Siti Nurhalimah", birth_date=datetime.date(1971, 8, 30)
    )
    candidates = index.search(other_day, top=10)
    assert candidates and not candidates[0].comparison.only_a_name
    assert possible_matches(candidates, floor=0.0) == []


def test_a_name_many_entries_carry_is_not_a_possible_match() -> None:
    # given: forty other entries with her name and nothing else
    namesakes = [IdentityRecord(id=f"s{number}", name="Siti Nurhalimah") for number in range(40)]
    index = ScreeningIndex([POSTPONED, *OTHERS, *namesakes])

    # when someone gives only that name
    candidates = index.search(IdentityRecord(id="tpi-4", name="Siti Nurhalimah"), top=10)

    # then: every candidate shares only the name, none is likely enough to flag
    assert candidates and all(c.comparison.only_a_name for c in candidates)
    assert possible_matches(candidates) == []
