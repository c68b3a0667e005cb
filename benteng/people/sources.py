"""Identity sources: the tables whose rows are people, registered by the apps that own them.

Each app registers its sources from ``AppConfig.ready()`` (as it registers its access
policies): the screening app its passport applications and departure checks, the watchlists
app its watchlist entries. A source says which rows belong in the screening index on a day,
which part of the index they go to, and who may find them.

A row is named by a :class:`SourceRef` (the source's label and the row's primary key) at the
people app's boundary. Inside the index (the framework-free core) it is a short text key: the
source's ``prefix`` and the primary key (``"w12"``); only this module builds or reads those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models

from benteng.core.compare import Comparison
from benteng.core.index import Candidate
from benteng.core.records import IdentityRecord

WATCHLIST = "watchlist"
EVENTS = "events"
PARTS = (WATCHLIST, EVENTS)

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
# Ids per "IN (...)" when rows are read by id (SQLite takes at most 32,766 values).
ID_BATCH = 1000
_KEY = re.compile(r"([a-z]+)([0-9]+)")


class ScreeningIndexError(RuntimeError):
    """The screening index could not answer (bad request, server-side failure)."""


class ScreeningIndexUnavailable(ScreeningIndexError):
    """The screening index service is not running or not answering."""


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One row of a registered source: ``SourceRef("watchlists.watchlistentry", 12)``."""

    source: str
    pk: int


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """A row of a source that may be the queried person, with the explained comparison."""

    ref: SourceRef
    score: float
    comparison: Comparison


@dataclass(frozen=True)
class Audience:
    """Who may find an indexed row: every agency, or only the owner agency (its kind)."""

    owner_only_agency: str | None = None


EVERY_AGENCY = Audience()


@dataclass(frozen=True)
class IdentitySource:
    """One table feeding one part of the index.

    Subclasses say which rows are indexed (:meth:`indexed_rows` as a query,
    :meth:`audience` for one row from its ``state_columns``); the default indexes every row
    for every agency.
    """

    model: type[models.Model]
    # The short key prefix of the source's rows inside the index: lowercase letters, unique
    # among sources, never changed (snapshots hold it).
    prefix: str
    part: str
    # Read after the identity columns; :meth:`audience` decides from them.
    state_columns: tuple[str, ...] = ()
    # Rows that change after they are written (edits, removal) are re-read by this column: a
    # time stamp of the last change, or empty (NULL) while the row is as it was written.
    updated_column: str | None = None
    # Rows that leave the index when this date has passed.
    expiry_column: str | None = None

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    def ref(self, pk: int) -> SourceRef:
        return SourceRef(self.label, pk)

    def key(self, pk: int) -> str:
        """The row's key inside the index."""
        return f"{self.prefix}{pk}"

    def rows(self) -> models.QuerySet[Any]:
        return self.model._default_manager.order_by()

    def indexed_rows(self, today: date) -> models.QuerySet[Any]:
        """The rows that belong in the index on ``today``."""
        return self.rows()

    def audience(self, state: Sequence[Any], today: date) -> Audience | None:
        """Who may find the row with these ``state_columns`` values; ``None``: nobody, the
        row is not in the index."""
        return EVERY_AGENCY

    @property
    def columns(self) -> tuple[str, ...]:
        """What a refresh reads of each row: identity, state, then the update stamp."""
        stamp = (self.updated_column,) if self.updated_column else ()
        return IDENTITY_COLUMNS + self.state_columns + stamp

    def row_audience(self, row: Sequence[Any], today: date) -> Audience | None:
        """:meth:`audience` of a row read with :attr:`columns`."""
        width = len(IDENTITY_COLUMNS)
        return self.audience(row[width : width + len(self.state_columns)], today)

    def instance_audience(self, instance: models.Model, today: date) -> Audience | None:
        """:meth:`audience` of a model instance (its state columns followed through
        relations, ``watchlist__owner_agency__kind``)."""
        state = []
        for column in self.state_columns:
            value: Any = instance
            for name in column.split("__"):
                value = getattr(value, name)
            state.append(value)
        return self.audience(state, today)

    def rows_by_id(self, ids: Sequence[int], columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """``columns`` of the rows with these ids, in id order, ``ID_BATCH`` ids a query."""
        for start in range(0, len(ids), ID_BATCH):
            batch = ids[start : start + ID_BATCH]
            yield from self.rows().filter(pk__in=batch).order_by("pk").values_list(*columns)

    def record_from_row(self, row: Sequence[Any]) -> IdentityRecord:
        """An :class:`IdentityRecord` from a row read with the identity columns first — the
        record ``IdentityFields.identity_record`` gives, without building a model instance."""
        pk, name, birth_date, sex, nik, birth_place, passport_no, address, phone, region = row[:10]
        return IdentityRecord(
            id=self.key(pk),
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

    def record_of(self, instance: Any) -> IdentityRecord:
        """The index's record of a model instance (``IdentityFields``)."""
        record: IdentityRecord = instance.identity_record(record_id=self.key(instance.pk))
        return record


_sources: dict[str, IdentitySource] = {}
_by_prefix: dict[str, IdentitySource] = {}


def register_source(source: IdentitySource) -> None:
    """Make ``source`` part of the index (from the owning app's ``AppConfig.ready()``)."""
    if source.part not in PARTS:
        raise ValueError(f"Unknown index part {source.part!r}.")
    if not re.fullmatch(r"[a-z]+", source.prefix):
        raise ValueError(f"An index key prefix is lowercase letters, not {source.prefix!r}.")
    other = _by_prefix.get(source.prefix)
    if other is not None and other.label != source.label:
        raise ValueError(f"Prefix {source.prefix!r} is already {other.label}'s.")
    _sources[source.label] = source
    _by_prefix[source.prefix] = source


def sources() -> tuple[IdentitySource, ...]:
    """Every registered source, in registration order (INSTALLED_APPS order)."""
    return tuple(_sources.values())


def source_named(label: str) -> IdentitySource:
    source = _sources.get(label)
    if source is None:
        raise ScreeningIndexError(f"{label!r} is not a registered identity source.")
    return source


def source_of(instance_or_model: models.Model | type[models.Model]) -> IdentitySource:
    """The source of a model (or of one of its instances)."""
    return source_named(str(instance_or_model._meta.label_lower))


def key_of(ref: SourceRef) -> str:
    """The index's key of a row."""
    return source_named(ref.source).key(ref.pk)


def source_of_key(key: str) -> tuple[IdentitySource, int]:
    """The source and primary key behind an index key."""
    found = _KEY.fullmatch(key)
    source = _by_prefix.get(found.group(1)) if found else None
    if found is None or source is None:
        raise ScreeningIndexError(f"{key!r} is not the key of a registered identity source.")
    return source, int(found.group(2))


def ref_of(key: str) -> SourceRef:
    source, pk = source_of_key(key)
    return source.ref(pk)


def part_of(key: str) -> str:
    """The part of the index a key belongs to."""
    return source_of_key(key)[0].part


def matches_of(candidates: Sequence[Candidate]) -> list[SourceMatch]:
    """The core's candidates as matches with explicit references."""
    return [
        SourceMatch(ref_of(candidate.entry_id), candidate.score, candidate.comparison)
        for candidate in candidates
    ]
