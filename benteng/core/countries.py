"""Every country of ISO 3166-1, with its Indonesian and English name.

The list is ``benteng/data/countries_iso3166.json`` (its ``source`` says where it comes from:
Debian's iso-codes and their Indonesian translation). Any country is a possible destination
of a trip abroad; the analysts' destination list (rules, moratorium, notes) is a separate,
much shorter list kept as data in the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["HOME_COUNTRY", "Country", "country_name", "destination_countries", "iso_countries"]

# Where every applicant and passenger leaves from: never a destination.
HOME_COUNTRY = "ID"


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str  # Bahasa Indonesia
    name_en: str


@lru_cache(maxsize=1)
def iso_countries() -> dict[str, Country]:
    """Every ISO 3166-1 country by its two-letter code."""
    text = resources.files("benteng.data").joinpath("countries_iso3166.json").read_text("utf-8")
    return {
        row["code"]: Country(code=row["code"], name=row["name"], name_en=row["name_en"])
        for row in json.loads(text)["countries"]
    }


@lru_cache(maxsize=1)
def destination_countries() -> frozenset[str]:
    """The codes a trip abroad may go to: every country but Indonesia."""
    return frozenset(code for code in iso_countries() if code != HOME_COUNTRY)


def country_name(code: str, *, language: str = "id") -> str:
    """The country's name in Bahasa Indonesia (or English), else the code as given."""
    country = iso_countries().get(code.strip().upper())
    if country is None:
        return code
    return country.name_en if language == "en" else country.name
