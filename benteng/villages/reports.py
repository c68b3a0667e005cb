"""The village reports on the village profile and the outreach list.

The profile's section shows the reports of the desa the viewer may see (through the reports'
own policy, read and audited there), counted by kind and by status, with the recent recruiter
reports as links. The indicator counts the recruiter reports of the last 12 months that were
not closed as not borne out — a count without a person, the same reports the counter's village
signal counts — so that every viewer of the profile gets the same indicator.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.village_reports.access import may_open_village_reports
from benteng.village_reports.models import ReportKind, ReportStatus
from benteng.village_reports.selectors import desa_report_summary, recruiter_report_counts
from benteng.villages.contributions import (
    RECENT_DAYS,
    Contributed,
    ProfileContribution,
    ProfileInput,
    ProfileSection,
    counted,
    register_profile_contribution,
)


def _since(today: datetime.date, days: int) -> datetime.datetime:
    day = today - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def report_contribution(given: ProfileInput) -> Contributed:
    code = given.village.region_id
    since = _since(given.today, RECENT_DAYS)
    recruiters = recruiter_report_counts([code], since=since).get(code, 0)
    indicator = counted(
        "laporan_perekrut",
        _("Laporan desa tentang perekrut/calo (12 bulan)"),
        weight=8,
        cap=32,
        viewer=given.viewer,
        count=recruiters,
        evidence=_(
            "%(count)s laporan desa tentang perekrut atau warga yang akan berangkat lewat calo "
            "dalam 12 bulan terakhir (yang ditutup tidak terbukti tidak dihitung)"
        ),
    )
    if not may_open_village_reports(given.viewer):
        return Contributed(indicators=[indicator])
    summary = desa_report_summary(given.viewer, code, since=since)
    section = ProfileSection(
        key="laporan",
        title=_("Laporan desa (12 bulan)"),
        template="villages/profile/_reports.html",
        context={
            "total": summary.total,
            "by_kind": [
                (label, summary.by_kind[value])
                for value, label in ReportKind.choices
                if summary.by_kind.get(value)
            ],
            "by_status": [
                (label, summary.by_status[value])
                for value, label in ReportStatus.choices
                if summary.by_status.get(value)
            ],
            "recruiter_reports": [
                {
                    "pk": report.pk,
                    "number": report.number,
                    "filed_at": report.filed_at,
                    "status": ReportStatus(report.status).label,
                }
                for report in summary.recent_recruiter_reports
            ],
        },
    )
    return Contributed(sections=[section], indicators=[indicator])


def register() -> None:
    register_profile_contribution(
        ProfileContribution(key="village_reports", order=30, contribute=report_contribution)
    )
