"""How often something may happen: counters kept in the shared cache, so that every web process
and worker counts together (Redis when ``REDIS_URL`` is set, the database cache otherwise; see
``CACHES`` in the settings).

A limit is "N per period" (``"600/min"``). The count over the last period is estimated from two
fixed windows, the current one and the one before it weighted by how much of it still lies
within the period: one read of two keys and one increment per event, and no list of times.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache

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


def limit_count(key: str, rate: Rate, *, now: float | None = None) -> LimitCheck:
    """Count one event of ``key`` and say whether it is within the rate. Refused events are not
    counted, so a client that waits is let through again."""
    cache = shared_cache()
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    current_key, previous_key = _window_key(key, window), _window_key(key, window - 1)
    counts = cache.get_many([current_key, previous_key])
    current = int(counts.get(current_key, 0))
    share_of_previous = 1 - (now % rate.seconds) / rate.seconds
    estimate = current + int(counts.get(previous_key, 0)) * share_of_previous
    if estimate >= rate.count:
        window_left = rate.seconds - (now % rate.seconds)
        first = cache.add(f"{current_key}:refused", 1, timeout=rate.seconds)
        return LimitCheck(
            allowed=False, retry_after=max(1, math.ceil(window_left)), first_refusal=first
        )
    _increment(
        cache, current_key, current=current, known=current_key in counts, timeout=2 * rate.seconds
    )
    return LimitCheck(allowed=True)


def _window_key(key: str, window: int) -> str:
    # Keys name addresses and usernames: hashed, so any text makes a valid, short cache key.
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{KEY_PREFIX}:{digest}:{window}"


def _increment(cache: BaseCache, key: str, *, current: int, known: bool, timeout: int) -> None:
    if not known and cache.add(key, 1, timeout=timeout):
        return
    if type(cache).incr is BaseCache.incr:
        # The database cache increments by a read and a write that forgets the key's timeout:
        # write the count with it instead (two processes at the same instant may count once).
        cache.set(key, current + 1, timeout=timeout)
        return
    try:
        cache.incr(key)  # Redis, local memory: atomic, and the timeout is kept
    except ValueError:  # expired between the read and the increment
        cache.set(key, 1, timeout=timeout)
