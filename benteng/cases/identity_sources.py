"""The cases app's identity source: the perpetrators of a case (suspects, recruiters,
financiers), in the earlier-events part of the screening index, findable by the police only
(registered from ``CasesConfig.ready``).

Decided and kept so:

- suspects, recruiters and financiers are indexed: a later screening or search by the police
  finds that the person is already named in a case;
- victims are **not** indexed: their identity is the case team's alone
  (``benteng/cases/access.py``), and the index cannot tell a team member from another police
  officer, so a victim in the index would be findable outside the team;
- witnesses are not indexed either: being a witness is no reason to be found by a screening.

The part is "events", not "watchlist": a case person is not a watchlist entry and must never
come back as a hit with a watchlist entry's instruction. The audience is the police alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models

from benteng.accounts.models import AgencyKind
from benteng.cases.models import PERPETRATOR_ROLES, CasePerson
from benteng.people.sources import EVENTS, Audience, IdentitySource

INDEXED_ROLES = tuple(sorted(PERPETRATOR_ROLES))
POLICE_ONLY = Audience(owner_only_agency=AgencyKind.POLRI.value)


@dataclass(frozen=True)
class CasePersonSource(IdentitySource):
    """Perpetrators of cases, found by the police only."""

    def indexed_rows(self, today: date) -> models.QuerySet[Any]:
        return self.rows().filter(role__in=INDEXED_ROLES)

    def audience(self, state: Sequence[Any], today: date) -> Audience | None:
        (role,) = state
        if role not in INDEXED_ROLES:
            return None
        return POLICE_ONLY


CASE_PERSONS = CasePersonSource(
    CasePerson,
    prefix="k",
    part=EVENTS,
    state_columns=("role",),
)

SOURCES = [CASE_PERSONS]
