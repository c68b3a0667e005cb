"""Writing the exchange ledger, in the caller's transaction, and the exchange of records of
any registered type with a client system (the API and webhook adapters call it).

``exchange_record`` writes one ``Exchange`` and its subjects. ``client_exchange`` takes the
projected records a client system is about to receive, asks each one's basis (its owner's
agency to the client's; none needed within one agency), strips each to its clause's fields,
writes the ledger and answers what may go and what is refused and why.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.accounts.models import Agency
from benteng.agreements.basis import (
    Basis,
    NoBasis,
    crosses_agencies,
    exchange_basis,
    nik_hash,
    shared,
    withheld,
)
from benteng.agreements.models import Exchange, ExchangeSubject
from benteng.agreements.registry import RecordFacts, SubjectRef, shared_type


def _agency_ids(kinds: Iterable[str]) -> dict[str, int]:
    return dict(Agency.objects.filter(kind__in=set(kinds)).values_list("kind", "pk"))


def exchange_record(
    *,
    channel: str,
    basis: Basis,
    record_type: str,
    record_ids: Iterable[Any],
    sender_agency: str,
    sender_office_id: int | None,
    recipient_agency: str,
    recipient_office_id: int | None = None,
    recipient_client_id: int | None = None,
    recipient_label: str,
    fields: Iterable[str],
    subjects: Iterable[SubjectRef] = (),
    actor_user_id: int | None = None,
    actor_label: str = "",
    at: datetime.datetime | None = None,
) -> Exchange:
    """One line of the ledger and its people (call inside the exchange's transaction)."""
    when = at or timezone.now()
    agencies = _agency_ids([sender_agency, recipient_agency])
    exchange = Exchange.objects.create(
        channel=channel,
        at=when,
        sender_agency_id=agencies[sender_agency],
        sender_office_id=sender_office_id,
        recipient_agency_id=agencies[recipient_agency],
        recipient_office_id=recipient_office_id,
        recipient_client_id=recipient_client_id,
        recipient_label=recipient_label[:300],
        record_type=record_type,
        record_ids=[str(pk) for pk in record_ids],
        clause_id=basis.clause_id,
        purpose=basis.purpose,
        fields=sorted(set(fields)),
        actor_id=actor_user_id,
        actor_label=actor_label[:200],
    )
    people = {(ref.source, ref.pk): ref for ref in subjects}
    ExchangeSubject.objects.bulk_create(
        [
            ExchangeSubject(
                exchange=exchange,
                source=ref.source,
                source_pk=ref.pk,
                nik_hash=nik_hash(ref.nik),
                at=when,
            )
            for ref in people.values()
        ]
    )
    return exchange


@dataclass(frozen=True)
class ClientRecipient:
    """A client system receiving records: its agency and office, its id and name."""

    agency: str | None
    office_id: int | None
    client_id: int
    label: str


@dataclass
class ClientExchange:
    """What may go to a client (stripped), what is refused (with the reason), and the basis
    of each record that crosses agencies (None: within the client's own agency)."""

    channel: str
    recipient: ClientRecipient
    record_type: str
    keep_keys: bool = False
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused: dict[str, NoBasis] = field(default_factory=dict)
    basis: dict[str, Basis | None] = field(default_factory=dict)
    facts: Mapping[str, RecordFacts] = field(default_factory=dict)

    def recorded(
        self, ids: Iterable[str], *, at: datetime.datetime | None = None
    ) -> list[Exchange]:
        """Write the ledger for these of the records sent (those crossing agencies), one
        line per clause and sending office. Call in the transaction that sends them (a
        webhook: the one that records the delivery, since nothing is sent inside one)."""
        groups: dict[tuple[int, str, int | None], list[str]] = defaultdict(list)
        for pk in ids:
            basis = self.basis.get(pk)
            if basis is None or pk not in self.sent:
                continue
            fact = self.facts[pk]
            groups[(basis.clause_id, fact.owner_agency, fact.owner_office_id)].append(pk)
        written = []
        for (_clause, owner_agency, owner_office_id), group in groups.items():
            basis = self.basis[group[0]]
            assert basis is not None  # noqa: S101 (grouped only with a basis)
            assert self.recipient.agency is not None  # noqa: S101 (refused without one)
            written.append(
                exchange_record(
                    channel=self.channel,
                    basis=basis,
                    record_type=self.record_type,
                    record_ids=group,
                    sender_agency=owner_agency,
                    sender_office_id=owner_office_id,
                    recipient_agency=self.recipient.agency,
                    recipient_office_id=self.recipient.office_id,
                    recipient_client_id=self.recipient.client_id,
                    recipient_label=self.recipient.label,
                    fields=sorted(
                        {
                            name
                            for pk in group
                            for name, value in self.sent[pk].items()
                            if not self.keep_keys or value is not None
                        }
                    ),
                    subjects=[ref for pk in group for ref in self.facts[pk].subjects],
                    actor_label=self.recipient.label,
                    at=at,
                )
            )
        return written


def client_exchange(
    *,
    channel: str,
    recipient: ClientRecipient,
    record_type: str,
    projected: Mapping[str, Mapping[str, Any]],
    keep_keys: bool = False,
    at: datetime.datetime | None = None,
    record: bool = True,
) -> ClientExchange:
    """Records of one type about to go to a client system, each on its basis.

    ``keep_keys`` (a fixed response schema): a field the clause does not allow is null
    instead of left out. With ``record`` the ledger is written at once (call inside the
    transaction that answers); without, the caller calls ``recorded`` for what it sent."""
    result = ClientExchange(
        channel=channel, recipient=recipient, record_type=record_type, keep_keys=keep_keys
    )
    if not projected:
        return result
    shared_kind = shared_type(record_type)
    if shared_kind is None or shared_kind.facts is None:
        refusal = NoBasis(
            _("Jenis data ini tidak diatur dalam perjanjian mana pun; tidak dikirim.")
        )
        result.refused = dict.fromkeys(projected, refusal)
        return result
    result.facts = facts = shared_kind.facts(list(projected))
    day = timezone.localdate(at) if at else timezone.localdate()
    bases: dict[tuple[str, str, int | None], Basis | NoBasis] = {}
    strip = withheld if keep_keys else shared
    for pk, data in projected.items():
        fact = facts.get(pk)
        if fact is None:
            result.refused[pk] = NoBasis(_("Data ini tidak ditemukan; tidak dikirim."))
            continue
        if recipient.agency is not None and not crosses_agencies(
            fact.owner_agency, recipient.agency
        ):
            result.sent[pk] = dict(data)
            result.basis[pk] = None
            continue
        found = _basis_of(bases, fact, recipient, record_type, day)
        if isinstance(found, NoBasis):
            result.refused[pk] = found
            continue
        result.sent[pk] = strip(found, record_type, data)
        result.basis[pk] = found
    if record:
        result.recorded(list(result.sent), at=at)
    return result


def _basis_of(
    cache: dict[tuple[str, str, int | None], Basis | NoBasis],
    fact: RecordFacts,
    recipient: ClientRecipient,
    record_type: str,
    day: datetime.date,
) -> Basis | NoBasis:
    key = (fact.owner_agency, fact.purpose, fact.clause_id)
    if key not in cache:
        if recipient.agency is None:
            cache[key] = NoBasis(_("Sistem klien ini tidak terdaftar pada instansi mana pun."))
        else:
            try:
                cache[key] = exchange_basis(
                    record_type=record_type,
                    sender=fact.owner_agency,
                    recipient=recipient.agency,
                    purpose=fact.purpose,
                    clause_id=fact.clause_id,
                    on=day,
                )
            except NoBasis as refusal:
                cache[key] = refusal
    return cache[key]
