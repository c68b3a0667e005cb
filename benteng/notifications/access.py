"""Whose notifications a viewer sees: their own, and nobody else's — administrators included.

A notification tells its recipient that something happened to a referral or a case of their
office; it names the record by number, and which records an office has is itself need-to-know.
So the only reader is the recipient (and Benteng itself, sending the e-mail copy); the list, the
count, opening and clearing all read through ``visible_to``/``access_object`` with this policy.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.notifications.models import Notification, NotificationPreference


def may_read_notifications(viewer: Viewer) -> bool:
    """Every signed-in person has a notifications page of their own; client systems do not."""
    if viewer.kind is not ViewerKind.USER:
        return False
    return viewer.user_id is not None


class NotificationPolicy(RecordPolicy[Notification]):
    """A notification is its recipient's alone."""

    model = Notification

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if not may_read_notifications(viewer):
            return NOTHING
        return Q(recipient_id=viewer.user_id)


class NotificationPreferencePolicy(RecordPolicy[NotificationPreference]):
    """A person's notification settings are theirs to read and change."""

    model = NotificationPreference

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if not may_read_notifications(viewer):
            return NOTHING
        return Q(user_id=viewer.user_id)


POLICIES: list[RecordPolicy[Any]] = [NotificationPolicy(), NotificationPreferencePolicy()]
