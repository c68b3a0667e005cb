"""Per-process caches of values read from the database, and the one registry that resets them.

Reference data checked on every request (the rule set, region codes, the client system of an
API token) is kept in memory. Every such cache goes stale one way:

- it trusts its value for ``max_age`` seconds; after that it reloads it, or, when it has a
  ``stamp`` (a cheap query such as "the latest version's number"), asks for the stamp and
  reloads only when the stamp changed;
- a change made in this process clears it at once (``clear``, ``clear_after_commit``,
  ``clear_when_saved``); other processes see the change within ``max_age``.

Every cache registers itself here; ``reset_all`` clears them all (the tests do, after each
rolled-back test).
"""

from __future__ import annotations

import abc
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

MaxAge = float | Callable[[], float]


_registry: list[_Cache] = []


def reset_all() -> None:
    """Clear every cache of this process."""
    for cache in _registry:
        cache.clear()


def registered_names() -> list[str]:
    """The names of the caches of this process, in the order they were made."""
    return [cache.name for cache in _registry]


def _seconds(max_age: MaxAge) -> float:
    return max_age() if callable(max_age) else max_age


@dataclass(frozen=True)
class Cached(Generic[T]):
    """A value as this process read it: with the stamp read before it, and when it was last
    found fresh (``time.monotonic``)."""

    value: T
    stamp: Hashable
    checked_at: float


class _Cache(abc.ABC):
    """What every cache has: a name, a lock, a generation that a clear moves on (a value read
    before a clear is not kept), and its place in the registry."""

    def __init__(self, name: str) -> None:
        self.name = name
        # Reentrant: a loader may clear the cache it loads (the rule set's first load saves
        # the default rules as a version); the value it returns is then not kept.
        self._lock = threading.RLock()
        self._generation = 0
        _registry.append(self)

    @abc.abstractmethod
    def _forget(self) -> None:
        """Drop the kept value(s); called under the lock."""

    def clear(self, **_signal: object) -> None:
        """Forget what is kept: the next ``get`` reads it again."""
        with self._lock:
            self._forget()
            self._generation += 1

    def clear_after_commit(self) -> None:
        """Clear now (this transaction already sees the change) and again after the commit
        (other connections of the process see it only then)."""
        self.clear()
        transaction.on_commit(self.clear)

    def clear_when_saved(self, *senders: type[models.Model]) -> None:
        """Clear whenever an instance of these models is saved or deleted in this process
        (a queryset ``delete`` sends the signal too; a queryset ``update`` does not)."""
        for sender in senders:
            uid = f"benteng-cache-{self.name}-{sender._meta.label_lower}"
            post_save.connect(self.clear, sender=sender, dispatch_uid=f"{uid}-save")
            post_delete.connect(self.clear, sender=sender, dispatch_uid=f"{uid}-delete")


class ProcessCache(_Cache, Generic[T]):
    """One value computed by ``load``.

    With a ``stamp``, a value older than ``max_age`` costs only the stamp's query while the
    stamp is unchanged; a changed stamp reloads it, through ``update(previous, stamp)`` when
    given (an incremental refresh from the previous value, which it must not change in
    place: readers may hold it), else through ``load()``. Without a stamp the value is
    reloaded after ``max_age``; a ``max_age`` of 0 then reads it at every call, keeping
    nothing.
    """

    def __init__(
        self,
        name: str,
        load: Callable[[], T],
        *,
        max_age: MaxAge,
        stamp: Callable[[], Hashable] | None = None,
        update: Callable[[Cached[T], Hashable], T] | None = None,
    ) -> None:
        if update is not None and stamp is None:
            raise ValueError("an incremental update needs a stamp to compare")
        super().__init__(name)
        self._load = load
        self._max_age = max_age
        self._stamp = stamp
        self._update = update
        self._cached: Cached[T] | None = None

    def get(self) -> T:
        cached = self._cached
        max_age = _seconds(self._max_age)
        if cached is not None and time.monotonic() - cached.checked_at < max_age:
            return cached.value
        with self._lock:
            cached = self._cached
            now = time.monotonic()
            if cached is not None and now - cached.checked_at < max_age:
                return cached.value  # another thread read it meanwhile
            generation = self._generation
            stamp = self._stamp() if self._stamp is not None else None
            if cached is not None and self._stamp is not None and stamp == cached.stamp:
                value = cached.value
            elif cached is not None and self._update is not None:
                value = self._update(cached, stamp)
            else:
                value = self._load()
            # Not kept when cleared meanwhile (by the load itself): it may predate the change.
            keep = max_age > 0 or self._stamp is not None
            if keep and generation == self._generation:
                self._cached = Cached(value=value, stamp=stamp, checked_at=now)
            return value

    def _forget(self) -> None:
        self._cached = None


@dataclass(frozen=True)
class _Kept(Generic[T]):
    value: T
    read_at: float


class ProcessCacheByKey(_Cache, Generic[K, T]):
    """A value per key, each computed by ``load(key)`` and reloaded after ``max_age``
    (0: read at every call, nothing kept). A key whose value is ``None`` (nothing found) is not
    kept, so keys that name nothing cannot fill the cache."""

    def __init__(self, name: str, load: Callable[[K], T | None], *, max_age: MaxAge) -> None:
        super().__init__(name)
        self._load = load
        self._max_age = max_age
        self._kept: dict[K, _Kept[T]] = {}

    def get(self, key: K) -> T | None:
        max_age = _seconds(self._max_age)
        if max_age <= 0:
            return self._load(key)
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and now - kept.read_at < max_age:
            return kept.value
        generation = self._generation
        value = self._load(key)
        with self._lock:
            if value is None:
                self._kept.pop(key, None)
            elif generation == self._generation:
                self._kept[key] = _Kept(value=value, read_at=now)
        return value

    def kept_keys(self) -> list[Any]:
        """The keys kept now."""
        return list(self._kept)

    def _forget(self) -> None:
        self._kept.clear()


class ProcessDict(_Cache, Generic[K, T]):
    """Values this process keeps itself (not read from the database), by key, emptied by
    ``reset_all`` with the other caches. The caller locks where threads share it."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._values: dict[K, T] = {}

    def get(self, key: K) -> T | None:
        return self._values.get(key)

    def set(self, key: K, value: T) -> None:
        self._values[key] = value

    def pop(self, key: K) -> T | None:
        return self._values.pop(key, None)

    def _forget(self) -> None:
        self._values.clear()
