"""How often something may happen: counters kept in the shared cache, so that every web process
and worker counts together (Redis when ``REDIS_URL`` is set, the database cache otherwise; see
``CACHES`` in the settings).

A limit is "N per period" (``"600/min"``). The count over the last period is estimated from two
fixed windows, the current one and the one before it weighted by how much of it still lies
within the period, and no list of times. Each process settles its count with the shared one
about once a second (``SETTLE_SECONDS``), not at every event.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache

from benteng.caches import ProcessDict

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
KEY_PREFIX = "limit"


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"600/min"``, ``"20/m"``, ``"5/10min"``, ``"100/hour"``."""
        count, _slash, period = text.strip().partition("/")
        digits = period.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = period[len(digits) :] or "s"
        if unit not in PERIODS or not count.isdigit() or (digits and not digits.isdigit()):
            raise ValueError(f"A rate is written like 600/min, not {text!r}.")
        return cls(count=int(count), seconds=int(digits or 1) * PERIODS[unit])


@dataclass(frozen=True)
class LimitCheck:
    allowed: bool
    # Seconds to wait before trying again; 0 when allowed.
    retry_after: int = 0
    # The first refusal of this key in the current window (to record it once, not each time).
    first_refusal: bool = False


def shared_cache() -> BaseCache:
    """The cache every process shares (the settings' ``default``)."""
    return caches[DEFAULT_CACHE_ALIAS]


# A process counts the events of a key on its own and settles with the shared count (adds what
# it counted, reads what every process counted) at its first event after a second, and at once
# when its own count reaches this share of the limit (a small limit settles at every event): a
# cache read and write per second and key, not per event. Between settlements a process does
# not see the others' events, so a burst spread over several processes may pass the limit by
# about that share per process, for about a second.
SETTLE_SECONDS = 1.0
SETTLE_SHARE = 0.1


@dataclass
class _Tally:
    """What this process knows of a key's count in the current window."""

    window: int
    shared: float  # the estimate over both windows at the last settlement, ours included
    unsettled: int  # events allowed here since, not yet in the shared count
    settled_at: float
    refused_window: int | None = None  # the window of the last refusal recorded as first


_tallies: ProcessDict[str, _Tally] = ProcessDict("rate limit tallies")
_tallies_lock = threading.Lock()


def limit_count(key: str, rate: Rate, *, now: float | None = None) -> LimitCheck:
    """Count one event of ``key`` and say whether it is within the rate. Refused events are not
    counted, so a client that waits is let through again."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    with _tallies_lock:
        tally = _tallies.get(key)
        if tally is None or tally.window != window or now - tally.settled_at >= SETTLE_SECONDS:
            tally = _settle(key, rate, tally, window=window, now=now)
            _tallies.set(key, tally)
        if tally.shared + tally.unsettled >= rate.count:
            return _refused(key, rate, tally, window=window, now=now)
        tally.unsettled += 1
        if tally.unsettled >= max(1, int(rate.count * SETTLE_SHARE)):
            _tallies.set(key, _settle(key, rate, tally, window=window, now=now))
    return LimitCheck(allowed=True)


def limit_reset(key: str, rate: Rate, *, now: float | None = None) -> None:
    """Forget the events of ``key`` (after a successful sign-in, for example)."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    with _tallies_lock:
        _tallies.pop(key)
    shared_cache().delete_many([_window_key(key, window), _window_key(key, window - 1)])


def _settle(key: str, rate: Rate, tally: _Tally | None, *, window: int, now: float) -> _Tally:
    """Add this process's unsettled events to the shared count, and read the shared count."""
    cache = shared_cache()
    if tally is not None and tally.unsettled and tally.window >= window - 1:
        _add(cache, _window_key(key, tally.window), tally.unsettled, timeout=2 * rate.seconds)
    current_key, previous_key = _window_key(key, window), _window_key(key, window - 1)
    counts = cache.get_many([current_key, previous_key])
    share_of_previous = 1 - (now % rate.seconds) / rate.seconds
    shared = int(counts.get(current_key, 0)) + int(counts.get(previous_key, 0)) * share_of_previous
    refused_window = tally.refused_window if tally is not None else None
    return _Tally(window, shared, 0, now, refused_window)


def _refused(key: str, rate: Rate, tally: _Tally, *, window: int, now: float) -> LimitCheck:
    window_left = rate.seconds - (now % rate.seconds)
    first = False
    if tally.refused_window != window:
        # Every process may refuse: the shared cache says which refusal was the first.
        first = bool(shared_cache().add(f"{_window_key(key, window)}:refused", 1, rate.seconds))
        tally.refused_window = window
    return LimitCheck(
        allowed=False, retry_after=max(1, math.ceil(window_left)), first_refusal=first
    )


def _window_key(key: str, window: int) -> str:
    # Keys name addresses and usernames: hashed, so any text makes a valid, short cache key.
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{KEY_PREFIX}:{digest}:{window}"


def _add(cache: BaseCache, key: str, events: int, *, timeout: int) -> None:
    if cache.add(key, events, timeout=timeout):
        return
    if type(cache).incr is BaseCache.incr:
        # The database cache increments by a read and a write that forgets the key's timeout:
        # write the count with it instead (two processes at the same instant may count once).
        cache.set(key, int(cache.get(key, 0)) + events, timeout=timeout)
        return
    try:
        cache.incr(key, events)  # Redis, local memory: atomic, and the timeout is kept
    except ValueError:  # expired between the add and the increment
        cache.set(key, events, timeout=timeout)
