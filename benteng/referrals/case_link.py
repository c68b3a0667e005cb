"""A referral and the case it became: the case a closing "case opened" links or opens, and
the case's progress told to the referrals it grew from (registered with cases' hooks)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_read, audit_record_write
from benteng.cases.access import may_open_case
from benteng.cases.hooks import CaseProgress
from benteng.cases.models import Case, Stage, Verdict
from benteng.cases.services import CaseInvalid, case_open
from benteng.cases.validation import lp_number_normalize, lp_number_problem
from benteng.notifications.models import NotificationKind
from benteng.notifications.services import notify
from benteng.problems import FieldProblems
from benteng.referrals.errors import ReferralInvalid
from benteng.referrals.models import EventKind, Referral
from benteng.referrals.timeline import record_event

# The case's problems shown on the close form's own fields; the rest at the top of the form.
CASE_PROBLEM_FIELDS = frozenset({"lp_number", "lp_date", "kind", "modus"})


def case_for_closing(
    viewer: Viewer,
    referral: Referral,
    *,
    lp_number: str,
    lp_date: datetime.date,
    kind: str,
    modus: str,
) -> Case:
    """The case a referral closed "case opened" is linked to: the receiving office's case with
    that LP number when the viewer may see it (and the LP date agrees), else the case the
    viewer opens now (an investigator), else ``ReferralInvalid`` — an analyst links a case, an
    investigator opens one. Call inside the closing's transaction: an opened case is undone
    with it.

    The LP number is checked once on each path (``lp_number_problem``): by ``case_open`` for a
    case opened now, here for a number that finds no case; a case found was checked when it
    was opened."""
    number = lp_number_normalize(lp_number)
    existing = (
        Case.objects.visible_to(viewer)
        .filter(handling_office_id=referral.receiving_office_id, lp_number=number)
        .first()
        if number
        else None
    )
    if existing is not None:
        if existing.lp_date != lp_date:
            raise ReferralInvalid(
                {
                    "lp_date": [
                        _(
                            "Kasus dengan nomor LP %(number)s bertanggal %(date)s; periksa "
                            "tanggal atau nomor Laporan Polisi."
                        )
                        % {"number": number, "date": existing.lp_date.strftime("%d-%m-%Y")}
                    ]
                }
            )
        audit_record_read(
            viewer=viewer, objects=[existing], detail={"referral": referral.pk, "as": "link"}
        )
        return existing
    if not may_open_case(viewer):
        if problem := lp_number_problem(number, lp_date):
            raise ReferralInvalid({"lp_number": [problem]})
        raise ReferralInvalid(
            {
                "lp_number": [
                    _(
                        "Tidak ada kasus dengan nomor LP %(number)s di %(office)s yang dapat "
                        "Anda lihat. Kasus baru hanya dapat dibuka oleh penyidik; Anda dapat "
                        "menautkan kasus yang sudah ada."
                    )
                    % {"number": number, "office": referral.receiving_office.name}
                ]
            }
        )
    try:
        return case_open(
            viewer=viewer,
            kind=kind,
            lp_number=number,
            lp_date=lp_date,
            handling_office=referral.receiving_office,
            modus=modus,
        )
    except CaseInvalid as error:
        problems: FieldProblems = {}
        for name, messages in error.errors.items():
            key = name if name in CASE_PROBLEM_FIELDS else None
            problems.setdefault(key, []).extend(messages)
        raise ReferralInvalid(problems) from None


def referrals_case_progress(*, viewer: Viewer, case: Case, progress: CaseProgress) -> int:
    """The case moved to a new legal stage or got its verdict: each referral it grew from
    gets a "case progress" line on its timeline, and its sender a notification naming the LP
    number and the stage or verdict (never a person) — the sender always learns the outcome.
    Called by the cases app's hook inside the case's transaction; returns how many referrals
    heard of it."""
    referrals = list(
        # Only the referral rows are locked (the sender may be missing: an outer join).
        Referral.objects.select_for_update(of=("self",))
        .filter(case_id=case.pk)
        .select_related("sender_office", "receiving_office", "sent_by")
        .order_by("pk")
    )
    outcome = Verdict(progress.verdict).label if progress.verdict else Stage(progress.stage).label
    for referral in referrals:
        event = record_event(referral, EventKind.CASE_PROGRESS, viewer)
        event.case_stage = progress.stage
        event.case_stage_on = progress.on
        event.case_verdict = progress.verdict
        event.save(update_fields=["case_stage", "case_stage_on", "case_verdict"])
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=event,
            changed_fields=[
                "case_stage",
                "case_stage_on",
                *(["case_verdict"] if progress.verdict else []),
            ],
        )
        if referral.sent_by is not None:
            notify(
                recipients=[referral.sent_by],
                kind=NotificationKind.CASE_OUTCOME,
                params={"number": case.lp_number, "outcome": outcome},
                link=reverse("referrals:detail", args=[referral.pk]),
                target=referral,
            )
    return len(referrals)
