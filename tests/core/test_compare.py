"""Person comparison: levels per feature, neutral missing fields, calibration, grading."""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import random

import pytest

from benteng.core.compare import (
    DEFAULT_PARAMETERS,
    FEATURES,
    Comparison,
    ComparisonParameters,
    Level,
    LevelParameters,
    compare_identities,
    estimate_parameters,
    match_weight_to_score,
    score_to_match_weight,
)
from benteng.core.records import IdentityRecord

# A synthetic person (NIK: Kab. Tangerang 36.03.05, born 7 May 1990, woman: day 07 + 40 = 47).
SITI = IdentityRecord(
    id="w1",
    name="Hj. Siti Nurhayati, S.Pd.",
    birth_date=datetime.date(1990, 5, 7),
    sex="P",
    nik="3603054705900001",
    birth_place="Kab. Tangerang",
    passport_no="C1234567",
    address="Kp. Melati RT 002/RW 003, Desa Sukamaju, Kec. Cikupa",
    phone="6281234567890",
)


def _only(record: IdentityRecord, **fields: object) -> IdentityRecord:
    """The record with every optional field cleared except ``fields``."""
    empty = IdentityRecord(id=record.id, name=record.name)
    return dataclasses.replace(empty, **fields)  # type: ignore[arg-type]


def _level(comparison: Comparison, feature: str) -> Level:
    return next(result.level for result in comparison.features if result.feature == feature)


def test_identical_records_score_near_one_and_every_feature_agrees() -> None:
    # given / when
    comparison = compare_identities(SITI, dataclasses.replace(SITI, id="q1"))

    # then
    assert comparison.score > 0.999
    present = [r for r in comparison.features if r.level is not Level.MISSING]
    assert all(result.weight > 0 for result in present)
    # both give a NIK, so the NIK/birth-date cross-check is not needed
    assert [r.feature for r in comparison.features if r not in present] == [
        "nik_matches_birth_date"
    ]
    assert [result.feature for result in comparison.features] == [f.__name__ for f in FEATURES]


def test_score_is_in_unit_interval_and_symmetric_on_random_pairs() -> None:
    # given
    rng = random.Random(3)
    people = [_random_person(rng, index) for index in range(200)]

    for _ in range(300):
        a, b = rng.sample(people, 2)
        # when
        forward = compare_identities(a, b)
        backward = compare_identities(b, a)
        # then
        assert 0.0 <= forward.score <= 1.0
        assert forward.score == pytest.approx(backward.score)
        assert forward.match_weight == pytest.approx(backward.match_weight)


@pytest.mark.parametrize(
    ("stated", "other", "level"),
    [
        pytest.param(datetime.date(1990, 5, 7), datetime.date(1990, 5, 7), Level.EXACT, id="exact"),
        pytest.param(
            datetime.date(1990, 5, 7),
            datetime.date(1990, 7, 5),
            Level.SWAPPED_DAY_MONTH,
            id="day-month-swapped",
        ),
        pytest.param(datetime.date(1990, 5, 7), datetime.date(1990, 5, 8), Level.TYPO, id="typo"),
        pytest.param(
            datetime.date(1990, 5, 7), datetime.date(1991, 5, 7), Level.YEAR_TYPO, id="year-typo"
        ),
        pytest.param(
            datetime.date(1996, 5, 7),
            datetime.date(2006, 5, 7),
            Level.YEAR_TYPO,
            id="decade-typo-across-the-century",
        ),
        pytest.param(
            datetime.date(1996, 5, 7), datetime.date(2016, 5, 7), Level.DIFFERENT, id="two-decades"
        ),
        pytest.param(
            datetime.date(1990, 5, 7), datetime.date(1990, 11, 23), Level.YEAR_ONLY, id="year-only"
        ),
        pytest.param(
            datetime.date(1990, 5, 7), datetime.date(1975, 12, 30), Level.DIFFERENT, id="different"
        ),
    ],
)
def test_birth_date_levels(stated: datetime.date, other: datetime.date, level: Level) -> None:
    # given
    a = _only(SITI, birth_date=stated)
    b = _only(SITI, birth_date=other)

    # when
    comparison = compare_identities(a, b)

    # then
    assert _level(comparison, "birth_date_matches") is level


def test_birth_date_weights_are_ordered_exact_swapped_year_only_different() -> None:
    weight = DEFAULT_PARAMETERS.weight
    feature = "birth_date_matches"
    assert (
        weight(feature, Level.EXACT)
        > weight(feature, Level.SWAPPED_DAY_MONTH)
        > weight(feature, Level.YEAR_ONLY)
        > 0
        > weight(feature, Level.DIFFERENT)
    )


@pytest.mark.parametrize(
    ("nik_a", "nik_b", "level"),
    [
        pytest.param("3603054705900001", "3603054705900001", Level.EXACT, id="exact"),
        pytest.param(
            "3603054705900001", "3603054705900007", Level.SERIAL_ONLY, id="serial-one-digit-off"
        ),
        pytest.param(
            "3603054705900001", "3603054705900010", Level.SERIAL_ONLY, id="serial-swapped"
        ),
        pytest.param(
            "3603054705900001", "3603054705910001", Level.ONE_CHARACTER_OFF, id="year-digit-off"
        ),
        pytest.param(
            "3603054705900001", "3630054705900001", Level.REGION_ONE_OFF, id="region-swapped"
        ),
        pytest.param("3603054705900001", "3671011203850002", Level.DIFFERENT, id="different"),
    ],
)
def test_nik_levels(nik_a: str, nik_b: str, level: Level) -> None:
    comparison = compare_identities(_only(SITI, nik=nik_a), _only(SITI, nik=nik_b))
    assert _level(comparison, "nik_matches") is level


def test_nik_birth_date_and_sex_agree_with_the_other_records_stated_ones() -> None:
    # given: one record has only a NIK, the other only a stated birth date and sex
    with_nik = _only(SITI, nik="3603054705900001")
    stated = _only(SITI, birth_date=datetime.date(1990, 5, 7), sex="P")

    # when
    comparison = compare_identities(with_nik, stated)

    # then
    assert _level(comparison, "nik_matches_birth_date") is Level.NIK_BIRTH_DATE_AGREES
    assert _level(comparison, "nik_matches") is Level.MISSING
    assert comparison.match_weight > compare_identities(_only(SITI), stated).match_weight


@pytest.mark.parametrize(
    ("birth_date", "sex"),
    [
        pytest.param(datetime.date(1991, 5, 7), "P", id="other-birth-date"),
        pytest.param(datetime.date(1990, 5, 7), "L", id="other-sex"),
    ],
)
def test_nik_disagreeing_with_stated_birth_date_or_sex_counts_against(
    birth_date: datetime.date, sex: str
) -> None:
    comparison = compare_identities(
        _only(SITI, nik="3603054705900001"), _only(SITI, birth_date=birth_date, sex=sex)
    )
    assert _level(comparison, "nik_matches_birth_date") is Level.NIK_BIRTH_DATE_DIFFERS


def test_nik_cross_check_is_not_counted_twice_when_both_state_a_birth_date() -> None:
    # given: the NIK holder states its birth date too, so birth_date_matches already counts it
    holder = _only(SITI, nik="3603054705900001", birth_date=datetime.date(1990, 5, 7))
    other = _only(SITI, birth_date=datetime.date(1990, 5, 7))

    # when
    comparison = compare_identities(holder, other)

    # then
    assert _level(comparison, "nik_matches_birth_date") is Level.MISSING
    assert _level(comparison, "birth_date_matches") is Level.EXACT


@pytest.mark.parametrize(
    ("phone_a", "phone_b"),
    [
        pytest.param("0812-3456-7890", "+62 812 3456 7890", id="trunk-zero-vs-plus-62"),
        pytest.param("62 812 3456 7890", "081234567890", id="62-vs-trunk-zero"),
    ],
)
def test_phone_numbers_are_compared_normalised(phone_a: str, phone_b: str) -> None:
    comparison = compare_identities(_only(SITI, phone=phone_a), _only(SITI, phone=phone_b))
    assert _level(comparison, "phone_matches") is Level.EXACT


@pytest.mark.parametrize(
    ("feature", "field", "value_a", "value_b", "level"),
    [
        pytest.param("sex_matches", "sex", "P", "P", Level.EXACT, id="sex-same"),
        pytest.param("sex_matches", "sex", "P", "L", Level.DIFFERENT, id="sex-different"),
        pytest.param(
            "birth_place_matches",
            "birth_place",
            "Kab. Tangerang",
            "TANGERANG",
            Level.EXACT,
            id="birth-place-kabupaten-prefix",
        ),
        pytest.param(
            "birth_place_matches",
            "birth_place",
            "Tangerang",
            "Tanggerang",
            Level.SIMILAR,
            id="birth-place-typo",
        ),
        pytest.param(
            "birth_place_matches",
            "birth_place",
            "Serang",
            "Pandeglang",
            Level.DIFFERENT,
            id="birth-place-different",
        ),
        pytest.param(
            "passport_number_matches",
            "passport_no",
            "C1234567",
            "c 123 4567",
            Level.EXACT,
            id="passport-spacing",
        ),
        pytest.param(
            "passport_number_matches",
            "passport_no",
            "C1234567",
            "C1234568",
            Level.ONE_CHARACTER_OFF,
            id="passport-typo",
        ),
        pytest.param(
            "address_matches",
            "address",
            "Jl. Melati No. 5, Cikupa",
            "Jalan Melati Nomor 5 Cikupa",
            Level.EXACT,
            id="address-abbreviations",
        ),
        pytest.param(
            "address_matches",
            "address",
            "Kp. Melati RT 002/RW 003, Desa Sukamaju",
            "Kp. Melati RT 02/RW 003, Desa Sukamaju",
            Level.SIMILAR,
            id="address-similar",
        ),
        pytest.param(
            "address_matches",
            "address",
            "Kp. Melati RT 002/RW 003, Desa Sukamaju",
            "Jl. Diponegoro No. 17, Kota Serang",
            Level.DIFFERENT,
            id="address-different",
        ),
    ],
)
def test_field_levels(feature: str, field: str, value_a: str, value_b: str, level: Level) -> None:
    comparison = compare_identities(
        _only(SITI, **{field: value_a}), _only(SITI, **{field: value_b})
    )
    assert _level(comparison, feature) is level


@pytest.mark.parametrize(
    ("name_a", "name_b", "levels"),
    [
        pytest.param(
            "Hj. Siti Nurhayati, S.Pd.", "SITI NUR HAYATI", {Level.EXACT}, id="titles-joined"
        ),
        pytest.param("Moch. Djoko Soesilo", "Muhammad Joko Susilo", {Level.EXACT}, id="spelling"),
        pytest.param("Siti Nurhayati", "Siti Nurhayatu", {Level.STRONG, Level.GOOD}, id="one-typo"),
        pytest.param("Siti Nurhayati", "Bambang Pamungkas", {Level.UNRELATED}, id="unrelated"),
    ],
)
def test_name_levels(name_a: str, name_b: str, levels: set[Level]) -> None:
    comparison = compare_identities(
        IdentityRecord(id="a", name=name_a), IdentityRecord(id="b", name=name_b)
    )
    assert _level(comparison, "name_matches") in levels


def test_missing_fields_are_neutral() -> None:
    # given: the same pair with and without fields that only one side has
    name_only = _only(SITI)
    everything = SITI

    # when
    comparison = compare_identities(name_only, everything)

    # then: only the name counts, every other feature is missing with weight 0
    for result in comparison.features:
        if result.feature == "name_matches":
            assert result.level is Level.EXACT
        else:
            assert result.level is Level.MISSING
            assert result.weight == 0.0
    expected = DEFAULT_PARAMETERS.prior_match_weight + DEFAULT_PARAMETERS.weight(
        "name_matches", Level.EXACT
    )
    assert comparison.match_weight == pytest.approx(expected)


def test_each_agreeing_field_raises_the_score() -> None:
    # given
    fields = ["birth_date", "sex", "nik", "birth_place", "passport_no", "address", "phone"]
    base = _only(SITI)
    previous = compare_identities(base, base).match_weight

    for count in range(1, len(fields) + 1):
        kept = {field: getattr(SITI, field) for field in fields[:count]}
        record = _only(SITI, **kept)
        # when
        weight = compare_identities(record, record).match_weight
        # then
        assert weight > previous
        previous = weight


# --- grading: name-only agreement never reaches the name + birth date + NIK band -------------

_OTHER_FIELDS = ("sex", "birth_place", "passport_no", "address", "phone")


def _random_person(rng: random.Random, index: int) -> IdentityRecord:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(25_000))
    sex = rng.choice("LP")
    day = birth.day + (40 if sex == "P" else 0)
    nik = f"3603{rng.randrange(1, 30):02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
    nik += f"{rng.randrange(1, 9999):04d}"
    first = rng.choice(["Siti", "Nur", "Muhammad", "Ahmad", "Dewi", "Budi", "Rina", "Eko"])
    last = rng.choice(["Aminah", "Hidayat", "Lestari", "Santoso", "Rahayu", "Saputra", "Wati"])
    return IdentityRecord(
        id=f"r{index}",
        name=f"{first} {last}",
        birth_date=birth,
        sex=sex,
        nik=nik,
        birth_place=rng.choice(["Serang", "Tangerang", "Lebak", "Pandeglang", "Cilegon"]),
        passport_no=f"C{rng.randrange(1_000_000, 9_999_999)}",
        address=f"Kp. {rng.choice(['Melati', 'Mawar', 'Kenanga'])} RT {rng.randrange(1, 20):03d}",
        phone=f"62812{rng.randrange(10_000_000, 99_999_999)}",
    )


def _other_field_value(
    rng: random.Random, field: str, same: IdentityRecord, other: IdentityRecord
) -> object:
    """Missing, the same as ``same`` or the (different) value of ``other``."""
    choice = rng.choice(["missing", "same", "different"])
    if choice == "missing":
        return None
    return getattr(same if choice == "same" else other, field)


def test_name_only_agreement_never_reaches_name_birth_date_and_nik_agreement() -> None:
    # given: many pairs of two kinds, other fields random (missing, agreeing or disagreeing)
    rng = random.Random(20261127)
    name_only_scores: list[float] = []
    strong_scores: list[float] = []
    for index in range(400):
        person = _random_person(rng, 2 * index)
        stranger = _random_person(rng, 2 * index + 1)
        while any(
            getattr(stranger, field) == getattr(person, field)
            for field in (*_OTHER_FIELDS, "birth_date", "nik")
        ):
            stranger = _random_person(rng, 2 * index + 1)
        # name agrees; birth date and NIK missing or disagreeing; the rest disagree or missing
        name_only = IdentityRecord(
            id="q",
            name=person.name,
            birth_date=rng.choice([None, stranger.birth_date]),
            nik=rng.choice([None, stranger.nik]),
            **{field: rng.choice([None, getattr(stranger, field)]) for field in _OTHER_FIELDS},
        )
        # name, birth date and NIK agree; the rest anything, even disagreeing
        strong = IdentityRecord(
            id="q",
            name=person.name,
            birth_date=person.birth_date,
            nik=person.nik,
            **{field: _other_field_value(rng, field, person, stranger) for field in _OTHER_FIELDS},
        )
        # when
        name_only_scores.append(compare_identities(person, name_only).score)
        strong_scores.append(compare_identities(person, strong).score)

    # then
    assert max(name_only_scores) < min(strong_scores)
    assert max(name_only_scores) < 0.5 < min(strong_scores)


def test_grading_holds_for_the_parameters_themselves() -> None:
    # the best name-only evidence against the worst name + birth date + NIK evidence
    parameters = DEFAULT_PARAMETERS
    best_name_only = parameters.weight("name_matches", Level.EXACT) + sum(
        max(0.0, max(levels[level].weight for level in levels) if feature == "sex_matches" else 0.0)
        for feature, levels in parameters.levels.items()
    )
    worst_others = sum(
        min(0.0, min(p.weight for p in levels.values()))
        for feature, levels in parameters.levels.items()
        if feature not in {"name_matches", "birth_date_matches", "nik_matches"}
    )
    weakest_strong = (
        parameters.weight("name_matches", Level.GOOD)
        + parameters.weight("birth_date_matches", Level.EXACT)
        + parameters.weight("nik_matches", Level.EXACT)
        + worst_others
    )
    assert best_name_only < weakest_strong


def test_scores_do_not_pile_up_match_weight_keeps_ranking_near_one() -> None:
    # given: two strong matches, one with more agreeing evidence
    full = compare_identities(SITI, dataclasses.replace(SITI, id="q"))
    without_phone = compare_identities(SITI, dataclasses.replace(SITI, id="q", phone=None))

    # then: both near 1, still ordered by their evidence
    assert full.match_weight > without_phone.match_weight
    assert full.score >= without_phone.score


# --- explanation --------------------------------------------------------------------------


def test_explanation_in_both_languages() -> None:
    # given
    query = dataclasses.replace(SITI, id="q", birth_date=datetime.date(1990, 7, 5), phone=None)

    # when
    comparison = compare_identities(SITI, query)

    # then
    birth = next(r for r in comparison.features if r.feature == "birth_date_matches")
    assert "tertukar" in birth.detail_id
    assert "swapped" in birth.detail_en
    assert birth.description_id == "Kedua catatan memberi tanggal lahir yang sama."
    assert birth.description_en == "The two records give the same birth date."
    reasons = comparison.reasons()
    assert "Tanggal lahir" in reasons
    assert "Nomor telepon" not in reasons  # missing fields are left out
    assert "Phone number" in comparison.reasons(language="en", include_missing=True)


def test_every_feature_has_a_one_line_indonesian_docstring() -> None:
    for feature in FEATURES:
        doc = (feature.__doc__ or "").strip()
        assert doc
        assert "\n" not in doc
        assert doc.endswith(".")


def test_reasons_order_strongest_evidence_first() -> None:
    comparison = compare_identities(SITI, dataclasses.replace(SITI, id="q"))
    weights = [
        abs(result.weight) for result in comparison.features if result.level is not Level.MISSING
    ]
    shown = comparison.reasons().split("; ")
    assert len(shown) == len(weights)
    assert shown[0].startswith("NIK")  # the NIK carries the most bits


# --- calibration ----------------------------------------------------------------------------


@pytest.mark.parametrize("weight", [-30.0, -3.5, 0.0, 2.25, 30.0])
def test_score_and_match_weight_are_inverse(weight: float) -> None:
    score = match_weight_to_score(weight)
    assert 0.0 < score < 1.0
    assert score_to_match_weight(score) == pytest.approx(weight, abs=1e-6)


def test_score_at_zero_weight_is_one_half() -> None:
    assert match_weight_to_score(0.0) == 0.5
    assert score_to_match_weight(0.0) == -math.inf
    assert score_to_match_weight(1.0) == math.inf


def test_parameters_round_trip_through_json(tmp_path: object) -> None:
    text = DEFAULT_PARAMETERS.to_json()
    loaded = ComparisonParameters.from_json(text)
    assert loaded.prior_match_weight == DEFAULT_PARAMETERS.prior_match_weight
    assert loaded.levels == DEFAULT_PARAMETERS.levels
    comparison = compare_identities(SITI, SITI, parameters=loaded)
    assert comparison.score == compare_identities(SITI, SITI).score


def test_parameters_reject_impossible_probabilities() -> None:
    with pytest.raises(ValueError, match="m and u"):
        ComparisonParameters(
            prior_match_weight=-10.0,
            levels={"sex_matches": {Level.EXACT: LevelParameters(m=0.0, u=0.5)}},
        )


def test_estimate_parameters_recovers_known_shares() -> None:
    # given: same-person pairs agree on sex 90 % of the time; different people 50 %
    rng = random.Random(5)
    records = [
        IdentityRecord(id=f"p{index}", name=f"Orang {index}", sex=rng.choice("LP"))
        for index in range(2_000)
    ]
    pairs = []
    for index, record in enumerate(records[:1_000]):
        assert record.sex is not None
        flipped = "L" if record.sex == "P" else "P"
        other_sex = record.sex if index % 10 else flipped
        pairs.append((record, dataclasses.replace(record, id=f"v{index}", sex=other_sex)))

    # when
    estimated = estimate_parameters(pairs, records, non_matching_pair_count=20_000, seed=1)

    # then
    sex = estimated.levels["sex_matches"]
    assert sex[Level.EXACT].m == pytest.approx(0.9, abs=0.01)
    assert sex[Level.DIFFERENT].m == pytest.approx(0.1, abs=0.01)
    assert sex[Level.EXACT].u == pytest.approx(0.5, abs=0.02)
    # levels never seen keep the base value (no NIK in these records)
    assert estimated.levels["nik_matches"] == DEFAULT_PARAMETERS.levels["nik_matches"]


def test_estimated_weights_are_monotone_in_agreement_strength() -> None:
    # given: namesakes make exact names common among strangers (high u), near-names rare
    records = [IdentityRecord(id=f"p{index}", name="Siti Aminah") for index in range(50)]
    records += [IdentityRecord(id=f"x{index}", name=f"Orang Lain {index}") for index in range(50)]
    pairs = [
        (records[index], dataclasses.replace(records[index], id=f"v{index}", name="Siti Aminah"))
        for index in range(40)
    ]

    # when
    estimated = estimate_parameters(pairs, records, non_matching_pair_count=5_000, seed=2)

    # then
    name = estimated.levels["name_matches"]
    assert name[Level.EXACT].weight >= name[Level.STRONG].weight >= name[Level.GOOD].weight


def test_estimate_parameters_needs_two_records() -> None:
    with pytest.raises(ValueError, match="two records"):
        estimate_parameters([], [SITI])


def test_name_feature_agrees_with_the_public_name_similarity() -> None:
    # The comparison reuses parsed names (names.parsed_name_similarity); this guards that it
    # gives exactly what names.name_similarity gives on the raw names.
    from benteng.core.names import name_similarity
    from benteng.core.synthetic import generate_identities

    canonical, variants, truth = generate_identities(400, seed=9)
    by_id = {record.id: record for record in canonical}
    rng = random.Random(9)
    pairs = [(by_id[truth[v.id]], v) for v in variants]
    pairs += [tuple(rng.sample(canonical, 2)) for _ in range(400)]  # type: ignore[misc]
    for a, b in pairs:
        result = next(r for r in compare_identities(a, b).features if r.feature == "name_matches")
        if result.level is not Level.EXACT:
            assert result.similarity == pytest.approx(name_similarity(a.name, b.name))


# --- one-word names, by direction ----------------------------------------------------------


def _name_result(a: IdentityRecord, b: IdentityRecord) -> tuple[Level, str, str]:
    result = next(r for r in compare_identities(a, b).features if r.feature == "name_matches")
    return result.level, result.detail_id, result.detail_en


def test_a_one_word_name_inside_a_fuller_one_says_which_side_gave_one_word() -> None:
    # given a listed full name and a listed one-word name
    entry_full = IdentityRecord(id="w1", name="Puji Farida")
    entry_one = IdentityRecord(id="w2", name="Puji")
    # when each is compared with the other as the name searched
    searched_one = _name_result(IdentityRecord(id="q1", name="Puji"), entry_full)
    searched_full = _name_result(IdentityRecord(id="q2", name="Puji Farida"), entry_one)
    # then the levels differ, and the officer reads which name was one word
    assert searched_one[0] is Level.CONTAINED
    assert searched_full[0] is Level.CONTAINS
    assert searched_one[1].startswith("Nama yang dicari satu kata, bagian dari nama lengkap")
    assert searched_full[1].startswith("Nama catatan ini satu kata, bagian dari nama lengkap")
    assert searched_one[2].startswith("Name searched is one word")
    assert searched_full[2].startswith("Name of this record is one word")


def test_a_listed_one_word_name_weighs_less_by_default_than_a_searched_one() -> None:
    levels = DEFAULT_PARAMETERS.levels["name_matches"]
    assert levels[Level.CONTAINS].m < levels[Level.CONTAINED].m


def test_parameters_saved_before_a_level_existed_take_its_default() -> None:
    # given parameters saved before "contains" was split from "contained"
    data = json.loads(DEFAULT_PARAMETERS.to_json())
    del data["levels"]["name_matches"]["contains"]
    data["levels"]["name_matches"]["contained"] = {"m": 0.05, "u": 0.002}
    # when they are read
    loaded = ComparisonParameters.from_json(json.dumps(data))
    # then what was saved is kept and the new level takes its default
    assert loaded.levels["name_matches"][Level.CONTAINED] == LevelParameters(m=0.05, u=0.002)
    assert (
        loaded.levels["name_matches"][Level.CONTAINS]
        == DEFAULT_PARAMETERS.levels["name_matches"][Level.CONTAINS]
    )
