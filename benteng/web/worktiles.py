"""The work tiles of a home page: each a count of the viewer's own work that links to its list.

A tile appears only when the viewer may open the page it links to (the predicates of
``benteng/screening/access.py``); counts come from ``screening_home_figures``, which reads
through ``visible_to``; the referral tiles from ``referrals.selectors.inbox_counts``, likewise;
the police's case tile counts the cases of their list (``benteng/cases/``); the village team's
tiles count the reports of their desa not yet closed (``village_reports.selectors.home_count``),
their Desa Binaan and the outreach of the last 90 days, and the outreach planners' the villages
with border events in that window (``benteng/villages/selectors.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_read
from benteng.cases.access import may_read_cases
from benteng.cases.selectors import case_count
from benteng.cooperation.access import may_book_facility
from benteng.cooperation.selectors import office_booking_count
from benteng.referrals.access import may_open_referrals
from benteng.referrals.selectors import INCOMING, OPEN, OUTGOING, inbox_counts
from benteng.screening.access import (
    may_open_applications,
    may_open_departures,
    may_read_decision_oversight,
    may_read_referred,
    may_screen_departures,
)
from benteng.screening.models import DepartureCheck, DepartureOutcome
from benteng.screening.worklists import (
    DUE_SOON,
    HITS_AWAITING,
    OVERDUE,
    screening_home_figures,
)
from benteng.village_reports.access import may_file_village_reports
from benteng.village_reports.selectors import home_count as village_reports_open_count
from benteng.villages.access import may_read_outreach_list, may_record_outreach
from benteng.villages.selectors import village_tile_counts

HANDED_OVER_ANCHOR = "diserahkan"
HANDED_OVER_SHOWN = 10


@dataclass(frozen=True)
class WorkTile:
    key: str
    label: str | Promise
    count: int
    url: str


def work_tiles(viewer: Viewer) -> list[WorkTile]:
    """The viewer's tiles, in the order of their working day."""
    figures = screening_home_figures(viewer)
    applications = reverse("screening:applications")
    tiles = []
    if "waiting" in figures and may_open_applications(viewer):
        tiles += [
            WorkTile(
                "screened_today", _("Disaring hari ini"), figures["screened_today"], applications
            ),
            WorkTile(
                "waiting",
                _("Menunggu keputusan"),
                figures["waiting"],
                f"{applications}?status=disaring",
            ),
            WorkTile(
                "due_soon",
                _("Penundaan jatuh tempo 7 hari"),
                figures["due_soon"],
                f"{applications}?due={DUE_SOON}",
            ),
            WorkTile(
                "overdue",
                _("Penundaan lewat batas"),
                figures["overdue"],
                f"{applications}?due={OVERDUE}",
            ),
        ]
    if "application_hits_awaiting" in figures and may_open_applications(viewer):
        tiles.append(
            WorkTile(
                "application_hits_awaiting",
                _("Hit menunggu tindak lanjut"),
                figures["application_hits_awaiting"],
                f"{applications}?follow_up={HITS_AWAITING}",
            )
        )
    if "checks_today" in figures and may_screen_departures(viewer):
        checks = reverse("screening:departure_check")
        tiles += [
            WorkTile("checks_today", _("Pemeriksaan hari ini"), figures["checks_today"], checks),
            WorkTile(
                "delays_today", _("Ditunda/diserahkan hari ini"), figures["delays_today"], checks
            ),
            WorkTile(
                "departure_hits_awaiting",
                _("Hit menunggu keputusan"),
                figures["departure_hits_awaiting"],
                f"{checks}?follow_up={HITS_AWAITING}",
            ),
        ]
    if "warning_overrides" in figures and may_read_decision_oversight(viewer):
        tiles.append(
            WorkTile(
                "warning_overrides",
                _("Diteruskan meski ada hit/risiko tinggi (30 hari)"),
                figures["warning_overrides"],
                reverse("screening:decision_oversight"),
            )
        )
    if "applications_for_police" in figures and may_open_applications(viewer):
        tiles.append(
            WorkTile(
                "applications_for_police",
                _("Permohonan dirujuk/hit daftar polisi"),
                figures["applications_for_police"],
                applications,
            )
        )
    if "departures_handed_over" in figures and may_open_departures(viewer):
        tiles.append(
            WorkTile(
                "departures_handed_over",
                _("Penumpang diserahkan ke polisi"),
                figures["departures_handed_over"],
                f"#{HANDED_OVER_ANCHOR}",
            )
        )
    if may_open_referrals(viewer):
        tiles += _referral_tiles(viewer)
    if may_file_village_reports(viewer):
        tiles.append(
            WorkTile(
                "village_reports_open",
                _("Laporan desa belum selesai"),
                village_reports_open_count(viewer),
                reverse("village_reports:list"),
            )
        )
    if may_read_cases(viewer):
        tiles.append(
            WorkTile(
                "cases", _("Kasus TPPO/TPPM"), case_count(viewer=viewer), reverse("cases:index")
            )
        )
    if may_book_facility(viewer):
        tiles.append(
            WorkTile(
                "facility_bookings",
                _("Pemesanan fasilitas bersama mendatang"),
                office_booking_count(viewer=viewer),
                reverse("cooperation:bookings"),
            )
        )
    tiles += _village_tiles(viewer)
    return tiles


def _village_tiles(viewer: Viewer) -> list[WorkTile]:
    team = may_record_outreach(viewer)
    planner = may_read_outreach_list(viewer)
    if not (team or planner):
        return []
    counts = village_tile_counts(viewer=viewer)
    tiles = []
    if team:
        tiles += [
            WorkTile(
                "villages", _("Desa Binaan saya"), counts["villages"], reverse("villages:index")
            ),
            WorkTile(
                "village_outreach_recent",
                _("Penyuluhan 90 hari terakhir"),
                counts["outreach_recent"],
                reverse("villages:totals"),
            ),
        ]
    if planner:
        tiles.append(
            WorkTile(
                "villages_to_visit",
                _("Desa dengan peristiwa perbatasan (90 hari)"),
                counts["with_border_events"],
                reverse("villages:outreach_list"),
            )
        )
    return tiles


def _referral_tiles(viewer: Viewer) -> list[WorkTile]:
    counts = inbox_counts(viewer)
    inbox = reverse("referrals:inbox")
    return [
        WorkTile(
            "referrals_incoming_open",
            _("Rujukan masuk belum selesai"),
            counts["incoming_open"],
            f"{inbox}?arah={INCOMING}&status={OPEN}",
        ),
        WorkTile(
            "referrals_incoming_overdue",
            _("Rujukan masuk lewat batas waktu"),
            counts["incoming_overdue"],
            f"{inbox}?arah={INCOMING}&lewat_batas=on",
        ),
        WorkTile(
            "referrals_outgoing_open",
            _("Rujukan keluar belum selesai"),
            counts["outgoing_open"],
            f"{inbox}?arah={OUTGOING}&status={OPEN}",
        ),
    ]


def departures_handed_over(viewer: Viewer) -> list[DepartureCheck] | None:
    """The latest passengers handed over to police that the viewer may see, audited; None for
    viewers who do not work with hand-overs."""
    if not (may_read_referred(viewer) and may_open_departures(viewer)):
        return None
    checks = list(
        DepartureCheck.objects.visible_to(viewer)
        .filter(outcome=DepartureOutcome.HAND_OVER)
        .select_related("office")
        .only("pk", "reference", "checked_at", "office__name")
        .order_by("-checked_at", "-pk")[:HANDED_OVER_SHOWN]
    )
    audit_record_read(viewer=viewer, objects=checks, action=AuditAction.LIST)
    return checks
