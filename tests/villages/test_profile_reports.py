"""The village reports on the village profile and the outreach list: the recruiter reports
raise the village indicator for everyone who sees the profile (a count, no person); the
reports themselves are listed only to those who may open village reports; a report closed as
not borne out no longer counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.village_reports.access import may_open_village_reports
from benteng.village_reports.services import report_close
from benteng.villages.contributions import village_profile
from benteng.villages.selectors import outreach_list
from tests.conftest import verified_client
from tests.village_reports.support import REPORTER, recruiter_report, viewer_of

pytestmark = pytest.mark.django_db


def _profile(user, village):  # type: ignore[no-untyped-def]
    return village_profile(
        viewer=Viewer.for_user(user), village=village, today=timezone.localdate()
    )


def _indicator(profile):  # type: ignore[no-untyped-def]
    found = [item for item in profile.risk.contributions if item.code == "laporan_perekrut"]
    return found[0] if found else None


def test_a_recruiter_report_raises_the_village_indicator_and_is_listed(personas, villages):
    # given: the focal person reports a recruiter in their desa
    report = recruiter_report(personas.pic_desa, desa_code=villages["own"].region_id)
    # when: the PIMPASA opens the village profile
    profile = _profile(personas.pimpasa, villages["own"])
    page = verified_client(personas.pimpasa).get(
        reverse("villages:profile", args=[villages["own"].pk])
    )
    # then: the indicator says why, and the report is linked, without its reporter
    indicator = _indicator(profile)
    assert indicator is not None and indicator.count == 1 and indicator.points == 8
    assert "laporan" in [section.key for section in profile.sections]
    html = page.content.decode()
    assert page.status_code == 200
    assert report.number in html and REPORTER not in html


def test_leadership_gets_the_indicator_but_not_the_reports(personas, villages):
    # given
    recruiter_report(personas.pic_desa, desa_code=villages["own"].region_id)
    leader = personas.pimpinan
    assert not may_open_village_reports(Viewer.for_user(leader))
    # when
    profile = _profile(leader, villages["own"])
    # then
    assert _indicator(profile) is not None
    assert "laporan" not in [section.key for section in profile.sections]


def test_a_report_closed_as_not_borne_out_no_longer_counts(personas, villages):
    # given
    report = recruiter_report(personas.pic_desa, desa_code=villages["own"].region_id)
    report_close(
        viewer=viewer_of(personas.pimpasa), report=report, note="Bukan calo.", unfounded=True
    )
    # when
    profile = _profile(personas.pimpasa, villages["own"])
    # then
    assert _indicator(profile) is None


def test_the_outreach_list_puts_the_village_with_a_recruiter_report_first(personas, villages):
    # given: a recruiter reported in the second Kronjo village, nothing at the border anywhere
    recruiter_report(personas.pimpasa, desa_code=villages["second"].region_id)
    # when
    ranked = outreach_list(viewer=Viewer.for_user(personas.pimpasa), today=timezone.localdate())
    # then
    assert ranked[0].village == villages["second"]
    assert "1 laporan desa tentang perekrut dalam 90 hari" in ranked[0].reasons
