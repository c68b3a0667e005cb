"""The Banten region tree with the Ministry of Home Affairs (Kemendagri) codes.

Codes are kept as Kemendagri writes them (``36``, ``36.03``, ``36.03.05``, ``36.03.05.2001``)
and are the primary key: every place in Benteng points at one, so a record can always be
placed on the map and aggregated up to its kecamatan and kabupaten/kota.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from benteng.regions.codes import areas_containing, within_q


class RegionLevel(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")


VILLAGE_LEVELS = (RegionLevel.DESA, RegionLevel.KELURAHAN)
REGENCY_LEVELS = (RegionLevel.KABUPATEN, RegionLevel.KOTA)


class RegionQuerySet(models.QuerySet["Region"]):
    def villages(self) -> RegionQuerySet:
        return self.filter(level__in=VILLAGE_LEVELS)

    def within(self, code: str) -> RegionQuerySet:
        """The region with this code and every region below it."""
        return self.filter(within_q([code]))

    def search(self, text: str) -> RegionQuerySet:
        """Regions whose name contains the text, tolerant of case and spacing ("Suka Jaya")."""
        folded = "".join(text.split()).lower()
        if not folded:
            return self.none()
        return self.filter(search_name__contains=folded)


class Region(models.Model):
    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)
    name = models.CharField(_("nama"), max_length=100)
    # Lower-case name without spaces: "Suka Jaya" and "Sukajaya" find each other.
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_village(self) -> bool:
        return self.level in VILLAGE_LEVELS

    def ancestor_codes(self) -> list[str]:
        """Codes from the province down to this region's parent, derived from the code itself."""
        return areas_containing(self.code)[:-1]

    def ancestors(self) -> list[Region]:
        """The parent chain, province first, in one query."""
        codes = self.ancestor_codes()
        by_code = {region.code: region for region in Region.objects.filter(code__in=codes)}
        return [by_code[code] for code in codes if code in by_code]

    def label_with_parents(self) -> str:
        """ "Desa X, Kec. Y, Kabupaten Z" — how officers write a place."""
        names = [self.name] + [r.name for r in reversed(self.ancestors()) if r.level != "provinsi"]
        return ", ".join(names)
