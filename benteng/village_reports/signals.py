"""The village signal screening asks for (registered with ``screening.hooks`` from
``VillageReportsConfig.ready``): on the counter's hot path, so two indexed queries at most —
the desa's recent recruiter reports (``vreport_recruiter_idx``: desa, filed_at, partial on
``mentions_recruiter``) and the recruiters named like the sponsor (the phone index and
``vrperson_recruiter_name_idx``). It reads as Benteng itself (the counter officer cannot open
village reports); what it returns is the report numbers and the desa, never a person of the
report and never the reporter. The screening service audits the reports read.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from benteng.core.risk import VillageReportMatch
from benteng.screening.hooks import VillageSignal, VillageSignalQuery
from benteng.village_reports.models import PersonRole, VillageReport, VillageReportPerson

# More recent reports than this are counted as this many (the evidence says "at least").
RECENT_LIMIT = 200
MATCH_LIMIT = 5


def village_signal(query: VillageSignalQuery) -> VillageSignal:
    desa_name = ""
    recent: list[tuple[int, datetime.datetime]] = []
    if query.desa_code:
        rows = list(
            VillageReport.objects.filter(
                village_id=query.desa_code,
                mentions_recruiter=True,
                unfounded=False,
                filed_at__gte=query.recent_since,
            )
            .order_by("-filed_at")
            .values_list("pk", "filed_at", "village__name")[:RECENT_LIMIT]
        )
        recent = [(pk, filed_at) for pk, filed_at, _name in rows]
        desa_name = rows[0][2] if rows else ""
    matches: list[VillageReportMatch] = []
    read = {pk: VillageReport(pk=pk, filed_at=filed_at) for pk, filed_at in recent}
    named = Q()
    if query.sponsor_phone:
        named |= Q(phone=query.sponsor_phone)
    if query.sponsor_key:
        named |= Q(name_key=query.sponsor_key)
    if named:
        rows_matched = (
            VillageReportPerson.objects.filter(
                named,
                role=PersonRole.RECRUITER,
                report__unfounded=False,
                report__filed_at__gte=query.match_since,
            )
            .order_by("-report__filed_at")
            .values_list("report_id", "report__filed_at", "report__village__name", "phone")[
                :MATCH_LIMIT
            ]
        )
        for report_id, filed_at, name, phone in rows_matched:
            report = read.setdefault(report_id, VillageReport(pk=report_id, filed_at=filed_at))
            on_phone = bool(query.sponsor_phone) and phone == query.sponsor_phone
            matches.append(
                VillageReportMatch(
                    report_number=report.number,
                    desa_name=name,
                    matched_on="phone" if on_phone else "sponsor",
                )
            )
    return VillageSignal(
        desa_name=desa_name,
        recent_reports=len(recent),
        sponsor_matches=tuple(matches),
        read=tuple(read.values()),
    )
