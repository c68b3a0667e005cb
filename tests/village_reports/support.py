"""Shared helpers of the village report tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from benteng.access.viewer import Viewer
from benteng.village_reports.models import VillageReport
from benteng.village_reports.services import PersonInput, PhotoInput, ReportInput, report_file

RECRUITER_NAME = "Haji Dadang Suparman"
RECRUITER_PHONE = "0812-7777-3131"
REPORTER = "Ibu Warsih Kartini"
REPORTER_PHONE = "0813-1111-2222"


def viewer_of(user: Any) -> Viewer:
    return Viewer.for_user(user, purpose="uji")


def recruiter_report(
    user: Any,
    *,
    desa_code: str | None = None,
    photos: Sequence[PhotoInput] = (),
    **values: Any,
) -> VillageReport:
    viewer = viewer_of(user)
    data = ReportInput(
        desa_code=desa_code or sorted(viewer.village_codes)[0],
        kind="perekrut",
        summary="Seorang calo menawarkan kerja di Malaysia kepada pemuda di pos ronda.",
        seen_on="01-12-2026",
        vehicle="Avanza hitam A 1234 XY",
        approached="tiga pemuda RT 02",
        reporter_name=REPORTER,
        reporter_phone=REPORTER_PHONE,
        draft_uuid=str(uuid.uuid4()),
    )
    for name, value in values.items():
        setattr(data, name, value)
    report, _created = report_file(
        viewer=viewer,
        data=data,
        people=[PersonInput(role="perekrut", full_name=RECRUITER_NAME, phone=RECRUITER_PHONE)],
        photos=photos,
    )
    return report
