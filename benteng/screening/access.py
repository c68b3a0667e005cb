"""Who may screen, decide and read passport applications and departure checks, and which
records each viewer sees.

The ``may_*`` predicates answer "may this viewer open this page or take this action"; views,
navigation, the home figures, services and decisions all ask them. The policies below answer
"which rows".

An application is seen by its own Kanim and by immigration analysts; police see it only when it
hit a police watchlist or was referred to police (``police_visible``), and then only the police
offices that answer for it (``police_visible_rows``): the Polda for the province (its
Ditreskrimum and analysts keep the police watchlists, DESIGN.md), a Polres or Polsek for the
Kanims and TPIs whose area overlaps its own (with its Polseks'), the office that owns an entry
it hit (with the offices above: a Polres for its Polseks' entries) wherever it was screened,
and the office it was referred to. A departure check likewise by its own TPI.
Other offices learn of an earlier decision about the same person only through the screening
result's *earlier events* (office, date, outcome, reason) — never the other office's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import AgencyKind, Office, OfficeKind, Role
from benteng.accounts.selectors import (
    office_and_offices_below,
    region_codes_covered_by,
)
from benteng.regions.codes import codes_overlap
from benteng.screening.hooks import referred_records
from benteng.screening.models import (
    ApplicationDecision,
    DepartureCheck,
    DepartureDecision,
    NamedContact,
    PassportApplication,
    RecordAmendment,
    ScreeningHit,
    ScreeningResult,
)

POLICE_CASE_ROLES = frozenset({Role.PENYIDIK, Role.ANALIS_POLRI})
APPLICATION_SCREENERS = frozenset({Role.PETUGAS_IMIGRASI})
DEPARTURE_SCREENERS = frozenset({Role.PETUGAS_TPI})
IMMIGRATION_APPLICATION_READERS = frozenset({Role.PETUGAS_IMIGRASI, Role.ANALIS_IMIGRASI})
IMMIGRATION_DEPARTURE_READERS = frozenset({Role.PETUGAS_TPI, Role.ANALIS_IMIGRASI})
RULE_EDITORS = frozenset({Role.ANALIS_IMIGRASI})
# Who answers for the officers' decisions: leadership and the intelligence analysts.
DECISION_SUPERVISORS = frozenset({Role.PIMPINAN, Role.ANALIS_IMIGRASI})
# The immigration offices where people are screened.
SCREENING_OFFICE_KINDS = frozenset({OfficeKind.KANIM, OfficeKind.TPI})


# --- what a viewer may do ------------------------------------------------------------------


def _works_at_office(viewer: Viewer, agency: AgencyKind, roles: frozenset[Role]) -> bool:
    """The viewer holds one of these roles at an office of this agency."""
    if viewer.agency_kind != agency:
        return False
    if viewer.office_id is None:
        return False
    return viewer.role in roles


def may_screen_applications(viewer: Viewer) -> bool:
    """Passport officers of a Kanim, or their Kanim's client system, screen applicants."""
    return _works_at_office(viewer, AgencyKind.IMIGRASI, APPLICATION_SCREENERS)


def may_screen_departures(viewer: Viewer) -> bool:
    """Border officers of a TPI, or their TPI's client system, check departing passengers."""
    return _works_at_office(viewer, AgencyKind.IMIGRASI, DEPARTURE_SCREENERS)


def may_decide_applications(viewer: Viewer) -> bool:
    """Passport officers in person decide on their own Kanim's applications."""
    if viewer.kind is not ViewerKind.USER:
        return False
    return may_screen_applications(viewer)


def may_decide_departures(viewer: Viewer) -> bool:
    """Border officers in person decide on the departures checked at their own TPI."""
    if viewer.kind is not ViewerKind.USER:
        return False
    return may_screen_departures(viewer)


def may_amend_application(viewer: Viewer, application: PassportApplication) -> bool:
    """Passport officers in person of the Kanim that entered an application correct it or void
    it (a typo, a duplicate), with a reason; analysts and other offices only read the result."""
    if not may_decide_applications(viewer):
        return False
    return application.office_id == viewer.office_id


def may_amend_departure(viewer: Viewer, check: DepartureCheck) -> bool:
    """Border officers in person of the TPI that checked a passenger correct or void the check."""
    if not may_decide_departures(viewer):
        return False
    return check.office_id == viewer.office_id


def may_read_applications(viewer: Viewer) -> bool:
    """Passport officers (own Kanim) and immigration analysts (every Kanim) read applications."""
    return _works_at_office(viewer, AgencyKind.IMIGRASI, IMMIGRATION_APPLICATION_READERS)


def may_read_departures(viewer: Viewer) -> bool:
    """Border officers (own TPI) and immigration analysts (every TPI) read departure checks."""
    return _works_at_office(viewer, AgencyKind.IMIGRASI, IMMIGRATION_DEPARTURE_READERS)


def may_read_referred(viewer: Viewer) -> bool:
    """Police investigators and analysts read what was referred to police or hit a police list."""
    return _works_at_office(viewer, AgencyKind.POLRI, POLICE_CASE_ROLES)


def may_open_applications(viewer: Viewer) -> bool:
    """The application list and pages, for immigration readers and police case roles."""
    if may_read_applications(viewer):
        return True
    return may_read_referred(viewer)


def may_open_departures(viewer: Viewer) -> bool:
    """A departure check's page, for immigration readers and police case roles."""
    if may_read_departures(viewer):
        return True
    return may_read_referred(viewer)


def may_read_rules(viewer: Viewer) -> bool:
    """Everyone in immigration reads the risk rules: they teach officers what to look for."""
    if viewer.kind is not ViewerKind.USER:
        return False
    return viewer.agency_kind == AgencyKind.IMIGRASI


def may_edit_rules(viewer: Viewer) -> bool:
    """Immigration analysts in person change the risk rules and the destination policy."""
    if viewer.kind is not ViewerKind.USER:
        return False
    return _works_at_office(viewer, AgencyKind.IMIGRASI, RULE_EDITORS)


def may_read_decision_oversight(viewer: Viewer) -> bool:
    """Immigration leadership and analysts in person see how often officers let someone
    through over a warning, per office (counts only, no names)."""
    if viewer.kind is not ViewerKind.USER:
        return False
    return _works_at_office(viewer, AgencyKind.IMIGRASI, DECISION_SUPERVISORS)


# --- which records a viewer sees -----------------------------------------------------------


@dataclass(frozen=True)
class PoliceAnswers:
    """What a police office answers for among the records shown to the police."""

    # A Polda: its investigators (Ditreskrimum) and analysts keep the police watchlists and
    # answer for every police hit in the province.
    whole_province: bool = False
    # The office and the offices below it: the owners of the watchlist entries it answers for.
    owner_offices: frozenset[int] = frozenset()
    # The Kanims and TPIs whose area overlaps the area those offices cover.
    screening_offices: frozenset[int] = frozenset()


def police_answers(viewer: Viewer) -> PoliceAnswers:
    """What the viewer's police office answers for, worked out once per viewer (a page
    applies the policies of the record, its result and its decisions: three times)."""
    return viewer.remembered("screening.police_answers", lambda: _police_answers(viewer))


def _police_answers(viewer: Viewer) -> PoliceAnswers:
    if viewer.office_id is None:
        return PoliceAnswers()
    offices = office_and_offices_below(office_id=viewer.office_id)
    own = next((office for office in offices if office.pk == viewer.office_id), None)
    if own is None:
        return PoliceAnswers()
    if own.kind == OfficeKind.POLDA:
        return PoliceAnswers(whole_province=True)
    office_ids = frozenset(office.pk for office in offices)
    return PoliceAnswers(
        owner_offices=office_ids,
        screening_offices=_screening_offices_in_area(
            region_codes_covered_by(office_ids=office_ids)
        ),
    )


def _screening_offices_in_area(police_area: list[str]) -> frozenset[int]:
    """The Kanims and TPIs whose area (their coverage, else their seat) overlaps the area of
    the police offices (``police_area``: the region codes they cover)."""
    if not police_area:
        return frozenset()
    screening_offices = Office.objects.filter(
        kind__in=SCREENING_OFFICE_KINDS, agency__kind=AgencyKind.IMIGRASI
    )
    areas: dict[int, set[str]] = {}
    for office_id, seat, covered in screening_offices.values_list(
        "pk", "seat_id", "coverage__region_id"
    ):
        areas.setdefault(office_id, set()).update(code for code in (covered,) if code)
        if seat and not covered:
            areas[office_id].add(seat)
    return frozenset(
        office_id
        for office_id, codes in areas.items()
        if any(codes_overlap(code, police) for code in codes for police in police_area)
    )


def _records_hitting_entries_of(owner_offices: frozenset[int], record_field: str) -> Any:
    """The ids of the records (``record_field`` of their results: "application_id" or
    "departure_check_id") that hit a watchlist entry these offices own, as a query."""
    return ScreeningHit.objects.filter(
        entry__owner_office_id__in=owner_offices, **{f"result__{record_field}__isnull": False}
    ).values(f"result__{record_field}")


def police_visible_rows(viewer: Viewer, record_field: str) -> Q:
    """Records shown to the police (a police hit, a referral or hand-over to police) that
    this police office answers for: the province at a Polda; else those screened at a Kanim
    or TPI in its area, those that hit an entry it owns, and those referred to it
    (``record_field``: the record's field in a referral or a result, "application_id" or
    "departure_check_id")."""
    shown = Q(police_visible=True)
    answers = police_answers(viewer)
    if answers.whole_province:
        return shown
    answered = Q(office_id__in=answers.screening_offices)
    if answers.owner_offices:
        answered |= Q(pk__in=_records_hitting_entries_of(answers.owner_offices, record_field))
    for referred in referred_records(viewer, record_field):
        answered |= Q(pk__in=referred)
    return shown & answered


def _applications(viewer: Viewer) -> Q:
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if viewer.agency_kind == AgencyKind.IMIGRASI and viewer.role == Role.ANALIS_IMIGRASI:
        return EVERYTHING
    if viewer.agency_kind == AgencyKind.IMIGRASI and viewer.role == Role.PETUGAS_IMIGRASI:
        return Q(office_id=viewer.office_id)
    if viewer.agency_kind == AgencyKind.POLRI and viewer.role in POLICE_CASE_ROLES:
        return police_visible_rows(viewer, "application_id")
    return NOTHING


def _departures(viewer: Viewer) -> Q:
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if viewer.agency_kind == AgencyKind.IMIGRASI and viewer.role == Role.ANALIS_IMIGRASI:
        return EVERYTHING
    if viewer.agency_kind == AgencyKind.IMIGRASI and viewer.role == Role.PETUGAS_TPI:
        return Q(office_id=viewer.office_id)
    if viewer.agency_kind == AgencyKind.POLRI and viewer.role in POLICE_CASE_ROLES:
        return police_visible_rows(viewer, "departure_check_id")
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


class DepartureDecisionPolicy(RecordPolicy[DepartureDecision]):
    model = DepartureDecision

    def rows(self, viewer: Viewer) -> Q:
        return Q(departure_check__in=DepartureCheck.objects.filter(_departures(viewer)))


class RecordAmendmentPolicy(RecordPolicy[RecordAmendment]):
    """A correction or void is seen by everyone who sees its record."""

    model = RecordAmendment

    def rows(self, viewer: Viewer) -> Q:
        return _either_subject(viewer)


POLICIES: list[RecordPolicy[Any]] = [
    PassportApplicationPolicy(),
    DepartureCheckPolicy(),
    ScreeningResultPolicy(),
    NamedContactPolicy(),
    ApplicationDecisionPolicy(),
    DepartureDecisionPolicy(),
    RecordAmendmentPolicy(),
]
