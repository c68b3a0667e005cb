"""The screening index service (``manage.py screening_index_serve``): one process holds the
index for the whole machine and answers every web worker over a unix socket
(:mod:`benteng.people.wire`), applying the database's changes in a background thread.
See docs/screening-index.md.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Connection, Listener
from pathlib import Path
from typing import Any

from django.db import close_old_connections, connection

from benteng.core.records import IdentityRecord
from benteng.people.sources import Audience, ScreeningIndexError, part_of
from benteng.people.store import (
    DEFAULT_SNAPSHOT_MAX_AGE,
    IndexStore,
    StoreSettings,
)
from benteng.people.wire import (
    authkey_path,
    matches_to_wire,
    new_authkey,
    receive,
    record_from_wire,
    send,
)

__all__ = ["ScreeningIndexServer", "settle_memory", "store_for_service"]

logger = logging.getLogger(__name__)

# How often the service moves what survived into the collector's permanent generation.
SETTLE_MEMORY_SECONDS = 60.0
# Every web worker keeps a connection; many may connect at the same moment.
BACKLOG = 256

# An upsert (a record and who may find it) or a removal (a key), in arrival order.
Change = tuple[IdentityRecord, Audience] | str


def _resident_memory() -> dict[str, int]:
    """RSS and PSS of this process in bytes (Linux; empty elsewhere)."""
    figures: dict[str, int] = {}
    for path, names in (
        ("/proc/self/smaps_rollup", {"Rss:": "rss", "Pss:": "pss"}),
        ("/proc/self/status", {"VmRSS:": "rss"}),
    ):
        try:
            lines = Path(path).read_text(encoding="ascii").splitlines()
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) >= 2 and parts[0] in names and names[parts[0]] not in figures:
                figures[names[parts[0]]] = int(parts[1]) * 1024
    return figures


class ScreeningIndexServer:
    """Serves an :class:`IndexStore` over a unix socket and applies the database's changes in
    a background thread.

    Searches are CPU-bound Python, so one thread answers every connection from a selector
    loop, in arrival order: with a thread per connection they would only take turns at the
    interpreter lock, adding its switching delays to every answer. Another thread accepts
    connections (the key handshake happens there) and hands them over. (One selector kept
    for the loop's life: ``multiprocessing.connection.wait`` builds a new one on every call.)
    """

    def __init__(self, socket_path: str, store: IndexStore) -> None:
        self.store = store
        self.socket_path = socket_path
        self.started = time.time()
        self.snapshot_directory: Path | None = None
        self.snapshot_every = 0.0
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._serving = False
        self._sync_thread: threading.Thread | None = None
        self._connections: list[Connection] = []
        self._accepted: list[Connection] = []
        self._accepted_lock = threading.Lock()
        # Changes received while the store's write lock was busy (touched by the loop only).
        self._deferred: list[Change] = []
        _remove_stale_socket(socket_path)
        authkey = new_authkey(socket_path)
        self._listener = Listener(socket_path, family="AF_UNIX", backlog=BACKLOG, authkey=authkey)
        os.chmod(socket_path, 0o660)
        self._wakeup_receiver, self._wakeup_sender = socket.socketpair()
        self._wakeup_receiver.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._wakeup_receiver, selectors.EVENT_READ)
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name="index-accept", daemon=True
        )
        self._accept_thread.start()

    # -- answering -----------------------------------------------------------------------

    def answer(self, request: tuple[Any, ...]) -> Any:
        """The result of one request (see :mod:`benteng.people.wire`)."""
        operation, *arguments = request
        store = self.store
        if operation == "search_person":
            # One round trip for the two searches of every screening.
            # The sixth argument, the possible-match floor, is absent from older clients.
            record, watchlist_top, events_top, threshold, reader_agency, *rest = arguments
            floor = rest[0] if rest else None
            hits, events = store.search_person(
                record_from_wire(record),
                watchlist_top=int(watchlist_top),
                events_top=int(events_top),
                threshold=float(threshold),
                reader_agency=reader_agency,
                possible_floor=None if floor is None else float(floor),
            )
            return matches_to_wire(hits), matches_to_wire(events)
        if operation == "search":
            part, record, top, threshold, reader_agency = arguments
            matches = store.search(
                str(part),
                record_from_wire(record),
                top=int(top),
                threshold=None if threshold is None else float(threshold),
                reader_agency=reader_agency,
            )
            return matches_to_wire(matches)
        if operation == "upsert":
            values, owner_only_agency = arguments
            record = record_from_wire(values)
            part_of(record.id)
            self._write((record, Audience(owner_only_agency)))
            return None
        if operation == "remove":
            (key,) = arguments
            part_of(str(key))
            self._write(str(key))
            return None
        if operation == "status":
            return {
                "pid": os.getpid(),
                "sizes": store.sizes(),
                "owner_only": len(store.owner_only),
                "origin": store.origin,
                "load_seconds": store.load_seconds,
                "parameter_fit": store.parameter_fit.to_json(),
                "uptime_seconds": time.time() - self.started,
                "connections": len(self._connections),
                "deferred_changes": len(self._deferred),
                "memory": _resident_memory(),
            }
        raise ScreeningIndexError(f"Unknown operation {operation!r}.")

    def _answer_request(self, request: Any) -> tuple[bool, Any]:
        try:
            if not isinstance(request, tuple) or not request:
                raise ScreeningIndexError("A request is a tuple (operation, *arguments).")
            return True, self.answer(request)
        except ScreeningIndexError as error:
            return False, str(error)
        except (KeyError, TypeError, ValueError) as error:
            return False, f"malformed request: {error!r}"
        except Exception as error:
            logger.exception("screening index service failed on a request")
            return False, f"internal error: {error!r}"

    def _write(self, change: Change) -> None:
        """Apply an upsert or a removal without ever making the loop wait: while the sync
        thread holds the write lock (compaction, a snapshot), changes queue up in arrival
        order and are applied as soon as it is free."""
        self._deferred.append(change)
        self._apply_deferred()

    def _apply_deferred(self) -> None:
        if not self._deferred or not self.store.write_lock.acquire(blocking=False):
            return
        try:
            while self._deferred:
                change = self._deferred.pop(0)
                if isinstance(change, str):
                    self.store.remove(change)
                else:
                    self.store.upsert(*change)
        finally:
            self.store.write_lock.release()

    # -- the loops -----------------------------------------------------------------------

    def _accept_loop(self) -> None:
        """Accept connections (each proves it holds the key) and hand them to the loop."""
        while not self._stopping.is_set():
            try:
                accepted = self._listener.accept()
            except AuthenticationError:
                logger.warning("screening index service: a client without the key was refused")
                continue
            except EOFError:
                continue  # a client that left during the handshake (a liveness probe)
            except OSError:
                if self._stopping.is_set():
                    return
                logger.exception("screening index service: accept failed")
                continue
            with self._accepted_lock:
                self._accepted.append(accepted)
            with contextlib.suppress(OSError):
                self._wakeup_sender.send(b"c")

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Answer clients until :meth:`shutdown`."""
        self._serving = True
        self._stopped.clear()
        try:
            while not self._stopping.is_set():
                timeout = 0.02 if self._deferred else poll_interval
                for key, _events in self._selector.select(timeout=timeout):
                    if key.fileobj is self._wakeup_receiver:
                        self._take_accepted()
                    else:
                        self._read(key.fileobj)  # type: ignore[arg-type]
                self._apply_deferred()
        finally:
            self._serving = False
            self._stopped.set()

    def _take_accepted(self) -> None:
        with contextlib.suppress(OSError):
            self._wakeup_receiver.recv(4096)
        with self._accepted_lock:
            accepted, self._accepted = self._accepted, []
        for client in accepted:
            self._connections.append(client)
            self._selector.register(client, selectors.EVENT_READ)

    def _drop(self, client: Connection) -> None:
        with contextlib.suppress(ValueError):
            self._connections.remove(client)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(client)
        client.close()

    def _read(self, client: Connection) -> None:
        try:
            request = receive(client)
        except (OSError, EOFError):
            self._drop(client)
            return
        except Exception as error:  # a message that does not unpickle
            answer: tuple[bool, Any] = (False, f"malformed request: {error!r}")
        else:
            answer = self._answer_request(request)
        try:
            send(client, answer)
        except OSError:
            self._drop(client)

    def shutdown(self) -> None:
        """Ask :meth:`serve_forever` to return and wait until it has (any thread)."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wakeup_sender.send(b"x")
        if self._serving:
            self._stopped.wait(timeout=10)

    def stop(self) -> None:
        """Stop serving and syncing, close every connection and remove the socket files."""
        self.shutdown()
        if self._sync_thread is not None:
            self._sync_thread.join(timeout=10)
        with self.store.write_lock:
            self._apply_deferred()
        # A blocked accept() does not return when its socket is closed: a connection that
        # leaves at once wakes it, and it sees that the service is stopping.
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as wakeup:
            wakeup.connect(self.socket_path)
        self._accept_thread.join(timeout=10)
        self._listener.close()
        with self._accepted_lock:
            self._connections.extend(self._accepted)
            self._accepted.clear()
        for client in list(self._connections):
            self._drop(client)
        self._selector.close()
        self._wakeup_receiver.close()
        self._wakeup_sender.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)
        with contextlib.suppress(FileNotFoundError):
            authkey_path(self.socket_path).unlink()

    # -- the database's changes -----------------------------------------------------------

    def start_sync(self, *, prepare: Callable[[], None] | None = None) -> None:
        """Apply the database's changes every refresh interval in a background thread;
        ``prepare`` runs first in that thread (to configure its database connection)."""

        def run() -> None:
            if prepare is not None:
                prepare()
            self._sync_loop()

        thread = threading.Thread(target=run, name="index-sync", daemon=True)
        thread.start()
        self._sync_thread = thread

    def _sync_loop(self) -> None:
        interval = max(self.store.settings.refresh_seconds, 0.05)
        last_snapshot = last_settle = time.monotonic()
        while not self._stopping.wait(interval):
            try:
                close_old_connections()
                self.store.refresh()
            except Exception:
                logger.exception("screening index: applying the database's changes failed")
                with contextlib.suppress(Exception):
                    connection.close()
            if time.monotonic() - last_settle >= SETTLE_MEMORY_SECONDS:
                settle_memory()
                last_settle = time.monotonic()
            due = self.snapshot_every and time.monotonic() - last_snapshot >= self.snapshot_every
            if self.snapshot_directory is not None and due:
                try:
                    self.store.save_snapshot(self.snapshot_directory)
                except OSError:
                    logger.exception("screening index: saving the snapshot failed")
                last_snapshot = time.monotonic()
        connection.close()


def settle_memory() -> None:
    """Collect, then freeze what survived (``gc.freeze``).

    The service keeps growing long-lived objects after it started (added records, the name
    comparison caches); left to the collector, every full collection walked all of them and
    held every search for 20-40 ms. Collected first, so nothing that is garbage is frozen;
    the next collections only walk what is newer.
    """
    gc.collect()
    gc.freeze()


def _remove_stale_socket(socket_path: str) -> None:
    """Remove a socket file left by a stopped service; refuse if a service still answers."""
    if not os.path.exists(socket_path):
        return
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(socket_path)
    except OSError:
        os.unlink(socket_path)
        return
    finally:
        probe.close()
    raise ScreeningIndexError(f"A screening index service is already answering at {socket_path}.")


def store_for_service(
    *,
    snapshot_directory: str | Path | None,
    snapshot_max_age: float = DEFAULT_SNAPSHOT_MAX_AGE,
    store_settings: StoreSettings | None = None,
) -> IndexStore:
    """The service's store: from the snapshot when fresh (then brought up to date with the
    database's changes and a reconciliation), else built from the database."""
    store_settings = store_settings or StoreSettings.from_settings()
    store = None
    if snapshot_directory is not None:
        store = IndexStore.from_snapshot(
            snapshot_directory, max_age_seconds=snapshot_max_age, store_settings=store_settings
        )
    if store is not None:
        started = time.perf_counter()
        store.refresh(reconcile=True)
        store.load_seconds += time.perf_counter() - started
        return store
    store = IndexStore.from_database(store_settings=store_settings)
    if snapshot_directory is not None:
        store.save_snapshot(snapshot_directory)
    return store
