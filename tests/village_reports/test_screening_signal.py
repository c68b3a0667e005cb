"""The village rule scores for real: a recent recruiter report in the applicant's desa, or a
sponsor named like a recruiter of a village report, raises it with that evidence (never the
reporter)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benteng.audit.models import AuditEntry
from benteng.audit.services import object_type_of
from benteng.screening.cleaning import ApplicationInput
from benteng.screening.services import application_screen
from benteng.village_reports.models import VillageReport
from tests.screening.test_services_support import applicant
from tests.village_reports.support import (
    RECRUITER_PHONE,
    REPORTER,
    recruiter_report,
    viewer_of,
)

pytestmark = pytest.mark.django_db


def _village_indicator(outcome):  # type: ignore[no-untyped-def]
    found = [item for item in outcome.indicators if item["code"] == "village_recruiter_reports"]
    return found[0] if found else None


def _screen(personas, **values):  # type: ignore[no-untyped-def]
    return application_screen(
        viewer=viewer_of(personas.petugas_imigrasi),
        data=ApplicationInput.from_raw(applicant(**values)),
    )


def test_a_recent_recruiter_report_in_the_applicants_desa_raises_the_indicator(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    outcome = _screen(personas, desa_code=report.village_id)
    indicator = _village_indicator(outcome)
    assert indicator is not None
    assert f"Desa {report.village.name} mencatat 1 laporan" in " ".join(indicator["evidence"])
    assert not [
        item for item in outcome.not_evaluated if item["code"] == "village_recruiter_reports"
    ]
    read = AuditEntry.objects.filter(
        object_type=object_type_of(VillageReport), detail__as="village_signal"
    )
    assert read.exists()


def test_a_report_outside_the_window_or_another_desa_does_not(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    VillageReport.objects.filter(pk=report.pk).update(
        filed_at=timezone.now() - datetime.timedelta(days=400)
    )
    outcome = _screen(personas, desa_code=report.village_id)
    assert _village_indicator(outcome) is None
    other = sorted(viewer_of(personas.pic_desa_other).village_codes)[0]
    assert _village_indicator(_screen(personas, desa_code=other)) is None


def test_a_sponsor_phone_named_in_a_village_report_raises_it_with_the_report(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    other = sorted(viewer_of(personas.pic_desa_other).village_codes)[0]
    outcome = _screen(
        personas, desa_code=other, sponsor_name="Pak Ujang", sponsor_phone=RECRUITER_PHONE
    )
    indicator = _village_indicator(outcome)
    assert indicator is not None
    evidence = " ".join(indicator["evidence"])
    assert report.number in evidence and "nomor telepon" in evidence
    assert report.village.name in evidence
    assert REPORTER not in evidence


def test_a_sponsor_name_named_in_a_village_report_raises_it(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    other = sorted(viewer_of(personas.pic_desa_other).village_codes)[0]
    outcome = _screen(personas, desa_code=other, sponsor_name="H. Dadang Suparman")
    indicator = _village_indicator(outcome)
    assert indicator is not None and report.number in " ".join(indicator["evidence"])


def test_a_report_closed_as_unfounded_no_longer_raises_it(personas) -> None:  # type: ignore[no-untyped-def]
    # given: a recruiter report, checked by the desa's PIMPASA and closed as not borne out
    from benteng.village_reports.services import report_close

    report = recruiter_report(personas.pic_desa)
    report_close(
        viewer=viewer_of(personas.pimpasa),
        report=report,
        note="Dicek: orang itu saudara pelapor, bukan perekrut.",
        unfounded=True,
    )
    other = sorted(viewer_of(personas.pic_desa_other).village_codes)[0]
    # when: an applicant of that desa, and one elsewhere naming the recruiter's phone
    in_desa = _screen(personas, desa_code=report.village_id)
    by_phone = _screen(personas, desa_code=other, sponsor_phone=RECRUITER_PHONE)
    # then: neither is raised, and the report is kept
    assert _village_indicator(in_desa) is None
    assert _village_indicator(by_phone) is None
    assert VillageReport.objects.get(pk=report.pk).unfounded


def test_with_the_rule_switched_off_the_counter_does_not_look_at_the_reports(personas) -> None:  # type: ignore[no-untyped-def]
    # given: a recruiter report in the desa, and the analysts switch the village rule off
    from benteng.access.viewer import Viewer
    from benteng.screening import rules as rule_services
    from benteng.screening.models import RiskRule

    report = recruiter_report(personas.pic_desa)
    rule = RiskRule.objects.get(code="village_recruiter_reports")
    rule_services.rule_update(
        viewer=Viewer.for_user(personas.analis_imigrasi, purpose="uji aturan"),
        rule=rule,
        weight=rule.weight,
        is_enabled=False,
        parameters=dict(rule.parameters),
        questions=list(rule.questions),
        name=rule.name,
        description=rule.description,
        change_note="Aturan desa dimatikan sementara",
    )
    # when
    outcome = _screen(personas, desa_code=report.village_id)
    # then: no indicator, and no report read for it
    assert _village_indicator(outcome) is None
    assert not AuditEntry.objects.filter(
        object_type=object_type_of(VillageReport), detail__as="village_signal"
    ).exists()
