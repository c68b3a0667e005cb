"""The forms of a record's correction and void. They only carry what was typed: the values
are cleaned by the service (``amendments.py``) with the counter's own cleaner and messages,
so a bad value keeps what was typed and says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benteng.identity import Sex
from benteng.screening.amendments import REASON_MAX_LENGTH, Record, correctable_fields
from benteng.screening.cleaning import FIELD_LABELS

WIDE = frozenset({"full_name", "address"})


def _reason_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectionForm(forms.Form):
    """The record's identity fields, filled with what is stored, and the reason."""

    def __init__(self, *args: Any, record: Record, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in correctable_fields(record):
            if name == "sex":
                field: forms.Field = forms.ChoiceField(
                    label=FIELD_LABELS[name],
                    choices=[("", "—"), *Sex.choices],
                    required=False,
                )
            else:
                field = forms.CharField(label=FIELD_LABELS[name], required=False, max_length=400)
            self.fields[name] = field
        self.fields["reason"] = _reason_field(_("Alasan koreksi"))
        self.fields["reason"].help_text = _("Misalnya: salah ketik nama, sesuai KTP pemohon.")

    @staticmethod
    def initial_of(record: Record) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in correctable_fields(record):
            value = getattr(record, name)
            initial[name] = value.strftime("%d-%m-%Y") if name == "birth_date" and value else value
        return initial


class VoidForm(forms.Form):
    prefix = "batal"  # its reason field apart from the correction's
    reason = _reason_field(_("Alasan pembatalan"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _(
            "Misalnya: data ganda, sudah dicatat sebagai PP-2026-000123."
        )
