"""The ledger pages' filters: they keep what was typed and say what is wrong."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng import identity_cleaning as cleaning
from benteng.accounts.models import AgencyKind
from benteng.agreements.models import Channel, Clause
from benteng.forms import date_text_field

ALL = _("— semua —")


class LedgerFilterForm(forms.Form):
    since = date_text_field(_("Dari tanggal"))
    until = date_text_field(_("Sampai tanggal"))
    recipient = forms.ChoiceField(label=_("Instansi penerima"), required=False)
    clause = forms.ChoiceField(label=_("Pasal"), required=False)
    channel = forms.ChoiceField(label=_("Saluran"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["recipient"]).choices = [
            ("", ALL),
            *[(kind.value, kind.label) for kind in AgencyKind if kind != AgencyKind.DESA],
        ]
        cast(forms.ChoiceField, self.fields["clause"]).choices = [
            ("", ALL),
            *[
                (str(clause.pk), f"{clause.agreement.number} {clause.number}")
                for clause in Clause.objects.select_related("agreement")
            ],
        ]
        cast(forms.ChoiceField, self.fields["channel"]).choices = [("", ALL), *Channel.choices]

    def _date(self, name: str, label: Any) -> datetime.date | None:
        value, problem = cleaning.date_parse(self.cleaned_data.get(name), label=label)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_since(self) -> datetime.date | None:
        return self._date("since", _("Tanggal awal"))

    def clean_until(self) -> datetime.date | None:
        return self._date("until", _("Tanggal akhir"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return data


class PersonSearchForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        required=False,
        help_text=_("16 angka, seperti di KTP."),
    )

    def clean_nik(self) -> str:
        value = self.cleaned_data.get("nik") or ""
        if not value.strip():
            raise forms.ValidationError(_("Tulis NIK orang yang dicari."))
        nik, problems = cleaning.nik_clean(value, today=timezone.localdate())
        if problems:
            raise forms.ValidationError(problems)
        return nik
