"""Reads of the joint work, each through ``visible_to`` or ``access_object`` and audited.

An operation's page shows the linked referrals and cases the reader may see under their own
policies, and the counts of all of them (counts of records, not of people).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from benteng.access.policy import access_object
from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, User
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_list, audit_record_read
from benteng.cases.models import Case
from benteng.cooperation.access import AGREEMENT_AGENCIES, JOINT_WORK_READERS, sees_booking_details
from benteng.cooperation.models import (
    BookingState,
    Facility,
    FacilityBooking,
    Operation,
    Training,
    TrainingMaterial,
    TrainingParticipation,
)
from benteng.referrals.models import Referral

CALENDAR_DAYS_BACK = 7


def agreement_offices() -> list[Office]:
    """The active offices of the two agencies of the agreement (for choices and filters)."""
    return list(
        Office.objects.filter(is_active=True, agency__kind__in=AGREEMENT_AGENCIES)
        .select_related("agency")
        .order_by("agency__kind", "kind", "name")
    )


def officers_to_name(viewer: Viewer) -> QuerySet[User]:
    """The staff accounts the viewer may name as participants (those the viewer can see)."""
    officers: QuerySet[User] = (
        User.objects.visible_to(viewer)
        .filter(is_active=True, role__in=JOINT_WORK_READERS)
        .order_by("full_name")
    )
    return officers


# --- trainings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class JointWorkFilters:
    starts_from: datetime.date | None = None
    starts_to: datetime.date | None = None
    agency: str = ""
    kind: str = ""

    def terms(self) -> dict[str, Any]:
        return {
            "dari": self.starts_from or "",
            "sampai": self.starts_to or "",
            "instansi": self.agency,
            "jenis": self.kind,
        }


def _period(queryset: QuerySet[Any], filters: JointWorkFilters) -> QuerySet[Any]:
    if filters.starts_from:
        queryset = queryset.filter(ends_on__gte=filters.starts_from)
    if filters.starts_to:
        queryset = queryset.filter(starts_on__lte=filters.starts_to)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


def training_list(*, viewer: Viewer, filters: JointWorkFilters) -> QuerySet[Training]:
    """Trainings overlapping the period; an agency filter keeps those it organised or took
    part in."""
    trainings = _period(Training.objects.visible_to(viewer), filters)
    if filters.agency:
        # A subquery, not a join: the participants' total below counts every office.
        took_part = TrainingParticipation.objects.filter(
            office__agency__kind=filters.agency
        ).values("training_id")
        trainings = trainings.filter(
            Q(organiser_office__agency__kind=filters.agency) | Q(pk__in=took_part)
        )
    listed: QuerySet[Training] = (
        trainings.select_related("organiser_office")
        .annotate(participant_total=Sum("participations__count"))
        .order_by("-starts_on", "-pk")
    )
    return listed


def list_audit(
    *, viewer: Viewer, model: type[Any], shown: list[Any], terms: dict[str, Any]
) -> None:
    audit_record_list(viewer=viewer, model=model, objects=shown, search=terms)


def training_get(*, viewer: Viewer, pk: Any) -> Training:
    return access_object(
        viewer,
        Training,
        pk,
        queryset=Training.objects.select_related("organiser_office", "organiser_office__agency"),
    )


@dataclass
class TrainingPage:
    participations: list[TrainingParticipation]
    per_agency: dict[str, int]
    named: list[User]
    materials: list[TrainingMaterial]


def training_page(*, viewer: Viewer, training: Training) -> TrainingPage:
    participations = list(
        TrainingParticipation.objects.visible_to(viewer)
        .filter(training=training)
        .select_related("office", "office__agency")
    )
    per_agency: dict[str, int] = {}
    for participation in participations:
        label = str(participation.office.agency)
        per_agency[label] = per_agency.get(label, 0) + participation.count
    return TrainingPage(
        participations=participations,
        per_agency=per_agency,
        named=list(
            User.objects.visible_to(viewer)
            .filter(pk__in=training.named_participants.values("pk"))
            .select_related("office")
            .order_by("full_name")
        ),
        materials=list(TrainingMaterial.objects.visible_to(viewer).filter(training=training)),
    )


def training_material_get(
    *, viewer: Viewer, training: Training, material_pk: Any
) -> TrainingMaterial:
    return access_object(
        viewer,
        TrainingMaterial,
        material_pk,
        queryset=TrainingMaterial.objects.filter(training=training),
    )


# --- operations ----------------------------------------------------------------------------


def operation_list(*, viewer: Viewer, filters: JointWorkFilters) -> QuerySet[Operation]:
    operations = _period(Operation.objects.visible_to(viewer), filters)
    if filters.agency:
        taking_part = Operation.offices.through.objects.filter(
            office__agency__kind=filters.agency
        ).values("operation_id")
        operations = operations.filter(pk__in=taking_part)
    listed: QuerySet[Operation] = (
        operations.select_related("lead_office")
        .annotate(
            referral_count=Count("referrals", distinct=True),
            case_count=Count("cases", distinct=True),
        )
        .order_by("-starts_on", "-pk")
    )
    return listed


def operation_get(*, viewer: Viewer, pk: Any) -> Operation:
    return access_object(
        viewer,
        Operation,
        pk,
        queryset=Operation.objects.select_related("lead_office"),
    )


@dataclass
class OperationPage:
    offices: list[Office]
    referrals: list[Referral]
    cases: list[Case]
    referral_count: int
    case_count: int
    hidden_referrals: int = field(default=0)
    hidden_cases: int = field(default=0)


def operation_page(*, viewer: Viewer, operation: Operation) -> OperationPage:
    """The operation's offices, and the linked referrals and cases the viewer may see (the
    reads audited), with the counts of all the linked ones."""
    referral_count = operation.referrals.count()
    case_count = operation.cases.count()
    referrals = list(
        Referral.objects.visible_to(viewer)
        .filter(pk__in=operation.referrals.values("pk"))
        .select_related("sender_office", "receiving_office")
        .order_by("sent_at", "pk")
    )
    cases = list(
        Case.objects.visible_to(viewer)
        .filter(pk__in=operation.cases.values("pk"))
        .select_related("handling_office")
        .order_by("lp_date", "pk")
    )
    if referrals:
        audit_record_read(viewer=viewer, objects=referrals, action=AuditAction.LIST)
    if cases:
        audit_record_read(viewer=viewer, objects=cases, action=AuditAction.LIST)
    return OperationPage(
        offices=list(operation.offices.select_related("agency").order_by("agency__kind", "name")),
        referrals=referrals,
        cases=cases,
        referral_count=referral_count,
        case_count=case_count,
        hidden_referrals=referral_count - len(referrals),
        hidden_cases=case_count - len(cases),
    )


def operation_links_text(*, viewer: Viewer, operation: Operation) -> tuple[str, str]:
    """The referral numbers and LP numbers of the links the editor may see (the edit form)."""
    referrals = Referral.objects.visible_to(viewer).filter(pk__in=operation.referrals.values("pk"))
    cases = Case.objects.visible_to(viewer).filter(pk__in=operation.cases.values("pk"))
    return (
        "\n".join(referral.number for referral in referrals.only("pk", "sent_at").order_by("pk")),
        "\n".join(cases.order_by("pk").values_list("lp_number", flat=True)),
    )


# --- facilities and bookings ---------------------------------------------------------------


def facility_list(*, viewer: Viewer, include_inactive: bool = False) -> QuerySet[Facility]:
    now = timezone.now()
    facilities = Facility.objects.visible_to(viewer)
    if not include_inactive:
        facilities = facilities.filter(is_active=True)
    return facilities.select_related("owner_office").annotate(
        upcoming=Count(
            "bookings",
            filter=Q(bookings__state=BookingState.ACTIVE, bookings__ends_at__gt=now),
        )
    )


def facility_get(*, viewer: Viewer, pk: Any) -> Facility:
    return access_object(
        viewer, Facility, pk, queryset=Facility.objects.select_related("owner_office")
    )


@dataclass(frozen=True)
class BookingLine:
    """A booking as the viewer sees it: who booked and why only for the two offices."""

    booking: FacilityBooking
    details: bool


def _lines(viewer: Viewer, bookings: list[FacilityBooking]) -> list[BookingLine]:
    return [BookingLine(booking, sees_booking_details(viewer, booking)) for booking in bookings]


def facility_calendar(*, viewer: Viewer, facility: Facility) -> list[BookingLine]:
    """The facility's bookings from a week ago on, in time order, cancelled ones included."""
    since = timezone.now() - datetime.timedelta(days=CALENDAR_DAYS_BACK)
    bookings = list(
        FacilityBooking.objects.visible_to(viewer)
        .filter(facility=facility, ends_at__gte=since)
        .select_related("office", "booked_by", "facility")
        .order_by("starts_at", "pk")
    )
    audit_record_list(viewer=viewer, model=FacilityBooking, objects=bookings)
    return _lines(viewer, bookings)


def booking_get(*, viewer: Viewer, pk: Any) -> FacilityBooking:
    return access_object(
        viewer,
        FacilityBooking,
        pk,
        queryset=FacilityBooking.objects.select_related(
            "facility", "facility__owner_office", "office"
        ),
    )


@dataclass
class OfficeBookings:
    made: list[BookingLine]
    of_our_facilities: list[BookingLine]


def office_bookings(*, viewer: Viewer) -> OfficeBookings:
    """The viewer's office's bookings, and the bookings of its facilities (from a week ago)."""
    since = timezone.now() - datetime.timedelta(days=CALENDAR_DAYS_BACK)
    base = (
        FacilityBooking.objects.visible_to(viewer)
        .filter(ends_at__gte=since)
        .select_related("office", "booked_by", "facility", "facility__owner_office")
        .order_by("starts_at", "pk")
    )
    office: Any = viewer.office_id
    made = list(base.filter(office_id=office))
    ours = list(base.filter(facility__owner_office_id=office))
    audit_record_list(viewer=viewer, model=FacilityBooking, objects=[*made, *ours])
    return OfficeBookings(made=_lines(viewer, made), of_our_facilities=_lines(viewer, ours))


def office_booking_count(*, viewer: Viewer) -> int:
    """Active bookings not yet over that the viewer's office made or that are of its
    facilities (the home tile; a count, no row read)."""
    office: Any = viewer.office_id
    return (
        FacilityBooking.objects.visible_to(viewer)
        .filter(state=BookingState.ACTIVE, ends_at__gt=timezone.now())
        .filter(Q(office_id=office) | Q(facility__owner_office_id=office))
        .count()
    )
