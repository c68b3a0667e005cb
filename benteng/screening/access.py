"""Who sees passport applications, departure checks and their screenings.

An application is seen by its own Kanim and by immigration analysts; police see it only when it
hit a police watchlist or was referred to them. A departure check likewise by its own TPI.
Other offices learn of an earlier decision about the same person only through the screening
result's *earlier events* (office, date, outcome, reason) — never the other office's record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.screening.models import (
    ApplicationDecision,
    DepartureCheck,
    NamedContact,
    PassportApplication,
    ScreeningResult,
)

POLICE_CASE_ROLES = frozenset({"penyidik", "analis_polri"})


def _applications(viewer: Viewer) -> Q:
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if viewer.agency_kind == "imigrasi" and viewer.role == "analis_imigrasi":
        return EVERYTHING
    if viewer.agency_kind == "imigrasi" and viewer.role == "petugas_imigrasi":
        return Q(office_id=viewer.office_id)
    if viewer.agency_kind == "polri" and viewer.role in POLICE_CASE_ROLES:
        return Q(police_visible=True)
    return NOTHING


def _departures(viewer: Viewer) -> Q:
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if viewer.agency_kind == "imigrasi" and viewer.role == "analis_imigrasi":
        return EVERYTHING
    if viewer.agency_kind == "imigrasi" and viewer.role == "petugas_tpi":
        return Q(office_id=viewer.office_id)
    if viewer.agency_kind == "polri" and viewer.role in POLICE_CASE_ROLES:
        return Q(police_visible=True)
    return NOTHING


class PassportApplicationPolicy(RecordPolicy[PassportApplication]):
    model = PassportApplication

    def rows(self, viewer: Viewer) -> Q:
        return _applications(viewer)


class DepartureCheckPolicy(RecordPolicy[DepartureCheck]):
    model = DepartureCheck

    def rows(self, viewer: Viewer) -> Q:
        return _departures(viewer)


def _through_application(viewer: Viewer) -> Q:
    return Q(application__in=PassportApplication.objects.filter(_applications(viewer)))


def _either_subject(viewer: Viewer) -> Q:
    """Rows that belong to an application or a departure check the viewer may see."""
    return _through_application(viewer) | Q(
        departure_check__in=DepartureCheck.objects.filter(_departures(viewer))
    )


class ScreeningResultPolicy(RecordPolicy[ScreeningResult]):
    model = ScreeningResult

    def rows(self, viewer: Viewer) -> Q:
        return _either_subject(viewer)


class NamedContactPolicy(RecordPolicy[NamedContact]):
    model = NamedContact

    def rows(self, viewer: Viewer) -> Q:
        return _either_subject(viewer)


class ApplicationDecisionPolicy(RecordPolicy[ApplicationDecision]):
    model = ApplicationDecision

    def rows(self, viewer: Viewer) -> Q:
        return _through_application(viewer)


POLICIES: list[RecordPolicy[Any]] = [
    PassportApplicationPolicy(),
    DepartureCheckPolicy(),
    ScreeningResultPolicy(),
    NamedContactPolicy(),
    ApplicationDecisionPolicy(),
]
