"""The village reports' identity source: the people a report names, in the earlier-events
part of the screening index (registered from ``VillageReportsConfig.ready``).

Who may find them: a **recruiter or sponsor** is what screening and every agency must be able
to find (every agency); a resident, victim or returnee is found by the police only (who
investigate trafficking), never by a counter or TPI officer. Whoever shows a row found in the
index reads it through the report's policy (``access.VillageReportPersonPolicy``); the
reporter is never a person of the report, so never in the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from benteng.accounts.models import AgencyKind
from benteng.people.sources import EVENTS, EVERY_AGENCY, Audience, IdentitySource
from benteng.village_reports.models import PersonRole, VillageReportPerson


@dataclass(frozen=True)
class VillageReportPersonSource(IdentitySource):
    def audience(self, state: Sequence[Any], today: date) -> Audience | None:
        (role,) = state
        if role == PersonRole.RECRUITER:
            return EVERY_AGENCY
        return Audience(owner_only_agency=AgencyKind.POLRI)


VILLAGE_REPORT_PEOPLE = VillageReportPersonSource(
    VillageReportPerson, prefix="ld", part=EVENTS, state_columns=("role",)
)

SOURCES = [VILLAGE_REPORT_PEOPLE]
