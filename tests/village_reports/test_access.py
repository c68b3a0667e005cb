"""Who sees which village report, and the reporter who never leaks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from benteng.access.policy import visible_fields
from benteng.audit.models import AuditAction, AuditEntry
from benteng.audit.services import object_type_of
from benteng.village_reports.models import VillageReport
from benteng.village_reports.selectors import desa_report_summary, report_detail, reports_for
from benteng.village_reports.services import PhotoInput
from tests.conftest import verified_client
from tests.downloads import assert_private_file
from tests.village_reports.support import (
    RECRUITER_NAME,
    REPORTER,
    REPORTER_PHONE,
    recruiter_report,
    viewer_of,
)

pytestmark = pytest.mark.django_db

# Who sees the focal person's Kronjo report: the desa's team and the routed Kanim/Polres staff.
SEES_KRONJO_REPORT = {
    "petugas_imigrasi": True,  # Kanim Tangerang, routed
    "petugas_imigrasi_other": False,  # Kanim Serang
    "petugas_tpi": False,
    "analis_imigrasi": False,  # Kanwil: not the routed office
    "pimpasa": True,
    "penyidik": False,  # Polda, not the routed Polres
    "analis_polri": False,
    "bhabinkamtibmas": True,
    "pic_desa": True,
    "pic_desa_other": False,
    "pimpinan": False,
    "admin": False,
}


@pytest.mark.parametrize("role", sorted(SEES_KRONJO_REPORT))
def test_a_report_is_seen_by_its_desa_team_and_routed_offices_only(personas, role) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    viewer = viewer_of(getattr(personas, role))
    visible = VillageReport.objects.visible_to(viewer).filter(pk=report.pk).exists()
    assert visible is SEES_KRONJO_REPORT[role]


def test_routing_goes_to_the_kanim_and_polres_covering_the_desa(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    assert report.kanim is not None and report.kanim.code == "kanim-tangerang"
    assert report.polres is not None and report.polres.code == "polresta-tangerang"


def test_a_village_team_member_cannot_file_for_another_desa(personas) -> None:  # type: ignore[no-untyped-def]
    from benteng.village_reports.services import VillageReportRefused

    other = sorted(viewer_of(personas.pic_desa_other).village_codes)[0]
    with pytest.raises(VillageReportRefused):
        recruiter_report(personas.pic_desa, desa_code=other)
    assert not VillageReport.objects.exists()


def test_the_reporter_is_seen_by_the_focal_person_only(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    for user in (personas.pimpasa, personas.bhabinkamtibmas, personas.petugas_imigrasi):
        fields = visible_fields(viewer_of(user), report)
        assert "reporter_name" not in fields and "reporter_phone" not in fields
        detail = report_detail(viewer_of(user), report.pk)
        assert detail.report.reporter_name == "" and detail.report.reporter_phone == ""
    detail = report_detail(viewer_of(personas.pic_desa), report.pk)
    assert detail.report.reporter_name == REPORTER


def test_a_reporter_who_agreed_is_named_to_the_team(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa, reporter_named=True)
    assert report_detail(viewer_of(personas.pimpasa), report.pk).report.reporter_name == REPORTER


@pytest.mark.parametrize("role", ["pimpasa", "bhabinkamtibmas", "petugas_imigrasi", "pic_desa"])
def test_the_reporter_is_never_in_a_list_page_or_another_roles_report_page(personas, role) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    client = verified_client(getattr(personas, role))
    listing = client.get(reverse("village_reports:list")).content.decode()
    assert report.number in listing
    assert REPORTER not in listing and "1111-2222" not in listing and "8131111" not in listing
    page = client.get(reverse("village_reports:detail", args=[report.pk])).content.decode()
    assert RECRUITER_NAME in page
    if role == "pic_desa":
        assert REPORTER in page
    else:
        assert REPORTER not in page and "1111" not in page


def test_the_reporter_is_not_in_notifications_or_the_audit_trail(personas) -> None:  # type: ignore[no-untyped-def]
    from benteng.notifications.models import Notification

    report = recruiter_report(personas.pic_desa)
    report_detail(viewer_of(personas.pimpasa), report.pk)
    texts = [str(n.params) + n.link for n in Notification.objects.all()]
    assert texts, "the desa's followers are notified"
    texts += [str(entry.detail) for entry in AuditEntry.objects.all()]
    for text in texts:
        assert REPORTER not in text and REPORTER_PHONE not in text and "81311112222" not in text


def test_every_read_is_audited(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    viewer = viewer_of(personas.bhabinkamtibmas)
    object_type = object_type_of(VillageReport)
    before = AuditEntry.objects.filter(object_type=object_type).count()
    reports_for(viewer)
    report_detail(viewer, report.pk)
    entries = AuditEntry.objects.filter(object_type=object_type).order_by("pk")[before:]
    assert [entry.action for entry in entries] == [AuditAction.LIST, AuditAction.READ]
    assert all(str(report.pk) in [str(i) for i in entry.object_ids] for entry in entries)


def test_another_desa_gets_404_and_an_outsider_403(personas) -> None:  # type: ignore[no-untyped-def]
    report = recruiter_report(personas.pic_desa)
    url = reverse("village_reports:detail", args=[report.pk])
    assert verified_client(personas.pic_desa_other).get(url).status_code == 404
    assert verified_client(personas.pimpinan).get(url).status_code == 403
    assert verified_client(personas.admin).get(reverse("village_reports:list")).status_code == 403


def test_the_list_page_costs_the_same_queries_for_more_reports(personas) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    recruiter_report(personas.pic_desa)
    client = verified_client(personas.pimpasa)
    client.get(reverse("village_reports:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("village_reports:list"))
    for _ in range(5):
        recruiter_report(personas.pic_desa)
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("village_reports:list"))
    assert len(six.captured_queries) == len(one.captured_queries)
    assert response.content.decode().count(">LD-") == 6


def test_desa_summary_counts_and_hides_other_desa(personas) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    report = recruiter_report(personas.pic_desa)
    since = timezone.now() - datetime.timedelta(days=30)
    summary = desa_report_summary(viewer_of(personas.pimpasa), report.village_id, since=since)
    assert summary.total == 1 and summary.by_kind == {"perekrut": 1}
    assert summary.by_status == {"baru": 1}
    assert [item.number for item in summary.recent_recruiter_reports] == [report.number]
    other = desa_report_summary(viewer_of(personas.pic_desa_other), report.village_id, since=since)
    assert other.total == 0 and other.recent_recruiter_reports == []


def test_the_list_goes_on_to_a_next_page_instead_of_stopping(personas) -> None:  # type: ignore[no-untyped-def]
    # given: more reports than one page holds
    from benteng.village_reports.selectors import PAGE_SIZE

    for _number in range(PAGE_SIZE + 1):
        recruiter_report(personas.pic_desa)
    client = verified_client(personas.pic_desa)
    # when
    first = client.get(reverse("village_reports:list")).content.decode()
    second = client.get(reverse("village_reports:list") + "?page=2").content.decode()
    # then: the oldest is on the second page, and the first links to it
    oldest = VillageReport.objects.order_by("filed_at", "pk").first()
    assert oldest.number not in first and oldest.number in second
    assert "page=2" in first


@pytest.mark.parametrize("persona", ["pic_desa", "petugas_imigrasi", "petugas_imigrasi_other"])
def test_a_report_s_photo_is_shown_inline_with_the_safe_headers_to_those_who_see_it(
    personas, persona
):
    # given
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    report = recruiter_report(personas.pic_desa, photos=[PhotoInput("calo.jpg", jpeg)])
    photo = report.photos.get()
    # when
    response = verified_client(getattr(personas, persona)).get(
        reverse("village_reports:photo", args=[report.pk, photo.pk])
    )
    # then
    if not SEES_KRONJO_REPORT[persona]:
        assert response.status_code == 404
        return
    assert_private_file(
        response, disposition="inline", filename=f"foto-{photo.pk}.jpg", content_type="image/jpeg"
    )
    assert b"".join(response.streaming_content) == jpeg
