"""Forms of the case pages. Values are checked by the services (one place for every caller);
a form holds what was typed, so nothing is lost on an error, and shows the reasons."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from benteng import identity_cleaning as cleaning
from benteng.cases.models import (
    OPENING_STAGES,
    CaseKind,
    ControlMethod,
    ExploitationType,
    LegKind,
    Modus,
    PerpetratorRole,
    PersonRole,
    RecruitmentMethod,
    ServiceKind,
    ServiceStatus,
    Stage,
    StatusDecidedBy,
    TraffickingStatus,
    Verdict,
)
from benteng.core.countries import iso_countries
from benteng.forms import ServiceErrorsMixin, date_text_field
from benteng.identity import Sex


def _blank(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=120)
    kind = forms.ChoiceField(label=_("Jenis"), required=False)
    stage = forms.ChoiceField(label=_("Tahap"), required=False)
    modus = forms.ChoiceField(label=_("Modus"), required=False)
    date_from = date_text_field(_("LP dari tanggal"))
    date_to = date_text_field(_("LP sampai tanggal"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = _blank(
            _("— semua —"), CaseKind.choices
        )
        cast(forms.ChoiceField, self.fields["stage"]).choices = _blank(
            _("— semua —"), Stage.choices
        )
        cast(forms.ChoiceField, self.fields["modus"]).choices = _blank(
            _("— semua —"), Modus.choices
        )

    def _clean_date(self, name: str, label: Any) -> datetime.date | None:
        value, problem = cleaning.date_parse(self.cleaned_data.get(name), label=label)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_date_from(self) -> datetime.date | None:
        return self._clean_date("date_from", _("Tanggal awal"))

    def clean_date_to(self) -> datetime.date | None:
        return self._clean_date("date_to", _("Tanggal akhir"))


class CaseOpenForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Jenis perkara"), choices=CaseKind.choices)
    lp_number = forms.CharField(
        label=_("Nomor LP"),
        max_length=160,
        help_text=_("Misalnya LP/B/123/XII/2026/SPKT/POLDA BANTEN."),
    )
    lp_date = date_text_field(_("Tanggal LP"), required=True, help_text=_("HH-BB-TTTT"))
    handling_office = forms.ChoiceField(label=_("Kesatuan penangan"))
    modus = forms.ChoiceField(
        label=_("Modus operandi"), choices=_blank(_("— pilih —"), Modus.choices)
    )
    stage = forms.ChoiceField(
        label=_("Tahap awal"),
        choices=[(stage, Stage(stage).label) for stage in OPENING_STAGES],
    )
    summary = forms.CharField(
        label=_("Uraian singkat"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    trafficking_status = forms.ChoiceField(
        label=_("Status perdagangan orang (HTCDS)"),
        required=False,
        choices=_blank(_("— belum ditetapkan —"), TraffickingStatus.choices),
    )
    status_decided_by = forms.ChoiceField(
        label=_("Ditetapkan oleh"),
        required=False,
        choices=_blank(_("—"), StatusDecidedBy.choices),
    )
    recruitment_method = forms.ChoiceField(
        label=_("Cara perekrutan"),
        required=False,
        choices=_blank(_("— tidak diketahui —"), RecruitmentMethod.choices),
    )
    control_methods = forms.MultipleChoiceField(
        label=_("Cara pengendalian"),
        required=False,
        choices=ControlMethod.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Jenis eksploitasi"),
        required=False,
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, offices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["handling_office"]).choices = offices

    def clean_lp_date(self) -> datetime.date | None:
        value, problem = cleaning.date_parse(
            self.cleaned_data.get("lp_date"), label=_("Tanggal LP")
        )
        if problem:
            raise forms.ValidationError(problem)
        return value


class CaseUpdateForm(ServiceErrorsMixin, forms.Form):
    modus = CaseOpenForm.base_fields["modus"]
    summary = CaseOpenForm.base_fields["summary"]
    trafficking_status = CaseOpenForm.base_fields["trafficking_status"]
    status_decided_by = CaseOpenForm.base_fields["status_decided_by"]
    recruitment_method = CaseOpenForm.base_fields["recruitment_method"]
    control_methods = CaseOpenForm.base_fields["control_methods"]
    exploitation_types = CaseOpenForm.base_fields["exploitation_types"]


class StageForm(ServiceErrorsMixin, forms.Form):
    on = date_text_field(_("Tanggal"), required=True, help_text=_("HH-BB-TTTT"))
    verdict = forms.ChoiceField(
        label=_("Amar putusan"), required=False, choices=_blank(_("— pilih —"), Verdict.choices)
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def clean_on(self) -> datetime.date | None:
        value, problem = cleaning.date_parse(self.cleaned_data.get("on"), label=_("Tanggal"))
        if problem:
            raise forms.ValidationError(problem)
        return value


class PersonForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Peran"), choices=PersonRole.choices)
    full_name = forms.CharField(label=_("Nama lengkap"), required=False, max_length=250)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = date_text_field(
        _("Tanggal lahir"), help_text=_("HH-BB-TTTT; bila kosong diambil dari NIK.")
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"),
        required=False,
        choices=_blank(_("— tidak diketahui —"), Sex.choices),
    )
    birth_place = forms.CharField(label=_("Tempat lahir"), required=False, max_length=100)
    passport_no = forms.CharField(label=_("Nomor paspor"), required=False, max_length=40)
    phone = forms.CharField(
        label=_("Nomor telepon"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Alamat"), required=False, max_length=300)
    desa_code = forms.CharField(
        label=_("Kode desa/kelurahan"),
        required=False,
        max_length=20,
        help_text=_("Kode Kemendagri, misalnya 36.03.07.2001."),
    )
    perpetrator_role = forms.ChoiceField(
        label=_("Peran pelaku (HTCDS)"),
        required=False,
        choices=_blank(_("— bukan pelaku / tidak diketahui —"), PerpetratorRole.choices),
    )


def _country_choices() -> list[tuple[str, str]]:
    countries = sorted(iso_countries().values(), key=lambda country: country.name)
    return [("", str(_("— pilih negara —"))), *((c.code, c.name) for c in countries)]


class RouteLegForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Jenis titik"), choices=LegKind.choices)
    desa_code = forms.CharField(
        label=_("Kode desa/kelurahan asal"),
        required=False,
        max_length=20,
        help_text=_("Untuk asal: kode Kemendagri, misalnya 36.03.07.2001."),
    )
    country = forms.ChoiceField(label=_("Negara"), required=False)
    city = forms.CharField(label=_("Kota/tempat"), required=False, max_length=120)
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = _country_choices()


class VictimServiceForm(ServiceErrorsMixin, forms.Form):
    victim = forms.ChoiceField(label=_("Korban"))
    kind = forms.ChoiceField(label=_("Layanan"), choices=ServiceKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    started_on = date_text_field(_("Tanggal mulai"))
    completed_on = date_text_field(_("Tanggal selesai"))
    provider = forms.CharField(label=_("Pelaksana"), required=False, max_length=200)
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def __init__(self, *args: Any, victims: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["victim"]).choices = [
            ("", _("— pilih korban —")),
            *victims,
        ]

    def clean_started_on(self) -> datetime.date | None:
        value, problem = cleaning.date_parse(
            self.cleaned_data.get("started_on"), label=_("Tanggal mulai")
        )
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_completed_on(self) -> datetime.date | None:
        value, problem = cleaning.date_parse(
            self.cleaned_data.get("completed_on"), label=_("Tanggal selesai")
        )
        if problem:
            raise forms.ValidationError(problem)
        return value


class VictimServiceStatusForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    completed_on = date_text_field(_("Tanggal selesai"))
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def clean_completed_on(self) -> datetime.date | None:
        value, problem = cleaning.date_parse(
            self.cleaned_data.get("completed_on"), label=_("Tanggal selesai")
        )
        if problem:
            raise forms.ValidationError(problem)
        return value


class TeamMemberForm(ServiceErrorsMixin, forms.Form):
    user = forms.ChoiceField(label=_("Petugas"))

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = [
            ("", _("— pilih petugas —")),
            *candidates,
        ]
