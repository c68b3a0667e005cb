"""Referrals (rujukan) from one office to another: immigration to police, police to
immigration, a village office to its Kanim or Polres, any office to BP3MI.

A referral names the people it is about (``ReferralSubject``, identity records the people app
indexes), the reason, its urgency and, when it grew from a screening, the application or
departure check and the screening result at sending time (by reference, never a copy). It moves
sent → received → in progress (assigned to a named officer) → closed with an outcome, or is
returned with a reason; every step, comment, file and missed deadline is a ``ReferralEvent``
on its timeline. Deadlines per urgency are data (``ReferralDeadline``); the due times are fixed
when the referral is sent, so a later change of the deadlines does not move them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.accounts.models import Office
from benteng.cases.models import Stage, Verdict
from benteng.identity import IdentityFields, identity_indexes
from benteng.referrals.files import PrivateFileStorage


class ReferralState(models.TextChoices):
    SENT = "terkirim", _("Terkirim")
    ACKNOWLEDGED = "diterima", _("Diterima")
    IN_PROGRESS = "diproses", _("Diproses")
    CLOSED = "selesai", _("Selesai")
    RETURNED = "dikembalikan", _("Dikembalikan")


OPEN_STATES = (ReferralState.SENT, ReferralState.ACKNOWLEDGED, ReferralState.IN_PROGRESS)


class ReferralUrgency(models.TextChoices):
    SEGERA = "segera", _("Segera")
    TINGGI = "tinggi", _("Tinggi")
    BIASA = "biasa", _("Biasa")


class ReasonCategory(models.TextChoices):
    TRAFFICKING_VICTIM = "indikasi_korban_tppo", _("Terindikasi korban TPPO")
    NON_PROCEDURAL_PMI = "pmi_nonprosedural", _("Terindikasi PMI nonprosedural")
    RECRUITER = "perekrut", _("Terduga perekrut/calo atau sponsor")
    SMUGGLING = "penyelundupan", _("Terindikasi penyelundupan manusia (TPPM)")
    FALSE_DOCUMENTS = "dokumen_palsu", _("Dokumen atau keterangan palsu")
    VICTIM_ASSISTANCE = "pendampingan_korban", _("Korban perlu pendampingan/pemulangan")
    PROCEDURAL_PLACEMENT = "penempatan_prosedural", _("Perlu diarahkan ke penempatan prosedural")
    OTHER = "lainnya", _("Lainnya")


class ReferralOutcome(models.TextChoices):
    CASE_OPENED = "perkara_dibuka", _("Perkara dibuka (Laporan Polisi)")
    NO_OFFENCE = "tidak_ada_pidana", _("Tidak ditemukan tindak pidana")
    PASSED_ON = "diteruskan", _("Diteruskan ke instansi lain")
    ASSISTED_HOME = "dipulangkan", _("Orang dibantu pulang")


class DeadlineKind(models.TextChoices):
    ACKNOWLEDGE = "penerimaan", _("Batas penerimaan")
    FIRST_ACTION = "tindakan_pertama", _("Batas tindakan pertama")


class EventKind(models.TextChoices):
    SENT = "dikirim", _("Dikirim")
    ACKNOWLEDGED = "diterima", _("Diterima")
    ASSIGNED = "ditugaskan", _("Ditugaskan")
    CLOSED = "diselesaikan", _("Diselesaikan")
    RETURNED = "dikembalikan", _("Dikembalikan")
    COMMENT = "komentar", _("Komentar")
    FILE_ADDED = "berkas", _("Berkas ditambahkan")
    SUBJECT_ADDED = "subjek", _("Orang ditambahkan")
    OVERDUE = "lewat_batas", _("Lewat batas waktu")
    CASE_PROGRESS = "kasus", _("Perkembangan kasus")


class ReferralDeadline(models.Model):
    """How long the receiving office has, per urgency, to acknowledge and to act first
    (assign an officer). Seeded by a data migration; administrators change it."""

    urgency = models.CharField(
        _("urgensi"), max_length=10, choices=ReferralUrgency.choices, unique=True
    )
    acknowledge_hours = models.PositiveIntegerField(_("batas penerimaan (jam)"))
    first_action_hours = models.PositiveIntegerField(_("batas tindakan pertama (jam)"))

    class Meta:
        ordering = ["acknowledge_hours"]
        verbose_name = _("batas waktu rujukan")
        verbose_name_plural = _("batas waktu rujukan")

    def __str__(self) -> str:
        return str(self.get_urgency_display())


class Referral(models.Model):
    sender_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kantor pengirim")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petugas pengirim"),
    )
    receiving_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kantor penerima")
    )
    reason_category = models.CharField(
        _("kategori alasan"), max_length=30, choices=ReasonCategory.choices
    )
    reason = models.TextField(_("alasan"))
    urgency = models.CharField(_("urgensi"), max_length=10, choices=ReferralUrgency.choices)
    state = models.CharField(
        _("status"), max_length=15, choices=ReferralState.choices, default=ReferralState.SENT
    )
    # The screening record it came from, if any, and its screening at sending time.
    application = models.ForeignKey(
        "screening.PassportApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("permohonan paspor"),
    )
    departure_check = models.ForeignKey(
        "screening.DepartureCheck",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pemeriksaan keberangkatan"),
    )
    screening_result = models.ForeignKey(
        "screening.ScreeningResult",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hasil penyaringan"),
    )
    # What made it, once: "application_decision:12" for a counter decision (so the hook and
    # the migration of stored decisions never make two referrals of one decision).
    origin_key = models.CharField(max_length=60, blank=True)
    sent_at = models.DateTimeField(_("waktu kirim"), default=timezone.now)
    acknowledge_due_at = models.DateTimeField(_("batas penerimaan"))
    action_due_at = models.DateTimeField(_("batas tindakan pertama"))
    acknowledged_at = models.DateTimeField(_("waktu diterima"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diterima oleh"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petugas yang menangani"),
    )
    assigned_at = models.DateTimeField(_("waktu ditugaskan"), null=True, blank=True)
    closed_at = models.DateTimeField(_("waktu selesai"), null=True, blank=True)
    outcome = models.CharField(
        _("hasil"), max_length=20, choices=ReferralOutcome.choices, blank=True
    )
    lp_number = models.CharField(_("nomor Laporan Polisi"), max_length=120, blank=True)
    lp_date = models.DateField(_("tanggal Laporan Polisi"), null=True, blank=True)
    # The case it grew from ("case opened"): opened or linked when the referral is closed.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("kasus"),
    )
    passed_to = models.CharField(_("diteruskan ke"), max_length=200, blank=True)
    outcome_note = models.TextField(_("catatan hasil"), blank=True)
    returned_at = models.DateTimeField(_("waktu dikembalikan"), null=True, blank=True)
    return_reason = models.TextField(_("alasan dikembalikan"), blank=True)
    # The agreement clause a referral to another agency relies on (``exchange.py``); empty
    # within one agency, and for referrals sent before the agreements were records.
    clause = models.ForeignKey(
        "agreements.Clause",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dasar perjanjian"),
    )

    objects = AccessQuerySet["Referral"].as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        indexes = [
            models.Index(fields=["receiving_office", "-sent_at"], name="referral_incoming_idx"),
            models.Index(fields=["sender_office", "-sent_at"], name="referral_outgoing_idx"),
            models.Index(fields=["state", "acknowledge_due_at"], name="referral_ack_due_idx"),
            models.Index(fields=["state", "action_due_at"], name="referral_action_due_idx"),
            models.Index(fields=["application"], name="referral_application_idx"),
            models.Index(fields=["departure_check"], name="referral_departure_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["origin_key"],
                condition=~models.Q(origin_key=""),
                name="referral_origin_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"rujukan {self.pk}"

    @property
    def number(self) -> str:
        """How officers name it: RJK-<year>-<id>."""
        return f"RJK-{timezone.localtime(self.sent_at):%Y}-{self.pk:06d}"


class ReferralSubject(IdentityFields):
    """A person the referral is about, as an identity record (cleaned like every source)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="subjects")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["ReferralSubject"].as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("orang dalam rujukan")
        verbose_name_plural = _("orang dalam rujukan")
        indexes = [*identity_indexes("rsubject")]

    def __str__(self) -> str:
        return f"subjek rujukan {self.pk}"


class ReferralFile(models.Model):
    """A file attached to a referral, kept outside the web root and read only through the
    access-controlled download view."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="files")
    content = models.FileField(storage=PrivateFileStorage(), upload_to="rujukan/%Y/%m/")
    original_name = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["ReferralFile"].as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("berkas rujukan")
        verbose_name_plural = _("berkas rujukan")

    def __str__(self) -> str:
        return f"berkas rujukan {self.pk}"


class ReferralEvent(models.Model):
    """One line of the timeline: a change of state, a comment, a file, a missed deadline."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("peristiwa"), max_length=15, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    from_state = models.CharField(max_length=15, choices=ReferralState.choices, blank=True)
    to_state = models.CharField(max_length=15, choices=ReferralState.choices, blank=True)
    text = models.TextField(_("keterangan"), blank=True)
    deadline = models.CharField(max_length=20, choices=DeadlineKind.choices, blank=True)
    # A case's progress (``EventKind.CASE_PROGRESS``): its new stage, the stage's date and,
    # at the verdict, the verdict; shown in the reader's language.
    case_stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    case_stage_on = models.DateField(null=True, blank=True)
    case_verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)

    objects = AccessQuerySet["ReferralEvent"].as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("peristiwa rujukan")
        verbose_name_plural = _("peristiwa rujukan")
        constraints = [
            # One "overdue" event per referral and deadline: the job may run any number of times.
            models.UniqueConstraint(
                fields=["referral", "deadline"],
                condition=models.Q(kind="lewat_batas"),
                name="referral_overdue_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}:{self.kind}"
