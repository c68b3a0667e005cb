"""Reads of village reports: the list of a viewer (their desa, or the reports routed to their
office) with filters, one report with its people and photos, a photo, and a desa's summary.
Every read goes through ``visible_to`` / ``access_object`` and is audited; the reporter goes
through the policy's fields (``report_fields``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet

from benteng.access.policy import NotVisible, access_object, visible_fields
from benteng.access.viewer import Viewer
from benteng.audit.services import audit_record_denied, audit_record_list, audit_record_read
from benteng.cases.models import Case, Stage
from benteng.referrals.access import may_read_referral, may_see_referral_outcome
from benteng.referrals.models import Referral, ReferralOutcome, ReferralState
from benteng.village_reports.access import REPORTER_FIELDS
from benteng.village_reports.models import (
    ReportKind,
    ReportStatus,
    VillageReport,
    VillageReportPerson,
    VillageReportPhoto,
)

PURPOSE = "laporan_desa"
PAGE_SIZE = 50


# What a report's page loads of the referral it produced and of that referral's case: the
# offices (and their parents, for a head's ``may_read_referral``) and the case's number and
# stage, nothing else of the case.
_REFERRAL_RELATED = (
    "referral",
    "referral__sender_office__parent",
    "referral__receiving_office__parent",
    "referral__case",
)
_CASE_FIELDS_NOT_LOADED = tuple(
    f"referral__case__{model_field.name}"
    for model_field in Case._meta.concrete_fields
    if model_field.name not in {"id", "lp_number", "stage"}
)


@dataclass(frozen=True)
class ReferralProgress:
    """What became of the referral a report produced, as far as this viewer may learn it
    (``referrals.access.may_see_referral_outcome``). ``shown`` false: the viewer learns only
    that the report was referred. The case's LP number only for a party to the referral."""

    shown: bool
    number: str = ""
    state_label: str = ""
    outcome_label: str = ""
    case_lp_number: str = ""
    case_stage_label: str = ""


def referral_progress(viewer: Viewer, report: VillageReport) -> ReferralProgress | None:
    """What the viewer learns of the referral of a report loaded with ``_REFERRAL_RELATED``;
    ``None`` for a report not referred."""
    referral: Referral | None = report.referral
    if referral is None:
        return None
    filed_it = viewer.user_id is not None and viewer.user_id == report.filed_by_id
    if not may_see_referral_outcome(viewer, referral, filed_its_origin=filed_it):
        return ReferralProgress(shown=False)
    case = referral.case
    return ReferralProgress(
        shown=True,
        number=referral.number,
        state_label=str(ReferralState(referral.state).label),
        outcome_label=str(ReferralOutcome(referral.outcome).label) if referral.outcome else "",
        case_lp_number=case.lp_number if case and may_read_referral(viewer, referral) else "",
        case_stage_label=str(Stage(case.stage).label) if case else "",
    )


@dataclass(frozen=True)
class ReportRow:
    """A report in the list and what the viewer learns of its referral."""

    report: VillageReport
    referral: ReferralProgress | None


@dataclass(frozen=True)
class ReportList:
    """One page of the list: the page (for its links) and its rows."""

    page: Page[VillageReport]
    rows: list[ReportRow]


@dataclass(frozen=True)
class ReportFilters:
    status: str = ""
    kind: str = ""
    village: str = ""

    def as_search(self) -> dict[str, str]:
        return {"status": self.status, "kind": self.kind, "village": self.village}


def reports_for(
    viewer: Viewer, filters: ReportFilters | None = None, *, page: str | int | None = 1
) -> ReportList:
    """One page of the reports the viewer sees, newest first, each with what the viewer may
    learn of what became of it (``ReportRow``); the page shown is audited with its filters."""
    filters = filters or ReportFilters()
    queryset: QuerySet[VillageReport] = (
        VillageReport.objects.visible_to(viewer)
        .select_related("village", "village__parent", *_REFERRAL_RELATED)
        .defer(*_CASE_FIELDS_NOT_LOADED)
    )
    if filters.status in ReportStatus.values:
        queryset = queryset.filter(status=filters.status)
    if filters.kind in ReportKind.values:
        queryset = queryset.filter(kind=filters.kind)
    if filters.village:
        queryset = queryset.filter(village_id=filters.village)
    # The reporter is never in a list, whoever reads it.
    found = Paginator(queryset.defer(*REPORTER_FIELDS), PAGE_SIZE).get_page(page)
    reports = list(found.object_list)
    audit_record_list(
        viewer=viewer,
        model=VillageReport,
        objects=reports,
        search=filters.as_search(),
        purpose=PURPOSE,
    )
    rows = [
        ReportRow(report=report, referral=referral_progress(viewer, report)) for report in reports
    ]
    return ReportList(page=found, rows=rows)


@dataclass
class ReportDetail:
    report: VillageReport
    fields: frozenset[str]
    referral: ReferralProgress | None = None
    people: list[VillageReportPerson] = field(default_factory=list)
    photos: list[VillageReportPhoto] = field(default_factory=list)

    @property
    def reporter_shown(self) -> bool:
        return self.fields >= REPORTER_FIELDS


def report_detail(viewer: Viewer, pk: Any) -> ReportDetail:
    """One report for this viewer (``NotVisible`` when missing or not theirs), its people and
    its photos (without their bytes); the report and the people read are audited."""
    report = access_object(
        viewer,
        VillageReport,
        pk,
        purpose=PURPOSE,
        queryset=VillageReport.objects.select_related(
            "village", "village__parent", "kanim", "polres", "filed_by", *_REFERRAL_RELATED
        ).defer(*_CASE_FIELDS_NOT_LOADED),
    )
    fields = visible_fields(viewer, report)
    if not fields >= REPORTER_FIELDS:
        # What the viewer may not see is not kept on the object handed to the page.
        report.reporter_name = ""
        report.reporter_phone = ""
    people = list(VillageReportPerson.objects.visible_to(viewer).filter(report=report))
    audit_record_read(viewer=viewer, objects=people, purpose=PURPOSE)
    photos = list(
        VillageReportPhoto.objects.visible_to(viewer).filter(report=report).defer("content")
    )
    return ReportDetail(
        report=report,
        fields=fields,
        referral=referral_progress(viewer, report),
        people=people,
        photos=photos,
    )


def report_to_follow_up(viewer: Viewer, pk: Any) -> VillageReport:
    """One report the viewer sees, loaded for a follow-up step (verify, refer, close):
    ``NotVisible`` when missing or not theirs (the probe recorded, as ``access_object`` does).
    What the steps need and no reporter; no read is recorded, the step's service records its
    write (a refused step that shows the page again reads it through ``report_detail``)."""
    try:
        return (
            VillageReport.objects.visible_to(viewer)
            .select_related("village", "kanim", "polres")
            .defer(*REPORTER_FIELDS)
            .get(pk=pk)
        )
    except (VillageReport.DoesNotExist, ValueError, TypeError) as error:
        audit_record_denied(viewer=viewer, model=VillageReport, pk=pk)
        raise NotVisible from error


def report_photo(viewer: Viewer, report_id: Any, photo_id: Any) -> VillageReportPhoto:
    """One photo of a report the viewer sees (audited)."""
    photo = access_object(viewer, VillageReportPhoto, photo_id, purpose=PURPOSE)
    if str(photo.report_id) != str(report_id):
        raise NotVisible
    return photo


@dataclass(frozen=True)
class RecentReport:
    pk: int
    number: str
    filed_at: datetime.datetime
    status: str


@dataclass(frozen=True)
class DesaReportSummary:
    desa_code: str
    by_kind: dict[str, int]
    by_status: dict[str, int]
    total: int
    recent_recruiter_reports: list[RecentReport]


def desa_report_summary(
    viewer: Viewer, desa_code: str, *, since: datetime.datetime
) -> DesaReportSummary:
    """For the village profile: the reports of one desa filed since ``since`` that the viewer
    sees, counted by kind and by status, and the recent recruiter reports (numbers, dates,
    statuses: no person). Nothing for a desa the viewer does not see. The recruiter reports
    listed are audited."""
    base = VillageReport.objects.visible_to(viewer).filter(
        village_id=desa_code, filed_at__gte=since
    )
    by_kind = {
        row["kind"]: row["count"]
        for row in base.order_by().values("kind").annotate(count=Count("pk"))
    }
    by_status = {
        row["status"]: row["count"]
        for row in base.order_by().values("status").annotate(count=Count("pk"))
    }
    recent = list(
        base.filter(mentions_recruiter=True)
        .only("pk", "filed_at", "status")
        .order_by("-filed_at")[:20]
    )
    audit_record_list(
        viewer=viewer,
        model=VillageReport,
        objects=recent,
        search={"village": desa_code},
        purpose=PURPOSE,
    )
    return DesaReportSummary(
        desa_code=desa_code,
        by_kind=by_kind,
        by_status=by_status,
        total=sum(by_kind.values()),
        recent_recruiter_reports=[
            RecentReport(pk=r.pk, number=r.number, filed_at=r.filed_at, status=r.status)
            for r in recent
        ],
    )


def home_count(viewer: Viewer) -> int:
    """Reports the viewer sees that are not closed yet: the home tile's count."""
    return VillageReport.objects.visible_to(viewer).exclude(status=ReportStatus.CLOSED).count()


def recruiter_report_counts(desa_codes: list[str], *, since: datetime.datetime) -> dict[str, int]:
    """How many reports of a recruiter at work each desa filed since ``since``, not counting
    those closed as not borne out: counts only, no person (the village profile's indicator and
    the outreach list; the same reports the screening signal counts)."""
    rows = (
        VillageReport.objects.filter(
            village_id__in=desa_codes,
            mentions_recruiter=True,
            unfounded=False,
            filed_at__gte=since,
        )
        .order_by()
        .values("village_id")
        .annotate(count=Count("pk"))
    )
    return {row["village_id"]: row["count"] for row in rows}
