"""Indonesian personal names: normalisation, comparable keys and a fast similarity.

The same person is written in many ways: ``Hj. Siti Nurhayati, S.Pd.`` and ``SITI NUR HAYATI``;
``Moch. Djoko Soesilo`` and ``Muhammad Joko Susilo``; ``Saepul`` and ``Saiful``; ``A. Rahman``
and ``Ahmad Rahman``; ``Ujang bin Karta`` and ``Ujang``. Every rule below is documented with
examples in ``docs/core-names.md`` and can be switched off through :class:`NameRules`, so the
benchmark (``bench/bench_name_rules.py``) can measure what each one adds and costs.

Normalisation never destroys the input: the original name stays in the record; what this
module returns are *comparison keys*. Old and new spellings, Sundanese sounds and the many
ways to write Muhammad are folded into one key, so ``Soekarno`` and ``Sukarno`` share the
key ``sukarno``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from functools import lru_cache

from rapidfuzz.distance import OSA

__all__ = [
    "DEFAULT_RULES",
    "NAME_MATCH_THRESHOLD",
    "RULE_NAMES",
    "NameRules",
    "ParsedName",
    "clean_name",
    "clear_caches",
    "name_key",
    "name_similarity",
    "name_tokens",
    "normalize_name",
    "parse_name",
    "parsed_from_normalized",
    "phonetic_tokens",
    "split_parent_name",
]


@dataclass(frozen=True, slots=True)
class NameRules:
    """Which normalisation and comparison rules are on. All are on by default.

    Case, accents, punctuation and whitespace are always cleaned; everything else can be
    switched off, one rule at a time, for the ablation benchmark::

        name_similarity("Saepul", "Saiful", rules=DEFAULT_RULES.without("sundanese"))
    """

    titles: bool = True  # honorifics and degrees before/after the name (H., Hj., S.Pd.)
    muhammad: bool = True  # Muhammad, Muhamad, Mohammad, Moch., Muh., M. -> muhammad
    spelling_reform: bool = True  # oe->u, tj->c, dj->j, ch->kh, j->y (so sj->sy, nj->ny)
    sundanese: bool = True  # f/v->p, z->j; ae=ai (Saepul/Saiful, Pitri/Fitri, Jaenal/Zaenal)
    consonant_variants: bool = True  # kh->h, th->t, dh->d, q->k, x->ks, sh->sy
    vowel_variants: bool = True  # final y->i (Hendry/Hendri), iy->i (Supriyadi/Supriadi)
    doubled_letters: bool = True  # Jannah/Janah, Abdullah/Abdulah
    parent_name: bool = True  # bin/binti: compare the own name, the parent's name apart
    joined_tokens: bool = True  # Nurhayati/Nur Hayati, Abdulrahman/Abdul Rahman
    initials: bool = True  # A. Rahman / Ahmad Rahman
    partial_names: bool = True  # single name vs full name (Suharti / Suharti Ningsih)
    common_names: bool = True  # Siti, Nur, Muhammad... weigh less than rarer name parts

    def without(self, rule: str) -> NameRules:
        """A copy with one rule switched off."""
        if rule not in RULE_NAMES:
            raise ValueError(f"unknown name rule {rule!r}; known rules: {', '.join(RULE_NAMES)}")
        return replace(self, **{rule: False})


RULE_NAMES: tuple[str, ...] = tuple(field.name for field in fields(NameRules))
DEFAULT_RULES = NameRules()

# --- Word lists (lower-case, dots removed) -------------------------------------------------

# Honorifics and titles written before a name.
PREFIX_TITLES = frozenset(
    {
        "h",  # Haji
        "hj",  # Hajjah
        "haji",
        "hajjah",
        "hajah",
        "kh",  # Kyai Haji
        "kyai",
        "kiai",
        "ustadz",
        "ustad",
        "ust",
        "ustadzah",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "bapak",
        "bpk",
        "bp",
        "pak",
        "ibu",
        "bu",
        "sdr",
        "sdri",
        "saudara",
        "saudari",
        "tn",
        "tuan",
        "ny",
        "nyonya",
        "nn",
        "nona",
        "tb",  # Tubagus, a Banten hereditary title
        "tubagus",
        "raden",
        "rd",
    }
)

# Academic and professional degrees written after a name (Indonesian gelar).
DEGREES = frozenset(
    {
        "spd",
        "spdi",
        "se",
        "sei",
        "sh",
        "shi",
        "st",
        "sth",
        "skom",
        "ssi",
        "ssos",
        "sag",
        "sip",
        "sked",
        "skep",
        "sfarm",
        "sst",
        "stp",
        "spsi",
        "sikom",
        "sak",
        "sm",
        "sn",
        "ssn",
        "ssy",
        "spt",
        "sp",
        "mm",
        "mpd",
        "mpdi",
        "msi",
        "mh",
        "mkes",
        "mkom",
        "mt",
        "mag",
        "ma",
        "msc",
        "mba",
        "mhum",
        "mhi",
        "mei",
        "phd",
        "amd",
        "amdkep",
        "amdkeb",
        "amdkom",
        "amdak",
        "amk",
        "amkeb",
        "amkep",
        "apt",
        "lc",
        "ba",
        "bsc",
        "spog",
        "spa",
        "sppd",
    }
)

# Degrees unmistakable even without dots or a comma ("Ahmad Fauzi SPd"). The others ("se",
# "st", "ma", "sh") could be a name part and are removed only when written with dots or after
# a comma.
UNAMBIGUOUS_DEGREES = frozenset(
    {
        "spd",
        "spdi",
        "skom",
        "ssos",
        "ssi",
        "sag",
        "sked",
        "skep",
        "sfarm",
        "mpd",
        "mpdi",
        "msi",
        "mkes",
        "mkom",
        "phd",
        "amd",
        "amdkep",
        "amdkeb",
        "amdkom",
        "spog",
        "sppd",
    }
)

MUHAMMAD_VARIANTS = frozenset(
    {
        "muhammad",
        "muhamad",
        "muhammed",
        "muhamed",
        "muhamat",
        "muhammat",
        "mohammad",
        "mohamad",
        "mohammed",
        "mohamed",
        "mochammad",
        "mochamad",
        "mochamat",
        "mochammat",
        "muchammad",
        "muchamad",
        "mukhammad",
        "mukhamad",
        "mokhammad",
        "mokhamad",
        "moehammad",
        "moehamad",
        "mohd",
        "moch",
        "mochd",
        "moh",
        "muh",
        "muhd",
        "mhd",
        "mhmd",
        "mmd",
    }
)
MUHAMMAD = "muhammad"

# Markers of a patronymic: "Ujang bin Karta", "Siti binti Ahmad".
PARENT_MARKERS = frozenset({"bin", "binti", "bt", "bte", "binte"})
PARENT_MARKER = "bin"

# Leading name parts often written joined to the next part: Nurhayati / Nur Hayati,
# Abdulrahman / Abdurrahman / Abdul Rahman. Longest first.
JOINED_PREFIXES = (
    "muhammad",
    "muhamad",
    "abdur",
    "abdus",
    "abdun",
    "abdul",
    "nurul",
    "siti",
    "nur",
)
ABDUL_FORMS = frozenset({"abdul", "abdur", "abdus", "abdun", "abd", "abdu"})
ABDUL = "abdul"
MIN_JOINED_REMAINDER = 4

# Name parts so frequent that sharing them says little (raw spellings; folded per rule set).
COMMON_NAME_PARTS = (
    "siti",
    "nur",
    "nurul",
    "muhammad",
    "ahmad",
    "abdul",
    "sri",
    "dewi",
    "putri",
    "putra",
    "dwi",
    "tri",
    "eka",
    "agus",
    "ade",
    "dian",
    "ayu",
    "indah",
    "nengsih",
    "wati",
)
COMMON_WEIGHT = 0.5

# Scores of the comparison.
NAME_MATCH_THRESHOLD = 0.85  # at or above: the names may be the same person's (see bench/)
INITIAL_SCORE = 0.8  # "a" against "ahmad"
MIN_TOKEN_SCORE = 0.6  # below this, two name parts do not correspond at all
ONE_EDIT_SCORE = 0.88  # one typing error in a name part of ONE_EDIT_MIN_LENGTH letters or more
ONE_EDIT_MIN_LENGTH = 4
MIN_JOINED_SCORE = 0.85  # a joined-string comparison counts only when this close
PARENT_MISMATCH_FACTOR = 0.8  # both give a parent name and the parents differ
PARENT_AGREEMENT = 0.7  # parent names at least this similar agree
PARTIAL_WEIGHT = 0.75  # weight of the better-covered side when partial names are allowed
WEAK_EVIDENCE_FLOOR = 0.7  # a partial match resting only on a frequent part keeps 70-85 %

_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bb]")
_WORD = re.compile(r"([a-z]+)(\.)?")
_DOUBLED = re.compile(r"([a-z])\1+")
_FINAL_Y = re.compile(r"(?<=[^aiueo])y$")
_IY_VOWEL = re.compile(r"iy(?=[aeou])")


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name split into the person's own name parts and the parent's (after bin/binti)."""

    tokens: tuple[str, ...]  # own name parts, normalised, in written order
    parent: tuple[str, ...]  # parent's name parts after bin/binti, or ()
    key: str  # own name parts sorted and joined: order- and spacing-insensitive
    joined: str  # own name parts joined in written order
    sorted_tokens: tuple[str, ...] = ()  # own name parts in sorted order
    weights: tuple[float, ...] = ()  # weight of each own name part (frequent parts weigh less)
    parent_weights: tuple[float, ...] = ()


def _ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _words(segment: str) -> list[tuple[str, bool]]:
    """Letter runs of a segment with whether each was followed by a dot (an abbreviation)."""
    return [(match.group(1), match.group(2) is not None) for match in _WORD.finditer(segment)]


def _is_degree(words: list[tuple[str, bool]]) -> bool:
    text = "".join(word for word, _ in words)
    if text not in DEGREES:
        return False
    return text in UNAMBIGUOUS_DEGREES or any(dotted for _, dotted in words)


def _strip_trailing_degrees(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    while len(words) > 1:
        for size in (3, 2, 1):
            if len(words) > size and _is_degree(words[-size:]):
                words = words[:-size]
                break
        else:
            return words
    return words


def _strip_leading_titles(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    while len(words) > 1:
        first = words[0][0]
        if first in PREFIX_TITLES:
            words = words[1:]
        elif len(words) > 2 and words[0][1] and words[0][0] + words[1][0] == "kh":
            words = words[2:]  # "K. H." written with a space (not "D. R.", two initials)
        else:
            return words
    return words


def _segment_is_degrees(segment: str) -> bool:
    """A comma-separated segment made only of degrees (", S.Pd., M.M.")."""
    chunks = [_words(chunk) for chunk in segment.split()]
    chunks = [chunk for chunk in chunks if chunk]
    if not chunks:
        return True
    joined = "".join(word for chunk in chunks for word, _ in chunk)
    if joined in DEGREES:
        return True
    return all("".join(word for word, _ in chunk) in DEGREES for chunk in chunks)


def _raw_words(text: str, rules: NameRules) -> list[tuple[str, bool]]:
    cleaned = _APOSTROPHES.sub("", _ascii_lower(text))
    segments = cleaned.split(",")
    words = _words(segments[0])
    for segment in segments[1:]:
        if rules.titles and _segment_is_degrees(segment):
            continue
        words.extend(_words(segment))
    if rules.titles:
        words = _strip_trailing_degrees(_strip_leading_titles(words))
    return words


def _split_joined(word: str) -> list[str]:
    for prefix in JOINED_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_JOINED_REMAINDER:
            return [prefix, word[len(prefix) :]]
    return [word]


@lru_cache(maxsize=65536)
def _fold_token(token: str, rules: NameRules) -> str:
    """The comparable key of one name part under the given rules.

    The rewrites run until nothing changes, so a key folds to itself ("Racchel" gives
    "rachel" in one round and "rahel" in the next): normalising a normalised name is a no-op.
    """
    folded = _fold_once(token, rules)
    while folded != token:
        token, folded = folded, _fold_once(folded, rules)
    return folded


def _fold_once(token: str, rules: NameRules) -> str:
    if rules.muhammad and token in MUHAMMAD_VARIANTS:
        return MUHAMMAD
    if rules.joined_tokens and token in ABDUL_FORMS:
        token = ABDUL
    if rules.sundanese:
        token = token.replace("z", "j")
    if rules.spelling_reform:
        token = token.replace("oe", "u").replace("tj", "c").replace("dj", "j")
        token = token.replace("ch", "kh").replace("j", "y")
    if rules.sundanese:
        token = token.replace("f", "p").replace("v", "p")
    if rules.consonant_variants:
        token = token.replace("q", "k").replace("x", "ks")
        token = token.replace("kh", "h").replace("th", "t").replace("dh", "d").replace("sh", "sy")
    if rules.doubled_letters:
        token = _DOUBLED.sub(r"\1", token)
    if rules.vowel_variants:
        token = _IY_VOWEL.sub("i", _FINAL_Y.sub("i", token))
    if rules.muhammad and token in _folded_muhammad(rules):
        return MUHAMMAD  # "Muhammmad", "Moehamad": a Muhammad spelling not in the list
    return token


@lru_cache(maxsize=64)
def _folded_muhammad(rules: NameRules) -> frozenset[str]:
    """The keys the Muhammad spellings fold to under these rules (without the Muhammad rule)."""
    without = replace(rules, muhammad=False)
    return frozenset(
        _fold_token(variant, without) for variant in MUHAMMAD_VARIANTS if len(variant) > 4
    )


def _fold_and_split(token: str, rules: NameRules) -> list[str]:
    """Fold one name part, splitting known joined parts off its front, before folding
    (Abdurrahman) or after (Noerhayati folds to nurhayati, then splits), repeatedly."""
    pieces = _split_joined(token)
    if len(pieces) == 1:
        folded = _fold_token(token, rules)
        pieces = _split_joined(folded)
        if len(pieces) == 1:
            return [folded]
    return [_fold_token(pieces[0], rules), *_fold_and_split(pieces[1], rules)]


def _fold_parts(tokens: list[str], rules: NameRules) -> tuple[str, ...]:
    """Fold every name part (and split joined ones when that rule is on)."""
    if not rules.joined_tokens:
        return tuple(_fold_token(token, rules) for token in tokens)
    return tuple(piece for token in tokens for piece in _fold_and_split(token, rules))


def _tokens_with_muhammad_initial(words: list[tuple[str, bool]], rules: NameRules) -> list[str]:
    tokens = [word for word, _ in words]
    if rules.muhammad and len(tokens) > 1 and tokens[0] == "m":
        tokens[0] = MUHAMMAD  # "M. Rizki": a leading M. is Muhammad
    return tokens


@lru_cache(maxsize=64)
def _common_parts(rules: NameRules) -> frozenset[str]:
    if not rules.common_names:
        return frozenset()
    return frozenset(_fold_token(part, rules) for part in COMMON_NAME_PARTS)


PARSE_CACHE_SIZE = 262144
PAIR_CACHE_LIMIT = 500_000  # token pair scores kept per rule set (names repeat a lot)


def parse_name(text: str, rules: NameRules = DEFAULT_RULES) -> ParsedName:
    """Normalise a name into its own name parts and its parent's name parts (cached)."""
    if rules is DEFAULT_RULES:
        return _parse_with_default_rules(text)
    return _parse_with_rules(text, rules)


def clear_caches() -> None:
    """Forget cached normalisations and token scores (for benchmarks measuring cold calls)."""
    _parse_with_default_rules.cache_clear()
    _parse_with_rules.cache_clear()
    _fold_token.cache_clear()
    _PAIR_SCORES.clear()


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse_with_default_rules(text: str) -> ParsedName:
    # A separate cache: its key is the text alone, whose hash Python keeps, so a cached call
    # costs a dictionary lookup and no hashing of the rules.
    return _parse(text, DEFAULT_RULES)


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse_with_rules(text: str, rules: NameRules) -> ParsedName:
    return _parse(text, rules)


def _parse(text: str, rules: NameRules) -> ParsedName:
    words = _raw_words(text, rules)
    tokens = _tokens_with_muhammad_initial(words, rules)
    parent: list[str] = []
    if rules.parent_name:
        for index in range(1, len(tokens) - 1):
            is_marker = tokens[index] in PARENT_MARKERS or (
                tokens[index] == "b" and words[index][1]
            )
            if is_marker:
                tokens, parent = tokens[:index], tokens[index + 1 :]
                break
    own = _fold_parts(tokens, rules)
    parent_tokens = _fold_parts(parent, rules)
    common = _common_parts(rules)
    sorted_tokens = tuple(sorted(own))
    return ParsedName(
        tokens=own,
        parent=parent_tokens,
        key="".join(sorted_tokens),
        joined="".join(own),
        sorted_tokens=sorted_tokens,
        weights=tuple(COMMON_WEIGHT if token in common else 1.0 for token in own),
        parent_weights=tuple(COMMON_WEIGHT if token in common else 1.0 for token in parent_tokens),
    )


@lru_cache(maxsize=1)
def _default_common_parts() -> frozenset[str]:
    # Without the rules as an argument: hashing the rules costs more than the rest.
    return _common_parts(DEFAULT_RULES)


def parsed_from_normalized(normalized: str) -> ParsedName:
    """The :func:`parse_name` (default rules) of the name whose :func:`normalize_name` is
    ``normalized``, without running the name rules again: the normalised name *is* the
    parsed one, own parts, then the marker ``bin`` and the parent's parts. A screening index
    keeps normalised names in its file and rebuilds the parsed ones with this when it is
    loaded (parsing a million names again on first use costs the first screenings)."""
    parts = normalized.split()
    own, parent = parts, []
    for position in range(1, len(parts) - 1):
        if parts[position] == PARENT_MARKER:
            own, parent = parts[:position], parts[position + 1 :]
            break
    common = _default_common_parts()
    sorted_tokens = tuple(sorted(own))
    return ParsedName(
        tokens=tuple(own),
        parent=tuple(parent),
        key="".join(sorted_tokens),
        joined="".join(own),
        sorted_tokens=sorted_tokens,
        weights=tuple(COMMON_WEIGHT if token in common else 1.0 for token in own),
        parent_weights=tuple(COMMON_WEIGHT if token in common else 1.0 for token in parent),
    )


def normalize_name(text: str, *, rules: NameRules = DEFAULT_RULES) -> str:
    """The comparison form of a name: lower-case ASCII name parts joined by single spaces.

    Titles and degrees are removed, the Muhammad family unified, old spelling and regional
    sounds folded. A parent's name after bin/binti is kept after the marker ``bin``.

    >>> normalize_name("Hj. Siti Nurhayati, S.Pd.")
    'siti nur hayati'
    >>> normalize_name("Moch. Djoko Soesilo")
    'muhammad yoko susilo'
    """
    parsed = parse_name(text, rules)
    if parsed.parent:
        return " ".join((*parsed.tokens, PARENT_MARKER, *parsed.parent))
    return " ".join(parsed.tokens)


def name_tokens(text: str, *, rules: NameRules = DEFAULT_RULES) -> list[str]:
    """The name parts of :func:`normalize_name`."""
    return normalize_name(text, rules=rules).split()


def split_parent_name(
    text: str, *, rules: NameRules = DEFAULT_RULES
) -> tuple[list[str], list[str]]:
    """The person's own name parts and the parent's name parts (after bin/binti)."""
    parsed = parse_name(text, rules)
    return list(parsed.tokens), list(parsed.parent)


def name_key(text: str, *, rules: NameRules = DEFAULT_RULES) -> str:
    """The person's own name parts sorted and joined without spaces.

    Insensitive to order, spacing of known joined parts (Nurhayati / Nur Hayati) and to a
    parent's name after bin/binti, so ``Ujang bin Karta`` and ``Ujang`` share the key.
    """
    return parse_name(text, rules).key


def clean_name(text: str) -> str:
    """The name tidied for display: titles and degrees removed, spelling left as written."""
    words = _raw_words(text, DEFAULT_RULES)
    return " ".join(word.capitalize() for word, _ in words)


_CONSONANT_CLASSES = str.maketrans(
    {
        "b": "p",
        "f": "p",
        "v": "p",
        "d": "t",
        "g": "k",
        "q": "k",
        "c": "k",
        "z": "s",
        "x": "s",
        "j": "y",
    }
)
_VOWELS_AND_H = re.compile(r"[aiueoh]")
PHONETIC_LENGTH = 4


@lru_cache(maxsize=65536)
def _phonetic_code(token: str) -> str:
    if len(token) == 1:
        return token
    first = token[0].translate(_CONSONANT_CLASSES)
    rest = _VOWELS_AND_H.sub("", token[1:].translate(_CONSONANT_CLASSES))
    code = _DOUBLED.sub(r"\1", first + rest)
    return code[:PHONETIC_LENGTH]


def phonetic_tokens(text: str, *, rules: NameRules = DEFAULT_RULES) -> list[str]:
    """Coarse per-part phonetic codes of the own name, for blocking candidate pairs.

    Each code is the first letter and the following consonants, with similar-sounding
    consonants merged (b/p/f/v, d/t, g/k/q/c, s/z/x, j/y), vowels and h dropped, at most
    four characters: ``rahman`` -> ``rmn``, ``rachman`` -> ``rkmn``... after normalisation
    both are ``rahman``, so both give ``rmn``.
    """
    return [_phonetic_code(token) for token in parse_name(text, rules).tokens]


def _token_score(left: str, right: str, rules: NameRules) -> float:
    """How alike two normalised name parts are: 1 equal (also when they differ only in
    Sundanese ae for ai), ``INITIAL_SCORE`` for an initial and a part with that first letter,
    at least ``ONE_EDIT_SCORE`` for one typing error (a wrong, missing, extra or swapped
    letter) in parts of four letters or more, else the OSA similarity; 0 below
    ``MIN_TOKEN_SCORE``."""
    if left == right:
        return 1.0
    if len(left) == 1 or len(right) == 1:
        return INITIAL_SCORE if rules.initials and left[0] == right[0] else 0.0
    if (
        rules.sundanese
        and ("ai" in left or "ai" in right)
        and left.replace("ai", "ae") == right.replace("ai", "ae")
    ):
        return 1.0
    if len(left) < len(right):
        shorter, longer = len(left), len(right)
    else:
        shorter, longer = len(right), len(left)
    # Past this many edits the similarity is below MIN_TOKEN_SCORE: let OSA stop early.
    most_edits = int(longer * (1.0 - MIN_TOKEN_SCORE) + 1e-9)
    if longer - shorter > most_edits:
        return 0.0
    edits = OSA.distance(left, right, score_cutoff=most_edits)
    if edits > most_edits:
        return 0.0
    score = 1.0 - edits / longer
    if edits == 1 and shorter >= ONE_EDIT_MIN_LENGTH:
        return max(score, ONE_EDIT_SCORE)
    return score


_PAIR_SCORES: dict[NameRules, dict[tuple[str, str], float]] = {}


def _pair_scores(rules: NameRules) -> dict[tuple[str, str], float]:
    cache = _PAIR_SCORES.get(rules)
    if cache is None:
        cache = _PAIR_SCORES[rules] = {}
    return cache


def _cached_token_score(
    left: str, right: str, rules: NameRules, cache: dict[tuple[str, str], float]
) -> float:
    if left == right:
        return 1.0
    key = (left, right)
    score = cache.get(key)
    if score is None:
        score = _token_score(left, right, rules)
        if len(cache) < PAIR_CACHE_LIMIT:
            cache[key] = score
    return score


def _coverage(
    left: tuple[str, ...],
    left_weights: tuple[float, ...],
    right: tuple[str, ...],
    right_weights: tuple[float, ...],
    rules: NameRules,
) -> tuple[float, float, float]:
    """Align name parts one to one (best pairs first) and return the share of each side that
    is matched, and the evidence: the weight of what matched, capped at 1 (a lone shared
    "Siti" is weak evidence)."""
    cache = _pair_scores(rules)
    if len(left) == 1 and len(right) == 1:
        score = _cached_token_score(left[0], right[0], rules, cache)
        evidence = max(left_weights[0], right_weights[0]) if score > 0.0 else 0.0
        return score, score, min(1.0, evidence)
    pairs = []
    for i, left_token in enumerate(left):
        for j, right_token in enumerate(right):
            score = _cached_token_score(left_token, right_token, rules, cache)
            if score > 0.0:
                pairs.append((score, i, j))
    pairs.sort(reverse=True)
    used_left = [False] * len(left)
    used_right = [False] * len(right)
    matched = evidence = 0.0
    for score, i, j in pairs:
        if used_left[i] or used_right[j]:
            continue
        used_left[i] = used_right[j] = True
        matched += score
        evidence += max(left_weights[i], right_weights[j])
    return matched / len(left), matched / len(right), min(1.0, evidence)


def _parts_similarity(
    left: tuple[str, ...],
    left_weights: tuple[float, ...],
    right: tuple[str, ...],
    right_weights: tuple[float, ...],
    rules: NameRules,
) -> float:
    if not left or not right:
        return 0.0
    cover_left, cover_right, evidence = _coverage(left, left_weights, right, right_weights, rules)
    high, low = max(cover_left, cover_right), min(cover_left, cover_right)
    if rules.partial_names:
        score = PARTIAL_WEIGHT * high + (1.0 - PARTIAL_WEIGHT) * low
        score *= WEAK_EVIDENCE_FLOOR + (1.0 - WEAK_EVIDENCE_FLOOR) * evidence
    else:
        score = (high + low) / 2.0
    if rules.joined_tokens and len(left) != len(right) and score < 1.0:
        joined = OSA.normalized_similarity(
            "".join(left), "".join(right), score_cutoff=MIN_JOINED_SCORE
        )
        score = max(score, float(joined))
    return score


def parsed_name_similarity(left: ParsedName, right: ParsedName, rules: NameRules) -> float:
    """``name_similarity`` of two names already parsed: the hot path of record comparison."""
    if not left.tokens or not right.tokens:
        return 0.0
    if left.sorted_tokens == right.sorted_tokens or (rules.joined_tokens and left.key == right.key):
        score = 1.0
    else:
        score = _parts_similarity(left.tokens, left.weights, right.tokens, right.weights, rules)
    if not rules.parent_name or not (left.parent or right.parent):
        return score
    if left.parent and right.parent:
        parents = _parts_similarity(
            left.parent, left.parent_weights, right.parent, right.parent_weights, rules
        )
        if parents < PARENT_AGREEMENT:
            score *= PARENT_MISMATCH_FACTOR
        return score
    # "Ahmad Sulaiman" against "Ahmad bin Sulaiman": the parent's name written without the
    # marker, as a last name.
    with_parent = _parts_similarity(
        left.tokens + left.parent,
        left.weights + left.parent_weights,
        right.tokens + right.parent,
        right.weights + right.parent_weights,
        rules,
    )
    return max(score, with_parent)


def name_similarity(a: str, b: str, *, rules: NameRules = DEFAULT_RULES) -> float:
    """How alike two names are, in [0, 1]; symmetric.

    1.0 when the normalised own names agree (any order, known joined parts split). Name parts
    are aligned one to one: equal parts score 1, an initial against a part with that first
    letter ``INITIAL_SCORE``, one typing error ``ONE_EDIT_SCORE``, other parts their
    similarity (0 below ``MIN_TOKEN_SCORE``). Frequent parts (Siti, Nur, Muhammad...) weigh
    half. A single name fully found in a longer name scores high but below 1. When both
    names give a parent (bin/binti) and the parents differ, the score is lowered.
    """
    left, right = parse_name(a, rules), parse_name(b, rules)
    if left.key > right.key or (left.key == right.key and a > b):
        left, right = right, left  # one fixed order keeps the greedy alignment symmetric
    return parsed_name_similarity(left, right, rules)
