"""The one place a referral's timeline grows: the event, its audit entries, who is told
(notifications) and what client systems learn (the outbox), all in the caller's transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import User
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.notifications.models import NotificationKind
from benteng.notifications.services import notify, office_heads, office_staff
from benteng.referrals.access import REFERRAL_ASSIGNEES
from benteng.referrals.events import referral_event_published
from benteng.referrals.models import (
    DeadlineKind,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralOutcome,
)


def record_event(
    referral: Referral,
    kind: str,
    viewer: Viewer,
    *,
    from_state: str = "",
    changed_fields: Iterable[str] = (),
    text: str = "",
    deadline: str = "",
    at: datetime.datetime | None = None,
) -> ReferralEvent:
    """Write one line of the timeline and the audit entries of the change (ids and field
    names, never values). Call inside the transaction that changed the referral."""
    event = ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        actor_id=viewer.user_id,
        at=at or timezone.now(),
        from_state=from_state,
        to_state=referral.state if from_state or kind == EventKind.SENT else "",
        text=text,
        deadline=deadline,
    )
    fields = sorted(changed_fields)
    if fields:
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE if kind == EventKind.SENT else AuditAction.UPDATE,
            obj=referral,
            changed_fields=fields,
        )
    audit_record_write(
        viewer=viewer,
        action=AuditAction.CREATE,
        obj=event,
        changed_fields=["kind", *(["text"] if text else [])],
    )
    _tell(referral, event)
    referral_event_published(referral, event)
    return event


def _tell(referral: Referral, event: ReferralEvent) -> None:
    """Who learns of the event, in the site and by e-mail (in the caller's transaction: the
    notifications are kept or undone with the change). The text names the referral by its
    number, never a person; the referral's page, under its own policy, shows the rest."""
    link = reverse("referrals:detail", args=[referral.pk])
    number = referral.number
    receiving = referral.receiving_office
    sender = referral.sender_office
    to_sender: list[User] = [referral.sent_by] if referral.sent_by else []
    kind, recipients, params = "", list[User](), dict[str, Any]()
    if event.kind == EventKind.SENT:
        recipients = office_staff(office=receiving, roles=REFERRAL_ASSIGNEES)
        kind, params = NotificationKind.NEW_REFERRAL, {"number": number, "office": sender.name}
    elif event.kind == EventKind.ACKNOWLEDGED:
        recipients = to_sender
        kind = NotificationKind.REFERRAL_ACKNOWLEDGED
        params = {"number": number, "office": receiving.name}
    elif event.kind == EventKind.ASSIGNED and referral.assigned_to:
        recipients = [referral.assigned_to]
        kind, params = NotificationKind.REFERRAL_ASSIGNED, {"number": number, "office": sender.name}
    elif event.kind == EventKind.CLOSED:
        recipients = to_sender
        kind = NotificationKind.REFERRAL_OUTCOME
        params = {
            "number": number,
            "office": receiving.name,
            "outcome": ReferralOutcome(referral.outcome).label,
        }
    elif event.kind == EventKind.RETURNED:
        recipients = to_sender
        kind = NotificationKind.REFERRAL_RETURNED
        params = {"number": number, "office": receiving.name}
    elif event.kind == EventKind.OVERDUE:
        # Flagged to the receiving office's head; the sender sees it too.
        recipients = [*office_heads(office=receiving), *to_sender]
        kind = NotificationKind.DEADLINE_OVERDUE
        due = (
            referral.acknowledge_due_at
            if event.deadline == DeadlineKind.ACKNOWLEDGE
            else referral.action_due_at
        )
        params = {"number": number, "deadline": DeadlineKind(event.deadline).label, "due": due}
    if kind:
        notify(recipients=recipients, kind=kind, params=params, link=link, target=referral)
