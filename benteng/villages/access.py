"""Who sees which Desa Binaan and its records, and who may do what in the village pages.

A Desa Binaan and everything recorded about it are seen by the people responsible for it:

- its village team — the focal person (PIC desa), the PIMPASA and the Bhabinkamtibmas — only
  for the desa assigned to them (``User.villages``);
- the Kanim that guides it (its staff and leadership) and the Kanwil above that Kanim;
- the police offices covering it (``OfficeCoverage`` of the office or of an office directly
  below it: a Polres covering the kecamatan, the Polda above it);
- leadership of those offices, for counts: the activities, never the focal persons' contacts
  or the photos and attendance lists (people's faces and names);
- administrators manage the designations and the focal persons' contacts (reference data they
  keep), and see none of the activities, files, work plans or the border events;
- Benteng itself (a background task with a stated purpose).

What happened at the border to a desa's people (applications, departure checks, cases) is not
given here: the village profile counts it for everyone it shows the desa to, and lists names
only through the screening and cases apps' own policies (``visible_to``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.access import may_administer, may_read_aggregates_only
from benteng.accounts.models import AgencyKind, Office, OfficeCoverage, Role
from benteng.regions.codes import within_q
from benteng.villages.models import (
    DesaBinaan,
    FocalPerson,
    Outreach,
    OutreachFile,
    ServiceDay,
    WorkPlan,
)

VILLAGE_TEAM = frozenset({Role.PIMPASA, Role.BHABINKAMTIBMAS, Role.PIC_DESA})
# Office roles that read the Desa Binaan their office is responsible for.
OFFICE_READERS: dict[str, frozenset[str]] = {
    AgencyKind.IMIGRASI: frozenset({Role.PETUGAS_IMIGRASI, Role.ANALIS_IMIGRASI, Role.PIMPINAN}),
    AgencyKind.POLRI: frozenset({Role.PENYIDIK, Role.ANALIS_POLRI, Role.PIMPINAN}),
}
OUTREACH_PLANNERS = frozenset({Role.PIMPASA, Role.BHABINKAMTIBMAS, Role.PIMPINAN})
PMI_COUNT_KEEPERS = frozenset({Role.ADMIN, Role.ANALIS_IMIGRASI})
# What leadership is not shown of an outreach session: the free text may name people.
LEADERSHIP_HIDDEN_OUTREACH_FIELDS = frozenset({"notes"})


# --- what a viewer may do ------------------------------------------------------------------


def _in_person(viewer: Viewer) -> bool:
    return viewer.kind is ViewerKind.USER


def _village_team_member(viewer: Viewer) -> bool:
    if not _in_person(viewer):
        return False
    if viewer.role not in VILLAGE_TEAM:
        return False
    return bool(viewer.village_codes)


def _office_reader(viewer: Viewer) -> bool:
    if not _in_person(viewer):
        return False
    if viewer.office_id is None or viewer.agency_kind is None:
        return False
    return viewer.role in OFFICE_READERS.get(viewer.agency_kind, frozenset())


def may_open_villages(viewer: Viewer) -> bool:
    """The village team, the Kanim and police offices responsible, their leadership and
    administrators open the Desa Binaan list and a village's page."""
    if _village_team_member(viewer):
        return True
    if _office_reader(viewer):
        return True
    return may_administer(viewer)


def may_manage_designations(viewer: Viewer) -> bool:
    """Administrators designate Desa Binaan and keep their focal persons (reference data);
    Benteng itself may (demo data)."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    return may_administer(viewer)


def may_read_village_activity(viewer: Viewer) -> bool:
    """Those responsible for a desa read its activities, totals and profile (counts);
    administrators do not (they keep reference data, not the program's work)."""
    if may_administer(viewer):
        return False
    return may_open_villages(viewer)


def may_record_service_days(viewer: Viewer) -> bool:
    """The PIMPASA in person records the immigration service days in their villages; Benteng
    itself may (demo data)."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    if not _village_team_member(viewer):
        return False
    return viewer.role == Role.PIMPASA


def may_record_outreach(viewer: Viewer) -> bool:
    """The village team in person (PIMPASA, Bhabinkamtibmas, PIC desa) records outreach;
    Benteng itself may (demo data)."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    return _village_team_member(viewer)


def may_work_in_village(viewer: Viewer, village: DesaBinaan) -> bool:
    """The viewer is on this desa's village team (assigned to it); Benteng itself is."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    if not _village_team_member(viewer):
        return False
    return village.region_id in viewer.village_codes


def may_keep_work_plans(viewer: Viewer) -> bool:
    """The PIMPASA in person keeps their work plan per village and quarter."""
    if not _village_team_member(viewer):
        return False
    return viewer.role == Role.PIMPASA


def may_read_outreach_list(viewer: Viewer) -> bool:
    """The PIMPASA, the Bhabinkamtibmas and leadership see which villages to visit next."""
    if not may_read_village_activity(viewer):
        return False
    return viewer.role in OUTREACH_PLANNERS


def may_import_pmi_counts(viewer: Viewer) -> bool:
    """Administrators and immigration analysts in person import the agency's PMI counts."""
    if not _in_person(viewer):
        return False
    return viewer.role in PMI_COUNT_KEEPERS


# --- which records a viewer sees -----------------------------------------------------------


def _covered_codes(office_id: int) -> list[str]:
    """The region codes covered by an office or by an office directly below it."""
    offices = Office.objects.filter(Q(pk=office_id) | Q(parent_id=office_id)).values("pk")
    return sorted(
        set(
            OfficeCoverage.objects.filter(office_id__in=offices).values_list("region_id", flat=True)
        )
    )


def desa_scope(viewer: Viewer, prefix: str = "") -> Q:
    """The Desa Binaan the viewer is responsible for, as a filter on a model reaching the
    designation through ``prefix`` ("" for DesaBinaan itself, "village__" for its records)."""
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if _village_team_member(viewer):
        return Q(**{f"{prefix}region_id__in": sorted(viewer.village_codes)})
    if not _office_reader(viewer) or viewer.office_id is None:
        return NOTHING
    if viewer.agency_kind == AgencyKind.IMIGRASI:
        return Q(**{f"{prefix}kanim_id": viewer.office_id}) | Q(
            **{f"{prefix}kanim__parent_id": viewer.office_id}
        )
    return within_q(_covered_codes(viewer.office_id), field=f"{prefix}region__code")


class DesaBinaanPolicy(RecordPolicy[DesaBinaan]):
    model = DesaBinaan

    def rows(self, viewer: Viewer) -> Q:
        if may_administer(viewer):
            return EVERYTHING
        return desa_scope(viewer)


class FocalPersonPolicy(RecordPolicy[FocalPerson]):
    """The focal persons' contacts: the people responsible for the desa and administrators;
    not leadership (aggregates only)."""

    model = FocalPerson

    def rows(self, viewer: Viewer) -> Q:
        if may_administer(viewer):
            return EVERYTHING
        if may_read_aggregates_only(viewer):
            return NOTHING
        return desa_scope(viewer, "village__")


class _ActivityPolicy(RecordPolicy[Any]):
    prefix = "village__"

    def rows(self, viewer: Viewer) -> Q:
        if may_administer(viewer):
            return NOTHING
        return desa_scope(viewer, self.prefix)


class ServiceDayPolicy(_ActivityPolicy):
    model = ServiceDay


class OutreachPolicy(_ActivityPolicy):
    model = Outreach

    def fields(self, viewer: Viewer, obj: Any) -> frozenset[str]:
        if may_read_aggregates_only(viewer):
            return self.all_fields() - LEADERSHIP_HIDDEN_OUTREACH_FIELDS
        return self.all_fields()


class OutreachFilePolicy(_ActivityPolicy):
    """Photos and attendance lists show people: not for leadership."""

    model = OutreachFile
    prefix = "outreach__village__"

    def rows(self, viewer: Viewer) -> Q:
        if may_read_aggregates_only(viewer):
            return NOTHING
        return super().rows(viewer)


class WorkPlanPolicy(_ActivityPolicy):
    model = WorkPlan


POLICIES: list[RecordPolicy[Any]] = [
    DesaBinaanPolicy(),
    FocalPersonPolicy(),
    ServiceDayPolicy(),
    OutreachPolicy(),
    OutreachFilePolicy(),
    WorkPlanPolicy(),
]
