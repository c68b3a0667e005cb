"""The notifications page: one's own only, following and clearing, the header count, settings."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from benteng.audit.models import AuditEntry
from benteng.notifications.models import Notification, NotificationKind, NotificationPreference
from benteng.notifications.services import notify
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

LIST = "/notifikasi/"


def _new_referral(recipient, number="R-2026-00012", link="/rekan/"):  # type: ignore[no-untyped-def]
    return notify(
        recipients=[recipient],
        kind=NotificationKind.NEW_REFERRAL,
        params={"number": number, "office": "Kanim Tangerang"},
        link=link,
        target=("referrals.referral", 12),
        email=False,
    )[0]


def _header_count(html: str) -> str | None:
    link = re.search(r'<a class="notifications-link"[^>]*>(.*?)</a>', html, re.DOTALL)
    assert link, "the header links to the notifications"
    count = re.search(r'<span class="count"[^>]*>(\d+)</span>', link.group(1))
    return count.group(1) if count else None


def test_the_recipient_sees_their_notification_and_the_count_in_every_pages_header(personas):
    # given
    _new_referral(personas.penyidik)
    client = verified_client(personas.penyidik)
    # when
    listing = client.get(LIST)
    home = client.get("/")
    # then
    assert listing.status_code == 200
    assert "Rujukan baru R-2026-00012" in listing.text
    assert "Kanim Tangerang mengirim rujukan R-2026-00012 ke kantor Anda." in listing.text
    assert _header_count(home.text) == "1"
    assert _header_count(listing.text) == "1"


@pytest.mark.parametrize(
    "other",
    ["analis_polri", "petugas_imigrasi_other", "pimpinan", "admin"],
)
def test_nobody_else_sees_or_clears_a_notification_not_even_an_administrator(personas, other):
    # given: the investigator's notification; a colleague at the same office, another office,
    # leadership, the administrator
    notification = _new_referral(personas.penyidik)
    client = verified_client(getattr(personas, other))
    # when
    listing = client.get(LIST)
    opened = client.get(f"/notifikasi/{notification.pk}/")
    cleared = client.post(f"/notifikasi/{notification.pk}/dibaca/")
    client.post("/notifikasi/dibaca-semua/")
    # then: not listed, 404 exactly like a missing one, and still unread
    assert "R-2026-00012" not in listing.text
    assert _header_count(listing.text) is None
    assert opened.status_code == 404
    assert cleared.status_code == 404
    assert client.get("/notifikasi/999999/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_following_the_link_marks_it_read_and_goes_to_the_record(personas):
    # given
    notification = _new_referral(personas.penyidik, link="/rekan/")
    client = verified_client(personas.penyidik)
    # when
    response = client.get(f"/notifikasi/{notification.pk}/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/rekan/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert _header_count(client.get("/").text) is None
    entry = AuditEntry.objects.filter(
        object_type="notifications.notification", action="read"
    ).latest("sequence")
    assert entry.object_ids == [str(notification.pk)]
    assert entry.actor_id == personas.penyidik.pk


def test_a_link_that_is_not_a_path_of_the_site_is_never_followed(personas):
    # given: a row altered behind the service's back
    notification = _new_referral(personas.penyidik)
    Notification.objects.filter(pk=notification.pk).update(link="https://evil.example/")
    # when
    response = verified_client(personas.penyidik).get(f"/notifikasi/{notification.pk}/")
    # then
    assert response["Location"] == LIST


def test_mark_read_is_a_post_with_the_csrf_token(personas):
    # given
    notification = _new_referral(personas.penyidik)
    client = verified_client(personas.penyidik, Client(enforce_csrf_checks=True))
    # when: a GET, and a POST from another site (no token)
    by_get = client.get(f"/notifikasi/{notification.pk}/dibaca/")
    forged = client.post(f"/notifikasi/{notification.pk}/dibaca/")
    forged_all = client.post("/notifikasi/dibaca-semua/")
    # then
    assert by_get.status_code == 405
    assert forged.status_code == 403
    assert forged_all.status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None
    # when: the page's own form
    token = client.get(LIST).cookies["csrftoken"].value
    cleared = client.post(
        f"/notifikasi/{notification.pk}/dibaca/", {"csrfmiddlewaretoken": token, "page": "1"}
    )
    # then
    assert cleared.status_code == 302
    assert cleared["Location"] == "/notifikasi/?page=1"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read_clears_the_count(personas):
    # given
    for number in ("R-1", "R-2", "R-3"):
        _new_referral(personas.penyidik, number=number)
    _new_referral(personas.analis_polri)
    client = verified_client(personas.penyidik)
    assert _header_count(client.get(LIST).text) == "3"
    # when
    response = client.post("/notifikasi/dibaca-semua/", follow=True)
    # then
    assert "Semua notifikasi ditandai sudah dibaca." in response.text
    assert _header_count(response.text) is None
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # the colleague's


def test_unread_come_first_and_the_list_is_paged_and_audited(personas):
    # given: 25 notifications, the oldest one unread, the others read
    made = [_new_referral(personas.penyidik, number=f"R-{n:03d}") for n in range(25)]
    Notification.objects.exclude(pk=made[0].pk).update(read_at=made[-1].created_at)
    client = verified_client(personas.penyidik)
    # when
    first = client.get(LIST)
    second = client.get(LIST, {"page": "2"})
    # then
    assert first.text.index("R-000") < first.text.index("R-024")
    assert "Halaman 1 dari 2" in first.text
    assert "R-000" not in second.text
    entry = AuditEntry.objects.filter(
        object_type="notifications.notification", action="list"
    ).latest("sequence")
    assert len(entry.object_ids) == 5
    assert entry.actor_id == personas.penyidik.pk


def test_list_page_queries_do_not_grow_with_the_notifications(
    personas, django_assert_max_num_queries
):
    # given
    for number in range(20):
        _new_referral(personas.penyidik, number=f"R-{number}")
    client = verified_client(personas.penyidik)
    client.get(LIST)
    # then
    with django_assert_max_num_queries(20):
        assert client.get(LIST).status_code == 200


def test_shown_in_english_after_the_language_switch(personas):
    # given
    _new_referral(personas.penyidik)
    client = verified_client(personas.penyidik)
    client.cookies["benteng_language"] = "en"
    # when
    response = client.get(LIST)
    # then
    assert "New referral R-2026-00012" in response.text
    assert "Kanim Tangerang sent referral R-2026-00012 to your office." in response.text


def test_the_email_setting_is_saved_and_a_bad_value_keeps_what_was_typed(personas):
    client = verified_client(personas.penyidik)
    # when: an unknown language
    refused = client.post("/notifikasi/pengaturan/", {"language": "fr"})
    # then: a clear Indonesian message, the unticked box kept unticked, nothing saved
    assert refused.status_code == 400
    assert "Pilih Bahasa Indonesia atau English." in refused.text
    assert 'name="email_enabled"' in refused.text
    assert "checked" not in re.search(r'<input[^>]*name="email_enabled"[^>]*>', refused.text)[0]
    assert not NotificationPreference.objects.exists()
    # when: e-mail off, in English
    saved = client.post("/notifikasi/pengaturan/", {"language": "en"}, follow=True)
    # then
    assert "Pengaturan notifikasi disimpan." in saved.text
    preference = NotificationPreference.objects.get(user=personas.penyidik)
    assert (preference.email_enabled, preference.language) == (False, "en")
    assert re.search(r'<option value="en" selected>', saved.text)


def test_a_person_without_an_email_address_is_told_so(personas):
    personas.pic_desa.email = ""
    personas.pic_desa.save()
    response = verified_client(personas.pic_desa).get(LIST)
    assert "Akun Anda belum punya alamat e-mail" in response.text


def test_signing_in_is_required(db):
    response = Client().get(LIST)
    assert response.status_code == 302
    assert "/masuk/" in response["Location"]
