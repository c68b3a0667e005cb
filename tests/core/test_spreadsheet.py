"""benteng.core.spreadsheet: formula escaping for every CSV/XLSX written."""

from __future__ import annotations

import io

import pytest

from benteng.core.spreadsheet import SafeCsvWriter, formula_escaped, formula_unescaped


@pytest.mark.parametrize("value", ["=1+1", "+62812", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_escaped_and_read_back(value: str) -> None:
    assert formula_escaped(value) == "'" + value
    assert formula_unescaped(formula_escaped(value)) == value


@pytest.mark.parametrize("value", ["Siti", "'quoted", "", None, 12, "0812-3456"])
def test_other_values_are_left_alone(value: object) -> None:
    assert formula_escaped(value) == value
    assert formula_unescaped(value) == value


def test_safe_writer_escapes_every_cell() -> None:
    handle = io.StringIO()
    SafeCsvWriter(handle).writerow(["=cmd|' /C calc'!A0", "Siti", 0.5])
    assert handle.getvalue() == "'=cmd|' /C calc'!A0,Siti,0.5\r\n"
