"""Reading applications, departure checks and screening results on a viewer's behalf.

Every read goes through :mod:`benteng.access` (``visible_to`` for lists, ``access_object``
for one record) and is written to the audit trail: an officer sees their own office's records,
immigration analysts all of them, police only those referred to them or that hit a police
watchlist. Another office's decision about the same person reaches an officer only as an
*earlier event* of a screening result, never as the record itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from benteng.access.policy import NotVisible, access_object
from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_list, audit_record_read
from benteng.core.nik import clean_nik_text
from benteng.core.records import normalize_passport_no
from benteng.screening.identity_sources import APPLICATIONS, DEPARTURE_CHECKS
from benteng.screening.matching import records_named
from benteng.screening.models import DepartureCheck, PassportApplication, ScreeningResult
from benteng.screening.outcome import ScreeningOutcome, outcome_from_result
from benteng.screening.services import PURPOSE

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class ScreeningFilters:
    """What a list page or the API may narrow a list by; empty values do not filter."""

    status: str = ""  # application status, or departure outcome
    search: str = ""  # reference, name (however spelled), NIK or passport number
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    office_id: int | None = None
    police_visible: bool | None = None
    destination: str = ""  # ISO 3166-1 code

    def terms(self) -> dict[str, Any]:
        """The filters given, as the audit trail keeps them (dates in ISO 8601)."""
        terms: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if value is None or value == "":
                continue
            terms[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return terms


def _viewer_with_purpose(viewer: Viewer) -> Viewer:
    return viewer if viewer.purpose else viewer.with_purpose(PURPOSE)


def _search_q(text: str, *, source: str) -> Q:
    """A reference, a NIK or a passport number as typed, or a name: part of it as written,
    or the person's name however spelled, through the identity engine ("Noer Hayati" finds
    "Nur Hayati"). ``source`` is the identity source of the rows searched."""
    text = " ".join(text.split())
    if not text:
        return Q()
    condition = Q(reference__iexact=text) | Q(full_name__icontains=text)
    nik = clean_nik_text(text)
    if len(nik) == 16 and nik.isdigit():
        condition |= Q(nik=nik)
    passport_no = normalize_passport_no(text)
    if passport_no and any(character.isdigit() for character in passport_no):
        condition |= Q(passport_no=passport_no)
    if any(character.isalpha() for character in text):
        named = records_named(text).get(source)
        if named:
            condition |= Q(pk__in=sorted(named))
    return condition


def _filtered(
    queryset: QuerySet[Any],
    filters: ScreeningFilters,
    *,
    date_field: str,
    status_field: str,
    source: str,
) -> QuerySet[Any]:
    if filters.status:
        queryset = queryset.filter(**{status_field: filters.status})
    if filters.destination:
        queryset = queryset.filter(destination_country=filters.destination)
    if filters.search:
        queryset = queryset.filter(_search_q(filters.search, source=source))
    if filters.date_from is not None:
        queryset = queryset.filter(**{f"{date_field}__date__gte": filters.date_from})
    if filters.date_to is not None:
        queryset = queryset.filter(**{f"{date_field}__date__lte": filters.date_to})
    if filters.office_id is not None:
        queryset = queryset.filter(office_id=filters.office_id)
    if filters.police_visible is not None:
        queryset = queryset.filter(police_visible=filters.police_visible)
    return queryset


def screening_list_audit(
    *,
    viewer: Viewer,
    model: type[PassportApplication] | type[DepartureCheck],
    rows: list[Any],
    filters: ScreeningFilters | None,
    extra_terms: dict[str, Any] | None = None,
) -> None:
    """Record a list read: with its search terms and filters whenever any were given (even
    when nothing was found), else the rows shown."""
    viewer = _viewer_with_purpose(viewer)
    terms = {**(filters.terms() if filters is not None else {}), **(extra_terms or {})}
    if terms:
        audit_record_list(viewer=viewer, model=model, objects=rows, search=terms)
    else:
        audit_record_read(viewer=viewer, objects=rows, action=AuditAction.LIST)


def application_queryset_for(
    viewer: Viewer, filters: ScreeningFilters | None = None
) -> QuerySet[PassportApplication]:
    """The applications this viewer may see, filtered; not audited (count and paginate it,
    then read the rows with :func:`application_list_for`)."""
    queryset = PassportApplication.objects.visible_to(viewer).select_related("office", "region")
    return _filtered(
        queryset,
        filters or ScreeningFilters(),
        date_field="submitted_at",
        status_field="status",
        source=APPLICATIONS.label,
    )


def application_list_for(
    viewer: Viewer,
    filters: ScreeningFilters | None = None,
    *,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> list[PassportApplication]:
    """One page of the applications this viewer may see, newest first; the list is audited."""
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(application_queryset_for(viewer, filters)[offset : offset + limit])
    screening_list_audit(viewer=viewer, model=PassportApplication, rows=rows, filters=filters)
    return rows


def application_get(viewer: Viewer, pk: Any) -> PassportApplication:
    """One application for this viewer; missing and not visible both raise ``NotVisible``."""
    return access_object(
        _viewer_with_purpose(viewer),
        PassportApplication,
        pk,
        queryset=PassportApplication.objects.select_related("office", "region", "entered_by"),
    )


def departure_queryset_for(
    viewer: Viewer, filters: ScreeningFilters | None = None
) -> QuerySet[DepartureCheck]:
    """The departure checks this viewer may see, filtered; not audited."""
    queryset = DepartureCheck.objects.visible_to(viewer).select_related("office")
    return _filtered(
        queryset,
        filters or ScreeningFilters(),
        date_field="checked_at",
        status_field="outcome",
        source=DEPARTURE_CHECKS.label,
    )


def departure_list_for(
    viewer: Viewer,
    filters: ScreeningFilters | None = None,
    *,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> list[DepartureCheck]:
    """One page of the departure checks this viewer may see, newest first; audited."""
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(departure_queryset_for(viewer, filters)[offset : offset + limit])
    screening_list_audit(viewer=viewer, model=DepartureCheck, rows=rows, filters=filters)
    return rows


def departure_get(viewer: Viewer, pk: Any) -> DepartureCheck:
    """One departure check for this viewer; missing and not visible both raise ``NotVisible``."""
    return access_object(
        _viewer_with_purpose(viewer),
        DepartureCheck,
        pk,
        queryset=DepartureCheck.objects.select_related("office", "checked_by"),
    )


def screening_result_get(viewer: Viewer, pk: Any) -> ScreeningOutcome:
    """A screening result by its id, as this viewer may see it (access audited)."""
    result = access_object(
        _viewer_with_purpose(viewer),
        ScreeningResult,
        pk,
        queryset=ScreeningResult.objects.select_related(
            "rule_set", "application__office", "departure_check__office"
        ),
    )
    record = result.application or result.departure_check
    if record is None:  # the check constraint makes this impossible; be explicit anyway
        raise NotVisible
    return outcome_from_result(viewer=viewer, record=record, result=result)


def _latest_result(
    record: PassportApplication | DepartureCheck,
) -> ScreeningResult:
    result = record.screenings.select_related("rule_set").order_by("-created_at", "-pk").first()
    if result is None:
        raise NotVisible
    return result


def application_result(viewer: Viewer, pk: Any) -> ScreeningOutcome:
    """The latest screening of an application the viewer may open (the result page)."""
    application = application_get(viewer, pk)
    return outcome_from_result(
        viewer=viewer, record=application, result=_latest_result(application)
    )


def departure_result(viewer: Viewer, pk: Any) -> ScreeningOutcome:
    """The latest screening of a departure check the viewer may open (the TPI page)."""
    check = departure_get(viewer, pk)
    return outcome_from_result(viewer=viewer, record=check, result=_latest_result(check))
