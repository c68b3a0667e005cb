"""The screening app's identity sources: every passport application and departure check is
an earlier event of the screening index (registered from ``ScreeningConfig.ready``), except
a voided one: a record entered by mistake must not come back as an earlier event of anyone.

A correction or a void stamps ``changed_at``, which the index's refresh re-reads, so every
process's index takes the corrected identity or drops the voided record within a refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models

from benteng.people.sources import EVENTS, EVERY_AGENCY, Audience, IdentitySource
from benteng.screening.models import (
    ApplicationStatus,
    DepartureCheck,
    DepartureOutcome,
    PassportApplication,
)

# The value of the state column that marks a voided record (status / outcome).
VOID = ApplicationStatus.VOID.value
assert DepartureOutcome.VOID.value == VOID  # noqa: S101 - one value for both kinds


@dataclass(frozen=True)
class ScreeningRecordSource(IdentitySource):
    """Applications or departure checks that are not void, found by every agency."""

    def indexed_rows(self, today: date) -> models.QuerySet[Any]:
        return self.rows().exclude(**{self.state_columns[0]: VOID})

    def audience(self, state: Sequence[Any], today: date) -> Audience | None:
        (status,) = state
        if status == VOID:
            return None
        return EVERY_AGENCY


APPLICATIONS = ScreeningRecordSource(
    PassportApplication,
    prefix="a",
    part=EVENTS,
    state_columns=("status",),
    updated_column="changed_at",
)
DEPARTURE_CHECKS = ScreeningRecordSource(
    DepartureCheck,
    prefix="d",
    part=EVENTS,
    state_columns=("outcome",),
    updated_column="changed_at",
)

SOURCES = [APPLICATIONS, DEPARTURE_CHECKS]
