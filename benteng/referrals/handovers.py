"""The referral a counter "refer to police" or a TPI "hand over to police" makes (registered
with screening's hooks, ``panels.py``), and the police office it goes to."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import AgencyKind, Office, OfficeKind
from benteng.accounts.selectors import offices_responsible_for
from benteng.identity import region_code_for_identity
from benteng.referrals.models import ReasonCategory, Referral, ReferralUrgency
from benteng.referrals.services import TEXT_LIMIT, referral_send
from benteng.screening.models import DepartureCheck, PassportApplication


def police_office_for(record: PassportApplication | DepartureCheck) -> Office | None:
    """The police office a hand-over goes to: the Polres covering the person's region (the
    desa, else what the NIK names), else its Polda, else the regional police."""
    offices: list[Office] = []
    region_code = record.region_id or region_code_for_identity(
        desa_code=None, nik=record.nik or None
    )
    if region_code:
        offices = offices_responsible_for(region_code=region_code, agency_kind=AgencyKind.POLRI)
    for kind in (OfficeKind.POLRES, OfficeKind.POLDA):
        for office in offices:
            if office.kind == kind:
                return office
    return (
        Office.objects.filter(kind=OfficeKind.POLDA, is_active=True)
        .select_related("agency")
        .order_by("pk")
        .first()
    )


def referral_from_hand_over(viewer: Viewer, record: Any, decision: Any) -> Referral | None:
    """The referral a counter "refer to police" or a TPI "hand over to police" makes: from
    the deciding office to the police office covering the person, urgent at the TPI (the
    passenger is at the airport), high at the counter. Once per decision."""
    origin_key = origin_key_of(decision)
    existing = Referral.objects.filter(origin_key=origin_key).first()
    if existing is not None:
        return existing
    office = police_office_for(record)
    if office is None:
        return None
    is_departure = isinstance(record, DepartureCheck)
    return referral_send(
        viewer=viewer,
        receiving_office=office,
        reason_category=(
            ReasonCategory.NON_PROCEDURAL_PMI
            if getattr(decision, "reason", "") == "indikasi_pmi_nonprosedural"
            else ReasonCategory.TRAFFICKING_VICTIM
        ),
        # The decision's note is the reason; a note longer than a referral's reason is cut
        # rather than refusing the decision it belongs to.
        reason=(decision.note or _("Diserahkan kepada kepolisian."))[:TEXT_LIMIT],
        urgency=ReferralUrgency.SEGERA if is_departure else ReferralUrgency.TINGGI,
        application=None if is_departure else record,
        departure_check=record if is_departure else None,
        origin_key=origin_key,
        sent_at=decision.decided_at,
    )


ORIGIN_PREFIXES = {
    "applicationdecision": "application_decision",
    "departuredecision": "departure_decision",
}


def origin_key_of(decision: Any) -> str:
    """``application_decision:<id>`` or ``departure_decision:<id>`` (the data migration of
    stored decisions writes the same keys)."""
    return f"{ORIGIN_PREFIXES[decision._meta.model_name]}:{decision.pk}"
