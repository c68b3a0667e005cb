"""Notifications to one person, shown in the site and sent by e-mail.

A notification keeps its *kind* and *parameters*, not sentences: the title and body are
rendered when they are shown (``benteng/notifications/texts.py``), through gettext, so the
Indonesian/English switch applies to notifications already received, and the e-mail is written
in the recipient's own language. The parameters name a referral or case by its number and an
office by its name — never the person a referral or case is about (what the recipient may see
of the person is decided on the record's own page, by that record's access policy).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet


class NotificationKind(models.TextChoices):
    NEW_REFERRAL = "rujukan_baru", _("Rujukan baru")
    REFERRAL_ACKNOWLEDGED = "rujukan_diterima", _("Rujukan diterima")
    REFERRAL_ASSIGNED = "rujukan_ditugaskan", _("Rujukan ditugaskan kepada Anda")
    REFERRAL_OUTCOME = "rujukan_hasil", _("Hasil rujukan")
    REFERRAL_RETURNED = "rujukan_dikembalikan", _("Rujukan dikembalikan")
    DEADLINE_OVERDUE = "tenggat_terlewati", _("Tenggat terlewati")
    CASE_OUTCOME = "kasus_hasil", _("Perkembangan kasus")
    WELCOME = "selamat_datang", _("Selamat datang")
    VILLAGE_REPORT_NEW = "laporan_desa_baru", _("Laporan desa baru")
    VILLAGE_REPORT_STATUS = "laporan_desa_status", _("Perkembangan laporan desa")


class EmailState(models.TextChoices):
    """What became of the e-mail copy of a notification."""

    NOT_SENT = "tidak_dikirim", _("tidak dikirim (tanpa e-mail)")
    PENDING = "menunggu", _("menunggu dikirim")
    SENT = "terkirim", _("terkirim")
    GAVE_UP = "gagal", _("gagal setelah beberapa percobaan")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("penerima"),
    )
    kind = models.CharField(_("jenis"), max_length=30, choices=NotificationKind.choices)
    # Values for the kind's sentences: {"number": "R-2026-00012"}; a value to be translated when
    # shown is {"msgid": "..."}, a moment {"datetime": "2026-12-07T10:00:00+00:00"}.
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    # A path inside the site ("/rujukan/12/"), checked when the notification is made.
    link = models.CharField(_("tautan"), max_length=300)
    # The record it is about, by reference: "referrals.referral" and its id.
    target_type = models.CharField(_("jenis rekaman"), max_length=100, blank=True)
    target_id = models.CharField(_("id rekaman"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=15, choices=EmailState.choices, default=EmailState.NOT_SENT
    )
    email_attempts = models.PositiveSmallIntegerField(_("percobaan e-mail"), default=0)
    email_last_attempt_at = models.DateTimeField(
        _("percobaan e-mail terakhir"), null=True, blank=True
    )
    email_sent_at = models.DateTimeField(_("e-mail terkirim"), null=True, blank=True)

    objects = AccessQuerySet["Notification"].as_manager()

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            # The list (unread first, newest first) and the header's unread count.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
            # The retry round of e-mails not yet sent.
            models.Index(
                fields=["email_state", "email_last_attempt_at"],
                name="notification_email_pending",
                condition=models.Q(email_state="menunggu"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """How one person wants their notifications: by e-mail too or not, and in which language.

    No row means the defaults: e-mail on, Bahasa Indonesia.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("pengguna"),
    )
    email_enabled = models.BooleanField(_("kirim juga lewat e-mail"), default=True)
    language = models.CharField(
        _("bahasa e-mail"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = AccessQuerySet["NotificationPreference"].as_manager()

    class Meta:
        verbose_name = _("preferensi notifikasi")
        verbose_name_plural = _("preferensi notifikasi")

    def __str__(self) -> str:
        return f"preference of user #{self.user_id}"
