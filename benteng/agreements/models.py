"""Cooperation agreements as records, and the ledger of every exchange made under them.

An ``Agreement`` (the Banten PKS between Kanwil Ditjen Imigrasi Banten and Polda Banten, a
later one with BP3MI) has parties (agencies) and ``Clause``s. A clause names its purpose, which
agencies may send to which, how long the recipient keeps the data, whether the recipient may
pass it on, and per record type the fields it allows (``ClauseRecordType``). These are
reference data an administrator keeps in the admin site; they hold no personal data.

Every exchange between agencies (a referral, an API read by a client system, a webhook, an
export) writes one ``Exchange`` in the same transaction: channel, from whom to whom, which
records, under which clause and purpose, which fields. Its ``ExchangeSubject`` rows name the
people whose data went (by the people app's source reference, and a keyed hash of the NIK when
known: never the NIK itself), so one person's exchanges are found across sources.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.accounts.models import Agency, Office
from benteng.agreements.registry import field_label, fields_problem, shared_type


class Purpose(models.TextChoices):
    PREVENTION = "pencegahan", _("Pencegahan TPPO/TPPM")
    LAW_ENFORCEMENT = "penegakan_hukum", _("Penegakan hukum")
    PROTECTION = "pelindungan", _("Pelindungan PMI dan korban")
    CAPACITY = "peningkatan_kapasitas", _("Peningkatan kapasitas")
    FACILITIES = "sarana_bersama", _("Pemanfaatan sarana dan prasarana bersama")


class Agreement(models.Model):
    number = models.CharField(_("nomor"), max_length=200, unique=True)
    title = models.CharField(_("judul"), max_length=300)
    parties = models.ManyToManyField(
        Agency, related_name="agreements", verbose_name=_("para pihak")
    )
    signed_on = models.DateField(_("tanggal penandatanganan"))
    signed_at = models.CharField(_("tempat penandatanganan"), max_length=200, blank=True)
    valid_from = models.DateField(_("berlaku sejak"))
    valid_until = models.DateField(
        _("berlaku sampai"), null=True, blank=True, help_text=_("Kosongkan bila tidak dibatasi.")
    )
    document = models.CharField(
        _("dokumen"),
        max_length=300,
        blank=True,
        help_text=_("Nomor arsip atau letak naskah yang ditandatangani."),
    )

    class Meta:
        ordering = ["-valid_from", "number"]
        verbose_name = _("perjanjian kerja sama")
        verbose_name_plural = _("perjanjian kerja sama")

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai.")}
            )

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Clause(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="clauses", verbose_name=_("perjanjian")
    )
    number = models.CharField(_("pasal"), max_length=60, help_text=_("Misalnya: Pasal 4 ayat (2)."))
    title = models.CharField(_("judul"), max_length=300)
    purpose = models.CharField(_("tujuan"), max_length=30, choices=Purpose.choices)
    senders = models.ManyToManyField(Agency, related_name="+", verbose_name=_("instansi pengirim"))
    recipients = models.ManyToManyField(
        Agency, related_name="+", verbose_name=_("instansi penerima")
    )
    retention_days = models.PositiveIntegerField(
        _("masa simpan (hari)"), help_text=_("Berapa lama penerima boleh menyimpan data.")
    )
    onward_sharing = models.BooleanField(_("boleh diteruskan ke pihak lain"), default=False)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("pasal")
        verbose_name_plural = _("pasal")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="clause_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} {self.number}"


class ClauseRecordType(models.Model):
    """The fields of one record type a clause allows to leave (the rest are removed)."""

    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="record_types", verbose_name=_("pasal")
    )
    record_type = models.CharField(_("jenis data"), max_length=60)
    fields = models.JSONField(_("kolom yang boleh dibagikan"), default=list)

    class Meta:
        ordering = ["clause", "record_type"]
        verbose_name = _("jenis data yang dibagikan")
        verbose_name_plural = _("jenis data yang dibagikan")
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "record_type"], name="clause_record_type_unique"
            )
        ]

    def __str__(self) -> str:
        return self.record_type

    def clean(self) -> None:
        problem = fields_problem(self.record_type, self.fields)
        if problem:
            raise ValidationError(problem)


class Channel(models.TextChoices):
    REFERRAL = "rujukan", _("Rujukan")
    API = "api", _("API (sistem klien)")
    WEBHOOK = "webhook", _("Webhook")
    EXPORT = "ekspor", _("Ekspor berkas")


class Exchange(models.Model):
    """One exchange between agencies: what left, to whom, under which clause."""

    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    sender_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi pengirim")
    )
    sender_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kantor pengirim"),
    )
    recipient_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi penerima")
    )
    recipient_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kantor penerima"),
    )
    # A client system (the API app, above this one, owns the model: its id and name here).
    recipient_client_id = models.PositiveIntegerField(null=True, blank=True)
    recipient_label = models.CharField(_("penerima"), max_length=300)
    record_type = models.CharField(_("jenis data"), max_length=60)
    record_ids = models.JSONField(_("data"), default=list)
    clause = models.ForeignKey(
        Clause, on_delete=models.PROTECT, related_name="exchanges", verbose_name=_("pasal")
    )
    purpose = models.CharField(_("tujuan"), max_length=30, choices=Purpose.choices)
    fields = models.JSONField(_("kolom yang dibagikan"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    actor_label = models.CharField(_("oleh"), max_length=200, blank=True)

    objects = AccessQuerySet["Exchange"].as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("pertukaran data")
        verbose_name_plural = _("pertukaran data")
        indexes = [
            models.Index(fields=["sender_agency", "-at"], name="exchange_sender_idx"),
            models.Index(fields=["recipient_agency", "-at"], name="exchange_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"pertukaran {self.pk}"

    @property
    def record_type_label(self) -> Any:
        """The kind of record as an officer names it ("Rujukan"), not its code."""
        shared = shared_type(self.record_type)
        return shared.label if shared else self.record_type

    @property
    def field_labels(self) -> list[str]:
        """The fields carried, by their labels; a person's field ("subjects.nik") is named
        after the person ("orang: NIK")."""
        return [field_label(self.record_type, name) for name in self.fields]


class ExchangeSubject(models.Model):
    """A person whose data went in an exchange: the source row, and the NIK's keyed hash."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="subjects")
    source = models.CharField(max_length=60)
    source_pk = models.BigIntegerField()
    nik_hash = models.CharField(max_length=64, blank=True)
    # The exchange's time again, so one person's ledger is read from one index in order.
    at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["ExchangeSubject"].as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("orang dalam pertukaran data")
        verbose_name_plural = _("orang dalam pertukaran data")
        indexes = [
            models.Index(
                fields=["nik_hash", "-at"],
                condition=~models.Q(nik_hash=""),
                name="exchange_subject_nik_idx",
            ),
            models.Index(fields=["source", "source_pk"], name="exchange_subject_source_idx"),
        ]

    def __str__(self) -> str:
        return f"subjek pertukaran {self.pk}"
