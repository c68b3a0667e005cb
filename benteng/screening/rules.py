"""Risk rules and destination policy as data: the current rule set, analysts' edits with a
version history, the document checklist of each purpose of travel, and destination checks.

Every screening is scored with the rules of one :class:`RuleSetVersion` — a snapshot of every
rule and of the moratorium list — so a result can always be explained by the rules that
produced it. Any immigration staff member may read the rules (they teach officers what to look
for); only immigration analysts (``analis_imigrasi``) change them. The score never decides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.caches import ProcessCache
from benteng.core.countries import country_name, destination_countries
from benteng.core.risk import (
    RuleConfig,
    parameter_specs,
    rule_parameter,
    validate_parameters,
)
from benteng.problems import InputInvalid, Problems
from benteng.screening.access import may_edit_rules
from benteng.screening.models import (
    DestinationCountry,
    RiskRule,
    RuleSetVersion,
    TravelDocument,
    TravelPurpose,
)

MIN_WEIGHT = 0
MAX_WEIGHT = 100
RULE_FIELDS = ("name", "description", "weight", "is_enabled", "parameters", "questions", "order")


# --- defaults from benteng/data ------------------------------------------------------------


def _data_file(name: str) -> dict[str, Any]:
    text = resources.files("benteng.data").joinpath(name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def default_rules() -> list[dict[str, Any]]:
    """The shipped rule set (``benteng/data/risk_rules.json``)."""
    return list(_data_file("risk_rules.json")["rules"])


@lru_cache(maxsize=1)
def default_destinations() -> list[dict[str, Any]]:
    """The shipped destination list (``benteng/data/destination_countries.json``)."""
    return list(_data_file("destination_countries.json")["countries"])


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    # Analysts edit the Indonesian name; the English interface uses the shipped English name.
    return {row["code"]: row.get("name_en", "") for row in default_rules()}


# --- snapshots and the current rule set ----------------------------------------------------


def _rule_snapshot(rule: RiskRule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "description": rule.description,
        "weight": rule.weight,
        "is_enabled": rule.is_enabled,
        "parameters": rule.parameters,
        "questions": rule.questions,
        "order": rule.order,
    }


def rule_set_snapshot() -> dict[str, Any]:
    """Every rule and the moratorium list as they are now."""
    return {
        "rules": [_rule_snapshot(rule) for rule in RiskRule.objects.order_by("order", "code")],
        "moratorium_countries": sorted(
            DestinationCountry.objects.filter(domestic_work_moratorium=True).values_list(
                "code", flat=True
            )
        ),
    }


# The advisory lock that takes rule set saves one at a time (any constant of this project).
RULE_SET_SAVE_LOCK = 0x42_E7_7E_01


def rule_set_version_create(
    *, created_by_id: int | None, change_note: str, changed_rule: str = ""
) -> RuleSetVersion:
    """Snapshot the rules as version n+1. Call inside the transaction that changed them.

    Saves are taken one at a time (on PostgreSQL a transaction-level advisory lock; SQLite
    has one writer anyway), and the latest number and the rules are read only once the turn
    has come: two analysts saving at the same moment get n+1 and n+2, the second snapshot
    holding both changes. (Locking the latest version's row was not enough: the second save
    then still read n and failed on the unique number.)
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RULE_SET_SAVE_LOCK])
        latest = RuleSetVersion.objects.order_by("-number").first()
        number = (latest.number if latest else 0) + 1
        # This process reads the new version from its next screening on (its own transaction
        # sees it at once, other connections after the commit).
        _rule_set.clear_after_commit()
        return RuleSetVersion.objects.create(
            number=number,
            created_by_id=created_by_id,
            change_note=change_note[:300],
            changed_rule=changed_rule,
            snapshot=rule_set_snapshot(),
        )


def _question_texts(questions: Any) -> tuple[list[str], list[str]]:
    """Indonesian and English questions; a plain string counts as both."""
    indonesian: list[str] = []
    english: list[str] = []
    for question in questions or []:
        if isinstance(question, dict):
            indonesian.append(str(question.get("id", "")))
            english.append(str(question.get("en") or question.get("id", "")))
        else:
            indonesian.append(str(question))
            english.append(str(question))
    return indonesian, english


def rule_configs_from_snapshot(snapshot: dict[str, Any]) -> list[RuleConfig]:
    """The rules a version holds, ready for ``benteng.core.risk.assess``."""
    english = _english_names()
    configs = []
    for row in snapshot.get("rules", []):
        questions, questions_en = _question_texts(row.get("questions"))
        configs.append(
            RuleConfig(
                code=row["code"],
                name=row["name"],
                name_en=english.get(row["code"], "") or row["name"],
                weight=int(row["weight"]),
                enabled=bool(row["is_enabled"]),
                parameters=dict(row.get("parameters") or {}),
                questions=questions,
                questions_en=questions_en,
            )
        )
    return configs


@dataclass(frozen=True)
class _RuleSet:
    version: RuleSetVersion
    configs: tuple[RuleConfig, ...]
    moratorium: frozenset[str]


# How long a process trusts the rule set it read before asking the database again whether a
# newer version exists. A save in this process takes effect at once (``rule_set_version_create``
# clears the cache); other processes pick it up within this time.
RULES_RECHECK_SECONDS = 1.0


def _latest_version_key() -> tuple[Any, ...] | None:
    # A cheap query; pk and time as well as the number, because a test database that rolls
    # back may reuse a number for a different snapshot.
    row = (
        RuleSetVersion.objects.order_by("-number").values_list("number", "pk", "created_at").first()
    )
    return tuple(row) if row else None


def rules_load_defaults() -> str:
    """Create the shipped rules and destination countries that are missing (never touching a
    row an analyst edited) and record a rule set version when anything was added."""
    with transaction.atomic():
        rules_created = []
        for row in default_rules():
            _rule, created = RiskRule.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "description": row["description"],
                    "weight": row["weight"],
                    "is_enabled": row["is_enabled"],
                    "parameters": row["parameters"],
                    "questions": row["questions"],
                    "order": row["order"],
                },
            )
            if created:
                rules_created.append(row["code"])
        countries_created = []
        for row in default_destinations():
            _country, created = DestinationCountry.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "domestic_work_moratorium": row["domestic_work_moratorium"],
                    "note": row["note"],
                },
            )
            if created:
                countries_created.append(row["code"])
        version_created = False
        if not RuleSetVersion.objects.exists():
            rule_set_version_create(created_by_id=None, change_note="Aturan bawaan Benteng dimuat.")
            version_created = True
        elif rules_created or countries_created:
            rule_set_version_create(
                created_by_id=None,
                change_note=(
                    "Aturan/negara bawaan baru ditambahkan: "
                    + ", ".join(rules_created + countries_created)
                ),
            )
            version_created = True
    return (
        f"{len(rules_created)} risk rules and {len(countries_created)} destination countries "
        f"created{', new rule set version' if version_created else ''}"
    )


def _load_rule_set() -> _RuleSet:
    version = RuleSetVersion.objects.order_by("-number").first()
    if version is None:
        rules_load_defaults()
        version = RuleSetVersion.objects.order_by("-number").first()
        if version is None:
            raise RuntimeError("Loading the default rules created no rule set version.")
    return _RuleSet(
        version=version,
        configs=tuple(rule_configs_from_snapshot(version.snapshot)),
        moratorium=frozenset(version.snapshot.get("moratorium_countries", [])),
    )


_rule_set = ProcessCache(
    "rule set",
    _load_rule_set,
    max_age=lambda: RULES_RECHECK_SECONDS,
    stamp=_latest_version_key,
)


def rules_current() -> tuple[RuleSetVersion, list[RuleConfig]]:
    """The latest rule set version and its rules; rebuilt only when a new version exists."""
    current = _rule_set.get()
    return current.version, list(current.configs)


def rules_and_moratorium_current() -> tuple[RuleSetVersion, list[RuleConfig], set[str]]:
    """``rules_current()`` and ``destination_moratorium_codes()`` of the same version, with
    one freshness check for both."""
    current = _rule_set.get()
    return current.version, list(current.configs), set(current.moratorium)


def destination_moratorium_codes() -> set[str]:
    """ISO codes under the Kepmenaker 260/2015 domestic-work moratorium (current version)."""
    return set(_rule_set.get().moratorium)


@dataclass(frozen=True)
class DestinationRules:
    """A country some rule speaks of, and what it says."""

    code: str
    name: str
    on_list: bool  # on the analysts' list (its moratorium flag and note are kept there)
    moratorium: bool
    scam_compound: bool
    note: str


def destinations_with_rules() -> list[DestinationRules]:
    """The countries with rules: the analysts' list and the countries the current rule set's
    scam-compound indicator names. Every other country is a destination without rules."""
    _version, rules = rules_current()
    scam = {
        str(code).upper()
        for code in rule_parameter(rules, "scam_compound_destination", "countries")
    }
    listed = {country.code: country for country in DestinationCountry.objects.all()}
    rows = [
        DestinationRules(
            code=code,
            name=listed[code].name if code in listed else country_name(code),
            on_list=code in listed,
            moratorium=code in listed and listed[code].domestic_work_moratorium,
            scam_compound=code in scam,
            note=listed[code].note if code in listed else "",
        )
        for code in set(listed) | scam
    ]
    return sorted(rows, key=lambda row: (not row.moratorium, row.name))


# --- analysts' edits -----------------------------------------------------------------------


def _require_editor(viewer: Viewer) -> None:
    if not may_edit_rules(viewer):
        raise PermissionDenied(_("Hanya analis imigrasi yang dapat mengubah aturan risiko."))


def _clean_questions(questions: Any) -> list[dict[str, str]]:
    if not isinstance(questions, list):
        raise ValidationError({"questions": [_("Pertanyaan harus berupa daftar.")]})
    cleaned = []
    for question in questions:
        if isinstance(question, str):
            question = {"id": question, "en": ""}
        if not isinstance(question, dict) or not isinstance(question.get("id"), str):
            raise ValidationError({"questions": [_("Setiap pertanyaan harus berupa teks.")]})
        indonesian = question["id"].strip()
        english = str(question.get("en") or "").strip()
        if indonesian:
            cleaned.append({"id": indonesian, "en": english or indonesian})
    return cleaned


def _validate_rule(
    *, rule: RiskRule, weight: Any, parameters: Any, name: str, change_note: str
) -> None:
    problems = Problems(InputInvalid)
    if isinstance(weight, bool) or not isinstance(weight, int):
        problems.add("weight", _("Bobot harus bilangan bulat."))
    elif not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        problems.add(
            "weight",
            _("Bobot harus antara %(min)s dan %(max)s.") % {"min": MIN_WEIGHT, "max": MAX_WEIGHT},
        )
    if not isinstance(parameters, dict):
        problems.add("parameters", _("Parameter harus berupa objek JSON."))
    elif not parameter_specs(rule.code):
        problems.add(
            "parameters",
            _("Kode aturan ini tidak punya logika di Benteng; parameternya tidak dapat diubah."),
        )
    else:
        for problem in validate_parameters(rule.code, parameters):
            problems.add("parameters", problem.message)
    if not name.strip():
        problems.add("name", _("Nama indikator wajib diisi."))
    if not change_note.strip():
        problems.add("change_note", _("Tuliskan alasan perubahan untuk riwayat versi."))
    problems.raise_if_any()


def rule_update(
    *,
    viewer: Viewer,
    rule: RiskRule,
    weight: int,
    is_enabled: bool,
    parameters: dict[str, Any],
    questions: list[Any],
    name: str,
    description: str,
    change_note: str,
) -> RuleSetVersion:
    """Change one rule and record the whole rule set as a new version, in one transaction.

    Raises PermissionDenied for anyone but an immigration analyst and ValidationError (by
    field) for a weight out of range, parameters of the wrong type, an empty name or change
    note, or an edit that changes nothing.
    """
    _require_editor(viewer)
    _validate_rule(
        rule=rule, weight=weight, parameters=parameters, name=name, change_note=change_note
    )
    cleaned_questions = _clean_questions(questions)
    with transaction.atomic():
        locked = RiskRule.objects.select_for_update().get(pk=rule.pk)
        new_values = {
            "name": name.strip(),
            "description": description.strip(),
            "weight": weight,
            "is_enabled": is_enabled,
            "parameters": parameters,
            "questions": cleaned_questions,
        }
        changed = [field for field, value in new_values.items() if getattr(locked, field) != value]
        if not changed:
            raise ValidationError(_("Tidak ada yang berubah pada aturan ini."))
        for field in changed:
            setattr(locked, field, new_values[field])
        locked.save(update_fields=changed)
        audit_record_write(
            viewer=viewer,
            action=AuditAction.UPDATE,
            obj=locked,
            changed_fields=changed,
            purpose=viewer.purpose or "mengubah aturan risiko",
        )
        version = rule_set_version_create(
            created_by_id=viewer.user_id,
            change_note=change_note.strip(),
            changed_rule=locked.code,
        )
    for field in changed:
        setattr(rule, field, new_values[field])
    return version


def destination_save(
    *,
    viewer: Viewer,
    code: str,
    name: str,
    domestic_work_moratorium: bool,
    note: str,
    change_note: str,
) -> DestinationCountry:
    """Put a country on the analysts' list or change it; a new rule set version records the
    change. Any ISO 3166-1 country but Indonesia; a blank name takes the country's own."""
    _require_editor(viewer)
    code = code.strip().upper()
    problems = Problems(InputInvalid)
    if code not in destination_countries():
        problems.add("code", _("Pilih negara ISO 3166-1 di luar Indonesia (mis. MY, SA, US)."))
    name = name.strip() or country_name(code)
    if not change_note.strip():
        problems.add("change_note", _("Tuliskan alasan perubahan untuk riwayat versi."))
    problems.raise_if_any()
    with transaction.atomic():
        country = DestinationCountry.objects.select_for_update().filter(code=code).first()
        created = country is None
        if country is None:
            country = DestinationCountry(code=code)
        new_values = {
            "name": name.strip(),
            "domestic_work_moratorium": domestic_work_moratorium,
            "note": note.strip(),
        }
        changed = [field for field, value in new_values.items() if getattr(country, field) != value]
        if not created and not changed:
            raise ValidationError(_("Tidak ada yang berubah pada negara ini."))
        for field in changed:
            setattr(country, field, new_values[field])
        country.save()
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=country,
            changed_fields=changed,
            purpose=viewer.purpose or "mengubah kebijakan negara tujuan",
        )
        rule_set_version_create(
            created_by_id=viewer.user_id,
            change_note=change_note.strip(),
            changed_rule=f"negara:{code}",
        )
    return country


# --- version history -----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class RuleChange:
    code: str
    name: str
    kind: str  # "added" | "removed" | "changed"
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    version: RuleSetVersion
    previous: RuleSetVersion | None
    rules: tuple[RuleChange, ...]
    moratorium_added: tuple[str, ...]
    moratorium_removed: tuple[str, ...]


def rule_set_versions() -> list[RuleSetVersion]:
    """Every version, newest first, with who made it."""
    return list(RuleSetVersion.objects.select_related("created_by").order_by("-number"))


def rule_set_diff(*, version: RuleSetVersion) -> VersionDiff:
    """What changed in this version compared with the one before it."""
    previous = RuleSetVersion.objects.filter(number__lt=version.number).order_by("-number").first()
    before_rules = {
        row["code"]: row for row in (previous.snapshot if previous else {}).get("rules", [])
    }
    after_rules = {row["code"]: row for row in version.snapshot.get("rules", [])}
    changes: list[RuleChange] = []
    for code, row in after_rules.items():
        old = before_rules.get(code)
        if old is None:
            changes.append(RuleChange(code, row["name"], "added"))
            continue
        fields = tuple(
            FieldChange(field, old.get(field), row.get(field))
            for field in RULE_FIELDS
            if old.get(field) != row.get(field)
        )
        if fields:
            changes.append(RuleChange(code, row["name"], "changed", fields))
    for code, row in before_rules.items():
        if code not in after_rules:
            changes.append(RuleChange(code, row["name"], "removed"))
    before_moratorium = set((previous.snapshot if previous else {}).get("moratorium_countries", []))
    after_moratorium = set(version.snapshot.get("moratorium_countries", []))
    return VersionDiff(
        version=version,
        previous=previous,
        rules=tuple(changes),
        moratorium_added=tuple(sorted(after_moratorium - before_moratorium)),
        moratorium_removed=tuple(sorted(before_moratorium - after_moratorium)),
    )


# --- the document checklist and destination policy ----------------------------------------

SE_0277 = "SE Dirjen Imigrasi IMI-0277.GR.02.06/2017"
UU_18_2017 = "UU 18/2017 Pasal 13"
SOEKARNO_HATTA = "Permenkumham 44/2015; SE IMI.2.GR.01.01-4.5890/2021"


@dataclass(frozen=True)
class ChecklistItem:
    document: str  # a TravelDocument value
    label: str
    required: bool
    basis: str


# (document, required, basis) for each purpose of travel.
_CHECKLISTS: dict[str, tuple[tuple[str, bool, str], ...]] = {
    TravelPurpose.BEKERJA: (
        (TravelDocument.REKOMENDASI_DISNAKER, True, SE_0277),
        (TravelDocument.SURAT_SEHAT, True, SE_0277),
        (TravelDocument.STATUS_PERKAWINAN, True, UU_18_2017),
        (TravelDocument.IZIN_KELUARGA, True, UU_18_2017),
        (TravelDocument.SERTIFIKAT_KOMPETENSI, True, UU_18_2017),
        (TravelDocument.SERTIFIKAT_PSIKOLOGI, True, UU_18_2017),
        (TravelDocument.VISA_KERJA, True, UU_18_2017),
        (TravelDocument.PERJANJIAN_PENEMPATAN, True, UU_18_2017),
        (TravelDocument.KONTRAK_KERJA, True, UU_18_2017),
        (TravelDocument.EPMI, True, "UU 18/2017 (sistem penempatan BP3MI)"),
    ),
    TravelPurpose.UMRAH_HAJI: (
        (TravelDocument.REKOMENDASI_KEMENAG, True, SE_0277),
        (TravelDocument.SURAT_BIRO_PERJALANAN, False, SE_0277),
        (TravelDocument.TIKET_PULANG, False, SOEKARNO_HATTA),
    ),
    TravelPurpose.KUNJUNGAN_KELUARGA: (
        (TravelDocument.SURAT_JAMINAN, True, SE_0277),
        (TravelDocument.PASPOR_KERABAT, True, SE_0277),
        (TravelDocument.SURAT_UNDANGAN, False, SE_0277),
        (TravelDocument.TIKET_PULANG, False, SOEKARNO_HATTA),
    ),
    TravelPurpose.WISATA: (
        (TravelDocument.TIKET_PULANG, True, SOEKARNO_HATTA),
        (TravelDocument.SURAT_BIRO_PERJALANAN, False, SE_0277),
    ),
    TravelPurpose.STUDI: (
        (TravelDocument.SURAT_PENERIMAAN_STUDI, True, SE_0277),
        (TravelDocument.TIKET_PULANG, False, SOEKARNO_HATTA),
    ),
    TravelPurpose.LAINNYA: (
        (TravelDocument.SURAT_UNDANGAN, False, SE_0277),
        (TravelDocument.TIKET_PULANG, False, SOEKARNO_HATTA),
    ),
}


def document_checklist(purpose: str) -> list[ChecklistItem]:
    """The documents that fit the stated purpose (SE IMI-0277/2017, UU 18/2017 art. 13).

    ``required`` marks what the officer asks for; the others are asked for "where relevant"
    (a travel agent letter for a package tour, an invitation for a visit).
    """
    return [
        ChecklistItem(
            document=str(document),
            label=str(TravelDocument(document).label),
            required=required,
            basis=basis,
        )
        for document, required, basis in _CHECKLISTS.get(purpose, ())
    ]


@dataclass(frozen=True)
class PolicyCheck:
    code: str
    severity: str  # "warn" | "info"
    message: str


def destination_policy_checks(*, destination_country: str, purpose: str) -> list[PolicyCheck]:
    """What destination policy says about this trip: the moratorium list, scam-compound
    countries (the current rule set's list) and the analysts' note on the country. A country
    not on the analysts' list has no rules: nothing to say."""
    code = destination_country.strip().upper()
    country = DestinationCountry.objects.filter(code=code).first()
    name = country.name if country else country_name(code)
    checks: list[PolicyCheck] = []
    if code in destination_moratorium_codes():
        if purpose == TravelPurpose.BEKERJA:
            message = _(
                "Kepmenaker 260/2015: %(country)s tertutup untuk penempatan PMI pada pengguna "
                "perseorangan (pekerja rumah tangga, sopir pribadi, tukang kebun). Pastikan "
                "jabatan di sektor formal dan penempatan melalui P3MI terdaftar."
            ) % {"country": name}
        else:
            message = _(
                "Kepmenaker 260/2015: %(country)s termasuk negara moratorium PMI sektor "
                "domestik. Tujuan yang dinyatakan bukan bekerja: tanyakan apakah ada tawaran "
                "kerja sebagai pekerja rumah tangga."
            ) % {"country": name}
        checks.append(PolicyCheck("domestic_work_moratorium", "warn", message))
    _version, rules = rules_current()
    if code in set(rule_parameter(rules, "scam_compound_destination", "countries")):
        checks.append(
            PolicyCheck(
                "scam_compound_country",
                "warn",
                _(
                    "%(country)s adalah lokasi sindikat penipuan daring (online scam) yang "
                    "merekrut lewat media sosial dan memberangkatkan dengan visa turis."
                )
                % {"country": name},
            )
        )
    if country is not None and country.note:
        checks.append(PolicyCheck("analyst_note", "info", country.note))
    return checks
