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
from benteng.cases.models import Case as PoliceCase
from benteng.outbox.services import publish
from benteng.referrals.access import CASE_STATUS_FIELDS
from benteng.referrals.models import EventKind, Referral, ReferralEvent

REFERRAL_CREATED = "referral.created"
REFERRAL_STATE_CHANGED = "referral.state_changed"
REFERRAL_CASE_PROGRESS = "referral.case_progress"
KINDS = {
    REFERRAL_CREATED: _("Rujukan dikirim"),
    REFERRAL_STATE_CHANGED: _("Status rujukan berubah (diterima, diproses, selesai, dikembalikan)"),
    REFERRAL_CASE_PROGRESS: _("Perkembangan kasus dari rujukan (tahap, putusan)"),
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
    elif event.kind == EventKind.CASE_PROGRESS:
        kind = REFERRAL_CASE_PROGRESS
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


def _case_status(case: PoliceCase | None) -> dict[str, Any] | None:
    if case is None:
        return None
    return {
        "lp_number": case.lp_number,
        "kind": case.kind,
        "stage": case.stage,
        "stage_on": _iso(case.stage_on),
        "verdict": case.verdict or None,
    }


def referrals_projected(viewer: Viewer, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The referrals of ``ids`` the viewer may see: the referral's own facts (offices, urgency,
    state and its times, outcome, LP number) and the status of the case it became (what every
    reader of the referral sees of it: ``CASE_STATUS_FIELDS``), never its people, files,
    comments, or the case's persons."""
    numeric = [int(pk) for pk in ids if pk.isdigit()]
    found = list(
        Referral.objects.visible_to(viewer)
        .filter(pk__in=numeric)
        .select_related("sender_office", "receiving_office")
    )
    return {str(facts["id"]): facts for facts in referral_facts(found)}


def referral_facts(referrals: list[Referral]) -> list[dict[str, Any]]:
    """The projection of referrals already read through the access layer (with their offices
    selected): one query for the cases they became, whatever their number."""
    case_ids = [referral.case_id for referral in referrals if referral.case_id]
    cases = (
        {
            case.pk: case
            for case in PoliceCase.objects.only(*CASE_STATUS_FIELDS).filter(pk__in=case_ids)
        }
        if case_ids
        else {}
    )
    return [
        {
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
            "case": _case_status(cases.get(referral.case_id or 0)),
        }
        for referral in referrals
    ]
