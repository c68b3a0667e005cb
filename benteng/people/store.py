"""The screening index on the Django side: who among watchlist entries and earlier events
may be this person?

Two logical parts, each a :class:`benteng.core.index.ScreeningIndex`:

- **watchlist** — watchlist entries in force (not removed, not expired) whose subject is a
  person and that are shared as hits (ids ``"w<pk>"``);
- **events** — every passport application (``"a<pk>"``) and departure check (``"d<pk>"``).

Two backends answer :func:`screening_index` with the same :class:`ScreeningIndexBackend`:

- **in-process** (default; development and tests): a process-wide store built lazily from the
  database on first use. Before a search, at most every ``SCREENING_INDEX_REFRESH_MS``, it
  applies what other processes changed in the database (:class:`IndexStore.refresh`).
- **shared service** (production): when ``SCREENING_INDEX_SOCKET`` names a unix socket,
  :func:`screening_index` returns a client of ``manage.py screening_index_serve``, which holds
  the one copy of the index for the whole machine and applies the database's changes itself.
  See docs/screening-index.md.

How changes reach the index:

1. **At once**: services call :func:`index_watchlist_entry`, :func:`index_application` and
   :func:`index_departure_check` (each waits for the transaction to commit). In-process they
   update this process's store; with the service they update the one shared index, so every
   web worker sees the change on its next search.
2. **Within the refresh interval**, for writes that did not call a hook (another process with
   the in-process backend, a bulk import, a shell): new rows by primary key (ids skipped by a
   transaction still open are retried for a while), changed watchlist entries by
   ``updated_at`` (re-read within a clock-skew window), entries that expired at midnight by
   ``expires_on``.
3. **Reconciliation** every ``SCREENING_INDEX_RECONCILE_SECONDS``: the number of rows that
   belong in each part is compared with the index; the same difference seen twice in a row
   (rows deleted outright, an update that did not touch ``updated_at``) triggers a diff of
   the ids. A difference that changes between checks is writes in flight and is left alone.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import close_old_connections, connection, models, transaction
from django.utils import timezone

from benteng.core.compare import (
    Comparison,
    FeatureResult,
    Level,
    PreparedIdentity,
    prepare_identity,
)
from benteng.core.index import Candidate, ScreeningIndex
from benteng.core.records import IdentityRecord
from benteng.screening.models import DepartureCheck, PassportApplication
from benteng.watchlists.models import SharingLevel, SubjectType, WatchlistEntry

__all__ = [
    "EVENTS",
    "WATCHLIST",
    "InProcessBackend",
    "IndexStore",
    "ScreeningIndexBackend",
    "ScreeningIndexError",
    "ScreeningIndexServer",
    "ScreeningIndexUnavailable",
    "SocketBackend",
    "index_application",
    "index_departure_check",
    "index_watchlist_entry",
    "record_from_row",
    "screening_index",
    "screening_index_reset",
]

logger = logging.getLogger(__name__)

WATCHLIST = "watchlist"
EVENTS = "events"
PARTS = (WATCHLIST, EVENTS)

DEFAULT_REFRESH_MS = 1000
# Each check counts every row of both parts (1.5 million rows: about 0.3 s of database time):
# a safety net for deletes that bypass the services, not the way changes normally arrive.
DEFAULT_RECONCILE_SECONDS = 300.0
# Changed watchlist entries are re-read this far behind the newest ``updated_at`` seen, so a
# transaction that stamped its rows a little before committing is not missed.
UPDATE_SKEW = timedelta(seconds=30)
# A primary key skipped by the poll (its transaction still open) is asked for again this long.
PENDING_SECONDS = 120.0
# Gaps of skipped ids are asked for again on every refresh, one range each; more gaps than
# this are left to the reconciliation.
MAX_PENDING_GAPS = 200
# Writes folded into the posting arrays after this many additions/updates (per part).
COMPACT_AFTER_WRITES = 100_000
BUILD_CHUNK_SIZE = 20_000
# Ids per "IN (...)" when rows are read by id (SQLite takes at most 32,766 values).
ID_BATCH = 1000
SNAPSHOT_FORMAT = "benteng-screening-index-snapshot-1"
DEFAULT_SNAPSHOT_MAX_AGE = 24 * 3600.0

# The identity columns read from every source (IdentityFields), in this order.
IDENTITY_COLUMNS = (
    "pk",
    "full_name",
    "birth_date",
    "sex",
    "nik",
    "birth_place",
    "passport_no",
    "address",
    "phone",
    "region_id",
)
# What decides whether a watchlist entry belongs in the index (after the identity columns).
ENTRY_STATE_COLUMNS = ("removed_at", "expires_on", "subject_type", "sharing_level", "updated_at")


class ScreeningIndexError(RuntimeError):
    """The screening index could not answer (bad request, server-side failure)."""


class ScreeningIndexUnavailable(ScreeningIndexError):
    """The screening index service is not running or not answering."""


class ScreeningIndexBackend(Protocol):
    def search_watchlist(
        self, record: IdentityRecord, *, top: int = 10, threshold: float | None = None
    ) -> list[Candidate]: ...

    def search_events(
        self, record: IdentityRecord, *, top: int = 20, threshold: float | None = None
    ) -> list[Candidate]: ...

    def search_person(
        self, record: IdentityRecord, *, watchlist_top: int, events_top: int, threshold: float
    ) -> tuple[list[Candidate], list[Candidate]]:
        """Both searches a screening makes for the person, in one call."""
        ...

    def upsert(self, record: IdentityRecord) -> None: ...

    def remove(self, record_id: str) -> None: ...


# -- Sources ---------------------------------------------------------------------------------


def record_from_row(prefix: str, row: tuple[Any, ...]) -> IdentityRecord:
    """An :class:`IdentityRecord` from a ``values_list(*IDENTITY_COLUMNS)`` row — the same
    record as ``IdentityFields.identity_record`` gives, without building a model instance."""
    pk, name, birth_date, sex, nik, birth_place, passport_no, address, phone, region = row[:10]
    return IdentityRecord(
        id=f"{prefix}{pk}",
        name=name,
        birth_date=birth_date,
        sex=sex or None,
        nik=nik or None,
        birth_place=birth_place or None,
        passport_no=passport_no or None,
        address=address or None,
        phone=phone or None,
        region_code=region,
    )


def _entry_state_included(
    *,
    removed_at: datetime | None,
    expires_on: date | None,
    subject_type: str,
    sharing_level: str,
    today: date,
) -> bool:
    """Whether a watchlist entry belongs in the index: in force, a person, shared as hits."""
    if removed_at is not None:
        return False
    if expires_on is not None and expires_on < today:
        return False
    if subject_type != SubjectType.PERSON:
        return False
    return sharing_level == SharingLevel.HIT


def entry_is_indexed(entry: WatchlistEntry, *, today: date | None = None) -> bool:
    """Whether ``entry`` belongs in the watchlist part of the index."""
    return _entry_state_included(
        removed_at=entry.removed_at,
        expires_on=entry.expires_on,
        subject_type=entry.subject_type,
        sharing_level=entry.sharing_level,
        today=today or timezone.localdate(),
    )


@dataclass(frozen=True)
class Source:
    """One table feeding one part of the index."""

    prefix: str
    part: str
    model: type[models.Model]
    # Watchlist entries change (edits, expiry, removal); events are written once.
    tracks_updates: bool

    def rows(self) -> models.QuerySet[Any]:
        return self.model._default_manager.order_by()

    def rows_by_id(self, ids: Sequence[int], columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """``columns`` of the rows with these ids, in id order, ``ID_BATCH`` ids a query."""
        for start in range(0, len(ids), ID_BATCH):
            batch = ids[start : start + ID_BATCH]
            yield from self.rows().filter(pk__in=batch).order_by("pk").values_list(*columns)

    def included(self, today: date) -> models.QuerySet[Any]:
        """The rows that belong in the index on ``today``."""
        rows = self.rows()
        if self.model is WatchlistEntry:
            return rows.filter(
                models.Q(removed_at__isnull=True),
                models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today),
                subject_type=SubjectType.PERSON,
                sharing_level=SharingLevel.HIT,
            )
        return rows

    @property
    def columns(self) -> tuple[str, ...]:
        return IDENTITY_COLUMNS + ENTRY_STATE_COLUMNS if self.tracks_updates else IDENTITY_COLUMNS

    def row_included(self, row: tuple[Any, ...], today: date) -> bool:
        if not self.tracks_updates:
            return True
        removed_at, expires_on, subject_type, sharing_level, _updated = row[10:15]
        return _entry_state_included(
            removed_at=removed_at,
            expires_on=expires_on,
            subject_type=subject_type,
            sharing_level=sharing_level,
            today=today,
        )


SOURCES = (
    Source("w", WATCHLIST, WatchlistEntry, tracks_updates=True),
    Source("a", EVENTS, PassportApplication, tracks_updates=False),
    Source("d", EVENTS, DepartureCheck, tracks_updates=False),
)
SOURCES_BY_PREFIX = {source.prefix: source for source in SOURCES}


def part_of(record_id: str) -> str:
    """The part an id belongs to, by its prefix ("w" watchlist, "a"/"d" events)."""
    source = SOURCES_BY_PREFIX.get(record_id[:1])
    if source is None or not record_id[1:].isdigit():
        raise ScreeningIndexError(
            f"{record_id!r} is not a screening index id (w<pk>, a<pk> or d<pk>)."
        )
    return source.part


# -- The store: both parts and their synchronisation with the database ------------------------


@dataclass
class SourceState:
    """How far the store has read one source."""

    max_pk: int = 0
    # Watchlist entries: rows updated at or after this (minus UPDATE_SKEW) are re-read.
    updated_since: datetime | None = None
    # pk -> updated_at already applied, for rows inside the skew window.
    applied_versions: dict[int, datetime] = field(default_factory=dict)
    # Gaps of primary keys skipped by the poll (transactions not yet committed, or rolled
    # back): first id of the gap -> (last id, first seen as epoch seconds). A sequence
    # hands out ids in blocks (rolled-back transactions, other processes), so gaps are kept
    # as ranges: one range query each, whatever their length.
    pending: dict[int, tuple[int, float]] = field(default_factory=dict)

    def is_pending(self, pk: int) -> bool:
        return any(low <= pk <= high for low, (high, _seen) in self.pending.items())

    def to_json(self) -> dict[str, Any]:
        return {
            "max_pk": self.max_pk,
            "updated_since": self.updated_since.isoformat() if self.updated_since else None,
            "applied_versions": {
                str(pk): at.isoformat() for pk, at in self.applied_versions.items()
            },
            "pending": {str(low): [high, seen] for low, (high, seen) in self.pending.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceState:
        since = data.get("updated_since")
        return cls(
            max_pk=int(data["max_pk"]),
            updated_since=datetime.fromisoformat(since) if since else None,
            applied_versions={
                int(pk): datetime.fromisoformat(at)
                for pk, at in data.get("applied_versions", {}).items()
            },
            pending={
                int(low): (int(gap[0]), float(gap[1]))
                for low, gap in data.get("pending", {}).items()
                if isinstance(gap, list)  # snapshots before gaps were ranges are dropped
            },
        )


def _close_gaps(pending: dict[int, tuple[int, float]], found: list[int]) -> None:
    """Take the ids found out of the pending gaps (a gap may split in two)."""
    for pk in found:
        for low, (high, seen) in list(pending.items()):
            if low <= pk <= high:
                del pending[low]
                if low < pk:
                    pending[low] = (pk - 1, seen)
                if pk < high:
                    pending[pk + 1] = (high, seen)
                break


@dataclass(frozen=True)
class StoreSettings:
    refresh_seconds: float = DEFAULT_REFRESH_MS / 1000
    reconcile_seconds: float = DEFAULT_RECONCILE_SECONDS
    compact_after_writes: int = COMPACT_AFTER_WRITES

    @classmethod
    def from_settings(cls) -> StoreSettings:
        return cls(
            refresh_seconds=float(
                getattr(settings, "SCREENING_INDEX_REFRESH_MS", DEFAULT_REFRESH_MS)
            )
            / 1000,
            reconcile_seconds=float(
                getattr(settings, "SCREENING_INDEX_RECONCILE_SECONDS", DEFAULT_RECONCILE_SECONDS)
            ),
        )


@dataclass
class RefreshReport:
    """What one :meth:`IndexStore.refresh` applied (for logs and tests)."""

    upserted: int = 0
    removed: int = 0
    reconciled: bool = False

    @property
    def changed(self) -> int:
        return self.upserted + self.removed


class IndexStore:
    """Both parts of the index and what has been read of each source.

    Thread-safe: searches never wait; writes (hooks, refresh, compaction, snapshots) are
    serialised by one lock, and a refresh runs in one thread at a time.
    """

    def __init__(
        self,
        *,
        watchlist: ScreeningIndex | None = None,
        events: ScreeningIndex | None = None,
        store_settings: StoreSettings | None = None,
    ) -> None:
        self.parts: dict[str, ScreeningIndex] = {
            WATCHLIST: watchlist if watchlist is not None else ScreeningIndex(),
            EVENTS: events if events is not None else ScreeningIndex(),
        }
        self.settings = store_settings or StoreSettings()
        self.states: dict[str, SourceState] = {source.prefix: SourceState() for source in SOURCES}
        self.today: date | None = None
        self.write_lock = threading.RLock()
        self.refresh_lock = threading.Lock()
        self.last_refresh = 0.0
        self.last_reconcile = time.monotonic()
        self.mismatch_streak: dict[str, int] = dict.fromkeys(PARTS, 0)
        # The difference (rows that belong minus entries held) seen at the last check.
        self.last_difference: dict[str, int] = dict.fromkeys(PARTS, 0)
        self.writes_since_compaction: dict[str, int] = dict.fromkeys(PARTS, 0)
        self.origin = "empty"
        self.load_seconds = 0.0

    # -- building ------------------------------------------------------------------------

    @classmethod
    def from_database(
        cls,
        *,
        store_settings: StoreSettings | None = None,
        chunk_size: int = BUILD_CHUNK_SIZE,
        progress: Callable[[str, int], None] | None = None,
    ) -> IndexStore:
        """Build both parts from the database, reading rows in chunks as tuples."""
        started = time.perf_counter()
        stamp = timezone.now()
        today = timezone.localdate()
        states = {source.prefix: SourceState() for source in SOURCES}
        # Marks first: a row committed while the build reads is then found by the refresh.
        for source in SOURCES:
            newest = source.rows().aggregate(newest=models.Max("pk"))["newest"] or 0
            states[source.prefix].max_pk = newest
            if source.tracks_updates:
                states[source.prefix].updated_since = stamp
                # Rows stamped inside the skew window are read now as well: the first refresh
                # then skips them instead of re-applying, say, a bulk import of a minute ago.
                recent = source.rows().filter(updated_at__gte=stamp - UPDATE_SKEW)
                states[source.prefix].applied_versions = dict(
                    recent.values_list("pk", "updated_at")
                )

        def records(source: Source) -> Iterator[IdentityRecord]:
            state = states[source.prefix]
            prefix = source.prefix
            rows = source.included(today).values_list(*IDENTITY_COLUMNS)
            for count, row in enumerate(rows.iterator(chunk_size=chunk_size), start=1):
                pk = row[0]
                if pk > state.max_pk:
                    state.max_pk = pk
                if progress is not None and count % 100_000 == 0:
                    progress(source.prefix, count)
                yield record_from_row(prefix, row)

        def part_records(part: str) -> Iterator[IdentityRecord]:
            for source in SOURCES:
                if source.part == part:
                    yield from records(source)

        watchlist = ScreeningIndex(part_records(WATCHLIST))
        events = ScreeningIndex(part_records(EVENTS))
        store = cls(watchlist=watchlist, events=events, store_settings=store_settings)
        store.states = states
        store.today = today
        store.origin = "database"
        store.load_seconds = time.perf_counter() - started
        store.last_refresh = time.monotonic()
        return store

    # -- reading -------------------------------------------------------------------------

    def search(
        self,
        part: str,
        record: IdentityRecord | PreparedIdentity,
        *,
        top: int,
        threshold: float | None,
    ) -> list[Candidate]:
        index = self.parts.get(part)
        if index is None:
            raise ScreeningIndexError(f"Unknown index part {part!r}.")
        return index.search(record, top=top, threshold=threshold)

    def search_person(
        self,
        record: IdentityRecord,
        *,
        watchlist_top: int,
        events_top: int,
        threshold: float,
    ) -> tuple[list[Candidate], list[Candidate]]:
        """Both searches of a screening, with the record prepared once for the two."""
        prepared = prepare_identity(record)
        return (
            self.search(WATCHLIST, prepared, top=watchlist_top, threshold=threshold),
            self.search(EVENTS, prepared, top=events_top, threshold=threshold),
        )

    def sizes(self) -> dict[str, int]:
        return {part: len(index) for part, index in self.parts.items()}

    # -- writing -------------------------------------------------------------------------

    def upsert(self, record: IdentityRecord) -> None:
        part = part_of(record.id)
        index = self.parts[part]
        with self.write_lock:
            if record.id in index:
                index.update(record)
            else:
                index.add(record)
            self._count_write(part)

    def remove(self, record_id: str) -> None:
        part = part_of(record_id)
        index = self.parts[part]
        with self.write_lock:
            if record_id in index:
                index.remove(record_id)

    def _count_write(self, part: str) -> None:
        self.writes_since_compaction[part] += 1

    def compact_if_needed(self) -> None:
        for part, index in self.parts.items():
            if self.writes_since_compaction[part] >= self.settings.compact_after_writes:
                with self.write_lock:
                    index.compact()
                    self.writes_since_compaction[part] = 0

    # -- synchronisation with the database ------------------------------------------------

    def refresh_due(self) -> bool:
        return time.monotonic() - self.last_refresh >= self.settings.refresh_seconds

    def refresh_if_due(self) -> RefreshReport | None:
        """Apply the database's changes if the refresh interval has passed and no other
        thread is refreshing; never inside a transaction (its uncommitted rows could still
        roll back)."""
        if not self.refresh_due() or connection.in_atomic_block:
            return None
        if not self.refresh_lock.acquire(blocking=False):
            return None
        try:
            return self._refresh()
        finally:
            self.refresh_lock.release()

    def refresh(self, *, reconcile: bool | None = None) -> RefreshReport:
        """Apply the database's changes now (waits for a refresh in another thread)."""
        with self.refresh_lock:
            return self._refresh(reconcile=reconcile)

    def _refresh(self, *, reconcile: bool | None = None) -> RefreshReport:
        report = RefreshReport()
        now_epoch = time.time()
        today = timezone.localdate()
        for source in SOURCES:
            self._apply_new_rows(source, today, now_epoch, report)
            if source.tracks_updates:
                self._apply_updated_rows(source, today, report)
        self._apply_expiry(today, report)
        due = time.monotonic() - self.last_reconcile >= self.settings.reconcile_seconds
        if reconcile or (reconcile is None and due):
            self._reconcile(today, report, force=bool(reconcile))
            self.last_reconcile = time.monotonic()
        self.compact_if_needed()
        self.last_refresh = time.monotonic()
        if report.changed:
            logger.info(
                "screening index: %d upserted, %d removed from the database's changes",
                report.upserted,
                report.removed,
            )
        return report

    def _apply_row(
        self, source: Source, row: tuple[Any, ...], today: date, report: RefreshReport
    ) -> None:
        record_id = f"{source.prefix}{row[0]}"
        if source.row_included(row, today):
            self.upsert(record_from_row(source.prefix, row))
            report.upserted += 1
        elif record_id in self.parts[source.part]:
            self.remove(record_id)
            report.removed += 1

    def _apply_new_rows(
        self, source: Source, today: date, now_epoch: float, report: RefreshReport
    ) -> None:
        state = self.states[source.prefix]
        index = self.parts[source.part]
        pending = state.pending
        for low, (_high, seen) in list(pending.items()):
            if now_epoch - seen > PENDING_SECONDS:
                del pending[low]
        query = models.Q(pk__gt=state.max_pk)
        for low, (high, _seen) in pending.items():
            query |= models.Q(pk__gte=low, pk__lte=high)
        new_rows = source.rows().filter(query).order_by("pk")
        if source.tracks_updates:
            rows = list(new_rows.values_list(*source.columns))
            found = [row[0] for row in rows]
        else:
            # Events never change: of the new ones, only those that no hook indexed yet are
            # read whole (a screening indexes its own record as it commits).
            found = list(new_rows.values_list("pk", flat=True))
            missing = [pk for pk in found if f"{source.prefix}{pk}" not in index]
            rows = list(source.rows_by_id(missing, source.columns))
        if not found:
            return
        previous_max = state.max_pk
        for row in rows:
            if source.tracks_updates:
                state.applied_versions[row[0]] = row[14]
            self._apply_row(source, row, today, report)
        _close_gaps(pending, [pk for pk in found if pk <= previous_max])
        newest = found[-1]
        if newest > previous_max:
            # Ids skipped by open transactions are asked for again for a while; beyond
            # MAX_PENDING_GAPS gaps, the reconciliation finds what is left.
            seen_before = previous_max
            for pk in [pk for pk in found if pk > previous_max]:
                if pk > seen_before + 1 and len(pending) < MAX_PENDING_GAPS:
                    pending[seen_before + 1] = (pk - 1, now_epoch)
                seen_before = pk
            state.max_pk = newest

    def _apply_updated_rows(self, source: Source, today: date, report: RefreshReport) -> None:
        state = self.states[source.prefix]
        if state.updated_since is None:
            state.updated_since = timezone.now()
            return
        window_start = state.updated_since - UPDATE_SKEW
        rows = (
            source.rows()
            .filter(updated_at__gte=window_start, pk__lte=state.max_pk)
            .values_list(*source.columns)
        )
        newest = state.updated_since
        applied = state.applied_versions
        for row in rows:
            pk, updated_at = row[0], row[14]
            if applied.get(pk) == updated_at:
                continue
            applied[pk] = updated_at
            self._apply_row(source, row, today, report)
            newest = max(newest, updated_at)
        state.updated_since = newest
        horizon = newest - UPDATE_SKEW
        for pk, updated_at in list(applied.items()):
            if updated_at < horizon:
                del applied[pk]

    def _apply_expiry(self, today: date, report: RefreshReport) -> None:
        previous = self.today
        self.today = today
        if previous is None or today <= previous:
            return
        index = self.parts[WATCHLIST]
        expired = WatchlistEntry.objects.order_by().filter(
            expires_on__gte=previous, expires_on__lt=today
        )
        for pk in expired.values_list("pk", flat=True).iterator(chunk_size=BUILD_CHUNK_SIZE):
            record_id = f"w{pk}"
            if record_id in index:
                self.remove(record_id)
                report.removed += 1

    def _reconcile(self, today: date, report: RefreshReport, *, force: bool) -> None:
        """Compare row counts with the index; diff the ids when they disagree by the same
        number twice in a row (or at once when ``force``).

        Under steady load the counts rarely agree at one instant: rows are committed while the
        count runs and their hooks arrive a moment later. Such a difference changes from one
        check to the next; a row deleted outright (or an update that stamped nothing) leaves
        the same difference every time. Diffing the ids reads every id of the part, so only
        the lasting difference is worth it.
        """
        report.reconciled = True
        for part in PARTS:
            sources = [source for source in SOURCES if source.part == part]
            difference = self._count_included(sources, today) - len(self.parts[part])
            if difference == 0:
                self.mismatch_streak[part] = 0
            elif difference == self.last_difference[part]:
                self.mismatch_streak[part] += 1
            else:
                self.mismatch_streak[part] = 1
            self.last_difference[part] = difference
            if difference and (force or self.mismatch_streak[part] >= 2):
                self._diff(sources, today, report)
                self.mismatch_streak[part] = 0
                self.last_difference[part] = 0

    @staticmethod
    def _count_included(sources: list[Source], today: date) -> int:
        """The rows that belong in a part. On PostgreSQL the count runs on one core: a
        parallel scan would take every core of a small server from the screenings for its
        duration."""
        if connection.vendor != "postgresql":
            # Not in a transaction: on SQLite it would take the write lock from other writers.
            return sum(source.included(today).count() for source in sources)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return sum(source.included(today).count() for source in sources)

    def _diff(self, sources: list[Source], today: date, report: RefreshReport) -> None:
        for source in sources:
            index = self.parts[source.part]
            prefix = source.prefix
            wanted = {
                f"{prefix}{pk}"
                for pk in source.included(today)
                .values_list("pk", flat=True)
                .iterator(chunk_size=BUILD_CHUNK_SIZE)
            }
            present = {record_id for record_id in index.entry_ids() if record_id[:1] == prefix}
            for record_id in present - wanted:
                self.remove(record_id)
                report.removed += 1
            missing = sorted(int(record_id[1:]) for record_id in wanted - present)
            for row in source.rows_by_id(missing, IDENTITY_COLUMNS):
                self.upsert(record_from_row(prefix, row))
                report.upserted += 1
        logger.warning(
            "screening index: ids compared with the database (%d upserted, %d removed so far)",
            report.upserted,
            report.removed,
        )

    # -- snapshots -----------------------------------------------------------------------

    def save_snapshot(self, directory: str | Path) -> None:
        """Write both parts and the read marks to ``directory`` (atomically per file).

        The files hold every indexed identity: the directory is made 0o700 and each file is
        created 0o600 before anything is written to it, whatever the process umask.
        """
        folder = Path(directory)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
        with self.refresh_lock, self.write_lock:
            for part, index in self.parts.items():
                temporary = _private_file(folder / f".{part}.npz.tmp")
                index.save(temporary)
                os.replace(temporary, folder / f"{part}.npz")
                self.writes_since_compaction[part] = 0
            state = {
                "format": SNAPSHOT_FORMAT,
                "saved_at": time.time(),
                "today": self.today.isoformat() if self.today else None,
                "sources": {prefix: state.to_json() for prefix, state in self.states.items()},
            }
            temporary = _private_file(folder / ".state.json.tmp")
            temporary.write_text(json.dumps(state), encoding="utf-8")
            os.replace(temporary, folder / "state.json")

    @classmethod
    def from_snapshot(
        cls,
        directory: str | Path,
        *,
        max_age_seconds: float = DEFAULT_SNAPSHOT_MAX_AGE,
        store_settings: StoreSettings | None = None,
    ) -> IndexStore | None:
        """The store saved in ``directory`` if it is there and fresh enough, else ``None``.
        The caller then applies the changes since it was saved with :meth:`refresh`."""
        started = time.perf_counter()
        folder = Path(directory)
        state_path = folder / "state.json"
        if not state_path.is_file():
            return None
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            logger.warning("screening index snapshot %s unreadable: %s", state_path, error)
            return None
        if state.get("format") != SNAPSHOT_FORMAT:
            return None
        age = time.time() - float(state.get("saved_at", 0))
        if age > max_age_seconds:
            logger.info("screening index snapshot is %.0f s old; building from the database", age)
            return None
        try:
            watchlist = ScreeningIndex.load(folder / f"{WATCHLIST}.npz")
            events = ScreeningIndex.load(folder / f"{EVENTS}.npz")
        except (OSError, ValueError, KeyError) as error:
            logger.warning("screening index snapshot in %s unreadable: %s", folder, error)
            return None
        store = cls(watchlist=watchlist, events=events, store_settings=store_settings)
        store.states = {
            prefix: SourceState.from_json(data) for prefix, data in state["sources"].items()
        }
        for source in SOURCES:
            store.states.setdefault(source.prefix, SourceState())
        store.today = date.fromisoformat(state["today"]) if state.get("today") else None
        store.origin = "snapshot"
        store.load_seconds = time.perf_counter() - started
        return store


def _private_file(path: Path) -> Path:
    """An empty file at ``path`` readable and writable by its owner only (0o600).

    A leftover of an interrupted save is replaced; writing to the path afterwards (truncating)
    keeps the mode, and so does the rename over the snapshot file.
    """
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    return path


# -- In-process backend ------------------------------------------------------------------------


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
                    logger.info(
                        "screening index built in %.1f s: %s", store.load_seconds, store.sizes()
                    )
                    self._store = store
        return store

    def _fresh_store(self) -> IndexStore:
        store = self.store()
        store.refresh_if_due()
        return store

    def search_watchlist(
        self, record: IdentityRecord, *, top: int = 10, threshold: float | None = None
    ) -> list[Candidate]:
        return self._fresh_store().search(WATCHLIST, record, top=top, threshold=threshold)

    def search_events(
        self, record: IdentityRecord, *, top: int = 20, threshold: float | None = None
    ) -> list[Candidate]:
        return self._fresh_store().search(EVENTS, record, top=top, threshold=threshold)

    def search_person(
        self, record: IdentityRecord, *, watchlist_top: int, events_top: int, threshold: float
    ) -> tuple[list[Candidate], list[Candidate]]:
        return self._fresh_store().search_person(
            record, watchlist_top=watchlist_top, events_top=events_top, threshold=threshold
        )

    def upsert(self, record: IdentityRecord) -> None:
        part_of(record.id)
        if self._store is not None:
            self._store.upsert(record)

    def remove(self, record_id: str) -> None:
        part_of(record_id)
        if self._store is not None:
            self._store.remove(record_id)


# -- The wire protocol ---------------------------------------------------------------------------
#
# Every message is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON.
# Requests: {"op": "search", "part": "watchlist"|"events", "record": [...], "top": n,
# "threshold": x|null}, {"op": "upsert", "record": [...]}, {"op": "remove", "id": "w12"},
# {"op": "status"}. Answers: {"ok": true, ...} or {"ok": false, "error": "..."}.

_LENGTH = struct.Struct(">I")
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
_RECORD_FIELDS = (
    "id",
    "name",
    "birth_date",
    "sex",
    "nik",
    "birth_place",
    "passport_no",
    "address",
    "phone",
    "region_code",
)


def record_to_wire(record: IdentityRecord) -> list[Any]:
    values: list[Any] = [getattr(record, name) for name in _RECORD_FIELDS]
    if record.birth_date is not None:
        values[2] = record.birth_date.isoformat()
    return values


def record_from_wire(values: list[Any]) -> IdentityRecord:
    if not isinstance(values, list) or len(values) != len(_RECORD_FIELDS):
        raise ScreeningIndexError("A record must be a list of 10 fields.")
    data = dict(zip(_RECORD_FIELDS, values, strict=True))
    if data["birth_date"] is not None:
        data["birth_date"] = date.fromisoformat(data["birth_date"])
    if not isinstance(data["id"], str) or not isinstance(data["name"], str):
        raise ScreeningIndexError("A record needs a text id and name.")
    return IdentityRecord(**data)


def candidates_to_wire(candidates: Iterable[Candidate]) -> list[Any]:
    return [
        [
            candidate.entry_id,
            candidate.comparison.score,
            candidate.comparison.match_weight,
            [
                [result.feature, str(result.level), result.weight, result.similarity]
                for result in candidate.comparison.features
            ],
        ]
        for candidate in candidates
    ]


# Level by its wire value: a dict lookup instead of the enum's call, for every feature of
# every candidate of every search.
_LEVELS: dict[Any, Level] = {level.value: level for level in Level}


def candidates_from_wire(values: list[Any]) -> list[Candidate]:
    candidates = []
    for entry_id, score, match_weight, features in values:
        comparison = Comparison(
            score=score,
            match_weight=match_weight,
            features=tuple(
                FeatureResult(
                    feature,
                    _LEVELS[level] if level in _LEVELS else Level(level),
                    weight,
                    similarity,
                )
                for feature, level, weight, similarity in features
            ),
        )
        candidates.append(Candidate(entry_id, score, comparison))
    return candidates


def _receive_exactly(stream: socket.socket, size: int) -> bytes | None:
    chunks = []
    remaining = size
    while remaining:
        chunk = stream.recv(min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def encode_message(message: dict[str, Any]) -> bytes:
    payload = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return _LENGTH.pack(len(payload)) + payload


def send_message(stream: socket.socket, message: dict[str, Any]) -> None:
    stream.sendall(encode_message(message))


def receive_message(stream: socket.socket) -> dict[str, Any] | None:
    """The next message, or ``None`` when the other side closed the connection cleanly."""
    header = _receive_exactly(stream, _LENGTH.size)
    if header is None:
        return None
    (size,) = _LENGTH.unpack(header)
    if size > MAX_MESSAGE_BYTES:
        raise ScreeningIndexError(f"Message of {size} bytes is over the limit.")
    payload = _receive_exactly(stream, size)
    if payload is None:
        raise ConnectionError("connection closed in the middle of a message")
    message = json.loads(payload)
    if not isinstance(message, dict):
        raise ScreeningIndexError("A message must be a JSON object.")
    return message


# -- Socket client -------------------------------------------------------------------------------


class SocketBackend:
    """Client of ``manage.py screening_index_serve``: one connection per thread (and per
    process, so it survives gunicorn's fork), reconnecting once when a connection broke."""

    def __init__(self, socket_path: str, *, timeout: float = 5.0) -> None:
        self.socket_path = socket_path
        self.timeout = timeout
        self._local = threading.local()

    def _unavailable(self, error: BaseException) -> ScreeningIndexUnavailable:
        return ScreeningIndexUnavailable(
            f"The screening index service at {self.socket_path} is not answering ({error}). "
            f"Start it with `manage.py screening_index_serve --socket {self.socket_path}` "
            "(see docs/screening-index.md)."
        )

    def _connection(self) -> socket.socket:
        stream: socket.socket | None = getattr(self._local, "stream", None)
        if stream is not None and self._local.pid == os.getpid():
            return stream
        stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stream.settimeout(self.timeout)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                stream.connect(self.socket_path)
                break
            except BlockingIOError:
                # The service's backlog is full for a moment (many workers connecting).
                if time.monotonic() > deadline:
                    stream.close()
                    raise
                time.sleep(0.01)
            except OSError:
                stream.close()
                raise
        self._local.stream = stream
        self._local.pid = os.getpid()
        return stream

    def close(self) -> None:
        stream: socket.socket | None = getattr(self._local, "stream", None)
        if stream is not None:
            if self._local.pid == os.getpid():
                stream.close()
            self._local.stream = None

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return the answer; retry once on a broken connection."""
        for attempt in (1, 2):
            try:
                stream = self._connection()
                send_message(stream, request)
                answer = receive_message(stream)
                if answer is None:
                    raise ConnectionError("the service closed the connection")
            except TimeoutError as error:
                self.close()
                raise ScreeningIndexUnavailable(
                    f"The screening index service at {self.socket_path} did not answer within "
                    f"{self.timeout:.1f} s."
                ) from error
            except (OSError, ValueError) as error:
                self.close()
                if attempt == 2:
                    raise self._unavailable(error) from error
                continue
            if not answer.get("ok"):
                raise ScreeningIndexError(
                    f"The screening index service refused the request: {answer.get('error')}"
                )
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    def search_watchlist(
        self, record: IdentityRecord, *, top: int = 10, threshold: float | None = None
    ) -> list[Candidate]:
        return self._search(WATCHLIST, record, top=top, threshold=threshold)

    def search_events(
        self, record: IdentityRecord, *, top: int = 20, threshold: float | None = None
    ) -> list[Candidate]:
        return self._search(EVENTS, record, top=top, threshold=threshold)

    def search_person(
        self, record: IdentityRecord, *, watchlist_top: int, events_top: int, threshold: float
    ) -> tuple[list[Candidate], list[Candidate]]:
        answer = self.call(
            {
                "op": "search_person",
                "record": record_to_wire(record),
                "watchlist_top": watchlist_top,
                "events_top": events_top,
                "threshold": threshold,
            }
        )
        return (
            candidates_from_wire(answer["watchlist"]),
            candidates_from_wire(answer["events"]),
        )

    def _search(
        self, part: str, record: IdentityRecord, *, top: int, threshold: float | None
    ) -> list[Candidate]:
        answer = self.call(
            {
                "op": "search",
                "part": part,
                "record": record_to_wire(record),
                "top": top,
                "threshold": threshold,
            }
        )
        return candidates_from_wire(answer["candidates"])

    def upsert(self, record: IdentityRecord) -> None:
        part_of(record.id)
        self.call({"op": "upsert", "record": record_to_wire(record)})

    def remove(self, record_id: str) -> None:
        part_of(record_id)
        self.call({"op": "remove", "id": record_id})

    def status(self) -> dict[str, Any]:
        return self.call({"op": "status"})


# -- The service ---------------------------------------------------------------------------------


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
    interpreter lock, adding its switching delays to every answer.
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
        self._buffers: dict[socket.socket, bytearray] = {}
        # Changes received while the store's write lock was busy (touched by the loop only).
        self._deferred: list[IdentityRecord | str] = []
        _remove_stale_socket(socket_path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(socket_path)
            os.chmod(socket_path, 0o660)
            # Every web worker keeps a connection; many may connect at the same moment.
            listener.listen(256)
        except OSError:
            listener.close()
            raise
        listener.setblocking(False)
        self._listener = listener
        self._wakeup_receiver, self._wakeup_sender = socket.socketpair()
        self._wakeup_receiver.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(listener, selectors.EVENT_READ, "accept")
        self._selector.register(self._wakeup_receiver, selectors.EVENT_READ, "wakeup")

    # -- answering -----------------------------------------------------------------------

    def answer(self, message: dict[str, Any]) -> dict[str, Any]:
        op = message.get("op")
        store = self.store
        if op == "search":
            record = record_from_wire(message["record"])
            threshold = message.get("threshold")
            candidates = store.search(
                str(message["part"]),
                record,
                top=int(message.get("top", 10)),
                threshold=None if threshold is None else float(threshold),
            )
            return {"ok": True, "candidates": candidates_to_wire(candidates)}
        if op == "search_person":
            # One round trip for the two searches of every screening.
            record = record_from_wire(message["record"])
            hits, events = store.search_person(
                record,
                watchlist_top=int(message["watchlist_top"]),
                events_top=int(message["events_top"]),
                threshold=float(message["threshold"]),
            )
            return {
                "ok": True,
                "watchlist": candidates_to_wire(hits),
                "events": candidates_to_wire(events),
            }
        if op == "upsert":
            record = record_from_wire(message["record"])
            part_of(record.id)
            self._write(record)
            return {"ok": True}
        if op == "remove":
            record_id = str(message["id"])
            part_of(record_id)
            self._write(record_id)
            return {"ok": True}
        if op == "status":
            return {
                "ok": True,
                "pid": os.getpid(),
                "sizes": store.sizes(),
                "origin": store.origin,
                "load_seconds": store.load_seconds,
                "uptime_seconds": time.time() - self.started,
                "connections": len(self._buffers),
                "deferred_changes": len(self._deferred),
                "memory": _resident_memory(),
            }
        raise ScreeningIndexError(f"Unknown operation {op!r}.")

    def _write(self, change: IdentityRecord | str) -> None:
        """Apply an upsert (a record) or a removal (an id) without ever making the loop wait:
        while the sync thread holds the write lock (compaction, a snapshot), changes queue
        up in arrival order and are applied as soon as it is free."""
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
                    self.store.upsert(change)
        finally:
            self.store.write_lock.release()

    def _answer_payload(self, payload: bytes) -> dict[str, Any]:
        try:
            message = json.loads(payload)
            if not isinstance(message, dict):
                raise ScreeningIndexError("A message must be a JSON object.")
            return self.answer(message)
        except ScreeningIndexError as error:
            return {"ok": False, "error": str(error)}
        except (KeyError, TypeError, ValueError) as error:
            return {"ok": False, "error": f"malformed request: {error!r}"}
        except Exception as error:
            logger.exception("screening index service failed on a request")
            return {"ok": False, "error": f"internal error: {error!r}"}

    # -- the loop ------------------------------------------------------------------------

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Answer clients until :meth:`shutdown`."""
        self._serving = True
        self._stopped.clear()
        try:
            while not self._stopping.is_set():
                timeout = 0.02 if self._deferred else poll_interval
                for key, _events in self._selector.select(timeout=timeout):
                    if key.data == "accept":
                        self._accept()
                    elif key.data == "wakeup":
                        with contextlib.suppress(OSError):
                            self._wakeup_receiver.recv(4096)
                    else:
                        self._read(key.fileobj)  # type: ignore[arg-type]
                self._apply_deferred()
        finally:
            self._serving = False
            self._stopped.set()

    def _accept(self) -> None:
        while True:
            try:
                stream, _address = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                logger.exception("screening index service: accept failed")
                return
            # Reads happen only when the selector says data is there; a client that stops
            # reading its answers is dropped after the timeout instead of stalling the loop.
            stream.settimeout(5.0)
            self._buffers[stream] = bytearray()
            self._selector.register(stream, selectors.EVENT_READ, "client")

    def _drop(self, stream: socket.socket) -> None:
        self._buffers.pop(stream, None)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(stream)
        stream.close()

    def _read(self, stream: socket.socket) -> None:
        try:
            data = stream.recv(1 << 16)
        except OSError:
            self._drop(stream)
            return
        if not data:
            self._drop(stream)
            return
        buffer = self._buffers[stream]
        buffer += data
        while len(buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(buffer)
            if size > MAX_MESSAGE_BYTES:
                self._drop(stream)
                return
            end = _LENGTH.size + size
            if len(buffer) < end:
                return
            payload = bytes(buffer[_LENGTH.size : end])
            del buffer[:end]
            try:
                stream.sendall(encode_message(self._answer_payload(payload)))
            except OSError:
                self._drop(stream)
                return

    def shutdown(self) -> None:
        """Ask :meth:`serve_forever` to return and wait until it has (any thread)."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wakeup_sender.send(b"x")
        if self._serving:
            self._stopped.wait(timeout=10)

    def stop(self) -> None:
        """Stop serving and syncing, close every connection and remove the socket file."""
        self.shutdown()
        if self._sync_thread is not None:
            self._sync_thread.join(timeout=10)
        with self.store.write_lock:
            self._apply_deferred()
        for stream in list(self._buffers):
            self._drop(stream)
        self._selector.close()
        self._listener.close()
        self._wakeup_receiver.close()
        self._wakeup_sender.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket_path)

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


# How often the service moves what survived into the collector's permanent generation.
SETTLE_MEMORY_SECONDS = 60.0


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


# -- The process-wide backend and the hooks -----------------------------------------------------

_backends: dict[str, InProcessBackend | SocketBackend] = {}
_backends_lock = threading.Lock()


def _socket_setting() -> str:
    return str(getattr(settings, "SCREENING_INDEX_SOCKET", "") or "")


def screening_index() -> InProcessBackend | SocketBackend:
    """The process-wide screening index: a client of the shared service when
    ``SCREENING_INDEX_SOCKET`` is set, else the in-process index."""
    key = _socket_setting()
    backend = _backends.get(key)
    if backend is None:
        with _backends_lock:
            backend = _backends.get(key)
            if backend is None:
                if key:
                    timeout = float(getattr(settings, "SCREENING_INDEX_TIMEOUT_SECONDS", 5.0))
                    backend = SocketBackend(key, timeout=timeout)
                else:
                    backend = InProcessBackend()
                _backends[key] = backend
    return backend


def screening_index_reset() -> None:
    """Forget the process-wide index (tests: the database was rolled back)."""
    with _backends_lock:
        for backend in _backends.values():
            if isinstance(backend, SocketBackend):
                backend.close()
        _backends.clear()


def _apply_after_commit(record_id: str, record: IdentityRecord | None) -> None:
    def apply() -> None:
        backend = screening_index()
        if record is None:
            backend.remove(record_id)
        else:
            backend.upsert(record)

    # robust: the database is the truth; if the service is down the change still reaches it
    # by the refresh, so a failure here is logged instead of failing the committed write.
    transaction.on_commit(apply, robust=True)


def index_watchlist_entry(entry: WatchlistEntry) -> None:
    """Put ``entry`` in the index when it is in force and shared as a person, take it out
    otherwise (after the transaction commits)."""
    record = entry.identity_record(record_id=entry.index_id) if entry_is_indexed(entry) else None
    _apply_after_commit(entry.index_id, record)


def index_application(application: PassportApplication) -> None:
    """Put a passport application among the earlier events (after the commit)."""
    _apply_after_commit(
        application.index_id, application.identity_record(record_id=application.index_id)
    )


def index_departure_check(check: DepartureCheck) -> None:
    """Put a departure check among the earlier events (after the commit)."""
    _apply_after_commit(check.index_id, check.identity_record(record_id=check.index_id))
