"""Who may see a TPPO/TPPM case, who may work on it, and who sees the victims' identities.

A case is police work. It is seen by:

- its case team (named officers, ``CaseTeamMember``), wherever their office is;
- the investigators (penyidik) of the handling office;
- the police analysts of the handling office and of the offices above it (a Polda's analysts
  see every case of its Polres and Polsek);
- the police leadership of the handling office and of its parent office — the case, never a
  person's identity (leadership works with aggregates, ``accounts.access``);
- Benteng itself (a background task with a stated purpose).

Nobody else: not another Polres, not immigration, not a village, not an administrator (an
administrator manages accounts, not case files). A referral linked to a case (the referrals
app, above this one) gives the sending office no row of the case or its persons: the
referral's page shows the case's status (LP number, kind, stage, verdict) under the referral's
own policy (``benteng/referrals/access.py``, ``CASE_STATUS_FIELDS``).

The victims' identities (name, NIK, passport, phone, birth date, address, desa) are the case
team's alone. Everyone else who may see the case learns that a victim exists ("Korban 1
(identitas dirahasiakan)"): ``CasePersonPolicy.fields`` leaves the identity out of the row, so
every page, list and search built on it gets the masked row. Victims are not in the screening
index at all (``identity_sources.py``).
"""

from __future__ import annotations

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.access import may_read_aggregates_only
from benteng.accounts.models import AgencyKind, Role
from benteng.cases.models import (
    Case,
    CasePerson,
    CaseRouteLeg,
    CaseStageChange,
    CaseTeamMember,
    PersonRole,
    VictimService,
)

# The police roles that work on cases (may be named on a case team).
CASE_WORKERS = frozenset({Role.PENYIDIK, Role.ANALIS_POLRI})
# The identity of a person of a case; what a viewer who may not see it is not given.
IDENTITY_FIELDS = frozenset(
    {
        "full_name",
        "birth_date",
        "sex",
        "nik",
        "birth_place",
        "passport_no",
        "address",
        "region",
        "phone",
    }
)


# --- what a viewer may do ------------------------------------------------------------------


def may_read_cases(viewer: Viewer) -> bool:
    """Police investigators, analysts and leadership open the case list (their cases only)."""
    if viewer.kind is not ViewerKind.USER:
        return False
    if viewer.agency_kind != AgencyKind.POLRI:
        return False
    return viewer.role in CASE_WORKERS | {Role.PIMPINAN}


def may_open_case(viewer: Viewer) -> bool:
    """A police investigator opens a case for their office; Benteng itself may (demo data)."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    if viewer.kind is not ViewerKind.USER:
        return False
    if viewer.agency_kind != AgencyKind.POLRI:
        return False
    if viewer.office_id is None:
        return False
    return viewer.role == Role.PENYIDIK


def may_edit_case(viewer: Viewer, case: Case) -> bool:
    """The case team records stages, route and victims' services."""
    return _on_team(viewer, case)


def may_add_case_person(viewer: Viewer, case: Case) -> bool:
    """The case team adds victims, suspects, witnesses, recruiters and financiers."""
    return _on_team(viewer, case)


def may_see_victim_identity(viewer: Viewer, case: Case) -> bool:
    """Only the case team sees who the victims are."""
    return _on_team(viewer, case)


def may_manage_case_team(viewer: Viewer, case: Case) -> bool:
    """The lead investigator names the team; Benteng itself may."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    if viewer.user_id is None:
        return False
    return viewer.user_id == case_lead_user_id(case)


def may_record_case_outcome(viewer: Viewer, case: Case) -> bool:
    """The lead investigator records the court's decision (putusan)."""
    return may_manage_case_team(viewer, case)


def _on_team(viewer: Viewer, case: Case) -> bool:
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    if viewer.kind is not ViewerKind.USER or viewer.user_id is None:
        return False
    if viewer.role not in CASE_WORKERS:
        return False
    return viewer.user_id in case_team_user_ids(case)


def case_team_user_ids(case: Case) -> frozenset[int]:
    """The case team's user ids, read once per loaded case."""
    cached: frozenset[int] | None = getattr(case, "_team_user_ids", None)
    if cached is None:
        members = CaseTeamMember.objects.filter(case_id=case.pk).values_list("user_id", "is_lead")
        rows = list(members)
        cached = frozenset(user_id for user_id, _lead in rows)
        case._team_user_ids = cached  # type: ignore[attr-defined]
        case._lead_user_id = next(  # type: ignore[attr-defined]
            (user_id for user_id, lead in rows if lead), None
        )
    return cached


def case_lead_user_id(case: Case) -> int | None:
    case_team_user_ids(case)
    lead: int | None = case._lead_user_id  # type: ignore[attr-defined]
    return lead


def case_team_forget(case: Case) -> None:
    """Forget the cached team of a loaded case (after the team changed)."""
    for name in ("_team_user_ids", "_lead_user_id"):
        if hasattr(case, name):
            delattr(case, name)


# --- which records a viewer sees -----------------------------------------------------------


def case_rows_q(viewer: Viewer, prefix: str = "") -> Q:
    """The cases this viewer may see; ``prefix`` reaches the case from another model
    (``"case__"``). One condition per line."""
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if viewer.kind is not ViewerKind.USER or viewer.user_id is None:
        return NOTHING
    if viewer.agency_kind != AgencyKind.POLRI:
        # Immigration, villages, administrators: never (a referral's sender learns the linked
        # case's status on the referral's page, not the case).
        return NOTHING
    office = f"{prefix}handling_office_id"
    parent = f"{prefix}handling_office__parent_id"
    grandparent = f"{prefix}handling_office__parent__parent_id"
    team_cases = CaseTeamMember.objects.filter(user_id=viewer.user_id).values("case_id")
    if viewer.role == Role.PENYIDIK:
        return Q(**{office: viewer.office_id}) | Q(**{f"{prefix}pk__in": team_cases})
    if viewer.role == Role.ANALIS_POLRI:
        return (
            Q(**{office: viewer.office_id})
            | Q(**{parent: viewer.office_id})
            | Q(**{grandparent: viewer.office_id})
            | Q(**{f"{prefix}pk__in": team_cases})
        )
    if viewer.role == Role.PIMPINAN:
        return Q(**{office: viewer.office_id}) | Q(**{parent: viewer.office_id})
    return NOTHING


class CasePolicy(RecordPolicy[Case]):
    model = Case

    def rows(self, viewer: Viewer) -> Q:
        return case_rows_q(viewer)


class CasePersonPolicy(RecordPolicy[CasePerson]):
    """A person is seen with the case; the identity of a victim by the case team alone, and
    nobody's identity by leadership."""

    model = CasePerson

    def rows(self, viewer: Viewer) -> Q:
        return case_rows_q(viewer, "case__")

    def fields(self, viewer: Viewer, obj: CasePerson) -> frozenset[str]:
        if viewer.kind is ViewerKind.SYSTEM:
            return self.all_fields()
        if may_read_aggregates_only(viewer):
            return self.all_fields() - IDENTITY_FIELDS
        if obj.role != PersonRole.VICTIM:
            return self.all_fields()
        if may_see_victim_identity(viewer, obj.case):
            return self.all_fields()
        return self.all_fields() - IDENTITY_FIELDS


def identity_searchable_q(viewer: Viewer) -> Q:
    """The persons whose identity this viewer may search for (within cases they see): the
    perpetrators and witnesses of their cases, and the victims of their team's cases only.
    What ``CasePersonPolicy.fields`` shows, as a query."""
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if may_read_aggregates_only(viewer) or viewer.user_id is None:
        return NOTHING
    team_cases = CaseTeamMember.objects.filter(user_id=viewer.user_id).values("case_id")
    if viewer.role not in CASE_WORKERS:
        return ~Q(role=PersonRole.VICTIM)
    return ~Q(role=PersonRole.VICTIM) | Q(case_id__in=team_cases)


class CaseTeamMemberPolicy(RecordPolicy[CaseTeamMember]):
    """The team (colleagues' names) is seen with the case, not by leadership, who sees no
    one's personal data."""

    model = CaseTeamMember

    def rows(self, viewer: Viewer) -> Q:
        if may_read_aggregates_only(viewer):
            return NOTHING
        return case_rows_q(viewer, "case__")


class CaseStageChangePolicy(RecordPolicy[CaseStageChange]):
    model = CaseStageChange

    def rows(self, viewer: Viewer) -> Q:
        return case_rows_q(viewer, "case__")


class CaseRouteLegPolicy(RecordPolicy[CaseRouteLeg]):
    model = CaseRouteLeg

    def rows(self, viewer: Viewer) -> Q:
        return case_rows_q(viewer, "case__")


class VictimServicePolicy(RecordPolicy[VictimService]):
    """What was arranged for a victim is seen with the case; the victim is named by number."""

    model = VictimService

    def rows(self, viewer: Viewer) -> Q:
        return case_rows_q(viewer, "case__")
