"""The two backends of the screening index, with one interface (:class:`ScreeningIndexBackend`):

- :class:`InProcessBackend` (default; development and tests): a process-wide store built
  lazily from the database on first use. Before a search, at most every
  ``SCREENING_INDEX_REFRESH_MS``, it applies what other processes changed in the database.
- :class:`SocketBackend` (production): a client of ``manage.py screening_index_serve``
  (:mod:`benteng.people.service`), which holds the one copy of the index for the machine.

Searches take the reader's agency kind (``reader_agency``): entries shared with their owner
agency only are found by that agency's readers alone (``None``: by nobody).
"""

from __future__ import annotations

import os
import select
import threading
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection
from typing import Any, Protocol

from benteng.core.records import IdentityRecord
from benteng.people.sources import (
    EVENTS,
    EVERY_AGENCY,
    WATCHLIST,
    Audience,
    ScreeningIndexError,
    ScreeningIndexUnavailable,
    SourceMatch,
    part_of,
)
from benteng.people.store import IndexStore, StoreSettings
from benteng.people.wire import (
    authkey_for,
    matches_from_wire,
    receive,
    record_to_wire,
    send,
)

__all__ = ["InProcessBackend", "ScreeningIndexBackend", "SocketBackend"]


class ScreeningIndexBackend(Protocol):
    def search_watchlist(
        self,
        record: IdentityRecord,
        *,
        reader_agency: str | None = None,
        top: int = 10,
        threshold: float | None = None,
    ) -> list[SourceMatch]: ...

    def search_events(
        self, record: IdentityRecord, *, top: int = 20, threshold: float | None = None
    ) -> list[SourceMatch]: ...

    def search_person(
        self,
        record: IdentityRecord,
        *,
        reader_agency: str | None = None,
        watchlist_top: int,
        events_top: int,
        threshold: float,
        possible_floor: float | None = None,
    ) -> tuple[list[SourceMatch], list[SourceMatch]]:
        """Both searches a screening makes for the person, in one call; with
        ``possible_floor``, the watchlist entries sharing only a name down to it too."""
        ...

    def upsert(self, record: IdentityRecord, audience: Audience = EVERY_AGENCY) -> None: ...

    def remove(self, record_id: str) -> None: ...


class InProcessBackend:
    """The index in this process, built from the database on first use."""

    def __init__(self, store_settings: StoreSettings | None = None) -> None:
        self._store_settings = store_settings
        self._store: IndexStore | None = None
        self._build_lock = threading.Lock()

    @property
    def is_built(self) -> bool:
        return self._store is not None

    def store(self) -> IndexStore:
        store = self._store
        if store is None:
            with self._build_lock:
                store = self._store
                if store is None:
                    store = IndexStore.from_database(
                        store_settings=self._store_settings or StoreSettings.from_settings()
                    )
                    self._store = store
        return store

    def _fresh_store(self) -> IndexStore:
        store = self.store()
        store.refresh_if_due()
        return store

    def search_watchlist(
        self,
        record: IdentityRecord,
        *,
        reader_agency: str | None = None,
        top: int = 10,
        threshold: float | None = None,
    ) -> list[SourceMatch]:
        return self._fresh_store().search(
            WATCHLIST, record, top=top, threshold=threshold, reader_agency=reader_agency
        )

    def search_events(
        self, record: IdentityRecord, *, top: int = 20, threshold: float | None = None
    ) -> list[SourceMatch]:
        return self._fresh_store().search(
            EVENTS, record, top=top, threshold=threshold, reader_agency=None
        )

    def search_person(
        self,
        record: IdentityRecord,
        *,
        reader_agency: str | None = None,
        watchlist_top: int,
        events_top: int,
        threshold: float,
        possible_floor: float | None = None,
    ) -> tuple[list[SourceMatch], list[SourceMatch]]:
        return self._fresh_store().search_person(
            record,
            watchlist_top=watchlist_top,
            events_top=events_top,
            threshold=threshold,
            reader_agency=reader_agency,
            possible_floor=possible_floor,
        )

    def upsert(self, record: IdentityRecord, audience: Audience = EVERY_AGENCY) -> None:
        part_of(record.id)
        if self._store is not None:
            self._store.upsert(record, audience)

    def remove(self, record_id: str) -> None:
        part_of(record_id)
        if self._store is not None:
            self._store.remove(record_id)


class SocketBackend:
    """Client of ``manage.py screening_index_serve`` over ``multiprocessing.connection``:
    one authenticated connection per thread (and per process, so it survives gunicorn's
    fork), reconnecting once when a connection broke. Requests and answers are pickled
    tuples (see :mod:`benteng.people.wire`)."""

    def __init__(self, socket_path: str, *, timeout: float = 5.0) -> None:
        self.socket_path = socket_path
        self.timeout = timeout
        self._local = threading.local()

    def _unavailable(self, error: BaseException) -> ScreeningIndexUnavailable:
        return ScreeningIndexUnavailable(
            f"The screening index service at {self.socket_path} is not answering ({error!r}). "
            f"Start it with `manage.py screening_index_serve --socket {self.socket_path}` "
            "(see docs/screening-index.md)."
        )

    def _connection(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            return connection
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                connection = Client(
                    self.socket_path, family="AF_UNIX", authkey=authkey_for(self.socket_path)
                )
                break
            except BlockingIOError:
                # The service's backlog is full for a moment (many workers connecting).
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        # A poll object made once per connection: ``Connection.poll`` builds a selector on
        # every call.
        answered = select.poll()
        answered.register(connection.fileno(), select.POLLIN)
        self._local.connection = connection
        self._local.answered = answered
        self._local.pid = os.getpid()
        return connection

    def close(self) -> None:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is not None:
            if self._local.pid == os.getpid():
                connection.close()
            self._local.connection = None

    def call(self, *request: Any) -> Any:
        """Send one request and return the answer; retry once on a broken connection."""
        for attempt in (1, 2):
            try:
                connection = self._connection()
                send(connection, request)
                if not self._local.answered.poll(self.timeout * 1000):
                    raise TimeoutError
                ok, answer = receive(connection)
            except TimeoutError as error:
                self.close()
                raise ScreeningIndexUnavailable(
                    f"The screening index service at {self.socket_path} did not answer within "
                    f"{self.timeout:.1f} s."
                ) from error
            except (OSError, EOFError, AuthenticationError, ValueError) as error:
                self.close()
                if attempt == 2:
                    raise self._unavailable(error) from error
                continue
            if not ok:
                raise ScreeningIndexError(
                    f"The screening index service refused the request: {answer}"
                )
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def search_watchlist(
        self,
        record: IdentityRecord,
        *,
        reader_agency: str | None = None,
        top: int = 10,
        threshold: float | None = None,
    ) -> list[SourceMatch]:
        return matches_from_wire(
            self.call("search", WATCHLIST, record_to_wire(record), top, threshold, reader_agency)
        )

    def search_events(
        self, record: IdentityRecord, *, top: int = 20, threshold: float | None = None
    ) -> list[SourceMatch]:
        return matches_from_wire(
            self.call("search", EVENTS, record_to_wire(record), top, threshold, None)
        )

    def search_person(
        self,
        record: IdentityRecord,
        *,
        reader_agency: str | None = None,
        watchlist_top: int,
        events_top: int,
        threshold: float,
        possible_floor: float | None = None,
    ) -> tuple[list[SourceMatch], list[SourceMatch]]:
        hits, events = self.call(
            "search_person",
            record_to_wire(record),
            watchlist_top,
            events_top,
            threshold,
            reader_agency,
            possible_floor,
        )
        return matches_from_wire(hits), matches_from_wire(events)

    def upsert(self, record: IdentityRecord, audience: Audience = EVERY_AGENCY) -> None:
        part_of(record.id)
        self.call("upsert", record_to_wire(record), audience.owner_only_agency)

    def remove(self, record_id: str) -> None:
        part_of(record_id)
        self.call("remove", record_id)

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = self.call("status")
        return status
