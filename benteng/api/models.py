"""Client systems that call Benteng's JSON API with a token.

A token is shown once when issued; only its SHA-256 is stored (tokens are long random
strings, so a fast hash is enough and lookup stays one indexed query). A client acts for one
office with the need-to-know of one role, limited further by its scopes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role
from benteng.outbox.models import OutboxEvent


class ApiScope(models.TextChoices):
    REFERENCE_READ = "reference:read", _("Membaca data referensi (wilayah, kantor)")
    SCREENING_WRITE = "screening:write", _("Mengirim permohonan untuk disaring")
    SCREENING_READ = "screening:read", _("Membaca hasil penyaringan")
    WATCHLIST_READ = "watchlist:read", _("Membaca daftar pantauan")
    WATCHLIST_WRITE = "watchlist:write", _("Mengubah daftar pantauan")
    REFERRAL_READ = "referral:read", _("Membaca rujukan kantornya (API dan webhook)")
    REFERRAL_WRITE = "referral:write", _("Mengirim rujukan dan menyatakan rujukan diterima")
    WEBHOOKS = "webhooks", _("Melihat langganan webhook dan log pengirimannya, mengirim ulang")


class ApiClient(models.Model):
    name = models.CharField(_("nama sistem"), max_length=150, unique=True)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("kantor")
    )
    role = models.CharField(
        _("peran"),
        max_length=20,
        choices=Role.choices,
        help_text=_("Klien melihat data seperti peran ini di kantornya."),
    )
    scopes = models.JSONField(_("cakupan"), default=list)
    token_prefix = models.CharField(_("awalan token"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    objects = AccessQuerySet["ApiClient"].as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("klien API")
        verbose_name_plural = _("klien API")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def as_viewer(self) -> Viewer:
        """This client system as the access layer sees it (``benteng.access.as_viewer``)."""
        return Viewer.for_client(self)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class WebhookSubscription(models.Model):
    """A client system's address that receives signed events (``benteng/api/webhooks.py``).

    The secret signs every delivery; it is shown once when made and never again (it stays in
    the database because signing needs it).
    """

    client = models.ForeignKey(
        ApiClient,
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        verbose_name=_("klien API"),
    )
    url = models.URLField(_("alamat penerima"), max_length=500)
    event_kinds = models.JSONField(_("jenis peristiwa"), default=list)
    secret = models.CharField(max_length=100, editable=False)
    secret_prefix = models.CharField(_("awalan rahasia"), max_length=16, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    # The delivery worker's lease on this queue (``webhook_subscription_claim``): free when
    # null or past; the token proves which worker holds it when the round is recorded.
    leased_until = models.DateTimeField(null=True, blank=True, editable=False)
    lease_token = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = AccessQuerySet["WebhookSubscription"].as_manager()

    class Meta:
        ordering = ["client__name", "id"]
        verbose_name = _("langganan webhook")
        verbose_name_plural = _("langganan webhook")

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("menunggu")
    DELIVERED = "delivered", _("terkirim")
    FAILED = "failed", _("gagal (berhenti dicoba)")
    SKIPPED = "skipped", _("dilewati (tidak berhak melihat)")


class WebhookDelivery(models.Model):
    """One event for one subscriber: its attempts and what the receiver answered; never the
    body (it holds the object as projected for the client)."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("langganan"),
    )
    event = models.ForeignKey(
        OutboxEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("peristiwa")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(
        _("kode jawaban terakhir"), null=True, blank=True
    )
    last_error = models.CharField(_("kesalahan terakhir"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"))
    first_attempt_at = models.DateTimeField(_("percobaan pertama"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    resent_count = models.PositiveIntegerField(_("dikirim ulang"), default=0)

    objects = AccessQuerySet["WebhookDelivery"].as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("pengiriman webhook")
        verbose_name_plural = _("pengiriman webhook")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            # A subscriber's queue: its waiting deliveries in order.
            models.Index(
                fields=["subscription", "id"],
                name="webhook_delivery_queue",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subscription_id}/{self.event_id} {self.status}"


class WebhookResendRequest(models.Model):
    """An ``Idempotency-Key`` of a re-send a client asked for: the same key answers the same."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="webhook_resend_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"


class ApiIdempotentRequest(models.Model):
    """An ``Idempotency-Key`` a client sent with a write (a referral sent or acknowledged):
    the same key with the same body answers the same, with another body it is refused.

    Only the key, a hash of the request (operation and body) and the id of what it made are
    kept, never the body itself.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100)
    operation = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=64)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="api_idempotent_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"
