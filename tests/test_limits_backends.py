"""The shared rate limits on the caches they run on in production: Redis (``REDIS_URL``) and
the database's cache table (without it). ``tests/test_limits.py`` tests the counting on a
local-memory cache; here two "processes" (their own tallies) count through a real backend.

Redis is the one at 127.0.0.1:6379 (database 15); the Redis tests are skipped when it is not
reachable, unless ``BENTENG_REQUIRE_REDIS=1`` (CI), which makes them fail instead.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache

from benteng import limits
from benteng.caches import ProcessDict
from benteng.limits import Rate, limit_count

REDIS_LOCATION = os.environ.get("BENTENG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NOW = 1_800_000_000.0  # the start of a minute window


def _redis_cache() -> RedisCache:
    # A key prefix of its own: xdist workers and earlier runs share the Redis database, and a
    # test never clears it.
    cache = RedisCache(REDIS_LOCATION, {"KEY_PREFIX": f"benteng-test-{uuid.uuid4().hex}"})
    try:
        cache.set("ping", 1, timeout=5)
    except Exception as error:  # redis-py raises its own ConnectionError
        if os.environ.get("BENTENG_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required (BENTENG_REQUIRE_REDIS=1) but {error}")
        pytest.skip(f"no Redis at {REDIS_LOCATION}: {error}")
    return cache


@pytest.fixture(params=["redis", "database"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    cache: BaseCache
    if request.param == "redis":
        cache = _redis_cache()
    else:
        cache = DatabaseCache("benteng_cache", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
    monkeypatch.setattr(limits, "shared_cache", lambda: cache)
    monkeypatch.setattr(limits, "_tallies", ProcessDict("first process's tallies"))
    yield request.param


def _another_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "_tallies", ProcessDict("another process's tallies"))


@pytest.mark.django_db
def test_two_processes_count_together_through_the_shared_cache(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a limit of 10 a minute, counted by two processes
    rate = Rate.parse("10/min")
    key = f"client-{uuid.uuid4().hex}"
    # when one process allows 6 and the other 4
    first = [limit_count(key, rate, now=NOW + n) for n in range(6)]
    _another_process(monkeypatch)
    second = [limit_count(key, rate, now=NOW + 10 + n) for n in range(4)]
    # then the eleventh is refused, and the refusal is the first of the window
    assert all(check.allowed for check in first + second)
    refused = limit_count(key, rate, now=NOW + 20)
    assert not refused.allowed
    assert refused.first_refusal
    assert refused.retry_after == 40
    # and the first process, settling with the shared count, refuses too (not first any more)
    _another_process(monkeypatch)
    again = limit_count(key, rate, now=NOW + 21)
    assert not again.allowed
    assert not again.first_refusal


@pytest.mark.django_db
def test_a_new_window_allows_again(backend: str) -> None:
    rate = Rate.parse("3/min")
    key = f"client-{uuid.uuid4().hex}"
    assert [limit_count(key, rate, now=NOW + n).allowed for n in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    # two periods later neither window counts any more
    assert limit_count(key, rate, now=NOW + 150).allowed


def test_settlements_at_the_same_instant_lose_no_event_on_redis() -> None:
    """Redis adds atomically: eight processes adding to one count at once lose nothing. (The
    database cache may count two simultaneous settlements once: ``benteng.limits._add``.)"""
    cache = _redis_cache()
    key = f"limit:{uuid.uuid4().hex}:1"
    start = threading.Barrier(8)

    def settle() -> None:
        start.wait()
        for _ in range(50):
            limits._add(cache, key, 2, timeout=120)

    threads = [threading.Thread(target=settle) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert cache.get(key) == 800
