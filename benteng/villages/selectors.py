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
from benteng.accounts.access import may_read_aggregates_only
from benteng.accounts.aggregates import CountSum, ShownCount, counts_for_viewer, sees_window_counts
from benteng.accounts.models import Role, User
from benteng.audit.services import audit_record_list
from benteng.regions.codes import code_within
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
# The totals line: everything the viewer sees, above the kabupaten/kota.
ALL_AREAS = ""

# The counts of a row (``TotalsRow.counts``), each a cell of the totals table.
SERVICE_DAYS = "service_days"
SERVED_MALE = "served_male"
SERVED_FEMALE = "served_female"
OUTREACH_SESSIONS = "outreach"
PARTICIPANTS_MALE = "participants_male"
PARTICIPANTS_FEMALE = "participants_female"
PARTICIPANTS_YOUTH = "participants_youth"


def _kind_cell(kind: str) -> str:
    return f"outreach:{kind}"


# Each outreach kind with its cell, read once (a table has a dozen cells per row, a thousand
# rows a year).
_KIND_CELLS = tuple((kind, _kind_cell(kind)) for kind in OutreachKind.values)


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
    # Every count as the viewer may see it (``accounts.aggregates``), by ``counts()``' keys.
    shown: dict[str, ShownCount] = field(default_factory=dict)

    @property
    def outreach_total(self) -> int:
        return sum(self.outreach.values())

    @property
    def outreach_counts(self) -> list[tuple[Any, ShownCount]]:
        """(label, count as shown) per outreach kind, in the kinds' order."""
        return [(label, self.shown[_kind_cell(value)]) for value, label in OutreachKind.choices]

    @property
    def served_total(self) -> int:
        return self.served_male + self.served_female

    @property
    def participants_total(self) -> int:
        return self.participants_male + self.participants_female

    def counts(self) -> dict[str, int]:
        """Every count of the row: the service days, the men and women served, the sessions
        in all and per kind, the participants."""
        return {
            SERVICE_DAYS: self.service_days,
            SERVED_MALE: self.served_male,
            SERVED_FEMALE: self.served_female,
            OUTREACH_SESSIONS: self.outreach_total,
            **{cell: self.outreach.get(kind, 0) for kind, cell in _KIND_CELLS},
            PARTICIPANTS_MALE: self.participants_male,
            PARTICIPANTS_FEMALE: self.participants_female,
            PARTICIPANTS_YOUTH: self.participants_youth,
        }

    def add(self, other: TotalsRow) -> None:
        self.service_days += other.service_days
        self.served_male += other.served_male
        self.served_female += other.served_female
        self.outreach.update(other.outreach)
        self.participants_male += other.participants_male
        self.participants_female += other.participants_female
        self.participants_youth += other.participants_youth


@dataclass(frozen=True)
class ActivityTotals:
    rows: list[TotalsRow]
    # The sum of the rows (the area asked for, or everything the viewer sees), or None.
    total: TotalsRow | None


def _period(
    rows: QuerySet[Any], date_from: datetime.date | None, date_to: datetime.date | None
) -> QuerySet[Any]:
    if date_from:
        rows = rows.filter(held_on__gte=date_from)
    if date_to:
        rows = rows.filter(held_on__lte=date_to)
    return rows


def _area_of(code: str) -> str:
    """The area one level up: the kecamatan of a desa, the kabupaten of a kecamatan, and
    ``ALL_AREAS`` above a kabupaten/kota."""
    parts = code.split(".")
    return ".".join(parts[:-1]) if len(parts) > LEVEL_CODE_PARTS[LEVEL_KABUPATEN] else ALL_AREAS


def _desa_activity(
    viewer: Viewer,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    *,
    desa: str = "",
) -> dict[str, TotalsRow]:
    """Service days and outreach the viewer may see in the period, summed per desa (two
    grouped queries); only the desa ``desa`` when one is named."""
    days = _period(ServiceDay.objects.visible_to(viewer), date_from, date_to)
    sessions = _period(Outreach.objects.visible_to(viewer), date_from, date_to)
    if desa:
        days = days.filter(village__region_id=desa)
        sessions = sessions.filter(village__region_id=desa)
    rows: dict[str, TotalsRow] = {}
    for item in (
        days.values("village__region_id")
        .annotate(count=Count("pk"), male=Sum("served_male"), female=Sum("served_female"))
        .order_by()
    ):
        row = rows.setdefault(item["village__region_id"], TotalsRow(item["village__region_id"]))
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
        row = rows.setdefault(item["village__region_id"], TotalsRow(item["village__region_id"]))
        row.outreach[item["kind"]] += item["count"]
        row.participants_male += item["male"] or 0
        row.participants_female += item["female"] or 0
        row.participants_youth += item["youth"] or 0
    return rows


def _with_areas(viewer: Viewer, desa_rows: dict[str, TotalsRow]) -> dict[str, TotalsRow]:
    """The desa rows with their kecamatan, kabupaten/kota and the totals line, every count as
    the viewer may see it. One table for every level and area: a reader of aggregates who
    switches the level or the area sees each cell with the same mark, so a desa hidden in one
    view cannot be had from a kecamatan shown in another (``counts_for_viewer`` checks each
    area against its parts, and the sessions against their kinds)."""
    rows = dict(desa_rows)
    children: dict[str, set[str]] = {}
    for code, desa in desa_rows.items():
        child = code
        while child != ALL_AREAS:
            area = _area_of(child)
            children.setdefault(area, set()).add(child)
            rows.setdefault(area, TotalsRow(area)).add(desa)
            child = area
    counts = {
        (code, cell): count for code, row in rows.items() for cell, count in row.counts().items()
    }
    measures = list(TotalsRow(ALL_AREAS).counts())
    sums = [
        CountSum((area, cell), tuple((child, cell) for child in sorted(parts)))
        for area, parts in children.items()
        for cell in measures
    ]
    sums += [
        CountSum(
            (code, OUTREACH_SESSIONS),
            tuple((code, cell) for _kind, cell in _KIND_CELLS),
        )
        for code in rows
    ]
    shown = counts_for_viewer(viewer, counts, sums)
    for (code, cell), count in shown.items():
        rows[code].shown[cell] = count
    return rows


def totals_period(
    viewer: Viewer,
    *,
    year: int | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    today: datetime.date,
) -> tuple[datetime.date | None, datetime.date | None]:
    """The period of the totals for this viewer. A reader of aggregates sees one calendar year
    at a time (this year unless another is asked for), the years the village profile shows:
    two periods that overlap would give the counts of their difference (1 January to 30 June
    less 1 January to 29 June is one day), which no suppression of one table can prevent.
    Everyone else sees any period."""
    if not may_read_aggregates_only(viewer):
        return date_from, date_to
    chosen = year or today.year
    return datetime.date(chosen, 1, 1), datetime.date(chosen, 12, 31)


def activity_totals(
    *,
    viewer: Viewer,
    level: str,
    within: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    year: int | None = None,
    today: datetime.date | None = None,
) -> ActivityTotals:
    """Service days and outreach the viewer may see, summed per desa, kecamatan or
    kabupaten/kota (counts only; two grouped queries and one for the names), with the sum of
    the rows. For a reader of aggregates, small counts are hidden across every level and area
    at once (``_with_areas``) and the period is one calendar year (``totals_period``)."""
    date_from, date_to = totals_period(
        viewer,
        year=year,
        date_from=date_from,
        date_to=date_to,
        today=today or timezone.localdate(),
    )
    rows = _with_areas(viewer, _desa_activity(viewer, date_from, date_to))
    parts = LEVEL_CODE_PARTS[level]
    if within and len(within.split(".")) > parts:
        # An area below the level asked for: its own row is the level's row within it.
        shown = [rows[within]] if within in rows else []
    else:
        shown = [
            row
            for code, row in rows.items()
            if len(code.split(".")) == parts and (not within or code_within(code, within))
        ]
    names = dict(
        Region.objects.filter(code__in=[row.code for row in shown]).values_list("code", "name")
    )
    for row in shown:
        row.name = names.get(row.code, row.code)
    total = rows.get(within) if within else rows.get(ALL_AREAS)
    return ActivityTotals(rows=sorted(shown, key=lambda row: row.code), total=total)


def activity_years(
    *, viewer: Viewer, village: DesaBinaan, years: list[int]
) -> dict[int, TotalsRow]:
    """One desa's activity row of each year, as the totals page shows it to this viewer for
    that year (the same table, so the profile and the totals give a reader of aggregates the
    same marks)."""
    # A reader of aggregates needs the whole table: whether this desa's counts are marked
    # depends on the other desa's (the "≥ 5" that protects a neighbour). Everyone else sees
    # exact counts, which this desa's own rows give.
    only = "" if may_read_aggregates_only(viewer) else village.region_id
    found = {}
    for year in years:
        rows = _with_areas(
            viewer,
            _desa_activity(
                viewer, datetime.date(year, 1, 1), datetime.date(year, 12, 31), desa=only
            ),
        )
        if village.region_id in rows:
            found[year] = rows[village.region_id]
    return found


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


def _visit_reasons(
    *,
    exact: bool,
    events: Counter[BorderEventKind],
    recruiters: int,
    recent: int,
    last: datetime.date | None,
    today: datetime.date,
) -> list[str]:
    """Why a desa is on the list: the border events per kind, the recruiter reports and the
    outreach in the window; with their numbers only when ``exact`` (``sees_window_counts``)."""
    window = {"days": OUTREACH_WINDOW_DAYS}
    reasons = [
        _("%(count)s × %(label)s dalam %(days)d hari")
        % {"count": events[kind], "label": BORDER_EVENT_LABELS[kind], **window}
        if exact
        else _("%(label)s dalam %(days)d hari") % {"label": BORDER_EVENT_LABELS[kind], **window}
        for kind in BorderEventKind
        if events[kind]
    ]
    if recruiters:
        reasons.append(
            _("%(count)s laporan desa tentang perekrut dalam %(days)d hari")
            % {"count": recruiters, **window}
            if exact
            else _("laporan desa tentang perekrut dalam %(days)d hari") % window
        )
    if last is None:
        reasons.append(_("belum pernah ada penyuluhan tercatat"))
    elif exact:
        reasons.append(
            _("penyuluhan terakhir %(days)d hari lalu; %(count)d dalam %(window)d hari")
            % {"days": (today - last).days, "count": recent, "window": OUTREACH_WINDOW_DAYS}
        )
    else:
        reasons.append(_("penyuluhan terakhir %(days)d hari lalu") % {"days": (today - last).days})
    return reasons


def outreach_list(*, viewer: Viewer, today: datetime.date) -> list[VisitSuggestion]:
    """The viewer's Desa Binaan ranked for the next visit: most border events and recruiter
    reports (not closed as not borne out) in the last 90 days first, then the fewest outreach
    sessions in that window, then the longest since the last one; each with its reasons.
    Counts only; five queries besides the list. The 90 days cut across the village profile's
    months, so a reader of aggregates sees, and is ranked by, only which kinds of event there
    were, never how many (``accounts.aggregates.sees_window_counts``)."""
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
    exact = sees_window_counts(viewer)
    suggestions = []
    for village in active:
        events = counts.get(village.region_id, Counter())
        found: dict[str, Any] = activity.get(village.pk, {})
        recent = found.get("recent", 0)
        last = found.get("last")
        recruiters = reports.get(village.region_id, 0)
        if not exact:
            # What the reader is shown: whether there was any, per kind.
            events = Counter({kind: 1 for kind, count in events.items() if count})
            recruiters, recent = min(recruiters, 1), min(recent, 1)
        reasons = _visit_reasons(
            exact=exact,
            events=events,
            recruiters=recruiters,
            recent=recent,
            last=last,
            today=today,
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
