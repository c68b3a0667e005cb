"""Indonesian phone numbers: every way people write them gives one form."""

from __future__ import annotations

import pytest

from benteng.core.phones import is_mobile_number, normalize_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("081234567890", "6281234567890", id="trunk-zero"),
        pytest.param("0812-3456-7890", "6281234567890", id="dashes"),
        pytest.param("0812 3456 7890", "6281234567890", id="spaces"),
        pytest.param("+62 812 3456 7890", "6281234567890", id="plus-62"),
        pytest.param("+62 (0) 812 3456 7890", "6281234567890", id="plus-62-trunk-in-brackets"),
        pytest.param("6281234567890", "6281234567890", id="62"),
        pytest.param("0062 812 3456 7890", "6281234567890", id="0062"),
        pytest.param("812-3456-7890", "6281234567890", id="mobile-without-trunk"),
        pytest.param("0812.345.678", "62812345678", id="dots-short-mobile"),
        pytest.param("(0254) 123456", "62254123456", id="fixed-line-serang"),
        pytest.param("(021) 5551234", "62215551234", id="fixed-line-jakarta"),
        pytest.param("+62-21-5551-2345", "622155512345", id="fixed-line-international"),
    ],
)
def test_valid_numbers_are_normalised(value: str, expected: str) -> None:
    assert normalize_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("0812345", id="mobile-too-short"),
        pytest.param("0812345678901234", id="mobile-too-long"),
        pytest.param("021123", id="fixed-too-short"),
        pytest.param("02112345678901", id="fixed-too-long"),
        pytest.param("+60 12 345 6789", id="other-country"),
        pytest.param("0812-3456-789O", id="letter-o"),
        pytest.param("tidak ada", id="text"),
        pytest.param("12345678", id="no-prefix-not-mobile"),
        pytest.param("00812345678", id="double-trunk"),
        pytest.param("6200", id="country-code-only"),
    ],
)
def test_invalid_numbers_give_none(value: str) -> None:
    assert normalize_phone(value) is None


def test_is_mobile_number() -> None:
    assert is_mobile_number("6281234567890")
    assert not is_mobile_number("62254123456")
