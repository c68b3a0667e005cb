"""What officers work through: the office's applications, their due postponements, the TPI's
recent checks, the document checklist of an application, and the home-page figures.

Reads only (selectors); every query for personal data goes through ``visible_to`` so a police
user lists only applications referred to police or that hit a police watchlist, and an
officer only their own Kanim's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.screening.access import may_read_applications, may_read_departures, may_read_referred
from benteng.screening.models import (
    ApplicationDecision,
    ApplicationStatus,
    DepartureCheck,
    DepartureOutcome,
    PassportApplication,
    ScreeningResult,
)
from benteng.screening.rules import (
    ChecklistItem,
    PolicyCheck,
    destination_policy_checks,
    document_checklist,
)
from benteng.screening.selectors import (
    ScreeningFilters,
    application_queryset_for,
    departure_queryset_for,
)

DUE_SOON_DAYS = 7
DUE_SOON = "segera"
OVERDUE = "lewat"
OPEN_STATUSES = (ApplicationStatus.SCREENED, ApplicationStatus.POSTPONED)


def application_list(
    *, viewer: Viewer, filters: ScreeningFilters | None = None, due: str = ""
) -> QuerySet[PassportApplication]:
    """The applications this viewer may see, newest first, filtered as the list page asks
    (the search as :func:`~benteng.screening.selectors.application_queryset_for` does it)."""
    today = timezone.localdate()
    applications = application_queryset_for(viewer, filters)
    if due == DUE_SOON:
        applications = applications.filter(
            status=ApplicationStatus.POSTPONED,
            postponed_until__gte=today,
            postponed_until__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
    elif due == OVERDUE:
        applications = applications.filter(
            status=ApplicationStatus.POSTPONED, postponed_until__lt=today
        )
    if due:
        return applications.order_by("postponed_until", "pk")
    return applications.order_by("-submitted_at", "-pk")


def departure_list(
    *, viewer: Viewer, filters: ScreeningFilters | None = None
) -> QuerySet[DepartureCheck]:
    """The departure checks this viewer may see, newest first, filtered as the list asks."""
    return departure_queryset_for(viewer, filters).order_by("-checked_at", "-pk")


def list_offices(records: QuerySet[Any]) -> list[tuple[int, str]]:
    """The offices of the records a viewer may see (for a list's office filter): only those,
    so the filter names no office whose records the viewer cannot open."""
    return list(
        Office.objects.filter(pk__in=records.values("office_id"))
        .order_by("name")
        .values_list("pk", "name")
    )


def latest_screenings(applications: list[PassportApplication]) -> dict[int, ScreeningResult]:
    """The newest screening of each application, in one query."""
    latest: dict[int, ScreeningResult] = {}
    rows = ScreeningResult.objects.filter(application__in=applications).order_by(
        "application_id", "-created_at", "-pk"
    )
    for result in rows.only("pk", "application_id", "risk_score", "risk_band", "created_at"):
        latest.setdefault(result.application_id, result)  # type: ignore[arg-type]
    return latest


def application_with_history(*, viewer: Viewer) -> QuerySet[PassportApplication]:
    """The queryset an application detail page loads through ``access_object``."""
    # django-stubs cannot type a Prefetch on a manager built from a generic queryset.
    return PassportApplication.objects.select_related(  # type: ignore[type-var]
        "office", "region", "entered_by"
    ).prefetch_related(
        Prefetch(
            "decisions",
            queryset=ApplicationDecision.objects.select_related("decided_by").order_by(
                "-decided_at", "-pk"
            ),
        ),
        "contacts",
        Prefetch("screenings", queryset=ScreeningResult.objects.order_by("-created_at", "-pk")),
    )


@dataclass(frozen=True)
class ChecklistRow:
    item: ChecklistItem
    shown: bool


def application_checklist(application: PassportApplication) -> list[ChecklistRow]:
    """The documents the stated purpose calls for, each marked shown or missing."""
    shown = set(application.documents or [])
    return [
        ChecklistRow(item=item, shown=item.document in shown)
        for item in document_checklist(application.purpose)
    ]


def application_policy_checks(application: PassportApplication) -> list[PolicyCheck]:
    return destination_policy_checks(
        destination_country=application.destination_country, purpose=application.purpose
    )


def duplicate_events(result: ScreeningResult | None) -> list[dict[str, Any]]:
    """Earlier applications of the same person that are still open (at any office)."""
    if result is None:
        return []
    duplicates = []
    for event in result.earlier_events or []:
        if event.get("kind") != "application":
            continue
        if str(event.get("outcome") or event.get("status") or "") in OPEN_STATUSES:
            duplicates.append(event)
    return duplicates


def departure_recent(*, viewer: Viewer, limit: int = 10) -> list[DepartureCheck]:
    """The latest checks at the viewer's TPI (for the officer's own overview)."""
    checks = DepartureCheck.objects.visible_to(viewer).select_related("office")
    if viewer.office_id is not None:
        checks = checks.filter(office_id=viewer.office_id)
    return list(checks.order_by("-checked_at", "-pk")[:limit])


def screening_home_figures(viewer: Viewer) -> dict[str, int]:
    """Counts for the home page of screening roles; no names, so no audit entry.

    petugas_imigrasi: own Kanim's applications waiting for a decision, postponements due
    within a week and overdue. petugas_tpi: own TPI's checks today and delays today.
    analis_imigrasi: the same counts over every office. Police case roles: applications and
    departures referred or handed over to them. Other roles: an empty dict.
    """
    today = timezone.localdate()
    figures: dict[str, int] = {}
    applications = PassportApplication.objects.visible_to(viewer)
    departures = DepartureCheck.objects.visible_to(viewer)
    if may_read_applications(viewer):
        counts = applications.aggregate(
            waiting=Count("pk", filter=Q(status=ApplicationStatus.SCREENED)),
            due_soon=Count(
                "pk",
                filter=Q(
                    status=ApplicationStatus.POSTPONED,
                    postponed_until__gte=today,
                    postponed_until__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
                ),
            ),
            overdue=Count(
                "pk", filter=Q(status=ApplicationStatus.POSTPONED, postponed_until__lt=today)
            ),
            screened_today=Count("pk", filter=Q(submitted_at__date=today)),
        )
        figures.update({key: int(value or 0) for key, value in counts.items()})
    if may_read_departures(viewer):
        counts = departures.aggregate(
            checks_today=Count("pk", filter=Q(checked_at__date=today)),
            delays_today=Count(
                "pk",
                filter=Q(
                    checked_at__date=today,
                    outcome__in=[DepartureOutcome.DELAY, DepartureOutcome.HAND_OVER],
                ),
            ),
        )
        figures.update({key: int(value or 0) for key, value in counts.items()})
    if may_read_referred(viewer):
        figures["applications_for_police"] = applications.count()
        figures["departures_handed_over"] = departures.filter(
            outcome=DepartureOutcome.HAND_OVER
        ).count()
    return figures
