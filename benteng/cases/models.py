"""TPPO/TPPM cases: the police case file.

A case (*kasus*) is opened by a police office with its police report (*laporan polisi*, LP)
number and date, and carries its modus operandi, its legal stage and that stage's history, the
HTCDS v2.0 vocabulary where it applies (``../shared/DOMAIN.md``), the route of the people
moved (origin desa, transits, destination), the persons by role as identity records, the
services arranged for the victims, and the case team: the named officers who may see the
victims' identities (``benteng/cases/access.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import AccessQuerySet
from benteng.accounts.models import Office
from benteng.identity import IdentityFields, identity_indexes
from benteng.regions.models import Region


class CaseKind(models.TextChoices):
    TPPO = "tppo", _("TPPO (perdagangan orang)")
    TPPM = "tppm", _("TPPM (penyelundupan manusia)")


class Modus(models.TextChoices):
    NON_PROCEDURAL = "non_prosedural", _("Penempatan PMI non-prosedural")
    FISHING_VESSEL = "kapal_ikan", _("Kerja paksa di kapal ikan")
    ONLINE_SCAM = "penipuan_daring", _("Sindikat penipuan daring (online scam)")
    SEXUAL_EXPLOITATION = "eksploitasi_seksual", _("Eksploitasi seksual")
    DOMESTIC_SERVITUDE = "perbudakan_domestik", _("Perbudakan rumah tangga")
    CHILD_TRAFFICKING = "perdagangan_anak", _("Perdagangan anak")
    SMUGGLING = "penyelundupan", _("Penyelundupan migran")
    OTHER = "lainnya", _("Lainnya")


class Stage(models.TextChoices):
    """The legal stages, in the order a case goes through them."""

    LIDIK = "lidik", _("Penyelidikan (lidik)")
    SIDIK = "sidik", _("Penyidikan (sidik)")
    TAHAP_1 = "tahap_1", _("Tahap 1 (berkas dikirim ke JPU)")
    P21 = "p21", _("P21 (berkas lengkap)")
    TAHAP_2 = "tahap_2", _("Tahap 2 (tersangka dan barang bukti diserahkan)")
    PUTUSAN = "putusan", _("Putusan pengadilan")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
# The stages a case may be opened at (a referral may arrive when the inquiry is already over).
OPENING_STAGES = (Stage.LIDIK, Stage.SIDIK)


def stage_position(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class Verdict(models.TextChoices):
    CONVICTED = "terbukti", _("Terbukti bersalah")
    ACQUITTED = "bebas", _("Bebas")
    RELEASED = "lepas", _("Lepas dari segala tuntutan")


# --- HTCDS v2.0 picklists (IOM Human Trafficking Case Data Standard) -------------------------


class TraffickingStatus(models.TextChoices):
    POSSIBLE = "Possible", _("Mungkin korban")
    ACTUAL = "Actual", _("Korban")
    NOT_A_VICTIM = "NotAVictim", _("Bukan korban")


class StatusDecidedBy(models.TextChoices):
    POLICE = "Police", _("Polisi")
    NGO = "NGO", _("LSM")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _("Pengadilan atau kejaksaan")
    NON_POLICE_GOVERNMENTAL = "NonPoliceGovernmental", _("Instansi pemerintah non-kepolisian")
    OTHER = "Other", _("Lainnya")


class RecruitmentMethod(models.TextChoices):
    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("Di tempat usaha")
    EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("Di lembaga pendidikan")
    AT_WORK = "AtWork", _("Di tempat kerja")
    SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("Melalui media sosial")
    ONLINE_ADVERT = "ThroughAnOnlineAdvertisement", _("Melalui iklan daring")
    TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("Melalui iklan televisi")
    NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("Melalui iklan surat kabar")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Melalui keluarga atau acara keluarga")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Melalui teman atau acara sosial")
    OTHER = "Other", _("Lainnya")


class ControlMethod(models.TextChoices):
    DEBT_BONDAGE = "DebtBondage", _("Jeratan utang")
    TAKES_EARNINGS = "TakesEarnings", _("Mengambil penghasilan")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Membatasi akses keuangan")
    THREATS = "Threats", _("Ancaman")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Kekerasan psikis")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Kekerasan fisik")
    SEXUAL_ABUSE = "SexualAbuse", _("Kekerasan seksual")
    FALSE_PROMISES = "FalsePromises", _("Janji palsu")
    PSYCHOACTIVE_SUBSTANCES = "PsychoactiveSubstances", _("Zat psikoaktif")
    RESTRICTS_MOVEMENT = "RestrictsMovement", _("Membatasi gerak")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Membatasi perawatan medis")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("Jam kerja berlebihan")
    USES_CHILDREN = "UsesChildren", _("Memanfaatkan anak")
    THREAT_OF_LAW_ENFORCEMENT = "ThreatOfLawEnforcement", _("Ancaman dilaporkan ke aparat")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Menahan kebutuhan pokok")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Menahan dokumen")


class ExploitationType(models.TextChoices):
    FORCED_LABOUR = "ForcedLabour", _("Kerja paksa")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Eksploitasi seksual")
    CHILD_LABOUR = "ChildLabour", _("Pekerja anak")
    FORCED_MARRIAGE = "ForcedMarriage", _("Kawin paksa")
    SERVITUDE = "Servitude", _("Perhambaan")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Wajib militer oleh aktor non-negara")
    ORGAN_REMOVAL = "OrganRemoval", _("Pengambilan organ")
    FORCED_BEGGING = "ForcedBegging", _("Mengemis paksa")
    FORCED_ADOPTION = "ForcedAdoption", _("Adopsi paksa")
    SURROGACY = "Surrogacy", _("Ibu pengganti")
    OTHER = "Other", _("Lainnya")


class PerpetratorRole(models.TextChoices):
    TRAVELLING_PARTNER = "TravellingPartner", _("Teman perjalanan")
    TRANSPORTER = "Transporter", _("Pengangkut")
    RECRUITER = "RecruiterOrIntermediary", _("Perekrut atau perantara")
    BROKER = "BrokerTravelAgent", _("Calo atau agen perjalanan")
    CONTROLLER = "ControlledIndividual", _("Menampung, memindahkan atau menguasai korban")
    SMUGGLER = "Smuggler", _("Penyelundup")
    ABUSER = "Abuser", _("Pelaku kekerasan")
    KIDNAPPER = "Kidnapper", _("Penculik")
    EXPLOITER = "Exploiter", _("Pengeksploitasi")
    OTHER = "Other", _("Lainnya")


# --- the case ------------------------------------------------------------------------------


class Case(models.Model):
    kind = models.CharField(_("jenis perkara"), max_length=4, choices=CaseKind.choices)
    lp_number = models.CharField(_("nomor LP"), max_length=120)
    lp_date = models.DateField(_("tanggal LP"))
    handling_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("kesatuan penangan")
    )
    modus = models.CharField(_("modus operandi"), max_length=30, choices=Modus.choices)
    summary = models.TextField(_("uraian singkat"), blank=True)
    stage = models.CharField(_("tahap"), max_length=10, choices=Stage.choices)
    stage_on = models.DateField(_("tanggal tahap"))
    verdict = models.CharField(
        _("amar putusan"), max_length=10, choices=Verdict.choices, blank=True
    )
    trafficking_status = models.CharField(
        _("status perdagangan orang (HTCDS)"),
        max_length=12,
        choices=TraffickingStatus.choices,
        blank=True,
    )
    status_decided_by = models.CharField(
        _("status ditetapkan oleh"), max_length=24, choices=StatusDecidedBy.choices, blank=True
    )
    recruitment_method = models.CharField(
        _("cara perekrutan"), max_length=32, choices=RecruitmentMethod.choices, blank=True
    )
    # Lists of ControlMethod / ExploitationType values (several may apply).
    control_methods = models.JSONField(_("cara pengendalian"), default=list, blank=True)
    exploitation_types = models.JSONField(_("jenis eksploitasi"), default=list, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuka oleh"),
    )
    opened_at = models.DateTimeField(_("dibuka"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)

    objects = AccessQuerySet["Case"].as_manager()

    class Meta:
        ordering = ["-lp_date", "-pk"]
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        constraints = [
            models.UniqueConstraint(
                fields=["handling_office", "lp_number"], name="case_lp_number_unique_per_office"
            )
        ]
        indexes = [
            models.Index(fields=["handling_office", "lp_date"], name="case_office_lp_date_idx"),
            models.Index(fields=["lp_date", "id"], name="case_lp_date_idx"),
        ]

    def __str__(self) -> str:
        return self.lp_number


class CaseTeamMember(models.Model):
    """A named officer of the case team; the team alone sees the victims' identities."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_memberships",
        verbose_name=_("petugas"),
    )
    is_lead = models.BooleanField(_("penyidik utama"), default=False)
    added_at = models.DateTimeField(_("ditambahkan"), default=timezone.now)

    objects = AccessQuerySet["CaseTeamMember"].as_manager()

    class Meta:
        ordering = ["-is_lead", "added_at", "pk"]
        verbose_name = _("anggota tim kasus")
        verbose_name_plural = _("anggota tim kasus")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_team_member_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(is_lead=True), name="case_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"


class CaseStageChange(models.Model):
    """One step of the case's legal stages, with its date: the history, in order."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(_("tahap"), max_length=10, choices=Stage.choices)
    on = models.DateField(_("tanggal"))
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    recorded_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    objects = AccessQuerySet["CaseStageChange"].as_manager()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("perubahan tahap kasus")
        verbose_name_plural = _("perubahan tahap kasus")
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="case_stage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.stage}"


class LegKind(models.TextChoices):
    ORIGIN = "asal", _("Asal")
    TRANSIT = "transit", _("Transit")
    DESTINATION = "tujuan", _("Tujuan")


class CaseRouteLeg(models.Model):
    """One place on the route of the people moved, in order: the origin desa, transits, the
    destination country and city."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="route_legs")
    position = models.PositiveSmallIntegerField(_("urutan"))
    kind = models.CharField(_("jenis"), max_length=8, choices=LegKind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
    )
    country = models.CharField(_("negara (ISO 3166-1)"), max_length=2)
    city = models.CharField(_("kota/tempat"), max_length=120, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    objects = AccessQuerySet["CaseRouteLeg"].as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("rute kasus")
        verbose_name_plural = _("rute kasus")
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="case_route_position"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.position}"


class PersonRole(models.TextChoices):
    VICTIM = "korban", _("Korban")
    SUSPECT = "tersangka", _("Tersangka")
    WITNESS = "saksi", _("Saksi")
    RECRUITER = "perekrut", _("Perekrut")
    FINANCIER = "pemodal", _("Pemodal")


PERPETRATOR_ROLES = frozenset({PersonRole.SUSPECT, PersonRole.RECRUITER, PersonRole.FINANCIER})


class CasePerson(IdentityFields):
    """A person of the case by role, as an identity record (``benteng/identity.py``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("peran"), max_length=10, choices=PersonRole.choices)
    # The person's number among the case's persons of the same role ("Korban 2").
    number = models.PositiveSmallIntegerField(_("nomor"))
    perpetrator_role = models.CharField(
        _("peran pelaku (HTCDS)"), max_length=32, choices=PerpetratorRole.choices, blank=True
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    added_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    objects = AccessQuerySet["CasePerson"].as_manager()

    class Meta:
        ordering = ["role", "number"]
        verbose_name = _("orang dalam kasus")
        verbose_name_plural = _("orang dalam kasus")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "role", "number"], name="case_person_number_per_role"
            ),
        ]
        indexes = [
            models.Index(fields=["case", "role"], name="case_person_role_idx"),
            *identity_indexes("caseperson"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.role}:{self.number}"

    @property
    def index_id(self) -> str:
        """The id of this person in the screening index (perpetrators only are indexed)."""
        return f"k{self.pk}"


class ServiceKind(models.TextChoices):
    REPATRIATION = "pemulangan", _("Pemulangan")
    MEDICAL = "medis", _("Layanan medis")
    SHELTER = "rumah_aman", _("Rumah aman (shelter)")
    LPSK = "lpsk", _("Perlindungan LPSK")
    RESTITUTION = "restitusi", _("Restitusi")


class ServiceStatus(models.TextChoices):
    PLANNED = "direncanakan", _("Direncanakan")
    IN_PROGRESS = "berjalan", _("Sedang berjalan")
    DONE = "selesai", _("Selesai")
    REFUSED = "ditolak", _("Ditolak/tidak diberikan")


class VictimService(models.Model):
    """A service arranged for one victim of the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victim_services")
    victim = models.ForeignKey(
        CasePerson, on_delete=models.CASCADE, related_name="services", verbose_name=_("korban")
    )
    kind = models.CharField(_("layanan"), max_length=12, choices=ServiceKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ServiceStatus.choices)
    started_on = models.DateField(_("mulai"), null=True, blank=True)
    completed_on = models.DateField(_("selesai"), null=True, blank=True)
    provider = models.CharField(_("pelaksana"), max_length=200, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)

    objects = AccessQuerySet["VictimService"].as_manager()

    class Meta:
        ordering = ["victim__number", "kind", "pk"]
        verbose_name = _("layanan korban")
        verbose_name_plural = _("layanan korban")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.victim_id}:{self.kind}"
