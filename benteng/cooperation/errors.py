"""What a cooperation service answers when a step is refused or its input is wrong."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from benteng.problems import FieldProblems


class CooperationRefused(PermissionDenied):
    """The viewer may not take this step."""


class CooperationInvalid(Exception):
    """The step cannot be taken as given: messages per field (``None``: the whole form)."""

    def __init__(self, errors: FieldProblems) -> None:
        super().__init__(errors)
        self.errors = errors
