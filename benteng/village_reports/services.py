"""Writes of village reports: filing (once per draft), verifying, referring, closing.

Each step checks its predicate (``access.py``), writes in one transaction, records the write
in the audit trail (ids and field names, never values) and notifies: a new report goes to the
desa's PIMPASA and Bhabinkamtibmas, every later step to whoever filed it (the focal person
learns what became of it). Notifications name the report by its number and desa only.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng import identity_cleaning as cleaning
from benteng.access.viewer import Viewer
from benteng.accounts.models import AgencyKind, OfficeKind, User
from benteng.accounts.selectors import offices_responsible_for
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_read, audit_record_write
from benteng.core.countries import destination_countries
from benteng.core.names import name_key
from benteng.identity import region_code_for_identity
from benteng.notifications.models import NotificationKind
from benteng.notifications.services import notify
from benteng.people.index import index_source_record
from benteng.problems import FieldProblems, Problems
from benteng.referrals.errors import ReferralInvalid
from benteng.referrals.models import ReasonCategory, Referral, ReferralUrgency
from benteng.referrals.services import SubjectInput, referral_send
from benteng.regions.models import Region, RegionLevel
from benteng.regions.selectors import is_village_code
from benteng.village_reports.access import (
    REPORT_FOLLOWERS,
    may_file_village_report_for,
    may_follow_up_village_report,
    may_name_reporter,
    may_refer_village_report,
)
from benteng.village_reports.models import (
    RECRUITER_KINDS,
    PersonRole,
    ReportKind,
    ReportStatus,
    VillageReport,
    VillageReportPerson,
    VillageReportPhoto,
)

TEXT_LIMIT = 5000
MAX_PEOPLE = 10
MAX_PHOTOS = 3
# The phone resizes photos to 1280 px JPEG (a few hundred KB); anything much larger was not.
MAX_PHOTO_BYTES = 2 * 1024 * 1024
_PHOTO_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
# A report's kind, as the reason of the referral it becomes.
REFERRAL_REASONS = {
    ReportKind.INFORMAL_DEPARTURE: ReasonCategory.NON_PROCEDURAL_PMI,
    ReportKind.RECRUITER_SEEN: ReasonCategory.RECRUITER,
    ReportKind.VICTIM_ABROAD: ReasonCategory.TRAFFICKING_VICTIM,
    ReportKind.RETURNED: ReasonCategory.VICTIM_ASSISTANCE,
    ReportKind.OTHER: ReasonCategory.OTHER,
}


class VillageReportRefused(PermissionDenied):
    """The viewer may not take this step."""


class VillageReportInvalid(ValidationError):
    """What was sent is not valid; ``errors`` maps each field to its Indonesian messages.
    Nothing is stored."""

    def __init__(self, errors: FieldProblems) -> None:
        self.errors = errors
        super().__init__({name or NON_FIELD_ERRORS: messages for name, messages in errors.items()})


@dataclass
class PersonInput:
    """A person named in a report, as typed: every value a text."""

    role: str = ""
    full_name: str = ""
    nik: str = ""
    phone: str = ""
    sex: str = ""
    birth_date: str = ""
    destination_country: str = ""

    def is_blank(self) -> bool:
        return not any(
            str(value).strip() for name, value in self.__dict__.items() if name != "role"
        )


@dataclass
class ReportInput:
    """A report as typed on the phone (or posted by the form without JavaScript)."""

    desa_code: str = ""
    kind: str = ""
    summary: str = ""
    seen_on: str = ""
    vehicle: str = ""
    approached: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_named: bool = False
    draft_uuid: str = ""


@dataclass(frozen=True)
class PhotoInput:
    """A photo as sent. ``size`` is what the upload declared; a photo over the limit is not
    read (``photo_from_upload``), its ``content`` left empty, and refused by that size."""

    name: str
    content: bytes
    size: int | None = None

    @property
    def byte_count(self) -> int:
        return len(self.content) if self.size is None else self.size


def photo_from_upload(upload: Any) -> PhotoInput:
    """An uploaded photo, read into memory only when its size is within ``MAX_PHOTO_BYTES``."""
    size = int(upload.size or 0)
    content = upload.read() if size <= MAX_PHOTO_BYTES else b""
    return PhotoInput(name=str(upload.name or ""), content=content, size=size)


# --- cleaning --------------------------------------------------------------------------------


def _text(value: str, name: str, label: str, problems: Problems, *, limit: int) -> str:
    text = " ".join(str(value or "").split()) if limit <= 300 else str(value or "").strip()
    if len(text) > limit:
        problems.add(name, cleaning.too_long_problem(label, limit=limit, length=len(text)))
    return text


def _person_values(
    person: PersonInput, index: int, problems: Problems, today: datetime.date
) -> dict[str, Any]:
    prefix = f"people.{index}."
    values: dict[str, Any] = {}
    role = person.role if person.role in PersonRole.values else PersonRole.OTHER
    values["role"] = role
    values["full_name"] = _text(
        person.full_name, f"{prefix}full_name", _("Nama"), problems, limit=200
    )
    phone, phone_problem = cleaning.phone_clean(person.phone, label=_("Nomor telepon"))
    problems.add(f"{prefix}phone", phone_problem)
    values["phone"] = phone
    sex, sex_problem = cleaning.sex_clean(person.sex)
    problems.add(f"{prefix}sex", sex_problem)
    birth_date, date_problem = cleaning.date_parse(person.birth_date, label=_("Tanggal lahir"))
    if date_problem is None and birth_date is not None:
        date_problem = cleaning.birth_date_problem(
            birth_date, label=_("Tanggal lahir"), today=today
        )
    problems.add(f"{prefix}birth_date", date_problem)
    # The NIK as a referral will need it (the report's people may be referred): checked
    # against the birth date and sex here, where the reporter can still correct it.
    values.update(
        cleaning.person_nik_clean(
            person.nik,
            problems,
            f"{prefix}nik",
            birth_date=birth_date if date_problem is None else None,
            sex=sex,
            today=today,
        )
    )
    country = cleaning.text_of(person.destination_country).upper()
    if country and country not in destination_countries():
        problems.add(f"{prefix}destination_country", _("Pilih negara tujuan dari daftar."))
        country = ""
    values["destination_country"] = country
    values["name_key"] = name_key(values["full_name"]) if values["full_name"] else ""
    return values


def photo_problem(photo: PhotoInput) -> tuple[str, str | None]:
    """The content type of a photo, or why it is refused (an Indonesian sentence)."""
    if photo.byte_count > MAX_PHOTO_BYTES:
        return "", _(
            "Foto “%(name)s” terlalu besar (%(size)s KB; paling besar %(limit)s KB). "
            "Laporan Anda masih tersimpan di ponsel; kirim tanpa foto itu atau foto ulang."
        ) % {
            "name": photo.name[:80],
            "size": photo.byte_count // 1024,
            "limit": MAX_PHOTO_BYTES // 1024,
        }
    for signature, content_type in _PHOTO_SIGNATURES:
        if photo.content.startswith(signature):
            return content_type, None
    return "", _(
        "Berkas “%(name)s” bukan foto (JPEG atau PNG). Laporan Anda masih tersimpan di "
        "ponsel; kirim tanpa berkas itu."
    ) % {"name": photo.name[:80]}


def _desa(code: str, problems: Problems) -> Region | None:
    region = Region.objects.filter(
        code=code.strip(), level__in=[RegionLevel.DESA, RegionLevel.KELURAHAN]
    ).first()
    if region is None:
        problems.add("desa_code", _("Pilih desa/kelurahan laporan ini."))
    return region


def _user_id(viewer: Viewer) -> int:
    assert viewer.user_id is not None  # noqa: S101 (the predicates ask for a person)
    return viewer.user_id


def _draft_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        # A form sent without the phone's script has no draft key: each post is a new report.
        return uuid.uuid4()


# --- routing and notifying -----------------------------------------------------------------


def routed_offices(desa_code: str) -> tuple[Any, Any]:
    """The Kanim and the Polres responsible for the desa (their coverage holds it)."""
    kanim = next(
        (
            office
            for office in offices_responsible_for(
                region_code=desa_code, agency_kind=AgencyKind.IMIGRASI
            )
            if office.kind == OfficeKind.KANIM
        ),
        None,
    )
    polres = next(
        (
            office
            for office in offices_responsible_for(
                region_code=desa_code, agency_kind=AgencyKind.POLRI
            )
            if office.kind == OfficeKind.POLRES
        ),
        None,
    )
    return kanim, polres


def followers_of(desa_code: str) -> list[User]:
    """The PIMPASA and Bhabinkamtibmas assigned to the desa."""
    return list(
        User.objects.filter(villages__code=desa_code, role__in=REPORT_FOLLOWERS, is_active=True)
    )


def _notify_new(report: VillageReport, desa_name: str) -> None:
    notify(
        recipients=followers_of(report.village_id),
        kind=NotificationKind.VILLAGE_REPORT_NEW,
        params={"number": report.number, "village": desa_name},
        link=report.get_absolute_url(),
        target=report,
    )


def _notify_status(report: VillageReport, viewer: Viewer) -> None:
    recipients = [
        user
        for user in [report.filed_by, *followers_of(report.village_id)]
        if user.pk != viewer.user_id
    ]
    notify(
        recipients=recipients,
        kind=NotificationKind.VILLAGE_REPORT_STATUS,
        params={
            "number": report.number,
            "village": report.village.name,
            "status": ReportStatus(report.status).label,
        },
        link=report.get_absolute_url(),
        target=report,
    )


# --- filing ----------------------------------------------------------------------------------


def report_file(
    *,
    viewer: Viewer,
    data: ReportInput,
    people: Sequence[PersonInput] = (),
    photos: Iterable[PhotoInput] = (),
) -> tuple[VillageReport, bool]:
    """File a report for one of the viewer's desa; ``(report, created)``.

    The draft's key (``data.draft_uuid``, made on the phone) is unique per filer: a report
    sent again (the answer was lost to a dropped connection) returns the first one, unchanged,
    with ``created`` false. Raises ``VillageReportInvalid`` (nothing stored) for bad values or
    a photo that is too large or not an image, ``VillageReportRefused`` for another desa.
    """
    draft = _draft_uuid(data.draft_uuid)
    earlier = VillageReport.objects.filter(filed_by_id=viewer.user_id, draft_uuid=draft).first()
    if earlier is not None:
        return earlier, False
    problems = Problems(VillageReportInvalid)
    today = timezone.localdate()
    desa = _desa(data.desa_code, problems)
    if desa is not None and not may_file_village_report_for(viewer, desa.code):
        raise VillageReportRefused(_("Anda tidak bertugas di desa ini."))
    if data.kind not in ReportKind.values:
        problems.add("kind", _("Pilih jenis laporan."))
    summary = _text(data.summary, "summary", _("Uraian"), problems, limit=TEXT_LIMIT)
    if not summary:
        problems.add("summary", cleaning.required_problem(_("Uraian")))
    seen_on, problem = cleaning.date_parse(data.seen_on, label=_("Tanggal kejadian"))
    if seen_on is not None and seen_on > today:
        problem = _("Tanggal kejadian tidak boleh di masa depan.")
    problems.add("seen_on", problem)
    vehicle = _text(data.vehicle, "vehicle", _("Kendaraan"), problems, limit=200)
    approached = _text(data.approached, "approached", _("Siapa yang didekati"), problems, limit=300)
    reporter_name = reporter_phone = ""
    if may_name_reporter(viewer):
        reporter_name = _text(
            data.reporter_name, "reporter_name", _("Nama pelapor"), problems, limit=200
        )
        reporter_phone, problem = cleaning.phone_clean(
            data.reporter_phone, label=_("Telepon pelapor")
        )
        problems.add("reporter_phone", problem)
    # Each person keeps the position of their form, so a message lands under the form it is
    # about even when a form above it was left blank.
    typed = [(index, person) for index, person in enumerate(people) if not person.is_blank()]
    if len(typed) > MAX_PEOPLE:
        problems.add("people", _("Paling banyak %(limit)d orang.") % {"limit": MAX_PEOPLE})
    people_values = [_person_values(person, index, problems, today) for index, person in typed]
    for (index, _person), values in zip(typed, people_values, strict=True):
        if not (values["full_name"] or values["nik"] or values["phone"]):
            problems.add(
                f"people.{index}.full_name",
                _("Tulis paling sedikit nama, NIK atau nomor telepon orang ini."),
            )
    checked_photos: list[tuple[PhotoInput, str]] = []
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        problems.add("photos", _("Paling banyak %(limit)d foto.") % {"limit": MAX_PHOTOS})
    for photo in photos:
        content_type, problem = photo_problem(photo)
        problems.add("photos", problem)
        if problem is None:
            checked_photos.append((photo, content_type))
    problems.raise_if_any()
    assert desa is not None  # noqa: S101 (refused above when missing)
    kanim, polres = routed_offices(desa.code)
    mentions_recruiter = data.kind in RECRUITER_KINDS or any(
        values["role"] == PersonRole.RECRUITER for values in people_values
    )
    try:
        with transaction.atomic():
            report = VillageReport.objects.create(
                kind=data.kind,
                village=desa,
                summary=summary,
                seen_on=seen_on,
                vehicle=vehicle,
                approached=approached,
                mentions_recruiter=mentions_recruiter,
                reporter_name=reporter_name,
                reporter_phone=reporter_phone,
                reporter_named=bool(data.reporter_named and reporter_name),
                filed_by_id=_user_id(viewer),
                draft_uuid=draft,
                kanim=kanim,
                polres=polres,
            )
            audit_record_write(
                viewer=viewer,
                action=AuditAction.CREATE,
                obj=report,
                changed_fields=[
                    name
                    for name in (
                        "kind",
                        "village",
                        "summary",
                        "seen_on",
                        "vehicle",
                        "approached",
                        "reporter_name",
                        "reporter_phone",
                        "kanim",
                        "polres",
                    )
                    if getattr(report, name) not in ("", None)
                ],
            )
            for values in people_values:
                person = VillageReportPerson.objects.create(
                    report=report,
                    region_id=region_code_for_identity(
                        desa_code=desa.code if values["role"] != PersonRole.RECRUITER else None,
                        nik=values["nik"] or None,
                    ),
                    **values,
                )
                audit_record_write(
                    viewer=viewer,
                    action=AuditAction.CREATE,
                    obj=person,
                    changed_fields=[name for name, value in values.items() if value],
                )
                index_source_record(person)
            for photo, content_type in checked_photos:
                stored = VillageReportPhoto.objects.create(
                    report=report,
                    content=photo.content,
                    content_type=content_type,
                    size=len(photo.content),
                )
                audit_record_write(
                    viewer=viewer, action=AuditAction.CREATE, obj=stored, changed_fields=["content"]
                )
            _notify_new(report, desa.name)
    except IntegrityError:
        # The same draft, sent twice at once: the other request stored it.
        earlier = VillageReport.objects.filter(filed_by_id=viewer.user_id, draft_uuid=draft).first()
        if earlier is None:
            raise
        return earlier, False
    return report, True


# --- follow-up -------------------------------------------------------------------------------


def _locked(report: VillageReport) -> VillageReport:
    return (
        VillageReport.objects.select_for_update()
        .select_related("village", "filed_by")
        .get(pk=report.pk)
    )


def _step_refused(report: VillageReport) -> VillageReportInvalid:
    return VillageReportInvalid(
        {
            "status": [
                _("Langkah ini tidak dapat dilakukan: laporan berstatus “%(status)s”.")
                % {"status": report.get_status_display()}
            ]
        }
    )


def report_verify(*, viewer: Viewer, report: VillageReport, note: str = "") -> VillageReport:
    """The desa's PIMPASA or Bhabinkamtibmas confirms a new report."""
    if not may_follow_up_village_report(viewer, report):
        raise VillageReportRefused
    problems = Problems(VillageReportInvalid)
    note = _text(note, "note", _("Catatan"), problems, limit=TEXT_LIMIT)
    problems.raise_if_any()
    with transaction.atomic():
        locked = _locked(report)
        if locked.status != ReportStatus.NEW:
            raise _step_refused(locked)
        locked.status = ReportStatus.VERIFIED
        locked.verified_at = timezone.now()
        locked.verified_by_id = viewer.user_id
        locked.verification_note = note
        locked.save(
            update_fields=[
                "status",
                "verified_at",
                "verified_by",
                "verification_note",
                "updated_at",
            ]
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=locked,
            changed_fields=["status", "verified_at", "verified_by"]
            + (["verification_note"] if note else []),
        )
        _notify_status(locked, viewer)
    return locked


def referral_offices(report: VillageReport, viewer: Viewer) -> list[Any]:
    """The offices a report may be referred to: its Kanim and Polres, not the viewer's own."""
    return [
        office
        for office in (report.polres, report.kanim)
        if office is not None and office.pk != viewer.office_id
    ]


def report_refer(
    *,
    viewer: Viewer,
    report: VillageReport,
    receiving_office_id: int | None,
    urgency: str,
) -> Referral:
    """Refer a verified report to its Polres or Kanim: a referral (``referral_send``) naming
    the report's people — never the reporter — with the report's summary as its reason. The
    report is then acted on and linked to the referral."""
    if not may_refer_village_report(viewer, report):
        if may_follow_up_village_report(viewer, report):
            raise _step_refused(report)
        raise VillageReportRefused
    offices = {office.pk: office for office in referral_offices(report, viewer)}
    office = offices.get(receiving_office_id) if receiving_office_id is not None else None
    # The people the viewer sees (the report's policy), their read recorded: they leave with
    # the referral.
    people = list(VillageReportPerson.objects.visible_to(viewer).filter(report=report))
    audit_record_read(viewer=viewer, objects=people, detail={"report": report.pk, "as": "referral"})
    problems = Problems(VillageReportInvalid)
    if office is None:
        problems.add("receiving_office", _("Pilih kantor tujuan."))
    if urgency not in ReferralUrgency.values:
        problems.add("urgency", _("Pilih urgensi."))
    named = [person for person in people if person.full_name]
    if not named:
        problems.add(
            "people",
            _("Laporan ini tidak menyebut nama orang; rujukan memerlukan paling sedikit satu."),
        )
    problems.raise_if_any()
    subjects = [
        SubjectInput(
            full_name=person.full_name,
            nik=person.nik,
            phone=person.phone,
            sex=person.sex,
            birth_date=person.birth_date.isoformat() if person.birth_date else "",
            desa_code=(person.region_id or "") if is_village_code(person.region_id or "") else "",
        )
        for person in named
    ]
    reason = _("Laporan desa %(number)s (Desa %(village)s): %(summary)s") % {
        "number": report.number,
        "village": report.village.name,
        "summary": report.summary,
    }
    with transaction.atomic():
        locked = _locked(report)
        if locked.status != ReportStatus.VERIFIED or locked.referral_id is not None:
            raise _step_refused(locked)
        try:
            referral = referral_send(
                viewer=viewer,
                receiving_office=office,
                reason_category=REFERRAL_REASONS.get(ReportKind(locked.kind), ReasonCategory.OTHER),
                reason=reason[:TEXT_LIMIT],
                urgency=urgency,
                subjects=subjects,
                origin_key=f"village_report:{locked.pk}",
            )
        except ReferralInvalid as error:
            raise VillageReportInvalid(
                {name or "people": list(messages) for name, messages in error.errors.items()}
            ) from error
        locked.status = ReportStatus.ACTED
        locked.acted_at = timezone.now()
        locked.referral = referral
        locked.save(update_fields=["status", "acted_at", "referral", "updated_at"])
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=locked,
            changed_fields=["status", "acted_at", "referral"],
        )
        _notify_status(locked, viewer)
    return referral


def report_close(
    *, viewer: Viewer, report: VillageReport, note: str, unfounded: bool = False
) -> VillageReport:
    """Close a report with a note (what was done, or why nothing was). A report closed as
    ``unfounded`` (checked, not borne out) stays on record but no longer counts as a village
    signal in screening."""
    if not may_follow_up_village_report(viewer, report):
        raise VillageReportRefused
    problems = Problems(VillageReportInvalid)
    note = _text(note, "note", _("Catatan penutupan"), problems, limit=TEXT_LIMIT)
    if not note:
        problems.add("note", cleaning.required_problem(_("Catatan penutupan")))
    problems.raise_if_any()
    with transaction.atomic():
        locked = _locked(report)
        if locked.status == ReportStatus.CLOSED:
            raise _step_refused(locked)
        locked.status = ReportStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by_id = viewer.user_id
        locked.closing_note = note
        locked.unfounded = unfounded
        changed = ["status", "closed_at", "closed_by", "closing_note", "unfounded"]
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=locked, changed_fields=changed
        )
        _notify_status(locked, viewer)
    return locked
