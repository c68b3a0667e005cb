"""The one rule of the region tree's codes: a code lies within an area when it is the area's
code or below it ("36.01.02" is within "36.01"; "36.010" is not, nor is "36").

Kemendagri codes are dotted parts, so "below" is "starts with the area's code and a dot". The
rule is here once, in Python for values in memory and as a ``Q`` for the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q

# No area: no row (the access layer's NOTHING, without importing the layer above).
_NO_ROWS = Q(pk__in=[])


def code_within(code: str, area: str) -> bool:
    """The region ``code`` is the area ``area`` itself or lies below it."""
    return code == area or code.startswith(f"{area}.")


def codes_overlap(code: str, other: str) -> bool:
    """Two region codes overlap when one is the other or lies within it."""
    return code_within(code, other) or code_within(other, code)


def areas_containing(code: str) -> list[str]:
    """The codes ``code`` lies within, the province first and ``code`` itself last: the areas
    whose coverage reaches it ("36.01.01" -> "36", "36.01", "36.01.01")."""
    parts = code.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def within_q(areas: Iterable[str], *, field: str = "code") -> Q:
    """The rows whose region code (the field path ``field``) is one of ``areas`` or lies
    below one; no area: no row."""
    found = [Q(**{field: area}) | Q(**{f"{field}__startswith": f"{area}."}) for area in areas]
    if not found:
        return _NO_ROWS
    return reduce(or_, found)
