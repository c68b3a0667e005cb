"""What became of a referred report — the referral's state and outcome, its case's stage — is
shown to the parties to the referral and to the person who filed the report; an office the
report was routed to but that is not party to the referral learns only that it was referred
(``referrals.access.may_see_referral_outcome``)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from benteng.accounts.models import Office
from benteng.cases.models import Case, CaseKind, Modus
from benteng.cases.services import case_open
from benteng.referrals.access import may_read_referral, may_see_referral_outcome
from benteng.referrals.models import Referral, ReferralOutcome, ReferralState
from benteng.village_reports.models import VillageReport
from benteng.village_reports.services import report_refer, report_verify
from tests.cases.conftest import lp_number_for
from tests.conftest import verified_client
from tests.village_reports.support import recruiter_report, viewer_of

pytestmark = pytest.mark.django_db

STATE = str(ReferralState.CLOSED.label)
OUTCOME = str(ReferralOutcome.CASE_OPENED.label)


def _referred_with_a_case(personas, penyidik_polres) -> tuple[VillageReport, Referral, Case]:  # type: ignore[no-untyped-def]
    """The focal person's report, referred by the Bhabinkamtibmas (Polsek Kronjo) to the
    Polres, closed there with a case opened: Kanim Tangerang, routed the report, is not party
    to the referral."""
    report = recruiter_report(personas.pic_desa)
    bhabin = viewer_of(personas.bhabinkamtibmas)
    report = report_verify(viewer=bhabin, report=report)
    referral = report_refer(
        viewer=bhabin, report=report, receiving_office_id=report.polres_id, urgency="tinggi"
    )
    lp_date = timezone.localdate() - datetime.timedelta(days=1)
    case = case_open(
        viewer=viewer_of(penyidik_polres),
        kind=CaseKind.TPPO,
        lp_number=lp_number_for(lp_date, 77),
        lp_date=lp_date,
        handling_office=Office.objects.get(pk=report.polres_id),
        modus=Modus.NON_PROCEDURAL,
    )
    Referral.objects.filter(pk=referral.pk).update(
        state=ReferralState.CLOSED, outcome=ReferralOutcome.CASE_OPENED, case=case
    )
    referral.refresh_from_db()
    return report, referral, case


def _pages(user, report: VillageReport) -> list[str]:  # type: ignore[no-untyped-def]
    client = verified_client(user)
    return [
        client.get(reverse("village_reports:detail", args=[report.pk])).content.decode(),
        client.get(reverse("village_reports:list")).content.decode(),
    ]


def test_a_routed_office_not_party_to_the_referral_learns_only_that_it_was_referred(
    personas, penyidik_polres
) -> None:  # type: ignore[no-untyped-def]
    # given
    report, referral, case = _referred_with_a_case(personas, penyidik_polres)
    assert report.kanim_id == personas.petugas_imigrasi.office_id
    # when
    pages = _pages(personas.petugas_imigrasi, report)
    # then
    for page in pages:
        assert "Telah dirujuk." in page
        assert referral.number not in page
        assert STATE not in page and OUTCOME not in page
        assert case.lp_number not in page and case.get_stage_display() not in page


def test_a_party_to_the_referral_sees_its_state_outcome_and_case(personas, penyidik_polres) -> None:  # type: ignore[no-untyped-def]
    report, referral, case = _referred_with_a_case(personas, penyidik_polres)
    for page in _pages(penyidik_polres, report):
        assert referral.number in page and STATE in page and OUTCOME in page
        assert case.lp_number in page and case.get_stage_display() in page


def test_the_focal_person_who_filed_it_sees_the_outcome_and_stage_not_the_lp_number(
    personas, penyidik_polres
) -> None:  # type: ignore[no-untyped-def]
    report, referral, case = _referred_with_a_case(personas, penyidik_polres)
    for page in _pages(personas.pic_desa, report):
        assert referral.number in page and STATE in page and OUTCOME in page
        assert case.get_stage_display() in page
        assert case.lp_number not in page


def test_a_desa_follower_not_party_and_not_the_filer_learns_only_that_it_was_referred(
    personas, penyidik_polres
) -> None:  # type: ignore[no-untyped-def]
    # the PIMPASA (Kanim Tangerang) works the desa but neither filed nor referred the report
    report, referral, _case = _referred_with_a_case(personas, penyidik_polres)
    for page in _pages(personas.pimpasa, report):
        assert "Telah dirujuk." in page and referral.number not in page


@pytest.mark.parametrize("persona", ["petugas_imigrasi", "pimpasa", "pic_desa", "pimpinan"])
def test_the_filer_flag_is_the_only_way_round_the_referral_policy(
    personas, penyidik_polres, persona
) -> None:  # type: ignore[no-untyped-def]
    _report, referral, _case = _referred_with_a_case(personas, penyidik_polres)
    viewer = viewer_of(getattr(personas, persona))
    assert not may_see_referral_outcome(viewer, referral)
    assert may_see_referral_outcome(viewer, referral, filed_its_origin=True)


def test_may_read_referral_agrees_with_the_referral_policy_for_every_persona(
    personas, penyidik_polres
) -> None:  # type: ignore[no-untyped-def]
    """The predicate asks of one loaded referral what ``ReferralPolicy`` asks in the query."""
    _report, from_polsek, _case = _referred_with_a_case(personas, penyidik_polres)
    from_kanim = Referral.objects.create(
        sender_office=Office.objects.get(code="kanim-tangerang"),
        receiving_office=Office.objects.get(code="polda-banten"),
        reason_category="lainnya",
        reason="uji",
        urgency="tinggi",
        acknowledge_due_at=timezone.now(),
        action_due_at=timezone.now(),
    )
    users = [*personas.all().values(), penyidik_polres]
    for referral in (from_polsek, from_kanim):
        referral = Referral.objects.select_related(
            "sender_office__parent", "receiving_office__parent"
        ).get(pk=referral.pk)
        for user in users:
            viewer = viewer_of(user)
            in_query = Referral.objects.visible_to(viewer).filter(pk=referral.pk).exists()
            assert may_read_referral(viewer, referral) == in_query, (user.username, referral)
