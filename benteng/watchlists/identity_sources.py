"""The watchlists app's identity source: watchlist entries about a person, in force, in the
watchlist part of the screening index (registered from ``WatchlistsConfig.ready``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models

from benteng.people.sources import EVERY_AGENCY, WATCHLIST, Audience, IdentitySource
from benteng.watchlists.models import SharingLevel, SubjectType, WatchlistEntry


@dataclass(frozen=True)
class WatchlistEntrySource(IdentitySource):
    """Entries in force (not removed, not expired) whose subject is a person. Entries shared
    with the owner agency only are indexed too, findable by that agency's readers alone."""

    def indexed_rows(self, today: date) -> models.QuerySet[Any]:
        return self.rows().filter(
            models.Q(removed_at__isnull=True),
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today),
            subject_type=SubjectType.PERSON,
        )

    def audience(self, state: Sequence[Any], today: date) -> Audience | None:
        removed_at, expires_on, subject_type, sharing_level, owner_agency = state
        if removed_at is not None:
            return None
        if expires_on is not None and expires_on < today:
            return None
        if subject_type != SubjectType.PERSON:
            return None
        if sharing_level == SharingLevel.OWNER_ONLY:
            return Audience(owner_only_agency=owner_agency)
        return EVERY_AGENCY


WATCHLIST_ENTRIES = WatchlistEntrySource(
    WatchlistEntry,
    prefix="w",
    part=WATCHLIST,
    state_columns=(
        "removed_at",
        "expires_on",
        "subject_type",
        "sharing_level",
        "watchlist__owner_agency__kind",
    ),
    updated_column="updated_at",
    expiry_column="expires_on",
)

SOURCES = [WATCHLIST_ENTRIES]
