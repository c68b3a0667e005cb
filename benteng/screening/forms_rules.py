"""Forms of the risk-rule pages: an analyst's edit of a rule and of a destination country."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benteng.core.countries import country_name, destination_countries
from benteng.core.risk import SCORING_CODE, ParameterKind, ParameterSpec, parameter_specs
from benteng.screening.models import DestinationCountry, RiskRule
from benteng.screening.rules import MAX_WEIGHT, MIN_WEIGHT

_TEXT = forms.TextInput
_LINES = {"rows": 6}


# What each rule parameter means, for the analyst editing it.
PARAMETER_LABELS: dict[str, Promise] = {
    "saturation": _("Jumlah bobot untuk skor 100"),
    "medium_from": _("Risiko sedang mulai dari skor"),
    "high_from": _("Risiko tinggi mulai dari skor"),
    "purposes": _("Tujuan perjalanan yang dinilai"),
    "excused_by_documents": _("Dokumen yang membebaskan, per tujuan"),
    "required_documents_application": _("Dokumen wajib saat permohonan"),
    "required_documents_departure": _("Dokumen wajib saat keberangkatan"),
    "matched_on": _("Dicocokkan pada"),
    "owner_agencies": _("Instansi pemilik daftar"),
    "min_score": _("Kemiripan minimal (0 sampai 1)"),
    "watchlist_kinds": _("Jenis daftar pantauan"),
    "window_days": _("Jangka waktu (hari)"),
    "min_others": _("Jumlah orang lain paling sedikit"),
    "kinds": _("Jenis catatan"),
    "outcomes": _("Keputusan yang dihitung"),
    "problem_codes": _("Kode masalah NIK"),
    "countries": _("Negara (kode ISO)"),
    "stages": _("Tahap pemeriksaan"),
    "min_age": _("Usia paling rendah"),
    "max_age": _("Usia paling tinggi"),
    "min_reports": _("Jumlah laporan paling sedikit"),
    "observations": _("Pengamatan wawancara"),
}
PARAMETER_PREFIX = "param_"
_NUMBER_MESSAGES = {
    "required": _("Wajib diisi."),
    "invalid": _("Harus berupa angka."),
    "min_value": _("Paling kecil %(limit_value)s."),
    "max_value": _("Paling besar %(limit_value)s."),
}


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _shown(kind: ParameterKind, value: Any) -> Any:
    """A stored parameter value as its field shows it."""
    if kind is ParameterKind.TEXT_LIST:
        return ", ".join(str(item) for item in value)
    if kind is ParameterKind.TEXT_LIST_MAP:
        return "\n".join(f"{key}: {', '.join(items)}" for key, items in value.items())
    return value


def parameter_rows(rule: RiskRule) -> list[tuple[str | Promise, Any]]:
    """Label and shown value of each of the rule's parameters, for its detail page."""
    return [
        (
            PARAMETER_LABELS.get(name, name),
            _shown(spec.kind, rule.parameters.get(name, spec.default)),
        )
        for name, spec in parameter_specs(rule.code).items()
    ]


def _parameter_field(name: str, spec: ParameterSpec) -> forms.Field:
    label = str(PARAMETER_LABELS.get(name, name))  # fields are built per request
    default = _shown(spec.kind, spec.default)
    help_text = _("Bawaan: %(default)s") % {"default": default if default != "" else "—"}
    if spec.kind is ParameterKind.INTEGER:
        return forms.IntegerField(
            label=label,
            min_value=None if spec.minimum is None else int(spec.minimum),
            max_value=None if spec.maximum is None else int(spec.maximum),
            help_text=help_text,
            error_messages={**_NUMBER_MESSAGES, "invalid": _("Harus bilangan bulat.")},
            widget=_TEXT(attrs={"inputmode": "numeric"}),
        )
    if spec.kind is ParameterKind.NUMBER:
        return forms.FloatField(
            label=label,
            min_value=spec.minimum,
            max_value=spec.maximum,
            help_text=help_text,
            error_messages=_NUMBER_MESSAGES,
            widget=_TEXT(attrs={"inputmode": "decimal"}),
        )
    if spec.kind is ParameterKind.TEXT_LIST:
        return forms.CharField(
            label=label,
            required=False,
            help_text=_("Pisahkan dengan koma. %(default)s") % {"default": help_text},
        )
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("Satu baris per kunci: kunci: nilai, nilai. %(default)s")
        % {"default": help_text},
    )


def _parameter_value(kind: ParameterKind, value: Any) -> Any:
    """A cleaned field value as the rule stores it."""
    if kind is ParameterKind.TEXT_LIST:
        return _items(value)
    if kind is ParameterKind.TEXT_LIST_MAP:
        mapping: dict[str, list[str]] = {}
        for line in _lines(value):
            key, _separator, items = line.partition(":")
            if not key.strip() or not _separator:
                raise forms.ValidationError(
                    _("Baris “%(line)s” harus berbentuk kunci: nilai, nilai."),
                    params={"line": line},
                )
            mapping[key.strip()] = _items(items)
        return mapping
    return value


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

    def __init__(self, *args: Any, rule: RiskRule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.specs: Mapping[str, ParameterSpec] = parameter_specs(rule.code)
        # One labelled field per parameter the rule's logic knows, after "Aktif".
        for name, spec in self.specs.items():
            self.fields[PARAMETER_PREFIX + name] = _parameter_field(name, spec)
        order = list(self.fields)
        parameters = [PARAMETER_PREFIX + name for name in self.specs]
        head = order[: order.index("is_enabled") + 1]
        self.order_fields([*head, *parameters])

    def parameter_fields(self) -> list[forms.BoundField]:
        return [self[PARAMETER_PREFIX + name] for name in self.specs]

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
            "questions_id": "\n".join(indonesian),
            "questions_en": "\n".join(english),
            **{
                PARAMETER_PREFIX + name: _shown(spec.kind, rule.parameters.get(name, spec.default))
                for name, spec in parameter_specs(rule.code).items()
            },
        }

    def _clean_parameters(self) -> dict[str, Any]:
        parameters: dict[str, Any] = {}
        for name, spec in self.specs.items():
            field = PARAMETER_PREFIX + name
            if field in self.errors:
                continue
            try:
                parameters[name] = _parameter_value(spec.kind, self.cleaned_data.get(field))
            except forms.ValidationError as error:
                self.add_error(field, error)
        if self._bands_overlap(parameters):
            self.add_error(
                PARAMETER_PREFIX + "high_from",
                _("Harus lebih besar dari awal risiko sedang (%(medium)s).")
                % {"medium": parameters["medium_from"]},
            )
        return parameters

    def _bands_overlap(self, parameters: dict[str, Any]) -> bool:
        """The scoring's high band must start above its medium band."""
        if self.rule.code != SCORING_CODE:
            return False
        if not {"medium_from", "high_from"} <= set(parameters):
            return False
        return bool(parameters["medium_from"] >= parameters["high_from"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["parameters"] = self._clean_parameters()
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
    code = forms.ChoiceField(
        label=_("Negara (ISO 3166-1)"),
        error_messages={
            "required": _("Pilih negara."),
            "invalid_choice": _("Pilih negara dari daftar; negara ini sudah ada di daftar analis."),
        },
    )
    name = forms.CharField(
        label=_("Nama negara"),
        max_length=100,
        required=False,
        help_text=_("Kosongkan untuk memakai nama baku negara."),
    )
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
        else:
            # Any country not yet on the analysts' list, Indonesia aside.
            listed = set(DestinationCountry.objects.values_list("code", flat=True))
            cast(forms.ChoiceField, self.fields["code"]).choices = [
                ("", _("— pilih negara —")),
                *sorted(
                    (
                        (code, f"{country_name(code)} ({code})")
                        for code in destination_countries() - listed
                    ),
                    key=lambda item: item[1],
                ),
            ]

    @classmethod
    def initial_for(cls, country: DestinationCountry) -> dict[str, Any]:
        return {
            "name": country.name,
            "domestic_work_moratorium": country.domestic_work_moratorium,
            "note": country.note,
        }

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip().upper()
        if DestinationCountry.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Negara dengan kode ini sudah ada; ubah dari daftar."))
        return code
