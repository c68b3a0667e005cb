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


class ApiScope(models.TextChoices):
    REFERENCE_READ = "reference:read", _("Membaca data referensi (wilayah, kantor)")
    SCREENING_WRITE = "screening:write", _("Mengirim permohonan untuk disaring")
    SCREENING_READ = "screening:read", _("Membaca hasil penyaringan")
    WATCHLIST_READ = "watchlist:read", _("Membaca daftar pantauan")
    WATCHLIST_WRITE = "watchlist:write", _("Mengubah daftar pantauan")


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
