"""Indonesian phone numbers in one comparable form.

Counter staff, village reports and spreadsheets write the same number in many ways:
``0812-3456-7890``, ``+62 812 3456 7890``, ``62812...``, ``0062 812...``, ``(0254) 123456``,
``+62 (0) 812...``. :func:`normalize_phone` turns all of them into ``"62"`` followed by the
national significant number (no trunk ``0``), the form used for comparison everywhere in the
core.
"""

from __future__ import annotations

import re

__all__ = [
    "COUNTRY_CODE",
    "is_mobile_number",
    "normalize_phone",
]

COUNTRY_CODE = "62"

# Characters people use to group digits; they carry no meaning.
_SEPARATORS = re.compile(r"[\s\-./()\u00a0]+")

# National significant number (after "62" or the trunk "0") length bounds.
# Mobile numbers (prefix 8, e.g. 0812-3456-789) have 9 to 12 digits after the trunk 0.
# Fixed lines are an area code of 2-3 digits plus a 5-8 digit subscriber number.
_MOBILE_LENGTH = range(9, 13)
_FIXED_LINE_LENGTH = range(7, 12)


def _national_number(digits: str) -> str | None:
    """Strip the international or trunk prefix; return the national significant number."""
    if digits.startswith(("00" + COUNTRY_CODE, COUNTRY_CODE)):
        national = digits.removeprefix("00").removeprefix(COUNTRY_CODE)
        # "+62 (0)812..." keeps the trunk zero after the country code; drop it once.
        national = national.removeprefix("0")
    elif digits.startswith("0"):
        national = digits[1:]
    elif digits.startswith("8"):
        # A mobile number written without its trunk zero ("812 3456 7890").
        national = digits
    else:
        return None
    if not national or national[0] == "0":
        return None
    return national


def normalize_phone(value: str) -> str | None:
    """Return the number as ``"62"`` + national number, or ``None`` when it is not valid.

    Accepts the prefixes ``+62``, ``62``, ``0062`` and ``0``, with spaces, dashes, dots and
    parentheses anywhere. Returns ``None`` for letters, too few or too many digits, or a
    number that is not Indonesian.

    >>> normalize_phone("0812-3456-7890")
    '6281234567890'
    >>> normalize_phone("+62 (0) 812 3456 7890")
    '6281234567890'
    >>> normalize_phone("12345") is None
    True
    """
    if not value:
        return None
    text = _SEPARATORS.sub("", value.strip())
    if text.startswith("+"):
        if not text[1:].startswith(COUNTRY_CODE):
            return None
        text = text[1:]
    if not text.isascii() or not text.isdigit():
        return None
    national = _national_number(text)
    if national is None:
        return None
    allowed = _MOBILE_LENGTH if national[0] == "8" else _FIXED_LINE_LENGTH
    if len(national) not in allowed:
        return None
    return COUNTRY_CODE + national


def is_mobile_number(normalized: str) -> bool:
    """The normalised number (``"62..."``) is a mobile number (national prefix 8)."""
    return normalized.startswith(COUNTRY_CODE + "8")
