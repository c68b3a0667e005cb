"""Risk indicators of non-procedural migration and trafficking, evaluated from rules kept as data.

Each rule's *logic* is a small named function registered here by ``code``; its *weight*,
whether it is enabled, its *parameters* (thresholds, windows, lists), its name and its
interview questions come from :class:`RuleConfig` — data an immigration analyst edits. The
default rule set, with the source of each indicator, is ``benteng/data/risk_rules.json``.

**The score never decides.** It orders the officer's attention and explains itself (each
indicator, its weight, the evidence that fired it, the questions to ask); the officer
interviews and decides, and the decision names the officer. UU 27/2022 gives people the right
to object to automated decisions, and indicators are not conclusive (UNODC).

Scoring: the weights of the fired indicators are summed, then normalised to 0..100 as
``min(100, round(100 * sum / saturation))``. The band is ``tinggi`` from ``high_from``,
``sedang`` from ``medium_from``, else ``rendah``. ``saturation``, ``medium_from`` and
``high_from`` are the parameters of the ``score_bands`` entry of the rule set (defaults 100,
30 and 60), so analysts change them like any rule parameter.

Evidence is given in Bahasa Indonesia (``evidence``) and English (``evidence_en``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from benteng.core.countries import country_name

__all__ = [
    "BANDS",
    "DOCUMENT_LABELS",
    "OBSERVATION_LABELS",
    "PURPOSE_LABELS",
    "SCORING_CODE",
    "STATEMENT_LABELS",
    "WATCHLIST_KIND_LABELS",
    "EventFact",
    "HitFact",
    "Indicator",
    "NotEvaluated",
    "ParameterKind",
    "ParameterProblem",
    "ParameterSpec",
    "RiskAssessment",
    "RiskFacts",
    "RuleConfig",
    "Text",
    "VillageReportMatch",
    "assess",
    "country_name",
    "hit_evidence",
    "parameter_specs",
    "registered_codes",
    "rule_parameter",
    "validate_parameters",
]

SCORING_CODE = "score_bands"
BANDS = ("rendah", "sedang", "tinggi")
# The agency kind of the police as hits carry it (accounts' AgencyKind.POLRI; the core may not
# import accounts, and a test holds the two equal).
POLICE_AGENCY = "polri"

# The purposes of travel and documents as the screening models name them (kept in step with
# benteng.screening.models.TravelPurpose / TravelDocument by a test).
PURPOSE_LABELS: dict[str, tuple[str, str]] = {
    "wisata": ("wisata", "tourism"),
    "umrah_haji": ("umrah/haji", "umrah/hajj"),
    "kunjungan_keluarga": ("kunjungan keluarga", "family visit"),
    "studi": ("studi", "study"),
    "bekerja": ("bekerja", "work"),
    "lainnya": ("lainnya", "other"),
}

DOCUMENT_LABELS: dict[str, tuple[str, str]] = {
    "epmi": ("kartu e-PMI / ID penempatan", "e-PMI card / placement ID"),
    "visa_kerja": ("visa kerja", "work visa"),
    "kontrak_kerja": ("perjanjian kerja", "employment contract"),
    "perjanjian_penempatan": ("perjanjian penempatan", "placement agreement"),
    "rekomendasi_disnaker": (
        "surat rekomendasi paspor dari Disnaker",
        "passport recommendation letter from the manpower office",
    ),
    "surat_sehat": ("surat keterangan sehat", "health certificate"),
    "sertifikat_kompetensi": ("sertifikat kompetensi kerja", "competency certificate"),
    "sertifikat_psikologi": (
        "sertifikat kesehatan dan psikologi",
        "health and psychology certificate",
    ),
    "izin_keluarga": (
        "izin suami/istri/orang tua/wali diketahui kepala desa",
        "permission of spouse/parent/guardian acknowledged by the village head",
    ),
    "status_perkawinan": ("surat keterangan status perkawinan", "marital-status letter"),
    "rekomendasi_kemenag": (
        "surat rekomendasi Kemenag",
        "recommendation of the religious-affairs office",
    ),
    "surat_jaminan": ("surat jaminan kerabat", "guarantee letter of the relative"),
    "paspor_kerabat": ("salinan paspor kerabat", "passport copy of the relative"),
    "surat_biro_perjalanan": ("surat biro perjalanan", "travel agent letter"),
    "tiket_pulang": ("tiket pulang", "return ticket"),
    "surat_undangan": ("surat undangan", "invitation letter"),
    "surat_penerimaan_studi": ("surat penerimaan studi", "letter of acceptance for study"),
}

WATCHLIST_KIND_LABELS: dict[str, tuple[str, str]] = {
    "perekrut": ("terduga perekrut/calo", "suspected recruiter"),
    "sponsor": ("terduga sponsor", "suspected sponsor"),
    "perusahaan": ("perusahaan penempatan tidak berizin", "unlicensed placement company"),
    "dpo": ("daftar pencarian orang (DPO)", "wanted persons list"),
    "nomor_telepon": ("nomor telepon yang dikenal", "known phone number"),
    "penundaan_paspor": ("pemohon paspor yang ditunda/ditolak", "delayed/refused applicant"),
    "deportasi": ("deportan", "deportee"),
    "penundaan_keberangkatan": ("keberangkatan yang ditunda", "delayed departure"),
}

MATCHED_ON_LABELS: dict[str, tuple[str, str]] = {
    "person": ("pemohon", "the applicant"),
    "sponsor": ("sponsor yang disebut", "the sponsor named"),
    "company": ("perusahaan yang disebut", "the company named"),
    "phone": ("nomor telepon yang disebut", "the phone number named"),
}

# What an officer may record during the interview (observations feed the interview rules).
OBSERVATION_LABELS: dict[str, tuple[str, str]] = {
    "cannot_state_purpose": (
        "tidak dapat menjelaskan tujuan perjalanan",
        "cannot state the purpose of travel",
    ),
    "inconsistent_answers": ("jawaban tidak konsisten", "inconsistent answers"),
    "passport_held_by_other": (
        "paspor/dokumen dipegang orang lain",
        "passport or documents held by someone else",
    ),
    "companion_speaks_for_applicant": (
        "pendamping menjawab untuk pemohon",
        "a companion speaks for the applicant",
    ),
    "movement_controlled": ("gerak-gerik diawasi orang lain", "movements controlled by others"),
    "debt_to_recruiter": ("berutang kepada perekrut/sponsor", "in debt to the recruiter/sponsor"),
    "fee_paid_to_recruiter": (
        "membayar biaya kepada calo/perekrut",
        "paid a fee to a broker/recruiter",
    ),
    "job_offer_via_social_media": (
        "tawaran kerja melalui media sosial",
        "job offer through social media",
    ),
    "admin_operator_job_offer": (
        "ditawari pekerjaan admin/operator/marketing",
        "offered an admin/operator/marketing job",
    ),
}

# What the officer states at the counter or the TPI and the record itself does not keep; a
# rule that reads one of them says so (``register(..., needs=...)``), and is not evaluated
# when the statement is not known (``RiskFacts.unknown_statements``).
STATEMENT_LABELS: dict[str, tuple[str, str]] = {
    "observations": ("pengamatan petugas saat wawancara", "the officer's interview observations"),
    "former_migrant_worker": ("pernah bekerja sebagai PMI", "earlier work as a migrant worker"),
    "has_return_ticket": ("tiket pulang", "a return ticket"),
}

_EARLIER_OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "disaring": ("masih diproses", "still in process"),
    "tunda": ("ditunda", "postponed"),
    "ditunda": ("ditunda", "postponed"),
    "tolak": ("ditolak", "refused"),
    "ditolak": ("ditolak", "refused"),
    "gugur": ("gugur", "lapsed"),
    "rujuk_bp3mi": ("dirujuk ke BP3MI", "referred to BP3MI"),
    "dirujuk_bp3mi": ("dirujuk ke BP3MI", "referred to BP3MI"),
    "rujuk_polisi": ("dirujuk ke kepolisian", "referred to police"),
    "dirujuk_polisi": ("dirujuk ke kepolisian", "referred to police"),
    "serahkan_polisi": ("diserahkan ke kepolisian", "handed over to police"),
}

_NIK_PROBLEM_LABELS: dict[str, tuple[str, str]] = {
    "nik_empty": ("NIK kosong", "NIK is empty"),
    "nik_scientific_notation": (
        "NIK rusak oleh format angka spreadsheet",
        "NIK damaged by spreadsheet number format",
    ),
    "nik_not_digits": ("NIK berisi selain angka", "NIK contains non-digits"),
    "nik_wrong_length": ("panjang NIK bukan 16 digit", "NIK is not 16 digits long"),
    "nik_unknown_province": ("kode provinsi NIK tidak ada", "unknown province code in NIK"),
    "nik_invalid_regency": ("kode kabupaten/kota NIK tidak sah", "invalid regency code in NIK"),
    "nik_unknown_regency": ("kode kabupaten/kota NIK tidak dikenal", "unknown regency in NIK"),
    "nik_invalid_district": ("kode kecamatan NIK tidak sah", "invalid district code in NIK"),
    "nik_unknown_district": ("kode kecamatan NIK tidak dikenal", "unknown district in NIK"),
    "nik_invalid_birth_date": ("tanggal lahir dalam NIK tidak sah", "invalid birth date in NIK"),
    "nik_invalid_serial": ("nomor urut NIK tidak sah", "invalid serial number in NIK"),
    "nik_birth_date_mismatch": (
        "tanggal lahir dalam NIK berbeda dengan yang dinyatakan",
        "birth date in NIK differs from the stated one",
    ),
    "nik_birth_date_day_month_swapped": (
        "tanggal dan bulan lahir tertukar dibanding NIK",
        "day and month of birth swapped compared with NIK",
    ),
    "nik_sex_mismatch": (
        "jenis kelamin dalam NIK berbeda dengan yang dinyatakan",
        "sex in NIK differs from the stated one",
    ),
    "nik_stated_sex_invalid": ("jenis kelamin yang dinyatakan tidak sah", "stated sex invalid"),
}


def _label(table: Mapping[str, tuple[str, str]], code: str) -> tuple[str, str]:
    return table.get(code, (code, code))


# --- facts, configuration and results ---------------------------------------------------


@dataclass(frozen=True)
class HitFact:
    """A watchlist hit as the rules see it: never the entry's internal notes."""

    watchlist_kind: str
    owner_agency: str  # agency kind: "polri", "imigrasi", ...
    category: str
    score: float
    matched_on: str  # "person" | "sponsor" | "company" | "phone"


@dataclass(frozen=True)
class EventFact:
    """An earlier application or departure check about the same person, at any office."""

    kind: str  # "application" | "departure"
    office_code: str
    same_office: bool
    outcome: str  # application status / decision outcome / departure outcome code
    days_ago: int
    office_name: str = ""


@dataclass(frozen=True)
class VillageReportMatch:
    """A village report naming the screened person's sponsor as a recruiter."""

    report_number: str
    desa_name: str
    matched_on: str  # "sponsor" (the name) | "phone"


@dataclass
class RiskFacts:
    """Everything the rules look at, computed by the screening service beforehand.

    ``same_sponsor_recent`` counts other applications naming the same sponsor or phone within
    the ``group_pattern`` rule's ``window_days`` (read it with :func:`rule_parameter`);
    ``village_recruiter_reports`` counts the recruiter reports of the person's desa within the
    ``village_recruiter_reports`` rule's ``window_days`` (``village_name`` names the desa), and
    ``village_sponsor_matches`` the village reports naming the sponsor as a recruiter; it is
    ``None`` when no village reports are available, and the rule is then not evaluated.
    ``unknown_statements`` names the officer's statements (keys of :data:`STATEMENT_LABELS`)
    that are not known, e.g. a re-screening of a record whose first screening did not keep
    them: the rules that need one are not evaluated, rather than read as "not stated".
    """

    purpose: str
    destination_country: str
    documents: set[str] = field(default_factory=set)
    moratorium_countries: set[str] = field(default_factory=set)
    nik_problems: list[str] = field(default_factory=list)
    watchlist_hits: list[HitFact] = field(default_factory=list)
    earlier_events: list[EventFact] = field(default_factory=list)
    same_sponsor_recent: int = 0
    age: int | None = None
    village_recruiter_reports: int | None = None
    village_name: str = ""
    village_sponsor_matches: list[VillageReportMatch] = field(default_factory=list)
    has_return_ticket: bool = False
    stage: str = "application"  # "application" (Kanim counter) | "departure" (TPI)
    former_migrant_worker: bool | None = None
    observations: set[str] = field(default_factory=set)
    unknown_statements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RuleConfig:
    """One rule as data: what an analyst edits."""

    code: str
    name: str
    weight: int
    enabled: bool = True
    parameters: dict[str, Any] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)
    name_en: str = ""
    questions_en: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Text:
    """A sentence in Bahasa Indonesia and English."""

    id: str
    en: str


@dataclass
class Indicator:
    code: str
    name: str
    weight: int
    evidence: list[str]
    questions: list[str]
    name_en: str = ""
    evidence_en: list[str] = field(default_factory=list)
    questions_en: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """For a JSON field or an API response."""
        return {
            "code": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "weight": self.weight,
            "evidence": list(self.evidence),
            "evidence_en": list(self.evidence_en),
            "questions": list(self.questions),
            "questions_en": list(self.questions_en),
        }


@dataclass(frozen=True)
class NotEvaluated:
    """A rule that could not look at its facts (e.g. villages do not exist yet)."""

    code: str
    reason: str
    reason_en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "reason": self.reason, "reason_en": self.reason_en}


@dataclass
class RiskAssessment:
    """Decision support: the officer decides, never this score."""

    score: int
    band: str  # "rendah" | "sedang" | "tinggi"
    indicators: list[Indicator]
    not_evaluated: list[NotEvaluated] = field(default_factory=list)
    total_weight: int = 0

    def indicators_as_dicts(self) -> list[dict[str, Any]]:
        return [indicator.as_dict() for indicator in self.indicators]


# --- parameters ---------------------------------------------------------------------------


class ParameterKind(enum.StrEnum):
    INTEGER = "integer"
    NUMBER = "number"
    TEXT_LIST = "text_list"
    TEXT_LIST_MAP = "text_list_map"  # {"purpose": ["document", ...]}


@dataclass(frozen=True)
class ParameterSpec:
    kind: ParameterKind
    default: Any
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class ParameterProblem:
    name: str
    message: str
    message_en: str


def _is_text_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _kind_problem(name: str, spec: ParameterSpec, value: object) -> ParameterProblem | None:
    if spec.kind is ParameterKind.INTEGER and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return ParameterProblem(
            name, f"{name} harus bilangan bulat.", f"{name} must be a whole number."
        )
    if spec.kind is ParameterKind.NUMBER and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return ParameterProblem(name, f"{name} harus angka.", f"{name} must be a number.")
    if spec.kind is ParameterKind.TEXT_LIST and not _is_text_list(value):
        return ParameterProblem(
            name, f"{name} harus daftar teks.", f"{name} must be a list of texts."
        )
    if spec.kind is ParameterKind.TEXT_LIST_MAP and not (
        isinstance(value, dict)
        and all(isinstance(key, str) and _is_text_list(item) for key, item in value.items())
    ):
        return ParameterProblem(
            name,
            f"{name} harus pemetaan teks ke daftar teks.",
            f"{name} must map texts to lists of texts.",
        )
    return None


def _range_problem(name: str, spec: ParameterSpec, value: float) -> ParameterProblem | None:
    if spec.minimum is not None and value < spec.minimum:
        return ParameterProblem(
            name,
            f"{name} paling kecil {spec.minimum:g}.",
            f"{name} must be at least {spec.minimum:g}.",
        )
    if spec.maximum is not None and value > spec.maximum:
        return ParameterProblem(
            name,
            f"{name} paling besar {spec.maximum:g}.",
            f"{name} must be at most {spec.maximum:g}.",
        )
    return None


def validate_parameters(code: str, parameters: Mapping[str, Any]) -> list[ParameterProblem]:
    """Problems with a rule's parameters: unknown names, wrong types, values out of range."""
    specs = parameter_specs(code)
    problems: list[ParameterProblem] = []
    for name in parameters:
        if name not in specs:
            problems.append(
                ParameterProblem(
                    name,
                    f"Parameter {name} tidak dikenal aturan ini.",
                    f"This rule has no parameter {name}.",
                )
            )
    for name, spec in specs.items():
        if name not in parameters:
            continue
        value = parameters[name]
        problem = _kind_problem(name, spec, value)
        if problem is None and spec.kind in (ParameterKind.INTEGER, ParameterKind.NUMBER):
            problem = _range_problem(name, spec, float(value))
        if problem is not None:
            problems.append(problem)
    if code == SCORING_CODE and not problems:
        merged = {**{n: s.default for n, s in specs.items()}, **parameters}
        if not merged["medium_from"] < merged["high_from"]:
            problems.append(
                ParameterProblem(
                    "high_from",
                    "high_from harus lebih besar dari medium_from.",
                    "high_from must be greater than medium_from.",
                )
            )
    return problems


# --- the registry of rule logic -----------------------------------------------------------

Params = Mapping[str, Any]
RuleOutcome = list[Text] | NotEvaluated | None
RuleFunction = Callable[[RiskFacts, Params], RuleOutcome]


@dataclass(frozen=True)
class RuleLogic:
    code: str
    function: RuleFunction
    parameters: Mapping[str, ParameterSpec]
    needs: frozenset[str] = frozenset()  # the officer's statements it reads


_REGISTRY: dict[str, RuleLogic] = {}

_SCORING_PARAMETERS: Mapping[str, ParameterSpec] = {
    "saturation": ParameterSpec(ParameterKind.INTEGER, 100, minimum=1, maximum=10000),
    "medium_from": ParameterSpec(ParameterKind.INTEGER, 30, minimum=1, maximum=100),
    "high_from": ParameterSpec(ParameterKind.INTEGER, 60, minimum=1, maximum=100),
}


def register(
    code: str, parameters: Mapping[str, ParameterSpec], *, needs: frozenset[str] = frozenset()
) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``function`` as the logic of the rule ``code``; ``needs`` names the officer's
    statements (keys of :data:`STATEMENT_LABELS`) it reads."""

    def decorator(function: RuleFunction) -> RuleFunction:
        if code in _REGISTRY or code == SCORING_CODE:
            raise ValueError(f"Rule {code} is registered twice.")
        unknown = needs - STATEMENT_LABELS.keys()
        if unknown:
            raise ValueError(f"Rule {code} needs unknown statements {sorted(unknown)}.")
        _REGISTRY[code] = RuleLogic(code, function, parameters, frozenset(needs))
        return function

    return decorator


def registered_codes() -> list[str]:
    """The codes of every rule whose logic exists, in registration order."""
    return list(_REGISTRY)


def parameter_specs(code: str) -> Mapping[str, ParameterSpec]:
    """The parameters a rule (or ``score_bands``) accepts; empty for an unknown code."""
    if code == SCORING_CODE:
        return _SCORING_PARAMETERS
    logic = _REGISTRY.get(code)
    return logic.parameters if logic else {}


def _merged(code: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    specs = parameter_specs(code)
    return {**{name: spec.default for name, spec in specs.items()}, **parameters}


def rule_parameter(rules: Sequence[RuleConfig], code: str, name: str) -> Any:
    """A parameter's value in this rule set (its default when the rule is missing), e.g. the
    ``window_days`` of ``group_pattern`` the screening service needs to count facts."""
    for rule in rules:
        if rule.code == code:
            return _merged(code, rule.parameters)[name]
    return parameter_specs(code)[name].default


# --- helpers for rule functions -----------------------------------------------------------


def _texts(params: Params, name: str) -> frozenset[str]:
    return frozenset(params[name])


def _purpose(facts: RiskFacts) -> Text:
    label = _label(PURPOSE_LABELS, facts.purpose)
    return Text(*label)


def _country(facts: RiskFacts) -> Text:
    code = facts.destination_country.upper()
    return Text(country_name(code), country_name(code, language="en"))


def _documents(codes: Sequence[str]) -> Text:
    labels = [_label(DOCUMENT_LABELS, code) for code in codes]
    return Text(", ".join(i for i, _ in labels), ", ".join(e for _, e in labels))


def _non_work_purpose(facts: RiskFacts, params: Params) -> bool:
    return facts.purpose in _texts(params, "purposes")


def _excused(facts: RiskFacts, params: Params) -> bool:
    """The purpose's supporting documents were all shown (e.g. Kemenag letter for umrah)."""
    needed = params["excused_by_documents"].get(facts.purpose)
    return bool(needed) and set(needed) <= facts.documents


NON_WORK_PURPOSES = ["wisata", "umrah_haji", "kunjungan_keluarga", "lainnya"]
DECISION_OUTCOMES = [
    "tunda",
    "ditunda",
    "tolak",
    "ditolak",
    "gugur",
    "rujuk_bp3mi",
    "dirujuk_bp3mi",
    "rujuk_polisi",
    "dirujuk_polisi",
    "serahkan_polisi",
]


# --- the rules ----------------------------------------------------------------------------


@register(
    "moratorium_destination_non_work",
    {
        "purposes": ParameterSpec(ParameterKind.TEXT_LIST, NON_WORK_PURPOSES),
        "excused_by_documents": ParameterSpec(
            ParameterKind.TEXT_LIST_MAP,
            {"umrah_haji": ["rekomendasi_kemenag"]},
        ),
    },
)
def moratorium_destination_non_work(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The destination is under the domestic-work moratorium and the purpose is not work."""
    if facts.destination_country.upper() not in facts.moratorium_countries:
        return None
    if not _non_work_purpose(facts, params) or _excused(facts, params):
        return None
    country, purpose = _country(facts), _purpose(facts)
    return [
        Text(
            f"{country.id} termasuk negara moratorium PMI sektor domestik; tujuan yang "
            f"dinyatakan: {purpose.id}.",
            f"{country.en} is under the domestic-worker moratorium; stated purpose: {purpose.en}.",
        )
    ]


@register(
    "work_without_placement_documents",
    {
        "purposes": ParameterSpec(ParameterKind.TEXT_LIST, ["bekerja"]),
        "required_documents_application": ParameterSpec(
            ParameterKind.TEXT_LIST, ["rekomendasi_disnaker", "surat_sehat"]
        ),
        "required_documents_departure": ParameterSpec(
            ParameterKind.TEXT_LIST, ["epmi", "visa_kerja", "kontrak_kerja"]
        ),
    },
)
def work_without_placement_documents(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The person means to work abroad but lacks the documents of procedural placement."""
    if facts.purpose not in _texts(params, "purposes"):
        return None
    name = (
        "required_documents_departure"
        if facts.stage == "departure"
        else "required_documents_application"
    )
    missing = [code for code in params[name] if code not in facts.documents]
    if not missing:
        return None
    documents = _documents(missing)
    return [
        Text(
            f"Tujuan bekerja, tetapi tidak menunjukkan: {documents.id}.",
            f"Purpose is work, but not shown: {documents.en}.",
        )
    ]


def _hit_text(hit: HitFact) -> Text:
    kind = _label(WATCHLIST_KIND_LABELS, hit.watchlist_kind)
    matched = _label(MATCHED_ON_LABELS, hit.matched_on)
    agency = hit.owner_agency.upper() if hit.owner_agency == POLICE_AGENCY else hit.owner_agency
    return Text(
        f"{matched[0].capitalize()} cocok dengan daftar {kind[0]} ({agency}), skor "
        f"kecocokan {hit.score:.2f}.",
        f"{matched[1].capitalize()} matches the {kind[1]} list ({agency}), match score "
        f"{hit.score:.2f}.",
    )


def hit_evidence(hit: HitFact) -> tuple[str, str]:
    """The evidence line a watchlist hit gives an indicator, in Bahasa Indonesia and English
    (to leave it out for a reader who may not see the hit)."""
    text = _hit_text(hit)
    return text.id, text.en


@register(
    "sponsor_on_police_watchlist",
    {
        "matched_on": ParameterSpec(ParameterKind.TEXT_LIST, ["sponsor", "company", "phone"]),
        "owner_agencies": ParameterSpec(ParameterKind.TEXT_LIST, [POLICE_AGENCY]),
        "min_score": ParameterSpec(ParameterKind.NUMBER, 0.5, minimum=0, maximum=1),
    },
)
def sponsor_on_police_watchlist(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The sponsor, company or phone number named matches a police watchlist."""
    hits = [
        hit
        for hit in facts.watchlist_hits
        if hit.matched_on in _texts(params, "matched_on")
        and hit.owner_agency in _texts(params, "owner_agencies")
        and hit.score >= params["min_score"]
    ]
    return [_hit_text(hit) for hit in hits] or None


@register(
    "person_on_watchlist",
    {
        "watchlist_kinds": ParameterSpec(
            ParameterKind.TEXT_LIST,
            ["perekrut", "sponsor", "perusahaan", "dpo", "nomor_telepon", "deportasi"],
        ),
        "min_score": ParameterSpec(ParameterKind.NUMBER, 0.5, minimum=0, maximum=1),
    },
)
def person_on_watchlist(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The applicant themself matches a watchlist entry."""
    hits = [
        hit
        for hit in facts.watchlist_hits
        if hit.matched_on == "person"
        and hit.watchlist_kind in _texts(params, "watchlist_kinds")
        and hit.score >= params["min_score"]
    ]
    return [_hit_text(hit) for hit in hits] or None


@register(
    "group_pattern",
    {
        "window_days": ParameterSpec(ParameterKind.INTEGER, 14, minimum=1, maximum=365),
        "min_others": ParameterSpec(ParameterKind.INTEGER, 2, minimum=1, maximum=1000),
    },
)
def group_pattern(facts: RiskFacts, params: Params) -> RuleOutcome:
    """Several applicants named the same sponsor or phone number within a few days."""
    if facts.same_sponsor_recent < params["min_others"]:
        return None
    count, days = facts.same_sponsor_recent, params["window_days"]
    return [
        Text(
            f"{count} pemohon lain menyebut sponsor atau nomor telepon yang sama dalam "
            f"{days} hari terakhir.",
            f"{count} other applicants named the same sponsor or phone number in the last "
            f"{days} days.",
        )
    ]


def _when(days_ago: int) -> tuple[str, str]:
    """How long ago, as an officer says it: today, yesterday, n days ago."""
    if days_ago <= 0:
        return "hari ini", "today"
    if days_ago == 1:
        return "kemarin", "yesterday"
    return f"{days_ago} hari lalu", f"{days_ago} days ago"


def _event_text(event: EventFact) -> Text:
    outcome = _label(_EARLIER_OUTCOME_LABELS, event.outcome)
    office = event.office_name or event.office_code
    when = _when(event.days_ago)
    if event.kind == "departure":
        return Text(
            f"Pemeriksaan keberangkatan di {office} {when[0]}: {outcome[0]}.",
            f"Departure check at {office} {when[1]}: {outcome[1]}.",
        )
    return Text(
        f"Permohonan paspor di {office} {when[0]}: {outcome[0]}.",
        f"Passport application at {office} {when[1]}: {outcome[1]}.",
    )


def _events(facts: RiskFacts, params: Params, *, same_office: bool) -> RuleOutcome:
    events = [
        event
        for event in facts.earlier_events
        if event.same_office is same_office
        and event.kind in _texts(params, "kinds")
        and event.outcome in _texts(params, "outcomes")
        and event.days_ago <= params["window_days"]
    ]
    return [_event_text(event) for event in events] or None


@register(
    "earlier_decision_other_office",
    {
        "kinds": ParameterSpec(ParameterKind.TEXT_LIST, ["application", "departure"]),
        "outcomes": ParameterSpec(ParameterKind.TEXT_LIST, DECISION_OUTCOMES),
        "window_days": ParameterSpec(ParameterKind.INTEGER, 365, minimum=1, maximum=3650),
    },
)
def earlier_decision_other_office(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The same person was delayed, refused or referred elsewhere. (An application still in
    progress at another office is a duplicate application, shown as such, not a decision.)"""
    return _events(facts, params, same_office=False)


@register(
    "duplicate_application_same_office",
    {
        "kinds": ParameterSpec(ParameterKind.TEXT_LIST, ["application"]),
        "outcomes": ParameterSpec(
            ParameterKind.TEXT_LIST, ["tunda", "ditunda", "tolak", "ditolak", "gugur", "disaring"]
        ),
        "window_days": ParameterSpec(ParameterKind.INTEGER, 180, minimum=1, maximum=3650),
    },
)
def duplicate_application_same_office(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The same person applied at this office before and was delayed, refused or is pending."""
    return _events(facts, params, same_office=True)


@register(
    "nik_inconsistent",
    {
        "problem_codes": ParameterSpec(ParameterKind.TEXT_LIST, list(_NIK_PROBLEM_LABELS)),
    },
)
def nik_inconsistent(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The NIK is invalid or disagrees with the stated birth date or sex."""
    codes = [code for code in facts.nik_problems if code in _texts(params, "problem_codes")]
    return [Text(*_label(_NIK_PROBLEM_LABELS, code)) for code in codes] or None


@register(
    "scam_compound_destination",
    {
        "countries": ParameterSpec(ParameterKind.TEXT_LIST, ["KH", "MM", "LA"]),
        "purposes": ParameterSpec(ParameterKind.TEXT_LIST, NON_WORK_PURPOSES),
    },
)
def scam_compound_destination(facts: RiskFacts, params: Params) -> RuleOutcome:
    """A tourist, umrah or visit purpose to a country of online-scam compounds."""
    if facts.destination_country.upper() not in _texts(params, "countries"):
        return None
    if not _non_work_purpose(facts, params):
        return None
    country, purpose = _country(facts), _purpose(facts)
    return [
        Text(
            f"Tujuan {purpose.id} ke {country.id}, negara lokasi sindikat penipuan daring "
            "(online scam) yang merekrut dengan visa turis.",
            f"Purpose {purpose.en} to {country.en}, a country of online-scam compounds that "
            "recruit people travelling on tourist visas.",
        )
    ]


@register(
    "frequent_stop_destination",
    {
        "countries": ParameterSpec(ParameterKind.TEXT_LIST, ["MY", "KH", "SG", "TH", "AE"]),
        "purposes": ParameterSpec(ParameterKind.TEXT_LIST, NON_WORK_PURPOSES),
    },
)
def frequent_stop_destination(facts: RiskFacts, params: Params) -> RuleOutcome:
    """A non-work purpose to a destination where many would-be migrants were stopped."""
    if facts.destination_country.upper() not in _texts(params, "countries"):
        return None
    if not _non_work_purpose(facts, params):
        return None
    country, purpose = _country(facts), _purpose(facts)
    return [
        Text(
            f"{country.id} termasuk tujuan terbanyak calon PMI nonprosedural yang dicegah "
            f"(BP3MI Banten 2025); tujuan yang dinyatakan: {purpose.id}.",
            f"{country.en} is among the commonest destinations of stopped non-procedural "
            f"migrants (BP3MI Banten 2025); stated purpose: {purpose.en}.",
        )
    ]


@register(
    "no_return_ticket_non_work",
    {
        "purposes": ParameterSpec(ParameterKind.TEXT_LIST, ["wisata", "kunjungan_keluarga"]),
        "stages": ParameterSpec(ParameterKind.TEXT_LIST, ["application", "departure"]),
    },
    needs=frozenset({"has_return_ticket"}),
)
def no_return_ticket_non_work(facts: RiskFacts, params: Params) -> RuleOutcome:
    """A short-stay purpose without a return ticket."""
    if facts.stage not in _texts(params, "stages") or not _non_work_purpose(facts, params):
        return None
    if facts.has_return_ticket or "tiket_pulang" in facts.documents:
        return None
    purpose = _purpose(facts)
    return [
        Text(
            f"Tujuan {purpose.id} tanpa tiket pulang.",
            f"Purpose {purpose.en} without a return ticket.",
        )
    ]


@register(
    "age_focus_band",
    {
        "min_age": ParameterSpec(ParameterKind.INTEGER, 25, minimum=0, maximum=120),
        "max_age": ParameterSpec(ParameterKind.INTEGER, 35, minimum=0, maximum=120),
        "purposes": ParameterSpec(ParameterKind.TEXT_LIST, NON_WORK_PURPOSES),
    },
)
def age_focus_band(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The applicant is in the age band officers focus on, with a non-work purpose."""
    if facts.age is None or not params["min_age"] <= facts.age <= params["max_age"]:
        return None
    if not _non_work_purpose(facts, params):
        return None
    low, high = params["min_age"], params["max_age"]
    return [
        Text(
            f"Umur {facts.age} tahun (kelompok {low}-{high} tahun) dengan tujuan "
            f"{_purpose(facts).id}.",
            f"Aged {facts.age} (band {low}-{high}) with purpose {_purpose(facts).en}.",
        )
    ]


@register(
    "former_migrant_scam_age_band",
    {
        "min_age": ParameterSpec(ParameterKind.INTEGER, 35, minimum=0, maximum=120),
        "max_age": ParameterSpec(ParameterKind.INTEGER, 50, minimum=0, maximum=120),
        "purposes": ParameterSpec(ParameterKind.TEXT_LIST, NON_WORK_PURPOSES),
    },
    needs=frozenset({"former_migrant_worker"}),
)
def former_migrant_scam_age_band(facts: RiskFacts, params: Params) -> RuleOutcome:
    """A former migrant worker aged 35-40+, whom scam-compound brokers target."""
    if facts.former_migrant_worker is not True or facts.age is None:
        return None
    if not params["min_age"] <= facts.age <= params["max_age"]:
        return None
    if not _non_work_purpose(facts, params):
        return None
    return [
        Text(
            f"Mantan PMI berumur {facts.age} tahun dengan tujuan {_purpose(facts).id}.",
            f"Former migrant worker aged {facts.age} with purpose {_purpose(facts).en}.",
        )
    ]


@register(
    "village_recruiter_reports",
    {
        "min_reports": ParameterSpec(ParameterKind.INTEGER, 1, minimum=1, maximum=1000),
        "window_days": ParameterSpec(ParameterKind.INTEGER, 90, minimum=1, maximum=3650),
        "match_window_days": ParameterSpec(ParameterKind.INTEGER, 365, minimum=1, maximum=3650),
    },
)
def village_recruiter_reports(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The applicant's village reported recruiter activity recently, or a village report names
    the applicant's sponsor (name or phone) as a recruiter."""
    if facts.village_recruiter_reports is None:
        return NotEvaluated(
            "village_recruiter_reports",
            "Data laporan desa belum tersedia; aturan ini tidak dinilai.",
            "Village reports are not available yet; this rule was not evaluated.",
        )
    texts: list[Text] = []
    count, days = facts.village_recruiter_reports, params["window_days"]
    if count >= params["min_reports"]:
        where = f"Desa {facts.village_name}" if facts.village_name else "Desa pemohon"
        where_en = f"The village {facts.village_name}" if facts.village_name else "The village"
        texts.append(
            Text(
                f"{where} mencatat {count} laporan aktivitas perekrut dalam {days} hari terakhir.",
                f"{where_en} recorded {count} recruiter reports in the last {days} days.",
            )
        )
    for match in facts.village_sponsor_matches:
        on = ("nama", "name") if match.matched_on == "sponsor" else ("nomor telepon", "phone")
        texts.append(
            Text(
                f"Sponsor yang disebut cocok ({on[0]}) dengan perekrut dalam laporan desa "
                f"{match.report_number} (Desa {match.desa_name}).",
                f"The sponsor named matches ({on[1]}) a recruiter in village report "
                f"{match.report_number} ({match.desa_name}).",
            )
        )
    return texts or None


def _observed(facts: RiskFacts, params: Params) -> RuleOutcome:
    found = [code for code in params["observations"] if code in facts.observations]
    texts = [_label(OBSERVATION_LABELS, code) for code in found]
    return [
        Text(f"Pengamatan petugas: {id_text}.", f"Officer observed: {en_text}.")
        for id_text, en_text in texts
    ] or None


@register(
    "interview_red_flags",
    {
        "observations": ParameterSpec(
            ParameterKind.TEXT_LIST, ["cannot_state_purpose", "inconsistent_answers"]
        )
    },
    needs=frozenset({"observations"}),
)
def interview_red_flags(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The officer observed a red flag used at Soekarno-Hatta during the interview."""
    return _observed(facts, params)


@register(
    "trafficking_control_indicators",
    {
        "observations": ParameterSpec(
            ParameterKind.TEXT_LIST,
            [
                "passport_held_by_other",
                "companion_speaks_for_applicant",
                "movement_controlled",
                "debt_to_recruiter",
            ],
        )
    },
    needs=frozenset({"observations"}),
)
def trafficking_control_indicators(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The officer observed ILO/UNODC indicators of control by a third person."""
    return _observed(facts, params)


@register(
    "online_scam_recruitment",
    {
        "observations": ParameterSpec(
            ParameterKind.TEXT_LIST,
            ["job_offer_via_social_media", "admin_operator_job_offer", "fee_paid_to_recruiter"],
        )
    },
    needs=frozenset({"observations"}),
)
def online_scam_recruitment(facts: RiskFacts, params: Params) -> RuleOutcome:
    """The officer heard the recruitment pattern of online-scam compounds."""
    return _observed(facts, params)


# --- assessment ---------------------------------------------------------------------------


def _scoring(rules: Sequence[RuleConfig]) -> dict[str, Any]:
    for rule in rules:
        if rule.code == SCORING_CODE:
            return _merged(SCORING_CODE, rule.parameters)
    return _merged(SCORING_CODE, {})


def band_for(score: int, scoring: Mapping[str, Any]) -> str:
    if score >= scoring["high_from"]:
        return "tinggi"
    if score >= scoring["medium_from"]:
        return "sedang"
    return "rendah"


def _without_statements(rule: RuleConfig, missing: Sequence[str]) -> NotEvaluated:
    """A rule not evaluated because the officer's statements it reads are not known."""
    labels = [STATEMENT_LABELS[name] for name in missing]
    return NotEvaluated(
        rule.code,
        f"{rule.name}: keterangan petugas ({', '.join(label[0] for label in labels)}) "
        "tidak tersedia; aturan ini tidak dinilai.",
        f"{rule.name_en or rule.name}: the officer's statement "
        f"({', '.join(label[1] for label in labels)}) is not available; this rule was not "
        "evaluated.",
    )


def assess(facts: RiskFacts, rules: Sequence[RuleConfig]) -> RiskAssessment:
    """Evaluate every enabled rule on the facts and explain the result.

    Rules whose code has no registered logic are ignored (an analyst cannot add logic, only
    configure it). The result supports the officer; it never decides.
    """
    indicators: list[Indicator] = []
    not_evaluated: list[NotEvaluated] = []
    for rule in rules:
        logic = _REGISTRY.get(rule.code)
        if logic is None or not rule.enabled:
            continue
        missing = sorted(logic.needs & facts.unknown_statements)
        if missing:
            not_evaluated.append(_without_statements(rule, missing))
            continue
        outcome = logic.function(facts, _merged(rule.code, rule.parameters))
        if isinstance(outcome, NotEvaluated):
            not_evaluated.append(outcome)
            continue
        if not outcome:
            continue
        indicators.append(
            Indicator(
                code=rule.code,
                name=rule.name,
                name_en=rule.name_en or rule.name,
                weight=rule.weight,
                evidence=[text.id for text in outcome],
                evidence_en=[text.en for text in outcome],
                questions=list(rule.questions),
                questions_en=list(rule.questions_en) or list(rule.questions),
            )
        )
    indicators.sort(key=lambda indicator: -indicator.weight)
    scoring = _scoring(rules)
    total = sum(indicator.weight for indicator in indicators)
    score = min(100, round(100 * total / scoring["saturation"]))
    return RiskAssessment(
        score=score,
        band=band_for(score, scoring),
        indicators=indicators,
        not_evaluated=not_evaluated,
        total_weight=total,
    )
