"""The agreements Benteng knows at installation: the Banten PKS between Kanwil Ditjen
Imigrasi Banten and Polda Banten (19 Nov 2025, Mako Polda Banten; scope per the regional news
reports: exchange and use of data and information, supervision and law enforcement against
transnational crime, capacity building, shared facilities), and for the demo an agreement with
BP3MI Banten and the Desa Binaan arrangement with the village governments.

The clause numbers and field lists are this system's reading of each scope: an administrator
checks them against the signed text in the admin site. Loading is idempotent and additive: an
agreement that exists (by number) is left as the administrator keeps it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from benteng.accounts.models import Agency, AgencyKind
from benteng.agreements.models import Agreement, Clause, ClauseRecordType, Purpose

REFERRAL = "referrals.referral"
SUBJECT = "referrals.referralsubject"
WATCHLIST_ENTRY = "watchlists.watchlistentry"

REFERRAL_FACTS = [
    "number",
    "sender_office",
    "receiving_office",
    "reason_category",
    "reason",
    "urgency",
    "state",
    "sent_at",
    "acknowledged_at",
    "closed_at",
    "returned_at",
    "outcome",
    "lp_number",
    "lp_date",
    "case",
    "timeline",
    "record",
    "files",
]
IDENTITY = ["full_name", "nik", "passport_no", "sex", "birth_date", "region"]
WATCHLIST_HIT = [
    "subject_type",
    "full_name",
    "birth_date",
    "sex",
    "nik",
    "passport_no",
    "licence_number",
    "category",
    "instruction",
    "contact",
    "expires_on",
    "removed_at",
    "updated_at",
    "watchlist",
    "owner_office",
    "state",
]


@dataclass(frozen=True)
class ClauseSpec:
    number: str
    title: str
    purpose: str
    senders: tuple[str, ...]
    recipients: tuple[str, ...]
    retention_days: int
    onward_sharing: bool
    record_types: dict[str, list[str]]


@dataclass(frozen=True)
class AgreementSpec:
    number: str
    title: str
    parties: tuple[str, ...]
    signed_on: datetime.date
    signed_at: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    document: str
    clauses: tuple[ClauseSpec, ...]


BOTH_WAYS = (AgencyKind.IMIGRASI, AgencyKind.POLRI)

BANTEN_PKS = AgreementSpec(
    number="PKS/KANWIL-IMI-BANTEN/POLDA-BANTEN/XI/2025",
    title=(
        "Perjanjian Kerja Sama antara Kantor Wilayah Direktorat Jenderal Imigrasi Banten dan "
        "Kepolisian Daerah Banten tentang Pencegahan dan Penegakan Hukum Tindak Pidana "
        "Perdagangan Orang dan Penyelundupan Manusia"
    ),
    parties=BOTH_WAYS,
    signed_on=datetime.date(2025, 11, 19),
    signed_at="Mako Polda Banten, Serang",
    valid_from=datetime.date(2025, 11, 19),
    valid_until=datetime.date(2030, 11, 18),
    document="Naskah PKS 19 November 2025 (arsip Kanwil dan Polda)",
    clauses=(
        ClauseSpec(
            number="Pasal 4 ayat (1)",
            title="Pertukaran data dan informasi untuk pencegahan TPPO/TPPM",
            purpose=Purpose.PREVENTION,
            senders=BOTH_WAYS,
            recipients=BOTH_WAYS,
            retention_days=365,
            onward_sharing=False,
            record_types={
                REFERRAL: REFERRAL_FACTS,
                SUBJECT: IDENTITY,
                WATCHLIST_ENTRY: WATCHLIST_HIT,
            },
        ),
        ClauseSpec(
            number="Pasal 4 ayat (2)",
            title="Pertukaran data dan informasi untuk penegakan hukum TPPO/TPPM",
            purpose=Purpose.LAW_ENFORCEMENT,
            senders=BOTH_WAYS,
            recipients=BOTH_WAYS,
            retention_days=1825,
            onward_sharing=False,
            record_types={REFERRAL: REFERRAL_FACTS, SUBJECT: [*IDENTITY, "phone"]},
        ),
        ClauseSpec(
            number="Pasal 4 ayat (3)",
            title="Pertukaran data untuk pelindungan dan pemulangan korban",
            purpose=Purpose.PROTECTION,
            senders=BOTH_WAYS,
            recipients=BOTH_WAYS,
            retention_days=730,
            onward_sharing=True,
            record_types={REFERRAL: REFERRAL_FACTS, SUBJECT: [*IDENTITY, "phone"]},
        ),
        ClauseSpec(
            number="Pasal 6",
            title="Peningkatan kapasitas sumber daya manusia",
            purpose=Purpose.CAPACITY,
            senders=BOTH_WAYS,
            recipients=BOTH_WAYS,
            retention_days=0,
            onward_sharing=False,
            record_types={},
        ),
        ClauseSpec(
            number="Pasal 7",
            title="Pemanfaatan sarana dan prasarana bersama",
            purpose=Purpose.FACILITIES,
            senders=BOTH_WAYS,
            recipients=BOTH_WAYS,
            retention_days=0,
            onward_sharing=False,
            record_types={},
        ),
    ),
)

IMMIGRATION_BP3MI = (AgencyKind.IMIGRASI, AgencyKind.BP3MI)
BP3MI_AGREEMENT = AgreementSpec(
    number="PKS/KANWIL-IMI-BANTEN/BP3MI-BANTEN/I/2026",
    title=(
        "Perjanjian Kerja Sama antara Kantor Wilayah Direktorat Jenderal Imigrasi Banten dan "
        "BP3MI Banten tentang Pencegahan Penempatan PMI Nonprosedural"
    ),
    parties=IMMIGRATION_BP3MI,
    signed_on=datetime.date(2026, 1, 15),
    signed_at="Kantor Wilayah Ditjen Imigrasi Banten, Serang",
    valid_from=datetime.date(2026, 1, 15),
    valid_until=datetime.date(2028, 1, 14),
    document="Naskah PKS demo (data contoh)",
    clauses=(
        ClauseSpec(
            number="Pasal 3",
            title="Rujukan calon PMI nonprosedural ke penempatan prosedural",
            purpose=Purpose.PREVENTION,
            senders=IMMIGRATION_BP3MI,
            recipients=IMMIGRATION_BP3MI,
            retention_days=365,
            onward_sharing=False,
            record_types={REFERRAL: REFERRAL_FACTS, SUBJECT: [*IDENTITY, "phone"]},
        ),
        ClauseSpec(
            number="Pasal 4",
            title="Pelindungan dan pemulangan PMI korban",
            purpose=Purpose.PROTECTION,
            senders=IMMIGRATION_BP3MI,
            recipients=IMMIGRATION_BP3MI,
            retention_days=730,
            onward_sharing=True,
            record_types={REFERRAL: REFERRAL_FACTS, SUBJECT: [*IDENTITY, "phone"]},
        ),
    ),
)

VILLAGE_PARTIES = (AgencyKind.IMIGRASI, AgencyKind.POLRI, AgencyKind.DESA)
DESA_BINAAN = AgreementSpec(
    number="NK/DESA-BINAAN-IMIGRASI/BANTEN/2025",
    title="Nota Kesepakatan Desa Binaan Imigrasi Banten (sistem peringatan dini TPPO/TPPM)",
    parties=VILLAGE_PARTIES,
    signed_on=datetime.date(2025, 10, 20),
    signed_at="Serang",
    valid_from=datetime.date(2025, 10, 20),
    valid_until=None,
    document="Naskah nota kesepakatan demo (data contoh)",
    clauses=(
        ClauseSpec(
            number="Pasal 5",
            title="Laporan peringatan dini dari desa kepada imigrasi dan kepolisian",
            purpose=Purpose.PREVENTION,
            senders=(AgencyKind.DESA,),
            recipients=(AgencyKind.IMIGRASI, AgencyKind.POLRI),
            retention_days=365,
            onward_sharing=False,
            record_types={REFERRAL: REFERRAL_FACTS, SUBJECT: [*IDENTITY, "phone"]},
        ),
        ClauseSpec(
            number="Pasal 6",
            title="Laporan desa tentang dugaan perekrutan untuk penegakan hukum",
            purpose=Purpose.LAW_ENFORCEMENT,
            senders=(AgencyKind.DESA,),
            recipients=(AgencyKind.IMIGRASI, AgencyKind.POLRI),
            retention_days=1825,
            onward_sharing=False,
            record_types={REFERRAL: REFERRAL_FACTS, SUBJECT: [*IDENTITY, "phone"]},
        ),
        ClauseSpec(
            number="Pasal 7",
            title="Laporan desa tentang warga yang perlu pelindungan",
            purpose=Purpose.PROTECTION,
            senders=(AgencyKind.DESA,),
            recipients=(AgencyKind.IMIGRASI, AgencyKind.POLRI),
            retention_days=730,
            onward_sharing=False,
            record_types={REFERRAL: REFERRAL_FACTS, SUBJECT: [*IDENTITY, "phone"]},
        ),
    ),
)

INSTALLED = (BANTEN_PKS,)
DEMO = (BANTEN_PKS, BP3MI_AGREEMENT, DESA_BINAAN)


def agreement_ensure(spec: AgreementSpec) -> tuple[Agreement, bool]:
    """The agreement of ``spec``: made with its clauses when missing, else left as it is."""
    existing = Agreement.objects.filter(number=spec.number).first()
    if existing is not None:
        return existing, False
    agencies = {agency.kind: agency for agency in Agency.objects.all()}
    if any(kind not in agencies for kind in spec.parties):
        raise LookupError("The agencies are missing: load the accounts' reference data first.")
    with transaction.atomic():
        agreement = Agreement.objects.create(
            number=spec.number,
            title=spec.title,
            signed_on=spec.signed_on,
            signed_at=spec.signed_at,
            valid_from=spec.valid_from,
            valid_until=spec.valid_until,
            document=spec.document,
        )
        agreement.parties.set([agencies[kind] for kind in spec.parties])
        for item in spec.clauses:
            clause = Clause.objects.create(
                agreement=agreement,
                number=item.number,
                title=item.title,
                purpose=item.purpose,
                retention_days=item.retention_days,
                onward_sharing=item.onward_sharing,
            )
            clause.senders.set([agencies[kind] for kind in item.senders])
            clause.recipients.set([agencies[kind] for kind in item.recipients])
            for record_type, fields in item.record_types.items():
                ClauseRecordType.objects.create(
                    clause=clause, record_type=record_type, fields=list(fields)
                )
    return agreement, True
