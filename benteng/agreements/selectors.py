"""Reading the exchange ledger: an agency's exchanges and one person's, every read audited
with its filters (a NIK searched for is kept in the trail like every search term)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency
from benteng.agreements.access import may_read_exchange_ledger, may_read_person_exchanges
from benteng.agreements.basis import nik_hash
from benteng.agreements.models import Clause, Exchange, ExchangeSubject
from benteng.audit.services import audit_record_list

LEDGER_LIMIT = 50
# Without a period, the ledger shows the last 30 days (counts included).
DEFAULT_DAYS = 30
PERSON_LIMIT = 200


class LedgerRefused(PermissionError):
    """The viewer may not read this ledger."""


@dataclass(frozen=True)
class LedgerFilter:
    since: datetime.date | None = None
    until: datetime.date | None = None
    recipient: str = ""  # an AgencyKind
    clause_id: int | None = None
    channel: str = ""

    def terms(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "recipient": self.recipient,
            "clause": self.clause_id,
            "channel": self.channel,
        }


@dataclass
class AgencyLedger:
    rows: list[Exchange]
    counts: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    # The last DEFAULT_DAYS days, when no period was chosen (the page says so).
    default_period: bool = False


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def agency_ledger(*, viewer: Viewer, ledger_filter: LedgerFilter) -> AgencyLedger:
    """The exchanges the viewer's agency sent or received, newest first (the latest
    ``LEDGER_LIMIT``), and their counts per clause and recipient."""
    if not may_read_exchange_ledger(viewer):
        raise LedgerRefused
    rows = Exchange.objects.visible_to(viewer)
    since = ledger_filter.since
    default_period = since is None and ledger_filter.until is None
    if default_period:
        since = timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)
    if since:
        rows = rows.filter(at__gte=_day_start(since))
    if ledger_filter.until:
        rows = rows.filter(at__lt=_day_start(ledger_filter.until + datetime.timedelta(days=1)))
    if ledger_filter.recipient:
        rows = rows.filter(recipient_agency__kind=ledger_filter.recipient)
    if ledger_filter.clause_id:
        rows = rows.filter(clause_id=ledger_filter.clause_id)
    if ledger_filter.channel:
        rows = rows.filter(channel=ledger_filter.channel)
    grouped = list(
        rows.order_by()
        .values("clause_id", "recipient_agency_id", "recipient_label")
        .annotate(exchanges=Count("pk"))
    )
    clauses = {
        clause.pk: clause
        for clause in Clause.objects.select_related("agreement").filter(
            pk__in={item["clause_id"] for item in grouped}
        )
    }
    agencies = dict(Agency.objects.values_list("pk", "short_name"))
    counts: list[dict[str, Any]] = sorted(
        (
            {
                "clause": clauses[item["clause_id"]],
                "recipient_agency": agencies.get(item["recipient_agency_id"], ""),
                "recipient_label": item["recipient_label"],
                "exchanges": item["exchanges"],
            }
            for item in grouped
        ),
        key=lambda item: (-item["exchanges"], str(item["clause"]), item["recipient_label"]),
    )
    page = list(
        rows.select_related(
            "sender_agency",
            "sender_office",
            "recipient_agency",
            "recipient_office",
            "clause__agreement",
        ).order_by("-at", "-pk")[:LEDGER_LIMIT]
    )
    audit_record_list(viewer=viewer, model=Exchange, objects=page, search=ledger_filter.terms())
    return AgencyLedger(
        rows=page,
        counts=counts,
        total=sum(item["exchanges"] for item in counts),
        default_period=default_period,
    )


def person_ledger(
    *, viewer: Viewer, nik: str = "", source: str = "", source_pk: int | None = None
) -> list[ExchangeSubject]:
    """Who received one person's data: by NIK (its keyed hash), or from one record (and, when
    that record's NIK is known, every other record of the same NIK)."""
    if not may_read_person_exchanges(viewer):
        raise LedgerRefused
    visible = ExchangeSubject.objects.visible_to(viewer)
    condition = Q(pk__in=[])
    hashed = nik_hash(nik) if nik else ""
    if hashed:
        condition |= Q(nik_hash=hashed)
    if source and source_pk is not None:
        condition |= Q(source=source, source_pk=source_pk)
        known = (
            ExchangeSubject.objects.filter(source=source, source_pk=source_pk)
            .exclude(nik_hash="")
            .values_list("nik_hash", flat=True)
            .first()
        )
        if known:
            condition |= Q(nik_hash=known)
    found = list(
        visible.filter(condition)
        .select_related(
            "exchange__sender_agency",
            "exchange__sender_office",
            "exchange__recipient_agency",
            "exchange__recipient_office",
            "exchange__clause__agreement",
        )
        .order_by("-at", "-pk")[:PERSON_LIMIT]
    )
    audit_record_list(
        viewer=viewer,
        model=ExchangeSubject,
        objects=found,
        search={"nik": nik, "source": source, "source_pk": source_pk},
    )
    return found
