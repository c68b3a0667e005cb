"""Screening index: search, changes without rebuild, persistence, caps, concurrency."""

from __future__ import annotations

import dataclasses
import datetime
import random
import threading
from pathlib import Path

import pytest

from benteng.core.compare import (
    DEFAULT_PARAMETERS,
    ComparisonParameters,
    Level,
    LevelParameters,
    compare_prepared,
    prepare_identity,
)
from benteng.core.index import DEFAULT_THRESHOLD, KeyKind, ScreeningIndex
from benteng.core.records import IdentityRecord
from benteng.core.synthetic import generate_identities


@pytest.fixture(scope="module")
def people() -> tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]]:
    return generate_identities(3_000, seed=41)


@pytest.fixture(scope="module")
def index(
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> ScreeningIndex:
    canonical, _variants, _truth = people
    return ScreeningIndex(canonical)


ANI = IdentityRecord(
    id="w-ani",
    name="Ani Suryani binti Karta",
    birth_date=datetime.date(1994, 3, 12),
    sex="P",
    nik="3602015203940004",
    birth_place="Lebak",
    phone="6285712345678",
)


def test_finds_the_true_entry_among_the_top_ten_for_corrupted_queries(
    index: ScreeningIndex,
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> None:
    # given
    _canonical, variants, truth = people

    # when
    found = sum(
        any(candidate.entry_id == truth[query.id] for candidate in index.search(query, top=10))
        for query in variants[:1_000]
    )
    first = sum(
        (results := index.search(query, top=1)) != [] and results[0].entry_id == truth[query.id]
        for query in variants[:1_000]
    )

    # then
    assert found / 1_000 >= 0.98
    assert first / 1_000 >= 0.95


def test_results_are_sorted_bounded_and_explained(
    index: ScreeningIndex,
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> None:
    _canonical, variants, _truth = people
    for query in variants[:50]:
        results = index.search(query, top=5)
        assert len(results) <= 5
        weights = [candidate.comparison.match_weight for candidate in results]
        assert weights == sorted(weights, reverse=True)
        for candidate in results:
            assert candidate.score == candidate.comparison.score
            assert len(candidate.comparison.features) > 0


def test_threshold_keeps_only_candidates_at_or_above_it(
    index: ScreeningIndex,
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> None:
    _canonical, variants, _truth = people
    for query in variants[:50]:
        everything = index.search(query, top=10)
        above = index.search(query, top=10, threshold=DEFAULT_THRESHOLD)
        assert [c.entry_id for c in above] == [
            c.entry_id for c in everything if c.score >= DEFAULT_THRESHOLD
        ]


def test_a_stranger_scores_below_the_default_threshold(index: ScreeningIndex) -> None:
    stranger = IdentityRecord(
        id="q",
        name="Xylona Qwertyuiop",
        birth_date=datetime.date(1931, 2, 3),
        nik="3601010302310009",
    )
    assert index.search(stranger, threshold=DEFAULT_THRESHOLD) == []


def test_top_zero_returns_nothing(index: ScreeningIndex) -> None:
    assert index.search(ANI, top=0) == []


def test_empty_index_finds_nothing() -> None:
    assert ScreeningIndex().search(ANI) == []
    assert len(ScreeningIndex()) == 0


def test_exact_nik_finds_the_entry_despite_another_name_spelling() -> None:
    # given
    index = ScreeningIndex([ANI, dataclasses.replace(ANI, id="w-other", nik=None, name="Ani")])
    query = IdentityRecord(id="q", name="ANY SURIANI", nik="3602015203940004")

    # when
    results = index.search(query)

    # then
    assert results[0].entry_id == "w-ani"
    assert results[0].score > 0.99


def test_swapped_day_and_month_still_finds_the_entry(
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> None:
    # given: an entry found only through name and birth date
    canonical, _variants, _truth = people
    index = ScreeningIndex(canonical)
    entry = next(
        r
        for r in canonical
        if r.birth_date is not None
        and r.birth_date.day <= 12
        and r.birth_date.day != r.birth_date.month
    )
    assert entry.birth_date is not None
    swapped = entry.birth_date.replace(day=entry.birth_date.month, month=entry.birth_date.day)
    query = IdentityRecord(id="q", name=entry.name, birth_date=swapped, sex=entry.sex)

    # when
    results = index.search(query, top=3)

    # then
    assert results[0].entry_id == entry.id


def test_common_name_parts_do_not_flood_the_candidates() -> None:
    # given: 4,000 women called Siti something, and one Siti Aminah born 1990-05-07
    entries = [
        IdentityRecord(
            id=f"w{index}",
            name=f"Siti Nama{index:04d}",
            birth_date=datetime.date(1960 + index % 40, 1 + index % 12, 1 + index % 28),
            sex="P",
        )
        for index in range(4_000)
    ]
    entries.append(
        IdentityRecord(
            id="target", name="Siti Aminah", birth_date=datetime.date(1990, 5, 7), sex="P"
        )
    )
    index = ScreeningIndex(entries)

    # when
    query = IdentityRecord(id="q", name="Sity Aminah", birth_date=datetime.date(1990, 5, 7))
    prepared_slots = index._candidates(prepare_identity(query))[0]
    results = index.search(query, top=3)

    # then: "siti" alone is too common to be a key, the candidates stay few
    assert len(prepared_slots) < 500
    assert results[0].entry_id == "target"


def test_add_update_remove_without_rebuild() -> None:
    # given
    index = ScreeningIndex([ANI])
    budi = IdentityRecord(
        id="w-budi", name="Budi Santoso", birth_date=datetime.date(1980, 1, 2), sex="L"
    )
    query_budi = IdentityRecord(id="q", name="Budi Santosa", birth_date=datetime.date(1980, 1, 2))

    # when: add
    index.add(budi)
    # then
    assert "w-budi" in index
    assert len(index) == 2
    assert index.search(query_budi)[0].entry_id == "w-budi"

    # when: update the same id with a new birth date
    index.update(dataclasses.replace(budi, birth_date=datetime.date(1981, 6, 30)))
    # then: the new version is scored, the old one is gone, the id appears once
    results = index.search(
        IdentityRecord(id="q", name="Budi Santoso", birth_date=datetime.date(1981, 6, 30))
    )
    assert [c.entry_id for c in results].count("w-budi") == 1
    birth = next(r for r in results[0].comparison.features if r.feature == "birth_date_matches")
    assert birth.level == "exact"
    assert len(index) == 2

    # when: remove
    index.remove("w-budi")
    # then
    assert "w-budi" not in index
    assert all(c.entry_id != "w-budi" for c in index.search(query_budi))
    assert len(index) == 1


def test_change_errors() -> None:
    index = ScreeningIndex([ANI])
    with pytest.raises(ValueError, match="already"):
        index.add(ANI)
    with pytest.raises(KeyError):
        index.update(dataclasses.replace(ANI, id="nobody"))
    with pytest.raises(KeyError):
        index.remove("nobody")
    with pytest.raises(ValueError, match="duplicate"):
        ScreeningIndex([ANI, ANI])
    with pytest.raises(ValueError, match="NUL"):
        ScreeningIndex([dataclasses.replace(ANI, id="bad\x00id")])


def test_compact_keeps_the_answers(
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> None:
    # given: an index with changes in its overlay
    canonical, variants, _truth = people
    index = ScreeningIndex(canonical[:1_500])
    for record in canonical[1_500:2_000]:
        index.add(record)
    for record in canonical[:100]:
        index.remove(record.id)
    before = [[c.entry_id for c in index.search(q)] for q in variants[:200]]

    # when
    index.compact()

    # then
    after = [[c.entry_id for c in index.search(q)] for q in variants[:200]]
    assert after == before
    assert index._postings.overlay == {}


def test_save_and_load_give_the_same_answers(
    tmp_path: Path,
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> None:
    # given
    canonical, variants, _truth = people
    index = ScreeningIndex(canonical[:2_000])
    index.add(ANI)
    index.remove(canonical[0].id)
    path = tmp_path / "watchlist.npz"

    # when
    index.save(path)
    loaded = ScreeningIndex.load(path)

    # then
    assert len(loaded) == len(index)
    assert canonical[0].id not in loaded
    for query in [*variants[:100], ANI]:
        assert [(c.entry_id, round(c.score, 9)) for c in loaded.search(query)] == [
            (c.entry_id, round(c.score, 9)) for c in index.search(query)
        ]
    # the loaded index can still change
    loaded.add(dataclasses.replace(ANI, id="w-ani-2"))
    assert "w-ani-2" in loaded
    assert loaded.parameters == DEFAULT_PARAMETERS


def test_a_small_index_keeps_every_name_code_and_frequency_when_saved(tmp_path: Path) -> None:
    # given: fewer entries than distinct name sounds (each name has several parts)
    people = [
        IdentityRecord(id="w1", name="Siti Nurhaliza Binti Ahmad Fauzi Rahman"),
        IdentityRecord(id="w2", name="Bambang Sutrisno Wibowo Hadi Kusumo"),
    ]
    index = ScreeningIndex(people)
    assert len(index._codes) > len(index)
    path = tmp_path / "small.npz"
    # when
    index.save(path)
    loaded = ScreeningIndex.load(path)
    # then: the codes the postings name, and the name frequencies, come back as they were
    assert loaded._codes == index._codes
    assert loaded._name_counts == index._name_counts
    assert loaded._sound_counts == index._sound_counts
    assert loaded._name_part_counts == index._name_part_counts
    query = IdentityRecord(id="q", name="Bambang Wibowo")
    assert [c.entry_id for c in loaded.search(query, threshold=0.001)] == [
        c.entry_id for c in index.search(query, threshold=0.001)
    ]
    assert loaded.name_share("bambang sutrisno wibowo hadi kusumo") == index.name_share(
        "bambang sutrisno wibowo hadi kusumo"
    )


def test_a_file_written_before_the_counts_were_kept_still_loads(tmp_path: Path) -> None:
    import numpy as np

    # given: an index file without the name counts (as written before they were kept)
    people = [
        IdentityRecord(id="w1", name="Siti Nurhaliza"),
        IdentityRecord(id="w2", name="Siti Aminah"),
    ]
    index = ScreeningIndex(people)
    path = tmp_path / "index.npz"
    index.save(path)
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files if "count" not in name}
    older = tmp_path / "older.npz"
    np.savez(older, **arrays)
    # when
    loaded = ScreeningIndex.load(older)
    # then: the counts are made again from the names
    assert loaded._name_counts == index._name_counts
    assert loaded._sound_counts == index._sound_counts
    assert loaded._name_part_counts == index._name_part_counts
    assert loaded._name_part_counts["siti"] == 2


def test_load_rejects_other_files(tmp_path: Path) -> None:
    import numpy as np

    path = tmp_path / "other.npz"
    np.savez(path, something=np.zeros(3))
    with pytest.raises(ValueError, match="not a"):
        ScreeningIndex.load(path)


def test_empty_index_saves_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "empty.npz"
    ScreeningIndex().save(path)
    loaded = ScreeningIndex.load(path)
    assert len(loaded) == 0
    loaded.add(ANI)
    assert loaded.search(ANI)[0].entry_id == ANI.id


def test_key_kinds_fit_in_four_bits() -> None:
    assert max(KeyKind) < 16


def test_concurrent_readers_with_one_writer(
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> None:
    # given
    canonical, variants, truth = people
    index = ScreeningIndex(canonical[:1_000])
    errors: list[BaseException] = []
    stop = threading.Event()
    queries = [v for v in variants if truth[v.id] in {r.id for r in canonical[:500]}][:100]

    def reader() -> None:
        try:
            while not stop.is_set():
                for query in queries:
                    results = index.search(query)
                    ids = [c.entry_id for c in results]
                    assert len(ids) == len(set(ids))
        except BaseException as error:
            errors.append(error)

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()

    # when: one writer adds, updates and removes while the readers search
    for record in canonical[1_000:1_600]:
        index.add(record)
    for record in canonical[1_000:1_300]:
        index.update(dataclasses.replace(record, phone=None))
    for record in canonical[1_300:1_600]:
        index.remove(record.id)
    index.compact()
    stop.set()
    for thread in readers:
        thread.join()

    # then
    assert errors == []
    assert len(index) == 1_300
    found = sum(any(c.entry_id == truth[q.id] for c in index.search(q)) for q in queries)
    assert found >= 98


# -- the bound that spares candidates the full comparison ------------------------------------

DIGITS = "0123456789"


def _one_character_off(text: str, generator: random.Random) -> str:
    """``text`` with one character replaced, dropped or added, or two neighbours swapped."""
    position = generator.randrange(len(text))
    change = generator.randrange(4)
    if change == 0:
        return text[:position] + generator.choice(DIGITS) + text[position + 1 :]
    if change == 1 and len(text) > 1:
        return text[:position] + text[position + 1 :]
    if change == 2:
        return text[:position] + generator.choice(DIGITS) + text[position:]
    if position < len(text) - 1:
        return text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    return text


def _varied(record: IdentityRecord, new_id: str, generator: random.Random) -> IdentityRecord:
    """``record`` with each field kept, dropped or changed in one of the ways its feature
    tells apart (every level of every feature, and the NIK held by one side only)."""
    pick = generator.choice
    birth = record.birth_date
    if birth is not None:
        day_month_swapped = (
            birth.replace(day=birth.month, month=birth.day) if birth.day <= 12 else birth
        )
        birth = pick(
            [
                birth,
                None,
                day_month_swapped,
                birth + datetime.timedelta(days=1),  # mostly one digit apart
                birth.replace(day=1, month=1 if birth.month > 6 else 12),  # same year
                datetime.date(1950 + generator.randrange(50), 3, 4),
            ]
        )
    nik = record.nik
    if nik is not None:
        stranger = "".join(generator.choice(DIGITS) for _ in range(16))
        nik = pick(
            [nik, None, _one_character_off(nik, generator), stranger, nik[:15], "0" + nik[1:]]
        )
    passport = record.passport_no
    if passport is not None:
        passport = pick([passport, None, _one_character_off(passport, generator), "X9999999"])
    phone = record.phone
    if phone is not None:
        phone = pick([phone, None, _one_character_off(phone, generator), "0" + phone[2:], "6281"])
    place = record.birth_place
    if place is not None:
        place = pick([place, None, place + "a", "Kota " + place, "Ambon"])
    address = record.address
    if address is not None:
        address = pick([address, None, address + " 2", address.upper(), "Jl. Lain No. 1, Ambon"])
    sex = pick([record.sex, None, "P" if record.sex == "L" else "L"])
    name = pick([record.name, record.name, record.name.upper(), record.name + " bin Ahmad", ""])
    return IdentityRecord(
        id=new_id,
        name=name,
        birth_date=birth,
        sex=sex,
        nik=nik,
        birth_place=place,
        passport_no=passport,
        address=address,
        phone=phone,
    )


def _odd_parameters() -> ComparisonParameters:
    """Parameters no benchmark would choose: every name level weighs less than nothing, and
    a missing field weighs something (the bound must hold for any parameters)."""
    levels = {feature: dict(values) for feature, values in DEFAULT_PARAMETERS.levels.items()}
    levels["name_matches"] = {
        level: LevelParameters(m=0.1, u=0.9 - 0.1 * rank)
        for rank, level in enumerate(levels["name_matches"])
    }
    for feature in ("birth_date_matches", "phone_matches", "nik_matches_birth_date"):
        levels[feature][Level.MISSING] = LevelParameters(m=0.5, u=0.25)
    return ComparisonParameters(prior_match_weight=-5.0, levels=levels)


@pytest.fixture(scope="module")
def varied_people(
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> tuple[list[IdentityRecord], list[IdentityRecord]]:
    """Entries (half of them varied, so entries miss fields too) and varied queries; and
    people whose NIK only one side gives, the other side stating the birth date (the NIK's
    birth date and sex against the stated ones, agreeing or not)."""
    canonical, _variants, _truth = people
    generator = random.Random(20261205)
    entries = [
        *canonical[:600],
        *(_varied(record, f"e{n}", generator) for n, record in enumerate(canonical[600:1_200])),
    ]
    queries = [
        _varied(record, f"q{n}", generator)
        for n, record in enumerate(canonical[:400] + canonical[600:800] + canonical[2_000:2_200])
    ]
    for n, record in enumerate(canonical[1_200:1_400]):
        other_sex = "P" if record.sex == "L" else "L"
        sex = [record.sex, other_sex, None][n % 3]
        birth = record.birth_date if n % 4 else datetime.date(1950, 3, 4)
        if n < 100:  # the query holds the NIK, the entry states the birth date
            entries.append(
                dataclasses.replace(record, id=f"h{n}", nik=None, sex=sex, birth_date=birth)
            )
            queries.append(dataclasses.replace(record, id=f"qh{n}", birth_date=None))
        else:  # the entry holds the NIK, the query states the birth date
            entries.append(dataclasses.replace(record, id=f"h{n}", birth_date=None))
            queries.append(
                dataclasses.replace(record, id=f"qh{n}", nik=None, sex=sex, birth_date=birth)
            )
    return entries, queries


@pytest.mark.parametrize(
    "parameters", [DEFAULT_PARAMETERS, _odd_parameters()], ids=["default", "odd"]
)
def test_the_bound_is_the_full_weight_with_the_best_name_weight(
    varied_people: tuple[list[IdentityRecord], list[IdentityRecord]],
    parameters: ComparisonParameters,
) -> None:
    # given every candidate of every varied query
    entries, queries = varied_people
    index = ScreeningIndex(entries, parameters=parameters)
    name_weights = parameters.level_weights
    name_best = max(name_weights.get(("name_matches", level), 0.0) for level in Level)
    levels_seen: set[tuple[str, Level]] = set()
    pairs = 0
    for query in queries:
        prepared = prepare_identity(query)
        slots = index._candidates(prepared)[0]
        # when the bound and the full comparison judge each one
        bounds = index._weight_bounds(prepared, slots)
        for bound, entry in zip(bounds, index._prepared_entries(slots.tolist()), strict=True):
            comparison = compare_prepared(prepared, entry, parameters=parameters)
            name = comparison.features[0]
            assert name.feature == "name_matches"
            # then they agree on everything but the name, which the bound takes at its best
            assert bound - name_best == pytest.approx(
                comparison.match_weight - name.weight, abs=1e-9
            )
            assert bound >= comparison.match_weight - 1e-9
            levels_seen.update((result.feature, result.level) for result in comparison.features)
            pairs += 1
    # and the queries showed every level of every feature the bound decides
    decided = {
        (feature, level)
        for feature, feature_levels in DEFAULT_PARAMETERS.levels.items()
        if feature != "name_matches"
        for level in feature_levels
    }
    assert decided <= levels_seen, decided - levels_seen
    assert pairs > 10_000


def test_pruning_by_the_bound_gives_the_same_results(
    varied_people: tuple[list[IdentityRecord], list[IdentityRecord]],
) -> None:
    # given the same index searched with and without the bound
    entries, queries = varied_people
    index = ScreeningIndex(entries)
    for threshold in (0.001, DEFAULT_THRESHOLD, 0.99):
        for top in (1, 20):
            # when
            index.bound_pruning = True
            pruned = [index.search(query, top=top, threshold=threshold) for query in queries]
            index.bound_pruning = False
            full = [index.search(query, top=top, threshold=threshold) for query in queries]
            # then: the same candidates, scores and explanations
            assert pruned == full, (threshold, top)
    assert sum(len(found) for found in full) > 100


def test_a_prepared_record_is_searched_and_added_as_the_record(
    people: tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]],
) -> None:
    # given two indexes of the same entries, one fed prepared records
    canonical, variants, _truth = people
    plain = ScreeningIndex(canonical[:500])
    fed = ScreeningIndex(canonical[:500])
    for record in canonical[500:600]:
        plain.add(record)
        fed.add(prepare_identity(record))
    for record in canonical[500:520]:
        changed = dataclasses.replace(record, phone=None)
        plain.update(changed)
        fed.update(prepare_identity(changed))
    # when / then: a prepared query gives what the record gives
    for query in variants[:300]:
        expected = plain.search(query, threshold=0.01)
        assert fed.search(prepare_identity(query), threshold=0.01) == expected
        assert fed.search(query, threshold=0.01) == expected
