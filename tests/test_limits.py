"""The shared rate limits: every process counts together, and an event costs no cache access
between settlements (``benteng.limits``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache.backends.locmem import LocMemCache

from benteng import limits
from benteng.caches import ProcessDict
from benteng.limits import Rate, limit_count

NOW = 1_800_000_000.0  # the start of a minute window


class CountingCache(LocMemCache):
    """A shared cache that counts how often it is asked."""

    def __init__(self) -> None:
        super().__init__("limits-test", {})
        self.calls = 0

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return super().get_many(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return super().add(*args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return super().incr(*args, **kwargs)


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> CountingCache:
    cache = CountingCache()
    cache.clear()
    monkeypatch.setattr(limits, "shared_cache", lambda: cache)
    return cache


def _process(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, the events are counted by another process (its own tallies)."""
    monkeypatch.setattr(limits, "_tallies", ProcessDict("another process's tallies"))


def test_events_between_settlements_cost_no_cache_access(shared: CountingCache) -> None:
    # given a generous limit (a settlement every 100 events or every second)
    rate = Rate.parse("1000/min")
    # when 50 events come within half a second
    checks = [limit_count("client", rate, now=NOW + n / 100) for n in range(50)]
    # then all are allowed, and only the first read the shared count
    assert all(check.allowed for check in checks)
    assert shared.calls == 1
    # and the next event a second later adds the 50 to the shared count
    limit_count("client", rate, now=NOW + 1.5)
    assert shared.get(limits._window_key("client", int(NOW // 60))) == 50


def test_processes_count_together(shared: CountingCache, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a limit of 10 a minute (each process settles at every event)
    rate = Rate.parse("10/min")
    # when one process allows 6 and another 4
    first = [limit_count("client", rate, now=NOW + n) for n in range(6)]
    _process(monkeypatch)
    second = [limit_count("client", rate, now=NOW + 10 + n) for n in range(4)]
    # then the eleventh is refused by either process
    assert all(check.allowed for check in first + second)
    assert not limit_count("client", rate, now=NOW + 20).allowed
    _process(monkeypatch)
    refused = limit_count("client", rate, now=NOW + 21)
    assert not refused.allowed
    assert refused.retry_after == 39


def test_a_burst_in_one_process_is_refused_within_its_settlement(shared: CountingCache) -> None:
    # given a limit of 100 a minute, settled every 10 events
    rate = Rate.parse("100/min")
    # when 150 events come in the same second
    allowed = sum(limit_count("client", rate, now=NOW + 0.5).allowed for _ in range(150))
    # then exactly the limit passes
    assert allowed == 100
