"""The watchlist part's parameters are estimated at each build, on the newest screenings
(unlabelled), before the store answers any search."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone

from benteng.core.compare import DEFAULT_PARAMETERS, Level
from benteng.core.records import IdentityRecord
from benteng.core.synthetic import generate_identities
from benteng.people.index import screening_index_reset
from benteng.people.sources import WATCHLIST
from benteng.people.store import IndexStore, StoreSettings, recent_screenings
from tests.people.test_index import make_application, make_check, make_entry, watchlist

__all__ = ["watchlist"]  # the fixture, imported for the tests below

# Small thresholds so a test list can be fitted (the defaults: 5,000 entries, 500 screenings).
SMALL = StoreSettings(fit_minimum_entries=200, fit_minimum_screenings=150, fit_sample=2_000)


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


def _year_mistyped(record: IdentityRecord) -> IdentityRecord:
    """The same person with the birth year one off, as a clerk mistypes it."""
    assert record.birth_date is not None
    born = record.birth_date
    day = min(born.day, 28) if born.month == 2 else born.day
    return dataclasses.replace(record, birth_date=datetime.date(born.year + 1, born.month, day))


@pytest.fixture
def listed_people(watchlist) -> list[IdentityRecord]:  # type: ignore[no-untyped-def]
    canonical, _variants, _truth = generate_identities(300, seed=21)
    people = [record for record in canonical if record.birth_date is not None][:250]
    for record in people:
        make_entry(watchlist, record)
    return people


def _year_m(store: IndexStore) -> float:
    return store.parts[WATCHLIST].parameters.levels["birth_date_matches"][Level.YEAR_TYPO].m


def test_a_build_with_enough_screenings_fits_the_watchlist_on_them(listed_people) -> None:  # type: ignore[no-untyped-def]
    # given 200 screenings of listed people, half of them with the birth year mistyped
    for number, record in enumerate(listed_people[:200]):
        make_application(_year_mistyped(record) if number % 2 else record)
    # when the store is built
    store = IndexStore.from_database(store_settings=SMALL)
    # then the EM learnt from them how often a year is mistyped (the default says 1.8 %)
    fit = store.parameter_fit
    assert (fit.source, fit.screenings, fit.estimated_m) == ("screenings", 200, True)
    default_m = DEFAULT_PARAMETERS.levels["birth_date_matches"][Level.YEAR_TYPO].m
    assert default_m < 0.02
    assert _year_m(store) > 0.2
    # and a listed person screened with a mistyped year now weighs more than with the defaults
    query = _year_mistyped(listed_people[220])
    fitted = store.search(WATCHLIST, query, top=1, threshold=None)[0]
    unfitted = IndexStore.from_database(
        store_settings=dataclasses.replace(SMALL, fit_minimum_entries=10_000)
    ).search(WATCHLIST, query, top=1, threshold=None)[0]
    assert fitted.ref == unfitted.ref
    assert fitted.comparison.match_weight > unfitted.comparison.match_weight + 3


def test_newest_screenings_of_every_source_are_read_in_turn(listed_people) -> None:  # type: ignore[no-untyped-def]
    applications = [make_application(record) for record in listed_people[:5]]
    checks = [make_check(record) for record in listed_people[5:8]]
    # when four are asked for
    records = recent_screenings(timezone.localdate(), 4)
    # then the newest application, the newest check, then the next of each
    names = [record.name for record in records]
    assert names == [
        applications[4].full_name,
        checks[2].full_name,
        applications[3].full_name,
        checks[1].full_name,
    ]


def test_too_few_screenings_keep_the_build_time_fit_on_the_list(listed_people) -> None:  # type: ignore[no-untyped-def]
    # given a handful of screenings
    for record in listed_people[:20]:
        make_application(_year_mistyped(record))
    # when the store is built
    store = IndexStore.from_database(store_settings=SMALL)
    # then the list's own entries were fitted on (a list without duplicates teaches no m)
    fit = store.parameter_fit
    assert (fit.source, fit.screenings, fit.estimated_m) == ("list", 0, False)
    assert _year_m(store) == DEFAULT_PARAMETERS.levels["birth_date_matches"][Level.YEAR_TYPO].m


def test_a_small_list_keeps_the_default_parameters(listed_people) -> None:  # type: ignore[no-untyped-def]
    for record in listed_people[:200]:
        make_application(_year_mistyped(record))
    # when the list is below the minimum size
    store = IndexStore.from_database(
        store_settings=dataclasses.replace(SMALL, fit_minimum_entries=251)
    )
    # then nothing is fitted
    assert store.parameter_fit.source == "defaults"
    assert store.parts[WATCHLIST].parameters is DEFAULT_PARAMETERS


def test_the_snapshot_keeps_the_fitted_parameters(listed_people, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for number, record in enumerate(listed_people[:200]):
        make_application(_year_mistyped(record) if number % 2 else record)
    built = IndexStore.from_database(store_settings=SMALL)
    built.save_snapshot(tmp_path)
    # when the service starts from the snapshot
    loaded = IndexStore.from_snapshot(tmp_path)
    # then it screens with the parameters fitted at the build, and says where they came from
    assert loaded is not None
    assert loaded.parts[WATCHLIST].parameters == built.parts[WATCHLIST].parameters
    assert loaded.parameter_fit == built.parameter_fit
