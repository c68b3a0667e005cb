"""What happened at the border to the people of one desa (or of many, for the outreach list):
counts and trends for everyone the village is shown to, names only through the screening and
cases apps' own policies.

Three kinds of event, each traced to its origin by ``origins.py``:

- an application postponed or refused: an ``ApplicationDecision`` "tunda" or "tolak" (one
  application counts once however many such decisions it had), dated by the decision;
- a prevented departure: a ``DepartureCheck`` whose decision is a delay or a hand-over to the
  police, dated by the check;
- a victim of a trafficking case: a ``CasePerson`` in the role of victim, dated by the case's
  LP date.

The counts read every row (Benteng itself, ``Viewer.system``): they name no one. The names
are read with the viewer's own ``visible_to`` and every list shown is audited.
"""

from __future__ import annotations

import datetime
import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import visible_fields
from benteng.access.viewer import Viewer
from benteng.audit.services import audit_record_list
from benteng.cases.models import CasePerson, PersonRole
from benteng.screening.models import (
    ApplicationDecision,
    DecisionOutcome,
    DepartureCheck,
    DepartureOutcome,
    PassportApplication,
)
from benteng.villages.origins import from_desa, from_kecamatan_without_desa

STOPPED_APPLICATION_OUTCOMES = (DecisionOutcome.POSTPONE, DecisionOutcome.REFUSE)
PREVENTED_DEPARTURE_OUTCOMES = (DepartureOutcome.DELAY, DepartureOutcome.HAND_OVER)
NAMES_SHOWN = 20


class BorderEventKind(enum.StrEnum):
    APPLICATION_STOPPED = "permohonan_ditunda_ditolak"
    DEPARTURE_PREVENTED = "keberangkatan_dicegah"
    CASE_VICTIM = "korban_kasus"


BORDER_EVENT_LABELS = {
    BorderEventKind.APPLICATION_STOPPED: _("Permohonan paspor ditunda/ditolak"),
    BorderEventKind.DEPARTURE_PREVENTED: _("Keberangkatan dicegah di TPI"),
    BorderEventKind.CASE_VICTIM: _("Korban dalam kasus TPPO/TPPM"),
}


def _stopped_decisions() -> QuerySet[ApplicationDecision]:
    return ApplicationDecision.objects.filter(outcome__in=STOPPED_APPLICATION_OUTCOMES)


def _prevented_departures() -> QuerySet[DepartureCheck]:
    return DepartureCheck.objects.filter(outcome__in=PREVENTED_DEPARTURE_OUTCOMES)


def _victims() -> QuerySet[CasePerson]:
    return CasePerson.objects.filter(role=PersonRole.VICTIM)


# Per kind: the rows, the path from a row to the person's identity, the date, what one
# event is (counted distinct).
_SOURCES: dict[BorderEventKind, tuple[Any, str, str, str]] = {
    BorderEventKind.APPLICATION_STOPPED: (
        _stopped_decisions,
        "application__",
        "decided_at",
        "application_id",
    ),
    BorderEventKind.DEPARTURE_PREVENTED: (_prevented_departures, "", "checked_at", "id"),
    BorderEventKind.CASE_VICTIM: (_victims, "", "case__lp_date", "pk"),
}


@dataclass
class BorderFigures:
    """One kind of event for one desa."""

    kind: BorderEventKind
    total: int = 0
    recent: int = 0
    by_year: dict[int, int] = field(default_factory=dict)
    # (year, month) -> count, the last twelve months.
    by_month: dict[tuple[int, int], int] = field(default_factory=dict)
    # From the kecamatan with the desa unknown (NIK only), in the same recent window.
    kecamatan_recent: int = 0

    @property
    def label(self) -> Any:
        return BORDER_EVENT_LABELS[self.kind]


def _since(date_field: str, since: datetime.date) -> Q:
    if date_field.endswith("lp_date"):
        return Q(**{f"{date_field}__gte": since})
    return Q(**{f"{date_field}__date__gte": since})


def _local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def border_figures(
    *, desa_code: str, kecamatan_code: str, today: datetime.date, recent_days: int
) -> list[BorderFigures]:
    """The counts of each kind for one desa: in all, in the recent window, per year and per
    month over the last twelve months; and the recent ones of its kecamatan whose desa is
    unknown. Two queries per kind: the desa's events (one id and date each, counted here: a
    desa has hundreds, not millions) and the kecamatan's count."""
    recent_from = today - datetime.timedelta(days=recent_days)
    months_from = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    figures = []
    for kind, (rows, prefix, date_field, unit) in _SOURCES.items():
        found = BorderFigures(kind)
        # An event is dated by its first row (an application postponed, then refused, counts
        # once, when it was first stopped).
        first_seen: dict[int, datetime.date] = {}
        for event_id, moment in (
            rows().filter(from_desa(desa_code, prefix)).values_list(unit, date_field)
        ):
            day = _local_date(moment)
            if event_id not in first_seen or day < first_seen[event_id]:
                first_seen[event_id] = day
        for day in first_seen.values():
            found.total += 1
            found.by_year[day.year] = found.by_year.get(day.year, 0) + 1
            if day >= months_from:
                key = (day.year, day.month)
                found.by_month[key] = found.by_month.get(key, 0) + 1
            if day >= recent_from:
                found.recent += 1
        found.kecamatan_recent = (
            rows()
            .filter(from_kecamatan_without_desa(kecamatan_code, prefix))
            .filter(_since(date_field, recent_from))
            .aggregate(count=Count(unit, distinct=True))["count"]
        )
        figures.append(found)
    return figures


def recent_border_counts(
    *,
    desa_codes: Iterable[str],
    since: datetime.date,
    kinds: Iterable[BorderEventKind] = tuple(BorderEventKind),
) -> dict[str, Counter[BorderEventKind]]:
    """For many desa at once (the outreach list): the events of each kind since a date, per
    desa. One query per kind asked for."""
    codes = sorted(set(desa_codes))
    counts: dict[str, Counter[BorderEventKind]] = {code: Counter() for code in codes}
    if not codes:
        return counts
    for kind in kinds:
        rows, prefix, date_field, unit = _SOURCES[kind]
        region = f"{prefix}region_id"
        grouped = (
            rows()
            .filter(**{f"{region}__in": codes})
            .filter(_since(date_field, since))
            .values(region)
            .annotate(count=Count(unit, distinct=True))
            .order_by()
        )
        for row in grouped:
            counts[row[region]][kind] = row["count"]
    return counts


@dataclass(frozen=True)
class NamedEvent:
    kind: BorderEventKind
    record: Any
    name: str
    on: datetime.date | None
    detail: str


def border_names(*, viewer: Viewer, desa_code: str) -> list[NamedEvent]:
    """The people of this desa the viewer may already see through the screening and cases
    policies (their own Kanim's applicants, their TPI's passengers, the case team's victims),
    the latest first; every list shown is audited."""
    named: list[NamedEvent] = []
    applications = list(
        PassportApplication.objects.visible_to(viewer)
        .filter(from_desa(desa_code))
        .filter(pk__in=_stopped_decisions().values("application_id"))
        .only("pk", "reference", "full_name", "status", "submitted_at")
        .order_by("-submitted_at")[:NAMES_SHOWN]
    )
    audit_record_list(
        viewer=viewer,
        model=PassportApplication,
        objects=applications,
        search={"village": desa_code},
    )
    named += [
        NamedEvent(
            BorderEventKind.APPLICATION_STOPPED,
            record,
            record.full_name,
            record.submitted_at.date(),
            record.get_status_display(),
        )
        for record in applications
    ]
    departures = list(
        _prevented_departures()
        .filter(pk__in=DepartureCheck.objects.visible_to(viewer).values("pk"))
        .filter(from_desa(desa_code))
        .only("pk", "reference", "full_name", "outcome", "checked_at")
        .order_by("-checked_at")[:NAMES_SHOWN]
    )
    audit_record_list(
        viewer=viewer, model=DepartureCheck, objects=departures, search={"village": desa_code}
    )
    named += [
        NamedEvent(
            BorderEventKind.DEPARTURE_PREVENTED,
            record,
            record.full_name,
            record.checked_at.date(),
            record.get_outcome_display(),
        )
        for record in departures
    ]
    named += _victim_names(viewer=viewer, desa_code=desa_code)
    return named


def _victim_names(*, viewer: Viewer, desa_code: str) -> list[NamedEvent]:
    """Victims by name for the case team only: the region is itself part of the victim's
    identity, so a viewer who may not see it finds no row here (``CasePersonPolicy.fields``)."""
    victims = list(
        CasePerson.objects.visible_to(viewer)
        .filter(from_desa(desa_code), role=PersonRole.VICTIM)
        .select_related("case")
        .order_by("-case__lp_date")[:NAMES_SHOWN]
    )
    shown = [
        victim for victim in victims if {"full_name", "region"} <= visible_fields(viewer, victim)
    ]
    audit_record_list(viewer=viewer, model=CasePerson, objects=shown, search={"village": desa_code})
    return [
        NamedEvent(
            BorderEventKind.CASE_VICTIM,
            victim,
            victim.full_name,
            victim.case.lp_date,
            victim.case.lp_number,
        )
        for victim in shown
    ]
