"""Writes of the joint work: trainings and their materials, operations and what they
produced, facilities and their bookings.

Each service asks its predicate first, writes in one transaction and records the write in the
audit trail (ids and field names, never values). A booking locks its facility's row before it
looks for a clash (``booking_create``), so two offices booking the same hour cannot both win —
on PostgreSQL by the row lock, on SQLite because every transaction there begins IMMEDIATE
(``settings.DATABASES``) and so holds the write lock: one code path for both.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, User
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.cases.models import Case
from benteng.cooperation.access import (
    may_book_facility,
    may_cancel_booking,
    may_edit_facility,
    may_edit_operation,
    may_edit_training,
    may_keep_facilities,
    may_record_joint_work,
)
from benteng.cooperation.errors import CooperationInvalid, CooperationRefused
from benteng.cooperation.models import (
    BookingState,
    Facility,
    FacilityBooking,
    Operation,
    Training,
    TrainingMaterial,
    TrainingParticipation,
)
from benteng.problems import Problems
from benteng.referrals.files import file_check
from benteng.referrals.models import Referral

PURPOSE = "kerja sama antarinstansi"
REFERRAL_NUMBER = re.compile(r"^RJK-\d{4}-(\d{1,9})$", re.IGNORECASE)
MAX_BOOKING = datetime.timedelta(days=31)

TRAINING_FIELDS = (
    "kind",
    "topic",
    "starts_on",
    "ends_on",
    "place",
    "organiser_office",
    "trainers",
    "notes",
)
OPERATION_FIELDS = ("name", "kind", "place", "starts_on", "ends_on", "lead_office", "notes")
FACILITY_FIELDS = ("owner_office", "kind", "name", "capacity", "location", "is_active")


def _require(allowed: bool) -> None:
    if not allowed:
        raise CooperationRefused


def _user(viewer: Viewer) -> User | None:
    return User.objects.filter(pk=viewer.user_id).first() if viewer.user_id else None


def _office_id(viewer: Viewer) -> int:
    if viewer.office_id is None:
        raise CooperationRefused
    return viewer.office_id


def _check_period(problems: Problems, starts_on: Any, ends_on: Any) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        problems.add("ends_on", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))


def _check_files(problems: Problems, materials: Sequence[tuple[Any, str]], name: str) -> list[Any]:
    checked = []
    for upload, description in materials:
        found, problem = file_check(upload)
        if problem:
            problems.add(name, problem)
        else:
            checked.append((upload, description, found))
    return checked


def _store_materials(viewer: Viewer, training: Training, checked: list[Any]) -> None:
    uploader = _user(viewer)
    for upload, description, found in checked:
        material = TrainingMaterial(
            training=training,
            original_name=str(upload.name)[:200],
            content_type=found.content_type,
            size=found.size,
            description=description[:200],
            uploaded_by=uploader,
        )
        material.content.save(f"materi.{found.extension}", upload, save=False)
        material.save()
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=material,
            changed_fields=["content", "description"],
            purpose=PURPOSE,
        )


def _set_participations(training: Training, participations: Iterable[tuple[Office, int]]) -> None:
    wanted = {office.pk: count for office, count in participations if count}
    training.participations.exclude(office_id__in=wanted).delete()
    for office_id, count in wanted.items():
        TrainingParticipation.objects.update_or_create(
            training=training, office_id=office_id, defaults={"count": count}
        )


def training_create(
    *,
    viewer: Viewer,
    kind: str,
    topic: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    place: str,
    organiser_office: Office,
    trainers: str,
    notes: str = "",
    participations: Sequence[tuple[Office, int]] = (),
    named_participants: Sequence[User] = (),
    materials: Sequence[tuple[Any, str]] = (),
) -> Training:
    """Record a joint training or exercise, with its participants per office and its files."""
    _require(may_record_joint_work(viewer))
    problems = Problems(CooperationInvalid)
    _check_period(problems, starts_on, ends_on)
    if not any(count for _office, count in participations):
        problems.add("participations", _("Isi jumlah peserta dari paling sedikit satu kantor."))
    checked = _check_files(problems, materials, "material")
    problems.raise_if_any()
    with transaction.atomic():
        training = Training.objects.create(
            kind=kind,
            topic=topic,
            starts_on=starts_on,
            ends_on=ends_on,
            place=place,
            organiser_office=organiser_office,
            trainers=trainers,
            notes=notes,
            created_by=_user(viewer),
        )
        _set_participations(training, participations)
        training.named_participants.set(named_participants)
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=training,
            changed_fields=[*TRAINING_FIELDS, "participations", "named_participants"],
            purpose=PURPOSE,
        )
        _store_materials(viewer, training, checked)
    return training


def training_update(
    *,
    viewer: Viewer,
    training: Training,
    participations: Sequence[tuple[Office, int]],
    named_participants: Sequence[User],
    **values: Any,
) -> Training:
    """Change a training: its fields, its participants per office and its named participants."""
    _require(may_edit_training(viewer, training))
    problems = Problems(CooperationInvalid)
    _check_period(problems, values.get("starts_on"), values.get("ends_on"))
    if not any(count for _office, count in participations):
        problems.add("participations", _("Isi jumlah peserta dari paling sedikit satu kantor."))
    problems.raise_if_any()
    changed = [name for name in TRAINING_FIELDS if getattr(training, name) != values.get(name)]
    with transaction.atomic():
        for name in TRAINING_FIELDS:
            setattr(training, name, values[name])
        training.save()
        _set_participations(training, participations)
        # Those the editor cannot see were not offered to them: they stay named.
        hidden = training.named_participants.exclude(
            pk__in=User.objects.visible_to(viewer).values("pk")
        )
        training.named_participants.set([*named_participants, *hidden])
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=training,
            changed_fields=[*changed, "participations", "named_participants"],
            purpose=PURPOSE,
        )
    return training


def training_material_add(
    *, viewer: Viewer, training: Training, upload: Any, description: str = ""
) -> None:
    """Attach a file (PDF, JPEG or PNG, checked by its content) to a training."""
    _require(may_edit_training(viewer, training))
    problems = Problems(CooperationInvalid)
    checked = _check_files(problems, [(upload, description)], "file")
    problems.raise_if_any()
    with transaction.atomic():
        _store_materials(viewer, training, checked)


# --- operations ----------------------------------------------------------------------------


def referral_ids_parse(text: str) -> tuple[list[int], list[str]]:
    """Referral numbers (RJK-2026-000123), one per line or separated by commas: their ids, and
    what could not be read."""
    ids, unreadable = [], []
    for item in re.split(r"[\s,;]+", text or ""):
        if not item:
            continue
        match = REFERRAL_NUMBER.match(item.strip())
        if match:
            ids.append(int(match.group(1)))
        else:
            unreadable.append(item[:40])
    return ids, unreadable


def lp_numbers_parse(text: str) -> list[str]:
    """LP numbers, one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _linked_referrals(viewer: Viewer, problems: Problems, text: str) -> list[Referral]:
    ids, unreadable = referral_ids_parse(text)
    for item in unreadable:
        problems.add(
            "referral_numbers",
            _("“%(item)s” bukan nomor rujukan (contoh: RJK-2026-000123).") % {"item": item},
        )
    found = {
        referral.pk: referral
        for referral in Referral.objects.visible_to(viewer).filter(pk__in=ids).only("pk", "sent_at")
    }
    for pk in ids:
        if pk not in found:
            # Missing and not visible say the same.
            problems.add(
                "referral_numbers",
                _("Rujukan nomor %(pk)06d tidak ditemukan di antara rujukan yang dapat Anda lihat.")
                % {"pk": pk},
            )
    return list(found.values())


def _linked_cases(viewer: Viewer, problems: Problems, text: str) -> list[Case]:
    numbers = lp_numbers_parse(text)
    found = list(
        Case.objects.visible_to(viewer).filter(lp_number__in=numbers).only("pk", "lp_number")
    )
    known = {case.lp_number for case in found}
    for number in numbers:
        if number not in known:
            problems.add(
                "lp_numbers",
                _(
                    "Kasus dengan LP “%(number)s” tidak ditemukan di antara kasus yang dapat "
                    "Anda lihat."
                )
                % {"number": number[:120]},
            )
    return found


def _set_links(
    viewer: Viewer, operation: Operation, referrals: list[Referral], cases: list[Case]
) -> None:
    """Links the editor chose, keeping those the editor cannot see (another office's referrals
    or cases stay linked: an editor can neither see nor drop them)."""
    hidden_referrals = operation.referrals.exclude(
        pk__in=Referral.objects.visible_to(viewer).values("pk")
    )
    hidden_cases = operation.cases.exclude(pk__in=Case.objects.visible_to(viewer).values("pk"))
    operation.referrals.set([*hidden_referrals, *referrals])
    operation.cases.set([*hidden_cases, *cases])


def operation_create(
    *,
    viewer: Viewer,
    name: str,
    kind: str,
    place: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    lead_office: Office,
    offices: Sequence[Office],
    referral_numbers: str = "",
    lp_numbers: str = "",
    notes: str = "",
) -> Operation:
    """Record a joint operation, the offices taking part and the referrals and cases it
    produced (only those the viewer may see can be linked)."""
    _require(may_record_joint_work(viewer))
    problems = Problems(CooperationInvalid)
    _check_period(problems, starts_on, ends_on)
    referrals = _linked_referrals(viewer, problems, referral_numbers)
    cases = _linked_cases(viewer, problems, lp_numbers)
    problems.raise_if_any()
    with transaction.atomic():
        operation = Operation.objects.create(
            name=name,
            kind=kind,
            place=place,
            starts_on=starts_on,
            ends_on=ends_on,
            lead_office=lead_office,
            notes=notes,
            created_by=_user(viewer),
        )
        operation.offices.set({lead_office, *offices})
        _set_links(viewer, operation, referrals, cases)
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=operation,
            changed_fields=[*OPERATION_FIELDS, "offices", "referrals", "cases"],
            purpose=PURPOSE,
        )
    return operation


def operation_update(
    *,
    viewer: Viewer,
    operation: Operation,
    offices: Sequence[Office],
    referral_numbers: str,
    lp_numbers: str,
    **values: Any,
) -> Operation:
    """Change an operation; links to referrals and cases the editor cannot see are kept."""
    _require(may_edit_operation(viewer, operation))
    problems = Problems(CooperationInvalid)
    _check_period(problems, values.get("starts_on"), values.get("ends_on"))
    referrals = _linked_referrals(viewer, problems, referral_numbers)
    cases = _linked_cases(viewer, problems, lp_numbers)
    problems.raise_if_any()
    changed = [name for name in OPERATION_FIELDS if getattr(operation, name) != values.get(name)]
    with transaction.atomic():
        for name in OPERATION_FIELDS:
            setattr(operation, name, values[name])
        operation.save()
        operation.offices.set({operation.lead_office, *offices})
        _set_links(viewer, operation, referrals, cases)
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=operation,
            changed_fields=[*changed, "offices", "referrals", "cases"],
            purpose=PURPOSE,
        )
    return operation


# --- facilities and bookings ---------------------------------------------------------------


def facility_create(
    *,
    viewer: Viewer,
    owner_office: Office,
    kind: str,
    name: str,
    capacity: int,
    location: str = "",
) -> Facility:
    """Register a shared facility of the viewer's office (or an office below it)."""
    _require(may_keep_facilities(viewer))
    _require(viewer.office_id in (owner_office.pk, owner_office.parent_id))
    problems = Problems(CooperationInvalid)
    if Facility.objects.filter(owner_office=owner_office, name__iexact=name).exists():
        problems.add("name", _("Kantor ini sudah punya fasilitas dengan nama itu."))
    problems.raise_if_any()
    with transaction.atomic():
        facility = Facility.objects.create(
            owner_office=owner_office, kind=kind, name=name, capacity=capacity, location=location
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=facility,
            changed_fields=FACILITY_FIELDS,
            purpose=PURPOSE,
        )
    return facility


def facility_update(*, viewer: Viewer, facility: Facility, **values: Any) -> Facility:
    """Change a facility (a facility set inactive takes no new bookings)."""
    _require(may_edit_facility(viewer, facility))
    fields = [name for name in FACILITY_FIELDS if name != "owner_office"]
    problems = Problems(CooperationInvalid)
    same_name = Facility.objects.filter(
        owner_office_id=facility.owner_office_id, name__iexact=values["name"]
    ).exclude(pk=facility.pk)
    if same_name.exists():
        problems.add("name", _("Kantor ini sudah punya fasilitas dengan nama itu."))
    problems.raise_if_any()
    changed = [name for name in fields if getattr(facility, name) != values.get(name)]
    with transaction.atomic():
        for name in fields:
            setattr(facility, name, values[name])
        facility.save()
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=facility,
            changed_fields=changed,
            purpose=PURPOSE,
        )
    return facility


def clashing_bookings(
    facility: Facility, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> Any:
    """The facility's active bookings that overlap the period (an end touching a start is no
    clash: 08:00-10:00 and 10:00-12:00 both stand)."""
    return FacilityBooking.objects.filter(
        facility=facility,
        state=BookingState.ACTIVE,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )


def _booking_problems(starts_at: datetime.datetime, ends_at: datetime.datetime) -> Problems:
    problems = Problems(CooperationInvalid)
    if ends_at <= starts_at:
        problems.add("ends_at", _("Waktu selesai harus sesudah waktu mulai."))
    elif ends_at - starts_at > MAX_BOOKING:
        problems.add("ends_at", _("Satu pemesanan paling lama 31 hari."))
    if ends_at <= timezone.now():
        problems.add("ends_at", _("Waktu selesai sudah lewat."))
    return problems


def booking_create(
    *,
    viewer: Viewer,
    facility: Facility,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str,
) -> FacilityBooking:
    """Book a facility for the viewer's office; a period overlapping an active booking of the
    same facility is refused with the clashing booking's time and office."""
    _require(may_book_facility(viewer))
    problems = _booking_problems(starts_at, ends_at)
    problems.raise_if_any()
    with transaction.atomic():
        # The lock serialises bookings of one facility: a second booker waits here until the
        # first commits, then sees the first's booking below.
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        if not locked.is_active:
            problems.add(None, _("Fasilitas ini tidak aktif dan tidak dapat dipesan."))
        clash = clashing_bookings(locked, starts_at, ends_at).select_related("office").first()
        if clash is not None:
            problems.add(
                "starts_at",
                _("Bentrok dengan pemesanan %(office)s pada %(start)s–%(end)s. Pilih waktu lain.")
                % {
                    "office": clash.office.name,
                    "start": timezone.localtime(clash.starts_at).strftime("%d-%m-%Y %H:%M"),
                    "end": timezone.localtime(clash.ends_at).strftime("%d-%m-%Y %H:%M"),
                },
            )
        problems.raise_if_any()
        booking = FacilityBooking.objects.create(
            facility=locked,
            office_id=_office_id(viewer),
            booked_by=_user(viewer),
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose,
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=booking,
            changed_fields=["facility", "office", "starts_at", "ends_at", "purpose"],
            purpose=PURPOSE,
        )
    return booking


def booking_cancel(*, viewer: Viewer, booking: FacilityBooking) -> FacilityBooking:
    """Cancel a booking; the period is free again."""
    _require(may_cancel_booking(viewer, booking))
    problems = Problems(CooperationInvalid)
    if booking.state != BookingState.ACTIVE:
        problems.add(None, _("Pemesanan ini sudah dibatalkan."))
    problems.raise_if_any()
    with transaction.atomic():
        booking.state = BookingState.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.cancelled_by = _user(viewer)
        booking.save(update_fields=["state", "cancelled_at", "cancelled_by"])
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=booking,
            changed_fields=["state", "cancelled_at", "cancelled_by"],
            purpose=PURPOSE,
        )
    return booking
