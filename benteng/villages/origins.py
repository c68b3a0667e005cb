"""From the border back to the village: where a person at the border comes from.

Every postponed or refused passport application, prevented departure and trafficking victim
is traced to a village of origin by one rule: the desa of the person's address when it is
known; otherwise the region code inside the NIK, which names the kecamatan (never the desa).
A record with neither has no origin. ``origin_of`` is that rule for one record; the filters
below are the same rule as queries, for the counts of one desa or one kecamatan.

Screening and the cases app already store the region as ``region_code_for_identity`` gives
it (the desa, else the NIK's kecamatan), so ``region_id`` is either a desa code, a kecamatan
code or empty; the NIK is read again only for an older row stored without a region.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Q

from benteng.identity import region_code_for_identity
from benteng.regions.selectors import is_village_code

# "36.03.07" -> "360307": the first six digits of a NIK issued in that kecamatan.
NIK_DISTRICT_DIGITS = 6


class OriginBasis(enum.StrEnum):
    ADDRESS = "alamat"  # the desa of the address
    NIK = "nik"  # the kecamatan inside the NIK
    NONE = "tidak_diketahui"


@dataclass(frozen=True)
class Origin:
    code: str | None
    basis: OriginBasis

    @property
    def desa_code(self) -> str | None:
        """The desa, when the origin is known down to it."""
        return self.code if self.basis is OriginBasis.ADDRESS else None

    @property
    def kecamatan_code(self) -> str | None:
        """The kecamatan of the origin (from the desa's code or the NIK)."""
        if self.code is None:
            return None
        parts = self.code.split(".")
        return ".".join(parts[:3]) if len(parts) >= 3 else None


def _is_village(code: str | None) -> bool:
    return bool(code) and is_village_code(code or "")


def origin_of(*, region_code: str | None, nik: str | None) -> Origin:
    """The village of origin of one record: its desa, else the NIK's kecamatan, else none."""
    if _is_village(region_code):
        return Origin(region_code, OriginBasis.ADDRESS)
    from_nik = region_code_for_identity(desa_code=None, nik=nik or None)
    if from_nik is not None:
        return Origin(from_nik, OriginBasis.NIK)
    return Origin(None, OriginBasis.NONE)


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
