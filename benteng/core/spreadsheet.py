"""Cells that spreadsheet programs would run as formulas (CSV/formula injection).

Every CSV or XLSX Benteng writes may be opened in a spreadsheet by an officer; a cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a formula
there. Such text is written with a leading apostrophe, which spreadsheets show as plain text,
and read back without it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    """What ``csv.writer`` writes to: a file, or a Django ``HttpResponse``."""

    def write(self, text: str, /) -> Any: ...


def formula_escaped(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, made plain text with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def formula_unescaped(value: Any) -> Any:
    """A cell written by :func:`formula_escaped`, read back: the apostrophe it added goes."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through :func:`formula_escaped`."""

    def __init__(self, handle: Writable) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([formula_escaped(value) for value in row])
