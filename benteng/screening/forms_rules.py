"""Forms of the risk-rule pages: an analyst's edit of a rule and of a destination country."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benteng.screening.models import DestinationCountry, RiskRule
from benteng.screening.rules import MAX_WEIGHT, MIN_WEIGHT

_TEXT = forms.TextInput
_LINES = {"rows": 6}


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Nama indikator"), max_length=200)
    description = forms.CharField(
        label=_("Uraian dan sumber"), widget=forms.Textarea(attrs=_LINES), required=False
    )
    weight = forms.IntegerField(
        label=_("Bobot"),
        min_value=MIN_WEIGHT,
        max_value=MAX_WEIGHT,
        widget=_TEXT(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Bobot harus bilangan bulat."),
            "min_value": _("Bobot paling kecil %(limit_value)s."),
            "max_value": _("Bobot paling besar %(limit_value)s."),
        },
    )
    is_enabled = forms.BooleanField(label=_("Aktif"), required=False)
    parameters = forms.CharField(
        label=_("Parameter (JSON)"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        required=False,
    )
    questions_id = forms.CharField(
        label=_("Pertanyaan wawancara (satu per baris)"),
        widget=forms.Textarea(attrs=_LINES),
        required=False,
    )
    questions_en = forms.CharField(
        label=_("Pertanyaan dalam bahasa Inggris (satu per baris, urutan sama)"),
        widget=forms.Textarea(attrs=_LINES),
        required=False,
    )
    change_note = forms.CharField(
        label=_("Alasan perubahan"),
        max_length=300,
        error_messages={"required": _("Tuliskan alasan perubahan untuk riwayat versi.")},
    )

    @classmethod
    def initial_for(cls, rule: RiskRule) -> dict[str, Any]:
        indonesian, english = [], []
        for question in rule.questions or []:
            if isinstance(question, dict):
                indonesian.append(str(question.get("id", "")))
                english.append(str(question.get("en", "")))
            else:
                indonesian.append(str(question))
                english.append("")
        return {
            "name": rule.name,
            "description": rule.description,
            "weight": rule.weight,
            "is_enabled": rule.is_enabled,
            "parameters": json.dumps(rule.parameters, ensure_ascii=False, indent=2),
            "questions_id": "\n".join(indonesian),
            "questions_en": "\n".join(english),
        }

    def clean_parameters(self) -> dict[str, Any]:
        text = self.cleaned_data["parameters"].strip() or "{}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Parameter bukan JSON yang sah (baris %(line)s, kolom %(column)s)."),
                params={"line": error.lineno, "column": error.colno},
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Parameter harus berupa objek JSON: {...}."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        indonesian = _lines(cleaned.get("questions_id", ""))
        english = _lines(cleaned.get("questions_en", ""))
        if english and len(english) != len(indonesian):
            self.add_error(
                "questions_en",
                _("Jumlah pertanyaan bahasa Inggris harus sama dengan pertanyaan Indonesia."),
            )
        cleaned["questions"] = [
            {"id": text, "en": english[index] if index < len(english) else ""}
            for index, text in enumerate(indonesian)
        ]
        return cleaned


class DestinationForm(forms.Form):
    code = forms.CharField(
        label=_("Kode ISO (dua huruf)"),
        min_length=2,
        max_length=2,
        widget=_TEXT(attrs={"autocapitalize": "characters"}),
        error_messages={
            "min_length": _("Kode negara harus dua huruf ISO 3166-1 (mis. MY, SA)."),
            "max_length": _("Kode negara harus dua huruf ISO 3166-1 (mis. MY, SA)."),
        },
    )
    name = forms.CharField(label=_("Nama negara"), max_length=100)
    domestic_work_moratorium = forms.BooleanField(
        label=_("Moratorium PMI sektor domestik (Kepmenaker 260/2015)"), required=False
    )
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)
    change_note = forms.CharField(
        label=_("Alasan perubahan"),
        max_length=300,
        error_messages={"required": _("Tuliskan alasan perubahan untuk riwayat versi.")},
    )

    def __init__(self, *args: Any, country: DestinationCountry | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.country = country
        if country is not None:
            # The code is the key of an existing country; it is shown, not edited.
            del self.fields["code"]

    @classmethod
    def initial_for(cls, country: DestinationCountry) -> dict[str, Any]:
        return {
            "name": country.name,
            "domestic_work_moratorium": country.domestic_work_moratorium,
            "note": country.note,
        }

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip().upper()
        if not (code.isascii() and code.isalpha()):
            raise forms.ValidationError(_("Kode negara harus dua huruf ISO 3166-1 (mis. MY, SA)."))
        if DestinationCountry.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Negara dengan kode ini sudah ada; ubah dari daftar."))
        return code
