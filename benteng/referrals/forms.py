"""Forms of the referral pages. Values are checked by the services (one place for pages and
any later API); the forms hold what was typed, so nothing is lost when a value is refused."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benteng.accounts.models import Office, User
from benteng.cases.models import CaseKind, Modus
from benteng.forms import DateTextInput, ServiceErrorsMixin
from benteng.identity import Sex
from benteng.identity_cleaning import date_parse
from benteng.referrals.models import (
    ReasonCategory,
    ReferralOutcome,
    ReferralState,
    ReferralUrgency,
)
from benteng.referrals.selectors import INCOMING, OPEN, OUTGOING, InboxFilters
from benteng.referrals.services import SubjectInput


class SubjectFields(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), required=False, max_length=300)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    passport_no = forms.CharField(
        label=_("Nomor paspor"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Nomor telepon"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"),
        required=False,
        choices=[("", _("— tidak diketahui —")), *Sex.choices],
    )
    birth_date = forms.CharField(
        label=_("Tanggal lahir"),
        required=False,
        help_text=_("HH-BB-TTTT, misalnya 17-08-1990."),
        widget=DateTextInput(),
    )
    desa_code = forms.CharField(
        label=_("Kode desa/kelurahan"),
        required=False,
        help_text=_(
            "Kode Kemendagri, misalnya 36.03.07.2001. Bila kosong, wilayah diambil dari NIK."
        ),
    )

    def subject_input(self) -> SubjectInput:
        data = self.cleaned_data
        return SubjectInput(**{name: data.get(name) or "" for name in SubjectInput().__dict__})


class SubjectForm(ServiceErrorsMixin, SubjectFields):
    pass


class ReferralForm(ServiceErrorsMixin, SubjectFields):
    receiving_office = forms.ChoiceField(label=_("Kantor tujuan"), required=False)
    reason_category = forms.ChoiceField(
        label=_("Kategori alasan"),
        required=False,
        choices=[("", _("— pilih kategori —")), *ReasonCategory.choices],
    )
    urgency = forms.ChoiceField(
        label=_("Urgensi"),
        required=False,
        choices=ReferralUrgency.choices,
        initial=ReferralUrgency.BIASA,
    )
    reason = forms.CharField(
        label=_("Alasan rujukan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Apa yang diketahui dan apa yang diminta dari kantor tujuan."),
    )
    file = forms.FileField(
        label=_("Berkas (opsional)"),
        required=False,
        help_text=_("PDF, JPEG atau PNG, paling besar 10 MB."),
    )
    file_description = forms.CharField(label=_("Keterangan berkas"), required=False, max_length=200)

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offices = {str(office.pk): office for office in offices}
        field: Any = self.fields["receiving_office"]
        field.choices = [
            ("", _("— pilih kantor —")),
            *((str(office.pk), office.name) for office in offices),
        ]
        field.error_messages["invalid_choice"] = _("Pilih kantor tujuan dari daftar.")

    def receiving_office_chosen(self) -> Office | None:
        return self.offices.get(self.cleaned_data.get("receiving_office") or "")


class CommentForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label=_("Komentar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FileForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Berkas"), required=False, help_text=_("PDF, JPEG atau PNG, paling besar 10 MB.")
    )
    description = forms.CharField(label=_("Keterangan"), required=False, max_length=200)


class AssignForm(ServiceErrorsMixin, forms.Form):
    assignee = forms.ChoiceField(label=_("Petugas yang menangani"), required=False)

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officers = {str(user.pk): user for user in officers}
        field: Any = self.fields["assignee"]
        field.choices = [
            ("", _("— pilih petugas —")),
            *((str(user.pk), user.full_name or user.username) for user in officers),
        ]
        field.error_messages["invalid_choice"] = _("Pilih petugas dari daftar.")

    def assignee_chosen(self) -> User | None:
        return self.officers.get(self.cleaned_data.get("assignee") or "")


class CloseForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Hasil penanganan"),
        required=False,
        choices=[("", _("— pilih hasil —")), *ReferralOutcome.choices],
    )
    lp_number = forms.CharField(
        label=_("Nomor Laporan Polisi"),
        required=False,
        help_text=_("Bila perkara dibuka, misalnya LP/B/123/XII/2026/SPKT/POLRESTA TANGERANG."),
    )
    lp_date = forms.CharField(
        label=_("Tanggal Laporan Polisi"), required=False, widget=DateTextInput()
    )
    # The case's kind and modus: needed when the closing opens the case (not to link one).
    kind = forms.ChoiceField(
        label=_("Jenis perkara"),
        required=False,
        choices=[("", _("— pilih jenis —")), *CaseKind.choices],
        help_text=_("Bila perkara dibuka dan kasusnya belum ada."),
    )
    modus = forms.ChoiceField(
        label=_("Modus operandi"),
        required=False,
        choices=[("", _("— pilih modus —")), *Modus.choices],
    )
    passed_to = forms.CharField(label=_("Diteruskan ke instansi"), required=False)
    note = forms.CharField(
        label=_("Catatan hasil"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kind", "modus"):
            field: Any = self.fields[name]
            field.error_messages["invalid_choice"] = _("Pilih dari daftar.")


class ReturnForm(ServiceErrorsMixin, forms.Form):
    return_reason = forms.CharField(
        label=_("Alasan pengembalian"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InboxFilterForm(forms.Form):
    arah = forms.ChoiceField(
        label=_("Arah"),
        required=False,
        choices=[(INCOMING, _("Masuk")), (OUTGOING, _("Keluar"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua")), (OPEN, _("Belum selesai")), *ReferralState.choices],
    )
    urgensi = forms.ChoiceField(
        label=_("Urgensi"), required=False, choices=[("", _("Semua")), *ReferralUrgency.choices]
    )
    lewat_batas = forms.BooleanField(label=_("Hanya yang lewat batas waktu"), required=False)
    dari = forms.CharField(label=_("Dikirim dari"), required=False, widget=DateTextInput())
    sampai = forms.CharField(label=_("sampai"), required=False, widget=DateTextInput())

    def clean_dari(self) -> Any:
        return self._date("dari", _("Tanggal awal"))

    def clean_sampai(self) -> Any:
        return self._date("sampai", _("Tanggal akhir"))

    def _date(self, name: str, label: Any) -> Any:
        value, problem = date_parse(self.cleaned_data.get(name), label=label)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def filters(self) -> InboxFilters:
        if not self.is_bound:
            return InboxFilters()
        valid = self.is_valid()
        data = self.cleaned_data
        return InboxFilters(
            direction=data.get("arah") or INCOMING,
            state=data.get("status") or "",
            urgency=data.get("urgensi") or "",
            overdue=bool(data.get("lewat_batas")),
            sent_from=data.get("dari") if valid or "dari" not in self.errors else None,
            sent_to=data.get("sampai") if valid or "sampai" not in self.errors else None,
        )
