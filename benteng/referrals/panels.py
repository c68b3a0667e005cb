"""What the referrals app adds to the apps below it, through their hooks (registered from
``ReferralsConfig.ready``):

- screening (``benteng.screening.hooks``): the referral a hand-over to police makes, and the
  panel on an application's or departure check's page listing its referrals with their
  outcome and the stage of the case they grew from;
- cases (``benteng.cases.hooks``): every change of a case's legal stage and its verdict
  reaches the referrals it grew from — a line on their timeline and a notification to the
  officer who sent each — and the case's page lists those referrals.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from benteng.access.viewer import Viewer
from benteng.cases.hooks import CaseProgress, register_case_panel, register_case_progress_hook
from benteng.referrals.access import may_open_referrals, may_send_referrals
from benteng.referrals.case_link import referrals_case_progress
from benteng.referrals.handovers import referral_from_hand_over
from benteng.referrals.selectors import referrals_about_record, referrals_of_case


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


def case_progress_hook(viewer: Viewer, case: Any, progress: CaseProgress) -> None:
    referrals_case_progress(viewer=viewer, case=case, progress=progress)


def case_panel(viewer: Viewer, case: Any) -> SafeString | str:
    """On a case's page: the referrals it grew from (number, sending office, a link where the
    viewer may see the referral)."""
    referrals = referrals_of_case(viewer=viewer, case=case)
    if not referrals:
        return ""
    return render_to_string("referrals/_case_panel.html", {"referrals": referrals})


def register_with_cases() -> None:
    """Hear of every case's progress and show the referrals on its page (from
    ``ReferralsConfig.ready``)."""
    register_case_progress_hook(case_progress_hook)
    register_case_panel(case_panel)
