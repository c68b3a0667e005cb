"""What apps above cases add to a case's changes and page, without cases importing them.

The referrals app sits above cases in the layers, yet the office that sent a referral must
learn how the case it grew from goes on (the sender always learns the outcome). So the case
services call the hooks registered here after a change of legal stage and after the verdict,
inside the change's transaction (a failing hook undoes the change: the case never moves
without its referrals hearing of it). An app registers from its ``AppConfig.ready``, as it
registers its policies. Case panels are HTML fragments an app adds to a case's page (the
referrals the case grew from), rendered for the viewer by that app, through its own access
rules.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

from benteng.access.viewer import Viewer

if TYPE_CHECKING:
    from benteng.cases.models import Case


@dataclass(frozen=True)
class CaseProgress:
    """A case's new legal stage, its date and, with the verdict (putusan), the verdict."""

    stage: str
    on: datetime.date
    verdict: str = ""


# (viewer who made the change, the case as changed, what changed)
CaseProgressHook = Callable[[Viewer, "Case", CaseProgress], None]
# (viewer, the case) -> HTML for the case's page, or ""
CasePanel = Callable[[Viewer, "Case"], SafeString | str]

_progress_hooks: list[CaseProgressHook] = []
_case_panels: list[CasePanel] = []


def register_case_progress_hook(hook: CaseProgressHook) -> None:
    """Call ``hook`` after every change of a case's legal stage, the verdict included."""
    if hook not in _progress_hooks:
        _progress_hooks.append(hook)


def run_case_progress_hooks(viewer: Viewer, case: Case, progress: CaseProgress) -> None:
    """Call inside the transaction that changed the case."""
    for hook in _progress_hooks:
        hook(viewer, case, progress)


def register_case_panel(panel: CasePanel) -> None:
    """Show ``panel``'s fragment on every case's page."""
    if panel not in _case_panels:
        _case_panels.append(panel)


def case_panels(viewer: Viewer, case: Case) -> list[SafeString | str]:
    """The fragments of the registered panels for this case and viewer (empty ones left out)."""
    return [html for html in (panel(viewer, case) for panel in _case_panels) if html]
