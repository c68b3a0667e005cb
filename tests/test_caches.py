"""The per-process cache helper: one way of going stale, and one reset for all."""

from __future__ import annotations

import threading
from collections.abc import Hashable

import pytest

from benteng import caches
from benteng.caches import Cached, ProcessCache, ProcessCacheByKey


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(caches.time, "monotonic", clock)
    return clock


class Source:
    """A value "in the database", with a stamp that moves when it changes, and the reads."""

    def __init__(self) -> None:
        self.value = 1
        self.stamp = 1
        self.loads = 0
        self.stamps = 0

    def load(self) -> int:
        self.loads += 1
        return self.value

    def read_stamp(self) -> Hashable:
        self.stamps += 1
        return self.stamp

    def change(self, value: int) -> None:
        self.value = value
        self.stamp += 1


def test_a_value_is_trusted_for_its_max_age_then_read_again(clock: Clock) -> None:
    # given
    source = Source()
    cache = ProcessCache("test", source.load, max_age=5)
    assert cache.get() == 1
    source.change(2)
    # when / then: within the age, the kept value without a read
    clock.now += 4.9
    assert (cache.get(), source.loads) == (1, 1)
    # after it: read again
    clock.now += 0.2
    assert (cache.get(), source.loads) == (2, 2)


def test_with_a_stamp_an_unchanged_stamp_costs_no_reload(clock: Clock) -> None:
    # given
    source = Source()
    cache = ProcessCache("test", source.load, max_age=1, stamp=source.read_stamp)
    assert cache.get() == 1
    # when: the age passes without a change
    clock.now += 2
    assert cache.get() == 1
    # then: one stamp read, no second load; and trusted again for the age
    assert (source.loads, source.stamps) == (1, 2)
    assert cache.get() == 1
    assert source.stamps == 2
    # a change of the stamp reloads
    source.change(3)
    clock.now += 2
    assert (cache.get(), source.loads) == (3, 2)


def test_with_a_stamp_and_no_age_the_stamp_is_checked_at_every_call() -> None:
    source = Source()
    cache = ProcessCache("test", source.load, max_age=0, stamp=source.read_stamp)
    assert [cache.get(), cache.get(), cache.get()] == [1, 1, 1]
    assert (source.loads, source.stamps) == (1, 3)


def test_without_a_stamp_and_no_age_nothing_is_kept() -> None:
    source = Source()
    cache = ProcessCache("test", source.load, max_age=0)
    cache.get()
    cache.get()
    assert source.loads == 2


def test_a_clear_in_this_process_applies_at_once(clock: Clock) -> None:
    source = Source()
    cache = ProcessCache("test", source.load, max_age=300)
    assert cache.get() == 1
    source.change(2)
    cache.clear()
    assert cache.get() == 2


def test_an_incremental_update_gets_the_previous_value_and_stamp(clock: Clock) -> None:
    # given: a cache of the words seen so far, refreshed from what changed since the stamp
    source = Source()
    updates: list[tuple[list[int], Hashable, Hashable]] = []

    def update(previous: Cached[list[int]], stamp: Hashable) -> list[int]:
        updates.append((previous.value, previous.stamp, stamp))
        return [*previous.value, source.value]  # a new list: readers may hold the old one

    cache = ProcessCache(
        "test", lambda: [source.load()], max_age=0, stamp=source.read_stamp, update=update
    )
    held = cache.get()
    # when
    source.change(7)
    # then
    assert cache.get() == [1, 7]
    assert updates == [([1], 1, 2)]
    assert held == [1]
    assert source.loads == 1
    # a clear rebuilds from scratch
    cache.clear()
    assert cache.get() == [7]


def test_an_update_without_a_stamp_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a stamp"):
        ProcessCache("test", lambda: 1, max_age=1, update=lambda previous, stamp: 2)


def test_a_value_whose_load_cleared_the_cache_is_not_kept(clock: Clock) -> None:
    # given: a first load that itself changes what it reads (the rule set's first load
    # saves the default rules as a version, which clears the cache)
    source = Source()
    cache: ProcessCache[int]

    def load() -> int:
        value = source.load()
        if source.loads == 1:
            source.change(2)
            cache.clear()
        return value

    cache = ProcessCache("test", load, max_age=300)
    # when
    assert cache.get() == 1  # what it read, returned once...
    # then: ...but not kept
    assert cache.get() == 2


def test_a_value_by_key_loaded_while_another_thread_cleared_is_not_kept(clock: Clock) -> None:
    # given: a load overtaken by a change, and its clear, in another thread
    source = Source()
    cache: ProcessCacheByKey[str, int]

    def slow_load(_key: str) -> int:
        value = source.load()
        if source.loads == 1:

            def change() -> None:
                source.change(2)
                cache.clear()

            thread = threading.Thread(target=change)
            thread.start()
            thread.join(5)
        return value

    cache = ProcessCacheByKey("test", slow_load, max_age=300)
    # when
    assert cache.get("k") == 1
    # then
    assert cache.get("k") == 2


def test_a_cache_by_key_keeps_each_key_for_its_age_and_never_keeps_nothing(
    clock: Clock,
) -> None:
    # given
    reads: list[str] = []
    known = {"a": "client A"}

    def load(key: str) -> str | None:
        reads.append(key)
        return known.get(key)

    cache = ProcessCacheByKey("test", load, max_age=2)
    # when
    assert cache.get("a") == "client A"
    assert cache.get("a") == "client A"
    assert cache.get("unknown") is None
    assert cache.get("unknown") is None
    # then
    assert reads == ["a", "unknown", "unknown"]
    assert cache.kept_keys() == ["a"]
    known["a"] = "client A, renamed"
    clock.now += 2.5
    assert cache.get("a") == "client A, renamed"
    cache.clear()
    assert cache.kept_keys() == []


def test_a_cache_by_key_with_no_age_reads_every_time() -> None:
    reads: list[str] = []
    cache = ProcessCacheByKey("test", lambda key: reads.append(key) or key, max_age=lambda: 0)
    cache.get("a")
    cache.get("a")
    assert reads == ["a", "a"]
    assert cache.kept_keys() == []


def test_reset_all_clears_every_registered_cache(clock: Clock) -> None:
    # given
    source = Source()
    single = ProcessCache("test single", source.load, max_age=300)
    by_key = ProcessCacheByKey("test by key", lambda key: source.load(), max_age=300)
    single.get()
    by_key.get("k")
    source.change(5)
    # when
    caches.reset_all()
    # then
    assert (single.get(), by_key.get("k")) == (5, 5)


def test_the_reference_caches_are_registered() -> None:
    import benteng.api.auth
    import benteng.regions.selectors
    import benteng.screening.rules  # noqa: F401

    names = caches.registered_names()
    assert {"rule set", "region levels", "API clients by token"} <= set(names)
