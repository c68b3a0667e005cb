"""Writes of the notifications app: ``notify`` and what a person does with their notifications.

How the apps above call ``notify``
==================================

``notify(*, recipients, kind, params, link, target=None, email=True)`` is called from inside the
service that made the change, in its transaction: the notifications are written with the
change and rolled back with it, and the e-mail copies are enqueued only after the commit
(``transaction.on_commit`` → ``tasks.notification_email_send``), so a failed write never sends
mail and a failing mail server never loses the in-app notification (the periodic job
``notifications.retry_emails`` tries again with back-off). It writes one audit entry naming the
notifications made (ids, kind and target; no values).

- ``recipients``: users (``office_heads(office=...)``, ``office_staff(office=..., roles=...)``
  or one named user). Inactive accounts and repeats are left out; nobody is notified twice.
- ``kind``: a ``NotificationKind``; ``params`` exactly the names the kind takes
  (``texts.KIND_TEXTS``), else ``ValueError``. Values are text or numbers, a lazy label of the
  calling app's choices (kept as its message id and translated when shown), or an aware
  ``datetime`` (shown in the one display format).
  **Never a person's name, NIK, passport number or free text** (a return reason, a comment):
  the notification names the record by its number; the record's own page, under its own
  access policy, shows the rest.
- ``link``: the record's page, a path inside the site; anything else is ``ValueError``.
- ``target``: the record itself (a model instance) or ``("referrals.referral", pk)``.
- ``email=False`` for a notification that should not go out by mail. A recipient without an
  e-mail address, or who turned e-mail off, gets only the in-app one.

``notify`` does not de-duplicate events: a scheduled check must remember what it notified.
The callers to read: ``benteng/referrals/timeline.py`` (``_tell``: who hears of each referral
event), ``benteng/referrals/case_link.py`` (a case's progress to the referral's sender) and
``benteng/village_reports/services.py`` (a report's steps).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from benteng.access.policy import access_object
from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role, User
from benteng.audit.models import AuditAction
from benteng.audit.services import (
    actor_for_viewer,
    audit_record,
    audit_record_write,
    object_type_of,
)
from benteng.notifications.access import may_read_notifications
from benteng.notifications.models import (
    EmailState,
    Notification,
    NotificationPreference,
)
from benteng.notifications.tasks import notification_email_send
from benteng.notifications.texts import stored_params

logger = logging.getLogger(__name__)

NOTIFY_PURPOSE = "notifikasi"
LINK_MAX_LENGTH = 300


class NotificationRefused(Exception):
    """The viewer may not have notifications (a client system)."""


# --- addressing ----------------------------------------------------------------------------


def _addressing_viewer() -> Viewer:
    return Viewer.system(purpose="alamat notifikasi")


def office_staff(*, office: Office, roles: Iterable[Role]) -> list[User]:
    """The active accounts of an office with one of these roles."""
    return list(
        User.objects.visible_to(_addressing_viewer())
        .filter(office=office, role__in=list(roles), is_active=True)
        .order_by("pk")
    )


def office_heads(*, office: Office) -> list[User]:
    """The head(s) of an office: its ``Role.PIMPINAN`` accounts, else those of the nearest
    office above it that has one (a Kanim without a leadership account reports to the Kanwil)."""
    current: Office | None = office
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        heads = office_staff(office=current, roles=[Role.PIMPINAN])
        if heads:
            return heads
        current = current.parent
    return []


# --- notify --------------------------------------------------------------------------------


def _checked_link(link: str) -> str:
    """A path inside the site: starts with one slash, no scheme, host, backslash or space."""
    if not isinstance(link, str) or not link.startswith("/") or link.startswith("//"):
        raise ValueError(f"A notification's link must be a path inside the site: {link!r}")
    if len(link) > LINK_MAX_LENGTH or any(ch.isspace() or ch == "\\" for ch in link):
        raise ValueError(f"A notification's link must be a path inside the site: {link!r}")
    return link


def _target_reference(target: models.Model | tuple[str, Any] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        if target.pk is None:
            raise ValueError("A notification's target must be saved first.")
        return object_type_of(type(target)), str(target.pk)
    target_type, target_id = target
    return str(target_type), str(target_id)


def _distinct_active(recipients: Iterable[User]) -> list[User]:
    found: dict[int, User] = {}
    for user in recipients:
        if user.pk is not None and user.is_active and user.pk not in found:
            found[user.pk] = user
    return list(found.values())


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    params: Mapping[str, Any],
    link: str,
    target: models.Model | tuple[str, Any] | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient in the site, and by e-mail after the commit where they want it.

    See the module's docstring for how each event calls it.
    """
    stored = stored_params(kind, params)
    checked_link = _checked_link(link)
    target_type, target_id = _target_reference(target)
    users = _distinct_active(recipients)
    if not users:
        return []
    preferences = {
        preference.user_id: preference
        for preference in NotificationPreference.objects.visible_to(
            Viewer.system(purpose=NOTIFY_PURPOSE)
        ).filter(user__in=users)
    }
    with transaction.atomic():
        made = [
            Notification.objects.create(
                recipient=user,
                kind=kind,
                params=stored,
                link=checked_link,
                target_type=target_type,
                target_id=target_id,
                email_state=(
                    EmailState.PENDING
                    if email and _wants_email(user, preferences.get(user.pk))
                    else EmailState.NOT_SENT
                ),
            )
            for user in users
        ]
        audit_record(
            actor=actor_for_viewer(Viewer.system(purpose=NOTIFY_PURPOSE)),
            action=AuditAction.CREATE,
            object_type=object_type_of(Notification),
            object_ids=[notification.pk for notification in made],
            purpose=NOTIFY_PURPOSE,
            detail={"kind": kind, "target_type": target_type, "target_id": target_id},
        )
        for notification in made:
            if notification.email_state == EmailState.PENDING:
                transaction.on_commit(
                    functools.partial(_enqueue_email, notification_id=notification.pk)
                )
    return made


def _wants_email(user: User, preference: NotificationPreference | None) -> bool:
    if not user.email:
        return False
    return preference is None or preference.email_enabled


def _enqueue_email(*, notification_id: int) -> None:
    # After the commit: the task finds the row. If enqueueing fails, the notification stays
    # PENDING and the periodic retry round sends it.
    try:
        notification_email_send.enqueue(notification_id=notification_id)
    except Exception:
        logger.exception("Could not enqueue the e-mail of notification %s", notification_id)


# --- what a person does with their own notifications ---------------------------------------


def _own(viewer: Viewer, notification_id: Any, *, purpose: str) -> Notification:
    if not may_read_notifications(viewer):
        raise NotificationRefused
    return access_object(
        viewer,
        Notification,
        notification_id,
        purpose=purpose,
        queryset=Notification.objects.select_for_update(),
    )


def _mark_read(viewer: Viewer, notification: Notification) -> None:
    if notification.read_at is not None:
        return
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    audit_record_write(
        viewer=viewer, action=AuditAction.UPDATE, obj=notification, changed_fields=["read_at"]
    )


@transaction.atomic
def notification_open(*, viewer: Viewer, notification_id: Any) -> Notification:
    """Open one's own notification (to follow its link): read, and marked read.

    Another person's notification and a missing one both raise ``NotVisible``.
    """
    notification = _own(viewer, notification_id, purpose="membuka notifikasi")
    _mark_read(viewer, notification)
    return notification


@transaction.atomic
def notification_mark_read(*, viewer: Viewer, notification_id: Any) -> Notification:
    """Clear one of one's own notifications."""
    notification = _own(viewer, notification_id, purpose="menandai notifikasi dibaca")
    _mark_read(viewer, notification)
    return notification


@transaction.atomic
def notification_mark_all_read(*, viewer: Viewer) -> int:
    """Clear all of one's own unread notifications; how many were cleared."""
    if not may_read_notifications(viewer):
        raise NotificationRefused
    unread = Notification.objects.visible_to(viewer).filter(read_at__isnull=True)
    ids = list(unread.values_list("pk", flat=True))
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
    audit_record(
        actor=actor_for_viewer(viewer),
        action=AuditAction.UPDATE,
        object_type=object_type_of(Notification),
        object_ids=ids,
        purpose="menandai semua notifikasi dibaca",
        detail={"fields": ["read_at"]},
    )
    return len(ids)


@transaction.atomic
def notification_preference_update(
    *, viewer: Viewer, email_enabled: bool, language: str
) -> NotificationPreference:
    """Change one's own e-mail setting and the language of one's e-mails."""
    if not may_read_notifications(viewer) or viewer.user_id is None:
        raise NotificationRefused
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(f"Unknown language {language!r}.")
    wanted = {"email_enabled": email_enabled, "language": language}
    preference, created = NotificationPreference.objects.visible_to(viewer).get_or_create(
        user_id=viewer.user_id, defaults=wanted
    )
    changed = [name for name, value in wanted.items() if getattr(preference, name) != value]
    if changed:
        for name in changed:
            setattr(preference, name, wanted[name])
        preference.save(update_fields=[*changed, "updated_at"])
    if changed or created:
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=preference,
            changed_fields=sorted(wanted) if created else changed,
        )
    if not email_enabled:
        # E-mails still waiting are not sent once the person turned e-mail off.
        Notification.objects.visible_to(viewer).filter(email_state=EmailState.PENDING).update(
            email_state=EmailState.NOT_SENT
        )
    return preference
