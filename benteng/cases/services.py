"""Writing cases: open, the legal stages and the outcome, persons, route, victims' services and
the case team.

Every write checks its predicate (``access.py``) first, writes in one transaction, and is
recorded in the audit trail with ids and field names, never values. Perpetrators reach the
screening index when the transaction commits (``identity_sources.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import AgencyKind, Office, User
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.cases.access import (
    CASE_WORKERS,
    case_team_forget,
    case_team_user_ids,
    may_add_case_person,
    may_edit_case,
    may_manage_case_team,
    may_open_case,
    may_record_case_outcome,
)
from benteng.cases.hooks import CaseProgress, run_case_progress_hooks
from benteng.cases.models import (
    OPENING_STAGES,
    PERPETRATOR_ROLES,
    STAGE_ORDER,
    Case,
    CaseKind,
    CasePerson,
    CaseRouteLeg,
    CaseStageChange,
    CaseTeamMember,
    ControlMethod,
    ExploitationType,
    LegKind,
    Modus,
    PerpetratorRole,
    PersonRole,
    RecruitmentMethod,
    ServiceKind,
    ServiceStatus,
    Stage,
    StatusDecidedBy,
    TraffickingStatus,
    Verdict,
    VictimService,
    stage_position,
)
from benteng.cases.validation import lp_number_normalize, lp_number_problem, past_date_problem
from benteng.core.countries import HOME_COUNTRY, iso_countries
from benteng.identity_cleaning import desa_code_clean, person_identity_clean, text_of
from benteng.people.index import index_source_record
from benteng.problems import FieldProblems, Problems

POLICE_OFFICE_KINDS = ("polda", "polres", "polsek")
HTCDS_FIELDS = (
    "trafficking_status",
    "status_decided_by",
    "recruitment_method",
    "control_methods",
    "exploitation_types",
)


class CaseInvalid(ValidationError):
    """The values are not valid; ``errors`` maps input fields to reasons (Bahasa Indonesia)."""

    def __init__(self, errors: FieldProblems) -> None:
        super().__init__({name or NON_FIELD_ERRORS: messages for name, messages in errors.items()})
        self.errors = errors


class CaseWriteRefused(PermissionDenied):
    """The viewer may not make this change."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise CaseWriteRefused(_("Anda tidak berwenang mengubah kasus ini."))


def _choice(value: Any, choices: Any, name: str, label: str, problems: Problems) -> str:
    text = text_of(value)
    if text and text not in choices.values:
        problems.add(name, _("Pilihan %(label)s tidak dikenal.") % {"label": label})
        return ""
    return text


def _choices(
    values: Sequence[Any], choices: Any, name: str, label: str, problems: Problems
) -> list[str]:
    picked = [text_of(value) for value in values if text_of(value)]
    if any(value not in choices.values for value in picked):
        problems.add(name, _("Pilihan %(label)s tidak dikenal.") % {"label": label})
        return []
    # Stored in the picklist's order, each once.
    return [value for value in choices.values if value in picked]


def _office_chain(office: Office) -> set[int]:
    """The office and the offices above it."""
    ids: set[int] = set()
    current: Office | None = office
    while current is not None and current.pk not in ids:
        ids.add(current.pk)
        current = current.parent
    return ids


def _touch(case: Case) -> None:
    case.updated_at = timezone.now()
    case.save(update_fields=["updated_at"])


# --- opening a case ------------------------------------------------------------------------


def case_open(
    *,
    viewer: Viewer,
    kind: str,
    lp_number: str,
    lp_date: datetime.date | None,
    handling_office: Office,
    modus: str,
    stage: str = Stage.LIDIK,
    stage_on: datetime.date | None = None,
    summary: str = "",
    lead: User | None = None,
    trafficking_status: str = "",
    status_decided_by: str = "",
    recruitment_method: str = "",
    control_methods: Sequence[str] = (),
    exploitation_types: Sequence[str] = (),
) -> Case:
    """Open a case with its police report (LP) and name its lead investigator.

    The referrals app calls this when a referral is closed "case opened with its LP number":
    ``case_open(viewer=<the closing officer>, kind=CaseKind.TPPO, lp_number="LP/B/…",
    lp_date=date, handling_office=<their police office>, modus=Modus.…)`` and keeps the
    returned case's id. Raises ``CaseWriteRefused`` when the viewer may not open a case for
    that office and ``CaseInvalid`` (problems per input field) when a value is wrong: an LP
    number not in the pattern ``LP/B/123/XII/2026/SPKT/POLDA BANTEN``, one whose month and year
    differ from the LP date, one already used by the office, a date in the future.

    The lead investigator is the viewer (an investigator); Benteng itself (a system viewer,
    demo data) names ``lead``. ``stage`` is lidik or sidik, from ``stage_on`` (default: the
    LP date).
    """
    _require(may_open_case(viewer))
    today = timezone.localdate()
    problems = Problems(CaseInvalid)
    kind = _choice(kind, CaseKind, "kind", _("jenis perkara"), problems)
    if not kind:
        problems.add("kind", _("Jenis perkara wajib dipilih."))
    modus = _choice(modus, Modus, "modus", _("modus operandi"), problems)
    if not modus:
        problems.add("modus", _("Modus operandi wajib dipilih."))
    if lp_date is None:
        problems.add("lp_date", _("Tanggal LP wajib diisi."))
    elif problem := past_date_problem(lp_date, label=_("Tanggal LP"), today=today):
        problems.add("lp_date", problem)
    number = lp_number_normalize(lp_number)
    if problem := lp_number_problem(number, lp_date):
        problems.add("lp_number", problem)
    elif Case.objects.filter(handling_office=handling_office, lp_number=number).exists():
        problems.add(
            "lp_number",
            _("Nomor LP %(number)s sudah dipakai kasus lain di %(office)s.")
            % {"number": number, "office": handling_office.name},
        )
    if handling_office.kind not in POLICE_OFFICE_KINDS:
        problems.add("handling_office", _("Kesatuan penangan harus kantor Polri."))
    elif viewer.kind is not ViewerKind.SYSTEM and viewer.office_id not in _office_chain(
        handling_office
    ):
        problems.add(
            "handling_office",
            _("Kasus dibuka untuk kantor Anda sendiri atau kantor di bawahnya."),
        )
    if stage not in OPENING_STAGES:
        problems.add("stage", _("Kasus dibuka pada tahap lidik atau sidik."))
    stage_on = stage_on or lp_date
    if stage_on is not None and lp_date is not None and stage_on < lp_date:
        problems.add("stage_on", _("Tanggal tahap tidak boleh sebelum tanggal LP."))
    elif problem := past_date_problem(stage_on, label=_("Tanggal tahap"), today=today):
        problems.add("stage_on", problem)
    lead_user = _opening_lead(viewer, lead, problems)
    htcds = _htcds_clean(
        problems,
        trafficking_status=trafficking_status,
        status_decided_by=status_decided_by,
        recruitment_method=recruitment_method,
        control_methods=control_methods,
        exploitation_types=exploitation_types,
    )
    problems.raise_if_any()
    assert lp_date is not None and stage_on is not None and lead_user is not None  # noqa: S101
    now = timezone.now()
    try:
        case = _case_create(
            viewer,
            now,
            lead_user,
            **{
                **htcds,
                "kind": kind,
                "lp_number": number,
                "lp_date": lp_date,
                "handling_office": handling_office,
                "modus": modus,
                "summary": summary,
                "stage": stage,
                "stage_on": stage_on,
            },
        )
    except IntegrityError:
        # Opened at the same moment by someone else with the same LP number.
        raise CaseInvalid(
            {
                "lp_number": [
                    _("Nomor LP %(number)s sudah dipakai kasus lain di %(office)s.")
                    % {"number": number, "office": handling_office.name}
                ]
            }
        ) from None
    return case


def _case_create(viewer: Viewer, now: datetime.datetime, lead_user: User, **values: Any) -> Case:
    htcds = {name: values[name] for name in HTCDS_FIELDS}
    with transaction.atomic():
        case = Case.objects.create(
            kind=values["kind"],
            lp_number=values["lp_number"],
            lp_date=values["lp_date"],
            handling_office=values["handling_office"],
            modus=values["modus"],
            summary=text_of(values["summary"])[:4000],
            stage=values["stage"],
            stage_on=values["stage_on"],
            opened_by_id=viewer.user_id,
            opened_at=now,
            updated_at=now,
            **htcds,
        )
        CaseStageChange.objects.create(
            case=case,
            stage=values["stage"],
            on=values["stage_on"],
            recorded_by_id=viewer.user_id,
            recorded_at=now,
        )
        member = CaseTeamMember.objects.create(case=case, user=lead_user, is_lead=True)
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=case,
            changed_fields=[
                "kind",
                "lp_number",
                "lp_date",
                "handling_office",
                "modus",
                "stage",
                *(name for name, value in htcds.items() if value),
            ],
        )
        audit_record_write(
            viewer=viewer, action=AuditAction.CREATE, obj=member, changed_fields=["is_lead"]
        )
    return case


def _opening_lead(viewer: Viewer, lead: User | None, problems: Problems) -> User | None:
    if viewer.kind is ViewerKind.SYSTEM:
        if lead is None or not _may_join_team(lead):
            problems.add("lead", _("Penyidik utama harus penyidik atau analis Polri."))
            return None
        return lead
    found: User = User.objects.get(pk=viewer.user_id)
    return found


def _may_join_team(user: User) -> bool:
    return user.is_active and user.role in CASE_WORKERS and user.agency_kind == AgencyKind.POLRI


def _htcds_clean(
    problems: Problems,
    *,
    trafficking_status: str,
    status_decided_by: str,
    recruitment_method: str,
    control_methods: Sequence[str],
    exploitation_types: Sequence[str],
) -> dict[str, Any]:
    values = {
        "trafficking_status": _choice(
            trafficking_status, TraffickingStatus, "trafficking_status", _("status"), problems
        ),
        "status_decided_by": _choice(
            status_decided_by, StatusDecidedBy, "status_decided_by", _("penetap"), problems
        ),
        "recruitment_method": _choice(
            recruitment_method,
            RecruitmentMethod,
            "recruitment_method",
            _("cara perekrutan"),
            problems,
        ),
        "control_methods": _choices(
            control_methods, ControlMethod, "control_methods", _("cara pengendalian"), problems
        ),
        "exploitation_types": _choices(
            exploitation_types,
            ExploitationType,
            "exploitation_types",
            _("jenis eksploitasi"),
            problems,
        ),
    }
    if values["trafficking_status"] and not values["status_decided_by"]:
        problems.add("status_decided_by", _("Sebutkan siapa yang menetapkan status."))
    return values


def case_update(
    *,
    viewer: Viewer,
    case: Case,
    modus: str,
    summary: str = "",
    trafficking_status: str = "",
    status_decided_by: str = "",
    recruitment_method: str = "",
    control_methods: Sequence[str] = (),
    exploitation_types: Sequence[str] = (),
) -> Case:
    """Change what the team learns as the case goes on: modus, summary, HTCDS vocabulary. The
    LP, the office and the stage do not change here."""
    _require(may_edit_case(viewer, case))
    problems = Problems(CaseInvalid)
    modus = _choice(modus, Modus, "modus", _("modus operandi"), problems)
    if not modus:
        problems.add("modus", _("Modus operandi wajib dipilih."))
    values: dict[str, Any] = {
        "modus": modus,
        "summary": text_of(summary)[:4000],
        **_htcds_clean(
            problems,
            trafficking_status=trafficking_status,
            status_decided_by=status_decided_by,
            recruitment_method=recruitment_method,
            control_methods=control_methods,
            exploitation_types=exploitation_types,
        ),
    }
    problems.raise_if_any()
    with transaction.atomic():
        case = _locked(case)
        changed = [name for name, value in values.items() if getattr(case, name) != value]
        if not changed:
            return case
        for name in changed:
            setattr(case, name, values[name])
        case.updated_at = timezone.now()
        case.save(update_fields=[*changed, "updated_at"])
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=case, changed_fields=changed
        )
    return case


# --- stages and the outcome ------------------------------------------------------------------


def next_stage(case: Case) -> str | None:
    """The stage that follows the case's current one; ``None`` after the verdict."""
    position = stage_position(case.stage) + 1
    return STAGE_ORDER[position] if position < len(STAGE_ORDER) else None


def _stage_date_problems(case: Case, on: datetime.date | None, problems: Problems) -> None:
    if on is None:
        problems.add("on", _("Tanggal tahap wajib diisi."))
        return
    if on < case.stage_on:
        problems.add(
            "on",
            _(
                "Tanggal tahap baru (%(date)s) tidak boleh sebelum tanggal tahap sekarang "
                "(%(current)s)."
            )
            % {"date": on.strftime("%d-%m-%Y"), "current": case.stage_on.strftime("%d-%m-%Y")},
        )
    elif problem := past_date_problem(on, label=_("Tanggal tahap"), today=timezone.localdate()):
        problems.add("on", problem)


def _locked(case: Case) -> Case:
    """The case row, locked until the transaction ends (two officers recording at once)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    for name in ("_team_user_ids", "_lead_user_id"):
        if hasattr(case, name):
            setattr(locked, name, getattr(case, name))
    return locked


def case_stage_advance(
    *, viewer: Viewer, case: Case, stage: str, on: datetime.date | None, note: str = ""
) -> Case:
    """Move the case to the next legal stage on a date not before the current stage's. The
    verdict (putusan) is recorded by ``case_outcome_record``."""
    _require(may_edit_case(viewer, case))
    with transaction.atomic():
        case = _locked(case)
        problems = Problems(CaseInvalid)
        expected = next_stage(case)
        if stage == Stage.PUTUSAN:
            problems.add("stage", _("Putusan dicatat bersama amar putusannya."))
        elif expected is None or stage != expected:
            problems.add(
                "stage",
                _("Tahap berikutnya dari %(current)s hanya %(next)s.")
                % {
                    "current": Stage(case.stage).label,
                    "next": Stage(expected).label if expected else "—",
                },
            )
        _stage_date_problems(case, on, problems)
        problems.raise_if_any()
        assert on is not None  # noqa: S101
        _stage_record(viewer, case, stage, on, note)
    return case


def _stage_record(viewer: Viewer, case: Case, stage: str, on: datetime.date, note: str) -> None:
    change = CaseStageChange.objects.create(
        case=case, stage=stage, on=on, note=text_of(note)[:300], recorded_by_id=viewer.user_id
    )
    case.stage, case.stage_on, case.updated_at = stage, on, timezone.now()
    case.save(update_fields=["stage", "stage_on", "verdict", "updated_at"])
    audit_record_write(
        viewer=viewer, action=AuditAction.CREATE, obj=change, changed_fields=["stage", "on"]
    )
    audit_record_write(
        viewer=viewer,
        action=AuditAction.UPDATE,
        obj=case,
        changed_fields=["stage", "stage_on", *(["verdict"] if case.verdict else [])],
    )
    # The referrals the case grew from hear of every stage and the verdict, in this
    # transaction (benteng/cases/hooks.py).
    run_case_progress_hooks(viewer, case, CaseProgress(stage=stage, on=on, verdict=case.verdict))


def case_outcome_record(
    *, viewer: Viewer, case: Case, verdict: str, decided_on: datetime.date | None, note: str = ""
) -> Case:
    """Record the court's decision (putusan) after tahap 2: the one way a case gets its
    outcome."""
    _require(may_record_case_outcome(viewer, case))
    with transaction.atomic():
        case = _locked(case)
        problems = Problems(CaseInvalid)
        if next_stage(case) != Stage.PUTUSAN:
            problems.add(
                "stage",
                _("Putusan dicatat setelah tahap 2 (penyerahan tersangka dan barang bukti)."),
            )
        if verdict not in Verdict.values:
            problems.add("verdict", _("Amar putusan wajib dipilih."))
        _stage_date_problems(case, decided_on, problems)
        problems.raise_if_any()
        assert decided_on is not None  # noqa: S101
        case.verdict = verdict
        _stage_record(viewer, case, Stage.PUTUSAN, decided_on, note)
    return case


# --- persons ---------------------------------------------------------------------------------


def case_person_add(*, viewer: Viewer, case: Case, role: str, data: dict[str, Any]) -> CasePerson:
    """Add a person to the case by role; ``data`` holds the identity as typed (``full_name``,
    ``nik``, ``birth_date``, ``sex``, ``birth_place``, ``passport_no``, ``phone``,
    ``address``, ``desa_code``) and, for a perpetrator, ``perpetrator_role``."""
    _require(may_add_case_person(viewer, case))
    problems = Problems(CaseInvalid)
    if role not in PersonRole.values:
        problems.add("role", _("Peran wajib dipilih."))
    values = person_identity_clean(data, problems, today=timezone.localdate())
    perpetrator_role = text_of(data.get("perpetrator_role"))
    if perpetrator_role and perpetrator_role not in PerpetratorRole.values:
        problems.add("perpetrator_role", _("Pilihan peran pelaku tidak dikenal."))
    if perpetrator_role and role not in PERPETRATOR_ROLES:
        problems.add(
            "perpetrator_role",
            _("Peran pelaku hanya untuk tersangka, perekrut atau pemodal."),
        )
    problems.raise_if_any()
    with transaction.atomic():
        case = _locked(case)
        last = CasePerson.objects.filter(case=case, role=role).aggregate(Max("number"))
        person = CasePerson.objects.create(
            case=case,
            role=role,
            number=(last["number__max"] or 0) + 1,
            perpetrator_role=perpetrator_role,
            added_by_id=viewer.user_id,
            **values,
        )
        _touch(case)
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=person,
            changed_fields=["role", *(name for name, value in values.items() if value)],
        )
        index_source_record(person)
    return person


# --- the route ---------------------------------------------------------------------------------


def case_route_leg_add(
    *,
    viewer: Viewer,
    case: Case,
    kind: str,
    desa_code: str = "",
    country: str = "",
    city: str = "",
    note: str = "",
) -> CaseRouteLeg:
    """Add the next place of the route: first the origin desa (by its Kemendagri code), then
    transits, and last the destination country (ISO 3166-1) and city."""
    _require(may_edit_case(viewer, case))
    problems = Problems(CaseInvalid)
    if kind not in LegKind.values:
        problems.add("kind", _("Jenis titik rute wajib dipilih."))
    with transaction.atomic():
        case = _locked(case)
        legs = list(CaseRouteLeg.objects.filter(case=case).order_by("position"))
        if kind == LegKind.ORIGIN and legs:
            problems.add("kind", _("Asal adalah titik pertama rute, dan hanya satu."))
        if legs and legs[-1].kind == LegKind.DESTINATION:
            problems.add("kind", _("Rute sudah berakhir di tujuan; tidak ada titik sesudahnya."))
        region = None
        code = text_of(country).upper()
        if kind == LegKind.ORIGIN:
            desa = desa_code_clean(desa_code, "desa_code", problems)
            if desa is None and "desa_code" not in problems:
                problems.add("desa_code", _("Kode desa/kelurahan asal wajib diisi."))
            region = desa
            code = code or HOME_COUNTRY
        if code not in iso_countries():
            problems.add("country", _("Pilih negara dari daftar."))
        elif kind == LegKind.DESTINATION and code == HOME_COUNTRY:
            problems.add("country", _("Negara tujuan tidak boleh Indonesia."))
        if kind != LegKind.ORIGIN and not text_of(city):
            problems.add("city", _("Kota/tempat wajib diisi."))
        problems.raise_if_any()
        leg = CaseRouteLeg.objects.create(
            case=case,
            position=(legs[-1].position + 1) if legs else 1,
            kind=kind,
            region_id=region,
            country=code,
            city=text_of(city)[:120],
            note=text_of(note)[:300],
        )
        _touch(case)
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=leg,
            changed_fields=["kind", "country", *(["region"] if region else [])],
        )
    return leg


# --- victims' services -------------------------------------------------------------------------


def victim_service_add(
    *,
    viewer: Viewer,
    case: Case,
    victim_id: int | None,
    kind: str,
    status: str,
    started_on: datetime.date | None = None,
    completed_on: datetime.date | None = None,
    provider: str = "",
    note: str = "",
) -> VictimService:
    """Record a service arranged for a victim of the case (repatriation, medical, shelter,
    LPSK protection, restitution) with its status and dates."""
    _require(may_edit_case(viewer, case))
    problems = Problems(CaseInvalid)
    victim = CasePerson.objects.filter(case=case, pk=victim_id or 0, role=PersonRole.VICTIM).first()
    if victim is None:
        problems.add("victim", _("Pilih korban dari kasus ini."))
    if kind not in ServiceKind.values:
        problems.add("kind", _("Jenis layanan wajib dipilih."))
    if status not in ServiceStatus.values:
        problems.add("status", _("Status layanan wajib dipilih."))
    if status == ServiceStatus.DONE and completed_on is None:
        problems.add("completed_on", _("Layanan yang selesai perlu tanggal selesai."))
    if started_on and completed_on and completed_on < started_on:
        problems.add("completed_on", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    elif problem := past_date_problem(
        completed_on, label=_("Tanggal selesai"), today=timezone.localdate()
    ):
        problems.add("completed_on", problem)
    problems.raise_if_any()
    assert victim is not None  # noqa: S101
    with transaction.atomic():
        service = VictimService.objects.create(
            case=case,
            victim=victim,
            kind=kind,
            status=status,
            started_on=started_on,
            completed_on=completed_on,
            provider=text_of(provider)[:200],
            note=text_of(note)[:300],
        )
        _touch(case)
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=service,
            changed_fields=["victim", "kind", "status"],
        )
    return service


def victim_service_update(
    *,
    viewer: Viewer,
    case: Case,
    service_id: int,
    status: str,
    completed_on: datetime.date | None = None,
    note: str = "",
) -> VictimService:
    """Change a victim service's status (and completion date, note) as it goes on."""
    _require(may_edit_case(viewer, case))
    service = VictimService.objects.filter(case=case, pk=service_id).first()
    problems = Problems(CaseInvalid)
    if service is None:
        problems.add("status", _("Layanan ini bukan layanan kasus ini."))
        problems.raise_if_any()
    assert service is not None  # noqa: S101
    if status not in ServiceStatus.values:
        problems.add("status", _("Status layanan wajib dipilih."))
    if status == ServiceStatus.DONE and completed_on is None:
        problems.add("completed_on", _("Layanan yang selesai perlu tanggal selesai."))
    if service.started_on and completed_on and completed_on < service.started_on:
        problems.add("completed_on", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    elif problem := past_date_problem(
        completed_on, label=_("Tanggal selesai"), today=timezone.localdate()
    ):
        problems.add("completed_on", problem)
    problems.raise_if_any()
    values = {"status": status, "completed_on": completed_on, "note": text_of(note)[:300]}
    changed = [name for name, value in values.items() if getattr(service, name) != value]
    if not changed:
        return service
    with transaction.atomic():
        for name in changed:
            setattr(service, name, values[name])
        service.updated_at = timezone.now()
        service.save(update_fields=[*changed, "updated_at"])
        _touch(case)
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=service, changed_fields=changed
        )
    return service


# --- the case team -----------------------------------------------------------------------------


def case_team_member_add(*, viewer: Viewer, case: Case, user: User | None) -> CaseTeamMember:
    """Name an investigator or police analyst to the case team (the lead does)."""
    _require(may_manage_case_team(viewer, case))
    problems = Problems(CaseInvalid)
    if user is None or not _may_join_team(user):
        problems.add("user", _("Anggota tim harus penyidik atau analis Polri yang aktif."))
    elif user.pk in case_team_user_ids(case):
        problems.add("user", _("Petugas ini sudah anggota tim."))
    problems.raise_if_any()
    assert user is not None  # noqa: S101
    try:
        with transaction.atomic():
            member = CaseTeamMember.objects.create(case=case, user=user)
            _touch(case)
            audit_record_write(viewer=viewer, action=AuditAction.CREATE, obj=member)
    except IntegrityError:
        # Added by someone else a moment ago.
        raise CaseInvalid({"user": [_("Petugas ini sudah anggota tim.")]}) from None
    case_team_forget(case)
    return member


def case_team_member_remove(*, viewer: Viewer, case: Case, member_id: int) -> None:
    """Take a member off the team; the lead stays."""
    _require(may_manage_case_team(viewer, case))
    member = CaseTeamMember.objects.filter(case=case, pk=member_id).first()
    if member is None or member.is_lead:
        raise CaseInvalid({"member": [_("Penyidik utama tidak dapat dikeluarkan dari tim.")]})
    with transaction.atomic():
        audit_record_write(viewer=viewer, action=AuditAction.DELETE, obj=member)
        member.delete()
        _touch(case)
    case_team_forget(case)
