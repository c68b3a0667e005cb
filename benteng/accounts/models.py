"""Agencies, their offices and the areas they cover, and the people who use Benteng.

Offices and their areas are data an administrator changes, not code: public sources disagree
on some of them, and jurisdictions do not follow kabupaten lines (parts of Banten are policed by
Polda Metro Jaya), so coverage is kept per region at any level — kabupaten/kota, kecamatan or
desa.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.access.viewer import Viewer
from benteng.regions.models import Region


class AgencyKind(models.TextChoices):
    IMIGRASI = "imigrasi", _("Imigrasi")
    POLRI = "polri", _("Kepolisian")
    DESA = "desa", _("Pemerintah desa")
    BP3MI = "bp3mi", _("BP3MI")


class Agency(models.Model):
    kind = models.CharField(_("jenis"), max_length=10, choices=AgencyKind.choices, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=50)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.short_name


class OfficeKind(models.TextChoices):
    KANWIL = "kanwil", _("Kantor Wilayah Imigrasi")
    KANIM = "kanim", _("Kantor Imigrasi")
    TPI = "tpi", _("Tempat Pemeriksaan Imigrasi")
    POLDA = "polda", _("Polda")
    POLRES = "polres", _("Polres/Polresta")
    POLSEK = "polsek", _("Polsek")
    KANTOR_DESA = "kantor_desa", _("Kantor desa/kelurahan")
    BP3MI = "bp3mi", _("Balai Pelayanan Pelindungan PMI")


OFFICE_KIND_AGENCY = {
    OfficeKind.KANWIL: AgencyKind.IMIGRASI,
    OfficeKind.KANIM: AgencyKind.IMIGRASI,
    OfficeKind.TPI: AgencyKind.IMIGRASI,
    OfficeKind.POLDA: AgencyKind.POLRI,
    OfficeKind.POLRES: AgencyKind.POLRI,
    OfficeKind.POLSEK: AgencyKind.POLRI,
    OfficeKind.KANTOR_DESA: AgencyKind.DESA,
    OfficeKind.BP3MI: AgencyKind.BP3MI,
}


class Office(models.Model):
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="offices", verbose_name=_("instansi")
    )
    kind = models.CharField(_("jenis kantor"), max_length=12, choices=OfficeKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("kantor induk"),
    )
    seat = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kedudukan"),
        help_text=_("Wilayah tempat kantor berada."),
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    covered_regions = models.ManyToManyField(
        Region,
        through="OfficeCoverage",
        related_name="covering_offices",
        verbose_name=_("wilayah kerja"),
        blank=True,
    )

    class Meta:
        ordering = ["agency__kind", "kind", "name"]
        verbose_name = _("kantor")
        verbose_name_plural = _("kantor")

    def __str__(self) -> str:
        return self.name


class OfficeCoverage(models.Model):
    """One region an office covers; covering a region covers every region below it."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="coverage")
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="coverage", verbose_name=_("wilayah")
    )
    note = models.CharField(
        _("catatan"), max_length=300, blank=True, help_text=_("Dasar penetapan wilayah kerja.")
    )

    class Meta:
        verbose_name = _("wilayah kerja kantor")
        verbose_name_plural = _("wilayah kerja kantor")
        constraints = [
            models.UniqueConstraint(fields=["office", "region"], name="office_region_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office} → {self.region}"


class Role(models.TextChoices):
    PETUGAS_IMIGRASI = "petugas_imigrasi", _("Petugas imigrasi (layanan paspor)")
    PETUGAS_TPI = "petugas_tpi", _("Petugas TPI (pemeriksaan keberangkatan)")
    ANALIS_IMIGRASI = "analis_imigrasi", _("Analis intelijen imigrasi")
    PIMPASA = "pimpasa", _("Petugas Imigrasi Pembina Desa (PIMPASA)")
    PENYIDIK = "penyidik", _("Penyidik Polri")
    ANALIS_POLRI = "analis_polri", _("Analis Polri")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas")
    PIC_DESA = "pic_desa", _("PIC desa")
    PIMPINAN = "pimpinan", _("Pimpinan")
    ADMIN = "admin", _("Administrator")


# Which agency a role belongs to; leadership and administrators may be of either agency.
ROLE_AGENCIES: dict[str, tuple[str, ...]] = {
    Role.PETUGAS_IMIGRASI: (AgencyKind.IMIGRASI,),
    Role.PETUGAS_TPI: (AgencyKind.IMIGRASI,),
    Role.ANALIS_IMIGRASI: (AgencyKind.IMIGRASI,),
    Role.PIMPASA: (AgencyKind.IMIGRASI,),
    Role.PENYIDIK: (AgencyKind.POLRI,),
    Role.ANALIS_POLRI: (AgencyKind.POLRI,),
    Role.BHABINKAMTIBMAS: (AgencyKind.POLRI,),
    Role.PIC_DESA: (AgencyKind.DESA,),
    Role.PIMPINAN: (AgencyKind.IMIGRASI, AgencyKind.POLRI),
    Role.ADMIN: (AgencyKind.IMIGRASI, AgencyKind.POLRI),
}
# Roles that work for named villages (assigned through User.villages).
VILLAGE_ROLES = frozenset({Role.PIMPASA, Role.BHABINKAMTIBMAS, Role.PIC_DESA})
# Leadership sees aggregates only; every other role sees personal data and needs 2FA.
ROLES_WITHOUT_PERSONAL_DATA = frozenset({Role.PIMPINAN})


class UserQuerySet(AccessQuerySet["User"]):
    pass


class BentengUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("kantor"),
    )
    villages = models.ManyToManyField(
        Region,
        blank=True,
        related_name="assigned_users",
        verbose_name=_("desa binaan/tugas"),
        limit_choices_to={"level__in": ["desa", "kelurahan"]},
    )
    employee_number = models.CharField(_("NIP/NRP"), max_length=30, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    # Only accounts created by `seed_demo` on a demo machine may skip 2FA, and only there.
    is_demo_account = models.BooleanField(default=False, editable=False)
    # Set when an administrator set the password: its owner must choose a new one (and enrol
    # the second factor again) before anything else (accounts.services).
    must_change_password = models.BooleanField(
        _("harus mengganti kata sandi"), default=False, editable=False
    )
    # The administrator who last set the password, until the owner enrols an authenticator:
    # that administrator may not also issue the enrolment code (accounts.twofactor), so no
    # one administrator holds both the password and the code.
    password_set_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("kata sandi diatur oleh"),
    )

    objects: ClassVar[BentengUserManager] = BentengUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        """How the admin greets the person: the full name, as a first word may be a title
        or an abbreviation ("Dt.", "H.", "Drs.") rather than a name."""
        return self.get_full_name()

    @property
    def agency_kind(self) -> str | None:
        return self.office.agency.kind if self.office_id and self.office else None

    def as_viewer(self) -> Viewer:
        """This person as the access layer sees them (``benteng.access.as_viewer``)."""
        return Viewer.for_user(self)

    @property
    def sees_personal_data(self) -> bool:
        return self.role not in ROLES_WITHOUT_PERSONAL_DATA


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a person for their first (or a renewed) TOTP
    enrolment: the password alone never enrols an authenticator. Kept only as a password
    hash; single use; void after its expiry or after too many wrong tries."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name=_("pengguna")
    )
    code_hash = models.CharField(max_length=200)
    # Empty when issued on the server's command line (the first administrator's code).
    issued_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diterbitkan oleh"),
    )
    issued_at = models.DateTimeField(_("diterbitkan"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    used_at = models.DateTimeField(_("dipakai"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("percobaan salah"), default=0)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("kode pendaftaran verifikasi dua langkah")
        verbose_name_plural = _("kode pendaftaran verifikasi dua langkah")

    def __str__(self) -> str:
        return f"{self.user} · {self.issued_at:%Y-%m-%d %H:%M}"


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu persetujuan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class GrantSubject(models.TextChoices):
    USER = "user", _("Pengguna")
    API_CLIENT = "api_client", _("Sistem klien API")


class RoleGrant(models.Model):
    """A data role (one that sees personal data) given to a user or a client system: recorded
    by one administrator, in effect only once another administrator approves (four eyes)."""

    subject_type = models.CharField(_("untuk"), max_length=12, choices=GrantSubject.choices)
    subject_id = models.PositiveBigIntegerField()
    subject_label = models.CharField(_("nama"), max_length=200)
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    scopes = models.JSONField(_("cakupan"), default=list, blank=True)
    # A new account or client, kept inactive until the approval.
    activates = models.BooleanField(_("mengaktifkan"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("diminta oleh")
    )
    requested_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("pemberian peran data")
        verbose_name_plural = _("pemberian peran data (empat mata)")

    def __str__(self) -> str:
        return f"{self.subject_label} → {self.get_role_display()} ({self.get_status_display()})"
