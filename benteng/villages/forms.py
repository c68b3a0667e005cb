"""Forms of the village pages. Values are checked by the services (one place for every
caller); a form keeps what was typed, so nothing is lost on an error, and shows the reasons.
Files cannot be kept by a browser across a refused post: the form says so."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng import identity_cleaning as cleaning
from benteng.accounts.models import Office, OfficeKind
from benteng.forms import ServiceErrorsMixin, date_text_field
from benteng.villages.models import Facilitator, OutreachKind, ServiceKind
from benteng.villages.selectors import LEVEL_DESA, LEVEL_KABUPATEN, LEVEL_KECAMATAN, plan_labels
from benteng.watchlists.imports import MAX_FILE_BYTES

COUNT_WIDGET = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [file for file in data if file]
        return [data] if data else []


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=100_000, initial=0, widget=COUNT_WIDGET
    )


class _DatedForm(ServiceErrorsMixin, forms.Form):
    held_on = date_text_field(_("Tanggal"), required=True)

    def clean_held_on(self) -> datetime.date | None:
        value, problem = cleaning.date_parse(self.cleaned_data.get("held_on"), label=_("Tanggal"))
        if problem:
            raise forms.ValidationError(problem)
        return value


class ServiceDayForm(_DatedForm):
    place = forms.CharField(label=_("Tempat"), max_length=200)
    services = forms.MultipleChoiceField(
        label=_("Layanan"), choices=ServiceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    served_male = _count(_("Dilayani: laki-laki"))
    served_female = _count(_("Dilayani: perempuan"))
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutreachForm(_DatedForm):
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=OutreachKind.choices)
    place = forms.CharField(label=_("Tempat"), max_length=200)
    topic = forms.CharField(label=_("Topik"), max_length=200)
    facilitators = forms.MultipleChoiceField(
        label=_("Narasumber"), choices=Facilitator.choices, widget=forms.CheckboxSelectMultiple
    )
    participants_male = _count(_("Peserta laki-laki"))
    participants_female = _count(_("Peserta perempuan"))
    participants_youth = _count(_("Di antaranya peserta muda (di bawah 25 tahun)"))
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("Foto kegiatan"),
        help_text=_("JPEG atau PNG, paling besar 5 MB per foto."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    attendance = MultipleFileField(
        label=_("Daftar hadir"),
        help_text=_("PDF, JPEG atau PNG, paling besar 10 MB."),
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class WorkPlanForm(ServiceErrorsMixin, forms.Form):
    village = forms.TypedChoiceField(label=_("Desa"), coerce=int)
    year = forms.IntegerField(label=_("Tahun"), widget=COUNT_WIDGET)
    quarter = forms.TypedChoiceField(
        label=_("Triwulan"), coerce=int, choices=[(q, f"{q}") for q in (1, 2, 3, 4)]
    )

    def __init__(self, *args: Any, villages: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1
        for key, label in plan_labels().items():
            self.fields[f"plan_{key}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=200,
                initial=0,
                required=False,
                widget=COUNT_WIDGET,
            )

    def planned(self) -> dict[str, int]:
        return {key: self.cleaned_data.get(f"plan_{key}") or 0 for key in plan_labels()}

    def plan_fields(self) -> list[Any]:
        return [self[f"plan_{key}"] for key in plan_labels()]


class TotalsFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Dijumlah per"),
        required=False,
        choices=[
            (LEVEL_DESA, _("Desa")),
            (LEVEL_KECAMATAN, _("Kecamatan")),
            (LEVEL_KABUPATEN, _("Kabupaten/kota")),
        ],
    )
    within = forms.CharField(
        label=_("Di wilayah (kode)"),
        required=False,
        max_length=13,
        help_text=_("Misalnya 36.03 (Kabupaten Tangerang) atau 36.03.07 (Kronjo)."),
    )
    date_from = date_text_field(_("Dari tanggal"))
    date_to = date_text_field(_("Sampai tanggal"))
    # Readers of aggregates choose a calendar year instead of dates (selectors.totals_period).
    year = forms.IntegerField(
        label=_("Tahun"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, per_year: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to") if per_year else ("year",):
            del self.fields[name]

    def _date(self, name: str, label: Any) -> datetime.date | None:
        value, problem = cleaning.date_parse(self.cleaned_data.get(name), label=label)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_date_from(self) -> datetime.date | None:
        return self._date("date_from", _("Dari tanggal"))

    def clean_date_to(self) -> datetime.date | None:
        return self._date("date_to", _("Sampai tanggal"))

    def clean_within(self) -> str:
        value: str = self.cleaned_data.get("within", "").strip()
        if value and not all(part.isdigit() for part in value.split(".")):
            raise forms.ValidationError(_("Tulis kode wilayah seperti 36.03 atau 36.03.07."))
        return value


class PmiImportForm(forms.Form):
    source = forms.CharField(label=_("Sumber data"), max_length=100, initial="BP3MI Banten")
    file = forms.FileField(
        label=_("Berkas (CSV atau XLSX)"),
        help_text=_(
            "Kolom: kode_desa (atau nama_desa dan kecamatan), tahun, jumlah; boleh juga "
            "laki_laki, perempuan, negara_tujuan."
        ),
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        # Checked from the upload's size, before anything reads the file into memory.
        if uploaded.size is None or uploaded.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar: paling besar %(limit)d MB.")
                % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return uploaded


class DesignationForm(ServiceErrorsMixin, forms.Form):
    desa_code = forms.CharField(label=_("Kode desa/kelurahan"), max_length=13, required=False)
    designated_on = date_text_field(_("Ditetapkan sejak"), required=True)
    kanim = forms.TypedChoiceField(label=_("Kantor Imigrasi pembina"), coerce=int)
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)
    document = forms.FileField(
        label=_("Dokumen kerja sama"),
        required=False,
        help_text=_("PDF, JPEG atau PNG, paling besar 10 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kanim"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *Office.objects.filter(kind=OfficeKind.KANIM, is_active=True).values_list("pk", "name"),
        ]

    def clean_designated_on(self) -> datetime.date | None:
        value, problem = cleaning.date_parse(
            self.cleaned_data.get("designated_on"), label=_("Ditetapkan sejak")
        )
        if problem:
            raise forms.ValidationError(problem)
        return value


class FocalPersonForm(ServiceErrorsMixin, forms.Form):
    full_name = forms.CharField(label=_("Nama"), max_length=150)
    position = forms.CharField(label=_("Jabatan"), max_length=120)
    phone = forms.CharField(label=_("Nomor telepon"), max_length=30, required=False)
