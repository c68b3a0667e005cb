"""Watchlists kept by the agency that owns them.

Police keep suspected recruiters, sponsors, unlicensed placement companies, wanted persons and
known phone numbers; immigration keeps delayed applicants, deportees and refused departures
(the last fed automatically by officers' decisions). Other agencies see a *hit* — the matched
identity, the category, the instruction and whom to call — never the owner's internal notes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.accounts.models import Agency, Office
from benteng.identity import IdentityFields, identity_indexes


class WatchlistKind(models.TextChoices):
    # Police lists.
    PEREKRUT = "perekrut", _("Terduga perekrut/calo")
    SPONSOR = "sponsor", _("Terduga sponsor")
    PERUSAHAAN = "perusahaan", _("Perusahaan penempatan tidak berizin")
    DPO = "dpo", _("Daftar pencarian orang (DPO)")
    NOMOR_TELEPON = "nomor_telepon", _("Nomor telepon yang dikenal")
    # Immigration lists.
    PENUNDAAN_PASPOR = "penundaan_paspor", _("Pemohon paspor yang ditunda/ditolak")
    DEPORTASI = "deportasi", _("Deportan")
    PENUNDAAN_KEBERANGKATAN = "penundaan_keberangkatan", _("Keberangkatan yang ditunda")


class SubjectType(models.TextChoices):
    PERSON = "orang", _("Orang")
    COMPANY = "perusahaan", _("Perusahaan")
    PHONE = "telepon", _("Nomor telepon")


class SharingLevel(models.TextChoices):
    HIT = "hit", _("Instansi lain melihat hit dan instruksinya")
    OWNER_ONLY = "pemilik", _("Hanya instansi pemilik (tidak memicu hit di instansi lain)")


class Watchlist(models.Model):
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=30, choices=WatchlistKind.choices)
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="watchlists", verbose_name=_("instansi")
    )
    owner_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="watchlists", verbose_name=_("kantor")
    )
    description = models.TextField(_("keterangan"), blank=True)
    default_instruction = models.TextField(_("instruksi bawaan"), blank=True)
    default_contact = models.CharField(_("kontak bawaan"), max_length=200, blank=True)
    default_legal_basis = models.CharField(_("dasar hukum bawaan"), max_length=300, blank=True)
    # A list fed by the system (immigration decisions), not typed by hand.
    is_automatic = models.BooleanField(_("diisi otomatis"), default=False)

    class Meta:
        ordering = ["owner_agency__kind", "name"]
        verbose_name = _("daftar pantauan")
        verbose_name_plural = _("daftar pantauan")

    def __str__(self) -> str:
        return self.name


class EntrySource(models.TextChoices):
    MANUAL = "manual", _("Diisi petugas")
    IMPORT = "impor", _("Impor berkas")
    DECISION = "keputusan", _("Keputusan petugas imigrasi")


def entry_in_force_q(*, on: object = None, prefix: str = "") -> models.Q:
    """The rule "in force" of an entry: not removed and not expired on ``on`` (today).
    ``prefix`` reaches the entries from another model (``"entries__"`` from a watchlist).
    ``WatchlistEntry.in_force`` says the same of one loaded entry."""
    today = on or timezone.localdate()
    return models.Q(**{f"{prefix}removed_at__isnull": True}) & (
        models.Q(**{f"{prefix}expires_on__isnull": True})
        | models.Q(**{f"{prefix}expires_on__gte": today})
    )


class WatchlistEntryQuerySet(AccessQuerySet["WatchlistEntry"]):
    def in_force(self, *, on: object = None) -> WatchlistEntryQuerySet:
        """Entries not removed and not expired (``entry_in_force_q``)."""
        return self.filter(entry_in_force_q(on=on))


class WatchlistEntry(IdentityFields):
    watchlist = models.ForeignKey(
        Watchlist, on_delete=models.PROTECT, related_name="entries", verbose_name=_("daftar")
    )
    subject_type = models.CharField(
        _("subjek"), max_length=12, choices=SubjectType.choices, default=SubjectType.PERSON
    )
    licence_number = models.CharField(_("nomor izin"), max_length=60, blank=True)
    category = models.CharField(_("kategori alasan"), max_length=120)
    legal_basis = models.CharField(_("dasar hukum"), max_length=300)
    owner_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kantor pemilik")
    )
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    sharing_level = models.CharField(
        _("tingkat berbagi"), max_length=10, choices=SharingLevel.choices, default=SharingLevel.HIT
    )
    instruction = models.TextField(_("instruksi bila hit"))
    contact = models.CharField(_("kontak"), max_length=200, blank=True)
    internal_notes = models.TextField(_("catatan internal"), blank=True)
    source = models.CharField(
        _("sumber"), max_length=10, choices=EntrySource.choices, default=EntrySource.MANUAL
    )
    source_reference = models.CharField(_("rujukan sumber"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now, db_index=True)
    removed_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    removal_reason = models.CharField(_("alasan pencabutan"), max_length=300, blank=True)

    objects = WatchlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("entri daftar pantauan")
        verbose_name_plural = _("entri daftar pantauan")
        indexes = [
            models.Index(fields=["watchlist", "removed_at"]),
            *identity_indexes("entry"),
        ]

    def __str__(self) -> str:
        return f"{self.watchlist.code}:{self.pk}"

    def in_force(self, *, on: datetime.date | None = None) -> bool:
        """Not removed and not expired (the rule of ``entry_in_force_q``)."""
        today = on or timezone.localdate()
        if self.removed_at is not None:
            return False
        return self.expires_on is None or self.expires_on >= today

    @property
    def index_id(self) -> str:
        """The id of this entry in the screening index."""
        return f"w{self.pk}"


class PendingImportQuerySet(AccessQuerySet["PendingImport"]):
    pass


class PendingImport(models.Model):
    """An uploaded file between its preview and the keeper's confirmation.

    Kept in the database rather than the session (a session is saved on every request) and
    deleted when the import is confirmed or after an hour; only its uploader can confirm it.
    """

    token = models.CharField(max_length=64, unique=True)
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("impor tertunda")
        verbose_name_plural = _("impor tertunda")

    def __str__(self) -> str:
        return self.filename
