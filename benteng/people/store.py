"""The screening index's store: both parts of the index in memory and their synchronisation
with the database.

Two parts, each a :class:`benteng.core.index.ScreeningIndex`, fed by the registered identity
sources (:mod:`benteng.people.sources`):

- **watchlist** — watchlist entries in force whose subject is a person, including entries
  shared with the owner agency only (held with that agency: :meth:`IndexStore.search` leaves
  them out for readers of other agencies, before the best are chosen);
- **events** — every passport application and departure check.

How changes reach the store:

1. **At once**: the hooks of :mod:`benteng.people.index` (after the transaction commits).
2. **Within the refresh interval** (:meth:`IndexStore.refresh`), for writes that did not call
   a hook (another process with the in-process backend, a bulk import, a shell): new rows by
   primary key (ids skipped by a transaction still open are retried for a while), changed
   rows by their update stamp (re-read within a clock-skew window), rows that expired at
   midnight by their expiry date.
3. **Reconciliation** every ``SCREENING_INDEX_RECONCILE_SECONDS``: the number of rows that
   belong in each part is compared with the index; the same difference seen twice in a row
   (rows deleted outright, an update that did not touch the stamp) triggers a diff of the
   ids. A difference that changes between checks is writes in flight and is left alone.

The watchlist part's parameters (m and u of every comparison level) are estimated when the
store is built (:func:`fit_watchlist_parameters`): by EM on the newest screenings, unlabelled,
before the new store answers any search (a running service keeps its store until the next
build; a snapshot keeps the parameters it was saved with).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from benteng.core.compare import PreparedIdentity, prepare_identity
from benteng.core.index import FIT_MINIMUM_ENTRIES, ScreeningIndex
from benteng.core.records import IdentityRecord
from benteng.people.sources import (
    EVENTS,
    EVERY_AGENCY,
    IDENTITY_COLUMNS,
    PARTS,
    WATCHLIST,
    Audience,
    IdentitySource,
    ScreeningIndexError,
    SourceMatch,
    matches_of,
    part_of,
    source_of_key,
    sources,
)

__all__ = [
    "EVENTS",
    "WATCHLIST",
    "IndexStore",
    "ParameterFit",
    "RefreshReport",
    "StoreSettings",
    "fit_watchlist_parameters",
    "recent_screenings",
]

logger = logging.getLogger(__name__)

DEFAULT_REFRESH_MS = 1000
# Each check counts every row of both parts (1.5 million rows: about 0.3 s of database time):
# a safety net for deletes that bypass the services, not the way changes normally arrive.
DEFAULT_RECONCILE_SECONDS = 300.0
# Changed rows are re-read this far behind the newest update stamp seen, so a transaction
# that stamped its rows a little before committing is not missed.
UPDATE_SKEW = timedelta(seconds=30)
# A primary key skipped by the poll (its transaction still open) is asked for again this long.
PENDING_SECONDS = 120.0
# Gaps of skipped ids are asked for again on every refresh, one range each; more gaps than
# this are left to the reconciliation.
MAX_PENDING_GAPS = 200
# Writes folded into the posting arrays after this many additions/updates (per part).
COMPACT_AFTER_WRITES = 100_000
BUILD_CHUNK_SIZE = 20_000
SNAPSHOT_FORMAT = "benteng-screening-index-snapshot-2"
# The watchlist part is fitted (EM, unlabelled) on at most this many of the newest screenings
# (passport applications and departure checks): about 4 s CPU at 20,000 entries, 3 s of
# EM on top of the 50 s build at 1,000,000 (bench/README.md, "Fourth round").
SCREENING_FIT_SAMPLE = 2_000
# With fewer screenings than this the EM finds too few same-person pairs to trust; the
# watchlist part then keeps its build-time fit on its own entries (the default m, u of the
# list) or, below FIT_MINIMUM_ENTRIES entries, the default parameters.
SCREENING_FIT_MINIMUM = 500
DEFAULT_SNAPSHOT_MAX_AGE = 24 * 3600.0


@dataclass
class SourceState:
    """How far the store has read one source."""

    max_pk: int = 0
    # Sources with an update stamp: rows stamped at or after this (minus UPDATE_SKEW) are
    # re-read.
    updated_since: datetime | None = None
    # pk -> update stamp already applied, for rows inside the skew window.
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
    # See SCREENING_FIT_SAMPLE, SCREENING_FIT_MINIMUM and FIT_MINIMUM_ENTRIES.
    fit_sample: int = SCREENING_FIT_SAMPLE
    fit_minimum_screenings: int = SCREENING_FIT_MINIMUM
    fit_minimum_entries: int = FIT_MINIMUM_ENTRIES

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


@dataclass(frozen=True)
class ParameterFit:
    """How the watchlist part's parameters were set at the last build."""

    # "screenings" (EM on the newest screenings), "list" (EM on the list's own entries:
    # fewer screenings than the minimum) or "defaults" (a list too small to fit on).
    source: str
    screenings: int  # screenings read for the fit (0 unless source is "screenings")
    estimated_m: bool  # whether the EM trusted its same-person pairs (else m kept)
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "screenings": self.screenings,
            "estimated_m": self.estimated_m,
            "seconds": self.seconds,
        }


NOT_FITTED = ParameterFit(source="defaults", screenings=0, estimated_m=False, seconds=0.0)


def recent_screenings(today: date, limit: int) -> list[IdentityRecord]:
    """The identity records of the newest ``limit`` screenings in the events part (passport
    applications, departure checks), newest first, taken in turn from each source.

    Unlabelled: nobody says which of them are listed people. Read for the parameter fit
    only (no officer sees them; nothing is kept but the parameters).
    """
    newest: list[list[IdentityRecord]] = []
    for source in sources():
        if source.part != EVENTS:
            continue
        columns = IDENTITY_COLUMNS + source.state_columns
        rows = source.indexed_rows(today).order_by("-pk").values_list(*columns)[:limit]
        newest.append(
            [
                source.record_from_row(row)
                for row in rows
                if source.row_audience(row, today) is not None
            ]
        )
    taken: list[IdentityRecord] = []
    for turn in range(max((len(records) for records in newest), default=0)):
        for records in newest:
            if turn < len(records) and len(taken) < limit:
                taken.append(records[turn])
    return taken


def fit_watchlist_parameters(
    index: ScreeningIndex, screenings: list[IdentityRecord], store_settings: StoreSettings
) -> ParameterFit:
    """Estimate the watchlist part's parameters on ``screenings`` (EM, unlabelled), or on
    the list's own entries when there are fewer than ``fit_minimum_screenings``; a list
    smaller than ``fit_minimum_entries`` keeps the parameters it was built with.

    Call it on an index no search uses yet: the parameters are swapped while it runs.
    """
    if len(index) < store_settings.fit_minimum_entries:
        return NOT_FITTED
    started = time.process_time()
    if len(screenings) >= store_settings.fit_minimum_screenings:
        estimate = index.fit_parameters(screenings, sample=store_settings.fit_sample)
        source, used = "screenings", len(screenings)
    else:
        estimate = index.fit_parameters(sample=store_settings.fit_sample)
        source, used = "list", 0
    return ParameterFit(
        source=source,
        screenings=used,
        estimated_m=estimate.estimated_m,
        seconds=round(time.process_time() - started, 3),
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
        self.states: dict[str, SourceState] = {source.label: SourceState() for source in sources()}
        # Keys of the entries only their owner agency may find -> that agency's kind.
        self.owner_only: dict[str, str] = {}
        # Per reader agency, the owner-only keys of the other agencies (cleared on a change).
        self._hidden_from: dict[str | None, frozenset[str]] = {}
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
        self.parameter_fit = NOT_FITTED

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
        states = {source.label: SourceState() for source in sources()}
        owner_only: dict[str, str] = {}
        # Marks first: a row committed while the build reads is then found by the refresh.
        for source in sources():
            newest = source.rows().aggregate(newest=models.Max("pk"))["newest"] or 0
            states[source.label].max_pk = newest
            stamp_column = source.updated_column
            if stamp_column:
                states[source.label].updated_since = stamp
                # Rows stamped inside the skew window are read now as well: the first refresh
                # then skips them instead of re-applying, say, a bulk import of a minute ago.
                recent = source.rows().filter(**{f"{stamp_column}__gte": stamp - UPDATE_SKEW})
                states[source.label].applied_versions = dict(recent.values_list("pk", stamp_column))

        def records(source: IdentitySource) -> Iterator[IdentityRecord]:
            state = states[source.label]
            columns = IDENTITY_COLUMNS + source.state_columns
            rows = source.indexed_rows(today).values_list(*columns)
            for count, row in enumerate(rows.iterator(chunk_size=chunk_size), start=1):
                pk = row[0]
                if pk > state.max_pk:
                    state.max_pk = pk
                if progress is not None and count % 100_000 == 0:
                    progress(source.label, count)
                audience = source.row_audience(row, today)
                if audience is None:
                    continue
                record = source.record_from_row(row)
                if audience.owner_only_agency is not None:
                    owner_only[record.id] = audience.owner_only_agency
                yield record

        def part_records(part: str) -> Iterator[IdentityRecord]:
            for source in sources():
                if source.part == part:
                    yield from records(source)

        store_settings = store_settings or StoreSettings()
        # Fitted below, on the screenings, before anything searches it.
        watchlist = ScreeningIndex(part_records(WATCHLIST), fit=False)
        events = ScreeningIndex(part_records(EVENTS))
        screenings = (
            recent_screenings(today, store_settings.fit_sample)
            if len(watchlist) >= store_settings.fit_minimum_entries
            else []
        )
        parameter_fit = fit_watchlist_parameters(watchlist, screenings, store_settings)
        store = cls(watchlist=watchlist, events=events, store_settings=store_settings)
        store.parameter_fit = parameter_fit
        store.states = states
        store.owner_only = owner_only
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
        reader_agency: str | None = None,
        possible_floor: float | None = None,
    ) -> list[SourceMatch]:
        """The best ``top`` rows of ``part`` that may be ``record``. Entries shared with
        their owner agency only are left out, before the best are chosen, unless
        ``reader_agency`` (the reader's agency kind) owns them. ``possible_floor``: the
        rows sharing only a name down to it too (``ScreeningIndex.search``)."""
        index = self.parts.get(part)
        if index is None:
            raise ScreeningIndexError(f"Unknown index part {part!r}.")
        hidden = self.hidden_from(reader_agency)
        return matches_of(
            index.search(
                record,
                top=top,
                threshold=threshold,
                exclude=hidden,
                possible_floor=possible_floor,
            )
        )

    def search_person(
        self,
        record: IdentityRecord,
        *,
        watchlist_top: int,
        events_top: int,
        threshold: float,
        reader_agency: str | None = None,
        possible_floor: float | None = None,
    ) -> tuple[list[SourceMatch], list[SourceMatch]]:
        """Both searches of a screening, with the record prepared once for the two; the
        watchlist's down to ``possible_floor`` for the entries sharing only a name."""
        prepared = prepare_identity(record)
        return (
            self.search(
                WATCHLIST,
                prepared,
                top=watchlist_top,
                threshold=threshold,
                reader_agency=reader_agency,
                possible_floor=possible_floor,
            ),
            self.search(
                EVENTS, prepared, top=events_top, threshold=threshold, reader_agency=reader_agency
            ),
        )

    def hidden_from(self, reader_agency: str | None) -> frozenset[str]:
        """The keys of the owner-only entries of agencies other than ``reader_agency``."""
        hidden = self._hidden_from.get(reader_agency)
        if hidden is None:
            hidden = frozenset(
                key for key, owner in self.owner_only.items() if owner != reader_agency
            )
            self._hidden_from[reader_agency] = hidden
        return hidden

    def sizes(self) -> dict[str, int]:
        return {part: len(index) for part, index in self.parts.items()}

    # -- writing -------------------------------------------------------------------------

    def upsert(self, record: IdentityRecord, audience: Audience = EVERY_AGENCY) -> None:
        """Add or replace the row keyed ``record.id``, findable by ``audience``."""
        part = part_of(record.id)
        index = self.parts[part]
        with self.write_lock:
            if record.id in index:
                index.update(record)
            else:
                index.add(record)
            self._set_owner(record.id, audience.owner_only_agency)
            self._count_write(part)

    def remove(self, record_id: str) -> None:
        part = part_of(record_id)
        index = self.parts[part]
        with self.write_lock:
            if record_id in index:
                index.remove(record_id)
            self._set_owner(record_id, None)

    def _set_owner(self, key: str, owner_only_agency: str | None) -> None:
        if self.owner_only.get(key) == owner_only_agency:
            return
        if owner_only_agency is None:
            del self.owner_only[key]
        else:
            self.owner_only[key] = owner_only_agency
        self._hidden_from = {}

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
        for source in sources():
            self._apply_new_rows(source, today, now_epoch, report)
            if source.updated_column:
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
        self, source: IdentitySource, row: tuple[Any, ...], today: date, report: RefreshReport
    ) -> None:
        record_id = source.key(row[0])
        audience = source.row_audience(row, today)
        if audience is not None:
            self.upsert(source.record_from_row(row), audience)
            report.upserted += 1
        elif record_id in self.parts[source.part]:
            self.remove(record_id)
            report.removed += 1

    def _apply_new_rows(
        self, source: IdentitySource, today: date, now_epoch: float, report: RefreshReport
    ) -> None:
        state = self.states[source.label]
        index = self.parts[source.part]
        pending = state.pending
        for low, (_high, seen) in list(pending.items()):
            if now_epoch - seen > PENDING_SECONDS:
                del pending[low]
        query = models.Q(pk__gt=state.max_pk)
        for low, (high, _seen) in pending.items():
            query |= models.Q(pk__gte=low, pk__lte=high)
        new_rows = source.rows().filter(query).order_by("pk")
        # Of the new rows, those a hook indexed already (a screening indexes its own record
        # as it commits) are not read whole again, unless changed since they were written
        # (a stamp; a source may leave it empty until a row's first change).
        if source.updated_column:
            stamped = list(new_rows.values_list("pk", source.updated_column))
            found = [pk for pk, _stamp in stamped]
            missing = [
                pk for pk, stamp in stamped if stamp is not None or source.key(pk) not in index
            ]
        else:
            found = list(new_rows.values_list("pk", flat=True))
            missing = [pk for pk in found if source.key(pk) not in index]
        if not found:
            return
        rows = list(source.rows_by_id(missing, source.columns))
        previous_max = state.max_pk
        for row in rows:
            if source.updated_column and row[-1] is not None:
                state.applied_versions[row[0]] = row[-1]
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

    def _apply_updated_rows(
        self, source: IdentitySource, today: date, report: RefreshReport
    ) -> None:
        state = self.states[source.label]
        if state.updated_since is None:
            state.updated_since = timezone.now()
            return
        window_start = state.updated_since - UPDATE_SKEW
        rows = (
            source.rows()
            .filter(**{f"{source.updated_column}__gte": window_start}, pk__lte=state.max_pk)
            .values_list(*source.columns)
        )
        newest = state.updated_since
        applied = state.applied_versions
        for row in rows:
            pk, updated_at = row[0], row[-1]
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
        for source in sources():
            column = source.expiry_column
            if column is None:
                continue
            index = self.parts[source.part]
            expired = source.rows().filter(**{f"{column}__gte": previous, f"{column}__lt": today})
            for pk in expired.values_list("pk", flat=True).iterator(chunk_size=BUILD_CHUNK_SIZE):
                record_id = source.key(pk)
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
            part_sources = [source for source in sources() if source.part == part]
            difference = self._count_included(part_sources, today) - len(self.parts[part])
            if difference == 0:
                self.mismatch_streak[part] = 0
            elif difference == self.last_difference[part]:
                self.mismatch_streak[part] += 1
            else:
                self.mismatch_streak[part] = 1
            self.last_difference[part] = difference
            if difference and (force or self.mismatch_streak[part] >= 2):
                self._diff(part_sources, today, report)
                self.mismatch_streak[part] = 0
                self.last_difference[part] = 0

    @staticmethod
    def _count_included(part_sources: list[IdentitySource], today: date) -> int:
        """The rows that belong in a part. On PostgreSQL the count runs on one core: a
        parallel scan would take every core of a small server from the screenings for its
        duration."""
        if connection.vendor != "postgresql":
            # Not in a transaction: on SQLite it would take the write lock from other writers.
            return sum(source.indexed_rows(today).count() for source in part_sources)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            return sum(source.indexed_rows(today).count() for source in part_sources)

    def _diff(self, part_sources: list[IdentitySource], today: date, report: RefreshReport) -> None:
        for source in part_sources:
            index = self.parts[source.part]
            wanted = set(
                source.indexed_rows(today)
                .values_list("pk", flat=True)
                .iterator(chunk_size=BUILD_CHUNK_SIZE)
            )
            present = {}
            for record_id in index.entry_ids():
                owner, pk = source_of_key(record_id)
                if owner is source:
                    present[pk] = record_id
            for pk in present.keys() - wanted:
                self.remove(present[pk])
                report.removed += 1
            missing = sorted(wanted - present.keys())
            for row in source.rows_by_id(missing, source.columns):
                self._apply_row(source, row, today, report)
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
                "sources": {label: state.to_json() for label, state in self.states.items()},
                "owner_only": self.owner_only,
                "parameter_fit": self.parameter_fit.to_json(),
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
            label: SourceState.from_json(data) for label, data in state["sources"].items()
        }
        for source in sources():
            store.states.setdefault(source.label, SourceState())
        store.owner_only = {str(key): str(owner) for key, owner in state["owner_only"].items()}
        store.today = date.fromisoformat(state["today"]) if state.get("today") else None
        store.origin = "snapshot"
        fit = state.get("parameter_fit")
        if isinstance(fit, dict):
            store.parameter_fit = ParameterFit(
                source=str(fit["source"]),
                screenings=int(fit["screenings"]),
                estimated_m=bool(fit["estimated_m"]),
                seconds=float(fit["seconds"]),
            )
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
