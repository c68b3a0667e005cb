"""Reads of the notifications app: one's own list, the unread count, one's settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When

from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import User
from benteng.notifications.models import Notification, NotificationPreference
from benteng.notifications.texts import notification_text


def notification_list(*, viewer: Viewer) -> QuerySet[Notification]:
    """The viewer's own notifications: unread first, then newest first."""
    return (
        Notification.objects.visible_to(viewer)
        .annotate(
            read_rank=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("read_rank", "-created_at", "-pk")
    )


def notification_unread_count(*, user: User) -> int:
    """How many of the person's notifications are unread: one query, for every page's header.

    Not recorded in the audit trail: a count of one's own notifications reads no record.
    The viewer is built without the person's villages (``Viewer.for_user`` would query them):
    the notification policy needs only who the person is.
    """
    viewer = Viewer(kind=ViewerKind.USER, role=user.role, user_id=user.pk)
    return Notification.objects.visible_to(viewer).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class NotificationRow:
    """One notification as a list shows it, its sentences in the active language."""

    notification: Notification
    title: str
    body: str

    @property
    def is_unread(self) -> bool:
        return self.notification.is_unread


def notification_rows(notifications: list[Notification]) -> list[NotificationRow]:
    rows = []
    for notification in notifications:
        text = notification_text(notification.kind, notification.params)
        rows.append(NotificationRow(notification=notification, title=text.title, body=text.body))
    return rows


def notification_preference_of(*, viewer: Viewer) -> NotificationPreference:
    """The viewer's settings, or the defaults (not saved) if they never changed them."""
    if viewer.user_id is None:
        raise ValueError("Only a person has notification settings.")
    found = NotificationPreference.objects.visible_to(viewer).first()
    return found or NotificationPreference(user_id=viewer.user_id)
