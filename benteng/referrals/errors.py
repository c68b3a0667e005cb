"""What a referral service answers when a step is refused or its input is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied


class ReferralRefused(PermissionDenied):
    """The viewer may not take this step on this referral."""


class ReferralInvalid(Exception):
    """The step cannot be taken as given: a message per field (``None``: the whole form)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class Problems:
    """Messages per field, raised together as :class:`ReferralInvalid`."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ReferralInvalid(self.by_field)
