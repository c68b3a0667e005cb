"""The e-mail copy of a notification: written in the recipient's language, sent at most once.

``notification_email_deliver`` is what the task runs. It locks the notification's row while it
sends, so two workers given the same notification (a retry racing a late first attempt) send it
once; a notification already sent, or no longer wanted, is left alone. A failing mail server
leaves the notification PENDING with the attempt counted; ``notification_emails_retry`` (a
periodic job) tries again with growing pauses and gives up after ``MAX_EMAIL_ATTEMPTS``. The
in-app notification is never touched by any of this.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from benteng.access.viewer import Viewer
from benteng.accounts.models import User
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.notifications.models import EmailState, Notification, NotificationPreference
from benteng.notifications.texts import notification_text

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 6
# The first retry waits this long after a failed attempt; each further one twice as long
# (5, 10, 20, 40, 80 minutes).
FIRST_RETRY_PAUSE = datetime.timedelta(minutes=5)
# An e-mail never tried this long after its notification was made lost its task (a worker
# that stopped, an enqueue that failed): the retry round sends it.
UNTRIED_AFTER = datetime.timedelta(minutes=10)
RETRY_BATCH = 200


def _system() -> Viewer:
    return Viewer.system(purpose="kirim e-mail notifikasi")


@dataclass(frozen=True)
class EmailMessageText:
    subject: str
    body: str


def site_url(path: str) -> str:
    """The address of a page of the site, for links in e-mails (``BENTENG_SITE_URL``)."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def notification_email_text(notification: Notification, *, language: str) -> EmailMessageText:
    """The subject and plain-text body of the notification's e-mail in ``language``."""
    with translation.override(language):
        text = notification_text(notification.kind, notification.params)
        open_url = site_url(reverse("notifications:open", args=[notification.pk]))
        settings_url = site_url(reverse("notifications:list"))
        body = "\n".join(
            [
                text.body,
                "",
                gettext("Buka: %(url)s") % {"url": open_url},
                "",
                "-- ",
                gettext("Pesan otomatis dari Benteng. Atur e-mail notifikasi Anda di %(url)s")
                % {"url": settings_url},
            ]
        )
        return EmailMessageText(subject=f"[Benteng] {text.title}", body=body)


def _preference_of(user: User) -> NotificationPreference:
    found = NotificationPreference.objects.visible_to(_system()).filter(user=user).first()
    return found or NotificationPreference(user=user)


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send the notification's e-mail if it is still waiting; whether it was sent now.

    Holds the row lock while sending, so it is sent once however often it is asked.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.visible_to(_system())
            # Only the notification's row: the recipient's account stays free for others.
            .select_for_update(of=("self",))
            .filter(pk=notification_id, email_state=EmailState.PENDING)
            .select_related("recipient")
            .first()
        )
        if notification is None:
            return False
        recipient = notification.recipient
        preference = _preference_of(recipient)
        if not recipient.email or not recipient.is_active or not preference.email_enabled:
            notification.email_state = EmailState.NOT_SENT
            notification.save(update_fields=["email_state"])
            return False
        now = timezone.now()
        notification.email_attempts += 1
        notification.email_last_attempt_at = now
        changed = ["email_attempts", "email_last_attempt_at"]
        try:
            message = notification_email_text(notification, language=preference.language)
            send_mail(
                message.subject,
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
                fail_silently=False,
            )
        except Exception as error:  # any failure of any mail backend: try again later
            logger.warning(
                "E-mail of notification %s failed (attempt %s): %s",
                notification.pk,
                notification.email_attempts,
                type(error).__name__,
            )
            if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
                notification.email_state = EmailState.GAVE_UP
                changed.append("email_state")
            notification.save(update_fields=changed)
            return False
        notification.email_state = EmailState.SENT
        notification.email_sent_at = now
        notification.save(update_fields=[*changed, "email_state", "email_sent_at"])
        audit_record_write(
            viewer=_system(),
            action=AuditAction.UPDATE,
            obj=notification,
            changed_fields=["email_state", "email_sent_at"],
        )
        return True


def retry_pause(attempts: int) -> datetime.timedelta:
    """How long after its last failed attempt an e-mail is tried again."""
    return FIRST_RETRY_PAUSE * (1 << max(attempts - 1, 0))


def _due(
    attempts: int,
    last_attempt_at: datetime.datetime | None,
    created_at: datetime.datetime,
    now: datetime.datetime,
) -> bool:
    if last_attempt_at is None:
        return created_at <= now - UNTRIED_AFTER
    return last_attempt_at + retry_pause(attempts) <= now


def notification_emails_retry(*, now: datetime.datetime | None = None) -> int:
    """Send the e-mails still waiting whose pause has passed; how many were sent."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.visible_to(_system())
        .filter(email_state=EmailState.PENDING, created_at__lte=now)
        .order_by("email_last_attempt_at", "pk")
        .values_list("pk", "email_attempts", "email_last_attempt_at", "created_at")[:RETRY_BATCH]
    )
    sent = 0
    for pk, attempts, last_attempt_at, created_at in list(waiting):
        if _due(attempts, last_attempt_at, created_at, now) and notification_email_deliver(
            notification_id=pk
        ):
            sent += 1
    return sent
