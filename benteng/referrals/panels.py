"""What the referrals app adds to screening: the referral a hand-over to police makes, and the
panel on an application's or departure check's page listing its referrals with their outcome
(registered with ``benteng.screening.hooks`` from ``ReferralsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from benteng.access.viewer import Viewer
from benteng.referrals.access import may_open_referrals, may_send_referrals
from benteng.referrals.selectors import referrals_about_record
from benteng.referrals.services import referral_from_hand_over


def hand_over_hook(viewer: Viewer, record: Any, decision: Any) -> None:
    referral_from_hand_over(viewer, record, decision)


def record_panel(viewer: Viewer, record: Any) -> SafeString | str:
    """The referrals about this record the viewer may see, and a link to refer it."""
    if not may_open_referrals(viewer):
        return ""
    referrals = referrals_about_record(viewer=viewer, record=record)
    kind = "departure" if record._meta.model_name == "departurecheck" else "application"
    return render_to_string(
        "referrals/_record_panel.html",
        {
            "referrals": referrals,
            "record": record,
            "kind": kind,
            "can_send": may_send_referrals(viewer),
        },
    )
