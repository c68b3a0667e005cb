"""From the border back to the village: where a person at the border comes from.

Every postponed or refused passport application, prevented departure and trafficking victim
is traced to a village of origin by one rule: the desa of the person's address when it is
known; otherwise the region code inside the NIK, which names the kecamatan (never the desa).
A record with neither has no origin. The rule is applied as queries (the filters below), for
the counts and names of one desa or one kecamatan; no page traces one record on its own.

Screening and the cases app already store the region as ``region_code_for_identity`` gives
it (the desa, else the NIK's kecamatan), so ``region_id`` is either a desa code, a kecamatan
code or empty; the NIK is read again only for an older row stored without a region.
"""

from __future__ import annotations

from django.db.models import Q

# "36.03.07" -> "360307": the first six digits of a NIK issued in that kecamatan.
NIK_DISTRICT_DIGITS = 6


def nik_digits_of(kecamatan_code: str) -> str:
    """ "36.03.07" -> "360307"."""
    return kecamatan_code.replace(".", "")[:NIK_DISTRICT_DIGITS]


def from_desa(desa_code: str, prefix: str = "") -> Q:
    """Records whose address names this desa."""
    return Q(**{f"{prefix}region_id": desa_code})


def from_kecamatan_without_desa(kecamatan_code: str, prefix: str = "") -> Q:
    """Records of this kecamatan whose desa is not known: the kecamatan stored from the NIK,
    or no region at all and a NIK issued there."""
    stored = Q(**{f"{prefix}region_id": kecamatan_code})
    unplaced = Q(**{f"{prefix}region__isnull": True}) & Q(
        **{f"{prefix}nik__startswith": nik_digits_of(kecamatan_code)}
    )
    return stored | unplaced


def kecamatan_of(desa_code: str) -> str:
    return ".".join(desa_code.split(".")[:3])
