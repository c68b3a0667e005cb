"""Screening index: who in a watchlist may be this person?

A :class:`ScreeningIndex` holds 10 to 1,000,000 watchlist entries and answers a query in
about a millisecond on one core. It works in two stages:

1. **Candidates by blocking keys.** Every entry is filed under several keys: its NIK, the
   first 12 NIK digits (region and birth date), passport number and phone; its
   order-insensitive name key; each phonetic name token alone and with the birth year; each
   pair of phonetic name tokens; its birth date. A query looks up the same keys (plus its
   birth date with day and month swapped and the birth date inside its NIK). Keys shared by
   too many entries are dropped at build time (frequency caps), so "siti", "nur" or
   "muhammad" alone never pull in a hundred thousand candidates; the token pairs and token +
   birth year keys still find those people.
2. **Scoring.** Candidates are ranked by the evidence of the keys they share and their
   birth date, sex, birth place and address agreement (vectorised with numpy); the best
   ``shortlist_limit`` get a cheap name similarity (rapidfuzz); the best
   ``candidate_limit`` are compared in full with
   :func:`benteng.core.compare.compare_prepared`, which gives the calibrated score and the
   explanation. When a threshold is given, a candidate is compared in full only if it can
   reach it: every feature but the name is decided first, exactly as the comparison decides
   it, with the name counted at its best weight; a candidate below the threshold even so is
   dropped, and so is one below it once its name level is known. The full comparison would
   drop them too, so the results are the same; most candidates of a screening are namesakes
   born on another day or with another NIK, and never reach the costly part (parsing the
   entry's name, aligning the name parts, the explanation).

Storage is columnar (numpy arrays and lists of normalised strings) and the key postings are
a compressed sparse layout (sorted 64-bit key hashes, offsets, entry slots), so a million
entries fit in well under 2 GB and save/load as one ``.npz`` file without pickle.

Changes without a rebuild: :meth:`ScreeningIndex.add`, :meth:`~ScreeningIndex.update` and
:meth:`~ScreeningIndex.remove` write to a small overlay (new postings in a dict, removed
entries marked dead); :meth:`~ScreeningIndex.compact` folds the overlay into the arrays.

Thread safety: any number of threads may call :meth:`~ScreeningIndex.search` while one
thread writes. Writers take an internal lock (so concurrent writers are serialised). A write
fills an entry's columns before publishing its postings; arrays grow by copy-and-swap;
compaction swaps in a new posting table (arrays and overlay together) in one assignment.
So a reader never sees a half-written entry: it sees each entry as before or as after the
write. During an :meth:`~ScreeningIndex.update` a reader may briefly find both versions;
results are de-duplicated by entry id.
"""

from __future__ import annotations

import gc
import random
import threading
import zlib
from array import array
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from benteng.core.compare import (
    ADDRESS_SIMILAR_RATIO,
    DEFAULT_PARAMETERS,
    NAME_GOOD_SIMILARITY,
    NAME_STRONG_SIMILARITY,
    NAME_UNRELATED_SIMILARITY,
    NAME_WEAK_SIMILARITY,
    PLACE_SIMILAR_RATIO,
    TERM_FREQUENCY_POPULATION,
    Comparison,
    ComparisonParameters,
    EmEstimate,
    Level,
    PreparedIdentity,
    compare_prepared,
    estimate_parameters_em,
    feature_levels,
    frequent_name_weight,
    name_matches,
    nik_level,
    prepare_identity,
    score_to_match_weight,
    year_is_mistyped,
)
from benteng.core.names import PARENT_MARKER, ParsedName, parsed_from_normalized, phonetic_tokens
from benteng.core.records import IdentityRecord

__all__ = [
    "DEFAULT_THRESHOLD",
    "INDEX_FORMAT",
    "POSSIBLE_MATCH_FLOOR",
    "Candidate",
    "ScreeningIndex",
    "possible_match_reasons",
    "possible_matches",
]

INDEX_FORMAT = "benteng-screening-index-1"
# A list this large has its m and u estimated when the index is built (fit_parameters); a
# smaller one keeps the parameters it was given: too few pairs to count on.
FIT_MINIMUM_ENTRIES = 5_000
# How many of the list's entries (or of the screenings given) the EM looks for candidates
# of, and how many random pairs of entries u is counted on.
FIT_SAMPLE = 2_000
FIT_RANDOM_PAIRS = 50_000
# The score at which a candidate is reported by default (see docs/core-screening.md for how
# it was chosen on the benchmark).
DEFAULT_THRESHOLD = 0.5
# Below the threshold, a candidate that shares only a name with the person screened (see
# Comparison.only_a_name) is a "possible match -- check" from this score on: at least one
# chance in ten on the name alone, i.e. a name that few entries of the list carry. Such a
# candidate can be neither confirmed nor ruled out by the index: the officer asks for the
# birth date or the NIK (bench/README.md, "Fourth round").
POSSIBLE_MATCH_FLOOR = 0.1

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
UInt64Array = npt.NDArray[np.uint64]
Int8Array = npt.NDArray[np.int8]
Float64Array = npt.NDArray[np.float64]


class KeyKind(IntEnum):
    """The blocking key families; the kind is stored in the top 4 bits of a key."""

    NIK = 1
    PASSPORT = 2
    PHONE = 3
    NAME_KEY = 4
    TOKEN_PAIR = 5
    TOKEN_YEAR = 6
    RARE_TOKEN = 7
    BIRTH_DATE = 8
    NIK_HEAD = 9  # the first 12 NIK digits: region and birth date (a typo in the serial)


# How many entries a key may hold before it is too common to find anyone with: such keys
# are dropped at build time (the frequency caps).
KEY_CAPS: dict[KeyKind, int] = {
    KeyKind.NIK: 50,
    KeyKind.PASSPORT: 50,
    KeyKind.PHONE: 200,
    KeyKind.NAME_KEY: 2000,
    KeyKind.TOKEN_PAIR: 1500,
    KeyKind.TOKEN_YEAR: 1000,
    KeyKind.RARE_TOKEN: 300,
    KeyKind.BIRTH_DATE: 1000,
    KeyKind.NIK_HEAD: 50,
}
_KIND_SHIFT = 60
_PAYLOAD_MASK = (1 << _KIND_SHIFT) - 1
_CODE_SHIFT = 30
_YEAR_BITS = 12
_YEAR_ORIGIN = 1800
_MAX_PAIR_TOKENS = 6
_SEX_CODES = {"L": 1, "P": 2}
_SEX_VALUES = {1: "L", 2: "P"}
_YEAR_FIELD_MAX = (1 << _YEAR_BITS) - 1
_NIK_TAG = int(KeyKind.NIK) << _KIND_SHIFT
_PASSPORT_TAG = int(KeyKind.PASSPORT) << _KIND_SHIFT
_PHONE_TAG = int(KeyKind.PHONE) << _KIND_SHIFT
_NAME_KEY_TAG = int(KeyKind.NAME_KEY) << _KIND_SHIFT
_TOKEN_PAIR_TAG = int(KeyKind.TOKEN_PAIR) << _KIND_SHIFT
_TOKEN_YEAR_TAG = int(KeyKind.TOKEN_YEAR) << _KIND_SHIFT
_RARE_TOKEN_TAG = int(KeyKind.RARE_TOKEN) << _KIND_SHIFT
_BIRTH_DATE_TAG = int(KeyKind.BIRTH_DATE) << _KIND_SHIFT
_NIK_HEAD_TAG = int(KeyKind.NIK_HEAD) << _KIND_SHIFT
_NIK_HEAD_LENGTH = 12


def _own_name_parts(normalized_name: str) -> list[str]:
    """The name parts term frequencies are counted for: the person's own (a parent's name
    after the marker left out), as the name key compares them."""
    tokens = normalized_name.split()
    if PARENT_MARKER in tokens:
        tokens = tokens[: tokens.index(PARENT_MARKER)]
    return tokens


def _text_hash(text: str) -> int:
    """A stable 64-bit hash of a text (the same in every process, unlike ``hash``)."""
    data = text.encode("utf-8")
    return zlib.crc32(data) | (zlib.crc32(data[::-1]) << 32)


def _address_hash(address: str | None) -> int:
    """A stable 62-bit hash of a normalised address; 0 when missing."""
    if address is None:
        return 0
    return (_text_hash(address) & ((1 << 62) - 1)) | 1


def _date_number(value: date | None) -> int:
    return 0 if value is None else value.year * 10000 + value.month * 100 + value.day


def _number_date(value: int) -> date | None:
    if value == 0:
        return None
    return date(value // 10000, value // 100 % 100, value % 100)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A watchlist entry that may be the queried person."""

    entry_id: str
    score: float
    comparison: Comparison


def possible_matches(
    candidates: Iterable[Candidate],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    floor: float = POSSIBLE_MATCH_FLOOR,
) -> list[Candidate]:
    """The candidates below ``threshold`` (not hits) that share only a name with the person
    screened and score at least ``floor``: "possible match -- check", counted apart from the
    hits. Search with ``threshold=floor`` to get them among the candidates."""
    return [
        candidate
        for candidate in candidates
        if floor <= candidate.score < threshold and candidate.comparison.only_a_name
    ]


# What an officer reads under a possible match: what agreed, then what could not be compared.
_NOT_COMPARED = (
    "Hanya nama yang sama; tidak diberikan atau tidak dibandingkan: {fields}",
    "Only the name agrees; not given or not compared: {fields}",
)
_NOT_COMPARED_FIELDS = {
    "birth_date_matches": ("tanggal lahir", "birth date"),
    "nik_matches": ("NIK", "NIK"),
    "passport_number_matches": ("nomor paspor", "passport number"),
    "birth_place_matches": ("tempat lahir", "birth place"),
    "phone_matches": ("nomor telepon", "phone number"),
    "address_matches": ("alamat", "address"),
}


def possible_match_reasons(comparison: Comparison, *, language: str = "id") -> str:
    """A possible match's reasons: the comparison's (what agreed, with its bits), then the
    identifying fields it could not compare, "Nama sama [+12.0 bit]; Jenis kelamin sama
    [+1.0 bit]. Hanya nama yang sama; tidak diberikan atau tidak dibandingkan: tanggal
    lahir, NIK, nomor paspor, ..." ("en": in English)."""
    position = 1 if language == "en" else 0
    missing = [
        _NOT_COMPARED_FIELDS[result.feature][position]
        for result in comparison.features
        if result.feature in _NOT_COMPARED_FIELDS and result.level is Level.MISSING
    ]
    note = _NOT_COMPARED[position].format(fields=", ".join(missing))
    agreed = comparison.reasons(language=language)
    return f"{agreed}. {note}" if agreed else note


@dataclass(frozen=True, slots=True)
class _BoundWeights:
    """The weights :meth:`ScreeningIndex._weight_bounds` adds, looked up once per index.

    ``base`` is the prior, the best weight any name level has, and the weight of every other
    feature when its field is missing (0 unless the parameters weigh "missing"); each tuple
    holds, by level number, what a level adds to that: ``level weight - missing weight``.
    """

    base: float
    name_best: float
    birth_date: tuple[float, ...]  # -, exact, swapped, typo, year only, different, year typo
    sex: tuple[float, ...]  # -, exact, different
    nik: tuple[float, ...]  # -, exact, one character off, different, serial, region
    nik_birth_date: tuple[float, ...]  # -, agrees, differs
    birth_place: tuple[float, ...]  # -, exact, similar, different
    passport: tuple[float, ...]  # -, exact, one character off, different
    address: tuple[float, ...]  # -, exact, similar, different
    phone: tuple[float, ...]  # -, exact, one character off, different

    @classmethod
    def of(cls, parameters: ComparisonParameters) -> _BoundWeights:
        # The weights exactly as compare_prepared looks them up: a level the parameters do
        # not name weighs 0.
        weights = parameters.level_weights
        missing_total = 0.0

        def levels(feature: str, *names: Level) -> tuple[float, ...]:
            nonlocal missing_total
            missing = weights.get((feature, Level.MISSING), 0.0)
            missing_total += missing
            return (0.0, *(weights.get((feature, level), 0.0) - missing for level in names))

        exact, different, one_off = Level.EXACT, Level.DIFFERENT, Level.ONE_CHARACTER_OFF
        birth_date = levels(
            "birth_date_matches",
            exact,
            Level.SWAPPED_DAY_MONTH,
            Level.TYPO,
            Level.YEAR_ONLY,
            different,
            Level.YEAR_TYPO,
        )
        sex = levels("sex_matches", exact, different)
        nik = levels(
            "nik_matches", exact, one_off, different, Level.SERIAL_ONLY, Level.REGION_ONE_OFF
        )
        nik_birth_date = levels(
            "nik_matches_birth_date", Level.NIK_BIRTH_DATE_AGREES, Level.NIK_BIRTH_DATE_DIFFERS
        )
        birth_place = levels("birth_place_matches", exact, Level.SIMILAR, different)
        passport = levels("passport_number_matches", exact, one_off, different)
        address = levels("address_matches", exact, Level.SIMILAR, different)
        phone = levels("phone_matches", exact, one_off, different)
        # Whatever level the name gets ("missing" included) weighs at most this.
        name_best = max(weights.get(("name_matches", level), 0.0) for level in Level)
        return cls(
            base=parameters.prior_match_weight + name_best + missing_total,
            name_best=name_best,
            birth_date=birth_date,
            sex=sex,
            nik=nik,
            nik_birth_date=nik_birth_date,
            birth_place=birth_place,
            passport=passport,
            address=address,
            phone=phone,
        )


@dataclass(frozen=True, slots=True)
class _Postings:
    """Key hash -> entry slots, as sorted unique hashes, offsets and a flat slot array."""

    keys: UInt64Array
    offsets: Int64Array
    slots: Int32Array
    too_common: frozenset[int]
    # Postings of entries added since the arrays were built: key -> slots. Mutated in place
    # by the (locked) writer; compaction replaces the whole _Postings in one assignment, so
    # a reader always sees arrays and overlay of the same generation.
    overlay: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> _Postings:
        return cls(
            keys=np.zeros(0, dtype=np.uint64),
            offsets=np.zeros(1, dtype=np.int64),
            slots=np.zeros(0, dtype=np.int32),
            too_common=frozenset(),
        )

    @classmethod
    def from_pairs(cls, hashes: UInt64Array, slots: Int32Array) -> _Postings:
        """Sort (hash, slot) pairs into the layout, dropping keys over their kind's cap."""
        order = np.argsort(hashes, kind="stable")
        hashes = hashes[order]
        slots = slots[order]
        del order
        if len(hashes) == 0:
            return cls.empty()
        starts = np.concatenate(([0], np.flatnonzero(hashes[1:] != hashes[:-1]) + 1))
        counts = np.diff(np.append(starts, len(hashes)))
        unique = hashes[starts]
        del hashes
        kinds = (unique >> np.uint64(_KIND_SHIFT)).astype(np.int64)
        caps = np.zeros(16, dtype=np.int64)
        for kind, cap in KEY_CAPS.items():
            caps[int(kind)] = cap
        keep = counts <= caps[kinds]
        too_common = frozenset(int(value) for value in unique[~keep])
        kept_counts = counts[keep]
        offsets = np.zeros(len(kept_counts) + 1, dtype=np.int64)
        np.cumsum(kept_counts, out=offsets[1:])
        return cls(
            keys=unique[keep],
            offsets=offsets,
            slots=np.ascontiguousarray(slots[np.repeat(keep, counts)], dtype=np.int32),
            too_common=too_common,
        )

    def pairs(self) -> tuple[UInt64Array, Int32Array]:
        counts = np.diff(self.offsets)
        return np.repeat(self.keys, counts), self.slots


class ScreeningIndex:
    """Screening index over watchlist entries (see the module documentation)."""

    def __init__(
        self,
        records: Iterable[IdentityRecord] = (),
        *,
        parameters: ComparisonParameters = DEFAULT_PARAMETERS,
        candidate_limit: int = 10,
        shortlist_limit: int = 120,
        bound_pruning: bool = True,
        fit: bool = True,
    ) -> None:
        """Build the index from ``records`` (ids must be unique; wrap them in ``tqdm`` for a
        progress bar).

        ``parameters`` are the starting point: with ``fit`` and at least
        ``FIT_MINIMUM_ENTRIES`` records, :meth:`fit_parameters` estimates u on the list's
        own random pairs and m by EM on the candidate pairs of a sample of its entries, and
        the index screens with those (kept in its file by :meth:`save`).

        The best ``shortlist_limit`` candidates by key evidence and the vectorised field
        agreement get the cheap name similarity; the best ``candidate_limit`` of those are
        compared in full, except (with ``bound_pruning`` and a threshold) those whose weight
        cannot reach the threshold. ``bound_pruning=False`` compares them all, as before the
        bound existed: the same results, more slowly (benchmarks and tests compare the two).
        """
        self.parameters = parameters
        self.starting_parameters = parameters
        # What the last fit_parameters found (None: the index screens with ``parameters``).
        self.parameter_fit: EmEstimate | None = None
        self.candidate_limit = candidate_limit
        self.shortlist_limit = shortlist_limit
        self.bound_pruning = bound_pruning
        self._write_lock = threading.RLock()
        # Phonetic codes of name parts get small integer ids; keys are built from the ids.
        self._codes: list[str] = []
        self._code_ids: dict[str, int] = {}
        self._token_code_ids: dict[str, int] = {}
        # Columns, one position ("slot") per entry version.
        self._ids: list[str] = []
        self._names: list[str] = []
        self._parsed_names: list[ParsedName | None] = []
        self._birth_places: list[str] = []
        self._passports: list[str] = []
        self._addresses: list[str] = []
        self._birth_dates: Int32Array = np.zeros(0, dtype=np.int32)
        self._nik_birth_dates: Int32Array = np.zeros(0, dtype=np.int32)
        self._sexes: Int8Array = np.zeros(0, dtype=np.int8)
        self._nik_sexes: Int8Array = np.zeros(0, dtype=np.int8)
        self._place_codes: Int32Array = np.zeros(0, dtype=np.int32)
        self._address_hashes: Int64Array = np.zeros(0, dtype=np.int64)
        self._places: list[str] = [""]  # birth place vocabulary; code 0 is "missing"
        self._place_ids: dict[str, int] = {"": 0}
        self._niks: Int64Array = np.zeros(0, dtype=np.int64)
        self._phones: Int64Array = np.zeros(0, dtype=np.int64)
        self._alive: Int8Array = np.zeros(0, dtype=np.int8)
        self._size = 0
        self._slot_by_id: dict[str, int] = {}
        # How many alive entries carry each name, each name part and each phonetic name key
        # (term frequencies, see name_share, name_part_share and sound_share).
        self._name_counts: dict[str, int] = {}
        self._name_part_counts: dict[str, int] = {}
        self._sound_counts: dict[str, int] = {}
        self._postings = _Postings.empty()
        self._use_parameters(parameters)
        self._build(records)
        if fit and len(self._slot_by_id) >= FIT_MINIMUM_ENTRIES:
            self.fit_parameters()

    def _use_parameters(self, parameters: ComparisonParameters) -> None:
        """Screen with ``parameters`` from now on (and the weights derived from them)."""
        self._name_weights = np.array(
            [
                parameters.weight("name_matches", level)
                for level in (
                    Level.UNRELATED,
                    Level.DIFFERENT,
                    Level.WEAK,
                    Level.GOOD,
                    Level.STRONG,
                    Level.EXACT,
                )
            ]
        )
        self._bound_weights = _BoundWeights.of(parameters)
        self.parameters = parameters

    def fit_parameters(
        self,
        screenings: Iterable[IdentityRecord | PreparedIdentity] | None = None,
        *,
        sample: int = FIT_SAMPLE,
        random_pairs: int = FIT_RANDOM_PAIRS,
        seed: int = 0,
    ) -> EmEstimate:
        """Estimate the parameters on this list's own data, without ground truth, and
        screen with them (Fellegi-Sunter EM, as Splink trains).

        u is counted on ``random_pairs`` random pairs of the list's entries (different
        people); m by EM (:func:`benteng.core.compare.estimate_parameters_em`) on the
        candidate pairs the index finds for ``screenings`` (past screenings, unlabelled:
        nobody says which are listed) or, when none are given, for ``sample`` of its own
        entries (each searched without itself: a list holding one person twice, under
        variations, shows how records of one person differ). When the candidate pairs hold
        too few same-person pairs (a list without duplicates), m stays that of
        ``starting_parameters``. Each fit starts from ``starting_parameters``, not from the
        last fit.

        Entries added, changed or removed later do not refit; the next build does. Call it
        before the index serves searches from other threads: the parameters are swapped
        while it runs.
        """
        with self._write_lock:
            self._use_parameters(self.starting_parameters)
            rng = random.Random(seed)  # noqa: S311 -- sampling pairs, not a secret
            alive = list(self._slot_by_id.values())
            drawn = rng.sample(alive, min(len(alive), max(sample, 2)))
            entries = self._prepared_entries(drawn)
            random_levels = []
            if len(entries) >= 2:
                for _ in range(random_pairs):
                    first, second = rng.sample(range(len(entries)), 2)
                    random_levels.append(
                        [
                            level
                            for level, _similarity in feature_levels(
                                entries[first], entries[second]
                            )
                        ]
                    )
            candidate_levels = []
            searched: Iterable[IdentityRecord | PreparedIdentity]
            searched = entries[:sample] if screenings is None else screenings
            for record in searched:
                exclude = (record.id,) if screenings is None else ()
                for candidate in self.search(record, top=self.candidate_limit, exclude=exclude):
                    candidate_levels.append(
                        [result.level for result in candidate.comparison.features]
                    )
            estimate = estimate_parameters_em(
                candidate_levels, random_levels, base=self.starting_parameters
            )
            self._use_parameters(estimate.parameters)
            self.parameter_fit = estimate
            return estimate

    # -- keys -------------------------------------------------------------------------------

    def _token_code_id(self, token: str, *, register: bool) -> int | None:
        """The id of a name part's phonetic code; new codes get an id only when registering."""
        code_id = self._token_code_ids.get(token)
        if code_id is not None:
            return code_id
        codes = phonetic_tokens(token)
        code = codes[0] if codes else token
        code_id = self._code_ids.get(code)
        if code_id is None:
            if not register:
                return None
            code_id = len(self._codes)
            self._codes.append(code)
            self._code_ids[code] = code_id
        self._token_code_ids[token] = code_id
        return code_id

    def _keys(self, prepared: PreparedIdentity, *, query: bool) -> list[int]:
        """The blocking keys of an entry (``query=False``) or of a query."""
        keys: list[int] = []
        append = keys.append
        nik = prepared.nik
        if nik is not None and nik.isdigit():
            append(_NIK_TAG | (int(nik) & _PAYLOAD_MASK))
            if len(nik) > _NIK_HEAD_LENGTH:
                append(_NIK_HEAD_TAG | int(nik[:_NIK_HEAD_LENGTH]))
        if prepared.passport_no is not None:
            append(_PASSPORT_TAG | (_text_hash(prepared.passport_no) & _PAYLOAD_MASK))
        phone = prepared.phone
        if phone is not None and phone.isdigit():
            append(_PHONE_TAG | (int(phone) & _PAYLOAD_MASK))
        dates = [known for known in (prepared.birth_date, prepared.nik_birth_date) if known]
        tokens = prepared.normalized_name.split()
        if tokens:
            append(_NAME_KEY_TAG | (_text_hash(prepared.name_key) & _PAYLOAD_MASK))
            code_ids: list[int] = []
            token_code_ids = self._token_code_ids
            for token in tokens:
                if token == PARENT_MARKER:
                    continue
                code_id = token_code_ids.get(token)
                if code_id is None:
                    code_id = self._token_code_id(token, register=not query)
                if code_id is not None and code_id not in code_ids:
                    code_ids.append(code_id)
            year_fields = {
                min(max(known.year - _YEAR_ORIGIN, 0), _YEAR_FIELD_MAX) for known in dates
            }
            for code_id in code_ids:
                append(_RARE_TOKEN_TAG | code_id)
                shifted = _TOKEN_YEAR_TAG | (code_id << _YEAR_BITS)
                for year_field in year_fields:
                    append(shifted | year_field)
            pair_ids = sorted(code_ids[:_MAX_PAIR_TOKENS])
            for first, second in combinations(pair_ids, 2):
                append(_TOKEN_PAIR_TAG | (first << _CODE_SHIFT) | second)
        if dates:
            date_numbers = {_date_number(known) for known in dates}
            if query:
                for known in dates:
                    if known.day <= 12 and known.day != known.month:
                        date_numbers.add(known.year * 10000 + known.day * 100 + known.month)
            for number in date_numbers:
                append(_BIRTH_DATE_TAG | number)
        return keys

    # -- name frequencies -------------------------------------------------------------------

    def _sound_key(self, tokens: list[str], *, register: bool) -> str:
        """The phonetic codes of the name parts, sorted: one key for the spellings of a name
        that sound the same (``""`` when a query's part has a code no entry has)."""
        codes = []
        for token in tokens:
            code_id = self._token_code_id(token, register=register)
            if code_id is None:
                return ""
            codes.append(code_id)
        return " ".join(map(str, sorted(codes)))

    def _count_name(self, normalized_name: str, change: int) -> None:
        tokens = _own_name_parts(normalized_name)
        for counts, key in (
            (self._name_counts, " ".join(sorted(tokens))),
            (self._sound_counts, self._sound_key(tokens, register=True)),
            *((self._name_part_counts, token) for token in set(tokens)),
        ):
            count = counts.get(key, 0) + change
            if count > 0:
                counts[key] = count
            else:
                counts.pop(key, None)

    def _share(self, count: int) -> float:
        return max(count, 1) / max(len(self._slot_by_id), TERM_FREQUENCY_POPULATION)

    def name_share(self, normalized_name: str) -> float:
        """The share of the list's entries that carry this name (at least one entry), out of
        the entries or ``TERM_FREQUENCY_POPULATION``, whichever is more: how much an
        identical name says depends on how common that name is in this very list."""
        key = " ".join(sorted(_own_name_parts(normalized_name)))
        return self._share(self._name_counts.get(key, 0))

    def name_part_share(self, name_part: str) -> float:
        """The share of the list's entries with this name part among theirs (as
        :meth:`name_share`): what a single name found in a fuller one says."""
        return self._share(self._name_part_counts.get(name_part, 0))

    def sound_share(self, normalized_name: str) -> float:
        """The share of the list's entries whose name sounds the same as this one (the same
        phonetic codes, in any order; as :meth:`name_share`): what a close spelling says."""
        key = self._sound_key(_own_name_parts(normalized_name), register=False)
        return self._share(self._sound_counts.get(key, 0) if key else 0)

    def _agreeing_share(
        self, level: Level, query: PreparedIdentity, entry: PreparedIdentity
    ) -> float | None:
        """The share of entries that would agree with the query's name at ``level``."""
        if level is Level.EXACT:
            return self.name_share(query.normalized_name)
        if level is Level.CONTAINED:  # the query's one name among the entry's parts
            return self.name_part_share(query.parsed_name.tokens[0])
        if level is Level.CONTAINS:
            # The entry's one name among the query's parts: a random entry agrees so when its
            # whole name is *any* of the query's parts, not only this one ("Puji" and
            # "Farida" both would, for "Puji Farida").
            counts = self._name_counts
            return self._share(
                sum(counts.get(part, 0) for part in set(_own_name_parts(query.normalized_name)))
            )
        if level in (Level.STRONG, Level.GOOD):
            # A close spelling: the commoner of the two sounds (Splink takes the larger term
            # frequency of the two values for a fuzzy level).
            return max(
                self.sound_share(query.normalized_name), self.sound_share(entry.normalized_name)
            )
        return None

    # -- building ---------------------------------------------------------------------------

    def _grow(self, needed: int) -> None:
        capacity = len(self._alive)
        if needed <= capacity:
            return
        new_capacity = max(needed, capacity * 2, 16)

        def grown(values: Any) -> Any:
            bigger = np.zeros(new_capacity, dtype=values.dtype)
            bigger[: len(values)] = values
            return bigger

        self._birth_dates = grown(self._birth_dates)
        self._nik_birth_dates = grown(self._nik_birth_dates)
        self._sexes = grown(self._sexes)
        self._nik_sexes = grown(self._nik_sexes)
        self._place_codes = grown(self._place_codes)
        self._address_hashes = grown(self._address_hashes)
        self._niks = grown(self._niks)
        self._phones = grown(self._phones)
        self._alive = grown(self._alive)

    def _place_code(self, place: str | None, *, register: bool) -> int:
        """The birth place's small integer code (0 when missing, -1 when unknown)."""
        code = self._place_ids.get(place or "")
        if code is not None:
            return code
        if not register or place is None:
            return -1
        code = len(self._places)
        self._places.append(place)
        self._place_ids[place] = code
        return code

    def _numbers(self, prepared: PreparedIdentity) -> tuple[int, ...]:
        """The numeric columns of an entry: birth dates, sexes, NIK, phone, birth place
        code and address hash."""
        nik = prepared.nik
        phone = prepared.phone
        return (
            _date_number(prepared.birth_date),
            _date_number(prepared.nik_birth_date),
            _SEX_CODES.get(prepared.sex or "", 0),
            _SEX_CODES.get(prepared.nik_sex or "", 0),
            int(nik) if nik and nik.isdigit() and len(nik) <= 18 else 0,
            int(phone) if phone and phone.isdigit() and len(phone) <= 18 else 0,
            self._place_code(prepared.birth_place, register=True),
            _address_hash(prepared.address),
        )

    def _store_text(self, prepared: PreparedIdentity) -> None:
        if "\x00" in prepared.id:
            raise ValueError("an entry id cannot contain the NUL character")
        self._ids.append(prepared.id)
        self._names.append(prepared.normalized_name)
        self._parsed_names.append(prepared.parsed_name)
        self._birth_places.append(prepared.birth_place or "")
        self._passports.append(prepared.passport_no or "")
        self._addresses.append(prepared.address or "")

    def _store(self, prepared: PreparedIdentity) -> int:
        """Write an entry's columns into a new slot (not yet alive, not yet indexed)."""
        slot = self._size
        self._grow(slot + 1)
        self._store_text(prepared)
        birth, nik_birth, sex, nik_sex, nik, phone, place, address = self._numbers(prepared)
        self._birth_dates[slot] = birth
        self._nik_birth_dates[slot] = nik_birth
        self._sexes[slot] = sex
        self._nik_sexes[slot] = nik_sex
        self._niks[slot] = nik
        self._phones[slot] = phone
        self._place_codes[slot] = place
        self._address_hashes[slot] = address
        self._size = slot + 1
        return slot

    def _build(self, records: Iterable[IdentityRecord]) -> None:
        """Fill an empty index (with the cyclic garbage collector paused: a bulk build makes
        millions of objects without cycles, and collecting them only slows it down)."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._fill(records)
        finally:
            if collecting:
                gc.enable()

    def _fill(self, records: Iterable[IdentityRecord]) -> None:
        """Columns in growable buffers, postings sorted once."""
        keys = array("Q")
        slots = array("i")
        births, nik_births = array("i"), array("i")
        sexes, nik_sexes = array("b"), array("b")
        niks, phones = array("q"), array("q")
        places, addresses = array("i"), array("q")
        slot_by_id = self._slot_by_id
        slot = 0
        for record in records:
            if record.id in slot_by_id:
                raise ValueError(f"duplicate entry id {record.id!r}")
            prepared = prepare_identity(record)
            self._store_text(prepared)
            birth, nik_birth, sex, nik_sex, nik, phone, place, address = self._numbers(prepared)
            places.append(place)
            addresses.append(address)
            births.append(birth)
            nik_births.append(nik_birth)
            sexes.append(sex)
            nik_sexes.append(nik_sex)
            niks.append(nik)
            phones.append(phone)
            self._count_name(prepared.normalized_name, 1)
            entry_keys = self._keys(prepared, query=False)
            keys.extend(entry_keys)
            slots.extend([slot] * len(entry_keys))
            slot_by_id[record.id] = slot
            slot += 1
        if not slot:
            return
        self._birth_dates = np.frombuffer(births, dtype=np.int32).copy()
        self._nik_birth_dates = np.frombuffer(nik_births, dtype=np.int32).copy()
        self._sexes = np.frombuffer(sexes, dtype=np.int8).copy()
        self._nik_sexes = np.frombuffer(nik_sexes, dtype=np.int8).copy()
        self._niks = np.frombuffer(niks, dtype=np.int64).copy()
        self._phones = np.frombuffer(phones, dtype=np.int64).copy()
        self._place_codes = np.frombuffer(places, dtype=np.int32).copy()
        self._address_hashes = np.frombuffer(addresses, dtype=np.int64).copy()
        self._alive = np.ones(slot, dtype=np.int8)
        self._size = slot
        self._postings = _Postings.from_pairs(
            np.frombuffer(keys, dtype=np.uint64), np.frombuffer(slots, dtype=np.int32)
        )

    # -- changes ----------------------------------------------------------------------------

    def _insert(self, record: IdentityRecord | PreparedIdentity) -> int:
        prepared = record if isinstance(record, PreparedIdentity) else prepare_identity(record)
        slot = self._store(prepared)
        self._count_name(prepared.normalized_name, 1)
        postings = self._postings
        for key in self._keys(prepared, query=False):
            if key in postings.too_common:
                continue
            postings.overlay.setdefault(key, []).append(slot)
        self._alive[slot] = 1
        return slot

    def add(self, record: IdentityRecord | PreparedIdentity) -> None:
        """Add a new entry; raises ``ValueError`` if its id is already in the index.

        A record already prepared (:func:`prepare_identity`, say for the search that came
        before) is taken as it is instead of being prepared again.
        """
        with self._write_lock:
            if record.id in self._slot_by_id:
                raise ValueError(f"entry {record.id!r} is already in the index; use update()")
            self._slot_by_id[record.id] = self._insert(record)

    def update(self, record: IdentityRecord | PreparedIdentity) -> None:
        """Replace the entry with the same id (``record`` may be prepared, as for
        :meth:`add`); raises ``KeyError`` if there is none."""
        with self._write_lock:
            old_slot = self._slot_by_id[record.id]
            new_slot = self._insert(record)
            self._slot_by_id[record.id] = new_slot
            self._alive[old_slot] = 0
            self._count_name(self._names[old_slot], -1)

    def remove(self, entry_id: str) -> None:
        """Remove an entry; raises ``KeyError`` if it is not in the index."""
        with self._write_lock:
            slot = self._slot_by_id.pop(entry_id)
            self._alive[slot] = 0
            self._count_name(self._names[slot], -1)

    def compact(self) -> None:
        """Fold added, changed and removed entries into the posting arrays.

        Slots of removed entries stay allocated (a few hundred bytes each) until the index
        is rebuilt; only their postings are dropped.
        """
        with self._write_lock:
            static_keys, static_slots = self._postings.pairs()
            overlay = self._postings.overlay
            overlay_keys = np.fromiter(
                (key for key, slots in overlay.items() for _ in slots), dtype=np.uint64
            )
            overlay_slots = np.fromiter(
                (slot for slots in overlay.values() for slot in slots), dtype=np.int32
            )
            keys = np.concatenate([static_keys, overlay_keys])
            slots = np.concatenate([static_slots, overlay_slots])
            alive = self._alive[slots] == 1
            postings = _Postings.from_pairs(keys[alive], slots[alive])
            self._postings = _Postings(
                keys=postings.keys,
                offsets=postings.offsets,
                slots=postings.slots,
                too_common=postings.too_common | self._postings.too_common,
            )

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._slot_by_id)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._slot_by_id

    def entry_ids(self) -> list[str]:
        """The ids of the entries in the index (in no particular order)."""
        return list(self._slot_by_id)

    def _prepared_entries(self, slots: list[int]) -> list[PreparedIdentity]:
        """The entries at ``slots`` ready for :func:`compare_prepared` (numeric columns are
        read once per column, not once per entry)."""
        births = self._birth_dates[slots].tolist()
        nik_births = self._nik_birth_dates[slots].tolist()
        sexes = self._sexes[slots].tolist()
        nik_sexes = self._nik_sexes[slots].tolist()
        niks = self._niks[slots].tolist()
        phones = self._phones[slots].tolist()
        entries = []
        for position, slot in enumerate(slots):
            name = self._names[slot]
            parsed = self._parsed_names[slot]
            if parsed is None:
                # Loaded from a file: rebuilt from the normalised name on first use (what
                # parsing gives, without the name rules) and kept (a list item assignment
                # is atomic, and every reader would store the same value).
                parsed = parsed_from_normalized(name)
                self._parsed_names[slot] = parsed
            nik = niks[position]
            phone = phones[position]
            entries.append(
                PreparedIdentity(
                    id=self._ids[slot],
                    normalized_name=name,
                    parsed_name=parsed,
                    name_key=parsed.key,
                    parent_key="".join(sorted(parsed.parent)),
                    birth_date=_number_date(births[position]),
                    sex=_SEX_VALUES.get(sexes[position]),
                    nik=f"{nik:016d}" if nik else None,
                    nik_birth_date=_number_date(nik_births[position]),
                    nik_sex=_SEX_VALUES.get(nik_sexes[position]),
                    birth_place=self._birth_places[slot] or None,
                    passport_no=self._passports[slot] or None,
                    address=self._addresses[slot] or None,
                    phone=str(phone) if phone else None,
                )
            )
        return entries

    def _candidates(self, prepared: PreparedIdentity) -> tuple[Int32Array, Float64Array]:
        """Alive slots sharing a key with the query, with the evidence of the keys shared."""
        postings = self._postings
        overlay = postings.overlay
        keys = self._keys(prepared, query=True)
        empty = np.zeros(0, dtype=np.int32), np.zeros(0)
        if not keys:
            return empty
        unique_keys = list(dict.fromkeys(keys))
        key_array = np.array(unique_keys, dtype=np.uint64)
        positions = np.searchsorted(postings.keys, key_array).tolist()
        key_count = len(postings.keys)
        found: list[Int32Array] = []
        found_keys: list[int] = []
        found_counts: list[int] = []
        for key, position in zip(unique_keys, positions, strict=True):
            if position < key_count and int(postings.keys[position]) == key:
                start = int(postings.offsets[position])
                end = int(postings.offsets[position + 1])
                found.append(postings.slots[start:end])
                found_keys.append(key)
                found_counts.append(end - start)
            extra = overlay.get(key)
            if extra:
                found.append(np.array(extra, dtype=np.int32))
                found_keys.append(key)
                found_counts.append(len(extra))
        if not found:
            return empty
        kinds = [key >> _KIND_SHIFT for key in found_keys]
        key_weights = np.repeat([_CANDIDATE_KEY_WEIGHTS[kind] for kind in kinds], found_counts)
        all_slots = np.concatenate(found)
        # Each slot once, with the sum of its keys' weights: a stable sort and sums over the
        # runs of equal slots (what np.unique and np.bincount give, adding the weights in the
        # same order, at half the cost).
        order = np.argsort(all_slots, kind="stable")
        ordered = all_slots[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        unique = ordered[starts]
        key_evidence = np.add.reduceat(key_weights[order], starts)
        alive = self._alive[unique] == 1
        return unique[alive], key_evidence[alive]

    def _without(
        self, slots: Int32Array, estimate: Float64Array, exclude: Collection[str]
    ) -> tuple[Int32Array, Float64Array]:
        """The candidates (slots and their estimates) but those of the ``exclude`` ids."""
        excluded = [self._slot_by_id[entry_id] for entry_id in exclude if entry_id in self]
        kept = np.isin(slots, np.array(excluded, dtype=np.int32), invert=True)
        return slots[kept], estimate[kept]

    def _field_evidence(self, prepared: PreparedIdentity, slots: Int32Array) -> Float64Array:
        """Vectorised agreement of birth date, sex, birth place and address (bits), with the
        comparison's weights, for ranking candidates before the full comparison."""
        evidence = np.zeros(len(slots), dtype=np.float64)
        weight = self.parameters.weight
        query_date = prepared.birth_date or prepared.nik_birth_date
        if query_date is not None:
            stated = self._birth_dates[slots]
            dates = np.where(stated != 0, stated, self._nik_birth_dates[slots])
            number = _date_number(query_date)
            swapped = query_date.year * 10000 + query_date.day * 100 + query_date.month
            feature = "birth_date_matches"
            level_weights = np.array(
                [
                    0.0,
                    weight(feature, Level.EXACT),
                    weight(feature, Level.SWAPPED_DAY_MONTH),
                    weight(feature, Level.YEAR_ONLY),
                    weight(feature, Level.DIFFERENT),
                    weight(feature, Level.YEAR_TYPO),
                ]
            )
            years = dates // 10000
            year = query_date.year
            apart = np.abs(years - year)
            year_mistyped = (dates % 10000 == number % 10000) & (
                (apart == 1)
                | (apart == 10)
                | (years // 10 == year // 10)
                | ((years % 10 == year % 10) & (years // 100 == year // 100))
            )
            categories = np.where(
                dates == 0,
                0,
                np.where(
                    dates == number,
                    1,
                    np.where(
                        dates == swapped,
                        2,
                        np.where(year_mistyped, 5, np.where(years == year, 3, 4)),
                    ),
                ),
            )
            evidence += level_weights[categories]
        query_sex = _SEX_CODES.get(prepared.sex or prepared.nik_sex or "", 0)
        if query_sex:
            sexes = self._sexes[slots]
            sexes = np.where(sexes != 0, sexes, self._nik_sexes[slots])
            sex_weights = np.array(
                [
                    0.0,
                    weight("sex_matches", Level.EXACT),
                    weight("sex_matches", Level.DIFFERENT),
                ]
            )
            evidence += sex_weights[np.where(sexes == 0, 0, np.where(sexes == query_sex, 1, 2))]
        query_place = self._place_code(prepared.birth_place, register=False)
        if query_place != 0:
            places = self._place_codes[slots]
            place_weights = np.array(
                [
                    0.0,
                    weight("birth_place_matches", Level.EXACT),
                    weight("birth_place_matches", Level.DIFFERENT),
                ]
            )
            evidence += place_weights[
                np.where(places == 0, 0, np.where(places == query_place, 1, 2))
            ]
        if prepared.address is not None:
            same_address = self._address_hashes[slots] == _address_hash(prepared.address)
            evidence += same_address * weight("address_matches", Level.EXACT)
        return evidence

    def _name_evidence(self, prepared: PreparedIdentity, slots: Int32Array) -> Float64Array:
        """A cheap stand-in for the name feature, mapped to the name levels' weights: the
        token-set similarity (order-insensitive, tolerant of typing errors, of a name part
        dropped and of a parent's name added)."""
        names = self._names
        similarities = process.cdist(
            [prepared.normalized_name],
            [names[slot] for slot in slots.tolist()],
            scorer=fuzz.token_set_ratio,
            workers=1,
        )[0]
        levels = np.searchsorted(_NAME_LEVEL_CUTS, similarities, side="right")
        weights: Float64Array = self._name_weights[levels]
        return weights

    def _weight_bounds(self, prepared: PreparedIdentity, slots: Int32Array) -> list[float]:
        """An upper bound of each candidate's match weight, without comparing the names.

        Every feature but the name gets the level :func:`compare_prepared` gives it, on the
        entry as :meth:`_prepared_entries` rebuilds it from the columns (each step below
        follows the feature of the same name in ``benteng.core.compare``); the name counts
        with the best weight any name level has. So the bound is the full comparison's
        weight with the name at its best, and a candidate below the threshold by its bound
        would be dropped by the full comparison too. The name is what is left out because
        it is the costly part: parsing the entry's name and aligning the name parts.

        A plain loop: for the 10-20 candidates of a search it costs less than numpy, whose
        every operation on so short an array costs about a microsecond.
        """
        weights = self._bound_weights
        births = self._birth_dates[slots].tolist()
        sexes = self._sexes[slots].tolist()
        niks = self._niks[slots].tolist()
        query_birth = _date_number(prepared.birth_date)
        query_birth_text = f"{query_birth:08d}"
        query_year = query_birth // 10000
        swapped = query_year * 10000 + query_birth % 100 * 100 + query_birth // 100 % 100
        query_sex = _SEX_CODES.get(prepared.sex or "", 0)
        query_nik = prepared.nik
        # nik_matches_birth_date counts the date (and sex) in the NIK of the side that holds
        # one, against the other side's stated date, when the holder states none itself.
        holder_birth = 0
        if query_nik is not None and prepared.birth_date is None:
            holder_birth = _date_number(prepared.nik_birth_date)
        holder_sex = _SEX_CODES.get(prepared.nik_sex or "", 0)
        entries_may_hold = query_nik is None and query_birth != 0
        nik_births = self._nik_birth_dates[slots].tolist() if entries_may_hold else []
        nik_sexes = self._nik_sexes[slots].tolist() if entries_may_hold else []
        place = prepared.birth_place
        places = self._birth_places
        passport = prepared.passport_no
        passports = self._passports
        address = prepared.address
        addresses = self._addresses
        phone = prepared.phone
        phones = self._phones[slots].tolist() if phone is not None else []
        osa = OSA.distance
        bounds = []
        for position, slot in enumerate(slots.tolist()):
            bound = weights.base
            birth = births[position]
            sex = sexes[position]
            nik = niks[position]
            if query_birth and birth:  # birth_date_matches (stated dates)
                if birth == query_birth:
                    level = 1
                elif birth == swapped:
                    level = 2
                elif birth % 10000 == query_birth % 10000 and year_is_mistyped(
                    birth // 10000, query_year
                ):
                    level = 6
                elif osa(query_birth_text, f"{birth:08d}", score_cutoff=1) <= 1:
                    level = 3  # YYYYMMDD one digit apart
                else:
                    level = 4 if birth // 10000 == query_year else 5
                bound += weights.birth_date[level]
            if query_sex and sex:  # sex_matches
                bound += weights.sex[1 if sex == query_sex else 2]
            if query_nik is not None:
                if nik:  # nik_matches
                    level_number = _NIK_LEVEL_NUMBERS[nik_level(query_nik, f"{nik:016d}")]
                    bound += weights.nik[level_number]
                elif holder_birth and birth:  # nik_matches_birth_date, the query holds it
                    agrees = birth == holder_birth and (
                        not sex or not holder_sex or sex == holder_sex
                    )
                    bound += weights.nik_birth_date[1 if agrees else 2]
            elif entries_may_hold and nik and not birth:  # the entry holds it
                nik_birth = nik_births[position]
                if nik_birth:
                    nik_sex = nik_sexes[position]
                    agrees = nik_birth == query_birth and (
                        not query_sex or not nik_sex or nik_sex == query_sex
                    )
                    bound += weights.nik_birth_date[1 if agrees else 2]
            if place is not None and (entry_place := places[slot]):  # birth_place_matches
                if entry_place == place:
                    bound += weights.birth_place[1]
                else:
                    similar = fuzz.ratio(place, entry_place) / 100.0 >= PLACE_SIMILAR_RATIO
                    bound += weights.birth_place[2 if similar else 3]
            if passport is not None and (entry_passport := passports[slot]):
                if entry_passport == passport:  # passport_number_matches
                    bound += weights.passport[1]
                else:
                    one_off = osa(passport, entry_passport, score_cutoff=1) <= 1
                    bound += weights.passport[2 if one_off else 3]
            if address is not None and (entry_address := addresses[slot]):  # address_matches
                if entry_address == address:
                    bound += weights.address[1]
                else:
                    ratio = fuzz.token_sort_ratio(address, entry_address) / 100.0
                    bound += weights.address[2 if ratio >= ADDRESS_SIMILAR_RATIO else 3]
            if phone is not None and (entry_phone := phones[position]):  # phone_matches
                text = str(entry_phone)
                if text == phone:
                    bound += weights.phone[1]
                else:
                    one_off = osa(phone, text, score_cutoff=1) <= 1
                    bound += weights.phone[2 if one_off else 3]
            bounds.append(bound)
        return bounds

    def _compares_more_than_a_name(
        self, prepared: PreparedIdentity, slots: Int32Array
    ) -> list[bool]:
        """For each candidate, whether a field besides the name and the sex is given on both
        sides (birth date, NIK, birth place, passport, address, phone: the conditions under
        which :meth:`_weight_bounds` weighs them), so the comparison cannot be
        ``only_a_name``. Conservative: False may still compare more (the NIK's birth date),
        and the full comparison decides."""
        query_birth = _date_number(prepared.birth_date)
        query_nik = prepared.nik is not None
        place = prepared.birth_place
        passport = prepared.passport_no
        address = prepared.address
        phone = prepared.phone is not None
        births = self._birth_dates[slots].tolist() if query_birth else []
        niks = self._niks[slots].tolist() if query_nik else []
        phones = self._phones[slots].tolist() if phone else []
        places, passports, addresses = self._birth_places, self._passports, self._addresses
        more = []
        for position, slot in enumerate(slots.tolist()):
            more.append(
                bool(
                    (query_birth and births[position])
                    or (query_nik and niks[position])
                    or (place is not None and places[slot])
                    or (passport is not None and passports[slot])
                    or (address is not None and addresses[slot])
                    or (phone and phones[position])
                )
            )
        return more

    def _name_bound_gap(self, prepared: PreparedIdentity) -> float:
        """How much more than the best fixed name weight the query's name may weigh with the
        list's frequencies: identical to a rare name, a single name contained in a fuller
        one (its share is at least one entry's), or a close spelling of a name that sounds
        like few others (its share is at least the query's sound's)."""
        parameters = self.parameters
        sound_share = self.sound_share(prepared.normalized_name)
        best = max(
            frequent_name_weight(
                parameters, Level.EXACT, self.name_share(prepared.normalized_name)
            ),
            frequent_name_weight(parameters, Level.CONTAINED, self._share(1)),
            frequent_name_weight(parameters, Level.CONTAINS, self._share(1)),
            frequent_name_weight(parameters, Level.STRONG, sound_share),
            frequent_name_weight(parameters, Level.GOOD, sound_share),
        )
        return max(best - self._bound_weights.name_best, 0.0)

    def search(
        self,
        query: IdentityRecord | PreparedIdentity,
        *,
        top: int = 10,
        threshold: float | None = None,
        exclude: Collection[str] = (),
        possible_floor: float | None = None,
    ) -> list[Candidate]:
        """The entries that may be ``query``, best first: at most ``top``, and only those
        scoring at least ``threshold`` when it is given. Entries whose ids are in ``exclude``
        are left out before any candidate is cut, so they never take another's place.

        With ``possible_floor`` below ``threshold``, the candidates that share only a name
        with the query (``Comparison.only_a_name``) and score at least the floor are kept
        too, ranked after the hits (:func:`possible_matches` picks them out): the hits are
        those of a search at ``threshold``, and a candidate that compares more than a name
        is still pruned at ``threshold`` (it can be neither), so this costs less than a
        search at the floor.

        ``query`` may be prepared already (:func:`prepare_identity`): a caller searching
        several indexes for one person prepares it once.
        """
        if top <= 0:
            return []
        prepared = query if isinstance(query, PreparedIdentity) else prepare_identity(query)
        slots, estimate = self._candidates(prepared)
        if exclude:
            slots, estimate = self._without(slots, estimate, exclude)
        if len(slots) == 0:
            return []
        limit = max(self.candidate_limit, top)
        if len(slots) > limit:
            # Before the shortlist: among hundreds sharing only a common name part, the
            # person with a mistyped birth year shares no date key, only the day and month.
            estimate = estimate + self._field_evidence(prepared, slots)
        if len(slots) > self.shortlist_limit:
            best = np.argpartition(-estimate, self.shortlist_limit - 1)
            best = best[: self.shortlist_limit]
            slots = slots[best]
            estimate = estimate[best]
        if len(slots) > limit:
            if prepared.normalized_name:
                # The name evidence lies between the weights of "different" and "exact": a
                # candidate further below the limit-th best than that range cannot reach
                # the limit, so only the others need the name similarity.
                reach = float(self._name_weights.max() - self._name_weights.min())
                cut = np.partition(estimate, len(estimate) - limit)[len(estimate) - limit]
                contenders = np.flatnonzero(estimate >= cut - reach)
                estimate = estimate[contenders]
                slots = slots[contenders]
                estimate += self._name_evidence(prepared, slots)
            if len(slots) > limit:
                best = np.argpartition(-estimate, limit - 1)[:limit]
                slots = slots[best]
        minimum_weight = -np.inf if threshold is None else score_to_match_weight(threshold)
        floor_weight: float | None = None
        if threshold is not None and possible_floor is not None and possible_floor < threshold:
            floor_weight = score_to_match_weight(possible_floor)
        compared = slots.tolist()
        # The bound of each candidate compared, when pruning by it, and the least it needs.
        bounds: list[float] | None = None
        leasts: list[float] = []
        least = minimum_weight - _BOUND_TOLERANCE  # the bound's sum is added in another order
        bound_gap = self._name_bound_gap(prepared)
        if self.bound_pruning and minimum_weight > -np.inf:
            # Only candidates that can reach the threshold (or, comparing only a name, the
            # possible-match floor) are compared in full.
            bounds = self._weight_bounds(prepared, slots)
            if floor_weight is None:
                needs = [least] * len(compared)
            else:
                least_possible = floor_weight - _BOUND_TOLERANCE
                needs = [
                    least if more else least_possible
                    for more in self._compares_more_than_a_name(prepared, slots)
                ]
            reachable = [
                (slot, bound, need)
                for slot, bound, need in zip(compared, bounds, needs, strict=True)
                if bound + bound_gap >= need
            ]
            compared = [slot for slot, _bound, _need in reachable]
            bounds = [bound for _slot, bound, _need in reachable]
            leasts = [need for _slot, _bound, need in reachable]
        scored: dict[str, Candidate] = {}
        parameters = self.parameters
        name_weights = parameters.level_weights
        # The bound counted the name at the best fixed weight; a rare name weighs more.
        name_best = self._bound_weights.name_best + bound_gap
        for position, entry in enumerate(self._prepared_entries(compared)):
            name_outcome = name_matches(prepared, entry)
            name_level = name_outcome[0]
            name_share = self._agreeing_share(name_level, prepared, entry)
            if bounds is not None:
                # The names are all the bound left out: with the name's own weight in place
                # of the best, it is the full weight, and the rest of the comparison (the
                # other features again, the explanation) is only worth it at the threshold.
                name_weight = (
                    name_weights.get(("name_matches", name_level), 0.0)
                    if name_share is None
                    else frequent_name_weight(parameters, name_level, name_share)
                )
                if bounds[position] + bound_gap - name_best + name_weight < leasts[position]:
                    continue
            comparison = compare_prepared(
                prepared,
                entry,
                parameters=parameters,
                name_share=name_share,
                name_outcome=name_outcome,
            )
            if comparison.match_weight < minimum_weight and not (
                floor_weight is not None
                and comparison.match_weight >= floor_weight
                and comparison.only_a_name
            ):
                continue
            earlier = scored.get(entry.id)
            if earlier is None or earlier.comparison.match_weight < comparison.match_weight:
                scored[entry.id] = Candidate(entry.id, comparison.score, comparison)
        ranked = sorted(
            scored.values(),
            key=lambda candidate: (-candidate.comparison.match_weight, candidate.entry_id),
        )
        return ranked[:top]

    # -- persistence ------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the index to one ``.npz`` file (arrays and UTF-8 text, no pickle)."""
        with self._write_lock:
            self.compact()
            size = self._size

            def text_column(values: list[str]) -> npt.NDArray[np.uint8]:
                return np.frombuffer("\x00".join(values).encode("utf-8"), dtype=np.uint8)

            def counts(kept: dict[str, int]) -> dict[str, npt.NDArray[Any]]:
                return {"keys": text_column(list(kept)), "counts": np.array(list(kept.values()))}

            name_counts = counts(self._name_counts)
            sound_counts = counts(self._sound_counts)
            part_counts = counts(self._name_part_counts)

            with Path(path).open("wb") as handle:
                np.savez(
                    handle,
                    format=np.array(INDEX_FORMAT),
                    parameters=np.array(self.parameters.to_json()),
                    limits=np.array([self.candidate_limit, self.shortlist_limit], dtype=np.int64),
                    codes=text_column(self._codes),
                    ids=text_column(self._ids[:size]),
                    names=text_column(self._names[:size]),
                    birth_places=text_column(self._birth_places[:size]),
                    passports=text_column(self._passports[:size]),
                    addresses=text_column(self._addresses[:size]),
                    birth_dates=self._birth_dates[:size],
                    nik_birth_dates=self._nik_birth_dates[:size],
                    sexes=self._sexes[:size],
                    nik_sexes=self._nik_sexes[:size],
                    place_codes=self._place_codes[:size],
                    address_hashes=self._address_hashes[:size],
                    places=text_column(self._places),
                    niks=self._niks[:size],
                    phones=self._phones[:size],
                    alive=self._alive[:size],
                    posting_keys=self._postings.keys,
                    posting_offsets=self._postings.offsets,
                    posting_slots=self._postings.slots,
                    too_common=np.array(sorted(self._postings.too_common), dtype=np.uint64),
                    # The name frequencies (name_share, sound_share, name_part_share), so that
                    # loading need not count a million names again.
                    name_count_keys=name_counts["keys"],
                    name_counts=name_counts["counts"],
                    sound_count_keys=sound_counts["keys"],
                    sound_counts=sound_counts["counts"],
                    part_count_keys=part_counts["keys"],
                    part_counts=part_counts["counts"],
                )

    @classmethod
    def load(cls, path: str | Path) -> ScreeningIndex:
        """Read an index written by :meth:`save`."""
        with np.load(Path(path), allow_pickle=False) as data:
            if "format" not in data.files or str(data["format"]) != INDEX_FORMAT:
                raise ValueError(f"{path} is not a {INDEX_FORMAT} file")
            candidate_limit, shortlist_limit = (int(value) for value in data["limits"])
            index = cls(
                parameters=ComparisonParameters.from_json(str(data["parameters"])),
                candidate_limit=candidate_limit,
                shortlist_limit=shortlist_limit,
            )
            size = len(data["alive"])

            def text_column(name: str, count: int) -> list[str]:
                if count == 0:
                    return []
                return bytes(data[name]).decode("utf-8").split("\x00")

            def counts_column(keys: str, counts: str) -> dict[str, int]:
                values = data[counts].tolist()
                return dict(zip(text_column(keys, len(values)), values, strict=True))

            index._codes = text_column("codes", 1 if len(data["codes"]) else 0)
            index._code_ids = {code: code_id for code_id, code in enumerate(index._codes)}
            index._ids = text_column("ids", size)
            index._names = text_column("names", size)
            index._parsed_names = [None] * size
            index._birth_places = text_column("birth_places", size)
            index._passports = text_column("passports", size)
            index._addresses = text_column("addresses", size)
            index._birth_dates = data["birth_dates"]
            index._nik_birth_dates = data["nik_birth_dates"]
            index._sexes = data["sexes"]
            index._nik_sexes = data["nik_sexes"]
            index._place_codes = data["place_codes"]
            index._address_hashes = data["address_hashes"]
            index._places = bytes(data["places"]).decode("utf-8").split("\x00")
            index._place_ids = {place: code for code, place in enumerate(index._places)}
            index._niks = data["niks"]
            index._phones = data["phones"]
            index._alive = data["alive"]
            index._size = size
            index._postings = _Postings(
                keys=data["posting_keys"],
                offsets=data["posting_offsets"],
                slots=data["posting_slots"],
                too_common=frozenset(int(value) for value in data["too_common"]),
            )
            counted = "name_counts" in data.files
            if counted:
                index._name_counts = counts_column("name_count_keys", "name_counts")
                index._sound_counts = counts_column("sound_count_keys", "sound_counts")
                index._name_part_counts = counts_column("part_count_keys", "part_counts")
        alive_slots = np.flatnonzero(index._alive == 1).tolist()
        ids = index._ids
        index._slot_by_id = {ids[slot]: slot for slot in alive_slots}
        if not counted:  # a file written before the counts were kept
            for slot in alive_slots:
                index._count_name(index._names[slot], 1)
        return index


# The position of each NIK level in _BoundWeights.nik.
_NIK_LEVEL_NUMBERS = {
    Level.EXACT: 1,
    Level.ONE_CHARACTER_OFF: 2,
    Level.DIFFERENT: 3,
    Level.SERIAL_ONLY: 4,
    Level.REGION_ONE_OFF: 5,
}
# Rounding allowance between the bound and the full comparison's sum (bits).
_BOUND_TOLERANCE = 1e-9
# Name levels by token-sort similarity (0-100), the cuts of compare.name_matches.
_NAME_LEVEL_CUTS = np.array(
    [
        NAME_UNRELATED_SIMILARITY * 100 - 0.001,
        NAME_WEAK_SIMILARITY * 100 - 0.001,
        NAME_GOOD_SIMILARITY * 100 - 0.001,
        NAME_STRONG_SIMILARITY * 100 - 0.001,
        99.999,
    ]
)
# Pre-score weights (bits, roughly log-odds) of sharing one key: identifiers are strong
# evidence, each shared name key a little; the full comparison decides.
_CANDIDATE_KEY_WEIGHTS: dict[int, float] = {
    KeyKind.NIK: 30.0,
    KeyKind.PASSPORT: 30.0,
    KeyKind.PHONE: 20.0,
    KeyKind.NAME_KEY: 12.0,
    KeyKind.TOKEN_PAIR: 4.0,
    KeyKind.TOKEN_YEAR: 3.0,
    KeyKind.RARE_TOKEN: 2.0,
    KeyKind.BIRTH_DATE: 13.0,
    KeyKind.NIK_HEAD: 8.0,
}
