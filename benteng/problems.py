"""The problems of a form's input, per field, collected and then raised together.

A service checks every value before it writes anything, so the page (or the API) can show each
mistake beside its field at once. Each app raises its own error (``CaseInvalid``,
``ReferralInvalid`` …), so callers keep catching what they catch today; this module only
collects. No app is imported here: every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable

# Messages per input field, in the order found; ``None`` is the whole form.
FieldProblems = dict[str | None, list[str]]


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
