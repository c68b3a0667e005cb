"""An independent screening benchmark: Faker ``id_ID`` people and corruptions of its own.

Written apart from :mod:`benteng.core.synthetic` (which the comparison parameters were
estimated on) and on purpose different from it: other name pools (Faker's Indonesian first
and last names, titles and degrees), other region codes and NIK serials, other variations
with other rates, and distractors that are *not* on the watchlist but resemble someone who
is. Nothing here is imported by the engine: it exists to measure the engine on data it was
not tuned to.

A watchlist of ``entries`` people; ``queries`` queries, half of them corrupted records of
listed people (one variation each, see ``POSITIVE_VARIATIONS``) and half people who are not
listed (``DISTRACTORS``):

* ``namesake`` -- a listed person's exact name, another birth date and another NIK;
* ``neighbour`` -- another name, but the same sex, birth date and kecamatan as a listed
  person, so the NIKs differ only in the serial (digits 13-16);
* ``near_namesake`` -- a listed person's name with one letter changed, another birth date;
* ``stranger`` -- anyone else.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from faker.providers.address.id_ID import Provider as AddressProvider
from faker.providers.person.id_ID import Provider as PersonProvider

from benteng.core.records import IdentityRecord

__all__ = [
    "DISTRACTORS",
    "POSITIVE_VARIATIONS",
    "IndependentBenchmark",
    "generate_independent_benchmark",
]

# (variation, share of the positive queries). Each positive query gets exactly one.
POSITIVE_VARIATIONS: tuple[tuple[str, float], ...] = (
    ("copy", 0.04),
    ("letter_typo", 0.09),
    ("old_spelling", 0.07),
    ("title_or_degree", 0.06),
    ("parts_reordered", 0.05),
    ("mononym", 0.09),
    ("nik_digit_typo", 0.07),
    ("nik_missing", 0.06),
    ("year_digit", 0.08),
    ("year_plus_minus_one", 0.07),
    ("year_plus_minus_ten", 0.05),
    ("birth_date_missing", 0.08),
    ("day_month_swapped", 0.07),
    ("name_and_passport_only", 0.07),
)
# (distractor, share of the queries of people who are not listed).
DISTRACTORS: tuple[tuple[str, float], ...] = (
    ("namesake", 0.30),
    ("neighbour", 0.25),
    ("near_namesake", 0.25),
    ("stranger", 0.20),
)

_LEADING_FEMALE = ("Siti", "Nur", "Sri", "Dewi")
_LEADING_MALE = ("Muhammad", "Ahmad", "Abdul")
_HONORIFICS_MALE = ("H.", "Drs.", "Bapak")
_HONORIFICS_FEMALE = ("Hj.", "Dra.", "Ibu")
_OLD_SPELLINGS = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("sy", "sj"), ("kh", "ch"))
_OTHER_PROVINCES = ("11", "12", "13", "31", "32", "33", "34", "35", "51", "52", "61", "73")
_BANTEN_REGENCIES = ("01", "02", "03", "04", "71", "72", "73", "74")
_FIRST_YEAR = 1958
_LAST_YEAR = 2007


@dataclass(frozen=True, slots=True)
class IndependentBenchmark:
    """A watchlist, the queries, the listed entry each query is (``None``: nobody) and the
    variation or distractor each query was made with."""

    watchlist: list[IdentityRecord]
    queries: list[IdentityRecord]
    truth: dict[str, str | None]
    kind: dict[str, str]


class _People:
    """Draws people: names from Faker's Indonesian pools, NIKs from their own regions."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cities = list(AddressProvider.cities)
        self.streets = list(AddressProvider.streets)
        self.niks: set[str] = set()  # a NIK belongs to one person: the next serial is taken

    def name(self, female: bool) -> str:
        rng = self.rng
        firsts = PersonProvider.first_names_female if female else PersonProvider.first_names_male
        lasts = PersonProvider.last_names_female if female else PersonProvider.last_names_male
        shape = rng.random()
        parts = [rng.choice(firsts)]
        if shape >= 0.12:  # 12 % mononyms
            if shape >= 0.70:  # 30 % with a second given name
                parts.append(rng.choice(firsts))
            parts.append(rng.choice(lasts))
        if rng.random() < 0.12:
            parts.insert(0, rng.choice(_LEADING_FEMALE if female else _LEADING_MALE))
        return " ".join(dict.fromkeys(parts))

    def region(self) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            return f"36{rng.choice(_BANTEN_REGENCIES)}{rng.randint(1, 29):02d}"
        return f"{rng.choice(_OTHER_PROVINCES)}{rng.randint(1, 25):02d}{rng.randint(1, 35):02d}"

    def birth_date(self) -> datetime.date:
        start = datetime.date(_FIRST_YEAR, 1, 1).toordinal()
        end = datetime.date(_LAST_YEAR, 12, 31).toordinal()
        return datetime.date.fromordinal(self.rng.randint(start, end))

    def serial(self) -> int:
        # Low serials are the most common: most kecamatan register few births a day.
        return min(int(self.rng.expovariate(1 / 6)) + 1, 9999)

    def unique_nik(self, region: str, born: datetime.date, female: bool, serial: int) -> str:
        nik = nik_of(region, born, female, serial)
        while nik in self.niks:
            serial += 1
            nik = nik_of(region, born, female, serial)
        self.niks.add(nik)
        return nik

    def person(self, person_id: str) -> IdentityRecord:
        rng = self.rng
        female = rng.random() < 0.5
        born = self.birth_date()
        return IdentityRecord(
            id=person_id,
            name=self.name(female),
            birth_date=born,
            sex="P" if female else "L",
            nik=self.unique_nik(self.region(), born, female, self.serial()),
            birth_place=rng.choice(self.cities),
            passport_no=(
                f"{rng.choice('BCX')}{rng.randint(1_000_000, 9_999_999)}"
                if rng.random() < 0.55
                else None
            ),
            address=(
                f"Jl. {rng.choice(self.streets)} No. {rng.randint(1, 150)}"
                if rng.random() < 0.5
                else None
            ),
            phone=f"628{rng.randint(11, 59)}{rng.randint(1_000_000, 99_999_999)}"
            if rng.random() < 0.6
            else None,
        )


def nik_of(region: str, born: datetime.date, female: bool, serial: int) -> str:
    """A NIK: 6 region digits, DDMMYY with 40 added to a woman's day, a 4-digit serial."""
    day = born.day + 40 if female else born.day
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _choose(rng: random.Random, shares: Sequence[tuple[str, float]]) -> str:
    names = [name for name, _share in shares]
    weights = [share for _name, share in shares]
    return rng.choices(names, weights)[0]


def _letter_typo(name: str, rng: random.Random) -> str:
    positions = [i for i, character in enumerate(name) if character.isalpha()]
    i = rng.choice(positions[1:] or positions)
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    action = rng.random()
    if action < 0.5:
        replacement = rng.choice(alphabet.replace(name[i].lower(), ""))
        return name[:i] + replacement + name[i + 1 :]
    if action < 0.75:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def _old_spelling(name: str, rng: random.Random) -> str:
    lowered = name.lower()
    usable = [(new, old) for new, old in _OLD_SPELLINGS if new in lowered]
    if not usable:
        return _letter_typo(name, rng)
    new, old = rng.choice(usable)
    return lowered.replace(new, old, 1).title()


def _shift_year(born: datetime.date, years: int) -> datetime.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


def _year_digit(born: datetime.date, rng: random.Random) -> datetime.date:
    text = f"{born.year:04d}"
    position = rng.choice((2, 3))
    digit = rng.choice([d for d in "0123456789" if d != text[position]])
    year = int(text[:position] + digit + text[position + 1 :])
    return _shift_year(born, year - born.year)


def _nik_digit_typo(nik: str, rng: random.Random) -> str:
    position = rng.randrange(len(nik))
    digit = rng.choice([d for d in "0123456789" if d != nik[position]])
    return nik[:position] + digit + nik[position + 1 :]


def _positive(person: IdentityRecord, variation: str, rng: random.Random) -> IdentityRecord:
    """A record of ``person`` as a clerk might type it, with ``variation``; the birth place,
    address and phone are often left out at a counter."""
    name = person.name
    born = person.birth_date
    nik = person.nik
    passport = person.passport_no if rng.random() < 0.4 else None
    parts = name.split()
    if variation == "letter_typo":
        name = _letter_typo(name, rng)
    elif variation == "old_spelling":
        name = _old_spelling(name, rng)
    elif variation == "title_or_degree":
        female = person.sex == "P"
        if rng.random() < 0.5:
            name = f"{rng.choice(_HONORIFICS_FEMALE if female else _HONORIFICS_MALE)} {name}"
        else:
            name = f"{name}, {rng.choice(PersonProvider.suffixes)}"
    elif variation == "parts_reordered" and len(parts) > 1:
        name = " ".join([*parts[1:], parts[0]])
    elif variation == "mononym" and len(parts) > 1:
        name = max(parts, key=len)
    elif variation == "nik_digit_typo" and nik:
        nik = _nik_digit_typo(nik, rng)
    elif variation == "nik_missing":
        nik = None
    elif variation == "year_digit" and born:
        born = _year_digit(born, rng)
    elif variation == "year_plus_minus_one" and born:
        born = _shift_year(born, rng.choice((-1, 1)))
    elif variation == "year_plus_minus_ten" and born:
        born = _shift_year(born, rng.choice((-10, 10)))
    elif variation == "birth_date_missing":
        born = None
        nik = None if rng.random() < 0.7 else nik
    elif variation == "day_month_swapped" and born and born.day <= 12:
        born = born.replace(day=born.month, month=born.day)
    elif variation == "name_and_passport_only":
        name = _letter_typo(name, rng) if rng.random() < 0.5 else name
        return IdentityRecord(id="", name=name, passport_no=person.passport_no)
    if variation.startswith("year") or variation == "day_month_swapped":
        nik = None if rng.random() < 0.6 else nik  # the NIK would often give the date away
    return IdentityRecord(
        id="",
        name=name,
        birth_date=born,
        sex=person.sex if rng.random() < 0.9 else None,
        nik=nik if rng.random() < 0.8 else None,
        birth_place=person.birth_place if rng.random() < 0.3 else None,
        passport_no=passport,
        phone=person.phone if rng.random() < 0.2 else None,
    )


def _distractor(
    kind: str, listed: IdentityRecord, people: _People, rng: random.Random
) -> IdentityRecord:
    """Someone who is not on the watchlist, made to resemble ``listed`` (see the module)."""
    stranger = people.person("")
    female = listed.sex == "P"
    if kind == "stranger":
        base = stranger
    elif kind == "neighbour":
        assert listed.nik is not None and listed.birth_date is not None
        region = listed.nik[:6]
        base = IdentityRecord(
            id="",
            name=people.name(female),
            birth_date=listed.birth_date,
            sex=listed.sex,
            nik=people.unique_nik(region, listed.birth_date, female, 1),
            birth_place=listed.birth_place,
            passport_no=stranger.passport_no,
            phone=stranger.phone,
        )
    else:
        name = listed.name if kind == "namesake" else _letter_typo(listed.name, rng)
        born = people.birth_date()
        base = IdentityRecord(
            id="",
            name=name,
            birth_date=born,
            sex=listed.sex,
            nik=people.unique_nik(people.region(), born, female, people.serial()),
            birth_place=stranger.birth_place,
            passport_no=stranger.passport_no,
            phone=stranger.phone,
        )
    # Fields present as often as on the positive queries.
    return IdentityRecord(
        id="",
        name=base.name,
        birth_date=base.birth_date if rng.random() < 0.93 else None,
        sex=base.sex if rng.random() < 0.9 else None,
        nik=base.nik if rng.random() < 0.7 else None,
        birth_place=base.birth_place if rng.random() < 0.3 else None,
        passport_no=base.passport_no if rng.random() < 0.4 else None,
        phone=base.phone if rng.random() < 0.2 else None,
    )


def generate_independent_benchmark(
    entries: int, queries: int, *, seed: int
) -> IndependentBenchmark:
    """A watchlist of ``entries`` people and ``queries`` queries (see the module)."""
    rng = random.Random(seed)
    people = _People(rng)
    watchlist = [people.person(f"W{i:07d}") for i in range(entries)]
    truth: dict[str, str | None] = {}
    kind: dict[str, str] = {}
    made: list[IdentityRecord] = []
    for number in range(queries):
        listed = watchlist[rng.randrange(entries)]
        if number % 2 == 0:
            label = _choose(rng, POSITIVE_VARIATIONS)
            record = _positive(listed, label, rng)
            expected: str | None = listed.id
        else:
            label = _choose(rng, DISTRACTORS)
            record = _distractor(label, listed, people, rng)
            expected = None
        query_id = f"Q{number:06d}"
        made.append(
            IdentityRecord(
                id=query_id,
                name=record.name,
                birth_date=record.birth_date,
                sex=record.sex,
                nik=record.nik,
                birth_place=record.birth_place,
                passport_no=record.passport_no,
                address=record.address,
                phone=record.phone,
            )
        )
        truth[query_id] = expected
        kind[query_id] = label
    return IndependentBenchmark(watchlist, made, truth, kind)
