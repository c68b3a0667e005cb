"""Writes of the villages app: designations and focal persons (administrators), service days,
outreach with its files and work plans (the village team). Each checks its predicate first,
writes in one transaction and records the write in the audit trail (ids and field names)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, OfficeKind
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.identity_cleaning import phone_clean
from benteng.problems import Problems
from benteng.referrals.files import CheckedFile, file_check
from benteng.regions.models import Region
from benteng.regions.selectors import is_village_code
from benteng.villages.access import (
    may_keep_work_plans,
    may_manage_designations,
    may_record_outreach,
    may_record_service_days,
    may_work_in_village,
)
from benteng.villages.models import (
    SERVICE_DAY_PLAN_KEY,
    DesaBinaan,
    Facilitator,
    FocalPerson,
    Outreach,
    OutreachFile,
    OutreachFileKind,
    OutreachKind,
    ServiceDay,
    ServiceKind,
    WorkPlan,
)

# Photos are resized on the phone; a photo larger than this is refused.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_FILES_PER_OUTREACH = 10
PLAN_KEYS = (SERVICE_DAY_PLAN_KEY, *OutreachKind.values)
MAX_PLANNED = 200


class VillageInvalid(ValueError):
    """Input problems per field (None for the whole form), in Indonesian."""

    def __init__(self, errors: Mapping[str | None, list[str]]) -> None:
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = dict(errors)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _check_date(problems: Problems, field: str, value: datetime.date | None) -> None:
    if value is None:
        problems.add(field, _("Isi tanggal."))
    elif value > timezone.localdate():
        problems.add(field, _("Tanggal tidak boleh di masa depan."))


# --- designations and focal persons (administrators) --------------------------------------


def designation_save(
    *,
    viewer: Viewer,
    desa_code: str,
    designated_on: datetime.date | None,
    kanim: Office | None,
    is_active: bool = True,
    note: str = "",
    document: Any = None,
) -> DesaBinaan:
    """Designate a desa as Desa Binaan, or change its designation (found by the desa)."""
    _require(may_manage_designations(viewer))
    problems = Problems(VillageInvalid)
    if not is_village_code(desa_code):
        problems.add("desa_code", _("Kode desa/kelurahan tidak dikenal."))
    _check_date(problems, "designated_on", designated_on)
    if kanim is None or kanim.kind != OfficeKind.KANIM:
        problems.add("kanim", _("Pilih Kantor Imigrasi pembina."))
    checked = None
    if document:
        checked, problem = file_check(document)
        if problem:
            problems.add("document", problem)
    problems.raise_if_any()
    # Refused above when missing.
    assert designated_on is not None and kanim is not None  # noqa: S101
    with transaction.atomic():
        village, created = DesaBinaan.objects.get_or_create(
            region=Region.objects.get(code=desa_code),
            defaults={"designated_on": designated_on, "kanim": kanim},
        )
        changed = {"designated_on", "kanim", "is_active", "note"}
        village.designated_on = designated_on
        village.kanim = kanim
        village.is_active = is_active
        village.note = note
        if checked is not None:
            village.cooperation_document.save(
                f"kerja-sama-{village.region_id}.{checked.extension}", document, save=False
            )
            village.cooperation_document_type = checked.content_type
            changed |= {"cooperation_document"}
        village.save()
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=village,
            changed_fields=sorted(changed),
        )
    return village


def focal_person_save(
    *,
    viewer: Viewer,
    village: DesaBinaan,
    full_name: str,
    position: str,
    phone: str,
    user_id: int | None = None,
    focal_person: FocalPerson | None = None,
    is_active: bool = True,
) -> FocalPerson:
    """Add a focal person to a desa, or change one."""
    _require(may_manage_designations(viewer))
    problems = Problems(VillageInvalid)
    if not full_name.strip():
        problems.add("full_name", _("Isi nama."))
    if not position.strip():
        problems.add("position", _("Isi jabatan."))
    cleaned_phone, problem = phone_clean(phone, label=_("Nomor telepon"))
    if problem:
        problems.add("phone", problem)
    problems.raise_if_any()
    with transaction.atomic():
        person = focal_person or FocalPerson(village=village)
        person.full_name = full_name.strip()
        person.position = position.strip()
        person.phone = cleaned_phone
        person.user_id = user_id
        person.is_active = is_active
        person.save()
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE if focal_person else AuditAction.CREATE,
            obj=person,
            changed_fields=["full_name", "position", "phone", "user", "is_active"],
        )
    return person


# --- the three pillars (the village team) --------------------------------------------------


def _counts(problems: Problems, values: Mapping[str, Any]) -> None:
    for field, value in values.items():
        if value is None or value < 0:
            problems.add(field, _("Isi jumlah (0 atau lebih)."))


def service_day_record(
    *,
    viewer: Viewer,
    village: DesaBinaan,
    held_on: datetime.date | None,
    place: str,
    services: Sequence[str],
    served_male: int,
    served_female: int,
    notes: str = "",
) -> ServiceDay:
    """The PIMPASA records an immigration service day held in one of their villages."""
    _require(may_record_service_days(viewer) and may_work_in_village(viewer, village))
    problems = Problems(VillageInvalid)
    _check_date(problems, "held_on", held_on)
    if not place.strip():
        problems.add("place", _("Isi tempat."))
    if not services or not set(services) <= set(ServiceKind.values):
        problems.add("services", _("Pilih paling sedikit satu layanan."))
    _counts(problems, {"served_male": served_male, "served_female": served_female})
    problems.raise_if_any()
    assert held_on is not None  # noqa: S101 (_check_date refuses a missing date)
    with transaction.atomic():
        day = ServiceDay.objects.create(
            village=village,
            held_on=held_on,
            place=place.strip(),
            services=sorted(set(services)),
            served_male=served_male,
            served_female=served_female,
            notes=notes.strip(),
            recorded_by_id=viewer.user_id,
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=day,
            changed_fields=[
                "held_on",
                "place",
                "services",
                "served_male",
                "served_female",
                "notes",
            ],
        )
    return day


def _checked_uploads(
    problems: Problems, photos: Sequence[Any], attendance: Sequence[Any]
) -> list[tuple[str, Any, CheckedFile]]:
    """Each upload with its kind and checked type; problems name the file."""
    checked: list[tuple[str, Any, CheckedFile]] = []
    if len(photos) + len(attendance) > MAX_FILES_PER_OUTREACH:
        problems.add(
            "photos",
            _("Paling banyak %(count)d berkas per kegiatan.") % {"count": MAX_FILES_PER_OUTREACH},
        )
        return []
    for upload in photos:
        found, problem = file_check(upload)
        if problem:
            problems.add("photos", problem)
        elif found is None:
            continue
        elif found.content_type not in PHOTO_TYPES:
            problems.add(
                "photos",
                _("“%(name)s” bukan foto: unggah foto JPEG atau PNG.")
                % {"name": str(upload.name)[:100]},
            )
        elif found.size > MAX_PHOTO_BYTES:
            problems.add(
                "photos",
                _("Foto “%(name)s” terlalu besar: %(size).1f MB, paling besar %(limit)d MB.")
                % {
                    "name": str(upload.name)[:100],
                    "size": found.size / (1024 * 1024),
                    "limit": MAX_PHOTO_BYTES // (1024 * 1024),
                },
            )
        else:
            checked.append((OutreachFileKind.PHOTO, upload, found))
    for upload in attendance:
        found, problem = file_check(upload)
        if problem:
            problems.add("attendance", problem)
        elif found is not None:
            checked.append((OutreachFileKind.ATTENDANCE, upload, found))
    return checked


def outreach_record(
    *,
    viewer: Viewer,
    village: DesaBinaan,
    kind: str,
    held_on: datetime.date | None,
    place: str,
    topic: str,
    facilitators: Sequence[str],
    participants_male: int,
    participants_female: int,
    participants_youth: int,
    notes: str = "",
    photos: Sequence[Any] = (),
    attendance: Sequence[Any] = (),
) -> Outreach:
    """The village team records an outreach session with its photos and attendance lists;
    a refused file refuses the whole record (nothing half-saved)."""
    _require(may_record_outreach(viewer) and may_work_in_village(viewer, village))
    problems = Problems(VillageInvalid)
    if kind not in OutreachKind.values:
        problems.add("kind", _("Pilih jenis kegiatan."))
    _check_date(problems, "held_on", held_on)
    if not place.strip():
        problems.add("place", _("Isi tempat."))
    if not topic.strip():
        problems.add("topic", _("Isi topik."))
    if not facilitators or not set(facilitators) <= set(Facilitator.values):
        problems.add("facilitators", _("Pilih paling sedikit satu narasumber."))
    _counts(
        problems,
        {
            "participants_male": participants_male,
            "participants_female": participants_female,
            "participants_youth": participants_youth,
        },
    )
    if (
        participants_youth is not None
        and participants_male is not None
        and participants_female is not None
        and participants_youth > participants_male + participants_female
    ):
        problems.add(
            "participants_youth",
            _("Peserta muda tidak boleh lebih banyak dari seluruh peserta."),
        )
    uploads = _checked_uploads(problems, photos, attendance)
    problems.raise_if_any()
    assert held_on is not None  # noqa: S101 (_check_date refuses a missing date)
    with transaction.atomic():
        outreach = Outreach.objects.create(
            village=village,
            kind=kind,
            held_on=held_on,
            place=place.strip(),
            topic=topic.strip(),
            facilitators=sorted(set(facilitators)),
            participants_male=participants_male,
            participants_female=participants_female,
            participants_youth=participants_youth,
            notes=notes.strip(),
            recorded_by_id=viewer.user_id,
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=outreach,
            changed_fields=[
                "kind",
                "held_on",
                "place",
                "topic",
                "facilitators",
                "participants_male",
                "participants_female",
                "participants_youth",
                "notes",
            ],
        )
        for file_kind, upload, found in uploads:
            stored = OutreachFile(
                outreach=outreach,
                kind=file_kind,
                original_name=str(upload.name)[:200],
                content_type=found.content_type,
                size=found.size,
                uploaded_by_id=viewer.user_id,
            )
            stored.content.save(f"kegiatan-{outreach.pk}.{found.extension}", upload, save=False)
            stored.save()
            audit_record_write(
                viewer=viewer, action=AuditAction.CREATE, obj=stored, changed_fields=["content"]
            )
    return outreach


def work_plan_save(
    *,
    viewer: Viewer,
    village: DesaBinaan,
    year: int,
    quarter: int,
    planned: Mapping[str, int],
) -> WorkPlan:
    """The PIMPASA sets what they plan in one of their villages for one quarter (a second save
    of the same quarter changes it)."""
    _require(may_keep_work_plans(viewer) and may_work_in_village(viewer, village))
    problems = Problems(VillageInvalid)
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        problems.add("year", _("Tahun rencana kerja hanya tahun lalu, tahun ini atau tahun depan."))
    if quarter not in (1, 2, 3, 4):
        problems.add("quarter", _("Pilih triwulan 1 sampai 4."))
    cleaned = {}
    for key in PLAN_KEYS:
        value = planned.get(key) or 0
        if value < 0 or value > MAX_PLANNED:
            problems.add(key, _("Isi 0 sampai %(max)d.") % {"max": MAX_PLANNED})
        cleaned[key] = int(value)
    if not any(cleaned.values()):
        problems.add(None, _("Rencanakan paling sedikit satu kegiatan."))
    problems.raise_if_any()
    with transaction.atomic():
        plan, created = WorkPlan.objects.update_or_create(
            officer_id=viewer.user_id,
            village=village,
            year=year,
            quarter=quarter,
            defaults={"planned": cleaned, "updated_at": timezone.now()},
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=plan,
            changed_fields=["planned"],
        )
    return plan
