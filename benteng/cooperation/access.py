"""Who may see and do what with the agreement's joint work.

The joint work belongs to the two agencies of the agreement: staff of Imigrasi and Polri
offices who work cases, screening or analysis — and their heads — see the trainings, operations
and facilities. Village roles (PIMPASA, Bhabinkamtibmas, PIC desa) work in their villages and
administrators keep reference data: neither sees any of it (nothing here helps their work, and
an operation links referrals and cases). Heads and analysts record trainings and operations
and keep their office's facilities; the decision follows the referrals app's split between
officers who act and those who oversee. Any officer books a facility for their own office.
Leadership and analysts read the cooperation report (counts only).

A joint operation's linked referrals and cases are shown under their own policies
(``visible_to``); their counts are shown to every reader of the operation. A booking's purpose
and booker are shown only to the booking office and to the facility's owner office: another
office sees that the facility is taken, by which office, when.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import AgencyKind, Role
from benteng.cooperation.models import (
    Facility,
    FacilityBooking,
    Operation,
    Training,
    TrainingMaterial,
    TrainingParticipation,
)

# The agencies of the agreement.
AGREEMENT_AGENCIES = frozenset({AgencyKind.IMIGRASI, AgencyKind.POLRI})
# Staff of those agencies who see the joint work.
JOINT_WORK_READERS = frozenset(
    {
        Role.PETUGAS_IMIGRASI,
        Role.PETUGAS_TPI,
        Role.ANALIS_IMIGRASI,
        Role.PENYIDIK,
        Role.ANALIS_POLRI,
        Role.PIMPINAN,
    }
)
# Heads and analysts record trainings and operations and keep facilities.
JOINT_WORK_KEEPERS = frozenset({Role.ANALIS_IMIGRASI, Role.ANALIS_POLRI, Role.PIMPINAN})
# Who reads the cooperation report.
REPORT_READERS = frozenset({Role.ANALIS_IMIGRASI, Role.ANALIS_POLRI, Role.PIMPINAN})


def _staff_of_agreement(viewer: Viewer, roles: frozenset[Role]) -> bool:
    if viewer.kind is not ViewerKind.USER:
        return False
    if viewer.office_id is None:
        return False
    if viewer.agency_kind not in AGREEMENT_AGENCIES:
        return False
    return viewer.role in roles


def _keeper_of(viewer: Viewer, office_id: int | None, parent_id: int | None) -> bool:
    """A head or analyst of the office, or of the office above it."""
    if not _staff_of_agreement(viewer, JOINT_WORK_KEEPERS):
        return False
    return viewer.office_id in (office_id, parent_id)


def may_read_joint_work(viewer: Viewer) -> bool:
    """Staff of Imigrasi and Polri offices open trainings, operations and facilities."""
    return _staff_of_agreement(viewer, JOINT_WORK_READERS)


def may_record_joint_work(viewer: Viewer) -> bool:
    """Heads and analysts record a training, an exercise or an operation."""
    return _staff_of_agreement(viewer, JOINT_WORK_KEEPERS)


def may_edit_training(viewer: Viewer, training: Training) -> bool:
    """Heads and analysts of the organising office (or the office above it) change it."""
    office = training.organiser_office
    return _keeper_of(viewer, office.pk, office.parent_id)


def may_edit_operation(viewer: Viewer, operation: Operation) -> bool:
    """Heads and analysts of the leading office (or the office above it) change it."""
    office = operation.lead_office
    return _keeper_of(viewer, office.pk, office.parent_id)


def may_keep_facilities(viewer: Viewer) -> bool:
    """Heads and analysts register their office's shared facilities."""
    return _staff_of_agreement(viewer, JOINT_WORK_KEEPERS)


def may_edit_facility(viewer: Viewer, facility: Facility) -> bool:
    """Heads and analysts of the owner office (or the office above it) change a facility."""
    office = facility.owner_office
    return _keeper_of(viewer, office.pk, office.parent_id)


def may_book_facility(viewer: Viewer) -> bool:
    """Any officer of an Imigrasi or Polri office books a facility for their own office."""
    return _staff_of_agreement(viewer, JOINT_WORK_READERS)


def may_cancel_booking(viewer: Viewer, booking: FacilityBooking) -> bool:
    """The booking office's staff, or the owner office's heads and analysts, cancel it."""
    if not _staff_of_agreement(viewer, JOINT_WORK_READERS):
        return False
    if viewer.office_id == booking.office_id:
        return True
    owner = booking.facility.owner_office
    return _keeper_of(viewer, owner.pk, owner.parent_id)


def may_read_cooperation_report(viewer: Viewer) -> bool:
    """Leadership and analysts read the cooperation report (counts only)."""
    return _staff_of_agreement(viewer, REPORT_READERS)


def sees_booking_details(viewer: Viewer, booking: FacilityBooking) -> bool:
    """The booking office and the facility's owner office see who booked and why."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    return viewer.office_id in (booking.office_id, booking.facility.owner_office_id)


# --- which records a viewer sees -----------------------------------------------------------


def _joint_work(viewer: Viewer) -> Q:
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if not may_read_joint_work(viewer):
        return NOTHING
    return EVERYTHING


class TrainingPolicy(RecordPolicy[Training]):
    model = Training

    def rows(self, viewer: Viewer) -> Q:
        return _joint_work(viewer)


class TrainingParticipationPolicy(RecordPolicy[TrainingParticipation]):
    model = TrainingParticipation

    def rows(self, viewer: Viewer) -> Q:
        return _joint_work(viewer)


class TrainingMaterialPolicy(RecordPolicy[TrainingMaterial]):
    model = TrainingMaterial

    def rows(self, viewer: Viewer) -> Q:
        return _joint_work(viewer)


class OperationPolicy(RecordPolicy[Operation]):
    model = Operation

    def rows(self, viewer: Viewer) -> Q:
        return _joint_work(viewer)


class FacilityPolicy(RecordPolicy[Facility]):
    model = Facility

    def rows(self, viewer: Viewer) -> Q:
        return _joint_work(viewer)


class FacilityBookingPolicy(RecordPolicy[FacilityBooking]):
    model = FacilityBooking
    public_fields = frozenset(
        {"id", "facility", "office", "starts_at", "ends_at", "state", "created_at"}
    )

    def rows(self, viewer: Viewer) -> Q:
        return _joint_work(viewer)

    def fields(self, viewer: Viewer, obj: FacilityBooking) -> frozenset[str]:
        if sees_booking_details(viewer, obj):
            return self.all_fields()
        return self.public_fields


POLICIES: list[RecordPolicy[Any]] = [
    TrainingPolicy(),
    TrainingParticipationPolicy(),
    TrainingMaterialPolicy(),
    OperationPolicy(),
    FacilityPolicy(),
    FacilityBookingPolicy(),
]
