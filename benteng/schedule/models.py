"""One row per periodic job and slot it was enqueued for: the unique constraint is what makes
two schedulers running at once enqueue a job only once per slot."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    job = models.CharField(_("pekerjaan"), max_length=100)
    # The start of the slot (UTC): the interval or the day's time the run stands for.
    slot = models.DateTimeField(_("jadwal"))
    enqueued_at = models.DateTimeField(_("waktu masuk antrean"), default=timezone.now)
    task_id = models.CharField(_("nomor tugas"), max_length=64, blank=True)

    class Meta:
        ordering = ["-slot"]
        verbose_name = _("jalannya pekerjaan terjadwal")
        verbose_name_plural = _("jalannya pekerjaan terjadwal")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}"
