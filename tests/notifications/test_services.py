"""notify: who gets what, the e-mail copy once and in the recipient's language, retries."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role
from benteng.audit.models import AuditEntry
from benteng.notifications.emails import (
    MAX_EMAIL_ATTEMPTS,
    notification_email_deliver,
    notification_emails_retry,
    retry_pause,
)
from benteng.notifications.models import EmailState, Notification, NotificationKind
from benteng.notifications.selectors import notification_unread_count
from benteng.notifications.services import (
    notification_mark_all_read,
    notification_preference_update,
    notify,
    office_heads,
    office_staff,
)
from benteng.notifications.texts import notification_text

pytestmark = pytest.mark.django_db

NEW_REFERRAL = {"number": "R-2026-00012", "office": "Kanim Kelas I Khusus Non TPI Tangerang"}


def _notify_new_referral(recipients, **options):  # type: ignore[no-untyped-def]
    return notify(
        recipients=recipients,
        kind=NotificationKind.NEW_REFERRAL,
        params=NEW_REFERRAL,
        link="/rujukan/12/",
        target=("referrals.referral", 12),
        **options,
    )


def test_notify_makes_one_notification_per_recipient_and_audits_it_by_id(personas):
    # given
    before = AuditEntry.objects.count()
    # when: the same person twice, and an inactive account
    personas.analis_polri.is_active = False
    personas.analis_polri.save()
    made = _notify_new_referral(
        [personas.penyidik, personas.penyidik, personas.analis_polri], email=False
    )
    # then
    assert [notification.recipient for notification in made] == [personas.penyidik]
    notification = made[0]
    assert notification.target_type == "referrals.referral"
    assert notification.target_id == "12"
    assert notification.read_at is None
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "create"
    assert entry.object_type == "notifications.notification"
    assert entry.object_ids == [str(notification.pk)]
    assert "Tangerang" not in str(entry.detail)  # ids, not values


@pytest.mark.parametrize(
    ("params", "link"),
    [
        ({"number": "R-1"}, "/rujukan/1/"),
        ({**NEW_REFERRAL, "name": "Siti Aminah"}, "/rujukan/1/"),
        (NEW_REFERRAL, "https://evil.example/"),
        (NEW_REFERRAL, "//evil.example/"),
        (NEW_REFERRAL, "/rujukan/1/ x"),
    ],
    ids=["missing-param", "extra-param-such-as-a-name", "other-site", "scheme-relative", "space"],
)
def test_notify_refuses_parameters_the_kind_does_not_take_and_links_outside_the_site(
    personas, params, link
):
    with pytest.raises(ValueError):
        notify(
            recipients=[personas.penyidik],
            kind=NotificationKind.NEW_REFERRAL,
            params=params,
            link=link,
        )
    assert not Notification.objects.exists()


def test_the_text_follows_the_language_active_when_shown(personas):
    # given: an outcome label of the calling app's choices, and a deadline that passed
    outcome = NotificationKind.CASE_OUTCOME.label
    due = datetime.datetime(2026, 12, 7, 2, 30, tzinfo=datetime.UTC)  # 09.30 in Banten
    closed = notify(
        recipients=[personas.petugas_imigrasi],
        kind=NotificationKind.REFERRAL_OUTCOME,
        params={"number": "R-2026-00012", "office": "Polda Banten", "outcome": outcome},
        link="/rujukan/12/",
        email=False,
    )[0]
    overdue = notify(
        recipients=[personas.pimpinan],
        kind=NotificationKind.DEADLINE_OVERDUE,
        params={"number": "R-2026-00012", "deadline": gettext_lazy("tindakan pertama"), "due": due},
        link="/rujukan/12/",
        email=False,
    )[0]
    # then: stored as kind and parameters, no sentence
    assert closed.params["outcome"] == {"msgid": "Perkembangan kasus"}
    indonesian = notification_text(closed.kind, closed.params)
    assert indonesian.title == "Hasil rujukan R-2026-00012"
    assert "Perkembangan kasus" in indonesian.body
    with translation.override("en"):
        english = notification_text(closed.kind, closed.params)
        english_overdue = notification_text(overdue.kind, overdue.params)
    assert english.title == "Outcome of referral R-2026-00012"
    assert "Polda Banten" in english.body
    assert "with the outcome: Case outcome." in english.body
    assert "7 Dec 2026" in english_overdue.body or "Dec. 7, 2026" in english_overdue.body
    assert "7 Des 2026, 09.30" in notification_text(overdue.kind, overdue.params).body


def test_email_is_sent_once_after_the_commit_in_the_recipients_language(
    personas, immediate_tasks, django_capture_on_commit_callbacks
):
    # given: the investigator reads e-mail in English, the officer keeps Indonesian
    notification_preference_update(
        viewer=Viewer.for_user(personas.penyidik), email_enabled=True, language="en"
    )
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = _notify_new_referral([personas.penyidik, personas.petugas_imigrasi])
        assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    # then
    assert len(mail.outbox) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address[personas.penyidik.email]
    indonesian = by_address[personas.petugas_imigrasi.email]
    assert english.subject == "[Benteng] New referral R-2026-00012"
    assert "sent referral R-2026-00012 to your office" in english.body
    assert indonesian.subject == "[Benteng] Rujukan baru R-2026-00012"
    assert f"/notifikasi/{made[1].pk}/" in indonesian.body
    # and asking again sends nothing more
    assert notification_email_deliver(notification_id=made[0].pk) is False
    assert notification_emails_retry(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 2
    assert {n.email_state for n in Notification.objects.all()} == {EmailState.SENT}


def test_no_email_address_or_email_turned_off_gets_only_the_in_app_notification(
    personas, immediate_tasks, django_capture_on_commit_callbacks
):
    # given
    personas.penyidik.email = ""
    personas.penyidik.save()
    notification_preference_update(
        viewer=Viewer.for_user(personas.analis_polri), email_enabled=False, language="id"
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify_new_referral([personas.penyidik, personas.analis_polri])
    # then
    assert mail.outbox == []
    assert [n.email_state for n in made] == [EmailState.NOT_SENT, EmailState.NOT_SENT]
    assert notification_unread_count(user=personas.penyidik) == 1
    assert notification_unread_count(user=personas.analis_polri) == 1


def test_a_failing_mail_server_keeps_the_notification_and_the_retry_sends_it_once(
    personas, immediate_tasks, broken_mail, settings, django_capture_on_commit_callbacks
):
    # given: the mail server is down when the referral is sent
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify_new_referral([personas.penyidik])
    notification = Notification.objects.get(pk=made[0].pk)
    # then: the in-app notification is there, the e-mail waits with the attempt counted
    assert notification_unread_count(user=personas.penyidik) == 1
    assert notification.email_state == EmailState.PENDING
    assert notification.email_attempts == 1
    assert mail.outbox == []
    # when: the retry round runs before the pause is over, the server still down
    assert notification_emails_retry(now=timezone.now()) == 0
    notification.refresh_from_db()
    assert notification.email_attempts == 1
    # when: the server is back and the pause has passed
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + retry_pause(1) + datetime.timedelta(seconds=1)
    assert notification_emails_retry(now=later) == 1
    assert notification_emails_retry(now=later + datetime.timedelta(days=1)) == 0
    # then: sent once
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert notification.email_attempts == 2


def test_the_retry_task_gives_up_after_the_last_attempt(personas, broken_mail):
    # given
    notification = _notify_new_referral([personas.penyidik])[0]  # not committed: no task ran
    now = timezone.now() + datetime.timedelta(minutes=11)
    # when: every round after its pause, the server always down
    for _round in range(MAX_EMAIL_ATTEMPTS + 2):
        notification_emails_retry(now=now)
        notification.refresh_from_db()
        now += retry_pause(notification.email_attempts) + datetime.timedelta(seconds=1)
    # then
    assert notification.email_attempts == MAX_EMAIL_ATTEMPTS
    assert notification.email_state == EmailState.GAVE_UP
    assert Notification.objects.filter(pk=notification.pk, read_at__isnull=True).exists()


def test_the_scheduled_job_sends_waiting_emails(personas, immediate_tasks):
    from benteng.notifications.tasks import PERIODIC_JOBS, notification_emails_send_waiting

    # given: an e-mail whose task was lost (never tried), ten minutes on
    notification = _notify_new_referral([personas.penyidik])[0]
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    # when
    sent = notification_emails_send_waiting.call()
    # then
    assert sent == 1
    assert len(mail.outbox) == 1
    assert [job.name for job in PERIODIC_JOBS] == ["notifications.retry_emails"]


def test_turning_email_off_stops_emails_still_waiting(personas, broken_mail):
    # given
    notification = _notify_new_referral([personas.penyidik])[0]
    # when
    notification_preference_update(
        viewer=Viewer.for_user(personas.penyidik), email_enabled=False, language="id"
    )
    # then
    notification.refresh_from_db()
    assert notification.email_state == EmailState.NOT_SENT


def test_mark_all_read_clears_only_ones_own(personas):
    # given
    _notify_new_referral([personas.penyidik, personas.analis_polri], email=False)
    _notify_new_referral([personas.penyidik], email=False)
    # when
    cleared = notification_mark_all_read(viewer=Viewer.for_user(personas.penyidik))
    # then
    assert cleared == 2
    assert notification_unread_count(user=personas.penyidik) == 0
    assert notification_unread_count(user=personas.analis_polri) == 1


def test_office_heads_are_its_leadership_or_the_nearest_office_above(personas):
    # given: the Kanwil has a head (pimpinan); Kanim Tangerang, under it, has none of its own
    kanwil = Office.objects.get(code="kanwil-imigrasi-banten")
    kanim = Office.objects.get(code="kanim-tangerang")
    # then
    assert office_heads(office=kanwil) == [personas.pimpinan]
    assert office_heads(office=kanim) == [personas.pimpinan]
    assert office_staff(office=kanim, roles=[Role.PETUGAS_IMIGRASI]) == [personas.petugas_imigrasi]
    assert office_heads(office=Office.objects.get(code="polda-banten")) == []


def test_the_retry_job_runs_by_itself_every_five_minutes():
    from benteng.notifications.tasks import notification_emails_send_waiting
    from benteng.schedule.jobs import jobs

    registered = {job.name: job for job in jobs()}
    assert registered["notifications.retry_emails"].task == notification_emails_send_waiting
    assert registered["notifications.retry_emails"].interval == datetime.timedelta(minutes=5)


def test_the_header_count_is_one_query(personas, django_assert_num_queries):
    _notify_new_referral([personas.penyidik], email=False)
    with django_assert_num_queries(1):
        assert notification_unread_count(user=personas.penyidik) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_email_at_once_send_it_once(reference_data, settings):
    import threading

    from django.db import connection, connections

    from benteng.accounts.models import User

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be shared by two writers")
    # given: a notification whose e-mail waits, and a slow mail server
    settings.EMAIL_BACKEND = "tests.notifications.conftest.SlowMailServer"
    recipient = User.objects.create_user(
        username="penerima", full_name="Penerima", role=Role.PENYIDIK, email="p@example.test"
    )
    notification = _notify_new_referral([recipient])[0]
    results: list[bool] = []

    def worker() -> None:
        try:
            results.append(notification_email_deliver(notification_id=notification.pk))
        finally:
            connections.close_all()

    # when: two workers at the same moment
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
