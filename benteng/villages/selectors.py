"""Reads of the villages app, each through ``visible_to`` / ``access_object`` and audited."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.policy import access_object, redact
from benteng.access.viewer import Viewer
from benteng.accounts.aggregates import count_for_viewer
from benteng.accounts.models import Role, User
from benteng.audit.services import audit_record_list
from benteng.regions.codes import within_q
from benteng.regions.models import Region
from benteng.village_reports.selectors import recruiter_report_counts
from benteng.villages.border import BORDER_EVENT_LABELS, BorderEventKind, recent_border_counts
from benteng.villages.models import (
    SERVICE_DAY_PLAN_KEY,
    DesaBinaan,
    FocalPerson,
    Outreach,
    OutreachFile,
    OutreachKind,
    ServiceDay,
    WorkPlan,
)

TEAM_ROLES = (Role.PIMPASA, Role.BHABINKAMTIBMAS, Role.PIC_DESA)
CONTACT_FIELDS = ["full_name", "role", "office", "phone", "email"]
RECENT_ACTIVITIES = 10


def village_list(*, viewer: Viewer, search: str = "") -> list[DesaBinaan]:
    """The Desa Binaan the viewer may see, with their kecamatan and kabupaten, audited."""
    rows = DesaBinaan.objects.visible_to(viewer).select_related("region__parent__parent", "kanim")
    if search.strip():
        folded = "".join(search.split()).lower()
        rows = rows.filter(
            Q(region__search_name__contains=folded)
            | Q(region__parent__search_name__contains=folded)
            | Q(region__code__startswith=search.strip())
        )
    found = list(rows.order_by("region_id"))
    audit_record_list(viewer=viewer, model=DesaBinaan, objects=found, search={"q": search})
    return found


def village_get(*, viewer: Viewer, pk: int) -> DesaBinaan:
    """One Desa Binaan, or ``NotVisible`` (missing and forbidden alike), audited."""
    return access_object(
        viewer,
        DesaBinaan,
        pk,
        queryset=DesaBinaan.objects.select_related("region__parent__parent", "kanim"),
    )


@dataclass(frozen=True)
class TeamMember:
    label: Any
    name: str
    detail: str
    phone: str
    email: str
    is_self: bool


def village_team(*, viewer: Viewer, village: DesaBinaan) -> list[TeamMember]:
    """The desa's PIMPASA, Bhabinkamtibmas and focal persons with the contacts the viewer may
    see: accounts through the accounts policy (village partners see each other's work
    contacts), focal persons through their own; both reads audited."""
    accounts = list(
        User.objects.visible_to(viewer)
        .filter(villages=village.region, role__in=TEAM_ROLES, is_active=True)
        .select_related("office")
        .order_by("role", "full_name")
    )
    audit_record_list(viewer=viewer, model=User, objects=accounts, purpose="tim Desa Binaan")
    members = []
    for account in accounts:
        shown = redact(viewer, account, CONTACT_FIELDS)
        members.append(
            TeamMember(
                label=account.get_role_display(),
                name=shown.get("full_name", ""),
                detail=account.office.name if account.office_id and account.office else "",
                phone=shown.get("phone", ""),
                email=shown.get("email", ""),
                is_self=account.pk == viewer.user_id,
            )
        )
    persons = list(
        FocalPerson.objects.visible_to(viewer)
        .filter(village=village, is_active=True)
        .order_by("full_name")
    )
    audit_record_list(viewer=viewer, model=FocalPerson, objects=persons, purpose="tim Desa Binaan")
    linked = {account.pk for account in accounts}
    for person in persons:
        if person.user_id in linked:
            continue
        members.append(
            TeamMember(
                label=_focal_label(),
                name=person.full_name,
                detail=person.position,
                phone=person.phone,
                email="",
                is_self=person.user_id == viewer.user_id and viewer.user_id is not None,
            )
        )
    return members


def _focal_label() -> Any:
    return _("PIC desa")


def focal_persons(*, viewer: Viewer, village: DesaBinaan) -> list[FocalPerson]:
    persons = list(
        FocalPerson.objects.visible_to(viewer).filter(village=village).order_by("full_name")
    )
    audit_record_list(viewer=viewer, model=FocalPerson, objects=persons)
    return persons


def recent_activities(*, viewer: Viewer, village: DesaBinaan) -> dict[str, list[Any]]:
    """The latest service days and outreach of the desa the viewer may see, with the files
    (not for leadership), audited."""
    days = list(ServiceDay.objects.visible_to(viewer).filter(village=village)[:RECENT_ACTIVITIES])
    files = OutreachFile.objects.visible_to(viewer).order_by("pk")
    sessions = list(
        Outreach.objects.visible_to(viewer)
        .filter(village=village)
        .prefetch_related(Prefetch("files", queryset=files, to_attr="visible_files"))[
            :RECENT_ACTIVITIES
        ]
    )
    audit_record_list(viewer=viewer, model=ServiceDay, objects=days)
    audit_record_list(viewer=viewer, model=Outreach, objects=sessions)
    return {"service_days": days, "outreach": sessions}


def outreach_file_get(*, viewer: Viewer, pk: int) -> OutreachFile:
    """One photo or attendance list, or ``NotVisible``; the read is audited."""
    return access_object(viewer, OutreachFile, pk, purpose="unduh berkas kegiatan desa")


# --- totals --------------------------------------------------------------------------------

LEVEL_DESA = "village"
LEVEL_KECAMATAN = "kecamatan"
LEVEL_KABUPATEN = "kabupaten"
# The length of a code at each level: "36.03" / "36.03.07" / "36.03.07.2001".
LEVEL_CODE_PARTS = {LEVEL_KABUPATEN: 2, LEVEL_KECAMATAN: 3, LEVEL_DESA: 4}


@dataclass
class TotalsRow:
    code: str
    name: str = ""
    service_days: int = 0
    served_male: int = 0
    served_female: int = 0
    outreach: Counter[str] = field(default_factory=Counter)
    participants_male: int = 0
    participants_female: int = 0
    participants_youth: int = 0

    @property
    def outreach_total(self) -> int:
        return sum(self.outreach.values())

    @property
    def outreach_counts(self) -> list[tuple[Any, int]]:
        """(label, count) per outreach kind, in the kinds' order."""
        return [(label, self.outreach.get(value, 0)) for value, label in OutreachKind.choices]

    @property
    def served_total(self) -> int:
        return self.served_male + self.served_female

    @property
    def participants_total(self) -> int:
        return self.participants_male + self.participants_female


def _period(
    rows: QuerySet[Any], date_from: datetime.date | None, date_to: datetime.date | None
) -> QuerySet[Any]:
    if date_from:
        rows = rows.filter(held_on__gte=date_from)
    if date_to:
        rows = rows.filter(held_on__lte=date_to)
    return rows


def activity_totals(
    *,
    viewer: Viewer,
    level: str,
    within: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[TotalsRow]:
    """Service days and outreach the viewer may see, summed per desa, kecamatan or
    kabupaten/kota (counts only; two grouped queries and one for the names)."""
    parts = LEVEL_CODE_PARTS[level]
    region_filter = within_q([within], field="village__region__code") if within else Q()
    days = _period(ServiceDay.objects.visible_to(viewer).filter(region_filter), date_from, date_to)
    sessions = _period(
        Outreach.objects.visible_to(viewer).filter(region_filter), date_from, date_to
    )
    rows: dict[str, TotalsRow] = {}

    def row_of(desa_code: str) -> TotalsRow:
        code = ".".join(desa_code.split(".")[:parts])
        return rows.setdefault(code, TotalsRow(code))

    for item in (
        days.values("village__region_id")
        .annotate(count=Count("pk"), male=Sum("served_male"), female=Sum("served_female"))
        .order_by()
    ):
        row = row_of(item["village__region_id"])
        row.service_days += item["count"]
        row.served_male += item["male"] or 0
        row.served_female += item["female"] or 0
    for item in (
        sessions.values("village__region_id", "kind")
        .annotate(
            count=Count("pk"),
            male=Sum("participants_male"),
            female=Sum("participants_female"),
            youth=Sum("participants_youth"),
        )
        .order_by()
    ):
        row = row_of(item["village__region_id"])
        row.outreach[item["kind"]] += item["count"]
        row.participants_male += item["male"] or 0
        row.participants_female += item["female"] or 0
        row.participants_youth += item["youth"] or 0
    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name"))
    for code, row in rows.items():
        row.name = names.get(code, code)
    return sorted(rows.values(), key=lambda row: row.code)


# --- work plans ----------------------------------------------------------------------------


def quarter_dates(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    last_month_end = (
        datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    )
    return first, last_month_end - datetime.timedelta(days=1)


@dataclass(frozen=True)
class PlanLine:
    key: str
    label: Any
    planned: int
    done: int


@dataclass(frozen=True)
class PlanProgress:
    plan: WorkPlan
    lines: list[PlanLine]


def plan_labels() -> dict[str, Any]:
    return {SERVICE_DAY_PLAN_KEY: _("Hari layanan"), **dict(OutreachKind.choices)}


def work_plans(*, viewer: Viewer, year: int | None = None) -> list[PlanProgress]:
    """The work plans the viewer may see with what was done in that desa and quarter (planned
    vs done), audited. Three queries whatever the number of plans."""
    plans = list(
        WorkPlan.objects.visible_to(viewer)
        .filter(**({"year": year} if year else {}))
        .select_related("village__region", "officer")
        .order_by("-year", "-quarter", "village__region_id")
    )
    audit_record_list(viewer=viewer, model=WorkPlan, objects=plans)
    if not plans:
        return []
    desa_ids = {plan.village_id for plan in plans}
    first = min(quarter_dates(plan.year, plan.quarter)[0] for plan in plans)
    last = max(quarter_dates(plan.year, plan.quarter)[1] for plan in plans)
    done: Counter[tuple[int, int, int, str]] = Counter()
    for village_id, held_on in ServiceDay.objects.filter(
        village_id__in=desa_ids, held_on__range=(first, last)
    ).values_list("village_id", "held_on"):
        done[(village_id, held_on.year, (held_on.month - 1) // 3 + 1, SERVICE_DAY_PLAN_KEY)] += 1
    for village_id, held_on, kind in Outreach.objects.filter(
        village_id__in=desa_ids, held_on__range=(first, last)
    ).values_list("village_id", "held_on", "kind"):
        done[(village_id, held_on.year, (held_on.month - 1) // 3 + 1, kind)] += 1
    labels = plan_labels()
    return [
        PlanProgress(
            plan=plan,
            lines=[
                PlanLine(
                    key=key,
                    label=label,
                    planned=int(plan.planned.get(key, 0)),
                    done=done[(plan.village_id, plan.year, plan.quarter, key)],
                )
                for key, label in labels.items()
                if plan.planned.get(key) or done[(plan.village_id, plan.year, plan.quarter, key)]
            ],
        )
        for plan in plans
    ]


# --- the outreach list ---------------------------------------------------------------------

OUTREACH_WINDOW_DAYS = 90


@dataclass(frozen=True)
class VisitSuggestion:
    village: DesaBinaan
    border_events: Counter[BorderEventKind]
    outreach_recent: int
    last_outreach: datetime.date | None
    reasons: list[str]
    recruiter_reports: int = 0

    @property
    def border_total(self) -> int:
        return sum(self.border_events.values())

    @property
    def signals(self) -> int:
        """Border events and village reports of a recruiter at work, in the window."""
        return self.border_total + self.recruiter_reports


def outreach_list(*, viewer: Viewer, today: datetime.date) -> list[VisitSuggestion]:
    """The viewer's Desa Binaan ranked for the next visit: most border events and recruiter
    reports (not closed as not borne out) in the last 90 days first, then the fewest outreach
    sessions in that window, then the longest since the last one; each with its reasons.
    Counts only; five queries besides the list. Ranked on the true counts; the reasons show
    them as the viewer may see them (``count_for_viewer``: "< 5" for leadership)."""
    since = today - datetime.timedelta(days=OUTREACH_WINDOW_DAYS)
    villages = village_list(viewer=viewer)
    active = [village for village in villages if village.is_active]
    codes = [village.region_id for village in active]
    counts = recent_border_counts(desa_codes=codes, since=since)
    reports = recruiter_report_counts(
        codes,
        since=datetime.datetime.combine(
            since, datetime.time.min, tzinfo=timezone.get_current_timezone()
        ),
    )
    activity: dict[int, dict[str, Any]] = {
        row["village_id"]: dict(row)
        for row in Outreach.objects.filter(village__in=active)
        .values("village_id")
        .annotate(recent=Count("pk", filter=Q(held_on__gte=since)), last=Max("held_on"))
        .order_by()
    }
    suggestions = []
    for village in active:
        events = counts.get(village.region_id, Counter())
        found: dict[str, Any] = activity.get(village.pk, {})
        recent = found.get("recent", 0)
        last = found.get("last")
        reasons = [
            _("%(count)s × %(label)s dalam %(days)d hari")
            % {
                "count": count_for_viewer(viewer, events[kind]),
                "label": BORDER_EVENT_LABELS[kind],
                "days": OUTREACH_WINDOW_DAYS,
            }
            for kind in BorderEventKind
            if events[kind]
        ]
        recruiters = reports.get(village.region_id, 0)
        if recruiters:
            reasons.append(
                _("%(count)s laporan desa tentang perekrut dalam %(days)d hari")
                % {"count": count_for_viewer(viewer, recruiters), "days": OUTREACH_WINDOW_DAYS}
            )
        if last is None:
            reasons.append(_("belum pernah ada penyuluhan tercatat"))
        else:
            reasons.append(
                _("penyuluhan terakhir %(days)d hari lalu; %(count)d dalam %(window)d hari")
                % {"days": (today - last).days, "count": recent, "window": OUTREACH_WINDOW_DAYS}
            )
        suggestions.append(VisitSuggestion(village, events, recent, last, reasons, recruiters))
    suggestions.sort(
        key=lambda item: (
            -item.signals,
            item.outreach_recent,
            item.last_outreach or datetime.date.min,
            item.village.region_id,
        )
    )
    return suggestions


def village_tile_counts(*, viewer: Viewer) -> dict[str, int]:
    """The home tiles' counts: the viewer's Desa Binaan, their outreach of the last 90 days and
    how many of them had border events in that window (counts only; five queries)."""
    since = timezone.localdate() - datetime.timedelta(days=OUTREACH_WINDOW_DAYS)
    codes = list(
        DesaBinaan.objects.visible_to(viewer)
        .filter(is_active=True)
        .values_list("region_id", flat=True)
    )
    outreach = Outreach.objects.visible_to(viewer).filter(held_on__gte=since).count()
    events = recent_border_counts(desa_codes=codes, since=since)
    return {
        "villages": len(codes),
        "outreach_recent": outreach,
        "with_border_events": sum(1 for counts in events.values() if sum(counts.values())),
    }
