"""Passport applications at the Kanim counter and departure checks at the TPI, the screening
result of each (watchlist hits, earlier events about the same person, NIK check, risk
indicators), the officer's decision, and the risk rules that score them, kept as data.

The score supports the officer; it never decides. Every decision names the officer who made it
(only the system's "lapsed" outcome of an unanswered postponement has no officer).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.accounts.models import Office
from benteng.identity import IdentityFields, identity_indexes


class TravelPurpose(models.TextChoices):
    WISATA = "wisata", _("Wisata")
    UMRAH_HAJI = "umrah_haji", _("Umrah/haji")
    KUNJUNGAN_KELUARGA = "kunjungan_keluarga", _("Kunjungan keluarga")
    STUDI = "studi", _("Studi")
    BEKERJA = "bekerja", _("Bekerja")
    LAINNYA = "lainnya", _("Lainnya")


class TravelDocument(models.TextChoices):
    EPMI = "epmi", _("Kartu e-PMI / ID penempatan")
    VISA_KERJA = "visa_kerja", _("Visa kerja")
    KONTRAK_KERJA = "kontrak_kerja", _("Perjanjian kerja")
    PERJANJIAN_PENEMPATAN = "perjanjian_penempatan", _("Perjanjian penempatan")
    REKOMENDASI_DISNAKER = "rekomendasi_disnaker", _("Surat rekomendasi paspor dari Disnaker")
    SURAT_SEHAT = "surat_sehat", _("Surat keterangan sehat")
    SERTIFIKAT_KOMPETENSI = "sertifikat_kompetensi", _("Sertifikat kompetensi kerja")
    SERTIFIKAT_PSIKOLOGI = "sertifikat_psikologi", _("Sertifikat kesehatan dan psikologi")
    IZIN_KELUARGA = "izin_keluarga", _("Izin suami/istri/orang tua/wali diketahui kepala desa")
    STATUS_PERKAWINAN = "status_perkawinan", _("Surat keterangan status perkawinan")
    REKOMENDASI_KEMENAG = "rekomendasi_kemenag", _("Surat rekomendasi Kemenag")
    SURAT_JAMINAN = "surat_jaminan", _("Surat jaminan dari kerabat yang dikunjungi")
    PASPOR_KERABAT = "paspor_kerabat", _("Salinan paspor kerabat yang dikunjungi")
    SURAT_BIRO_PERJALANAN = "surat_biro_perjalanan", _("Surat dari biro perjalanan")
    TIKET_PULANG = "tiket_pulang", _("Tiket pulang")
    SURAT_UNDANGAN = "surat_undangan", _("Surat undangan")
    SURAT_PENERIMAAN_STUDI = "surat_penerimaan_studi", _("Surat penerimaan dari lembaga pendidikan")


class ApplicationStatus(models.TextChoices):
    SCREENED = "disaring", _("Disaring, menunggu keputusan")
    ISSUED = "terbit", _("Paspor diterbitkan")
    POSTPONED = "ditunda", _("Ditunda menunggu dokumen")
    REFUSED = "ditolak", _("Ditolak")
    REFERRED_BP3MI = "dirujuk_bp3mi", _("Dirujuk ke BP3MI")
    REFERRED_POLICE = "dirujuk_polisi", _("Dirujuk ke kepolisian")
    LAPSED = "gugur", _("Gugur (dokumen tidak dilengkapi)")
    VOID = "dibatalkan", _("Dibatalkan (salah catat)")


class PassportApplication(IdentityFields):
    reference = models.CharField(_("nomor"), max_length=30, unique=True)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="applications", verbose_name=_("kantor")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    client = models.ForeignKey(
        "api.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sistem klien"),
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    # SHA-256 of the screening input, to tell a replay from a reused key with another body.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("waktu pengajuan"), default=timezone.now, db_index=True)
    purpose = models.CharField(_("tujuan perjalanan"), max_length=20, choices=TravelPurpose.choices)
    destination_country = models.CharField(_("negara tujuan"), max_length=2)
    sponsor_name = models.CharField(_("sponsor/penjamin"), max_length=200, blank=True)
    sponsor_phone = models.CharField(_("telepon sponsor"), max_length=20, blank=True)
    employer_name = models.CharField(_("pemberi kerja"), max_length=200, blank=True)
    placement_company = models.CharField(_("perusahaan penempatan"), max_length=200, blank=True)
    # benteng.core.names.name_key of the sponsor: the group pattern counts equal keys.
    sponsor_key = models.CharField(max_length=200, blank=True)
    documents = models.JSONField(_("dokumen yang ditunjukkan"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SCREENED,
    )
    postponed_until = models.DateField(_("batas melengkapi dokumen"), null=True, blank=True)
    interview_answers = models.JSONField(_("jawaban wawancara"), default=dict, blank=True)
    # Police see an application only when it hit a police watchlist or was referred to them.
    police_visible = models.BooleanField(default=False, db_index=True)
    # When the identity or the void mark last changed (a correction, a void; empty for a row
    # unchanged since it was written): the screening index re-reads the rows changed since its
    # last refresh by this column.
    changed_at = models.DateTimeField(null=True, blank=True)

    objects = AccessQuerySet["PassportApplication"].as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            *identity_indexes("application"),
            # The group pattern: other applicants naming the same sponsor or sponsor's phone
            # lately. Most applicants name none: those rows are not in these indexes.
            models.Index(
                fields=["sponsor_key", "submitted_at"],
                name="application_sponsor_idx",
                condition=~models.Q(sponsor_key=""),
            ),
            models.Index(
                fields=["sponsor_phone", "submitted_at"],
                name="application_sponsor_phone_idx",
                condition=~models.Q(sponsor_phone=""),
            ),
            models.Index(fields=["status"], name="application_status_idx"),
            # Only corrected or voided rows have a stamp: a small index for the index refresh.
            models.Index(
                fields=["changed_at"],
                name="application_changed_idx",
                condition=models.Q(changed_at__isnull=False),
            ),
        ]
        verbose_name = _("permohonan paspor")
        verbose_name_plural = _("permohonan paspor")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="application_idempotency_unique",
            ),
            models.UniqueConstraint(
                fields=["entered_by", "idempotency_key"],
                condition=~models.Q(idempotency_key="") & models.Q(client__isnull=True),
                name="application_user_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class DepartureOutcome(models.TextChoices):
    PENDING = "belum", _("Belum diputuskan")
    ALLOW = "izinkan", _("Diizinkan berangkat")
    DELAY = "tunda", _("Keberangkatan ditunda")
    HAND_OVER = "serahkan_polisi", _("Diserahkan ke kepolisian")
    VOID = "dibatalkan", _("Dibatalkan (salah catat)")


class DepartureCheck(IdentityFields):
    reference = models.CharField(_("nomor"), max_length=30, unique=True)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="departure_checks", verbose_name=_("TPI")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petugas"),
    )
    client = models.ForeignKey(
        "api.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sistem klien"),
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(_("waktu pemeriksaan"), default=timezone.now, db_index=True)
    flight_number = models.CharField(_("nomor penerbangan"), max_length=10, blank=True)
    destination_country = models.CharField(_("negara tujuan"), max_length=2, blank=True)
    purpose = models.CharField(
        _("tujuan perjalanan"), max_length=20, choices=TravelPurpose.choices, blank=True
    )
    documents = models.JSONField(_("dokumen yang ditunjukkan"), default=list, blank=True)
    outcome = models.CharField(
        _("keputusan"),
        max_length=20,
        choices=DepartureOutcome.choices,
        default=DepartureOutcome.PENDING,
    )
    # The current decision: the latest of ``decisions`` (its outcome, time and officer; the
    # note, the reasons and every earlier decision are kept in the entries only).
    decided_at = models.DateTimeField(_("waktu keputusan"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petugas yang memutuskan"),
    )
    police_visible = models.BooleanField(default=False, db_index=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    objects = AccessQuerySet["DepartureCheck"].as_manager()

    class Meta:
        ordering = ["-checked_at"]
        indexes = [
            *identity_indexes("departure"),
            models.Index(fields=["outcome"], name="departure_outcome_idx"),
            models.Index(
                fields=["changed_at"],
                name="departure_changed_idx",
                condition=models.Q(changed_at__isnull=False),
            ),
        ]
        verbose_name = _("pemeriksaan keberangkatan")
        verbose_name_plural = _("pemeriksaan keberangkatan")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="departure_idempotency_unique",
            ),
            models.UniqueConstraint(
                fields=["checked_by", "idempotency_key"],
                condition=~models.Q(idempotency_key="") & models.Q(client__isnull=True),
                name="departure_user_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class AmendmentKind(models.TextChoices):
    CORRECTION = "koreksi", _("Koreksi data")
    VOID = "pembatalan", _("Pembatalan")


class RecordAmendment(models.Model):
    """A correction or the voiding of an application or a departure check, with its reason.

    A correction keeps the earlier and the corrected value of each field it changed, so the
    record's history shows what was typed first; a void keeps the status it ended.
    """

    application = models.ForeignKey(
        PassportApplication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="amendments",
    )
    departure_check = models.ForeignKey(
        DepartureCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="amendments"
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=AmendmentKind.choices)
    reason = models.TextField(_("alasan"))
    # [{"field": name, "before": value, "after": value}, ...], values as text.
    changes = models.JSONField(_("perubahan"), default=list)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oleh"),
    )
    amended_at = models.DateTimeField(_("waktu"), default=timezone.now)

    objects = AccessQuerySet["RecordAmendment"].as_manager()

    class Meta:
        ordering = ["amended_at", "pk"]
        verbose_name = _("koreksi atau pembatalan")
        verbose_name_plural = _("koreksi dan pembatalan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False, departure_check__isnull=True)
                | models.Q(application__isnull=True, departure_check__isnull=False),
                name="amendment_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class ContactRelation(models.TextChoices):
    SPONSOR = "sponsor", _("Sponsor/penjamin")
    PEREKRUT = "perekrut", _("Perekrut/calo")
    PENDAMPING = "pendamping", _("Teman seperjalanan")
    PEMBERI_KERJA = "pemberi_kerja", _("Pemberi kerja")
    AGEN = "agen", _("Agen/biro perjalanan")


class NamedContact(models.Model):
    """A sponsor, recruiter or companion named in an interview; feeds the recruiter network."""

    application = models.ForeignKey(
        PassportApplication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    departure_check = models.ForeignKey(
        DepartureCheck, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    relation = models.CharField(_("hubungan"), max_length=20, choices=ContactRelation.choices)
    name = models.CharField(_("nama"), max_length=200, blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AccessQuerySet["NamedContact"].as_manager()

    class Meta:
        verbose_name = _("orang yang disebut")
        verbose_name_plural = _("orang yang disebut")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False)
                | models.Q(departure_check__isnull=False),
                name="contact_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.pk}"


class DecisionOutcome(models.TextChoices):
    ISSUE = "terbit", _("Terbitkan paspor")
    POSTPONE = "tunda", _("Tunda sampai dokumen dilengkapi")
    REFUSE = "tolak", _("Tolak")
    REFER_BP3MI = "rujuk_bp3mi", _("Rujuk ke BP3MI (jalur prosedural)")
    REFER_POLICE = "rujuk_polisi", _("Rujuk ke kepolisian")
    LAPSE = "gugur", _("Gugur: dokumen tidak dilengkapi tepat waktu")


class DecisionReason(models.TextChoices):
    DOCUMENTS_COMPLETE = "dokumen_lengkap", _("Dokumen lengkap dan tujuan wajar")
    DOCUMENTS_MISSING = "dokumen_kurang", _("Dokumen pendukung belum lengkap")
    NON_PROCEDURAL_PMI = "indikasi_pmi_nonprosedural", _("Terindikasi PMI nonprosedural")
    TRAFFICKING_VICTIM = "indikasi_korban_tppo", _("Terindikasi korban TPPO")
    DUPLICATE_APPLICATION = "permohonan_ganda", _("Permohonan ganda")
    WATCHLIST_HIT = "daftar_pantauan", _("Cocok dengan daftar pantauan")
    FALSE_STATEMENT = "keterangan_palsu", _("Keterangan tidak benar")
    DOCUMENTS_NOT_SUPPLIED = "dokumen_tidak_dilengkapi", _("Dokumen tidak dilengkapi tepat waktu")
    OTHER = "lainnya", _("Lainnya")


class WarningOverride(models.Model):
    """What an officer states when letting an applicant or passenger through over a warning
    (a live watchlist hit or a high risk band): a written reason and, for a hit, that its
    instruction was followed and whom they contacted."""

    overrides_warning = models.BooleanField(
        _("diputuskan meski ada peringatan"), default=False, db_index=True
    )
    override_reason = models.TextField(_("alasan meneruskan meski ada peringatan"), blank=True)
    instruction_followed = models.BooleanField(_("instruksi hit telah dijalankan"), default=False)
    contacted = models.CharField(_("yang dihubungi sesuai instruksi"), max_length=300, blank=True)

    class Meta:
        abstract = True


class ApplicationDecision(WarningOverride):
    application = models.ForeignKey(
        PassportApplication, on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("keputusan"), max_length=20, choices=DecisionOutcome.choices)
    reason = models.CharField(_("alasan"), max_length=40, choices=DecisionReason.choices)
    note = models.TextField(_("catatan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("waktu keputusan"), default=timezone.now)
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)

    objects = AccessQuerySet["ApplicationDecision"].as_manager()

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("keputusan permohonan")
        verbose_name_plural = _("keputusan permohonan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=False) | models.Q(outcome="gugur"),
                name="decision_names_its_officer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.outcome}"


class DepartureDecision(WarningOverride):
    """One decision on a departure check, never changed: a change of decision is a new entry
    with its reason; the current decision is the latest."""

    departure_check = models.ForeignKey(
        DepartureCheck, on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("keputusan"), max_length=20, choices=DepartureOutcome.choices)
    note = models.TextField(_("catatan"), blank=True)
    change_reason = models.TextField(_("alasan perubahan keputusan"), blank=True)
    flight_number = models.CharField(_("nomor penerbangan"), max_length=10, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("waktu keputusan"), default=timezone.now)

    objects = AccessQuerySet["DepartureDecision"].as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("keputusan keberangkatan")
        verbose_name_plural = _("keputusan keberangkatan")
        indexes = [
            models.Index(fields=["departure_check", "decided_at"], name="departure_decision_idx")
        ]

    def __str__(self) -> str:
        return f"{self.departure_check_id}:{self.outcome}"


class RiskRule(models.Model):
    """One indicator; its logic is named by ``code`` in benteng.core.risk, its weight,
    parameters, wording and questions are data analysts edit."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama indikator"), max_length=200)
    description = models.TextField(_("uraian dan sumber"))
    weight = models.PositiveSmallIntegerField(_("bobot"))
    is_enabled = models.BooleanField(_("aktif"), default=True)
    parameters = models.JSONField(_("parameter"), default=dict, blank=True)
    questions = models.JSONField(_("pertanyaan wawancara"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("aturan risiko")
        verbose_name_plural = _("aturan risiko")

    def __str__(self) -> str:
        return self.name


class RuleSetVersion(models.Model):
    """A snapshot of every rule after a change; screening results name the version used."""

    number = models.PositiveIntegerField(_("versi"), unique=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diubah oleh"),
    )
    change_note = models.CharField(_("catatan perubahan"), max_length=300)
    changed_rule = models.CharField(_("aturan yang diubah"), max_length=60, blank=True)
    snapshot = models.JSONField(_("isi aturan"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("versi aturan risiko")
        verbose_name_plural = _("versi aturan risiko")

    def __str__(self) -> str:
        return f"v{self.number}"


class DestinationCountry(models.Model):
    """Destination policy kept as data (the Middle East domestic-work moratorium list)."""

    code = models.CharField(_("kode ISO"), max_length=2, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    domestic_work_moratorium = models.BooleanField(
        _("moratorium PMI sektor domestik"),
        default=False,
        help_text=_("Kepmenaker 260/2015: tidak ada penempatan pada pengguna perseorangan."),
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("negara tujuan")
        verbose_name_plural = _("negara tujuan")

    def __str__(self) -> str:
        return self.name


class RiskBand(models.TextChoices):
    LOW = "rendah", _("Rendah")
    MEDIUM = "sedang", _("Sedang")
    HIGH = "tinggi", _("Tinggi")


class ScreeningResult(models.Model):
    application = models.ForeignKey(
        PassportApplication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="screenings",
    )
    departure_check = models.ForeignKey(
        DepartureCheck,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="screenings",
    )
    created_at = models.DateTimeField(default=timezone.now)
    risk_score = models.PositiveSmallIntegerField(_("skor risiko"))
    risk_band = models.CharField(_("tingkat risiko"), max_length=10, choices=RiskBand.choices)
    indicators = models.JSONField(_("indikator"), default=list)
    # By reference (``results.StoredHit``: entry id, score, reasons), never the entry's
    # identity: each reader gets the hits projected for them (``outcome.hits_for``).
    hits = models.JSONField(_("hit daftar pantauan"), default=list)
    # "Possible match -- check": entries sharing only a name with the person, below the hit
    # threshold, kept like the hits (by reference) and never seen by the risk rules.
    possible_matches = models.JSONField(_("kemungkinan cocok"), default=list, blank=True)
    earlier_events = models.JSONField(_("peristiwa sebelumnya"), default=list)
    nik_check = models.JSONField(_("pemeriksaan NIK"), default=dict)
    # Rules that could not look at their facts (e.g. village reports before villages exist).
    not_evaluated = models.JSONField(_("aturan yang tidak dinilai"), default=list, blank=True)
    rule_set = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, null=True, related_name="+"
    )
    server_milliseconds = models.FloatField(default=0)
    # What the officer stated at the counter and the record does not keep (observations,
    # earlier migrant work, a return ticket, the desa named): a re-screening after a
    # correction states them again (``services.record_rescreen``).
    stated = models.JSONField(_("keterangan petugas"), default=dict, blank=True)
    # The correction this screening was re-run for; empty for the screening at the counter.
    # One re-screening per correction: running it twice gives the same result.
    amendment = models.OneToOneField(
        RecordAmendment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening",
        verbose_name=_("koreksi"),
    )

    objects = AccessQuerySet["ScreeningResult"].as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hasil penyaringan")
        verbose_name_plural = _("hasil penyaringan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=False, departure_check__isnull=True)
                | models.Q(application__isnull=True, departure_check__isnull=False),
                name="screening_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"screening {self.pk}"


class ScreeningHit(models.Model):
    """One watchlist entry a screening hit, as a row beside the result's ``hits`` (which say
    how it matched): so the query of who may read the record can ask which office owns the
    entry (``access.police_visible_rows``). Written with the result, never changed."""

    result = models.ForeignKey(
        ScreeningResult, on_delete=models.CASCADE, related_name="hit_entries"
    )
    # An entry deleted outright (not removed: that keeps it) no longer answers for its hits,
    # as the result's readers no longer see it (``outcome.hits_for``).
    entry = models.ForeignKey(
        "watchlists.WatchlistEntry", on_delete=models.CASCADE, related_name="screening_hits"
    )

    class Meta:
        verbose_name = _("hit penyaringan")
        verbose_name_plural = _("hit penyaringan")
        constraints = [
            models.UniqueConstraint(fields=["result", "entry"], name="screening_hit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.result_id}:{self.entry_id}"
