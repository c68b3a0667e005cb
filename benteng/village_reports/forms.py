"""Forms of the village-report pages: Django forms that keep what was typed; the service
checks the values and its problems are put on the fields (``ServiceErrorsMixin``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benteng.forms import ServiceErrorsMixin, date_text_field
from benteng.identity import Sex
from benteng.referrals.models import ReferralUrgency
from benteng.village_reports.models import PersonRole, ReportKind, ReportStatus

PERSON_FORMS = 2


class ReportForm(ServiceErrorsMixin, forms.Form):
    desa_code = forms.ChoiceField(label=_("Desa/kelurahan"))
    kind = forms.ChoiceField(label=_("Jenis laporan"), choices=ReportKind.choices)
    summary = forms.CharField(
        label=_("Apa yang terjadi?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Jangan tulis nama pelapor di sini."),
    )
    seen_on = date_text_field(_("Tanggal kejadian"))
    vehicle = forms.CharField(label=_("Kendaraan (jenis, warna, nomor polisi)"), required=False)
    approached = forms.CharField(label=_("Siapa yang didekati"), required=False)
    reporter_name = forms.CharField(label=_("Nama pelapor (warga)"), required=False)
    reporter_phone = forms.CharField(
        label=_("Telepon pelapor"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    reporter_named = forms.BooleanField(
        label=_("Pelapor bersedia namanya dilihat petugas lain"), required=False
    )
    draft_uuid = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, villages: list[tuple[str, str]], show_reporter: bool, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["desa_code"].choices = villages  # type: ignore[attr-defined]
        if not show_reporter:
            for name in ("reporter_name", "reporter_phone", "reporter_named"):
                del self.fields[name]


class PersonForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Peran"), choices=PersonRole.choices)
    full_name = forms.CharField(label=_("Nama"), required=False)
    nik = forms.CharField(
        label=_("NIK"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    phone = forms.CharField(
        label=_("Nomor telepon"), required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", "—"), *Sex.choices], required=False
    )
    birth_date = date_text_field(_("Tanggal lahir"))
    destination_country = forms.CharField(
        label=_("Negara tujuan (kode, mis. MY)"), required=False, max_length=2
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua")), *ReportStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua")), *ReportKind.choices]
    )
    village = forms.ChoiceField(label=_("Desa"), required=False)

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("Semua")), *villages]  # type: ignore[attr-defined]


class NoteForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CloseForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Catatan penutupan"), widget=forms.Textarea(attrs={"rows": 3}))
    unfounded = forms.BooleanField(
        label=_("Tidak terbukti (tidak lagi dihitung sebagai sinyal desa di loket)"),
        required=False,
    )


class ReferForm(ServiceErrorsMixin, forms.Form):
    receiving_office = forms.TypedChoiceField(label=_("Kirim ke"), coerce=int)
    urgency = forms.ChoiceField(
        label=_("Urgensi"), choices=ReferralUrgency.choices, initial=ReferralUrgency.TINGGI
    )

    def __init__(self, *args: Any, offices: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["receiving_office"]
        field.choices = [(office.pk, office.name) for office in offices]
