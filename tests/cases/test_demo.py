"""The demo cases: a dozen across kinds and stages, with persons, routes and services, made
through the services (audited), seen by the demo investigators as the access rules say, and
idempotent."""

from __future__ import annotations

import pytest

from benteng.access import Viewer
from benteng.accounts.demo import seed_demo as seed_demo_accounts
from benteng.accounts.models import User
from benteng.audit.models import AuditEntry
from benteng.cases.demo import seed_demo
from benteng.cases.models import (
    Case,
    CasePerson,
    CaseRouteLeg,
    LegKind,
    PersonRole,
    Stage,
    VictimService,
)
from benteng.cases.selectors import case_file
from benteng.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_dozen_cases_across_kinds_and_stages_once(reference_data):
    # given
    context = DemoContext()
    seed_demo_accounts(context)
    # when
    seed_demo(context)
    seed_demo(context)  # a second run adds nothing
    # then
    cases = list(Case.objects.all())
    assert len(cases) == 12
    assert {case.kind for case in cases} == {"tppo", "tppm"}
    assert {case.stage for case in cases} == set(Stage.values)
    assert all(case.verdict for case in cases if case.stage == Stage.PUTUSAN)
    assert CasePerson.objects.filter(role=PersonRole.VICTIM).count() >= 12
    assert CaseRouteLeg.objects.filter(kind=LegKind.DESTINATION).count() == 12
    assert VictimService.objects.count() >= 24
    assert AuditEntry.objects.filter(object_type="cases.case", action="create").count() == 12
    # and the investigator at the handling office who is not on the team sees no victim
    colleague = Viewer.for_user(User.objects.get(username="penyidik2.tangerang"))
    visible = list(Case.objects.visible_to(colleague))
    assert visible and all(case.handling_office.code == "polresta-tangerang" for case in visible)
    found = case_file(viewer=colleague, case=visible[0])
    victims = [person for person in found.persons if person.role == PersonRole.VICTIM]
    assert victims and all(person.identity_hidden for person in victims)
