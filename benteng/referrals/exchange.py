"""Referrals under the cooperation agreements (``benteng.agreements``).

A referral to an office of another agency relies on a clause: the purpose follows from the
reason category (``PURPOSE_OF_REASON``), the clause must let the sender's agency send
referrals to the receiving agency for that purpose on the day it is sent, and the referral
keeps the clause (``Referral.clause``). The people's values the clause does not allow are not
stored on the referral at all (they never reach the other agency); the sending is one line of
the exchange ledger, with its people. Later reads of the referral by the receiving agency's
client systems (the API, webhooks) rely on the same clause while it is still valid
(``referral_exchange_facts``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from benteng.accounts.models import AgencyKind
from benteng.agreements.basis import Basis
from benteng.agreements.models import Purpose
from benteng.agreements.registry import RecordFacts, SharedType, SubjectRef
from benteng.audit.services import object_type_of
from benteng.referrals.models import ReasonCategory, Referral, ReferralSubject

REFERRAL_TYPE = object_type_of(Referral)
SUBJECT_TYPE = object_type_of(ReferralSubject)

PURPOSE_OF_REASON: dict[str, str] = {
    ReasonCategory.TRAFFICKING_VICTIM: Purpose.LAW_ENFORCEMENT,
    ReasonCategory.RECRUITER: Purpose.LAW_ENFORCEMENT,
    ReasonCategory.SMUGGLING: Purpose.LAW_ENFORCEMENT,
    ReasonCategory.FALSE_DOCUMENTS: Purpose.LAW_ENFORCEMENT,
    ReasonCategory.NON_PROCEDURAL_PMI: Purpose.PREVENTION,
    ReasonCategory.PROCEDURAL_PLACEMENT: Purpose.PREVENTION,
    ReasonCategory.OTHER: Purpose.PREVENTION,
    ReasonCategory.VICTIM_ASSISTANCE: Purpose.PROTECTION,
}

REFERRAL_FIELDS = {
    "number": _("nomor"),
    "sender_office": _("kantor pengirim"),
    "receiving_office": _("kantor penerima"),
    "reason_category": _("kategori alasan"),
    "reason": _("alasan"),
    "urgency": _("urgensi"),
    "state": _("status"),
    "sent_at": _("waktu kirim"),
    "acknowledged_at": _("waktu diterima"),
    "closed_at": _("waktu selesai"),
    "returned_at": _("waktu dikembalikan"),
    "outcome": _("hasil"),
    "lp_number": _("nomor Laporan Polisi"),
    "lp_date": _("tanggal Laporan Polisi"),
    "case": _("status kasus"),
    "timeline": _("riwayat"),
    "record": _("permohonan atau pemeriksaan yang dirujuk"),
    "files": _("berkas"),
}
SUBJECT_FIELDS = {
    "full_name": _("nama lengkap"),
    "nik": _("NIK"),
    "passport_no": _("nomor paspor"),
    "phone": _("nomor telepon"),
    "sex": _("jenis kelamin"),
    "birth_date": _("tanggal lahir"),
    "region": _("desa/kelurahan"),
}
# The value a person's field has when the clause does not let it go.
_EMPTY: dict[str, Any] = {"birth_date": None, "region": None, "region_id": None}


# BP3MI protects and places migrant workers; it does not investigate. What reaches it about a
# victim is for the victim's protection, whatever the reason would mean to the police.
PURPOSE_TOWARD_BP3MI: dict[str, str] = {
    ReasonCategory.TRAFFICKING_VICTIM: Purpose.PROTECTION,
}


def purpose_of(reason_category: str, recipient: str = "") -> str:
    """The purpose a referral with this reason serves for the receiving agency."""
    if recipient == AgencyKind.BP3MI and reason_category in PURPOSE_TOWARD_BP3MI:
        return PURPOSE_TOWARD_BP3MI[reason_category]
    return PURPOSE_OF_REASON.get(reason_category, Purpose.PREVENTION)


def subject_values_shared(basis: Basis, values: Mapping[str, Any]) -> dict[str, Any]:
    """A person's values with those the clause does not allow emptied (never stored)."""
    allowed = basis.allowed(SUBJECT_TYPE)
    kept: dict[str, Any] = {}
    for name, value in values.items():
        field = "region" if name == "region_id" else name
        kept[name] = value if field in allowed else _EMPTY.get(name, "")
    return kept


def sent_fields(
    referral_fields: Iterable[str], subject_values: Iterable[Mapping[str, Any]]
) -> list[str]:
    """The fields a sending carried: the referral's, and ``subjects.<field>`` with a value."""
    names = set(referral_fields)
    for values in subject_values:
        for name, value in values.items():
            if value not in ("", None):
                names.add(f"subjects.{'region' if name == 'region_id' else name}")
    return sorted(names)


def referral_exchange_facts(ids: list[str]) -> dict[str, RecordFacts]:
    """Whose referrals these are (the sending office's agency), for what, under which
    clause, and whom they are about (two queries whatever their number)."""
    numeric = [int(pk) for pk in ids if str(pk).isdigit()]
    people: dict[int, list[SubjectRef]] = {}
    for subject_id, referral_id, nik in ReferralSubject.objects.filter(
        referral_id__in=numeric
    ).values_list("pk", "referral_id", "nik"):
        people.setdefault(referral_id, []).append(SubjectRef(SUBJECT_TYPE, subject_id, nik))
    return {
        str(pk): RecordFacts(
            owner_agency=agency,
            owner_office_id=office_id,
            purpose=purpose_of(reason, recipient),
            clause_id=clause_id,
            subjects=tuple(people.get(pk, ())),
        )
        for pk, agency, office_id, reason, recipient, clause_id in Referral.objects.filter(
            pk__in=numeric
        ).values_list(
            "pk",
            "sender_office__agency__kind",
            "sender_office_id",
            "reason_category",
            "receiving_office__agency__kind",
            "clause_id",
        )
    }


SHARED_TYPES = [
    SharedType(
        record_type=REFERRAL_TYPE,
        label=_("Rujukan"),
        fields=REFERRAL_FIELDS,
        facts=referral_exchange_facts,
    ),
    SharedType(record_type=SUBJECT_TYPE, label=_("Orang dalam rujukan"), fields=SUBJECT_FIELDS),
]
