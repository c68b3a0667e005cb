"""The screening app's identity sources: every passport application and departure check is
an earlier event of the screening index (registered from ``ScreeningConfig.ready``)."""

from __future__ import annotations

from benteng.people.sources import EVENTS, IdentitySource
from benteng.screening.models import DepartureCheck, PassportApplication

APPLICATIONS = IdentitySource(PassportApplication, prefix="a", part=EVENTS)
DEPARTURE_CHECKS = IdentitySource(DepartureCheck, prefix="d", part=EVENTS)

SOURCES = [APPLICATIONS, DEPARTURE_CHECKS]
