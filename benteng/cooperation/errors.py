"""What a cooperation service answers when a step is refused or its input is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied


class CooperationRefused(PermissionDenied):
    """The viewer may not take this step."""


class CooperationInvalid(Exception):
    """The step cannot be taken as given: messages per field (``None``: the whole form)."""

    def __init__(self, errors: dict[str | None, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class Problems:
    by_field: dict[str | None, list[str]] = field(default_factory=dict)

    def add(self, name: str | None, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise CooperationInvalid(self.by_field)
