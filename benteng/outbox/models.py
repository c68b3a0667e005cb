"""Events waiting to be handed to the subscribers of the API layer (``benteng/api/webhooks.py``).

An event names its object by type label and id and carries a small payload of ids, states and
timestamps; never personal data. Its id grows with every event (the order of the outbox).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("jenis peristiwa"), max_length=60)
    object_type = models.CharField(_("jenis data"), max_length=100)
    object_id = models.CharField(_("id data"), max_length=40)
    data = models.JSONField(_("isi ringkas"), default=dict)
    occurred_at = models.DateTimeField(_("waktu"))
    # Set when the delivery worker made the event's deliveries (one per matching subscriber).
    fanned_out_at = models.DateTimeField(_("disebar"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("peristiwa keluar")
        verbose_name_plural = _("peristiwa keluar")
        indexes = [
            # The worker's question: which events are not fanned out yet, oldest first.
            models.Index(
                fields=["id"], name="outbox_event_waiting", condition=Q(fanned_out_at__isnull=True)
            ),
            models.Index(fields=["object_type", "object_id"], name="outbox_event_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.object_type}:{self.object_id}"
