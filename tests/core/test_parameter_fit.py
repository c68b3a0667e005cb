"""The screening index estimates its parameters on its own list, without ground truth:
u on random pairs of its entries, m by EM on unlabelled candidate pairs (issue 12)."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import random
from pathlib import Path

import pytest

from benteng.core import cli
from benteng.core.compare import (
    DEFAULT_PARAMETERS,
    FEATURES,
    Level,
    compare_identities,
    estimate_parameters_em,
)
from benteng.core.index import FIT_MINIMUM_ENTRIES, ScreeningIndex
from benteng.core.records import IdentityRecord

FEATURE_NAMES = [feature.__name__ for feature in FEATURES]

FIRST = [
    "Agus", "Budi", "Citra", "Dewi", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Joko",
    "Kurnia", "Lestari", "Made", "Nanda", "Oki", "Putri", "Rizki", "Sari", "Teguh", "Umar",
    "Vina", "Wahyu", "Yanti", "Zainal", "Ayu", "Bayu", "Cahya", "Dimas", "Endah", "Farhan",
]  # fmt: skip
MIDDLE = [
    "Adi", "Bagus", "Candra", "Dwi", "Eko", "Fitri", "Guntur", "Hendra", "Intan", "Jaya",
    "Kartika", "Lukman", "Mulia", "Nur", "Permata", "Rahma", "Surya", "Tri", "Utami", "Wulan",
]  # fmt: skip
LAST = [
    "Pratama", "Saputra", "Wijaya", "Hidayat", "Nugroho", "Santoso", "Kusuma", "Setiawan",
    "Rahayu", "Purnomo", "Siregar", "Nasution", "Harahap", "Lubis", "Simanjuntak", "Gunawan",
    "Hakim", "Irawan", "Firmansyah", "Maulana", "Ramadhan", "Syahputra", "Susanto", "Halim",
]  # fmt: skip


def _people(count: int, rng: random.Random, prefix: str) -> list[IdentityRecord]:
    people = []
    for number in range(count):
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(15_000))
        if (born.month, born.day) == (2, 29):  # a year typo of a leap day is no date
            born = born.replace(day=28)
        sex = rng.choice("LP")
        day = born.day + (40 if sex == "P" else 0)
        nik = f"36{rng.randrange(1, 30):02d}{rng.randrange(1, 40):02d}{day:02d}"
        nik += f"{born.month:02d}{born.year % 100:02d}{rng.randrange(1, 30):04d}"
        people.append(
            IdentityRecord(
                id=f"{prefix}{number}",
                name=f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {rng.choice(LAST)}",
                birth_date=born,
                sex=sex,
                nik=nik,
            )
        )
    return people


def _year_typo(record: IdentityRecord, rng: random.Random) -> IdentityRecord:
    assert record.birth_date is not None
    year = record.birth_date.year + rng.choice((-1, 1))
    return dataclasses.replace(record, birth_date=record.birth_date.replace(year=year))


def _screenings(
    listed: list[IdentityRecord], count: int, year_typo_share: float, seed: int
) -> list[IdentityRecord]:
    """Half copies of listed people (``year_typo_share`` of them with the birth year one
    off, the NIK left out), half people who are not listed."""
    rng = random.Random(seed)
    made = []
    for number, person in enumerate(rng.sample(listed, count // 2)):
        copy = dataclasses.replace(person, id=f"q{number}")
        if rng.random() < year_typo_share:
            copy = dataclasses.replace(_year_typo(copy, rng), nik=None)
        made.append(copy)
    made.extend(_people(count - count // 2, rng, "stranger"))
    return made


def _vectors(
    count: int, shares: dict[str, dict[Level, float]], rng: random.Random
) -> list[list[Level]]:
    """Level vectors drawn feature by feature (features not in ``shares`` are missing)."""
    vectors = []
    for _ in range(count):
        vector = []
        for name in FEATURE_NAMES:
            distribution = shares.get(name)
            if distribution is None:
                vector.append(Level.MISSING)
            else:
                vector.append(rng.choices(list(distribution), list(distribution.values()))[0])
        vectors.append(vector)
    return vectors


def test_em_recovers_known_m_from_unlabelled_pairs() -> None:
    # given: 1,500 same-person pairs and 15,000 different-people pairs, unlabelled and shuffled
    rng = random.Random(7)
    same = {
        "name_matches": {Level.EXACT: 0.6, Level.STRONG: 0.2, Level.GOOD: 0.1,
                         Level.CONTAINED: 0.05, Level.UNRELATED: 0.05},
        "birth_date_matches": {Level.EXACT: 0.7, Level.YEAR_TYPO: 0.25, Level.DIFFERENT: 0.05},
        "sex_matches": {Level.EXACT: 0.98, Level.DIFFERENT: 0.02},
        "nik_matches": {Level.EXACT: 0.9, Level.ONE_CHARACTER_OFF: 0.05, Level.DIFFERENT: 0.05},
    }  # fmt: skip
    different = {
        "name_matches": {Level.EXACT: 0.3, Level.STRONG: 0.05, Level.UNRELATED: 0.65},
        "birth_date_matches": {Level.EXACT: 0.08, Level.YEAR_ONLY: 0.1, Level.DIFFERENT: 0.82},
        "sex_matches": {Level.EXACT: 0.5, Level.DIFFERENT: 0.5},
        "nik_matches": {Level.SERIAL_ONLY: 0.05, Level.DIFFERENT: 0.95},
    }
    pairs = _vectors(1_500, same, rng) + _vectors(15_000, different, rng)
    rng.shuffle(pairs)

    # when
    estimate = estimate_parameters_em(pairs)

    # then: both sessions found the same-person pairs and their m
    assert all(session.estimated for session in estimate.sessions)
    levels = estimate.parameters.levels
    assert levels["birth_date_matches"][Level.YEAR_TYPO].m == pytest.approx(0.25, abs=0.03)
    assert levels["birth_date_matches"][Level.EXACT].m == pytest.approx(0.7, abs=0.03)
    assert levels["nik_matches"][Level.EXACT].m == pytest.approx(0.9, abs=0.03)
    assert levels["name_matches"][Level.STRONG].m == pytest.approx(0.2, abs=0.04)
    assert levels["name_matches"][Level.UNRELATED].m == pytest.approx(0.05, abs=0.03)
    name_session = estimate.sessions[0]
    assert name_session.expected_matches == pytest.approx(1_500 * 0.95, rel=0.05)
    # u is not taken from the candidate pairs: without random pairs it keeps the default
    assert (
        levels["name_matches"][Level.EXACT].u
        == DEFAULT_PARAMETERS.levels["name_matches"][Level.EXACT].u
    )


def test_em_keeps_the_starting_m_when_the_pairs_hold_too_few_matches() -> None:
    # given: 30 same-person pairs among 5,000
    rng = random.Random(8)
    same = {
        "name_matches": {Level.EXACT: 1.0},
        "birth_date_matches": {Level.YEAR_TYPO: 1.0},
        "nik_matches": {Level.EXACT: 1.0},
    }
    different = {
        "name_matches": {Level.EXACT: 0.5, Level.UNRELATED: 0.5},
        "birth_date_matches": {Level.DIFFERENT: 1.0},
        "nik_matches": {Level.DIFFERENT: 1.0},
    }

    # when
    estimate = estimate_parameters_em(_vectors(30, same, rng) + _vectors(5_000, different, rng))

    # then
    assert not estimate.estimated_m
    for name, levels in estimate.parameters.levels.items():
        for level, parameters in levels.items():
            assert parameters.m == pytest.approx(DEFAULT_PARAMETERS.levels[name][level].m)


def test_index_fits_m_on_unlabelled_screenings_and_a_year_typo_then_weighs_more() -> None:
    # given: a list of 3,000 people (below the size fitted at build) and 2,000 unlabelled
    # screenings in which 40 % of the listed people come with the birth year one off
    rng = random.Random(9)
    listed = _people(3_000, rng, "w")
    index = ScreeningIndex(listed)
    assert index.parameter_fit is None
    assert index.parameters is DEFAULT_PARAMETERS
    screenings = _screenings(listed, 2_000, year_typo_share=0.4, seed=10)
    person = listed[0]
    query = dataclasses.replace(_year_typo(person, rng), id="probe", nik=None)
    before = compare_identities(query, person).match_weight

    # when
    estimate = index.fit_parameters(screenings)

    # then: the m of a year typo follows the screenings (0.018 by default)
    assert estimate.sessions[0].estimated
    year_typo = index.parameters.levels["birth_date_matches"][Level.YEAR_TYPO]
    assert year_typo.m == pytest.approx(0.4, abs=0.08)
    (hit,) = index.search(query, top=1)
    assert hit.entry_id == person.id
    after = compare_identities(query, person, parameters=index.parameters).match_weight
    assert after > before + 3
    date = next(r for r in hit.comparison.features if r.feature == "birth_date_matches")
    assert date.level is Level.YEAR_TYPO
    assert "salah ketik" in date.detail_id


def test_a_list_without_duplicates_keeps_the_starting_m_and_counts_u_on_itself() -> None:
    # given
    listed = _people(FIT_MINIMUM_ENTRIES, random.Random(11), "w")

    # when: built at the size that is fitted
    index = ScreeningIndex(listed)

    # then: its own entries show no two records of one person, so m stays the default
    fit = index.parameter_fit
    assert fit is not None
    assert not fit.estimated_m
    for name, levels in index.parameters.levels.items():
        for level, parameters in levels.items():
            assert parameters.m == pytest.approx(DEFAULT_PARAMETERS.levels[name][level].m)
    # u of the sex is counted on random pairs of the list: about one half
    assert fit.random_pairs > 0
    assert index.parameters.levels["sex_matches"][Level.EXACT].u == pytest.approx(0.5, abs=0.03)


def test_a_list_holding_people_twice_teaches_m_at_build_and_keeps_it_in_its_file(
    tmp_path: object,
) -> None:
    # given: a list where 1,200 people are recorded a second time with the year one off
    rng = random.Random(12)
    people = _people(FIT_MINIMUM_ENTRIES, rng, "w")
    again = [
        dataclasses.replace(_year_typo(person, rng), id=f"again{number}", nik=None)
        for number, person in enumerate(people[:1_200])
    ]

    # when
    index = ScreeningIndex([*people, *again])

    # then: the build found them and fitted m on them
    fit = index.parameter_fit
    assert fit is not None
    assert fit.sessions[0].estimated
    year_typo_m = index.parameters.levels["birth_date_matches"][Level.YEAR_TYPO].m
    assert year_typo_m > 0.1

    # and the fitted parameters are saved with the index
    path = f"{tmp_path}/index.npz"
    index.save(path)
    loaded = ScreeningIndex.load(path)
    assert loaded.parameters.levels["birth_date_matches"][Level.YEAR_TYPO].m == pytest.approx(
        year_typo_m
    )
    assert loaded.parameter_fit is None  # loading does not fit again


def _csv(path: Path, records: list[IdentityRecord]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "birth_date", "sex", "nik"])
        for record in records:
            born = record.birth_date.isoformat() if record.birth_date else ""
            writer.writerow([record.id, record.name, born, record.sex, record.nik or ""])
    return path


def test_benteng_screen_fits_on_the_list_and_the_people_screened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: a list at the fitted size and a file of screenings where half the listed people
    # come with the birth year one off
    listed = _people(FIT_MINIMUM_ENTRIES, random.Random(13), "w")
    watchlist = _csv(tmp_path / "watchlist.csv", listed)
    queries = _csv(tmp_path / "queries.csv", _screenings(listed, 1_000, 0.5, seed=14))
    arguments = ["screen", "--watchlist", str(watchlist), "--input", str(queries)]
    arguments += ["--no-progress", "--output"]

    # when
    fitted = cli.main([*arguments, str(tmp_path / "fitted.csv")])
    fitted_log = capsys.readouterr().err
    plain = cli.main([*arguments, str(tmp_path / "plain.csv"), "--no-fit"])
    plain_log = capsys.readouterr().err

    # then: the fit is reported, and a year typo weighs more with it than without
    assert fitted == plain == 0
    assert "parameter diperkirakan dari daftar pantauan dan 1,000 orang" in fitted_log
    assert "m dan u" in fitted_log
    assert "parameter diperkirakan" not in plain_log

    def year_typo_bits(path: Path) -> list[str]:
        with path.open(encoding="utf-8", newline="") as handle:
            return sorted(
                row["reasons"].split("salah ketik?) [")[1].split(" bit")[0]
                for row in csv.DictReader(handle)
                if "Tanggal lahir sama kecuali tahun" in row["reasons"]
            )

    fitted_bits = {float(value) for value in year_typo_bits(tmp_path / "fitted.csv")}
    plain_bits = {float(value) for value in year_typo_bits(tmp_path / "plain.csv")}
    assert len(fitted_bits) == len(plain_bits) == 1
    assert fitted_bits.pop() > plain_bits.pop() + 3


def test_em_weighs_a_one_word_name_by_the_side_that_gave_it() -> None:
    # given: the people sought often give one word of their listed full name, while listed
    # one-word names found inside the full name of someone screened are mostly other people
    rng = random.Random(9)
    same = {
        "name_matches": {Level.EXACT: 0.7, Level.STRONG: 0.1, Level.CONTAINED: 0.2},
        "birth_date_matches": {Level.EXACT: 0.9, Level.YEAR_TYPO: 0.1},
        "sex_matches": {Level.EXACT: 1.0},
        "nik_matches": {Level.EXACT: 0.5, Level.DIFFERENT: 0.5},
    }
    different = {
        "name_matches": {Level.EXACT: 0.2, Level.CONTAINS: 0.2, Level.UNRELATED: 0.6},
        "birth_date_matches": {Level.EXACT: 0.1, Level.YEAR_ONLY: 0.1, Level.DIFFERENT: 0.8},
        "sex_matches": {Level.EXACT: 0.5, Level.DIFFERENT: 0.5},
        "nik_matches": {Level.SERIAL_ONLY: 0.1, Level.DIFFERENT: 0.9},
    }
    pairs = _vectors(1_500, same, rng) + _vectors(15_000, different, rng)
    rng.shuffle(pairs)

    # when
    levels = estimate_parameters_em(pairs).parameters.levels["name_matches"]

    # then: the two directions get their own m, far apart
    assert levels[Level.CONTAINED].m == pytest.approx(0.2, abs=0.04)
    assert levels[Level.CONTAINS].m < 0.02
