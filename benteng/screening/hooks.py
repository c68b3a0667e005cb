"""What apps above screening add to its decisions and pages, without screening importing them.

Screening sits below the exchange capability in the layers, so a decision that hands a person
to another agency ("refer to police" at the counter, "hand over to police" at the TPI) calls
the hooks registered here, inside the decision's transaction (a failing hook undoes the
decision: it is not taken without its referral). An app registers from its
``AppConfig.ready``, as it registers its policies. Record panels are HTML fragments an app adds
to an application's or departure check's page (the referrals about the record, with their
outcome), rendered for the viewer by the app itself, through its own access rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

from benteng.access.viewer import Viewer

# (viewer, the application or departure check, the decision entry just recorded)
HandOverHook = Callable[[Viewer, Any, Any], None]
# (viewer, the application or departure check) -> HTML for the record's page, or ""
RecordPanel = Callable[[Viewer, Any], SafeString | str]

_hand_over_hooks: list[HandOverHook] = []
_record_panels: list[RecordPanel] = []


def register_hand_over_hook(hook: HandOverHook) -> None:
    """Call ``hook`` after every decision that hands a person to police."""
    if hook not in _hand_over_hooks:
        _hand_over_hooks.append(hook)


def run_hand_over_hooks(viewer: Viewer, record: Any, decision: Any) -> None:
    for hook in _hand_over_hooks:
        hook(viewer, record, decision)


def register_record_panel(panel: RecordPanel) -> None:
    """Show ``panel``'s fragment on every application and departure check page."""
    if panel not in _record_panels:
        _record_panels.append(panel)


def record_panels(viewer: Viewer, record: Any) -> list[SafeString | str]:
    """The fragments of the registered panels for this record and viewer (empty ones left out)."""
    return [html for html in (panel(viewer, record) for panel in _record_panels) if html]
