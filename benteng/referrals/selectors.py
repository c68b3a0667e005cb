"""Reads of referrals: the inboxes of an office (incoming and outgoing) with their filters and
the overdue flag computed in the query, one referral with its people, files and timeline, and
the referrals about a screening record. Every read goes through ``visible_to`` /
``access_object`` and is audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from benteng.access import access_object
from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role
from benteng.audit.models import AuditAction
from benteng.audit.services import (
    AuditItem,
    actor_for_viewer,
    audit_record_list,
    audit_record_many,
    audit_record_read,
    object_type_of,
)
from benteng.cases.access import may_read_cases
from benteng.cases.models import Case as PoliceCase
from benteng.cases.models import Stage, Verdict
from benteng.referrals.access import CASE_STATUS_FIELDS
from benteng.referrals.models import (
    OPEN_STATES,
    Referral,
    ReferralEvent,
    ReferralFile,
    ReferralState,
    ReferralSubject,
)

INCOMING = "masuk"
OUTGOING = "keluar"
# The state filter's value for "not closed or returned yet".
OPEN = "terbuka"


def overdue_condition(now: datetime.datetime) -> Q:
    """Open and past a deadline: not acknowledged in time, or no officer assigned in time."""
    return Q(state=ReferralState.SENT, acknowledge_due_at__lt=now) | Q(
        state__in=(ReferralState.SENT, ReferralState.ACKNOWLEDGED), action_due_at__lt=now
    )


def with_overdue(queryset: QuerySet[Referral], *, now: datetime.datetime | None = None) -> Any:
    """The referrals with ``is_overdue`` computed by the database."""
    return queryset.annotate(
        is_overdue=Case(
            When(overdue_condition(now or timezone.now()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def office_ids_overseen(viewer: Viewer) -> list[int]:
    """The viewer's office and, for its head, the offices below it (two levels)."""
    if viewer.office_id is None:
        return []
    ids = [viewer.office_id]
    if viewer.role == Role.PIMPINAN:
        ids += list(
            Office.objects.filter(
                Q(parent_id=viewer.office_id) | Q(parent__parent_id=viewer.office_id)
            ).values_list("pk", flat=True)
        )
    return ids


@dataclass(frozen=True)
class InboxFilters:
    direction: str = INCOMING
    state: str = ""
    urgency: str = ""
    overdue: bool = False
    sent_from: datetime.date | None = None
    sent_to: datetime.date | None = None

    def terms(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "state": self.state,
            "urgency": self.urgency,
            "overdue": "ya" if self.overdue else "",
            "sent_from": self.sent_from.isoformat() if self.sent_from else "",
            "sent_to": self.sent_to.isoformat() if self.sent_to else "",
        }


def referral_inbox(*, viewer: Viewer, filters: InboxFilters) -> Any:
    """The incoming or outgoing referrals of the viewer's office (and, for its head, of the
    offices below it), newest first, with ``is_overdue``; not yet read (see
    :func:`referral_list_audit`)."""
    offices = office_ids_overseen(viewer)
    rows = Referral.objects.visible_to(viewer)
    if filters.direction == OUTGOING:
        rows = rows.filter(sender_office_id__in=offices)
    else:
        rows = rows.filter(receiving_office_id__in=offices)
    if filters.state == OPEN:
        rows = rows.filter(state__in=OPEN_STATES)
    elif filters.state:
        rows = rows.filter(state=filters.state)
    if filters.urgency:
        rows = rows.filter(urgency=filters.urgency)
    now = timezone.now()
    if filters.overdue:
        rows = rows.filter(overdue_condition(now))
    if filters.sent_from:
        rows = rows.filter(sent_at__date__gte=filters.sent_from)
    if filters.sent_to:
        rows = rows.filter(sent_at__date__lte=filters.sent_to)
    return with_overdue(
        rows.select_related("sender_office", "receiving_office", "assigned_to").only(
            "pk",
            "sent_at",
            "state",
            "urgency",
            "reason_category",
            "acknowledge_due_at",
            "action_due_at",
            "outcome",
            "lp_number",
            "sender_office__name",
            "receiving_office__name",
            "assigned_to__full_name",
            "assigned_to__username",
        ),
        now=now,
    ).order_by("-sent_at", "-pk")


def referral_list_audit(*, viewer: Viewer, shown: list[Referral], filters: InboxFilters) -> None:
    audit_record_list(viewer=viewer, model=Referral, objects=shown, search=filters.terms())


def inbox_counts(viewer: Viewer) -> dict[str, int]:
    """The home page's figures: incoming open, incoming overdue, outgoing open."""
    offices = office_ids_overseen(viewer)
    visible = Referral.objects.visible_to(viewer).filter(state__in=OPEN_STATES)
    incoming = visible.filter(receiving_office_id__in=offices)
    return {
        "incoming_open": incoming.count(),
        "incoming_overdue": incoming.filter(overdue_condition(timezone.now())).count(),
        "outgoing_open": visible.filter(sender_office_id__in=offices).count(),
    }


@dataclass
class ReferralPage:
    referral: Any
    subjects: list[ReferralSubject]
    files: list[ReferralFile]
    events: list[ReferralEvent]


def referral_get(*, viewer: Viewer, pk: Any) -> Any:
    """One referral the viewer may see (``NotVisible`` otherwise), with ``is_overdue``; the
    read is audited."""
    # Few joins: the planning of a dozen-table join cost more than the page's other queries
    # together (bench/bench_referrals.py); the officers and the attached record, when there is
    # one, are read by their keys.
    queryset = with_overdue(
        Referral.objects.select_related(
            "sender_office", "receiving_office", "receiving_office__agency", "assigned_to"
        )
    )
    return access_object(viewer, Referral, pk, queryset=queryset)


def referral_page(*, viewer: Viewer, referral: Referral) -> ReferralPage:
    """The people, files and timeline of a referral already loaded for the viewer, audited."""
    subjects = list(ReferralSubject.objects.visible_to(viewer).filter(referral=referral))
    files = list(
        ReferralFile.objects.visible_to(viewer)
        .filter(referral=referral)
        .select_related("uploaded_by")
    )
    events = list(
        ReferralEvent.objects.visible_to(viewer).filter(referral=referral).select_related("actor")
    )
    # One append for the three reads shown with the referral (an entry per kind of record).
    audit_record_many(
        actor=actor_for_viewer(viewer),
        items=[
            AuditItem(
                action=AuditAction.READ,
                object_type=object_type_of(type(rows[0])),
                object_ids=[row.pk for row in rows],
                purpose=viewer.purpose,
                detail={"referral": referral.pk},
            )
            for rows in (subjects, files, events)
            if rows
        ],
    )
    return ReferralPage(referral=referral, subjects=subjects, files=files, events=events)


def referral_file_get(*, viewer: Viewer, referral: Referral, file_pk: Any) -> ReferralFile:
    """One file of a referral the viewer may see (``NotVisible`` otherwise); the download is
    audited as a read of the file."""
    return access_object(
        viewer,
        ReferralFile,
        file_pk,
        queryset=ReferralFile.objects.filter(referral=referral),
        detail={"referral": referral.pk, "as": "download"},
    )


def referrals_about_record(*, viewer: Viewer, record: Any) -> list[Referral]:
    """The referrals the viewer may see that carry this application or departure check."""
    field = "departure_check" if record._meta.model_name == "departurecheck" else "application"
    rows = list(
        with_overdue(
            Referral.objects.visible_to(viewer)
            .filter(**{field: record})
            .select_related("receiving_office", "sender_office", "case")
            .defer(*_case_fields_not_shown())
        ).order_by("-sent_at", "-pk")
    )
    audit_record_read(
        viewer=viewer, objects=rows, action=AuditAction.LIST, detail={field: record.pk}
    )
    return rows


# --- the case a referral grew from -------------------------------------------------------------


def _case_fields_not_shown() -> list[str]:
    """The linked case's columns a referral's reader is not given (``CASE_STATUS_FIELDS``)."""
    return [
        f"case__{model_field.name}"
        for model_field in PoliceCase._meta.concrete_fields
        if model_field.name not in {"id", *CASE_STATUS_FIELDS}
    ]


@dataclass(frozen=True)
class LinkedCase:
    """What a referral's reader learns of the case it grew from: its status, never its
    persons; ``may_open`` when the viewer may open the case's own page (the case policy)."""

    pk: int
    lp_number: str
    kind_label: str
    stage_label: str
    stage_on: datetime.date
    verdict_label: str
    may_open: bool


def linked_case_status(*, viewer: Viewer, referral: Referral) -> LinkedCase | None:
    """The status of the case linked to a referral already loaded for the viewer (through
    the referral's policy), audited as a read of the case; ``None`` without a case."""
    if referral.case_id is None:
        return None
    case = PoliceCase.objects.only(*CASE_STATUS_FIELDS).get(pk=referral.case_id)
    may_open = (
        may_read_cases(viewer) and PoliceCase.objects.visible_to(viewer).filter(pk=case.pk).exists()
    )
    audit_record_read(
        viewer=viewer, objects=[case], detail={"referral": referral.pk, "as": "status"}
    )
    return LinkedCase(
        pk=case.pk,
        lp_number=case.lp_number,
        kind_label=str(case.get_kind_display()),
        stage_label=str(Stage(case.stage).label),
        stage_on=case.stage_on,
        verdict_label=str(Verdict(case.verdict).label) if case.verdict else "",
        may_open=may_open,
    )


@dataclass(frozen=True)
class CaseReferral:
    """A referral a case grew from, as the case's page lists it: its number and sending
    office; ``visible`` when the viewer may open the referral (its policy)."""

    pk: int
    number: str
    sender_office: str
    visible: bool


def referrals_of_case(*, viewer: Viewer, case: Any) -> list[CaseReferral]:
    """The referrals a case (already loaded for the viewer through the case policy) grew
    from: number and sending office for every reader of the case, the link only where the
    referral's policy lets the viewer see it. Audited as a list."""
    rows = list(
        Referral.objects.filter(case_id=case.pk)
        .select_related("sender_office")
        .only("pk", "sent_at", "sender_office__name")
        .order_by("sent_at", "pk")
    )
    if not rows:
        return []
    visible = set(
        Referral.objects.visible_to(viewer).filter(case_id=case.pk).values_list("pk", flat=True)
    )
    audit_record_read(
        viewer=viewer, objects=rows, action=AuditAction.LIST, detail={"case": case.pk}
    )
    return [
        CaseReferral(
            pk=row.pk,
            number=row.number,
            sender_office=row.sender_office.name,
            visible=row.pk in visible,
        )
        for row in rows
    ]


def referral_timeline_facts(*, viewer: Viewer, referral: Referral) -> list[dict[str, Any]]:
    """The kinds and times of a referral's timeline for a client system, which may see the
    referral but not its people, files or comments (``ReferralEventPolicy``): the rows are
    those of a referral the viewer sees (in the query), and only the kind, time and states are
    read, never a comment's text, a file's name or who acted."""
    rows = (
        ReferralEvent.objects.filter(
            referral_id=referral.pk, referral__in=Referral.objects.visible_to(viewer)
        )
        .order_by("at", "pk")
        .values("kind", "at", "from_state", "to_state")
    )
    return [dict(row) for row in rows]
