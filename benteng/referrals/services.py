"""Writes of referrals: send, acknowledge, assign, close, return, comment, attach, name people.

Beside it: ``timeline.py`` (every event, its audit entries, notifications and outbox),
``deadlines.py`` (due times, the scheduled overdue check), ``handovers.py`` (the referral a
counter or TPI hand-over to police makes), ``case_link.py`` (the case a referral became),
``errors.py`` (refused, invalid).

Every service checks the viewer's predicate first (``ReferralRefused``, a 403 on a page) and
the referral's state next (``ReferralInvalid`` with a message per field, the form shows it).
Every change of state and every line of the timeline goes through ``timeline.record_event``,
which writes the event and the audit trail in the caller's transaction.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng import identity_cleaning as cleaning
from benteng.access.viewer import Viewer
from benteng.accounts.models import AgencyKind, Office, User
from benteng.agreements.basis import Basis, NoBasis, crosses_agencies, exchange_basis
from benteng.agreements.ledger import exchange_record
from benteng.agreements.models import Channel
from benteng.agreements.registry import SubjectRef
from benteng.audit.models import AuditAction
from benteng.audit.services import actor_for_viewer, audit_record, audit_record_write
from benteng.cases.validation import lp_number_normalize, lp_number_problem
from benteng.people.index import index_source_record
from benteng.problems import Problems
from benteng.referrals.access import (
    RECEIVING_OFFICE_KINDS,
    is_assignable_role,
    may_acknowledge_as_client,
    may_acknowledge_referral,
    may_add_referral_files,
    may_add_referral_subjects,
    may_assign_referral,
    may_close_referral,
    may_comment_on_referral,
    may_return_referral,
    may_send_referrals,
    may_send_referrals_as_client,
)
from benteng.referrals.case_link import case_for_closing
from benteng.referrals.deadlines import due_times
from benteng.referrals.errors import ReferralInvalid, ReferralRefused
from benteng.referrals.exchange import (
    REFERRAL_TYPE,
    SUBJECT_TYPE,
    purpose_of,
    sent_fields,
    subject_values_shared,
)
from benteng.referrals.files import file_check
from benteng.referrals.models import (
    OPEN_STATES,
    EventKind,
    ReasonCategory,
    Referral,
    ReferralEvent,
    ReferralFile,
    ReferralOutcome,
    ReferralState,
    ReferralSubject,
    ReferralUrgency,
)
from benteng.referrals.timeline import record_event
from benteng.screening.models import (
    DepartureCheck,
    PassportApplication,
    ScreeningResult,
)

# The steps each state allows.
NEXT_STATES: dict[str, frozenset[str]] = {
    ReferralState.SENT: frozenset({ReferralState.ACKNOWLEDGED, ReferralState.RETURNED}),
    ReferralState.ACKNOWLEDGED: frozenset({ReferralState.IN_PROGRESS, ReferralState.RETURNED}),
    ReferralState.IN_PROGRESS: frozenset(
        {ReferralState.IN_PROGRESS, ReferralState.CLOSED, ReferralState.RETURNED}
    ),
    ReferralState.CLOSED: frozenset(),
    ReferralState.RETURNED: frozenset(),
}
TEXT_LIMIT = 5000


@dataclass
class SubjectInput:
    """A person as typed: every value a text, cleaned by
    :func:`benteng.identity_cleaning.person_identity_clean`."""

    full_name: str = ""
    nik: str = ""
    passport_no: str = ""
    phone: str = ""
    sex: str = ""
    birth_date: str = ""
    desa_code: str = ""

    def is_blank(self) -> bool:
        return not any(str(value).strip() for value in self.__dict__.values())


def _user_id(viewer: Viewer) -> int:
    """The person acting; only people in person upload (the predicates ask for a user)."""
    assert viewer.user_id is not None  # noqa: S101 (may_* requires a user in person)
    return viewer.user_id


def _office_id(viewer: Viewer) -> int:
    assert viewer.office_id is not None  # noqa: S101 (may_send_referrals requires an office)
    return viewer.office_id


# --- the one place a referral's timeline grows -----------------------------------------------


def _check_step(referral: Referral, to_state: str) -> None:
    """An illegal transition is refused with a sentence naming the referral's state."""
    if to_state not in NEXT_STATES.get(referral.state, frozenset()):
        raise ReferralInvalid(
            {
                None: [
                    _("Langkah ini tidak dapat dilakukan: rujukan berstatus “%(state)s”.")
                    % {"state": referral.get_state_display()}
                ]
            }
        )


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update().select_related("receiving_office").get(pk=referral.pk)
    )


def _copy_back(target: Referral, source: Referral, names: Iterable[str]) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


# --- cleaning --------------------------------------------------------------------------------


def _clean_text(value: str, name: str, label: str, errors: Problems, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(name, cleaning.required_problem(label))
    elif len(text) > TEXT_LIMIT:
        errors.add(name, cleaning.too_long_problem(label, limit=TEXT_LIMIT, length=len(text)))
    return text


def receiving_offices_for(viewer: Viewer) -> list[Office]:
    """The offices this viewer may send a referral to: active, of a receiving kind, not the
    viewer's own."""
    offices = Office.objects.filter(is_active=True, kind__in=RECEIVING_OFFICE_KINDS)
    if viewer.office_id is not None:
        offices = offices.exclude(pk=viewer.office_id)
    return list(offices.select_related("agency").order_by("agency__kind", "kind", "name"))


# --- sending ---------------------------------------------------------------------------------


def _create_subject(
    referral: Referral, values: Mapping[str, Any], viewer: Viewer, *, at: datetime.datetime
) -> ReferralSubject:
    subject = ReferralSubject.objects.create(
        referral=referral, added_by_id=viewer.user_id, added_at=at, **values
    )
    audit_record_write(
        viewer=viewer,
        action=AuditAction.CREATE,
        obj=subject,
        changed_fields=[name for name, value in values.items() if value],
    )
    index_source_record(subject)
    return subject


def _create_file(
    referral: Referral, upload: UploadedFile[Any], checked: Any, description: str, viewer: Viewer
) -> ReferralFile:
    stored = ReferralFile(
        referral=referral,
        original_name=str(upload.name or "")[:200],
        content_type=checked.content_type,
        size=checked.size,
        description=description[:200],
        uploaded_by_id=_user_id(viewer),
    )
    stored.content.save(f"{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
    stored.save()
    audit_record_write(
        viewer=viewer,
        action=AuditAction.CREATE,
        obj=stored,
        changed_fields=["content", "original_name", "description"],
    )
    return stored


def _attached_record_problem(
    viewer: Viewer,
    application: PassportApplication | None,
    departure_check: DepartureCheck | None,
) -> str | None:
    """A screening record is attached only by someone who may see it."""
    if application is not None and not (
        PassportApplication.objects.visible_to(viewer).filter(pk=application.pk).exists()
    ):
        return _("Permohonan yang dilampirkan tidak ditemukan.")
    if departure_check is not None and not (
        DepartureCheck.objects.visible_to(viewer).filter(pk=departure_check.pk).exists()
    ):
        return _("Pemeriksaan keberangkatan yang dilampirkan tidak ditemukan.")
    return None


def referral_send(
    *,
    viewer: Viewer,
    receiving_office: Office | None,
    reason_category: str,
    reason: str,
    urgency: str,
    subjects: Iterable[SubjectInput] = (),
    application: PassportApplication | None = None,
    departure_check: DepartureCheck | None = None,
    files: Iterable[tuple[UploadedFile[Any], str]] = (),
    origin_key: str = "",
    sent_at: datetime.datetime | None = None,
    subject_prefix: str = "",
    problems: Problems | None = None,
) -> Referral:
    """Send a referral from the viewer's office to ``receiving_office``.

    It names at least one person (``subjects``) or a screening record (whose person it is
    about). Raises ReferralRefused when the viewer may not send, ReferralInvalid by field
    for a missing or unknown office, category, urgency or reason, a person's malformed values,
    or a file of the wrong type or size (nothing is stored then).

    ``subject_prefix`` names each person's fields in the errors (``"subjects.{index}."`` for
    the API; the form has one person, no prefix); ``problems`` holds the caller's own findings
    about values only it can read (an unknown office code sent through the API), and the
    service adds its own to them.
    """
    if not (may_send_referrals(viewer) or may_send_referrals_as_client(viewer)):
        raise ReferralRefused
    today = timezone.localdate()
    errors = problems if problems is not None else Problems(ReferralInvalid)
    if receiving_office is None:
        if "receiving_office" not in errors:
            errors.add("receiving_office", _("Pilih kantor tujuan."))
    elif (
        receiving_office.pk == viewer.office_id
        or receiving_office.kind not in RECEIVING_OFFICE_KINDS
        or not receiving_office.is_active
    ):
        errors.add("receiving_office", _("Kantor ini tidak dapat menerima rujukan dari Anda."))
    if reason_category not in ReasonCategory.values:
        errors.add("reason_category", _("Pilih kategori alasan."))
    if urgency not in ReferralUrgency.values:
        errors.add("urgency", _("Pilih urgensi."))
    reason = _clean_text(reason, "reason", _("Alasan rujukan"), errors, required=True)
    record_problem = _attached_record_problem(viewer, application, departure_check)
    if record_problem:
        errors.add("record", record_problem)
    cleaned_subjects = [
        cleaning.person_identity_clean(
            asdict(subject), errors, prefix=subject_prefix.format(index=index), today=today
        )
        for index, subject in enumerate(subjects)
        if not subject.is_blank()
    ]
    if not cleaned_subjects and application is None and departure_check is None:
        errors.add("full_name", _("Sebutkan paling sedikit satu orang yang dirujuk."))
    checked_files = []
    for upload, description in files:
        checked, problem = file_check(upload)
        if problem:
            errors.add("file", problem)
        else:
            checked_files.append((upload, checked, (description or "").strip()))
    at = sent_at or timezone.now()
    basis = None
    if receiving_office is not None and "receiving_office" not in errors:
        try:
            basis = _sending_basis(viewer, receiving_office, reason_category, at)
        except NoBasis as refusal:
            errors.add("receiving_office", refusal.message)
    errors.raise_if_any()
    assert receiving_office is not None  # noqa: S101 (refused above when missing)
    record = application or departure_check
    acknowledge_due_at, action_due_at = due_times(urgency, at)
    with transaction.atomic():
        referral = Referral.objects.create(
            clause_id=basis.clause_id if basis else None,
            sender_office_id=_office_id(viewer),
            sent_by_id=viewer.user_id,
            receiving_office=receiving_office,
            reason_category=reason_category,
            reason=reason,
            urgency=urgency,
            application=application,
            departure_check=departure_check,
            screening_result=(
                ScreeningResult.objects.filter(
                    Q(application=record) if application else Q(departure_check=record)
                )
                .order_by("-created_at", "-pk")
                .first()
                if record is not None
                else None
            ),
            origin_key=origin_key,
            sent_at=at,
            acknowledge_due_at=acknowledge_due_at,
            action_due_at=action_due_at,
        )
        record_event(
            referral,
            EventKind.SENT,
            viewer,
            changed_fields=[
                "receiving_office",
                "reason_category",
                "reason",
                "urgency",
                *(["application"] if application else []),
                *(["departure_check"] if departure_check else []),
            ],
            at=at,
        )
        if record is not None and not cleaned_subjects:
            cleaned_subjects = [_identity_of(record)]
        if basis is not None:
            cleaned_subjects = [subject_values_shared(basis, values) for values in cleaned_subjects]
        subjects_made = [
            _create_subject(referral, values, viewer, at=at) for values in cleaned_subjects
        ]
        for upload, checked, description in checked_files:
            stored = _create_file(referral, upload, checked, description, viewer)
            record_event(referral, EventKind.FILE_ADDED, viewer, text=stored.original_name)
        # The referred record goes with the referral only where its clause lets it go; the
        # sender's own link stays (their record's page lists the referral).
        record_shared = record is not None and (
            basis is None or "record" in basis.allowed(REFERRAL_TYPE)
        )
        if record_shared:
            _share_record_with_police(viewer, record, receiving_office)
        if basis is not None:
            _sending_recorded(
                viewer,
                referral,
                basis,
                subjects_made,
                fields=sent_fields(
                    [
                        "number",
                        "reason_category",
                        "reason",
                        "urgency",
                        *(["record"] if record_shared else []),
                        *(["files"] if checked_files else []),
                    ],
                    cleaned_subjects,
                ),
                at=at,
            )
    return referral


def _sending_basis(
    viewer: Viewer, receiving_office: Office, reason_category: str, at: datetime.datetime
) -> Basis | None:
    """The clause a referral to another agency relies on (None within one agency)."""
    sender = viewer.agency_kind or ""
    recipient = receiving_office.agency.kind
    if not crosses_agencies(sender, recipient):
        return None
    return exchange_basis(
        record_type=REFERRAL_TYPE,
        sender=sender,
        recipient=recipient,
        purpose=purpose_of(reason_category, recipient),
        on=timezone.localdate(at),
    )


def _sending_recorded(
    viewer: Viewer,
    referral: Referral,
    basis: Basis,
    subjects: list[ReferralSubject],
    *,
    fields: list[str],
    at: datetime.datetime,
) -> None:
    """The sending in the exchange ledger and in the audit trail, with its legal basis."""
    receiving = referral.receiving_office
    exchange_record(
        channel=Channel.REFERRAL,
        basis=basis,
        record_type=REFERRAL_TYPE,
        record_ids=[referral.pk],
        sender_agency=viewer.agency_kind or "",
        sender_office_id=viewer.office_id,
        recipient_agency=receiving.agency.kind,
        recipient_office_id=receiving.pk,
        recipient_label=receiving.name,
        fields=fields,
        subjects=[SubjectRef(SUBJECT_TYPE, subject.pk, subject.nik) for subject in subjects],
        actor_user_id=viewer.user_id,
        actor_label=viewer.actor_label,
        at=at,
    )
    audit_record(
        actor=actor_for_viewer(viewer),
        action=AuditAction.SHARE,
        object_type=REFERRAL_TYPE,
        object_ids=[referral.pk],
        purpose=basis.purpose,
        recipient=receiving.name,
        legal_basis=basis.legal_basis,
        detail={"channel": Channel.REFERRAL, "fields": fields},
    )


def _identity_of(record: PassportApplication | DepartureCheck) -> dict[str, Any]:
    """The person of a screening record, as a referral's subject."""
    return {
        "full_name": record.full_name,
        "birth_date": record.birth_date,
        "sex": record.sex,
        "nik": record.nik,
        "passport_no": record.passport_no,
        "phone": record.phone,
        "region_id": record.region_id,
    }


def _share_record_with_police(
    viewer: Viewer, record: PassportApplication | DepartureCheck | None, office: Office
) -> None:
    """A record referred to a police office becomes readable by police case roles (the
    screening app's ``police_visible``), as the decision "refer to police" makes it."""
    if record is None or office.agency.kind != AgencyKind.POLRI or record.police_visible:
        return
    record.police_visible = True
    record.save(update_fields=["police_visible"])
    audit_record_write(
        viewer=viewer, action=AuditAction.UPDATE, obj=record, changed_fields=["police_visible"]
    )


# --- the receiving office's steps ------------------------------------------------------------


def referral_acknowledge(*, viewer: Viewer, referral: Referral) -> Referral:
    """The receiving office confirms it has the referral."""
    if not (
        may_acknowledge_referral(viewer, referral) or may_acknowledge_as_client(viewer, referral)
    ):
        raise ReferralRefused
    with transaction.atomic():
        locked = _locked(referral)
        _check_step(locked, ReferralState.ACKNOWLEDGED)
        before = locked.state
        locked.state = ReferralState.ACKNOWLEDGED
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by_id = viewer.user_id
        changed = ["state", "acknowledged_at", "acknowledged_by"]
        locked.save(update_fields=changed)
        record_event(
            locked, EventKind.ACKNOWLEDGED, viewer, from_state=before, changed_fields=changed
        )
    _copy_back(referral, locked, changed)
    return referral


def assignable_officers(referral: Referral) -> list[User]:
    """The officers of the receiving office who may be named to handle it."""
    return [
        user
        for user in User.objects.filter(office_id=referral.receiving_office_id, is_active=True)
        .only("pk", "username", "full_name", "role")
        .order_by("full_name", "username")
        if is_assignable_role(user.role)
    ]


def referral_assign(*, viewer: Viewer, referral: Referral, assignee: User | None) -> Referral:
    """Name the officer of the receiving office who handles it (again, to hand it on)."""
    if not may_assign_referral(viewer, referral):
        raise ReferralRefused
    if assignee is None or assignee.pk not in {user.pk for user in assignable_officers(referral)}:
        raise ReferralInvalid(
            {"assignee": [_("Pilih petugas kantor penerima yang akan menangani rujukan.")]}
        )
    with transaction.atomic():
        locked = _locked(referral)
        _check_step(locked, ReferralState.IN_PROGRESS)
        before = locked.state
        locked.state = ReferralState.IN_PROGRESS
        locked.assigned_to = assignee
        locked.assigned_at = timezone.now()
        changed = ["state", "assigned_to", "assigned_at"]
        locked.save(update_fields=changed)
        record_event(
            locked,
            EventKind.ASSIGNED,
            viewer,
            from_state=before,
            changed_fields=changed,
            text=assignee.full_name or assignee.username,
        )
    _copy_back(referral, locked, changed)
    return referral


def referral_close(
    *,
    viewer: Viewer,
    referral: Referral,
    outcome: str,
    lp_number: str = "",
    lp_date: str | datetime.date | None = None,
    passed_to: str = "",
    note: str = "",
    case_kind: str = "",
    case_modus: str = "",
) -> Referral:
    """Close with the outcome: a case opened (its LP number and date), no offence found,
    passed to another agency (which), or the person assisted home.

    "Case opened" links the referral to its case in the same transaction
    (``case_link.case_for_closing``): the receiving office's case with that LP number when the
    viewer may see it, else a case the viewer opens with ``case_kind`` and ``case_modus``
    (TPPO/TPPM, the modus operandi) when they may open cases; otherwise it is refused. The
    case's problems come back per field (``lp_number``, ``lp_date``, ``kind``, ``modus``) and
    nothing is written then."""
    if not may_close_referral(viewer, referral):
        raise ReferralRefused
    errors = Problems(ReferralInvalid)
    if outcome not in ReferralOutcome.values:
        errors.add("outcome", _("Pilih hasil penanganan."))
    lp_number = (lp_number or "").strip()
    cleaned_lp_date = None
    if outcome == ReferralOutcome.CASE_OPENED:
        # The LP number is checked where the case is found or opened (case_for_closing).
        cleaned_lp_date, problem = cleaning.date_parse(lp_date, label=_("Tanggal Laporan Polisi"))
        if problem:
            errors.add("lp_date", problem)
        elif cleaned_lp_date is None:
            errors.add("lp_date", cleaning.required_problem(_("Tanggal Laporan Polisi")))
        elif cleaned_lp_date > timezone.localdate():
            errors.add("lp_date", _("Tanggal Laporan Polisi ada di masa depan."))
    else:
        lp_number = ""
    passed_to = (passed_to or "").strip()[:200]
    if outcome == ReferralOutcome.PASSED_ON and not passed_to:
        errors.add("passed_to", _("Sebutkan instansi tujuan penerusan."))
    note = _clean_text(note, "note", _("Catatan hasil"), errors, required=False)
    # A closing stopped here never reaches case_for_closing, where the LP number is checked:
    # its problem is named now, with the others, instead.
    stopped_here = outcome == ReferralOutcome.CASE_OPENED and bool(errors.by_field)
    if stopped_here and (problem := lp_number_problem(lp_number_normalize(lp_number), None)):
        errors.add("lp_number", problem)
    with transaction.atomic():
        locked = _locked(referral)
        _check_step(locked, ReferralState.CLOSED)
        errors.raise_if_any()
        case = None
        if outcome == ReferralOutcome.CASE_OPENED:
            assert cleaned_lp_date is not None  # noqa: S101 (refused above when missing)
            case = case_for_closing(
                viewer,
                locked,
                lp_number=lp_number,
                lp_date=cleaned_lp_date,
                kind=case_kind,
                modus=case_modus,
            )
            lp_number = case.lp_number
        before = locked.state
        locked.state = ReferralState.CLOSED
        locked.closed_at = timezone.now()
        locked.outcome = outcome
        locked.lp_number = lp_number
        locked.lp_date = cleaned_lp_date
        locked.case = case
        locked.passed_to = passed_to if outcome == ReferralOutcome.PASSED_ON else ""
        locked.outcome_note = note
        changed = ["state", "closed_at", "outcome", "lp_number", "lp_date", "passed_to"]
        changed.append("outcome_note")
        changed.append("case")
        locked.save(update_fields=changed)
        record_event(
            locked,
            EventKind.CLOSED,
            viewer,
            from_state=before,
            changed_fields=changed,
            text=note,
        )
    _copy_back(referral, locked, changed)
    return referral


def referral_return(*, viewer: Viewer, referral: Referral, reason: str) -> Referral:
    """Send it back to the sender, with the reason (wrong office, not enough to act on)."""
    if not may_return_referral(viewer, referral):
        raise ReferralRefused
    errors = Problems(ReferralInvalid)
    reason = _clean_text(reason, "return_reason", _("Alasan pengembalian"), errors, required=True)
    with transaction.atomic():
        locked = _locked(referral)
        _check_step(locked, ReferralState.RETURNED)
        errors.raise_if_any()
        before = locked.state
        locked.state = ReferralState.RETURNED
        locked.returned_at = timezone.now()
        locked.return_reason = reason
        changed = ["state", "returned_at", "return_reason"]
        locked.save(update_fields=changed)
        record_event(
            locked,
            EventKind.RETURNED,
            viewer,
            from_state=before,
            changed_fields=changed,
            text=reason,
        )
    _copy_back(referral, locked, changed)
    return referral


# --- the thread, files and people ------------------------------------------------------------


def referral_comment(*, viewer: Viewer, referral: Referral, text: str) -> ReferralEvent:
    """A message in the referral's thread, seen by both offices."""
    if not may_comment_on_referral(viewer, referral):
        raise ReferralRefused
    errors = Problems(ReferralInvalid)
    text = _clean_text(text, "text", _("Komentar"), errors, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        return record_event(referral, EventKind.COMMENT, viewer, text=text)


def referral_file_add(
    *, viewer: Viewer, referral: Referral, upload: UploadedFile[Any] | None, description: str = ""
) -> ReferralFile:
    """Attach a PDF, JPEG or PNG of at most 10 MB (checked by its content)."""
    if not may_add_referral_files(viewer, referral):
        raise ReferralRefused
    if upload is None:
        raise ReferralInvalid({"file": [_("Pilih berkas yang akan dilampirkan.")]})
    checked, problem = file_check(upload)
    if problem or checked is None:
        raise ReferralInvalid({"file": [problem or _("Berkas tidak dapat dibaca.")]})
    with transaction.atomic():
        stored = _create_file(referral, upload, checked, (description or "").strip(), viewer)
        record_event(referral, EventKind.FILE_ADDED, viewer, text=stored.original_name)
    return stored


def referral_subject_add(
    *, viewer: Viewer, referral: Referral, subject: SubjectInput
) -> ReferralSubject:
    """The sending office names one more person the referral is about, while it is open."""
    if not may_add_referral_subjects(viewer, referral):
        raise ReferralRefused
    if referral.state not in OPEN_STATES:
        _check_step(referral, "")
    errors = Problems(ReferralInvalid)
    values = cleaning.person_identity_clean(asdict(subject), errors, today=timezone.localdate())
    errors.raise_if_any()
    with transaction.atomic():
        created = _create_subject(referral, values, viewer, at=timezone.now())
        record_event(referral, EventKind.SUBJECT_ADDED, viewer)
    return created
