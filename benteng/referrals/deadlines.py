"""A referral's deadlines: when they fall (per urgency, kept as data), and the scheduled check
that records each missed one once."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.referrals.models import (
    OPEN_STATES,
    DeadlineKind,
    EventKind,
    Referral,
    ReferralDeadline,
    ReferralState,
    ReferralUrgency,
)
from benteng.referrals.timeline import record_event

# Used when the deadline table has no row for an urgency (an administrator deleted it).
FALLBACK_HOURS: dict[str, tuple[int, int]] = {
    ReferralUrgency.SEGERA: (4, 24),
    ReferralUrgency.TINGGI: (24, 72),
    ReferralUrgency.BIASA: (72, 168),
}


def due_times(urgency: str, sent_at: datetime.datetime) -> tuple[datetime.datetime, ...]:
    row = ReferralDeadline.objects.filter(urgency=urgency).first()
    hours = (
        (row.acknowledge_hours, row.first_action_hours)
        if row is not None
        else FALLBACK_HOURS.get(urgency, FALLBACK_HOURS[ReferralUrgency.BIASA])
    )
    return (
        sent_at + datetime.timedelta(hours=hours[0]),
        sent_at + datetime.timedelta(hours=hours[1]),
    )


def _overdue_candidates(now: datetime.datetime) -> list[tuple[int, str]]:
    acknowledge = Referral.objects.filter(
        state=ReferralState.SENT, acknowledge_due_at__lt=now
    ).exclude(events__kind=EventKind.OVERDUE, events__deadline=DeadlineKind.ACKNOWLEDGE)
    action = Referral.objects.filter(
        state__in=(ReferralState.SENT, ReferralState.ACKNOWLEDGED), action_due_at__lt=now
    ).exclude(events__kind=EventKind.OVERDUE, events__deadline=DeadlineKind.FIRST_ACTION)
    return [
        *((pk, DeadlineKind.ACKNOWLEDGE.value) for pk in acknowledge.values_list("pk", flat=True)),
        *((pk, DeadlineKind.FIRST_ACTION.value) for pk in action.values_list("pk", flat=True)),
    ]


def referrals_flag_overdue(*, now: datetime.datetime | None = None) -> int:
    """Record an "overdue" event on every open referral past a deadline, once per referral
    and deadline (idempotent: a second run, or two at once, adds nothing). Returns how many
    events were recorded."""
    now = now or timezone.now()
    viewer = Viewer.system(purpose="batas waktu rujukan")
    recorded = 0
    for pk, deadline in _overdue_candidates(now):
        try:
            with transaction.atomic():
                referral = Referral.objects.select_for_update().get(pk=pk)
                if referral.state not in OPEN_STATES:
                    continue
                record_event(
                    referral,
                    EventKind.OVERDUE,
                    viewer,
                    deadline=deadline,
                    at=now,
                )
        except IntegrityError:
            continue  # another run recorded it first
        recorded += 1
    return recorded
