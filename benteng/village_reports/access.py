"""Who may see village reports and what they may do with them.

- The desa's **focal person** (``Role.PIC_DESA``) files reports for their own desa and sees
  every report of it, the reporter included.
- The desa's **PIMPASA** and **Bhabinkamtibmas** (assigned through ``User.villages``) file,
  see and follow up the reports of their desa: verify, refer, close.
- The staff of the **Kanim and Polres the report is routed to** (the offices whose coverage
  holds the desa when it was filed) read it.
- Nobody else: not another desa, not leadership (aggregates only), not administrators.

The resident who told the focal person stays anonymous to everyone but the focal person of
that desa unless they agreed to be named (``REPORTER_FIELDS``, decided per row in
``VillageReportPolicy.fields``; the pages, the referral and the audit trail read through it).
"""

from __future__ import annotations

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import Role
from benteng.village_reports.models import (
    ReportStatus,
    VillageReport,
    VillageReportPerson,
    VillageReportPhoto,
)

# The fields that name the resident who told the focal person.
REPORTER_FIELDS = frozenset({"reporter_name", "reporter_phone"})
# Who files reports for the villages assigned to them.
REPORT_FILERS = frozenset({Role.PIC_DESA, Role.PIMPASA, Role.BHABINKAMTIBMAS})
# Who follows reports up: verifies, refers, closes.
REPORT_FOLLOWERS = frozenset({Role.PIMPASA, Role.BHABINKAMTIBMAS})
# Staff of the Kanim or Polres a report is routed to who read it.
ROUTED_READERS = frozenset(
    {Role.PETUGAS_IMIGRASI, Role.ANALIS_IMIGRASI, Role.PENYIDIK, Role.ANALIS_POLRI}
)


def _in_person(viewer: Viewer) -> bool:
    return viewer.kind is ViewerKind.USER and viewer.user_id is not None


def _works_desa(viewer: Viewer, desa_code: str) -> bool:
    return desa_code in viewer.village_codes


# --- what a viewer may do ------------------------------------------------------------------


def may_file_village_reports(viewer: Viewer) -> bool:
    """The village team files reports for the desa assigned to them."""
    if not _in_person(viewer):
        return False
    if viewer.role not in REPORT_FILERS:
        return False
    return bool(viewer.village_codes)


def may_file_village_report_for(viewer: Viewer, desa_code: str) -> bool:
    """A filer files for one of their own desa only."""
    if not may_file_village_reports(viewer):
        return False
    return _works_desa(viewer, desa_code)


def may_name_reporter(viewer: Viewer) -> bool:
    """Only the focal person records who told them (the reporter)."""
    if not _in_person(viewer):
        return False
    return viewer.role == Role.PIC_DESA


def may_open_village_reports(viewer: Viewer) -> bool:
    """The village team and the routed offices' staff open the list of reports."""
    if not _in_person(viewer):
        return False
    if viewer.role in REPORT_FILERS:
        return bool(viewer.village_codes)
    if viewer.role in ROUTED_READERS:
        return viewer.office_id is not None
    return False


def may_follow_up_village_report(viewer: Viewer, report: VillageReport) -> bool:
    """The desa's PIMPASA or Bhabinkamtibmas verifies, refers and closes its reports."""
    if not _in_person(viewer):
        return False
    if viewer.role not in REPORT_FOLLOWERS:
        return False
    return _works_desa(viewer, report.village_id)


def may_refer_village_report(viewer: Viewer, report: VillageReport) -> bool:
    """A verified report is referred by its follower, once."""
    if not may_follow_up_village_report(viewer, report):
        return False
    if viewer.office_id is None:
        return False
    return report.status == ReportStatus.VERIFIED and report.referral_id is None


def may_see_reporter(viewer: Viewer, report: VillageReport) -> bool:
    """The desa's focal person sees the reporter; others only when the reporter agreed."""
    focal = viewer.kind is ViewerKind.USER and viewer.role == Role.PIC_DESA
    if focal and _works_desa(viewer, report.village_id):
        return True
    return report.reporter_named


# --- which records a viewer sees -----------------------------------------------------------


def report_rows(viewer: Viewer, prefix: str = "") -> Q:
    """The reports a viewer sees, as a filter (``prefix`` for a related model's query)."""
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if not _in_person(viewer):
        return NOTHING
    if viewer.role in REPORT_FILERS:
        return Q(**{f"{prefix}village_id__in": sorted(viewer.village_codes)})
    if viewer.role in ROUTED_READERS and viewer.office_id is not None:
        return Q(**{f"{prefix}kanim_id": viewer.office_id}) | Q(
            **{f"{prefix}polres_id": viewer.office_id}
        )
    return NOTHING


class VillageReportPolicy(RecordPolicy[VillageReport]):
    model = VillageReport

    def rows(self, viewer: Viewer) -> Q:
        return report_rows(viewer)

    def fields(self, viewer: Viewer, obj: VillageReport) -> frozenset[str]:
        if may_see_reporter(viewer, obj):
            return self.all_fields()
        return self.all_fields() - REPORTER_FIELDS


class VillageReportPersonPolicy(RecordPolicy[VillageReportPerson]):
    """A report's people are seen with the report."""

    model = VillageReportPerson

    def rows(self, viewer: Viewer) -> Q:
        return report_rows(viewer, prefix="report__")


class VillageReportPhotoPolicy(RecordPolicy[VillageReportPhoto]):
    """A report's photos are seen with the report."""

    model = VillageReportPhoto

    def rows(self, viewer: Viewer) -> Q:
        return report_rows(viewer, prefix="report__")
