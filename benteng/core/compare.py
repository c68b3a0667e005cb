"""Explainable comparison of two identity records (Fellegi-Sunter).

Every field is compared by a *feature* function named for what it asserts
(``birth_date_matches``). A feature reports an agreement *level* (``exact``,
``swapped_day_month``, ``different`` ...). Each level carries two probabilities:

* ``m`` -- how often two records of the **same** person show this level;
* ``u`` -- how often two records of **different** people show it.

The level adds ``log2(m / u)`` bits of evidence (its *weight*): positive when the
level is more typical of the same person, negative when more typical of different
people. A missing field on either side is neutral (weight 0). The score is the
probability of "same person" after adding all weights to a fixed prior weight::

    match_weight = prior_match_weight + sum(weights)
    score = 1 / (1 + 2 ** -match_weight)

``m``, ``u`` and the prior are fixed (``DEFAULT_PARAMETERS``, estimated on the Indonesian
synthetic benchmark with :func:`estimate_parameters`), except ``u`` of an identical, a
contained or a closely spelled name, which a screening index reads from its own list
(``name_share``, ``sound_share``: how common that name, or its sound, is there, the
term-frequency adjustment): a score of 0.9 means "nine
times in ten this combination of agreements is the same person". A screening index of a
large list starts from ``DEFAULT_PARAMETERS`` and re-estimates them on its own data without
ground truth (:func:`estimate_parameters_em`: u on random pairs of its entries, m by EM on
unlabelled candidate pairs). See docs/core-screening.md for the calibration.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from benteng.core.names import (
    DEFAULT_RULES,
    ParsedName,
    normalize_name,
    parse_name,
    parsed_name_similarity,
)
from benteng.core.nik import parse_nik
from benteng.core.phones import normalize_phone
from benteng.core.records import IdentityRecord

__all__ = [
    "DEFAULT_PARAMETERS",
    "FEATURES",
    "JUDGED_M_FEATURES",
    "NAME_AGREEMENT_LEVELS",
    "Comparison",
    "ComparisonParameters",
    "EmEstimate",
    "EmSession",
    "FeatureResult",
    "Level",
    "LevelParameters",
    "PreparedIdentity",
    "address_matches",
    "birth_date_matches",
    "birth_place_matches",
    "compare_identities",
    "compare_prepared",
    "estimate_parameters",
    "estimate_parameters_em",
    "feature_levels",
    "frequent_name_weight",
    "match_weight_to_score",
    "name_matches",
    "nik_matches",
    "nik_matches_birth_date",
    "passport_number_matches",
    "phone_matches",
    "prepare_identity",
    "score_to_match_weight",
    "sex_matches",
]


class Level(StrEnum):
    """Agreement levels shared by the features (not every feature uses every level)."""

    EXACT = "exact"
    STRONG = "strong"
    GOOD = "good"
    # The first record's one name is a part of the second's fuller name (in a screening: the
    # name searched, one word, inside the listed full name) ...
    CONTAINED = "contained"
    # ... and the other way round (the listed one-word name inside the full name searched).
    CONTAINS = "contains"
    WEAK = "weak"
    SWAPPED_DAY_MONTH = "swapped_day_month"
    YEAR_TYPO = "year_typo"
    TYPO = "typo"
    YEAR_ONLY = "year_only"
    ONE_CHARACTER_OFF = "one_character_off"
    SERIAL_ONLY = "serial_only"
    REGION_ONE_OFF = "region_one_off"
    SIMILAR = "similar"
    NIK_BIRTH_DATE_AGREES = "nik_birth_date_agrees"
    NIK_BIRTH_DATE_DIFFERS = "nik_birth_date_differs"
    DIFFERENT = "different"
    UNRELATED = "unrelated"
    MISSING = "missing"


# ---------------------------------------------------------------------------
# Prepared records: the normalised values every feature needs, computed once.
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreparedIdentity:
    """An identity record with the normalised values the features compare."""

    id: str
    normalized_name: str
    parsed_name: ParsedName
    name_key: str  # own name parts sorted and joined (no parent's name)
    parent_key: str  # parent's name parts (after bin/binti) sorted and joined, or ""
    birth_date: date | None
    sex: str | None
    nik: str | None
    nik_birth_date: date | None
    nik_sex: str | None
    birth_place: str | None
    passport_no: str | None
    address: str | None
    phone: str | None


_PLACE_PREFIX = re.compile(r"^(?:kota|kabupaten|kab|kotamadya|kodya|kec|kecamatan)\b\.?\s*")
_NON_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
_ADDRESS_ABBREVIATIONS = {
    "jl": "jalan",
    "jln": "jalan",
    "kp": "kampung",
    "kmp": "kampung",
    "ds": "desa",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "gg": "gang",
    "no": "nomor",
    "perum": "perumahan",
}


def _clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = _NON_ALPHANUMERIC.sub(" ", value.lower()).strip()
    return cleaned or None


def _normalize_place(value: str | None) -> str | None:
    cleaned = _clean_text(value)
    if cleaned is None:
        return None
    cleaned = _PLACE_PREFIX.sub("", cleaned).strip()
    return cleaned.replace(" ", "") or None


def _normalize_address(value: str | None) -> str | None:
    cleaned = _clean_text(value)
    if cleaned is None:
        return None
    tokens = [_ADDRESS_ABBREVIATIONS.get(token, token) for token in cleaned.split()]
    return " ".join(tokens) or None


def _normalize_identifier(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = _NON_ALPHANUMERIC.sub("", value.lower()).upper()
    return cleaned or None


def _normalize_phone_value(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    normalized = normalize_phone(value)
    if normalized is not None:
        return normalized
    digits = re.sub(r"\D", "", value)
    return digits or None


def prepare_identity(
    record: IdentityRecord,
    *,
    normalized_name: str | None = None,
    parsed_name: ParsedName | None = None,
) -> PreparedIdentity:
    """Normalise a record's fields once, so it can be compared many times cheaply.

    The screening index passes the ``normalized_name`` and ``parsed_name`` it keeps for an
    entry, so the name rules do not run again for every comparison.
    """
    if normalized_name is None:
        normalized_name = normalize_name(record.name)
    if parsed_name is None:
        parsed_name = parse_name(record.name)
    nik_digits = re.sub(r"\D", "", record.nik) if record.nik else ""
    nik_birth_date: date | None = None
    nik_sex: str | None = None
    if nik_digits and (record.birth_date is None or record.sex not in ("L", "P")):
        # The NIK's birth date and sex only count when the record does not state its own
        # (nik_matches_birth_date): parse it only then, it is the costly part of preparing.
        info, _problems = parse_nik(nik_digits)
        if info is not None:
            nik_birth_date = info.birth_date
            nik_sex = info.sex
    return PreparedIdentity(
        id=record.id,
        normalized_name=normalized_name,
        parsed_name=parsed_name,
        name_key=parsed_name.key,
        parent_key="".join(sorted(parsed_name.parent)),
        birth_date=record.birth_date,
        sex=record.sex if record.sex in ("L", "P") else None,
        nik=nik_digits or None,
        nik_birth_date=nik_birth_date,
        nik_sex=nik_sex,
        birth_place=_normalize_place(record.birth_place),
        passport_no=_normalize_identifier(record.passport_no),
        address=_normalize_address(record.address),
        phone=_normalize_phone_value(record.phone),
    )


# ---------------------------------------------------------------------------
# Feature functions. Each returns (level, similarity or None); the docstring's
# first line is what the feature asserts, in words an officer reads.
# ---------------------------------------------------------------------------

FeatureOutcome = tuple[Level, float | None]
FeatureFunction = Callable[[PreparedIdentity, PreparedIdentity], FeatureOutcome]

NAME_STRONG_SIMILARITY = 0.93
NAME_GOOD_SIMILARITY = 0.85
NAME_WEAK_SIMILARITY = 0.72
# Below this similarity two names share nothing worth the name (no part, no close spelling).
NAME_UNRELATED_SIMILARITY = 0.5
PLACE_SIMILAR_RATIO = 0.8
ADDRESS_SIMILAR_RATIO = 0.85


def _parsed_name_similarity(a: PreparedIdentity, b: PreparedIdentity) -> float:
    """:func:`benteng.core.names.name_similarity` on names parsed once (the index keeps the
    parsed names of its entries; parsing is the expensive part of a comparison)."""
    left, right = a.parsed_name, b.parsed_name
    if (left.key, a.normalized_name) > (right.key, b.normalized_name):
        left, right = right, left  # one fixed order keeps the greedy alignment symmetric
    return parsed_name_similarity(left, right, DEFAULT_RULES)


def name_matches(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Kedua catatan memberi nama yang sama atau mirip."""
    if not a.normalized_name or not b.normalized_name:
        return Level.MISSING, None
    same_parents = a.parent_key == b.parent_key or not a.parent_key or not b.parent_key
    if a.name_key == b.name_key and same_parents:
        return Level.EXACT, 1.0
    similarity = _parsed_name_similarity(a, b)
    contained = single_name_contained(a.parsed_name.tokens, b.parsed_name.tokens)
    if contained is not None:
        return contained, similarity
    if similarity >= NAME_STRONG_SIMILARITY:
        return Level.STRONG, similarity
    if similarity >= NAME_GOOD_SIMILARITY:
        return Level.GOOD, similarity
    if similarity >= NAME_WEAK_SIMILARITY:
        return Level.WEAK, similarity
    if similarity >= NAME_UNRELATED_SIMILARITY:
        return Level.DIFFERENT, similarity
    return Level.UNRELATED, similarity


def single_name_contained(tokens_a: Sequence[str], tokens_b: Sequence[str]) -> Level | None:
    """Whether one side gives a single name (a mononym, common in Java and Banten) that is
    one of the parts of the other side's fuller name, and which side: ``CONTAINED`` when
    ``a``'s one name is in ``b``'s, ``CONTAINS`` when ``b``'s one name is in ``a``'s, else
    ``None``. The two weigh apart: a listed one-word name ("Puji") is found inside many fuller
    names searched ("Puji Farida"), a one-word name searched says what it says."""
    if len(tokens_a) == 1 and len(tokens_b) > 1 and tokens_a[0] in tokens_b:
        return Level.CONTAINED
    if len(tokens_b) == 1 and len(tokens_a) > 1 and tokens_b[0] in tokens_a:
        return Level.CONTAINS
    return None


def _dates_differ_by_one_digit(a: date, b: date) -> bool:
    """YYYYMMDD differ in one digit, or by two neighbouring digits swapped."""
    return _one_character_off(
        f"{a.year:04d}{a.month:02d}{a.day:02d}", f"{b.year:04d}{b.month:02d}{b.day:02d}"
    )


def year_is_mistyped(year_a: int, year_b: int) -> bool:
    """Two years a clerk may have typed for one: one year or one decade apart (2006 for
    1996, the decade slipping across the century), or one digit apart (1985 for 1995; 1958
    for 1985 is not: that is two digits)."""
    return abs(year_a - year_b) in (1, 10) or _one_character_off(f"{year_a:04d}", f"{year_b:04d}")


def _birth_date_level(date_a: date, date_b: date) -> Level:
    if date_a == date_b:
        return Level.EXACT
    if date_a.year == date_b.year and date_a.day == date_b.month and date_a.month == date_b.day:
        return Level.SWAPPED_DAY_MONTH
    same_day = date_a.month == date_b.month and date_a.day == date_b.day
    if same_day and year_is_mistyped(date_a.year, date_b.year):
        return Level.YEAR_TYPO
    if _dates_differ_by_one_digit(date_a, date_b):
        return Level.TYPO
    if date_a.year == date_b.year:
        return Level.YEAR_ONLY
    return Level.DIFFERENT


def birth_date_matches(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Kedua catatan memberi tanggal lahir yang sama."""
    date_a = a.birth_date
    date_b = b.birth_date
    if date_a is None or date_b is None:
        return Level.MISSING, None
    return _birth_date_level(date_a, date_b), None


def sex_matches(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Kedua catatan memberi jenis kelamin yang sama."""
    sex_a = a.sex
    sex_b = b.sex
    if not sex_a or not sex_b:
        return Level.MISSING, None
    return (Level.EXACT if sex_a == sex_b else Level.DIFFERENT), None


def _one_character_off(a: str, b: str) -> bool:
    """One character replaced, added or dropped, or two neighbours swapped (a typing error)."""
    return bool(OSA.distance(a, b, score_cutoff=1) <= 1)


def _nik_derived_level(holder: PreparedIdentity, other: PreparedIdentity) -> Level:
    """Compare the NIK holder's encoded birth date and sex with the other's stated ones."""
    stated_date = other.birth_date
    if holder.nik_birth_date is None or stated_date is None:
        return Level.MISSING
    if holder.birth_date is not None:
        # The holder states a birth date too: birth_date_matches already counts the
        # date agreement, counting the NIK's copy again would count it twice.
        return Level.MISSING
    stated_sex = other.sex
    sex_agrees = stated_sex is None or holder.nik_sex is None or stated_sex == holder.nik_sex
    if holder.nik_birth_date == stated_date and sex_agrees:
        return Level.NIK_BIRTH_DATE_AGREES
    return Level.NIK_BIRTH_DATE_DIFFERS


NIK_REGION_END = 6  # digits 1-6: province, regency, kecamatan
NIK_SERIAL_START = 12  # digits 13-16: the serial of people of one sex born one day in one kecamatan


def nik_level(nik_a: str, nik_b: str) -> Level:
    """How two NIKs differ, by the part that differs.

    NIKs that differ only in the serial belong to two people of the same sex born on the
    same day in the same kecamatan far more often than to one person with a mistyped serial:
    that is a neighbour, not a typo (``serial_only``, weighed as "same kecamatan", since the
    birth date counts on its own). One digit apart in the region code with the birth date
    and the serial the same (``region_one_off``) is as often someone born the same day in a
    neighbouring kecamatan: serials are small numbers, most are 0001 to 0010. A
    one-character difference elsewhere (the birth date digits) is a typo.
    """
    if nik_a == nik_b:
        return Level.EXACT
    if (
        len(nik_a) == len(nik_b) > NIK_SERIAL_START
        and nik_a[:NIK_SERIAL_START] == nik_b[:NIK_SERIAL_START]
    ):
        return Level.SERIAL_ONLY
    if _one_character_off(nik_a, nik_b):
        if len(nik_a) == len(nik_b) and nik_a[NIK_REGION_END:] == nik_b[NIK_REGION_END:]:
            return Level.REGION_ONE_OFF
        return Level.ONE_CHARACTER_OFF
    return Level.DIFFERENT


def nik_matches(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Kedua catatan memberi NIK yang sama."""
    if a.nik is None or b.nik is None:
        return Level.MISSING, None
    return nik_level(a.nik, b.nik), None


def nik_matches_birth_date(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Tanggal lahir dan jenis kelamin dalam NIK satu catatan sesuai dengan catatan lain."""
    if a.nik is not None and b.nik is None:
        return _nik_derived_level(a, b), None
    if b.nik is not None and a.nik is None:
        return _nik_derived_level(b, a), None
    return Level.MISSING, None


def birth_place_matches(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Kedua catatan memberi tempat lahir yang sama."""
    if a.birth_place is None or b.birth_place is None:
        return Level.MISSING, None
    if a.birth_place == b.birth_place:
        return Level.EXACT, 1.0
    ratio = fuzz.ratio(a.birth_place, b.birth_place) / 100.0
    if ratio >= PLACE_SIMILAR_RATIO:
        return Level.SIMILAR, ratio
    return Level.DIFFERENT, ratio


def passport_number_matches(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Kedua catatan memberi nomor paspor yang sama."""
    if a.passport_no is None or b.passport_no is None:
        return Level.MISSING, None
    if a.passport_no == b.passport_no:
        return Level.EXACT, None
    if _one_character_off(a.passport_no, b.passport_no):
        return Level.ONE_CHARACTER_OFF, None
    return Level.DIFFERENT, None


def address_matches(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Kedua catatan memberi alamat yang sama atau mirip."""
    if a.address is None or b.address is None:
        return Level.MISSING, None
    if a.address == b.address:
        return Level.EXACT, 1.0
    ratio = fuzz.token_sort_ratio(a.address, b.address) / 100.0
    if ratio >= ADDRESS_SIMILAR_RATIO:
        return Level.SIMILAR, ratio
    return Level.DIFFERENT, ratio


def phone_matches(a: PreparedIdentity, b: PreparedIdentity) -> FeatureOutcome:
    """Kedua catatan memberi nomor telepon yang sama."""
    if a.phone is None or b.phone is None:
        return Level.MISSING, None
    if a.phone == b.phone:
        return Level.EXACT, None
    if _one_character_off(a.phone, b.phone):
        return Level.ONE_CHARACTER_OFF, None
    return Level.DIFFERENT, None


FEATURES: tuple[FeatureFunction, ...] = (
    name_matches,
    birth_date_matches,
    sex_matches,
    nik_matches,
    nik_matches_birth_date,
    birth_place_matches,
    passport_number_matches,
    address_matches,
    phone_matches,
)

FEATURE_DESCRIPTIONS_EN: Mapping[str, str] = {
    "name_matches": "The two records give the same or a similar name.",
    "birth_date_matches": "The two records give the same birth date.",
    "sex_matches": "The two records give the same sex.",
    "nik_matches": "The two records give the same NIK.",
    "nik_matches_birth_date": (
        "The birth date and sex encoded in one record's NIK agree with the other record."
    ),
    "birth_place_matches": "The two records give the same birth place.",
    "passport_number_matches": "The two records give the same passport number.",
    "address_matches": "The two records give the same or a similar address.",
    "phone_matches": "The two records give the same phone number.",
}

_FIELD_LABELS: Mapping[str, tuple[str, str]] = {
    "name_matches": ("Nama", "Name"),
    "birth_date_matches": ("Tanggal lahir", "Birth date"),
    "sex_matches": ("Jenis kelamin", "Sex"),
    "nik_matches": ("NIK", "NIK"),
    "nik_matches_birth_date": ("NIK dan tanggal lahir", "NIK and birth date"),
    "birth_place_matches": ("Tempat lahir", "Birth place"),
    "passport_number_matches": ("Nomor paspor", "Passport number"),
    "address_matches": ("Alamat", "Address"),
    "phone_matches": ("Nomor telepon", "Phone number"),
}

_LEVEL_WORDS: Mapping[Level, tuple[str, str]] = {
    Level.EXACT: ("sama", "same"),
    Level.STRONG: ("sangat mirip", "very similar"),
    Level.GOOD: ("mirip", "similar"),
    Level.CONTAINED: (
        "yang dicari satu kata, bagian dari nama lengkap catatan ini",
        "searched is one word, part of this record's full name",
    ),
    Level.CONTAINS: (
        "catatan ini satu kata, bagian dari nama lengkap yang dicari",
        "of this record is one word, part of the full name searched",
    ),
    Level.WEAK: ("agak mirip", "somewhat similar"),
    Level.SWAPPED_DAY_MONTH: (
        "sama dengan hari dan bulan tertukar",
        "same with day and month swapped",
    ),
    Level.TYPO: ("berbeda satu angka (salah ketik?)", "one digit apart (a typing error?)"),
    Level.YEAR_TYPO: (
        "sama kecuali tahun yang berbeda satu angka atau satu tahun (salah ketik?)",
        "same but for a year one digit or one year apart (a typing error?)",
    ),
    Level.SERIAL_ONLY: (
        "hanya nomor urutnya berbeda: wilayah dan tanggal lahir sama, bisa orang lain",
        "differs only in the serial: same region and birth date, possibly another person",
    ),
    Level.UNRELATED: ("sama sekali berbeda", "entirely different"),
    Level.REGION_ONE_OFF: (
        "berbeda satu angka pada kode wilayah: tanggal lahir dan nomor urut sama, bisa orang lain",
        "one digit apart in the region code: same birth date and serial, possibly another person",
    ),
    Level.YEAR_ONLY: ("hanya tahunnya sama", "same year only"),
    Level.ONE_CHARACTER_OFF: (
        "berbeda satu karakter (salah ketik?)",
        "one character apart (a typing error?)",
    ),
    Level.SIMILAR: ("mirip", "similar"),
    Level.NIK_BIRTH_DATE_AGREES: ("sesuai", "agree"),
    Level.NIK_BIRTH_DATE_DIFFERS: ("tidak sesuai", "disagree"),
    Level.DIFFERENT: ("berbeda", "different"),
    Level.MISSING: ("tidak ada di salah satu catatan", "missing from one of the records"),
}


# ---------------------------------------------------------------------------
# Parameters: m/u per feature level, and the prior.
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelParameters:
    """m: share of same-person pairs at this level; u: share of different-people pairs."""

    m: float
    u: float

    @property
    def weight(self) -> float:
        """Evidence in bits: log2(m / u)."""
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class ComparisonParameters:
    """The calibration: a prior match weight and m/u for every feature level."""

    prior_match_weight: float
    levels: Mapping[str, Mapping[Level, LevelParameters]]
    level_weights: dict[tuple[str, Level], float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weights: dict[tuple[str, Level], float] = {}
        for feature_name, feature_levels in self.levels.items():
            for level, parameters in feature_levels.items():
                if not (0.0 < parameters.m <= 1.0 and 0.0 < parameters.u <= 1.0):
                    raise ValueError(f"m and u must be in (0, 1]: {feature_name}/{level}")
                weights[(feature_name, Level(level))] = parameters.weight
        object.__setattr__(self, "level_weights", weights)

    def weight(self, feature_name: str, level: Level) -> float:
        """The bits a feature level adds; 0 for a missing field or an unknown level."""
        if level is Level.MISSING:
            return 0.0
        return self.level_weights.get((feature_name, level), 0.0)

    def to_json(self) -> str:
        return json.dumps(
            {
                "prior_match_weight": self.prior_match_weight,
                "levels": {
                    feature_name: {
                        str(level): {"m": parameters.m, "u": parameters.u}
                        for level, parameters in feature_levels.items()
                    }
                    for feature_name, feature_levels in self.levels.items()
                },
            },
            indent=2,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ComparisonParameters:
        """The parameters saved by :meth:`to_json`. A level added since the file was written
        takes its default m and u (a file of before the "contained" name level was split by
        direction has no "contains")."""
        data = json.loads(text)
        levels: dict[str, dict[Level, LevelParameters]] = {
            feature_name: {
                Level(level): LevelParameters(m=float(values["m"]), u=float(values["u"]))
                for level, values in feature_levels.items()
            }
            for feature_name, feature_levels in data["levels"].items()
        }
        for feature_name, default_levels in DEFAULT_PARAMETERS.levels.items():
            saved = levels.get(feature_name)
            if saved is None:
                continue
            for level, default in default_levels.items():
                saved.setdefault(level, default)
        return cls(prior_match_weight=float(data["prior_match_weight"]), levels=levels)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ComparisonParameters:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _levels(**values: tuple[float, float]) -> dict[Level, LevelParameters]:
    return {Level(name): LevelParameters(m=m, u=u) for name, (m, u) in values.items()}


# Estimated with estimate_parameters() on the Indonesian synthetic benchmark (200,000 people
# with one variant each, 1,000,000 random pairs of different people, seed 20261127; run
# `bench/bench_screening.py --estimate`), rounded to three significant digits. Another
# random-pair sample moves the rarest levels (identical address, swapped or mistyped birth
# date) by up to half a bit. Levels the
# generator never produces keep the documented judgement values (see docs/core-screening.md):
# NIK "different", the NIK/birth-date cross-check, and m of birth place, passport, address and
# phone, which the generator drops but never alters. u of an identical phone number is set
# to 1e-6 rather than the identifier floor 1e-8: families share one phone. u of "one
# character off" is 100 times u of "identical" for identifiers (each number has about a
# hundred one-typo neighbours). The levels added for issue 12 (names that share nothing,
# a mistyped birth year, a NIK differing only in its serial) were counted the same way on
# 40,000 synthetic people; u of "serial only" is a judgement: about one random pair in a
# hundred shares a kecamatan, and the birth date the NIK repeats is counted by
# birth_date_matches already. The prior, -20 bits, is log2 of one in
# TERM_FREQUENCY_POPULATION: one entry in a list of a million is the person screened, the
# list size identical names are weighed against (bench/bench_identity.py reports the fit on
# the synthetic benchmark and on the independent one).
DEFAULT_PARAMETERS = ComparisonParameters(
    prior_match_weight=-20.0,
    levels={
        "name_matches": _levels(
            exact=(0.594, 1.43e-4),
            strong=(0.176, 4.30e-5),
            good=(0.202, 9.55e-4),
            contained=(0.03, 1e-3),
            contains=(0.01, 1e-3),
            weak=(0.0178, 1.61e-3),
            different=(0.00765, 6.67e-3),
            unrelated=(0.00245, 0.991),
        ),
        "birth_date_matches": _levels(
            exact=(0.921, 8.60e-5),
            swapped_day_month=(0.0184, 2.70e-5),
            year_typo=(0.0184, 8.28e-4),
            typo=(0.01, 1.53e-3),
            year_only=(0.0400, 0.0318),
            different=(0.00339, 0.966),
        ),
        "sex_matches": _levels(exact=(0.97, 0.5), different=(0.03, 0.5)),
        "nik_matches": _levels(
            exact=(0.901, 1e-8),
            one_character_off=(0.0393, 1e-6),
            serial_only=(0.03, 0.01),
            region_one_off=(0.015, 0.01),
            different=(0.06, 1.0),
        ),
        "nik_matches_birth_date": _levels(
            nik_birth_date_agrees=(0.9, 5e-5),
            nik_birth_date_differs=(0.1, 1.0),
        ),
        "birth_place_matches": _levels(
            exact=(0.8, 0.139),
            similar=(0.1, 0.0174),
            different=(0.1, 0.86),
        ),
        "passport_number_matches": _levels(
            exact=(0.8, 1e-8),
            one_character_off=(0.05, 1e-6),
            different=(0.15, 1.0),
        ),
        "address_matches": _levels(
            exact=(0.5, 3.10e-5),
            similar=(0.2, 8.30e-4),
            different=(0.3, 0.999),
        ),
        "phone_matches": _levels(
            exact=(0.6, 1e-6),
            one_character_off=(0.03, 1e-5),
            different=(0.37, 1.0),
        ),
    },
)


# ---------------------------------------------------------------------------
# Results.
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """One feature's verdict: its level, the bits it adds, and why, in both languages."""

    feature: str
    level: Level
    weight: float
    similarity: float | None = None

    @property
    def description_id(self) -> str:
        function = _FEATURES_BY_NAME[self.feature]
        return (function.__doc__ or "").strip().split("\n")[0]

    @property
    def description_en(self) -> str:
        return FEATURE_DESCRIPTIONS_EN[self.feature]

    def _detail(self, language_index: int) -> str:
        label = _FIELD_LABELS[self.feature][language_index]
        words = _LEVEL_WORDS[self.level][language_index]
        text = f"{label} {words}"
        if self.similarity is not None and self.level not in (Level.EXACT, Level.MISSING):
            similarity = f"{self.similarity:.2f}"
            if language_index == 0:
                text += f" (kemiripan {similarity.replace('.', ',')})"
            else:
                text += f" (similarity {similarity})"
        if self.level is not Level.MISSING:
            sign = "+" if self.weight >= 0 else "−"
            text += f" [{sign}{abs(self.weight):.1f} bit]"
        return text

    @property
    def detail_id(self) -> str:
        """Explanation in Bahasa Indonesia, e.g. "Tanggal lahir sama [+14.1 bit]"."""
        return self._detail(0)

    @property
    def detail_en(self) -> str:
        """Explanation in English, e.g. "Birth date same [+14.1 bit]"."""
        return self._detail(1)


# The name levels that say "the name may be the same": identical, a close spelling, one word
# of the other's name.
NAME_AGREEMENT_LEVELS = frozenset(
    {Level.EXACT, Level.STRONG, Level.GOOD, Level.CONTAINED, Level.CONTAINS}
)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A score in [0, 1], the evidence in bits, and every feature's verdict."""

    score: float
    match_weight: float
    features: tuple[FeatureResult, ...]

    @property
    def only_a_name(self) -> bool:
        """The two records agree on the name (the same, a close spelling, or one word of
        it) and have nothing else to compare but the sex: every other field is missing
        from one of them. The score then says how rare the name is in the list, and no more:
        a namesake scores the same as the person."""
        agrees_on_name = False
        for result in self.features:
            if result.feature == "name_matches":
                agrees_on_name = result.level in NAME_AGREEMENT_LEVELS
            elif result.feature != "sex_matches" and result.level is not Level.MISSING:
                return False
        return agrees_on_name

    def reasons(self, *, language: str = "id", include_missing: bool = False) -> str:
        """The feature details joined with "; ", strongest evidence first."""
        shown = [
            result
            for result in self.features
            if include_missing or result.level is not Level.MISSING
        ]
        shown.sort(key=lambda result: -abs(result.weight))
        if language == "en":
            return "; ".join(result.detail_en for result in shown)
        return "; ".join(result.detail_id for result in shown)


_NAMED_FEATURES = tuple((function, function.__name__) for function in FEATURES)
_FEATURES_BY_NAME: Mapping[str, FeatureFunction] = {
    function.__name__: function for function in FEATURES
}


def match_weight_to_score(match_weight: float) -> float:
    """Turn evidence in bits into a probability: 1 / (1 + 2^-w)."""
    if match_weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -match_weight))
    odds = math.pow(2.0, match_weight)
    return odds / (1.0 + odds)


def score_to_match_weight(score: float) -> float:
    """The inverse of :func:`match_weight_to_score` (for thresholds)."""
    if score <= 0.0:
        return -math.inf
    if score >= 1.0:
        return math.inf
    return math.log2(score / (1.0 - score))


def feature_levels(a: PreparedIdentity, b: PreparedIdentity) -> list[FeatureOutcome]:
    """Each feature's (level, similarity), in the order of ``FEATURES``."""
    return [feature(a, b) for feature in FEATURES]


# The list size term frequencies are counted against when a list is smaller: the fixed prior
# (-20 bits) is that of a list of this size, so a name unique in a list of 20,000 weighs what
# it would weigh in a list of a million, never more.
TERM_FREQUENCY_POPULATION = 1_000_000


# The name levels whose weight follows the frequency of the name in the list: an identical
# name and a mononym by how many entries carry that name (part), a close spelling by how many
# carry a name that sounds the same (its phonetic key).
FREQUENCY_WEIGHED_NAME_LEVELS = frozenset(
    {Level.EXACT, Level.CONTAINED, Level.CONTAINS, Level.STRONG, Level.GOOD}
)
# Close spellings are weighed against the frequency the way Splink adjusts fuzzy levels: the
# level's average weight, moved by how much rarer (or commoner) than an average identical
# name this one is.
_SPELLING_LEVELS = frozenset({Level.STRONG, Level.GOOD})


def frequent_name_weight(
    parameters: ComparisonParameters, level: Level, name_share: float
) -> float:
    """The bits of a name agreement that ``name_share`` of the list's entries would show:
    the term-frequency adjustment of Fellegi-Sunter, as in Splink.

    For an identical name, or a single name contained in a fuller one, ``u`` is how often a
    random entry agrees with this very name, not the average over all names. A close
    spelling (``strong``, ``good``) keeps its level's average weight, moved by
    ``log2(u_exact / name_share)``: ``name_share`` is then the share of entries whose name
    sounds the same, and ``u_exact`` the average share of an identical name.
    """
    levels = parameters.levels["name_matches"]
    if level in _SPELLING_LEVELS:
        return parameters.weight("name_matches", level) + math.log2(
            levels[Level.EXACT].u / name_share
        )
    return math.log2(levels[level].m / name_share)


def compare_prepared(
    a: PreparedIdentity,
    b: PreparedIdentity,
    *,
    parameters: ComparisonParameters = DEFAULT_PARAMETERS,
    name_share: float | None = None,
    name_outcome: FeatureOutcome | None = None,
) -> Comparison:
    """Compare two prepared records (see :func:`prepare_identity`).

    ``name_share``, when given, is the share of the list's entries whose name agrees with
    ``a``'s at the level the names show (see :meth:`benteng.core.index.ScreeningIndex.
    name_share`): an identical or contained name then weighs :func:`frequent_name_weight`
    instead of the average weight of that level. ``name_outcome`` is
    :func:`name_matches` of the pair when the caller has it already (the costly feature).
    """
    results: list[FeatureResult] = []
    total = parameters.prior_match_weight
    weights = parameters.level_weights
    for feature, feature_name in _NAMED_FEATURES:
        if name_outcome is not None and feature is name_matches:
            level, similarity = name_outcome
        else:
            level, similarity = feature(a, b)
        weight = weights.get((feature_name, level), 0.0)
        if (
            name_share is not None
            and level in FREQUENCY_WEIGHED_NAME_LEVELS
            and feature is name_matches
        ):
            weight = frequent_name_weight(parameters, level, name_share)
        total += weight
        results.append(FeatureResult(feature_name, level, weight, similarity))
    return Comparison(
        score=match_weight_to_score(total), match_weight=total, features=tuple(results)
    )


def compare_identities(
    a: IdentityRecord,
    b: IdentityRecord,
    *,
    parameters: ComparisonParameters = DEFAULT_PARAMETERS,
) -> Comparison:
    """Compare two identity records: a calibrated score with a per-feature explanation."""
    return compare_prepared(prepare_identity(a), prepare_identity(b), parameters=parameters)


# ---------------------------------------------------------------------------
# Estimation from data with ground truth.
# ---------------------------------------------------------------------------


def _count_levels(
    pairs: Iterable[tuple[PreparedIdentity, PreparedIdentity]],
) -> tuple[dict[str, Counter[Level]], int]:
    counts: dict[str, Counter[Level]] = {feature.__name__: Counter() for feature in FEATURES}
    total = 0
    for a, b in pairs:
        total += 1
        for feature in FEATURES:
            level, _similarity = feature(a, b)
            if level is not Level.MISSING:
                counts[feature.__name__][level] += 1
    return counts, total


# Levels from the strongest agreement to disagreement: a weaker level never weighs more.
LEVEL_ORDER: Mapping[str, tuple[Level, ...]] = {
    "name_matches": (
        Level.EXACT,
        Level.STRONG,
        Level.GOOD,
        Level.CONTAINED,
        Level.CONTAINS,
        Level.WEAK,
        Level.DIFFERENT,
        Level.UNRELATED,
    ),
    "birth_date_matches": (Level.EXACT, Level.SWAPPED_DAY_MONTH, Level.YEAR_ONLY, Level.DIFFERENT),
    "nik_matches": (
        Level.EXACT,
        Level.ONE_CHARACTER_OFF,
        Level.SERIAL_ONLY,
        Level.REGION_ONE_OFF,
        Level.DIFFERENT,
    ),
    "birth_place_matches": (Level.EXACT, Level.SIMILAR, Level.DIFFERENT),
    "passport_number_matches": (Level.EXACT, Level.ONE_CHARACTER_OFF, Level.DIFFERENT),
    "address_matches": (Level.EXACT, Level.SIMILAR, Level.DIFFERENT),
    "phone_matches": (Level.EXACT, Level.ONE_CHARACTER_OFF, Level.DIFFERENT),
}


def _make_monotone(
    feature_name: str, m_values: dict[Level, float], u_values: dict[Level, float]
) -> None:
    """Raise ``u`` of a weaker level whose weight exceeds a stronger level's, so it equals it.

    Random pairs rarely show "almost the same name" (it needs a near namesake) but often show
    "the same name" (namesakes are common), so raw estimates can weigh a near match above an
    exact one, which no officer would accept. The typing-error level of birth dates is left
    out of the order: it is not weaker than a swap, only different.
    """
    strongest = math.inf
    for level in LEVEL_ORDER.get(feature_name, ()):
        if level not in m_values:
            continue
        weight = math.log2(m_values[level] / u_values[level])
        if weight > strongest:
            u_values[level] = m_values[level] / 2.0**strongest
            weight = strongest
        strongest = weight


def _level_shares(
    counts: Mapping[Level, float], base_values: Mapping[Level, float], minimum_count: float
) -> dict[Level, float]:
    """Shares of the levels seen at least ``minimum_count`` times; the others keep their
    base value and the levels seen share the rest."""
    estimated = {
        level: counts.get(level, 0.0)
        for level in base_values
        if counts.get(level, 0.0) >= minimum_count
    }
    if not estimated:
        return dict(base_values)
    kept_mass = sum(value for level, value in base_values.items() if level not in estimated)
    remaining = max(1.0 - kept_mass, 1e-6)
    total = sum(estimated.values())
    return {
        level: remaining * estimated[level] / total if level in estimated else value
        for level, value in base_values.items()
    }


def estimate_parameters(
    matching_pairs: Sequence[tuple[IdentityRecord, IdentityRecord]],
    records: Sequence[IdentityRecord],
    *,
    non_matching_pair_count: int = 200_000,
    prior_match_weight: float | None = None,
    minimum_count: int = 20,
    fixed_m: Collection[str] = (),
    seed: int = 0,
    base: ComparisonParameters = DEFAULT_PARAMETERS,
) -> ComparisonParameters:
    """Estimate m and u from data with ground truth.

    ``m`` is counted on ``matching_pairs`` (two records known to be the same person); ``u``
    on random pairs drawn from ``records`` whose ids differ (different people, as long as
    ``records`` holds one record per person). Missing fields are not counted: the shares
    are of pairs where both fields are present.

    A level seen fewer than ``minimum_count`` times keeps its value from ``base`` (a sample
    cannot resolve it: levels that random pairs almost never show, such as an identical NIK,
    keep a small documented ``u`` instead of zero) and the levels that were seen share the
    rest. Features named in ``fixed_m`` keep ``base``'s ``m``: use it for fields the data
    never varies between records of one person (a generator that only drops a passport
    number would teach ``m = 1`` for "same passport number").
    """
    if len(records) < 2:
        raise ValueError("need at least two records to draw different-people pairs")
    generator = random.Random(seed)  # noqa: S311 -- sampling pairs, not a secret
    prepared = [prepare_identity(record) for record in records]
    matching = [(prepare_identity(a), prepare_identity(b)) for a, b in matching_pairs]

    def random_pairs() -> Iterable[tuple[PreparedIdentity, PreparedIdentity]]:
        drawn = 0
        while drawn < non_matching_pair_count:
            a, b = generator.sample(prepared, 2)
            if a.id != b.id:
                drawn += 1
                yield a, b

    m_counts, _ = _count_levels(matching)
    u_counts, _ = _count_levels(random_pairs())

    def distribution(
        counts: Mapping[Level, float], base_values: Mapping[Level, float]
    ) -> dict[Level, float]:
        return _level_shares(counts, base_values, minimum_count)

    levels: dict[str, dict[Level, LevelParameters]] = {}
    for feature_name, base_levels in base.levels.items():
        base_m = {level: parameters.m for level, parameters in base_levels.items()}
        base_u = {level: parameters.u for level, parameters in base_levels.items()}
        m_values = (
            base_m if feature_name in fixed_m else distribution(m_counts[feature_name], base_m)
        )
        u_values = distribution(u_counts[feature_name], base_u)
        _make_monotone(feature_name, m_values, u_values)
        levels[feature_name] = {
            level: LevelParameters(m=m_values[level], u=u_values[level]) for level in base_levels
        }
    return ComparisonParameters(
        prior_match_weight=base.prior_match_weight
        if prior_match_weight is None
        else prior_match_weight,
        levels=levels,
    )


# ---------------------------------------------------------------------------
# Estimation without ground truth: EM on the unlabelled candidate pairs of a list.
# ---------------------------------------------------------------------------

# Features whose m the EM leaves at its judgement value: lists (and both benchmark
# generators) rarely hold a birth place, passport, address or phone *altered* between two
# records of one person, only left out, so the data would teach "never differs" (m of
# "different" near 0) and a clerk's typing error would weigh as strong evidence against.
JUDGED_M_FEATURES = frozenset(
    {"birth_place_matches", "passport_number_matches", "address_matches", "phone_matches"}
)
# Below this many expected same-person pairs in an EM session its m is not trusted and the
# starting m is kept (a list without duplicates, a handful of screenings).
EM_MINIMUM_MATCHES = 100.0
# The starting m counts as this many same-person pairs (a Dirichlet prior): a level the
# same-person pairs never show keeps a small m instead of zero.
EM_PRIOR_PAIRS = 20.0
# The two EM sessions, as Splink trains with two blocking rules: the pairs whose names
# agree (the level is one of these) teach every m but the name's; the pairs whose birth
# dates agree teach the name's. A field the pairs were chosen by cannot teach its own m:
# among pairs chosen for agreeing names, names agree whether or not they are one person.
_NAME_SESSION_LEVELS = frozenset(
    {Level.EXACT, Level.STRONG, Level.GOOD, Level.CONTAINED, Level.CONTAINS}
)
_DATE_SESSION_LEVELS = frozenset({Level.EXACT})


@dataclass(frozen=True, slots=True)
class EmSession:
    """One EM run: the pairs it was given, what it found, and whether its m was kept."""

    name: str  # "name agrees" (teaches all m but the name's) or "birth date agrees"
    pairs: int
    match_share: float  # the share of its pairs it judged the same person (lambda)
    expected_matches: float  # match_share * pairs
    iterations: int
    estimated: bool  # False: fewer than EM_MINIMUM_MATCHES same-person pairs, m kept


@dataclass(frozen=True, slots=True)
class EmEstimate:
    """What :func:`estimate_parameters_em` found, with the parameters it made."""

    parameters: ComparisonParameters
    pairs: int  # candidate pairs given
    random_pairs: int  # random pairs u was counted on
    sessions: tuple[EmSession, ...]

    @property
    def estimated_m(self) -> bool:
        """Whether any m was estimated (else all are the starting ones)."""
        return any(session.estimated for session in self.sessions)


def _em_session(
    codes: np.ndarray,
    rows: np.ndarray,
    held_out: int,
    estimated: Collection[int],
    start: Sequence[np.ndarray],
    u_start: Sequence[np.ndarray],
    *,
    prior_pairs: float,
    max_iterations: int,
    tolerance: float,
) -> tuple[dict[int, np.ndarray], float, int]:
    """Two-class EM on ``codes[rows]`` with column ``held_out`` left out of the evidence,
    starting from m ``start`` and u ``u_start``: the m of the ``estimated`` columns, the
    share of same-person pairs, the iterations."""
    codes = codes[rows]
    present = codes >= 0
    pair_count, columns = codes.shape
    used = [column for column in range(columns) if column != held_out]
    m_values = {column: start[column].copy() for column in used}
    # The first judgement is the screening's own (the starting m, u of random pairs); then
    # u is that of the different people among these pairs.
    u_values = {column: u_start[column] for column in used}
    share = 0.5
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 -- reported
        log_odds = np.full(pair_count, math.log(share / (1.0 - share)))
        for column in used:
            selected = present[:, column]
            level_odds = np.log(m_values[column]) - np.log(u_values[column])
            log_odds[selected] += level_odds[codes[selected, column]]
        probability = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700.0, 700.0)))
        change = 0.0
        for column in used:
            selected = present[:, column]
            levels = codes[selected, column]
            size = len(start[column])
            same = np.bincount(levels, weights=probability[selected], minlength=size)
            other = np.bincount(levels, weights=1.0 - probability[selected], minlength=size)
            if column in estimated:
                updated = (same + prior_pairs * start[column]) / (same.sum() + prior_pairs)
                change = max(change, float(np.abs(updated - m_values[column]).max()))
                m_values[column] = updated
            u_values[column] = (other + 0.5) / (other.sum() + 0.5 * size)
        share = min(max(float(probability.mean()), 1e-9), 1.0 - 1e-9)
        if change < tolerance:
            break
    return {column: m_values[column] for column in estimated}, share, iterations


def estimate_parameters_em(
    candidate_levels: Sequence[Sequence[Level]],
    random_levels: Sequence[Sequence[Level]] = (),
    *,
    base: ComparisonParameters = DEFAULT_PARAMETERS,
    judged_m: Collection[str] = JUDGED_M_FEATURES,
    minimum_matches: float = EM_MINIMUM_MATCHES,
    prior_pairs: float = EM_PRIOR_PAIRS,
    minimum_count: int = 20,
    max_iterations: int = 200,
    tolerance: float = 1e-5,
) -> EmEstimate:
    """Estimate m by expectation-maximisation on unlabelled pairs, and u on random pairs.

    ``candidate_levels`` are the feature levels (in the order of ``FEATURES``) of the pairs
    a screening index finds as candidates: some are the same person, most are not, and
    nobody says which. As Splink trains, two classes are fitted: each pair is "same person"
    with a probability computed from the current m, u and share of matches, then m, u and
    that share are recounted with those probabilities as weights, until they settle.

    Two sessions, as Splink trains with two blocking rules: on the pairs whose names agree
    (identical, close or contained) the name is left out of the evidence and every other m
    is estimated; on the pairs whose birth dates agree the birth date is left out and the
    name's m is estimated. A field the pairs were chosen by says nothing there, and leaving
    it out keeps a kind of lookalike the two classes cannot hold (people born the same day
    in the same kecamatan with unrelated names, namesakes born another day) from being
    taken for the same person.

    The u the EM fits is that of different people *within a session's pairs*; it serves
    only the EM. The u returned is counted on ``random_levels``, random pairs of the list's
    entries (different people), with the levels seen fewer than ``minimum_count`` times
    keeping ``base``'s value, as in :func:`estimate_parameters`.

    ``base`` is the starting point and the fallback: its m starts the EM and counts as
    ``prior_pairs`` same-person pairs; a session finding fewer than ``minimum_matches``
    same-person pairs keeps the m of ``base``. Features in ``judged_m`` keep ``base``'s m
    in any case (see ``JUDGED_M_FEATURES``).
    """
    names = [function.__name__ for function in FEATURES]
    known = [list(base.levels[name]) for name in names]
    positions = [{level: number for number, level in enumerate(levels)} for levels in known]
    start = [
        np.array([base.levels[name][level].m for level in levels])
        for name, levels in zip(names, known, strict=True)
    ]
    base_u = [
        {level: base.levels[name][level].u for level in levels}
        for name, levels in zip(names, known, strict=True)
    ]
    random_counts: list[Counter[Level]] = [Counter() for _ in names]
    for vector in random_levels:
        for counts, level in zip(random_counts, vector, strict=True):
            if level is not Level.MISSING:
                counts[level] += 1
    u_random = [
        _level_shares(counts, values, minimum_count)
        for counts, values in zip(random_counts, base_u, strict=True)
    ]

    u_start = [
        np.array([shares[level] for level in levels])
        for shares, levels in zip(u_random, known, strict=True)
    ]
    m_values = [values.copy() for values in start]
    sessions: list[EmSession] = []
    pair_count = len(candidate_levels)
    codes = np.array(
        [
            [codes.get(level, -1) for codes, level in zip(positions, vector, strict=True)]
            for vector in candidate_levels
        ],
        dtype=np.int64,
    ).reshape(pair_count, len(names))
    name_column = names.index("name_matches")
    date_column = names.index("birth_date_matches")
    judged = {column for column, name in enumerate(names) if name in judged_m}
    plans = (
        (
            "name agrees",
            name_column,
            _NAME_SESSION_LEVELS,
            [c for c in range(len(names)) if c not in judged and c != name_column],
        ),
        ("birth date agrees", date_column, _DATE_SESSION_LEVELS, [name_column]),
    )
    for session_name, column, agreeing, estimated in plans:
        wanted = np.array(
            [positions[column][level] for level in agreeing if level in positions[column]]
        )
        rows = np.isin(codes[:, column], wanted) if pair_count else np.zeros(0, dtype=bool)
        size = int(rows.sum())
        fitted: dict[int, np.ndarray] = {}
        share, iterations = 0.0, 0
        if size:
            fitted, share, iterations = _em_session(
                codes,
                rows,
                column,
                estimated,
                start,
                u_start,
                prior_pairs=prior_pairs,
                max_iterations=max_iterations,
                tolerance=tolerance,
            )
        expected = share * size
        trusted = expected >= minimum_matches
        if trusted:
            for fitted_column, values in fitted.items():
                m_values[fitted_column] = values
        sessions.append(EmSession(session_name, size, share, expected, iterations, trusted))

    levels: dict[str, dict[Level, LevelParameters]] = {}
    for column, name in enumerate(names):
        m_by_level = {
            level: min(max(float(m_values[column][number]), 1e-9), 1.0)
            for number, level in enumerate(known[column])
        }
        u_by_level = dict(u_random[column])
        _make_monotone(name, m_by_level, u_by_level)
        levels[name] = {
            level: LevelParameters(m=m_by_level[level], u=min(u_by_level[level], 1.0))
            for level in known[column]
        }
    return EmEstimate(
        parameters=ComparisonParameters(prior_match_weight=base.prior_match_weight, levels=levels),
        pairs=pair_count,
        random_pairs=len(random_levels),
        sessions=tuple(sessions),
    )
