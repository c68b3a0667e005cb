"""The events referrals publish for client systems, and how a referral is shown to one.

A police or immigration system of an office subscribes to these (scopes ``webhooks`` and
``referral:read``) and learns of the referrals its office sent or received: a new one, and
every change of state, with the outcome and the LP number when closed. A referral's people,
files and comments never leave through a webhook: the subscriber reads them, where its
agreement allows, through the referral's page.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from benteng.access.viewer import Viewer
from benteng.outbox.services import publish
from benteng.referrals.models import EventKind, Referral, ReferralEvent

REFERRAL_CREATED = "referral.created"
REFERRAL_STATE_CHANGED = "referral.state_changed"
KINDS = {
    REFERRAL_CREATED: _("Rujukan dikirim"),
    REFERRAL_STATE_CHANGED: _("Status rujukan berubah (diterima, diproses, selesai, dikembalikan)"),
}
# The timeline events that are a change of state (a comment or a file is not).
_STATE_EVENTS = {
    EventKind.ACKNOWLEDGED,
    EventKind.ASSIGNED,
    EventKind.CLOSED,
    EventKind.RETURNED,
}


def referral_event_published(referral: Referral, event: ReferralEvent) -> None:
    """The event of a new referral or of a change of its state, in the caller's transaction:
    ids and states only."""
    if event.kind == EventKind.SENT:
        kind = REFERRAL_CREATED
    elif event.kind in _STATE_EVENTS:
        kind = REFERRAL_STATE_CHANGED
    else:
        return
    publish(
        kind,
        obj_type=Referral,
        obj_id=referral.pk,
        data={"state": referral.state, "from_state": event.from_state or None},
        occurred_at=event.at,
    )


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def referrals_projected(viewer: Viewer, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The referrals of ``ids`` the viewer may see: the referral's own facts (offices, urgency,
    state and its times, outcome, LP number), never its people, files or comments."""
    numeric = [int(pk) for pk in ids if pk.isdigit()]
    found = (
        Referral.objects.visible_to(viewer)
        .filter(pk__in=numeric)
        .select_related("sender_office", "receiving_office")
    )
    return {
        str(referral.pk): {
            "id": referral.pk,
            "number": referral.number,
            "sender_office": referral.sender_office.code,
            "receiving_office": referral.receiving_office.code,
            "reason_category": referral.reason_category,
            "urgency": referral.urgency,
            "state": referral.state,
            "sent_at": _iso(referral.sent_at),
            "acknowledged_at": _iso(referral.acknowledged_at),
            "closed_at": _iso(referral.closed_at),
            "returned_at": _iso(referral.returned_at),
            "outcome": referral.outcome or None,
            "lp_number": referral.lp_number or None,
            "lp_date": _iso(referral.lp_date),
        }
        for referral in found
    }
