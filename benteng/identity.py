"""The one shape of a person's identity in every source (application, passenger, watchlist
entry, later village reports and case persons), and its conversion to the core's record.

Every place is tied to a region code: the desa when it is known, otherwise the kecamatan the
NIK gives (see ``region_for_identity``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from benteng.core.nik import parse_nik
from benteng.core.phones import normalize_phone
from benteng.core.records import IdentityRecord
from benteng.regions.models import Region
from benteng.regions.selectors import region_level


class Sex(models.TextChoices):
    LAKI_LAKI = "L", _("Laki-laki")
    PEREMPUAN = "P", _("Perempuan")


def identity_indexes(prefix: str) -> list[models.Index]:
    """The indexes of the identity fields looked up by value (NIK, passport, phone), for a
    concrete model's ``Meta.indexes``: plain B-trees. (``db_index=True`` on a text field also
    makes a ``varchar_pattern_ops`` copy on PostgreSQL for ``LIKE 'x%'``, which nothing here
    asks of these fields, and every insert paid for it.)"""
    return [
        models.Index(fields=[name], name=f"{prefix}_{name}_idx")
        for name in ("nik", "passport_no", "phone")
    ]


class IdentityFields(models.Model):
    full_name = models.CharField(_("nama lengkap"), max_length=200)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    passport_no = models.CharField(_("nomor paspor"), max_length=20, blank=True)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah (desa/kelurahan)"),
    )
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)

    class Meta:
        abstract = True

    def identity_record(self, *, record_id: str) -> IdentityRecord:
        return IdentityRecord(
            id=record_id,
            name=self.full_name,
            birth_date=self.birth_date,
            sex=self.sex or None,
            nik=self.nik or None,
            birth_place=self.birth_place or None,
            passport_no=self.passport_no or None,
            address=self.address or None,
            phone=self.phone or None,
            region_code=self.region_id,
        )


def region_code_for_identity(*, desa_code: str | None, nik: str | None) -> str | None:
    """The code of the desa when given; otherwise of the most precise region the NIK names
    that exists. Read from the in-memory region codes (no query)."""

    if desa_code and region_level(desa_code) is not None:
        return desa_code
    if nik:
        info, _problems = parse_nik(nik)
        if info is not None:
            for code in (info.district_code, info.regency_code, info.province_code):
                if region_level(code) is not None:
                    return code
    return None


def region_for_identity(*, desa_code: str | None, nik: str | None) -> Region | None:
    """The region of ``region_code_for_identity``, read from the database."""
    code = region_code_for_identity(desa_code=desa_code, nik=nik)
    return Region.objects.filter(code=code).first() if code is not None else None


def normalized_phone_or_blank(value: str) -> str:
    return normalize_phone(value) or "" if value else ""
