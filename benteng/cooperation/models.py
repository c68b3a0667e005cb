"""The agreement's joint work (PKS Kanwil Imigrasi Banten and Polda Banten, 19 Nov 2025):
joint trainings and exercises, joint operations with the referrals and cases they produced,
and shared facilities (interview rooms, shelters, vehicles) that one office books from another.

None of these rows is about a member of the public; they name offices and officers. A joint
operation links referrals and cases, which are personal data under their own policies: the
link is kept here, what a reader sees of the linked rows is decided by those policies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.accounts.models import Office
from benteng.referrals.files import PrivateFileStorage


class TrainingKind(models.TextChoices):
    TRAINING = "pelatihan", _("Pelatihan bersama")
    EXERCISE = "latihan", _("Latihan/simulasi bersama")
    SOSIALISASI = "sosialisasi", _("Sosialisasi untuk petugas")
    WORKSHOP = "lokakarya", _("Lokakarya/rapat teknis")


class Training(models.Model):
    kind = models.CharField(_("jenis kegiatan"), max_length=12, choices=TrainingKind.choices)
    topic = models.CharField(_("topik"), max_length=200)
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"))
    place = models.CharField(_("tempat"), max_length=200)
    organiser_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("penyelenggara")
    )
    trainers = models.TextField(
        _("pelatih/narasumber"), help_text=_("Satu nama per baris, dengan instansinya.")
    )
    notes = models.TextField(_("catatan"), blank=True)
    named_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("peserta bernama")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["Training"].as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("pelatihan/latihan bersama")
        verbose_name_plural = _("pelatihan/latihan bersama")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="training_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.topic


class TrainingParticipation(models.Model):
    """How many officers of one office took part."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participations")
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kantor")
    )
    count = models.PositiveIntegerField(_("jumlah peserta"))

    objects = AccessQuerySet["TrainingParticipation"].as_manager()

    class Meta:
        ordering = ["office__agency__kind", "office__name"]
        verbose_name = _("peserta per kantor")
        verbose_name_plural = _("peserta per kantor")
        constraints = [
            models.UniqueConstraint(fields=["training", "office"], name="participation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.count}"


class TrainingMaterial(models.Model):
    """A file of a training (slides, module, attendance list), kept outside the web root and
    read only through the access-controlled download view."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="materials")
    content = models.FileField(storage=PrivateFileStorage(), upload_to="kerja-sama/%Y/%m/")
    original_name = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["TrainingMaterial"].as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("materi pelatihan")
        verbose_name_plural = _("materi pelatihan")

    def __str__(self) -> str:
        return f"materi {self.pk}"


class OperationKind(models.TextChoices):
    AIRPORT = "bandara", _("Bandar udara")
    SEAPORT = "pelabuhan", _("Pelabuhan laut")
    LAND = "darat", _("Terminal/jalur darat")
    AREA = "wilayah", _("Wilayah/desa")
    OTHER = "lainnya", _("Lainnya")


class Operation(models.Model):
    name = models.CharField(_("nama operasi"), max_length=200)
    kind = models.CharField(_("jenis lokasi"), max_length=10, choices=OperationKind.choices)
    place = models.CharField(_("lokasi"), max_length=200)
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"))
    lead_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kantor pemimpin")
    )
    offices = models.ManyToManyField(Office, related_name="+", verbose_name=_("kantor yang ikut"))
    # What it produced; what a reader sees of these is decided by their own policies.
    referrals = models.ManyToManyField(
        "referrals.Referral", blank=True, related_name="+", verbose_name=_("rujukan")
    )
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="+", verbose_name=_("kasus")
    )
    notes = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["Operation"].as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("operasi bersama")
        verbose_name_plural = _("operasi bersama")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="operation_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FacilityKind(models.TextChoices):
    INTERVIEW_ROOM = "ruang_wawancara", _("Ruang wawancara")
    SHELTER = "rumah_aman", _("Rumah aman/shelter")
    VEHICLE = "kendaraan", _("Kendaraan")


class Facility(models.Model):
    owner_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kantor pemilik")
    )
    kind = models.CharField(_("jenis fasilitas"), max_length=16, choices=FacilityKind.choices)
    name = models.CharField(_("nama"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("kapasitas (orang)"))
    location = models.CharField(_("lokasi"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    objects = AccessQuerySet["Facility"].as_manager()

    class Meta:
        ordering = ["owner_office__name", "kind", "name"]
        verbose_name = _("fasilitas bersama")
        verbose_name_plural = _("fasilitas bersama")
        constraints = [
            models.UniqueConstraint(fields=["owner_office", "name"], name="facility_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class BookingState(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    CANCELLED = "dibatalkan", _("Dibatalkan")


class FacilityBooking(models.Model):
    """One office's use of a facility for a period. Active bookings of one facility never
    overlap: ``services.booking_create`` locks the facility's row, then checks."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("fasilitas")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kantor pemesan")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("dipesan oleh"),
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    purpose = models.CharField(_("keperluan"), max_length=300)
    state = models.CharField(
        _("status"), max_length=10, choices=BookingState.choices, default=BookingState.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AccessQuerySet["FacilityBooking"].as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("pemesanan fasilitas")
        verbose_name_plural = _("pemesanan fasilitas")
        indexes = [
            models.Index(fields=["facility", "state", "starts_at"], name="booking_facility_time")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"pemesanan {self.pk}"
