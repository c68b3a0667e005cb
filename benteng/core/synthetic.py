"""Synthetic Indonesian identities with realistic variation and ground truth.

Used by the benchmarks (screening, linkage, name rules) and for demo data. No real person's
data: names are drawn from pools built once from Faker's ``id_ID`` provider lists and a list
of common Indonesian (including Sundanese and Javanese) names; NIKs, dates, phones and
addresses are generated.

Each person has a *canonical* record; *variants* are the same person as another source
writes them: old spelling, another way to write Muhammad, titles and degrees, joined or split
name parts, Sundanese sounds, typing errors, initials, a dropped name part, bin/binti with the
father's name, a swapped day and month, missing fields. Different people deliberately share
common name parts (Siti, Nur, Muhammad...) and some share a whole name, so they look alike.

Everything is deterministic for a given seed. One million people with one variant each are
generated in about half a minute on one core: all random draws for the canonical records are
vectorised with numpy; only the string assembly runs per record.
"""

from __future__ import annotations

import datetime
import gc
import random
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import numpy as np
from faker.providers.address.id_ID import Provider as FakerAddressProvider
from faker.providers.person.id_ID import Provider as FakerPersonProvider

from benteng.core.nik import PROVINCE_CODES, banten_regions
from benteng.core.records import IdentityRecord

__all__ = [
    "DEFAULT_CONFIG",
    "NAME_VARIATIONS",
    "SyntheticConfig",
    "SyntheticDataset",
    "generate_dataset",
    "generate_identities",
    "hard_negative_pairs",
    "name_variant",
]

# In the order they are applied: spelling first, then structure, then what is written around
# the name (bin/binti, titles, case), so a spelling change never touches a title.
NAME_VARIATIONS: tuple[str, ...] = (
    "spelling_reform",  # Sukarno -> Soekarno, Joko -> Djoko, Cahyo -> Tjahjo
    "muhammad",  # Muhammad -> Moch. / Muhamad / M.
    "sundanese",  # Saiful -> Saepul, Fitri -> Pitri, Zaenal -> Jaenal
    "consonant_variants",  # Ahmad -> Achmad, Hairul -> Khairul
    "vowel_variants",  # Hendri -> Hendry, Supriadi -> Supriyadi
    "doubled_letters",  # Abdullah -> Abdulah, Janah -> Jannah
    "typo",  # one wrong, missing, extra or swapped letter
    "joined_split",  # Nur Hayati <-> Nurhayati
    "initial",  # Ahmad Rahman -> A. Rahman
    "drop_part",  # Suharti Ningsih -> Suharti
    "reorder",  # Budi Santoso -> Santoso Budi
    "parent_name",  # Ujang -> Ujang bin Karta
    "titles",  # H., Hj., Drs. before; S.Pd., S.E. after
    "case_spacing",  # UPPER CASE, extra spaces
)


def _default_name_mix() -> Mapping[str, float]:
    return MappingProxyType(
        {
            "spelling_reform": 1.0,
            "muhammad": 3.0,  # among the names it applies to (a tenth contain Muhammad)
            "titles": 1.0,
            "joined_split": 1.0,
            "sundanese": 0.8,
            "consonant_variants": 0.6,
            "vowel_variants": 0.6,
            "doubled_letters": 0.4,
            "typo": 1.0,
            "initial": 0.6,
            "drop_part": 0.8,
            "parent_name": 0.5,
            "case_spacing": 0.8,
            "reorder": 0.2,
        }
    )


@dataclass(frozen=True)
class SyntheticConfig:
    """How many variants, which variations and how often fields go wrong or missing.

    ``name_mix`` gives relative weights of the name variations (keys from
    :data:`NAME_VARIATIONS`; a weight of 0 switches a variation off). Each variant gets one
    name variation, a second with ``second_variation_rate``, a third with
    ``third_variation_rate``. Field rates are probabilities per variant.
    """

    variants_per_person: float = 1.0
    name_mix: Mapping[str, float] = field(default_factory=_default_name_mix)
    second_variation_rate: float = 0.35
    third_variation_rate: float = 0.1
    namesake_rate: float = 0.03  # canonical people who carry another person's exact name
    birth_date_missing: float = 0.08
    birth_date_swapped: float = 0.05  # day and month swapped (when both are <= 12)
    birth_date_year_off: float = 0.02
    sex_missing: float = 0.05
    nik_missing: float = 0.3
    nik_typo: float = 0.03
    passport_missing: float = 0.5
    phone_missing: float = 0.4
    address_missing: float = 0.3
    birth_place_missing: float = 0.2
    banten_share: float = 0.8  # people whose NIK and address are in Banten
    today: datetime.date = datetime.date(2026, 1, 1)


DEFAULT_CONFIG = SyntheticConfig()


@dataclass(frozen=True)
class SyntheticDataset:
    """Canonical records, their variants and the ground truth."""

    canonical: list[IdentityRecord]
    variants: list[IdentityRecord]
    truth: dict[str, str]  # variant id -> canonical id
    variations: dict[str, tuple[str, ...]]  # variant id -> name variations applied


# --- Name pools ------------------------------------------------------------------------------

COMMON_MALE_FIRST = (
    "Agus", "Budi", "Joko", "Bambang", "Slamet", "Supriadi", "Hendra", "Hendri", "Yusuf",
    "Rahmat", "Hidayat", "Syamsul", "Saiful", "Zaenal", "Fauzi", "Ujang", "Asep", "Dedi",
    "Iwan", "Wahyu", "Cahyo", "Nyoman", "Suryadi", "Junaedi", "Hairul", "Hasan", "Ilham",
    "Rizki", "Fajar", "Taufik", "Zulkifli", "Arif", "Yanto", "Sukarno", "Suharto", "Susilo",
    "Kusnadi", "Sutrisno", "Sujono", "Mulyadi", "Cecep", "Dadang", "Aceng", "Endang", "Jajang",
    "Ahmad", "Abdulrahman", "Abdullah", "Kholil", "Ridwan", "Sopyan", "Udin", "Nurdin", "Irfan",
    "Rudi", "Eko", "Dwi", "Tri", "Heri", "Dodi", "Yayan", "Engkos", "Maman", "Usep"
)  # fmt: skip
COMMON_FEMALE_FIRST = (
    "Nurhayati", "Fitri", "Yanti", "Rina", "Wartini", "Suharti", "Sukaesih", "Maryam", "Aminah",
    "Fatimah", "Juariah", "Yuyun", "Cucu", "Euis", "Neneng", "Iis", "Ela", "Lilis", "Tuti",
    "Wahyuni", "Yuliani", "Khadijah", "Zahra", "Zainab", "Rohimah", "Rohaeti", "Jubaedah",
    "Nurjanah", "Nuraini", "Dewi", "Sri", "Ratna", "Komariah", "Eni", "Nining", "Imas", "Entin",
    "Iyah", "Enung", "Elis", "Ai", "Nia", "Rini", "Yuli", "Novi", "Susanti"
)  # fmt: skip
COMMON_LAST_MALE = (
    "Hidayat", "Saputra", "Santoso", "Susanto", "Wahyudi", "Kurniawan", "Setiawan", "Hermawan",
    "Gunawan", "Firmansyah", "Maulana", "Ramdani", "Sopian", "Mulyana", "Sudrajat", "Permana",
    "Hakim", "Rahman", "Syahputra", "Yusuf", "Sujana", "Supriatna", "Jaelani", "Hamdani",
    "Kurnia", "Mutaqin", "Zakaria", "Suhendar", "Ramadhan", "Jamaludin"
)  # fmt: skip
COMMON_LAST_FEMALE = (
    "Nurjanah", "Rahmawati", "Handayani", "Lestari", "Wulandari", "Kusumawati", "Suryani",
    "Fauziah", "Hasanah", "Kartika", "Ningsih", "Sari", "Rohmah", "Fadilah", "Maryani",
    "Yuliani", "Rohaeti", "Sukaesih", "Hidayati", "Kurniasih",
)  # fmt: skip
# Leading parts that make different people look alike, with their share per sex.
MALE_LEADING = (("Muhammad", 0.16), ("Ahmad", 0.05), ("Abdul", 0.02), ("Nur", 0.01))
FEMALE_LEADING = (("Siti", 0.15), ("Nur", 0.05), ("Sri", 0.04), ("Dewi", 0.02))
LEADING_PARTS = frozenset(part for part, _ in (*MALE_LEADING, *FEMALE_LEADING))
NAME_PARTS_SHARES = (0.15, 0.55, 0.30)  # one, two or three name parts
ZIPF_EXPONENT = 0.9
ZIPF_OFFSET = 5.0

MUHAMMAD_SPELLINGS = ("Muhamad", "Mohammad", "Mohamad", "Mochammad", "Moch.", "Moh.", "Muh.",
                      "Mhd.", "M.")  # fmt: skip
BARE_PARTS = LEADING_PARTS | frozenset(MUHAMMAD_SPELLINGS)
MALE_TITLES = ("H.", "Drs.", "Ir.", "Bapak", "Bpk.", "Dr.", "Tb.")
FEMALE_TITLES = ("Hj.", "Dra.", "Ibu", "Ir.", "Hajjah")
DEGREES = (", S.Pd.", ", S.E.", " S.Kom", ", S.H.", ", A.Md.", ", S.Pd.I", ", S.E., M.M.",
           " S.Pd", ", M.Pd.")  # fmt: skip
# fmt: off
PHONE_PREFIXES = ("811", "812", "813", "821", "822", "823", "851", "852", "853", "814",
                  "815", "816", "855", "856", "857", "858", "877", "878", "817", "818", "819",
                  "859", "895", "896", "897", "898", "899", "831", "832", "838", "881", "882")
# fmt: on
PASSPORT_LETTERS = "ABCEX"
KEYBOARD_NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}  # fmt: skip


def _unique(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in names if name.isalpha()))


@dataclass(frozen=True)
class _Pools:
    male_first: tuple[str, ...]
    female_first: tuple[str, ...]
    male_last: tuple[str, ...]
    female_last: tuple[str, ...]
    banten_districts: tuple[str, ...]
    villages_by_district: dict[str, tuple[str, ...]]
    region_names: Mapping[str, str]
    cities: tuple[str, ...]
    streets: tuple[str, ...]


@lru_cache(maxsize=1)
def _pools() -> _Pools:
    """Name and place pools, built once."""
    person = FakerPersonProvider
    regions = banten_regions()
    villages: dict[str, list[str]] = defaultdict(list)
    for code in regions:
        if code.count(".") == 3:
            villages[code.rsplit(".", 1)[0]].append(code)
    districts = tuple(sorted(code for code in regions if code.count(".") == 2))
    return _Pools(
        male_first=_unique((*COMMON_MALE_FIRST, *person.first_names_male)),
        female_first=_unique((*COMMON_FEMALE_FIRST, *person.first_names_female)),
        male_last=_unique((*COMMON_LAST_MALE, *person.last_names_male)),
        female_last=_unique((*COMMON_LAST_FEMALE, *person.last_names_female)),
        banten_districts=districts,
        villages_by_district={code: tuple(sorted(codes)) for code, codes in villages.items()},
        region_names=regions,
        cities=tuple(FakerAddressProvider.cities),
        streets=tuple(FakerAddressProvider.streets),
    )


def _zipf_weights(size: int) -> np.ndarray:
    weights = 1.0 / (np.arange(size, dtype=np.float64) + ZIPF_OFFSET) ** ZIPF_EXPONENT
    return np.asarray(weights / weights.sum())


def _draw(rng: np.random.Generator, pool: Sequence[str], size: int) -> list[str]:
    """``size`` draws from a pool; earlier entries are more frequent (Zipf-like)."""
    indices = rng.choice(len(pool), size=size, p=_zipf_weights(len(pool)))
    return [pool[i] for i in indices.tolist()]


def _leading(
    rng: np.random.Generator, first: list[str], leading: tuple[tuple[str, float], ...]
) -> list[str]:
    """Replace a share of first names with the common leading parts (Siti, Muhammad...)."""
    draws = rng.random(len(first)).tolist()
    result = list(first)
    for index, value in enumerate(draws):
        cumulative = 0.0
        for part, share in leading:
            cumulative += share
            if value < cumulative:
                result[index] = part
                break
    return result


def _names(rng: np.random.Generator, is_female: np.ndarray) -> tuple[list[str], list[str]]:
    """Full names and fathers' first names for every person."""
    pools = _pools()
    size = len(is_female)
    female = is_female.tolist()
    male_first = _draw(rng, pools.male_first, size)
    female_first = _draw(rng, pools.female_first, size)
    male_second = _draw(rng, pools.male_first + pools.male_last, size)
    female_second = _draw(rng, pools.female_first + pools.female_last, size)
    male_last = _draw(rng, pools.male_last, size)
    female_last = _draw(rng, pools.female_last, size)
    fathers = _draw(rng, pools.male_first, size)
    male_lead = _leading(rng, male_first, MALE_LEADING)
    female_lead = _leading(rng, female_first, FEMALE_LEADING)
    parts = rng.choice(3, size=size, p=NAME_PARTS_SHARES).tolist()
    names: list[str] = []
    for i in range(size):
        if female[i]:
            first, second, last, lead = (
                female_first[i],
                female_second[i],
                female_last[i],
                female_lead[i],
            )
        else:
            first, second, last, lead = male_first[i], male_second[i], male_last[i], male_lead[i]
        count = parts[i] + 1
        if count == 1:
            names.append(first)
        elif lead != first:
            names.append(f"{lead} {second}" if count == 2 else f"{lead} {second} {last}")
        else:
            names.append(f"{first} {last}" if count == 2 else f"{first} {second} {last}")
    return names, fathers


# --- Name variations --------------------------------------------------------------------------

_OLD_SPELLING = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("kh", "ch"), ("sy", "sj"),
                 ("ny", "nj"))  # fmt: skip


def _match_case(template: str, text: str) -> str:
    if template.isupper() and len(template) > 1:
        return text.upper()
    if template[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def _below(rng: random.Random, size: int) -> int:
    """A random index below ``size`` (faster than ``randrange`` in the hot loop)."""
    return int(rng.random() * size)


def _pick(rng: random.Random, items: Sequence[str]) -> str:
    return items[int(rng.random() * len(items))]


def _some(rng: random.Random, count: int) -> list[bool]:
    """A random non-empty subset of ``count`` items, as flags."""
    flags = [rng.random() < 0.5 for _ in range(count)]
    if not any(flags):
        flags[_below(rng, count)] = True
    return flags


def _vary_tokens(
    tokens: list[str], pairs: Sequence[tuple[str, str]], rng: random.Random
) -> list[str] | None:
    """Apply a random non-empty subset of the applicable replacements to some name parts,
    in the order of ``pairs`` (so Cahyo becomes Tjahjo, not Cahdjo)."""
    lowered = [token.lower() for token in tokens]
    candidates = [i for i, lower in enumerate(lowered) if any(old in lower for old, _ in pairs)]
    if not candidates:
        return None
    result = list(tokens)
    for index, chosen in zip(candidates, _some(rng, len(candidates)), strict=True):
        if not chosen:
            continue
        lower = lowered[index]
        applicable = [(old, new) for old, new in pairs if old in lower]
        for (old, new), use in zip(applicable, _some(rng, len(applicable)), strict=True):
            if use:
                lower = lower.replace(old, new)
        result[index] = _match_case(tokens[index], lower)
    return result if result != tokens else None


def _typo(tokens: list[str], rng: random.Random) -> list[str] | None:
    candidates = [i for i, token in enumerate(tokens) if len(token) >= 4 and token.isalpha()]
    if not candidates:
        return None
    index = candidates[_below(rng, len(candidates))]
    token = tokens[index]
    position = 1 + _below(rng, len(token) - 1)
    kind = _below(rng, 4)
    char = token[position].lower()
    if kind == 0:  # neighbouring key
        replacement = _pick(rng, KEYBOARD_NEIGHBOURS.get(char, "a"))
        varied = token[:position] + replacement + token[position + 1 :]
    elif kind == 1:  # missing letter
        varied = token[:position] + token[position + 1 :]
    elif kind == 2:  # doubled letter
        varied = token[:position] + char + token[position:]
    else:  # swapped neighbours
        if position == len(token) - 1:
            position -= 1
        varied = token[:position] + token[position + 1] + token[position] + token[position + 2 :]
    result = list(tokens)
    result[index] = varied
    return result if varied != token else None


_VOWELS = frozenset("aiueo")


def _consonant_variant(tokens: list[str], rng: random.Random) -> list[str] | None:
    """One aspirate or foreign-letter spelling: Hairul/Khairul, Ahmad/Achmad, Toha/Thoha,
    Ramdani/Ramdhani, Komariah/Qomariah."""
    options: list[tuple[int, str, str]] = []
    for index, token in enumerate(tokens):
        lower = token.lower()
        if len(lower) < 3:
            continue
        if "kh" in lower:
            options.append((index, "kh", "h"))
        if "hm" in lower:
            options.append((index, "hm", "chm"))
        if lower[0] == "h" and lower[1] in _VOWELS:
            options.append((index, "h", "kh"))
        if lower[0] == "t" and lower[1] in _VOWELS:
            options.append((index, "t", "th"))
        if "da" in lower[1:]:
            options.append((index, "da", "dha"))
        if lower[0] == "k" and lower[1] in _VOWELS:
            options.append((index, "k", "q"))
    if not options:
        return None
    index, old, new = options[_below(rng, len(options))]
    varied = _match_case(tokens[index], tokens[index].lower().replace(old, new, 1))
    return [*tokens[:index], varied, *tokens[index + 1 :]]


_JOINED_PREFIXES = ("Abdul", "Nurul", "Siti", "Nur")


def _joined_split(tokens: list[str], rng: random.Random) -> list[str] | None:
    for index, token in enumerate(tokens):
        for prefix in _JOINED_PREFIXES:
            rest = token[len(prefix) :]
            if token.startswith(prefix) and len(rest) >= 4:
                return [*tokens[:index], prefix, rest.capitalize(), *tokens[index + 1 :]]
    for index, token in enumerate(tokens[:-1]):
        if token in _JOINED_PREFIXES or (token in ("Sri", "Dewi") and rng.random() < 0.5):
            joined = token + tokens[index + 1].lower()
            return [*tokens[:index], joined, *tokens[index + 2 :]]
    if len(tokens) >= 2 and rng.random() < 0.5:
        index = _below(rng, len(tokens) - 1)
        return [*tokens[:index], tokens[index] + tokens[index + 1].lower(), *tokens[index + 2 :]]
    return None


def _apply_variation(
    variation: str, tokens: list[str], is_female: bool, father: str, rng: random.Random
) -> list[str] | None:
    """The name parts with one variation applied, or ``None`` if it does not apply."""
    if variation == "spelling_reform":
        return _vary_tokens(tokens, _OLD_SPELLING, rng)
    if variation == "muhammad":
        if "Muhammad" not in tokens or len(tokens) < 2:
            return None
        return [_pick(rng, MUHAMMAD_SPELLINGS) if t == "Muhammad" else t for t in tokens]
    if variation == "titles":
        if rng.random() < 0.5:
            return [_pick(rng, FEMALE_TITLES if is_female else MALE_TITLES), *tokens]
        return [*tokens[:-1], tokens[-1] + _pick(rng, DEGREES)]
    if variation == "joined_split":
        return _joined_split(tokens, rng)
    if variation == "sundanese":
        return _vary_tokens(tokens, _SUNDANESE, rng)
    if variation == "consonant_variants":
        return _consonant_variant(tokens, rng)
    if variation == "vowel_variants":
        result = [t[:-1] + "y" if t.endswith("i") and len(t) > 3 else t for t in tokens]
        result = [t.replace("ia", "iya") for t in result]
        return result if result != tokens else None
    if variation == "doubled_letters":
        return _vary_tokens(tokens, _DOUBLING, rng)
    if variation == "typo":
        return _typo(tokens, rng)
    if variation == "initial":
        if len(tokens) < 2:
            return None
        index = _below(rng, len(tokens) - 1)
        return [*tokens[:index], tokens[index][0] + ".", *tokens[index + 1 :]]
    if variation == "drop_part":
        if len(tokens) < 2:
            return None
        drop = _below(rng, len(tokens))
        kept = [t for i, t in enumerate(tokens) if i != drop]
        # Nobody is written down as a bare "Siti", "Moch." or "A.".
        return None if all(t in BARE_PARTS or len(t) <= 2 for t in kept) else kept
    if variation == "parent_name":
        return [*tokens, "binti" if is_female else "bin", father]
    if variation == "case_spacing":
        cased = [t.upper() for t in tokens] if rng.random() < 0.6 else [t.lower() for t in tokens]
        spaced = [""] * (2 * len(cased) - 1)  # an empty part joins as a double space
        spaced[::2] = cased
        return spaced
    if variation == "reorder":
        if len(tokens) < 2:
            return None
        return [*tokens[1:], tokens[0]]
    raise ValueError(f"unknown name variation {variation!r}")


def name_variant(
    name: str,
    variations: Sequence[str],
    *,
    rng: random.Random,
    is_female: bool = False,
    father: str = "Ahmad",
) -> tuple[str, tuple[str, ...]]:
    """The name with the given variations applied in order; returns the applied ones.

    Variations that do not apply to this name (no Muhammad to rewrite, a single name to
    abbreviate) are skipped and left out of the returned list.
    """
    tokens = name.split()
    applied: list[str] = []
    for variation in variations:
        varied = _apply_variation(variation, tokens, is_female, father, rng)
        if varied is not None and varied != tokens and _has_full_part(varied):
            tokens = varied
            applied.append(variation)
    return " ".join(tokens), tuple(applied)


# --- Records --------------------------------------------------------------------------------


def _birth_dates(rng: np.random.Generator, size: int, today: datetime.date) -> list[datetime.date]:
    ages = np.clip(rng.normal(32.0, 11.0, size), 17.0, 75.0)
    ordinals = today.toordinal() - (ages * 365.25).astype(np.int64) - rng.integers(0, 365, size)
    return [datetime.date.fromordinal(value) for value in ordinals.tolist()]


@dataclass(frozen=True, slots=True)
class _Village:
    code: str
    place: str  # the kab/kota name without "Kabupaten"/"Kota", as a birth place
    address: str  # "{rt}" and "{rw}" left to fill


@lru_cache(maxsize=1)
def _villages_by_district() -> dict[str, tuple[_Village, ...]]:
    pools = _pools()
    result: dict[str, tuple[_Village, ...]] = {}
    for district in pools.banten_districts:
        regency = pools.region_names[district.rsplit(".", 1)[0]]
        place = regency.removeprefix("Kabupaten ").removeprefix("Kota ")
        kecamatan = pools.region_names[district]
        villages = []
        for code in pools.villages_by_district.get(district, ()):
            desa = pools.region_names[code]
            kind = "Kel." if code.rsplit(".", 1)[1].startswith("1") else "Desa"
            address = f"Kp. {desa} RT 00{{rt}}/RW 00{{rw}}, {kind} {desa}, Kec. {kecamatan}"
            villages.append(_Village(code, place, address))
        if not villages:
            villages.append(_Village(district, place, f"Kec. {kecamatan}, {regency}"))
        result[district] = tuple(villages)
    return result


def _canonical_records(
    rng: np.random.Generator, n_people: int, config: SyntheticConfig
) -> tuple[list[IdentityRecord], list[str]]:
    pools = _pools()
    villages_by_district = _villages_by_district()
    is_female = rng.random(n_people) < 0.5
    names, fathers = _names(rng, is_female)
    namesakes = np.flatnonzero(rng.random(n_people) < config.namesake_rate).tolist()
    if n_people > 1:
        sources = rng.integers(0, n_people, len(namesakes)).tolist()
        for target, source in zip(namesakes, sources, strict=True):
            names[target] = names[source]
    birth_dates = _birth_dates(rng, n_people, config.today)
    in_banten = (rng.random(n_people) < config.banten_share).tolist()
    district_picks = rng.integers(0, len(pools.banten_districts), n_people).tolist()
    village_picks = rng.integers(0, 10_000, n_people).tolist()
    other_provinces = [code for code in PROVINCE_CODES if code != "36"]
    province_picks = rng.integers(0, len(other_provinces), n_people).tolist()
    regency_picks = rng.integers(1, 20, n_people).tolist()
    kecamatan_picks = rng.integers(1, 25, n_people).tolist()
    serials = rng.integers(1, 400, n_people).tolist()
    has_phone = (rng.random(n_people) < 0.85).tolist()
    phone_prefixes = rng.integers(0, len(PHONE_PREFIXES), n_people).tolist()
    phone_numbers = rng.integers(1_000_000, 99_999_999, n_people).tolist()
    has_passport = (rng.random(n_people) < 0.6).tolist()
    passport_letters = rng.integers(0, len(PASSPORT_LETTERS), n_people).tolist()
    passport_numbers = rng.integers(1_000_000, 9_999_999, n_people).tolist()
    city_picks = rng.integers(0, len(pools.cities), n_people).tolist()
    street_picks = rng.integers(0, len(pools.streets), n_people).tolist()
    female = is_female.tolist()
    records: list[IdentityRecord] = []
    append = records.append
    for i in range(n_people):
        birth = birth_dates[i]
        pick = village_picks[i]
        if in_banten[i]:
            district = pools.banten_districts[district_picks[i]]
            villages = villages_by_district[district]
            village = villages[pick % len(villages)]
            region_code, place = village.code, village.place
            address = village.address.format(rt=pick % 9 + 1, rw=pick % 7 + 1)
            region_digits = district.replace(".", "")
        else:
            province = other_provinces[province_picks[i]]
            region_code = f"{province}.{regency_picks[i]:02d}.{kecamatan_picks[i]:02d}"
            region_digits = region_code.replace(".", "")
            place = pools.cities[city_picks[i]]
            address = f"Jl. {pools.streets[street_picks[i]]} No. {pick % 200 + 1}, {place}"
        day = birth.day + 40 if female[i] else birth.day
        append(
            IdentityRecord(
                id=f"P{i:07d}",
                name=names[i],
                birth_date=birth,
                sex="P" if female[i] else "L",
                nik=f"{region_digits}{day:02d}{birth:%m%y}{serials[i]:04d}",
                birth_place=place,
                passport_no=(
                    f"{PASSPORT_LETTERS[passport_letters[i]]}{passport_numbers[i]}"
                    if has_passport[i]
                    else None
                ),
                address=address,
                phone=f"62{PHONE_PREFIXES[phone_prefixes[i]]}{phone_numbers[i]}"
                if has_phone[i]
                else None,
                region_code=region_code,
            )
        )
    return records, fathers


_SUNDANESE = (("f", "p"), ("z", "j"), ("ai", "ae"), ("v", "p"))
_DOUBLING = (("ll", "l"), ("nn", "n"), ("mm", "m"), ("ah", "ahh"), ("an", "ann"))


def _applies(variation: str, tokens: list[str], lowered: str) -> bool:
    """Whether a variation can change this name (cheap check; rare misses fall back)."""
    if variation == "spelling_reform":
        return any(old in lowered for old, _ in _OLD_SPELLING)
    if variation == "muhammad":
        return "Muhammad" in tokens and len(tokens) > 1
    if variation == "sundanese":
        return any(old in lowered for old, _ in _SUNDANESE)
    if variation == "doubled_letters":
        return any(old in lowered for old, _ in _DOUBLING)
    if variation == "vowel_variants":
        return "ia" in lowered or any(len(t) > 3 and t.endswith("i") for t in tokens)
    if variation in ("initial", "drop_part", "reorder"):
        return len(tokens) > 1
    return True


def _has_full_part(tokens: list[str]) -> bool:
    """Some name part is more than an initial."""
    return any(len(token) >= 2 and token[:2].isalpha() for token in tokens)


_VARIATION_RANK = {name: rank for rank, name in enumerate(NAME_VARIATIONS)}
SPARE_VARIATION_DRAWS = 4  # some variations do not apply to a given name
FALLBACK_VARIATIONS = ("typo", "case_spacing")  # apply to every name


def _vary_name(
    name: str,
    wanted: Sequence[str],
    target: int,
    *,
    is_female: bool,
    father: str,
    rng: random.Random,
) -> tuple[str, tuple[str, ...]]:
    """Apply up to ``target`` distinct variations from ``wanted`` (in application order)."""
    tokens = name.split()
    lowered = name.lower()
    chosen: list[str] = []
    for variation in wanted:
        if len(chosen) == target:
            break
        if variation not in chosen and _applies(variation, tokens, lowered):
            chosen.append(variation)
    applied: list[str] = []
    for variation in sorted(chosen, key=_VARIATION_RANK.__getitem__):
        varied = _apply_variation(variation, tokens, is_female, father, rng)
        if varied is not None and varied != tokens and _has_full_part(varied):
            tokens = varied
            applied.append(variation)
    for variation in FALLBACK_VARIATIONS:
        if applied:
            break
        varied = _apply_variation(variation, tokens, is_female, father, rng)
        if varied is not None and varied != tokens and _has_full_part(varied):
            tokens = varied
            applied.append(variation)
    return " ".join(tokens), tuple(applied)


# Field outcomes of a variant, drawn for all variants at once.
_KEEP, _MISSING, _SWAPPED, _YEAR_OFF, _TYPO = 0, 1, 2, 3, 4


def _outcomes(rng: np.random.Generator, size: int, rates: Sequence[tuple[int, float]]) -> list[int]:
    """Per variant, one outcome code drawn with the given probabilities (the rest keep)."""
    draws = rng.random(size)
    outcome = np.zeros(size, dtype=np.int8)
    lower = 0.0
    for code, rate in rates:
        outcome[(draws >= lower) & (draws < lower + rate)] = code
        lower += rate
    return [int(value) for value in outcome.tolist()]


def _varied_birth_date(
    birth: datetime.date | None, outcome: int, shift: int
) -> datetime.date | None:
    if birth is None or outcome == _KEEP:
        return birth
    if outcome == _MISSING:
        return None
    if outcome == _SWAPPED:
        if birth.day <= 12 and birth.day != birth.month:
            return birth.replace(day=birth.month, month=birth.day)
        return birth
    return birth.replace(year=birth.year + shift, day=min(birth.day, 28))


def _varied_nik(nik: str | None, outcome: int, position: int, step: int) -> str | None:
    if nik is None or outcome == _KEEP:
        return nik
    if outcome == _MISSING:
        return None
    digit = str((int(nik[position]) + step) % 10)
    return nik[:position] + digit + nik[position + 1 :]


def _variants(
    rng: np.random.Generator,
    canonical: list[IdentityRecord],
    fathers: list[str],
    n_variants: int,
    config: SyntheticConfig,
    seed: int,
) -> tuple[list[IdentityRecord], dict[str, str], dict[str, tuple[str, ...]]]:
    n_people = len(canonical)
    order = rng.permutation(n_people).tolist() if n_people else []
    mix = [(name, weight) for name, weight in config.name_mix.items() if weight > 0]
    names = [name for name, _ in mix]
    weights = np.array([weight for _, weight in mix], dtype=np.float64)
    if names:
        draws = rng.choice(
            len(names), size=(n_variants, 3 + SPARE_VARIATION_DRAWS), p=weights / weights.sum()
        ).tolist()
    else:
        draws = [[] for _ in range(n_variants)]
    second = rng.random(n_variants) < config.second_variation_rate
    third_given_second = config.third_variation_rate / max(config.second_variation_rate, 1e-9)
    third = second & (rng.random(n_variants) < third_given_second)
    targets = (1 + second.astype(np.int64) + third.astype(np.int64)).tolist()
    birth_outcomes = _outcomes(
        rng,
        n_variants,
        (
            (_MISSING, config.birth_date_missing),
            (_SWAPPED, config.birth_date_swapped),
            (_YEAR_OFF, config.birth_date_year_off),
        ),
    )
    year_shifts = rng.choice((-1, 1), size=n_variants).tolist()
    nik_outcomes = _outcomes(
        rng, n_variants, ((_MISSING, config.nik_missing), (_TYPO, config.nik_typo))
    )
    nik_positions = rng.integers(12, 16, n_variants).tolist()
    nik_steps = rng.integers(1, 10, n_variants).tolist()
    keep = {
        column: (rng.random(n_variants) >= rate).tolist()
        for column, rate in (
            ("sex", config.sex_missing),
            ("birth_place", config.birth_place_missing),
            ("passport_no", config.passport_missing),
            ("address", config.address_missing),
            ("phone", config.phone_missing),
        )
    }
    keep_sex, keep_place, keep_passport = keep["sex"], keep["birth_place"], keep["passport_no"]
    keep_address, keep_phone = keep["address"], keep["phone"]
    name_rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    variants: list[IdentityRecord] = []
    truth: dict[str, str] = {}
    variations: dict[str, tuple[str, ...]] = {}
    for k in range(n_variants):
        person_index = order[k % n_people]
        person = canonical[person_index]
        name, applied = _vary_name(
            person.name,
            [names[index] for index in draws[k]],
            targets[k],
            is_female=person.sex == "P",
            father=fathers[person_index],
            rng=name_rng,
        )
        variant_id = f"V{k:07d}"
        variants.append(
            IdentityRecord(
                id=variant_id,
                name=name,
                birth_date=_varied_birth_date(person.birth_date, birth_outcomes[k], year_shifts[k]),
                sex=person.sex if keep_sex[k] else None,
                nik=_varied_nik(person.nik, nik_outcomes[k], nik_positions[k], nik_steps[k]),
                birth_place=person.birth_place if keep_place[k] else None,
                passport_no=person.passport_no if keep_passport[k] else None,
                address=person.address if keep_address[k] else None,
                phone=person.phone if keep_phone[k] else None,
                region_code=person.region_code,
            )
        )
        truth[variant_id] = person.id
        variations[variant_id] = applied
    return variants, truth, variations


def generate_dataset(
    n_people: int, *, seed: int, config: SyntheticConfig = DEFAULT_CONFIG
) -> SyntheticDataset:
    """Canonical people, their variants, the ground truth and the variations applied.

    ``round(n_people * config.variants_per_person)`` variants are made; variant ``k`` is a
    version of person ``k`` modulo ``n_people`` after a seeded shuffle, so with a rate of 1.0
    every person has exactly one variant. Each variant carries at least one name variation.
    """
    if n_people < 0:
        raise ValueError("n_people must not be negative")
    unknown = set(config.name_mix) - set(NAME_VARIATIONS)
    if unknown:
        raise ValueError(f"unknown name variations: {', '.join(sorted(unknown))}")
    rng = np.random.default_rng(seed)
    with _garbage_collection_paused():
        canonical, fathers = _canonical_records(rng, n_people, config)
        n_variants = round(n_people * config.variants_per_person) if n_people else 0
        variants, truth, variations = _variants(rng, canonical, fathers, n_variants, config, seed)
    return SyntheticDataset(canonical, variants, truth, variations)


@contextmanager
def _garbage_collection_paused() -> Iterator[None]:
    """Millions of new acyclic records make the cyclic collector run for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def generate_identities(
    n_people: int, *, seed: int, config: SyntheticConfig = DEFAULT_CONFIG
) -> tuple[list[IdentityRecord], list[IdentityRecord], dict[str, str]]:
    """Canonical records, corrupted variants and the ground truth (variant id -> canonical id).

    See :class:`SyntheticConfig` for the mix of variations; deterministic for a given seed.
    """
    dataset = generate_dataset(n_people, seed=seed, config=config)
    return dataset.canonical, dataset.variants, dataset.truth


def hard_negative_pairs(
    records: Sequence[IdentityRecord], n_pairs: int, *, seed: int
) -> list[tuple[IdentityRecord, IdentityRecord]]:
    """Pairs of different people whose names share a name part (Siti, Muhammad, Hidayat...).

    The pairs a name matcher finds hardest: each pair is drawn from the people sharing one
    lower-cased name part, so most share a common part and some (namesakes) the whole name.
    """
    by_part: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for part in dict.fromkeys(record.name.lower().split()):  # ordered: deterministic
            by_part[part].append(index)
    groups = [indices for indices in by_part.values() if len(indices) >= 2]
    if not groups:
        return []
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    sizes = [len(group) for group in groups]
    pairs: list[tuple[IdentityRecord, IdentityRecord]] = []
    seen: set[tuple[int, int]] = set()
    attempts = 0
    while len(pairs) < n_pairs and attempts < n_pairs * 20:
        attempts += 1
        group = rng.choices(groups, weights=sizes, k=1)[0]
        left, right = rng.sample(group, 2)
        key = (min(left, right), max(left, right))
        if key in seen:
            continue
        seen.add(key)
        pairs.append((records[left], records[right]))
    return pairs
