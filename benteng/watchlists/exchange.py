"""Watchlist entries under the cooperation agreements (``benteng.agreements``): an entry sent
to another agency's client system (a webhook) relies on a clause that lets the owner's agency
share watchlist hits for prevention, and carries only the fields that clause allows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from benteng.agreements.models import Purpose
from benteng.agreements.registry import RecordFacts, SharedType, SubjectRef
from benteng.audit.services import object_type_of
from benteng.watchlists.events import PROJECTED_FIELDS
from benteng.watchlists.models import WatchlistEntry

ENTRY_TYPE = object_type_of(WatchlistEntry)


def entry_exchange_facts(ids: list[str]) -> dict[str, RecordFacts]:
    numeric = [int(pk) for pk in ids if str(pk).isdigit()]
    return {
        str(pk): RecordFacts(
            owner_agency=agency,
            owner_office_id=office_id,
            purpose=Purpose.PREVENTION,
            subjects=(SubjectRef(ENTRY_TYPE, pk, nik),),
        )
        for pk, agency, office_id, nik in WatchlistEntry.objects.filter(pk__in=numeric).values_list(
            "pk", "watchlist__owner_agency__kind", "owner_office_id", "nik"
        )
    }


SHARED_TYPES = [
    SharedType(
        record_type=ENTRY_TYPE,
        label=_("Entri daftar pantauan"),
        fields={
            **{name: name for name in PROJECTED_FIELDS if name != "id"},
            "watchlist": "watchlist",
            "owner_office": "owner_office",
            "state": "state",
        },
        facts=entry_exchange_facts,
    )
]
