"""Who reads the exchange ledger.

The ledger of an agency (what it shared with whom and received from whom, counts per clause
and recipient) is read by that agency's analysts and office heads (``Role.PIMPINAN``): it names
records by id, never a person. The ledger of one person (searched by NIK, or opened from a
record) says whose data went where: personal data, so only the analysts of an agency that
took part read it. Rows are always those the viewer's agency sent or received: the other
agency's exchanges with a third party are not shown. Administrators keep the agreements in
the admin site and read no ledger; Benteng itself (a task with a stated purpose) reads all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import Agency, AgencyKind, Role
from benteng.agreements.models import Exchange, ExchangeSubject

# The agencies that exchange data under an agreement (a village office does not read one).
EXCHANGING_AGENCIES = frozenset({AgencyKind.IMIGRASI, AgencyKind.POLRI, AgencyKind.BP3MI})
ANALYSTS = frozenset({Role.ANALIS_IMIGRASI, Role.ANALIS_POLRI})


def may_read_exchange_ledger(viewer: Viewer) -> bool:
    """Analysts and office heads of an exchanging agency open its ledger."""
    if viewer.kind is not ViewerKind.USER:
        return False
    if viewer.agency_kind not in EXCHANGING_AGENCIES:
        return False
    return viewer.role in ANALYSTS | {Role.PIMPINAN}


def may_read_person_exchanges(viewer: Viewer) -> bool:
    """Analysts of an exchanging agency look up who received one person's data."""
    if viewer.kind is not ViewerKind.USER:
        return False
    if viewer.agency_kind not in EXCHANGING_AGENCIES:
        return False
    return viewer.role in ANALYSTS


def _own_agency(viewer: Viewer, prefix: str = "") -> Q:
    """The lines the viewer's agency sent or received, by the agency's id (so the two
    indexes on sender and recipient serve the OR, where a join to the agency would not)."""
    agency_id = Agency.objects.filter(kind=viewer.agency_kind).values_list("pk", flat=True).first()
    if agency_id is None:
        return NOTHING
    return Q(**{f"{prefix}sender_agency_id": agency_id}) | Q(
        **{f"{prefix}recipient_agency_id": agency_id}
    )


class ExchangePolicy(RecordPolicy[Exchange]):
    model = Exchange

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if not may_read_exchange_ledger(viewer):
            return NOTHING
        return _own_agency(viewer)


class ExchangeSubjectPolicy(RecordPolicy[ExchangeSubject]):
    model = ExchangeSubject

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if not may_read_person_exchanges(viewer):
            return NOTHING
        return _own_agency(viewer, "exchange__")


POLICIES: list[RecordPolicy[Any]] = [ExchangePolicy(), ExchangeSubjectPolicy()]
