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

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from benteng.access.viewer import Viewer
from benteng.core.risk import VillageReportMatch

# (viewer, the application or departure check, the decision entry just recorded)
HandOverHook = Callable[[Viewer, Any, Any], None]
# (viewer, the application or departure check) -> HTML for the record's page, or ""
RecordPanel = Callable[[Viewer, Any], SafeString | str]


@dataclass(frozen=True)
class VillageSignalQuery:
    """What screening asks of the village reports: the person's desa (blank when unknown),
    the sponsor named (its name key and normalised phone, blank when none), and the windows."""

    desa_code: str
    sponsor_key: str
    sponsor_phone: str
    recent_since: datetime.datetime
    match_since: datetime.datetime


@dataclass(frozen=True)
class VillageSignal:
    """The answer: recent recruiter reports of the desa and the reports naming the sponsor as
    a recruiter (never the reporter), and the report rows read, for the audit trail."""

    desa_name: str
    recent_reports: int
    sponsor_matches: tuple[VillageReportMatch, ...] = ()
    read: tuple[Any, ...] = ()


# (query) -> the signal; registered by the village reports app.
VillageSignalProvider = Callable[[VillageSignalQuery], VillageSignal]

# The ids of the records (an application's or a departure check's, by the referral's field
# "application_id" / "departure_check_id") referred to the viewer's office, as a query.
ReferredRecords = Callable[[Viewer, str], Any]

_hand_over_hooks: list[HandOverHook] = []
_referred_records: list[ReferredRecords] = []
_village_signal_providers: list[VillageSignalProvider] = []
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


def register_village_signal_provider(provider: VillageSignalProvider) -> None:
    """Let ``provider`` answer what village reports say about a screened person."""
    if provider not in _village_signal_providers:
        _village_signal_providers.append(provider)


def village_signal(query: VillageSignalQuery) -> VillageSignal | None:
    """The village signal of the registered provider; ``None`` while none is registered (the
    rule is then reported as not evaluated)."""
    for provider in _village_signal_providers:
        return provider(query)
    return None


def register_referred_records(provider: ReferredRecords) -> None:
    """Let ``provider`` name the records referred to a viewer's office (the referrals app)."""
    if provider not in _referred_records:
        _referred_records.append(provider)


def referred_records(viewer: Viewer, field: str) -> list[Any]:
    """The registered providers' queries of the record ids referred to the viewer's office."""
    return [provider(viewer, field) for provider in _referred_records]
