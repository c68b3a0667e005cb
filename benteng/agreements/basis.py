"""The one mechanism for what leaves an agency: the clause an exchange relies on, and the
fields that clause lets go.

``exchange_basis(record_type=..., sender=..., recipient=..., purpose=..., on=...)`` finds the
clause of an agreement valid that day, whose parties include both agencies, that lets the
sender send to the recipient, for that purpose, records of that type; it raises ``NoBasis``
(an Indonesian message, code ``no_agreement_basis``) when there is none. A record that was
shared under a named clause (a referral records its clause) is exchanged again under that
clause only while it is still valid (``clause_id``).

``shared(basis, record_type, data)`` keeps of a projected dict only the fields the clause
allows — on top of what the viewer's own ``RecordPolicy.fields`` already left out, since every
projector reads through the access layer first. Referrals, the API and webhooks all strip here.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.accounts.models import AgencyKind
from benteng.agreements.models import Clause, Purpose
from benteng.agreements.registry import shared_type

NO_BASIS_CODE = "no_agreement_basis"


class NoBasis(Exception):
    """No valid agreement clause covers this exchange: it must not happen."""

    code = NO_BASIS_CODE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Basis:
    """The clause an exchange relies on, with the fields it allows per record type."""

    clause_id: int
    agreement_number: str
    clause_number: str
    purpose: str
    retention_days: int
    onward_sharing: bool
    fields: Mapping[str, frozenset[str]]

    @property
    def legal_basis(self) -> str:
        """How the audit trail and the ledger name it: ``<agreement number> <clause>``."""
        return f"{self.agreement_number} {self.clause_number}"

    def allowed(self, record_type: str) -> frozenset[str]:
        shared = shared_type(record_type)
        always = shared.always if shared is not None else frozenset()
        return self.fields.get(record_type, frozenset()) | always


def crosses_agencies(sender: str | None, recipient: str | None) -> bool:
    """An exchange needs a basis when the data goes to another agency."""
    return sender != recipient


def _purpose_label(purpose: str | None) -> str:
    if purpose in Purpose.values:
        return str(Purpose(purpose).label)
    return _("apa pun")


def exchange_basis(
    *,
    record_type: str,
    sender: str,
    recipient: str,
    purpose: str | None = None,
    on: datetime.date | None = None,
    clause_id: int | None = None,
) -> Basis:
    """The clause this exchange relies on, or ``NoBasis``.

    ``sender`` and ``recipient`` are ``AgencyKind`` values; ``purpose`` a ``Purpose`` (None:
    any); ``clause_id`` the clause the record was first shared under, which must still hold."""
    day = on or timezone.localdate()
    clauses = (
        Clause.objects.filter(
            Q(agreement__valid_until__isnull=True) | Q(agreement__valid_until__gte=day),
            agreement__valid_from__lte=day,
            senders__kind=sender,
            recipients__kind=recipient,
            record_types__record_type=record_type,
        )
        .filter(agreement__parties__kind=sender)
        .filter(agreement__parties__kind=recipient)
        .select_related("agreement")
        .prefetch_related("record_types")
        .order_by("-agreement__valid_from", "pk")
    )
    if clause_id is not None:
        clauses = clauses.filter(pk=clause_id)
    elif purpose is not None:
        clauses = clauses.filter(purpose=purpose)
    clause = clauses.first()
    if clause is None:
        if clause_id is not None:
            raise NoBasis(
                _(
                    "Pasal perjanjian yang menjadi dasar data ini tidak lagi berlaku untuk "
                    "pertukaran ini (perjanjian berakhir atau pasal diubah); data tidak dikirim."
                )
            )
        raise NoBasis(
            _(
                "Tidak ada perjanjian kerja sama yang berlaku yang mengizinkan %(sender)s "
                "mengirim data ini kepada %(recipient)s untuk tujuan %(purpose)s; "
                "data tidak dikirim."
            )
            % {
                "sender": _agency_label(sender),
                "recipient": _agency_label(recipient),
                "purpose": _purpose_label(purpose),
            }
        )
    return Basis(
        clause_id=clause.pk,
        agreement_number=clause.agreement.number,
        clause_number=clause.number,
        purpose=clause.purpose,
        retention_days=clause.retention_days,
        onward_sharing=clause.onward_sharing,
        fields={item.record_type: frozenset(item.fields) for item in clause.record_types.all()},
    )


def _agency_label(kind: str) -> str:
    return str(AgencyKind(kind).label) if kind in AgencyKind.values else kind


def shared(basis: Basis, record_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``data`` the clause lets go; the rest are left out."""
    allowed = basis.allowed(record_type)
    return {name: value for name, value in data.items() if name in allowed}


def withheld(basis: Basis, record_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The same for a fixed response schema: a field the clause does not allow is null."""
    allowed = basis.allowed(record_type)
    return {name: (value if name in allowed else None) for name, value in data.items()}


def nik_hash(nik: str) -> str:
    """A keyed hash of a NIK (HMAC-SHA256 with a key derived from the site's secret): the
    ledger finds one person's exchanges by it and never keeps the NIK itself."""
    digits = "".join(ch for ch in nik if ch.isdigit())
    if not digits:
        return ""
    key = hashlib.sha256(b"benteng.agreements.nik:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()
