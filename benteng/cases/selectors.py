"""Reading cases: the list (filters, a search, counts per role in the same query) and one case
file with its persons as the viewer may see them.

Every query goes through ``visible_to``; a person's identity is shown only as
``CasePersonPolicy.fields`` allows (``person_view``), so a victim outside the case team is
"Korban 1 (identitas dirahasiakan)" on every page built on these.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from benteng.access.policy import NotVisible, visible_fields
from benteng.access.viewer import Viewer
from benteng.audit.services import audit_record_read
from benteng.cases.access import IDENTITY_FIELDS, identity_searchable_q
from benteng.cases.models import (
    Case,
    CasePerson,
    CaseRouteLeg,
    CaseStageChange,
    CaseTeamMember,
    PersonRole,
    VictimService,
)
from benteng.core.phones import normalize_phone
from benteng.core.records import normalize_passport_no


@dataclass(frozen=True)
class CaseFilters:
    kind: str = ""
    stage: str = ""
    modus: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    search: str = ""


def _count_of(role: str) -> Subquery:
    return Subquery(
        CasePerson.objects.filter(case_id=OuterRef("pk"), role=role)
        .order_by()
        .values("case_id")
        .annotate(total=Count("pk"))
        .values("total"),
        output_field=IntegerField(),
    )


def case_list(*, viewer: Viewer, filters: CaseFilters) -> QuerySet[Case]:
    """The cases the viewer may see, newest LP first, with the number of victims and
    suspects; a search finds an LP number, or a person by name, NIK, passport or phone — a
    victim only for the case team."""
    cases = Case.objects.visible_to(viewer)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.modus:
        cases = cases.filter(modus=filters.modus)
    if filters.date_from:
        cases = cases.filter(lp_date__gte=filters.date_from)
    if filters.date_to:
        cases = cases.filter(lp_date__lte=filters.date_to)
    if filters.search:
        cases = cases.filter(_search_q(viewer, filters.search))
    return (
        cases.select_related("handling_office")
        .annotate(
            victim_count=Coalesce(_count_of(PersonRole.VICTIM), Value(0)),
            suspect_count=Coalesce(_count_of(PersonRole.SUSPECT), Value(0)),
        )
        .order_by("-lp_date", "-pk")
    )


def case_count(*, viewer: Viewer) -> int:
    """How many cases the viewer's list holds (the home tile; a count, no personal data)."""
    return Case.objects.visible_to(viewer).count()


def _search_q(viewer: Viewer, text: str) -> Q:
    text = " ".join(text.split())
    persons = Q(full_name__icontains=text)
    digits = "".join(character for character in text if character.isdigit())
    if len(digits) == 16:
        persons |= Q(nik=digits)
    phone = normalize_phone(text)
    if phone:
        persons |= Q(phone=phone)
    passport_no = normalize_passport_no(text)
    if passport_no and any(character.isdigit() for character in passport_no):
        persons |= Q(passport_no=passport_no)
    matching = CasePerson.objects.filter(persons).filter(identity_searchable_q(viewer))
    return Q(lp_number__icontains=text) | Q(pk__in=matching.values("case_id"))


@dataclass(frozen=True)
class PersonView:
    """A person of a case as this viewer may see them."""

    pk: int
    role: str
    role_label: str
    number: int
    label: str  # "Korban 1" / the name
    identity_hidden: bool
    fields: dict[str, Any]
    perpetrator_role_label: str


def person_view(viewer: Viewer, person: CasePerson) -> PersonView:
    """The person with the identity fields the viewer may not see left out (the policy)."""
    allowed = visible_fields(viewer, person)
    hidden = bool(IDENTITY_FIELDS - allowed)
    role_label = str(PersonRole(person.role).label)
    numbered = f"{role_label} {person.number}"
    fields: dict[str, Any] = {
        name: getattr(person, name)
        for name in ("full_name", "nik", "birth_date", "sex", "passport_no", "phone", "address")
        if name in allowed
    }
    if "sex" in fields:
        fields["sex"] = person.get_sex_display() if person.sex else ""
    if "region" in allowed and person.region_id:
        fields["region"] = person.region
    label = (
        _("%(who)s (identitas dirahasiakan)") % {"who": numbered}
        if hidden
        else f"{numbered}: {person.full_name}"
    )
    return PersonView(
        pk=person.pk,
        role=person.role,
        role_label=role_label,
        number=person.number,
        label=label,
        identity_hidden=hidden,
        fields=fields,
        perpetrator_role_label=(
            person.get_perpetrator_role_display() if person.perpetrator_role else ""
        ),
    )


@dataclass(frozen=True)
class CaseFile:
    case: Case
    stages: list[CaseStageChange]
    route: list[CaseRouteLeg]
    persons: list[PersonView]
    services: list[tuple[VictimService, str]]
    team: list[CaseTeamMember]


def case_file(*, viewer: Viewer, case: Case) -> CaseFile:
    """Everything of one case the viewer may see (the case itself loaded with
    ``access_object``); the persons read are audited."""
    persons = list(
        CasePerson.objects.visible_to(viewer)
        .filter(case=case)
        .select_related("region")
        .order_by("role", "number")
    )
    for person in persons:
        person.case = case  # one team look-up for all of them
    views = [person_view(viewer, person) for person in persons]
    labels = {view.pk: view.label for view in views}
    services = [
        (service, labels.get(service.victim_id, ""))
        for service in VictimService.objects.visible_to(viewer).filter(case=case)
    ]
    audit_record_read(viewer=viewer, objects=persons, purpose=viewer.purpose)
    role_order = list(PersonRole.values)
    views.sort(key=lambda view: (role_order.index(view.role), view.number))
    return CaseFile(
        case=case,
        stages=list(
            CaseStageChange.objects.visible_to(viewer).filter(case=case).order_by("on", "pk")
        ),
        route=list(
            CaseRouteLeg.objects.visible_to(viewer)
            .filter(case=case)
            .select_related("region")
            .order_by("position")
        ),
        persons=views,
        services=services,
        team=case_team(viewer=viewer, case=case),
    )


def case_team(*, viewer: Viewer, case: Case) -> list[CaseTeamMember]:
    """The case team, lead first (names of colleagues, not personal data of a case)."""
    return list(
        CaseTeamMember.objects.visible_to(viewer)
        .filter(case=case)
        .select_related("user", "user__office")
        .order_by("-is_lead", "added_at", "pk")
    )


def case_victims(*, viewer: Viewer, case: Case) -> list[PersonView]:
    """The victims of a case as the viewer may see them (for choosing whom a service is for);
    the victims read are audited."""
    victims = list(
        CasePerson.objects.visible_to(viewer)
        .filter(case=case, role=PersonRole.VICTIM)
        .select_related("region")
        .order_by("number")
    )
    for person in victims:
        person.case = case  # one team look-up for all of them
    audit_record_read(viewer=viewer, objects=victims, purpose=viewer.purpose)
    return [person_view(viewer, person) for person in victims]


def case_service(*, viewer: Viewer, case: Case, service_id: int) -> tuple[VictimService, str]:
    """One victim service of the case and its victim's label as the viewer may see it, or
    ``NotVisible``; the victim read is audited."""
    service = (
        VictimService.objects.visible_to(viewer)
        .filter(case=case, pk=service_id)
        .select_related("victim", "victim__region")
        .first()
    )
    if service is None:
        raise NotVisible
    victim = service.victim
    victim.case = case
    audit_record_read(viewer=viewer, objects=[victim], purpose=viewer.purpose)
    return service, person_view(viewer, victim).label
