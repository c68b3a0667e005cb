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

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.screening.access import (
    may_read_applications,
    may_read_decision_oversight,
    may_read_departures,
    may_read_referred,
    may_screen_departures,
)
from benteng.screening.models import (
    ApplicationDecision,
    ApplicationStatus,
    DecisionOutcome,
    DepartureCheck,
    DepartureDecision,
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
# How far back the office heads' count of decisions over a warning looks.
OVERSIGHT_DAYS = 30

# The list filter of records with a watchlist hit and no decision yet.
HITS_AWAITING = "hit"


def _has_hit(**record: Any) -> Exists:
    """A screening of the record found at least one watchlist hit."""
    return Exists(ScreeningResult.objects.filter(**record).exclude(hits=[]))


def applications_with_hit_awaiting(
    applications: QuerySet[PassportApplication],
) -> QuerySet[PassportApplication]:
    """Those with a watchlist hit and no decision yet: the counter's follow-up."""
    return applications.filter(
        _has_hit(application=OuterRef("pk")), status=ApplicationStatus.SCREENED
    )


def departures_with_hit_awaiting(checks: QuerySet[DepartureCheck]) -> QuerySet[DepartureCheck]:
    """Those with a watchlist hit and no decision yet: the TPI's follow-up."""
    return checks.filter(_has_hit(departure_check=OuterRef("pk")), outcome=DepartureOutcome.PENDING)


def application_list(
    *,
    viewer: Viewer,
    filters: ScreeningFilters | None = None,
    due: str = "",
    follow_up: str = "",
) -> QuerySet[PassportApplication]:
    """The applications this viewer may see, newest first, filtered as the list page asks
    (the search as :func:`~benteng.screening.selectors.application_queryset_for` does it)."""
    today = timezone.localdate()
    applications = application_queryset_for(viewer, filters)
    if follow_up == HITS_AWAITING:
        applications = applications_with_hit_awaiting(applications)
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


def latest_screening(record: PassportApplication | DepartureCheck) -> ScreeningResult | None:
    """The newest screening of one application or departure check."""
    subject = (
        {"application": record}
        if isinstance(record, PassportApplication)
        else {"departure_check": record}
    )
    return (
        ScreeningResult.objects.filter(**subject)
        .select_related("rule_set")
        .order_by("-created_at", "-pk")
        .first()
    )


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
    return list(_own_departures(viewer).order_by("-checked_at", "-pk")[:limit])


def departure_hits_awaiting(*, viewer: Viewer) -> list[DepartureCheck]:
    """Every check at the viewer's TPI with a hit and no decision yet, oldest first (the
    passenger waiting longest comes first)."""
    return list(departures_with_hit_awaiting(_own_departures(viewer)).order_by("checked_at", "pk"))


def _own_departures(viewer: Viewer) -> QuerySet[DepartureCheck]:
    checks = DepartureCheck.objects.visible_to(viewer).select_related("office")
    if viewer.office_id is not None:
        checks = checks.filter(office_id=viewer.office_id)
    return checks


def screening_home_figures(viewer: Viewer) -> dict[str, int]:
    """Counts for the home page of screening roles; no names, so no audit entry.

    petugas_imigrasi: own Kanim's applications waiting for a decision, postponements due
    within a week and overdue, and those with a hit awaiting follow-up. petugas_tpi: own TPI's
    checks today, delays today and checks with a hit awaiting a decision.
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
    if may_read_applications(viewer) or may_read_referred(viewer):
        figures["application_hits_awaiting"] = applications_with_hit_awaiting(applications).count()
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
    if may_read_decision_oversight(viewer):
        figures["warning_overrides"] = sum(
            row.total for row in warning_override_counts(since=oversight_since())
        )
    if may_screen_departures(viewer):
        own = departures_with_hit_awaiting(_own_departures(viewer))
        figures["departure_hits_awaiting"] = own.count()
    if may_read_referred(viewer):
        figures["applications_for_police"] = applications.count()
        figures["departures_handed_over"] = departures.filter(
            outcome=DepartureOutcome.HAND_OVER
        ).count()
    return figures


@dataclass(frozen=True)
class OfficeOverrides:
    """How often an office let someone through over a warning (counts, no names)."""

    office_name: str
    issued: int
    allowed: int

    @property
    def total(self) -> int:
        return self.issued + self.allowed


def warning_override_counts(*, since: datetime.datetime) -> list[OfficeOverrides]:
    """Per office, the passports issued and departures allowed over a live hit or a high risk
    band since ``since``, most first. Aggregates for the office heads: no record is read."""
    issued = dict(
        ApplicationDecision.objects.filter(
            overrides_warning=True, outcome=DecisionOutcome.ISSUE, decided_at__gte=since
        )
        .values("application__office_id")
        .annotate(count=Count("pk"))
        .values_list("application__office_id", "count")
    )
    allowed = dict(
        DepartureDecision.objects.filter(
            overrides_warning=True, outcome=DepartureOutcome.ALLOW, decided_at__gte=since
        )
        .values("departure_check__office_id")
        .annotate(count=Count("pk"))
        .values_list("departure_check__office_id", "count")
    )
    names = dict(Office.objects.filter(pk__in={*issued, *allowed}).values_list("pk", "name"))
    rows = [
        OfficeOverrides(
            office_name=names[office_id],
            issued=int(issued.get(office_id, 0)),
            allowed=int(allowed.get(office_id, 0)),
        )
        for office_id in names
    ]
    return sorted(rows, key=lambda row: (-row.total, row.office_name))


def oversight_since() -> datetime.datetime:
    """The start of the office heads' count window."""
    return timezone.now() - datetime.timedelta(days=OVERSIGHT_DAYS)
