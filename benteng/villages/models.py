"""Desa Binaan: the guided villages, their people and the PIMPASA's work in the three pillars.

A designation (``DesaBinaan``) names a desa/kelurahan of the region tree, since when and by
which Kanim it is guided, and keeps the cooperation document. Its PIMPASA and
Bhabinkamtibmas are the accounts with those roles assigned to the desa (``User.villages``);
its focal persons (``FocalPerson``) are the village office's people, with or without an
account. The *service* pillar is ``ServiceDay``, the *knowledge* pillar ``Outreach`` with its
files; a ``WorkPlan`` sets what a PIMPASA plans per desa and quarter. ``PmiCount`` holds the
procedural PMI counts the migrant-worker agency publishes per desa and year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.accounts.models import AgencyKind, Office
from benteng.referrals.files import PrivateFileStorage
from benteng.regions.models import VILLAGE_LEVELS, Region


class DesaBinaan(models.Model):
    region = models.OneToOneField(
        Region,
        on_delete=models.PROTECT,
        related_name="desa_binaan",
        verbose_name=_("desa/kelurahan"),
        limit_choices_to={"level__in": list(VILLAGE_LEVELS)},
    )
    designated_on = models.DateField(_("ditetapkan sejak"))
    kanim = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="desa_binaan",
        verbose_name=_("Kantor Imigrasi pembina"),
        limit_choices_to={"kind": "kanim"},
    )
    cooperation_document = models.FileField(
        _("dokumen kerja sama"),
        storage=PrivateFileStorage(),
        upload_to="desa-binaan/kerja-sama/%Y/",
        blank=True,
    )
    cooperation_document_type = models.CharField(max_length=40, blank=True, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    objects = AccessQuerySet["DesaBinaan"].as_manager()

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("Desa Binaan")
        verbose_name_plural = _("Desa Binaan")

    def __str__(self) -> str:
        return str(self.region.name if self.region_id else self.pk)


class FocalPerson(models.Model):
    """A focal person (PIC) of the village office: a name, a position and a phone, and the
    account when they use Benteng."""

    village = models.ForeignKey(
        DesaBinaan,
        on_delete=models.CASCADE,
        related_name="focal_persons",
        verbose_name=_("Desa Binaan"),
    )
    full_name = models.CharField(_("nama"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=120)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("akun Benteng"),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    objects = AccessQuerySet["FocalPerson"].as_manager()

    class Meta:
        ordering = ["village_id", "full_name", "pk"]
        verbose_name = _("PIC desa")
        verbose_name_plural = _("PIC desa")

    def __str__(self) -> str:
        return f"{self.village_id}:{self.pk}"


class ServiceKind(models.TextChoices):
    PASSPORT_INFORMATION = "informasi_paspor", _("Informasi paspor")
    PRE_CHECK = "pra_pemeriksaan", _("Pra-pemeriksaan berkas")
    PROCEDURAL_GUIDANCE = "jalur_prosedural", _("Pendampingan ke jalur penempatan prosedural")


class ServiceDay(models.Model):
    """The *service* pillar: immigration services brought to the village on one day."""

    village = models.ForeignKey(
        DesaBinaan,
        on_delete=models.PROTECT,
        related_name="service_days",
        verbose_name=_("Desa Binaan"),
    )
    held_on = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=200)
    # A list of ServiceKind values.
    services = models.JSONField(_("layanan"), default=list)
    served_male = models.PositiveIntegerField(_("dilayani laki-laki"), default=0)
    served_female = models.PositiveIntegerField(_("dilayani perempuan"), default=0)
    notes = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["ServiceDay"].as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("hari layanan")
        verbose_name_plural = _("hari layanan")
        indexes = [models.Index(fields=["village", "held_on"], name="serviceday_desa_date_idx")]

    def __str__(self) -> str:
        return f"{self.village_id}:{self.held_on}"

    @property
    def served_total(self) -> int:
        return self.served_male + self.served_female


class OutreachKind(models.TextChoices):
    SOSIALISASI = "sosialisasi", _("Sosialisasi")
    TRAINING = "pelatihan", _("Pelatihan")
    SCHOOL = "sekolah", _("Sesi sekolah")
    DOOR_TO_DOOR = "door_to_door", _("Kunjungan rumah ke rumah")


class Facilitator(models.TextChoices):
    # The facilitator's agency, as the accounts app names agencies.
    IMMIGRATION = AgencyKind.IMIGRASI.value, _("Imigrasi")
    POLICE = AgencyKind.POLRI.value, _("Kepolisian")
    BP3MI = AgencyKind.BP3MI.value, _("BP3MI")
    VILLAGE = AgencyKind.DESA.value, _("Pemerintah desa")


class Outreach(models.Model):
    """The *knowledge* pillar: one outreach session in the village."""

    village = models.ForeignKey(
        DesaBinaan, on_delete=models.PROTECT, related_name="outreach", verbose_name=_("Desa Binaan")
    )
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=OutreachKind.choices)
    held_on = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=200)
    topic = models.CharField(_("topik"), max_length=200)
    # A list of Facilitator values.
    facilitators = models.JSONField(_("narasumber"), default=list)
    participants_male = models.PositiveIntegerField(_("peserta laki-laki"), default=0)
    participants_female = models.PositiveIntegerField(_("peserta perempuan"), default=0)
    participants_youth = models.PositiveIntegerField(
        _("di antaranya peserta muda (di bawah 25 tahun)"), default=0
    )
    notes = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["Outreach"].as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("kegiatan penyuluhan")
        verbose_name_plural = _("kegiatan penyuluhan")
        indexes = [models.Index(fields=["village", "held_on"], name="outreach_desa_date_idx")]

    def __str__(self) -> str:
        return f"{self.village_id}:{self.kind}:{self.held_on}"

    @property
    def participants_total(self) -> int:
        return self.participants_male + self.participants_female


class OutreachFileKind(models.TextChoices):
    PHOTO = "foto", _("Foto kegiatan")
    ATTENDANCE = "daftar_hadir", _("Daftar hadir")


class OutreachFile(models.Model):
    """A photo or an attendance list of an outreach session, kept outside the web root and
    read only through the village pages' access check."""

    outreach = models.ForeignKey(Outreach, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("jenis"), max_length=20, choices=OutreachFileKind.choices)
    content = models.FileField(storage=PrivateFileStorage(), upload_to="desa-binaan/%Y/%m/")
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["OutreachFile"].as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("berkas penyuluhan")
        verbose_name_plural = _("berkas penyuluhan")

    def __str__(self) -> str:
        return f"{self.outreach_id}:{self.pk}"


class WorkPlan(models.Model):
    """What a PIMPASA plans to do in one desa in one quarter, per activity kind."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="village_work_plans",
        verbose_name=_("PIMPASA"),
    )
    village = models.ForeignKey(
        DesaBinaan,
        on_delete=models.PROTECT,
        related_name="work_plans",
        verbose_name=_("Desa Binaan"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    # {activity kind: planned count}; the kinds are "layanan" and the OutreachKind values.
    planned = models.JSONField(_("rencana"), default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["WorkPlan"].as_manager()

    class Meta:
        ordering = ["-year", "-quarter", "village_id"]
        verbose_name = _("rencana kerja")
        verbose_name_plural = _("rencana kerja")
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "village", "year", "quarter"], name="work_plan_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="work_plan_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id}:{self.year}Q{self.quarter}"


class PmiCount(models.Model):
    """Procedural PMI placed from one desa in one year, as one source published it (counts
    only, no person), optionally by sex and destination country."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    source = models.CharField(_("sumber"), max_length=100)
    # ISO 3166-1 alpha-2; blank for "every destination".
    destination_country = models.CharField(_("negara tujuan"), max_length=2, blank=True)
    total = models.PositiveIntegerField(_("jumlah"))
    male = models.PositiveIntegerField(_("laki-laki"), null=True, blank=True)
    female = models.PositiveIntegerField(_("perempuan"), null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["region_id", "-year", "destination_country"]
        verbose_name = _("jumlah PMI prosedural")
        verbose_name_plural = _("jumlah PMI prosedural")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "source", "destination_country"],
                name="pmi_count_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id}:{self.year}:{self.total}"


# The activity kinds a work plan counts: the service pillar's days and each outreach kind.
SERVICE_DAY_PLAN_KEY = "layanan"
