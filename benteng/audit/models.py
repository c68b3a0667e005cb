"""The append-only audit trail of every read and write of personal data.

Each entry carries the SHA-256 of its own content and of the entry before it, so editing,
deleting or inserting a row anywhere breaks the chain from that point on, and
``manage.py audit_verify`` names the first entry where it breaks. The same trail records
exchanges between agencies: who received what, on which basis.

An entry is written *unsealed* (no sequence, no hashes) and sealed into the chain a moment
later by the sealer, off the request path (``docs/audit-trail.md``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    READ = "read", _("Membaca")
    LIST = "list", _("Menampilkan daftar")
    CREATE = "create", _("Membuat")
    UPDATE = "update", _("Mengubah")
    DELETE = "delete", _("Menghapus")
    EXPORT = "export", _("Mengekspor")
    SHARE = "share", _("Membagikan ke instansi lain")
    LOGIN = "login", _("Masuk")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
    LOGOUT = "logout", _("Keluar")
    TWO_FACTOR = "two_factor", _("Verifikasi dua langkah")
    DENIED = "denied", _("Akses ditolak atau data tidak ada")


class AuditEntry(models.Model):
    # Empty until the sealer chains the entry (docs/audit-trail.md); then the chain's order.
    sequence = models.PositiveBigIntegerField(_("urutan"), unique=True, null=True, blank=True)
    occurred_at = models.DateTimeField(_("waktu"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
        db_constraint=False,
        # Looked up with the time: the (actor, occurred_at) index below serves it.
        db_index=False,
    )
    # Copied, not joined: the trail must still say who and where after accounts change.
    actor_label = models.CharField(_("pelaku (saat itu)"), max_length=200)
    actor_role = models.CharField(_("peran"), max_length=30, blank=True)
    actor_office = models.CharField(_("kantor"), max_length=200, blank=True)
    client_label = models.CharField(_("sistem klien"), max_length=200, blank=True)
    action = models.CharField(_("tindakan"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("jenis data"), max_length=100, blank=True)
    object_ids = models.JSONField(_("id data"), default=list)
    purpose = models.CharField(_("tujuan"), max_length=300, blank=True)
    # Exchanges: the receiving agency/office and the agreement clause relied upon.
    recipient = models.CharField(_("penerima"), max_length=200, blank=True)
    legal_basis = models.CharField(_("dasar"), max_length=300, blank=True)
    detail = models.JSONField(_("rincian"), default=dict)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    # NULL, not "", while unsealed: the unique constraint allows any number of NULLs.
    entry_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # Keyed with BENTENG_AUDIT_KEY, which is not in the database (benteng/audit/chain.py):
    # the writer's signature while unsealed, the sealer's signature of entry_hash once sealed.
    mac = models.CharField(max_length=80, blank=True, default="")

    # Read through ``benteng.access.visible_to(AuditEntry.objects.all(), viewer)``: this app
    # is below the access layer.
    objects = models.Manager["AuditEntry"]()

    class Meta:
        # Newest first, unsealed entries included (they have no sequence yet).
        ordering = ["-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("jejak audit")
        # Unique as a constraint: the same index as unique=True without the LIKE copy that
        # PostgreSQL would also keep (and update at every insert and seal) for a text column.
        constraints = [
            models.UniqueConstraint(fields=["entry_hash"], name="audit_entry_hash_unique")
        ]
        indexes = [
            models.Index(fields=["object_type", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"]),
        ]

    def __str__(self) -> str:
        number = f"#{self.sequence}" if self.sequence is not None else f"(id {self.pk})"
        return f"{number} · {self.actor_label} · {self.get_action_display()}"


# Written into ``previous_hash`` of an unsealed row that the sealer refused (it carries no
# valid writer signature): the row is kept, as evidence, and reported by ``audit_verify``.
REFUSED_MARK = "refused"


class AuditChainHead(models.Model):
    """One row holding the last sequence and hash; locked while entries are sealed."""

    singleton = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head at {self.last_sequence}"
