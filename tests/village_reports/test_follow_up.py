"""Verify, refer, close: each step by the desa's followers only, audited and notified, and
the focal person sees what became of the report; the referral never names the reporter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from benteng.access.policy import NOTHING
from benteng.audit.models import AuditAction, AuditEntry
from benteng.audit.services import object_type_of
from benteng.notifications.models import Notification, NotificationKind
from benteng.referrals.models import Referral, ReferralSubject
from benteng.village_reports.access import VillageReportPersonPolicy
from benteng.village_reports.models import ReportStatus, VillageReport
from benteng.village_reports.services import (
    VillageReportInvalid,
    VillageReportRefused,
    report_close,
    report_refer,
    report_verify,
)
from tests.conftest import verified_client
from tests.village_reports.support import RECRUITER_NAME, REPORTER, recruiter_report, viewer_of

pytestmark = pytest.mark.django_db


def test_new_verified_referred_closed_and_the_focal_person_sees_each_step(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    assert Notification.objects.filter(
        recipient=personas.pimpasa, kind=NotificationKind.VILLAGE_REPORT_NEW
    ).exists()
    pimpasa = viewer_of(personas.pimpasa)
    with pytest.raises(VillageReportInvalid):
        report_refer(
            viewer=pimpasa, report=report, receiving_office_id=report.polres_id, urgency="tinggi"
        )
    report = report_verify(viewer=pimpasa, report=report, note="Dicek ke RT, benar.")
    referral = report_refer(
        viewer=pimpasa, report=report, receiving_office_id=report.polres_id, urgency="tinggi"
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.ACTED and report.referral == referral
    assert referral.receiving_office_id == report.polres_id
    names = list(
        ReferralSubject.objects.filter(referral=referral).values_list("full_name", flat=True)
    )
    assert names == [RECRUITER_NAME]
    assert REPORTER not in referral.reason
    assert (
        Notification.objects.filter(
            recipient=personas.pic_desa, kind=NotificationKind.VILLAGE_REPORT_STATUS
        ).count()
        == 2
    )
    listing = (
        verified_client(personas.pic_desa).get(reverse("village_reports:list")).content.decode()
    )
    assert "Ditindaklanjuti" in listing and referral.number in listing
    report = report_close(viewer=pimpasa, report=report, note="Diserahkan ke Polres.")
    assert report.status == ReportStatus.CLOSED
    assert Referral.objects.count() == 1


def test_only_the_desa_followers_take_steps(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    for user in (personas.pic_desa, personas.petugas_imigrasi, personas.pic_desa_other):
        with pytest.raises(VillageReportRefused):
            report_verify(viewer=viewer_of(user), report=report)
    url = reverse("village_reports:verify", args=[report.pk])
    assert verified_client(personas.pic_desa).post(url).status_code == 403
    assert verified_client(personas.pic_desa_other).post(url).status_code == 404
    assert verified_client(personas.bhabinkamtibmas).post(url).status_code == 302


def test_closing_needs_a_note_and_keeps_the_report_open_without_one(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    client = verified_client(personas.pimpasa)
    response = client.post(reverse("village_reports:close", args=[report.pk]), {"note": ""})
    assert response.status_code == 400 and "wajib" in response.content.decode().lower()
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


def test_closing_as_unfounded_from_the_page_keeps_the_report_and_says_so(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    client = verified_client(personas.pimpasa)
    url = reverse("village_reports:close", args=[report.pk])
    response = client.post(url, {"note": "Bukan perekrut.", "unfounded": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and report.unfounded
    page = verified_client(personas.pic_desa).get(report.get_absolute_url()).content.decode()
    assert "Tidak terbukti" in page


def test_a_follow_up_post_records_its_write_not_a_read_of_the_page(personas) -> None:  # type: ignore[no-untyped-def]
    # given
    report = recruiter_report(personas.pic_desa)
    client = verified_client(personas.pimpasa)
    before = AuditEntry.objects.count()
    # when
    response = client.post(reverse("village_reports:verify", args=[report.pk]), {"note": "Benar."})
    # then: the report's update, and no read of the report or its people
    assert response.status_code == 302
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [e.action for e in entries if e.object_type == object_type_of(VillageReport)] == [
        AuditAction.UPDATE
    ]
    assert AuditAction.READ not in {e.action for e in entries}


def test_a_refused_follow_up_post_shows_the_page_again_with_the_message(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    client = verified_client(personas.pimpasa)
    response = client.post(reverse("village_reports:close", args=[report.pk]), {"note": ""})
    assert response.status_code == 400
    assert report.number in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


def test_a_follow_up_post_on_another_desa_is_404_and_recorded_as_refused(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa_other)
    client = verified_client(personas.pimpasa)
    response = client.post(reverse("village_reports:verify", args=[report.pk]), {"note": ""})
    assert response.status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, object_type=object_type_of(VillageReport)
    ).exists()


def test_referring_names_only_the_people_the_viewer_sees(personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # given: a verified report whose people the policy (narrowed here) shows to nobody
    report = recruiter_report(personas.pic_desa)
    pimpasa = viewer_of(personas.pimpasa)
    report = report_verify(viewer=pimpasa, report=report)
    monkeypatch.setattr(VillageReportPersonPolicy, "rows", lambda self, viewer: NOTHING)
    # when / then: nobody named that the viewer sees, so no referral
    with pytest.raises(VillageReportInvalid) as refused:
        report_refer(
            viewer=pimpasa, report=report, receiving_office_id=report.polres_id, urgency="tinggi"
        )
    assert "people" in refused.value.errors
    assert not Referral.objects.exists()
