"""Village reports (laporan desa): what a village's focal person, PIMPASA or Bhabinkamtibmas
learns — a resident about to leave through a calo, a recruiter seen in the village, a victim
abroad, a returned victim — routed to the Kanim and Polres covering the desa and followed up
new → verified → acted on (the referral it became) → closed.

The resident who told the focal person (the *reporter*) is kept in two fields that only the
desa's focal person reads (``access.REPORTER_FIELDS``) unless the reporter agreed to be named.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.accounts.models import Office
from benteng.identity import IdentityFields, identity_indexes
from benteng.referrals.models import Referral
from benteng.regions.models import Region


class ReportKind(models.TextChoices):
    INFORMAL_DEPARTURE = "rencana_nonprosedural", _("Warga akan bekerja ke luar negeri lewat calo")
    RECRUITER_SEEN = "perekrut", _("Perekrut/sponsor terlihat di desa")
    VICTIM_ABROAD = "korban_luar_negeri", _("Dugaan korban di luar negeri")
    RETURNED = "pulang", _("Korban pulang/deportan")
    OTHER = "lainnya", _("Lainnya")


# Kinds that are about a recruiter at work in the village (the screening signal counts them).
RECRUITER_KINDS = frozenset({ReportKind.INFORMAL_DEPARTURE, ReportKind.RECRUITER_SEEN})


class ReportStatus(models.TextChoices):
    NEW = "baru", _("Baru")
    VERIFIED = "terverifikasi", _("Terverifikasi")
    ACTED = "ditindaklanjuti", _("Ditindaklanjuti")
    CLOSED = "ditutup", _("Ditutup")


class PersonRole(models.TextChoices):
    RESIDENT = "warga", _("Warga yang akan berangkat")
    RECRUITER = "perekrut", _("Perekrut/sponsor")
    VICTIM = "korban", _("Korban/diduga korban")
    RETURNEE = "pulang", _("Korban pulang/deportan")
    APPROACHED = "didekati", _("Warga yang didekati")
    OTHER = "lainnya", _("Lainnya")


class VillageReport(models.Model):
    kind = models.CharField(_("jenis laporan"), max_length=30, choices=ReportKind.choices)
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    summary = models.TextField(_("uraian"))
    seen_on = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    vehicle = models.CharField(_("kendaraan"), max_length=200, blank=True)
    approached = models.CharField(_("siapa yang didekati"), max_length=300, blank=True)
    # Set when a person of the report is a recruiter or the kind is about one: what the
    # screening signal counts, in one indexed condition.
    mentions_recruiter = models.BooleanField(default=False, editable=False)
    # The resident who told the focal person.
    reporter_name = models.CharField(_("nama pelapor"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=20, blank=True)
    reporter_named = models.BooleanField(
        _("pelapor bersedia disebut"),
        default=False,
        help_text=_("Bila tidak, nama pelapor hanya terlihat oleh PIC desa."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("waktu lapor"), default=timezone.now)
    # Made on the phone for each draft: a report re-sent after a lost answer is not stored twice.
    draft_uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    kanim = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kanim"),
    )
    polres = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Polres"),
    )
    verified_at = models.DateTimeField(_("waktu verifikasi"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verification_note = models.TextField(_("catatan verifikasi"), blank=True)
    acted_at = models.DateTimeField(_("waktu tindak lanjut"), null=True, blank=True)
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rujukan"),
    )
    closed_at = models.DateTimeField(_("waktu ditutup"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note = models.TextField(_("catatan penutupan"), blank=True)
    # Closed as not borne out: kept, but no longer a village signal at the counter.
    unfounded = models.BooleanField(_("tidak terbukti"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccessQuerySet["VillageReport"].as_manager()

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("laporan desa")
        verbose_name_plural = _("laporan desa")
        constraints = [
            models.UniqueConstraint(
                fields=["filed_by", "draft_uuid"], name="village_report_draft_once"
            )
        ]
        indexes = [
            models.Index(fields=["village", "-filed_at"], name="vreport_desa_idx"),
            models.Index(
                fields=["village", "filed_at"],
                name="vreport_recruiter_idx",
                condition=models.Q(mentions_recruiter=True),
            ),
            models.Index(fields=["kanim", "-filed_at"], name="vreport_kanim_idx"),
            models.Index(fields=["polres", "-filed_at"], name="vreport_polres_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("village_reports:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """The report's number, e.g. LD-2026-000012 (the year it was filed, its id)."""
        return f"LD-{timezone.localdate(self.filed_at).year}-{self.pk or 0:06d}"


class VillageReportPerson(IdentityFields):
    """A person a report names, with whatever is known."""

    report = models.ForeignKey(VillageReport, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("peran"), max_length=20, choices=PersonRole.choices)
    destination_country = models.CharField(_("negara tujuan"), max_length=2, blank=True)
    # The name as screening compares sponsors (benteng.core.names.name_key).
    name_key = models.CharField(max_length=200, blank=True, editable=False)

    objects = AccessQuerySet["VillageReportPerson"].as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("orang dalam laporan desa")
        verbose_name_plural = _("orang dalam laporan desa")
        indexes = [
            *identity_indexes("vrperson"),
            models.Index(
                fields=["name_key"],
                name="vrperson_recruiter_name_idx",
                condition=models.Q(role=PersonRole.RECRUITER) & ~models.Q(name_key=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"


class VillageReportPhoto(models.Model):
    """A photo resized on the phone (JPEG or PNG, checked by content), kept in the database:
    a few hundred KB each, read only through the report's policy."""

    report = models.ForeignKey(VillageReport, on_delete=models.CASCADE, related_name="photos")
    content = models.BinaryField()
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["VillageReportPhoto"].as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("foto laporan desa")
        verbose_name_plural = _("foto laporan desa")

    def __str__(self) -> str:
        return f"foto #{self.pk}"
