"""The problems of a form's input, per field, collected and then raised together.

A service checks every value before it writes anything, so the page (or the API) can show each
mistake beside its field at once. Each app raises its own error (``CaseInvalid``,
``ReferralInvalid`` …), so callers keep catching what they catch today; this module only
collects. No app is imported here: every layer may use it.

Where callers catch Django's ``ValidationError`` (the screening's input, decisions and
corrections, the risk rules, watchlist entries), the app's error is an :class:`InputInvalid`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

# Messages per input field, in the order found; ``None`` is the whole form.
FieldProblems = dict[str | None, list[str]]


class InputInvalid(ValidationError):
    """Problems per input field as a ``ValidationError`` (the whole form's under Django's
    ``NON_FIELD_ERRORS``), kept as given in ``errors``."""

    def __init__(self, errors: FieldProblems) -> None:
        self.errors = errors
        by_field: dict[str, list[str]] = {}
        for name, messages in errors.items():
            by_field.setdefault(name or NON_FIELD_ERRORS, []).extend(messages)
        super().__init__(by_field)


class Problems:
    """Problems per input field, raised together as the app's own error (``raises``)."""

    def __init__(self, raises: Callable[[FieldProblems], Exception]) -> None:
        self.by_field: FieldProblems = {}
        self._raises = raises

    def add(self, name: str | None, message: str | None) -> None:
        """Record ``message`` against the field ``name``; ``None`` (a cleaner found no problem)
        records nothing."""
        if message:
            self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def __contains__(self, name: str | None) -> bool:
        return name in self.by_field

    def raise_if_any(self) -> None:
        if self.by_field:
            raise self._raises(self.by_field)
