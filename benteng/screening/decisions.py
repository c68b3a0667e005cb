"""The officer's decisions on a screened applicant or passenger, and what follows from them.

At the Kanim counter the officer records the interview (answers, the sponsor, recruiter and
companions named) and decides: issue, postpone until missing documents are supplied (with a
due date the system tracks), refuse, refer to BP3MI, or refer to police. At the TPI the
border officer allows the departure, delays it, or hands the passenger over to police.

The score never decides: every decision names the officer who made it. The only decision
without an officer is the system's *gugur* — a postponement whose documents were not supplied
in time, recorded by :func:`postponements_lapse_overdue`.

Letting someone through over a warning — issuing a passport or allowing a departure while a
watchlist hit is in force or the risk band is high — needs a written reason, and for a hit the
officer's statement that its instruction was followed and whom they contacted; the decision
keeps them and is counted for the office heads (``worklists.warning_override_counts``).

Decisions are entries that are never changed. At the TPI a change of decision (a delay lifted,
a passenger handed over after all) is a new entry with its reason; the current decision is the
latest, and the check keeps its outcome, time and officer for the lists.

A postponement or refusal enters the shared immigration watchlist of delayed applicants, and
a delayed or handed-over departure the list of delayed departures, so an applicant delayed in
Serang is seen in Tangerang and at the airport. Referral to police (and hand-over) makes the
record visible to police case roles (``police_visible``) and calls the hand-over hooks
(``hooks.py``): the referrals app makes the referral to the police office covering the
person. Every write is audited; the index is updated after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import User
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.core.phones import normalize_phone
from benteng.identity_cleaning import flight_number_clean
from benteng.people.index import index_source_record
from benteng.problems import InputInvalid, Problems
from benteng.screening.access import may_decide_applications, may_decide_departures
from benteng.screening.hooks import run_hand_over_hooks
from benteng.screening.models import (
    ApplicationDecision,
    ApplicationStatus,
    ContactRelation,
    DecisionOutcome,
    DecisionReason,
    DepartureCheck,
    DepartureDecision,
    DepartureOutcome,
    NamedContact,
    PassportApplication,
    RiskBand,
    TravelDocument,
)
from benteng.screening.outcome import outcome_from_result
from benteng.screening.results import Hit, Instruction
from benteng.screening.worklists import latest_screening
from benteng.watchlists.models import EntrySource, Watchlist, WatchlistEntry
from benteng.watchlists.reference_data import watchlists_load_reference
from benteng.watchlists.services import (
    immigration_decision_watchlist,
    watchlist_entry_create,
    watchlist_entry_expire,
)

DEFAULT_POSTPONEMENT_DAYS = 30
# How long a decision stays on the shared watchlist (a year: the applicant may try again).
DECISION_WATCHLIST_DAYS = 365
# The longest postponement an officer may give.
MAX_POSTPONEMENT_DAYS = 180
DEPARTURE_DELAY_LIST_CODE = "imigrasi-penundaan-keberangkatan"
# Flight numbers as printed on a boarding pass: a two-character airline code, 1-4 digits and
# an optional suffix letter (GA 840, QZ7510, 8B 123A).

OFFICER_OUTCOMES = (
    DecisionOutcome.ISSUE,
    DecisionOutcome.POSTPONE,
    DecisionOutcome.REFUSE,
    DecisionOutcome.REFER_BP3MI,
    DecisionOutcome.REFER_POLICE,
)
STATUS_AFTER: dict[str, str] = {
    DecisionOutcome.ISSUE: ApplicationStatus.ISSUED,
    DecisionOutcome.POSTPONE: ApplicationStatus.POSTPONED,
    DecisionOutcome.REFUSE: ApplicationStatus.REFUSED,
    DecisionOutcome.REFER_BP3MI: ApplicationStatus.REFERRED_BP3MI,
    DecisionOutcome.REFER_POLICE: ApplicationStatus.REFERRED_POLICE,
    DecisionOutcome.LAPSE: ApplicationStatus.LAPSED,
}
# An application waits for a decision, or for a re-decision after a postponement.
DECIDABLE_STATUSES = frozenset({ApplicationStatus.SCREENED, ApplicationStatus.POSTPONED})
WATCHLISTED_OUTCOMES = frozenset({DecisionOutcome.POSTPONE, DecisionOutcome.REFUSE})
DEPARTURE_OUTCOMES = (
    DepartureOutcome.ALLOW,
    DepartureOutcome.DELAY,
    DepartureOutcome.HAND_OVER,
)
WATCHLISTED_DEPARTURES = frozenset({DepartureOutcome.DELAY, DepartureOutcome.HAND_OVER})
# The decisions that let the person through, and so need a reason over a warning.
PERMISSIVE_OUTCOMES = frozenset({DecisionOutcome.ISSUE, DepartureOutcome.ALLOW})
# A written reason is a sentence, not "ok".
MIN_WRITTEN_REASON = 10


class DecisionInvalid(InputInvalid):
    """The decision cannot be recorded as given; ``errors`` maps fields to Indonesian reasons."""


class DecisionRefused(PermissionDenied):
    """The viewer may not decide on this record (wrong role or office)."""


@dataclass(frozen=True)
class DecisionWarnings:
    """What speaks against letting the person through, as the deciding officer sees it: the
    hits of the latest screening still in force, and whether the risk band is high."""

    hits: tuple[Hit, ...] = ()
    instructions: tuple[Instruction, ...] = ()
    high_risk: bool = False

    def __bool__(self) -> bool:
        return bool(self.hits) or self.high_risk


@dataclass(frozen=True)
class WarningOverrideInput:
    """The officer's statement when letting the person through over a warning."""

    reason: str = ""
    instruction_followed: bool = False
    contacted: str = ""


@dataclass(frozen=True)
class ContactInput:
    """A sponsor, recruiter or companion named in the interview."""

    relation: str
    name: str = ""
    phone: str = ""


def postponement_days() -> int:
    return int(getattr(settings, "BENTENG_POSTPONEMENT_DAYS", DEFAULT_POSTPONEMENT_DAYS))


def default_due_date(*, today: datetime.date | None = None) -> datetime.date:
    """The date by which postponed documents are due, counted from today."""
    return (today or timezone.localdate()) + datetime.timedelta(days=postponement_days())


def _format_date(value: datetime.date) -> str:
    return value.strftime("%d-%m-%Y")


# --- who may decide ------------------------------------------------------------------------


def _require_application_decider(viewer: Viewer, application: PassportApplication) -> None:
    if not may_decide_applications(viewer):
        raise DecisionRefused(_("Hanya petugas layanan paspor yang dapat memutuskan permohonan."))
    if application.office_id != viewer.office_id:
        raise DecisionRefused(_("Permohonan ini diputuskan oleh kantor yang menerimanya."))


def _require_departure_decider(viewer: Viewer, check: DepartureCheck) -> None:
    if not may_decide_departures(viewer):
        raise DecisionRefused(_("Hanya petugas TPI yang dapat memutuskan keberangkatan."))
    if check.office_id != viewer.office_id:
        raise DecisionRefused(_("Keberangkatan ini diputuskan oleh TPI yang memeriksanya."))


# --- warnings ------------------------------------------------------------------------------


def decision_warnings(
    *, viewer: Viewer, record: PassportApplication | DepartureCheck
) -> DecisionWarnings:
    """The live hits and the high risk band of the record's latest screening, for this
    officer (the hits they may be told about: the instruction is theirs to follow)."""
    result = latest_screening(record)
    if result is None:
        return DecisionWarnings()
    outcome = outcome_from_result(viewer=viewer, record=record, result=result)
    live = tuple(hit for hit in outcome.hits if hit.in_force)
    live_instructions = {(hit.instruction, hit.contact) for hit in live}
    return DecisionWarnings(
        hits=live,
        instructions=tuple(
            item
            for item in outcome.instructions
            if (item.instruction, item.contact) in live_instructions
        ),
        high_risk=outcome.risk_band == RiskBand.HIGH,
    )


def _clean_override(
    warnings: DecisionWarnings,
    outcome: str,
    override: WarningOverrideInput | None,
    problems: Problems,
) -> dict[str, Any]:
    """The override fields a decision keeps; an error for each statement missing."""
    if outcome not in PERMISSIVE_OUTCOMES or not warnings:
        return {
            "overrides_warning": False,
            "override_reason": "",
            "instruction_followed": False,
            "contacted": "",
        }
    override = override or WarningOverrideInput()
    reason = (override.reason or "").strip()
    contacted = " ".join((override.contacted or "").split())
    if warnings.hits:
        warning = _("Ada hit daftar pantauan yang masih berlaku")
    else:
        warning = _("Risiko penyaringan tinggi")
    if len(reason) < MIN_WRITTEN_REASON:
        problems.add(
            "override_reason",
            _(
                "%(warning)s: tuliskan alasan meneruskan keputusan ini "
                "(paling sedikit %(count)d huruf)."
            )
            % {"warning": warning, "count": MIN_WRITTEN_REASON},
        )
    if warnings.instructions and not override.instruction_followed:
        problems.add(
            "instruction_followed",
            _("Nyatakan bahwa instruksi hit sudah dijalankan sebelum meneruskan."),
        )
    if warnings.instructions and not contacted:
        problems.add(
            "contacted",
            _("Tuliskan siapa yang Anda hubungi sesuai instruksi hit (kantor dan nama petugas)."),
        )
    max_contacted = DepartureDecision._meta.get_field("contacted").max_length or 0
    if len(contacted) > max_contacted:
        problems.add("contacted", _("Paling banyak %(count)d huruf.") % {"count": max_contacted})
    return {
        "overrides_warning": True,
        "override_reason": reason,
        "instruction_followed": bool(warnings.instructions and override.instruction_followed),
        "contacted": contacted,
    }


# --- cleaning ------------------------------------------------------------------------------


def _clean_contacts(
    contacts: Iterable[ContactInput | Mapping[str, Any]], problems: Problems
) -> list[ContactInput]:
    cleaned: list[ContactInput] = []
    for number, raw in enumerate(contacts, start=1):
        item = raw if isinstance(raw, ContactInput) else ContactInput(**dict(raw))
        name = " ".join((item.name or "").split())
        phone_text = (item.phone or "").strip()
        if not name and not phone_text:
            continue
        if item.relation not in ContactRelation.values:
            problems.add(
                "contacts",
                _("Orang ke-%(number)d: pilih hubungannya dengan pemohon.") % {"number": number},
            )
            continue
        phone = ""
        if phone_text:
            phone = normalize_phone(phone_text) or ""
            if not phone:
                problems.add(
                    "contacts",
                    _(
                        "Orang ke-%(number)d: nomor telepon “%(value)s” bukan nomor Indonesia "
                        "yang sah (contoh 0812-3456-7890)."
                    )
                    % {"number": number, "value": phone_text},
                )
                continue
        if len(name) > NamedContact._meta.get_field("name").max_length:  # type: ignore[operator]
            problems.add(
                "contacts", _("Orang ke-%(number)d: nama terlalu panjang.") % {"number": number}
            )
            continue
        cleaned.append(ContactInput(relation=item.relation, name=name, phone=phone))
    return cleaned


def _clean_answers(answers: Mapping[str, Any] | None) -> dict[str, str]:
    """Question → answer, with blank answers left out."""
    cleaned: dict[str, str] = {}
    for question, answer in (answers or {}).items():
        text = str(answer or "").strip()
        if text and str(question).strip():
            cleaned[str(question).strip()[:500]] = text[:2000]
    return cleaned


def _clean_due_date(
    outcome: str,
    due_date: datetime.date | None,
    today: datetime.date,
    problems: Problems,
) -> datetime.date | None:
    if outcome != DecisionOutcome.POSTPONE:
        return None
    if due_date is None:
        return default_due_date(today=today)
    if due_date <= today:
        problems.add(
            "due_date",
            _("Batas waktu melengkapi dokumen harus setelah hari ini (%(today)s).")
            % {"today": _format_date(today)},
        )
    elif due_date > today + datetime.timedelta(days=MAX_POSTPONEMENT_DAYS):
        problems.add(
            "due_date",
            _("Batas waktu paling lama %(days)d hari dari hari ini.")
            % {"days": MAX_POSTPONEMENT_DAYS},
        )
    return due_date


def _check_state(
    application: PassportApplication, today: datetime.date, problems: Problems
) -> None:
    if application.status not in DECIDABLE_STATUSES:
        problems.add(
            "outcome",
            _("Permohonan ini sudah diputuskan (%(status)s); keputusan tidak dapat diubah.")
            % {"status": application.get_status_display()},
        )
        return
    overdue = (
        application.status == ApplicationStatus.POSTPONED
        and application.postponed_until is not None
        and application.postponed_until < today
    )
    if overdue:
        problems.add(
            "outcome",
            _(
                "Batas waktu melengkapi dokumen (%(date)s) sudah lewat: permohonan gugur dan "
                "pemohon harus mengajukan permohonan baru."
            )
            % {"date": _format_date(application.postponed_until)},  # type: ignore[arg-type]
        )


# --- the automatic watchlists --------------------------------------------------------------


def _person_values(record: PassportApplication | DepartureCheck) -> dict[str, Any]:
    region_code = record.region_id or ""
    return {
        "subject_type": "orang",
        "full_name": record.full_name,
        "nik": record.nik,
        "birth_date": record.birth_date,
        "sex": record.sex,
        "birth_place": record.birth_place,
        "passport_no": record.passport_no,
        "address": record.address,
        "desa_code": region_code if region_code.count(".") == 3 else "",
        "phone": record.phone,
    }


def _system_viewer(purpose: str) -> Viewer:
    return Viewer.system(purpose=purpose)


def _officer_label(viewer: Viewer) -> str:

    user = User.objects.filter(pk=viewer.user_id).only("full_name", "username").first()
    if user is None:
        return ""
    return str(user.full_name or user.username)


def _application_watchlist_entry(
    *,
    viewer: Viewer,
    application: PassportApplication,
    decision: ApplicationDecision,
    today: datetime.date,
) -> None:
    """Put a postponed or refused applicant on the shared immigration list (system write)."""

    office_name = application.office.name
    officer = _officer_label(viewer)
    reason = str(DecisionReason(decision.reason).label)
    if decision.outcome == DecisionOutcome.POSTPONE:
        verb, category = "ditunda", "Pemohon paspor ditunda"
        detail = f" sampai {_format_date(decision.due_date)}" if decision.due_date else ""
    else:
        verb, category, detail = "ditolak", "Pemohon paspor ditolak", ""
    contact = f"{office_name} ({officer})" if officer else office_name
    instruction = (
        f"Pemohon {verb} di {office_name} pada {_format_date(today)}{detail} karena "
        f"{reason[:1].lower()}{reason[1:]}; hubungi {contact} sebelum menerbitkan paspor atau "
        "mengizinkan keberangkatan."
    )
    watchlist = immigration_decision_watchlist()
    data = {
        **_person_values(application),
        "category": f"{category}: {reason}"[:120],
        "instruction": instruction,
        "contact": contact[:200],
        "expires_on": today + datetime.timedelta(days=DECISION_WATCHLIST_DAYS),
        "internal_notes": decision.note,
    }
    watchlist_entry_create(
        viewer=_system_viewer(f"keputusan permohonan paspor {application.reference}"),
        watchlist=watchlist,
        data=data,
        source=EntrySource.DECISION,
        source_reference=application.reference,
    )


def _expire_application_entries(application: PassportApplication) -> None:
    """An applicant who supplied the documents in time is no longer a delayed applicant."""

    system = _system_viewer(f"penerbitan setelah penundaan {application.reference}")
    entries = WatchlistEntry.objects.in_force().filter(
        watchlist=immigration_decision_watchlist(),
        source=EntrySource.DECISION,
        source_reference=application.reference,
    )
    for entry in entries.select_related("watchlist__owner_agency"):
        watchlist_entry_expire(viewer=system, entry=entry)


def _departure_watchlist_entry(
    *, viewer: Viewer, check: DepartureCheck, decision: DepartureDecision, today: datetime.date
) -> None:
    """Put a delayed or handed-over passenger on the list of delayed departures."""

    watchlist = Watchlist.objects.filter(code=DEPARTURE_DELAY_LIST_CODE).first()
    if watchlist is None:
        watchlists_load_reference()
        watchlist = Watchlist.objects.get(code=DEPARTURE_DELAY_LIST_CODE)
    already = (
        WatchlistEntry.objects.in_force()
        .filter(watchlist=watchlist, source_reference=check.reference)
        .exists()
    )
    if already:
        return
    office_name = check.office.name
    officer = _officer_label(viewer)
    contact = f"{office_name} ({officer})" if officer else office_name
    if check.outcome == DepartureOutcome.HAND_OVER:
        verb, category = "diserahkan kepada kepolisian", "Penumpang diserahkan ke kepolisian"
    else:
        verb, category = "ditunda keberangkatannya", "Keberangkatan ditunda"
    flight = f" (penerbangan {check.flight_number})" if check.flight_number else ""
    # The instruction is a hit field every agency reads: fixed text only. The officer's
    # free-text note goes to the internal notes, which only the list's readers see.
    instruction = (
        f"Penumpang {verb} di {office_name} pada {_format_date(today)}{flight}; "
        f"hubungi {contact} sebelum mengizinkan keberangkatan atau menerbitkan paspor."
    )
    watchlist_entry_create(
        viewer=_system_viewer(f"keputusan keberangkatan {check.reference}"),
        watchlist=watchlist,
        data={
            **_person_values(check),
            "category": category,
            "instruction": instruction,
            "contact": contact[:200],
            "expires_on": today + datetime.timedelta(days=DECISION_WATCHLIST_DAYS),
            "internal_notes": decision.note,
        },
        source=EntrySource.DECISION,
        source_reference=check.reference,
    )


def _expire_departure_entries(check: DepartureCheck) -> None:
    """A passenger allowed after all is no longer a delayed departure (system write, audited)."""

    system = _system_viewer(f"keberangkatan diizinkan setelah penundaan {check.reference}")
    entries = WatchlistEntry.objects.in_force().filter(
        watchlist__code=DEPARTURE_DELAY_LIST_CODE,
        source=EntrySource.DECISION,
        source_reference=check.reference,
    )
    for entry in entries.select_related("watchlist__owner_agency"):
        watchlist_entry_expire(viewer=system, entry=entry)


def _reindex_application(application: PassportApplication) -> None:

    index_source_record(application)


def _reindex_departure(check: DepartureCheck) -> None:

    index_source_record(check)


# --- the counter ---------------------------------------------------------------------------


def application_decide(
    *,
    viewer: Viewer,
    application: PassportApplication,
    outcome: str,
    reason: str,
    note: str = "",
    due_date: datetime.date | None = None,
    contacts: Iterable[ContactInput | Mapping[str, Any]] = (),
    answers: Mapping[str, Any] | None = None,
    documents: Iterable[str] | None = None,
    override: WarningOverrideInput | None = None,
) -> ApplicationDecision:
    """Record the officer's decision, the interview answers and the people named.

    Issuing over a warning (:func:`decision_warnings`) needs ``override``: a written reason
    and, for a hit, the statement that its instruction was followed and whom they contacted.

    ``documents``, when given, replaces the documents recorded as shown (a postponed
    applicant returns with what was missing). Raises DecisionRefused when the viewer is not
    a passport officer of the application's
    Kanim, and DecisionInvalid (by field) for an unknown outcome or reason, a due date that is
    not after today, a missing note where one is needed, a malformed contact phone, an issue
    over a warning without the statement, or an application that is decided already or whose
    postponement is overdue.
    """
    _require_application_decider(viewer, application)
    today = timezone.localdate()
    problems = Problems(DecisionInvalid)
    if outcome not in OFFICER_OUTCOMES:
        problems.add("outcome", _("Pilih keputusan."))
    if reason not in DecisionReason.values:
        problems.add("reason", _("Pilih alasan keputusan."))
    note = (note or "").strip()
    if reason == DecisionReason.OTHER and not note:
        problems.add("note", _("Alasan “lainnya” perlu dijelaskan di catatan."))
    if outcome in (DecisionOutcome.REFUSE, DecisionOutcome.REFER_POLICE) and not note:
        problems.add("note", _("Tuliskan dasar penolakan atau rujukan ke kepolisian di catatan."))
    cleaned_due_date = _clean_due_date(outcome, due_date, today, problems)
    warnings = decision_warnings(viewer=viewer, record=application)
    override_fields = _clean_override(warnings, outcome, override, problems)
    cleaned_contacts = _clean_contacts(contacts, problems)
    cleaned_answers = _clean_answers(answers)
    cleaned_documents = None
    if documents is not None:
        cleaned_documents = list(dict.fromkeys(str(code) for code in documents))
        unknown = [code for code in cleaned_documents if code not in TravelDocument.values]
        if unknown:
            problems.add(
                "documents", _("Dokumen tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
    with transaction.atomic():
        locked = (
            PassportApplication.objects.select_for_update()
            .select_related("office")
            .get(pk=application.pk)
        )
        _check_state(locked, today, problems)
        problems.raise_if_any()
        decision = ApplicationDecision.objects.create(
            application=locked,
            outcome=outcome,
            reason=reason,
            note=note,
            decided_by_id=viewer.user_id,
            decided_at=timezone.now(),
            due_date=cleaned_due_date,
            **override_fields,
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=decision,
            changed_fields=["outcome", "reason", "note", "due_date", *override_fields],
        )
        changed = ["status", "postponed_until"]
        locked.status = STATUS_AFTER[outcome]
        locked.postponed_until = cleaned_due_date
        if cleaned_documents is not None and cleaned_documents != list(locked.documents or []):
            locked.documents = cleaned_documents
            changed.append("documents")
        if cleaned_answers:
            locked.interview_answers = {**(locked.interview_answers or {}), **cleaned_answers}
            changed.append("interview_answers")
        if outcome == DecisionOutcome.REFER_POLICE and not locked.police_visible:
            locked.police_visible = True
            changed.append("police_visible")
        locked.save(update_fields=changed)
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=locked, changed_fields=changed
        )
        for contact in cleaned_contacts:
            named = NamedContact.objects.create(
                application=locked,
                relation=contact.relation,
                name=contact.name,
                phone=contact.phone,
                recorded_by_id=viewer.user_id,
            )
            audit_record_write(
                viewer=viewer,
                action=AuditAction.CREATE,
                obj=named,
                changed_fields=["relation", "name", "phone"],
            )
        if outcome in WATCHLISTED_OUTCOMES:
            _application_watchlist_entry(
                viewer=viewer, application=locked, decision=decision, today=today
            )
        elif outcome == DecisionOutcome.ISSUE and application.status == ApplicationStatus.POSTPONED:
            _expire_application_entries(locked)
        _reindex_application(locked)
        if outcome == DecisionOutcome.REFER_POLICE:
            run_hand_over_hooks(viewer, locked, decision)
    for name in changed:
        setattr(application, name, getattr(locked, name))
    return decision


def postponements_lapse_overdue(*, today: datetime.date | None = None) -> int:
    """Record as lapsed (*gugur*) every postponement whose due date has passed.

    No officer decides this: the decision has no officer and is audited as Benteng's own.
    Idempotent; each application is lapsed in its own transaction, so one failure does not
    hold back the others. Returns how many applications lapsed.
    """
    today = today or timezone.localdate()
    viewer = _system_viewer("penundaan permohonan paspor yang lewat batas waktu")
    overdue_ids = list(
        PassportApplication.objects.filter(
            status=ApplicationStatus.POSTPONED, postponed_until__lt=today
        ).values_list("pk", flat=True)
    )
    lapsed = 0
    for pk in overdue_ids:
        with transaction.atomic():
            application = PassportApplication.objects.select_for_update().filter(pk=pk).first()
            if application is None or application.status != ApplicationStatus.POSTPONED:
                continue
            if application.postponed_until is None or application.postponed_until >= today:
                continue
            decision = ApplicationDecision.objects.create(
                application=application,
                outcome=DecisionOutcome.LAPSE,
                reason=DecisionReason.DOCUMENTS_NOT_SUPPLIED,
                note=_("Dokumen tidak dilengkapi sampai %(date)s.")
                % {"date": _format_date(application.postponed_until)},
                decided_by=None,
                decided_at=timezone.now(),
            )
            audit_record_write(
                viewer=viewer,
                action=AuditAction.CREATE,
                obj=decision,
                changed_fields=["outcome", "reason"],
            )
            application.status = ApplicationStatus.LAPSED
            application.save(update_fields=["status"])
            audit_record_write(
                viewer=viewer, action=AuditAction.UPDATE, obj=application, changed_fields=["status"]
            )
            _reindex_application(application)
            lapsed += 1
    return lapsed


# --- the TPI -------------------------------------------------------------------------------


def departure_decide(
    *,
    viewer: Viewer,
    check: DepartureCheck,
    outcome: str,
    note: str = "",
    flight_number: str = "",
    change_reason: str = "",
    override: WarningOverrideInput | None = None,
) -> DepartureDecision:
    """Record the border officer's decision on a departure, with the flight number.

    Each decision is a new entry (:class:`DepartureDecision`); the check keeps the current
    outcome, time and officer. A change of decision (the delay is lifted, the passenger is
    handed over after all) needs ``change_reason``. A delay or a hand-over puts the passenger
    on the list of delayed departures; a hand-over also makes the check visible to police;
    allowing the departure after all ends the delay's watchlist entry. Allowing over a warning
    (:func:`decision_warnings`) needs ``override``. ``checked_by`` keeps who checked the
    passenger; ``decided_by`` names the officer of the latest decision.
    """
    _require_departure_decider(viewer, check)
    problems = Problems(DecisionInvalid)
    if check.outcome == DepartureOutcome.VOID:
        raise DecisionInvalid({"outcome": [_("Pemeriksaan ini sudah dibatalkan.")]})
    if outcome not in DEPARTURE_OUTCOMES:
        problems.add("outcome", _("Pilih keputusan keberangkatan."))
    flight_text = (flight_number or "").strip() or check.flight_number
    flight, problem = flight_number_clean(flight_text)
    if not flight_text:
        problems.add("flight_number", _("Nomor penerbangan wajib diisi."))
    elif problem:
        problems.add("flight_number", problem)
    note = (note or "").strip()
    if outcome == DepartureOutcome.HAND_OVER and not note:
        problems.add("note", _("Tuliskan alasan penyerahan kepada kepolisian di catatan."))
    change_reason = (change_reason or "").strip()
    warnings = decision_warnings(viewer=viewer, record=check)
    override_fields = _clean_override(warnings, outcome, override, problems)
    today = timezone.localdate()
    with transaction.atomic():
        locked = (
            DepartureCheck.objects.select_for_update().select_related("office").get(pk=check.pk)
        )
        previous_outcome = locked.outcome
        if previous_outcome != DepartureOutcome.PENDING:
            _check_change(previous_outcome, locked, outcome, change_reason, problems)
        problems.raise_if_any()
        decision = DepartureDecision.objects.create(
            departure_check=locked,
            outcome=outcome,
            note=note,
            change_reason=change_reason if previous_outcome != DepartureOutcome.PENDING else "",
            flight_number=flight or "",
            decided_by_id=viewer.user_id,
            decided_at=timezone.now(),
            **override_fields,
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=decision,
            changed_fields=["outcome", "note", "change_reason", "flight_number", *override_fields],
        )
        changed = ["outcome", "decided_at", "decided_by", "flight_number"]
        locked.outcome = outcome
        locked.decided_at = decision.decided_at
        # Who checked stays as recorded (it also keys the check's idempotency); the officer
        # who decides is recorded apart, and a later decision names its own officer.
        locked.decided_by_id = viewer.user_id
        locked.flight_number = flight or ""
        if outcome == DepartureOutcome.HAND_OVER and not locked.police_visible:
            locked.police_visible = True
            changed.append("police_visible")
        locked.save(update_fields=changed)
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=locked, changed_fields=changed
        )
        if outcome in WATCHLISTED_DEPARTURES:
            _departure_watchlist_entry(viewer=viewer, check=locked, decision=decision, today=today)
        elif previous_outcome in WATCHLISTED_DEPARTURES:
            _expire_departure_entries(locked)
        _reindex_departure(locked)
        if outcome == DepartureOutcome.HAND_OVER:
            run_hand_over_hooks(viewer, locked, decision)
    for name in changed:
        setattr(check, name, getattr(locked, name))
    return decision


def _check_change(
    previous_outcome: str,
    check: DepartureCheck,
    outcome: str,
    change_reason: str,
    problems: Problems,
) -> None:
    """A decided departure changes only to another outcome, and only with a reason."""
    if outcome == previous_outcome:
        problems.add(
            "outcome",
            _("Keputusan ini sudah berlaku (%(outcome)s); pilih keputusan lain untuk mengubahnya.")
            % {"outcome": check.get_outcome_display()},
        )
    if not change_reason:
        problems.add(
            "change_reason",
            _(
                "Keberangkatan ini sudah diputuskan (%(outcome)s): tuliskan alasan perubahan "
                "keputusan."
            )
            % {"outcome": check.get_outcome_display()},
        )
