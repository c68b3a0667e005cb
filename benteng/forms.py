"""Form pieces every app's pages share (Django forms only; no app imported)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms


class DateTextInput(forms.TextInput):
    """A date typed as text (HH-BB-TTTT; 17/8/90 too, read by ``identity_cleaning``): a
    browser date picker would send nothing for a half-typed date and lose it silently; text
    comes back as typed with a clear message when it is wrong. A phone gets the number keys."""

    def __init__(self) -> None:
        super().__init__(
            attrs={"inputmode": "numeric", "placeholder": "HH-BB-TTTT", "autocomplete": "off"}
        )


def date_text_field(label: Any, *, required: bool = False, **options: Any) -> forms.CharField:
    """A form field holding a date typed as text (see :class:`DateTextInput`); the form or the
    service parses it."""
    return forms.CharField(
        label=label, required=required, max_length=20, widget=DateTextInput(), **options
    )


class ServiceErrorsMixin:
    """Puts the problems a service raised, per input field, on the form's own fields (the
    others, and ``None``, at the top of the form)."""

    def add_service_errors(self, errors: Mapping[Any, list[str]]) -> None:
        form: Any = self
        for name, messages in errors.items():
            field = name if name in form.fields else None
            for message in messages:
                form.add_error(field, message)
