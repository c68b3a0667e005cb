"""Forms of the joint work: Django forms that keep what was typed and say in Bahasa Indonesia
what is wrong. Dates are typed as text (``benteng.forms.date_text_field``), times as HH:MM."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benteng.accounts.models import AgencyKind, Office, User
from benteng.cooperation.models import (
    FacilityKind,
    OperationKind,
    TrainingKind,
)
from benteng.cooperation.report import MONTH, QUARTER, YEAR, ReportPeriod
from benteng.cooperation.selectors import JointWorkFilters
from benteng.forms import DateTextInput, ServiceErrorsMixin, date_text_field
from benteng.identity_cleaning import date_parse

TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
PARTICIPANTS_PREFIX = "peserta_"


class _Fields:
    def _field(self, name: str) -> Any:
        form: Any = self
        return form.fields[name]


def _parsed_date(form: forms.Form, name: str, *, required: bool) -> datetime.date | None:
    label: Any = form.fields[name].label
    value, problem = date_parse(form.cleaned_data.get(name), label=label)
    if problem:
        raise forms.ValidationError(problem)
    if required and value is None:
        raise forms.ValidationError(_("%(label)s wajib diisi.") % {"label": label})
    return value


class OfficeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class OfficeMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TrainingForm(_Fields, ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=TrainingKind.choices)
    topic = forms.CharField(label=_("Topik"), max_length=200)
    starts_on = date_text_field(_("Tanggal mulai"), required=True)
    ends_on = date_text_field(_("Tanggal selesai"), required=True)
    place = forms.CharField(label=_("Tempat"), max_length=200)
    organiser_office = OfficeChoiceField(label=_("Penyelenggara"), queryset=Office.objects.none())
    trainers = forms.CharField(
        label=_("Pelatih/narasumber"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu nama per baris, dengan instansinya."),
    )
    named_participants = forms.ModelMultipleChoiceField(
        label=_("Peserta bernama (pilihan)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    material = forms.FileField(
        label=_("Materi (PDF, JPEG atau PNG, paling besar 10 MB)"), required=False
    )
    material_description = forms.CharField(
        label=_("Keterangan materi"), max_length=200, required=False
    )

    def __init__(
        self,
        *args: Any,
        offices: list[Office],
        officers: Any,
        with_material: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offices = offices
        office_ids = [office.pk for office in offices]
        self._field("organiser_office").queryset = Office.objects.filter(pk__in=office_ids)
        self._field("named_participants").queryset = officers
        self._field("named_participants").label_from_instance = lambda user: (
            f"{user.full_name or user.username}"
        )
        for office in offices:
            self.fields[f"{PARTICIPANTS_PREFIX}{office.pk}"] = forms.IntegerField(
                label=office.name, required=False, min_value=0, max_value=10_000
            )
        if not with_material:
            del self.fields["material"]
            del self.fields["material_description"]

    def participant_fields(self) -> list[Any]:
        return [self[f"{PARTICIPANTS_PREFIX}{office.pk}"] for office in self.offices]

    def clean_starts_on(self) -> Any:
        return _parsed_date(self, "starts_on", required=True)

    def clean_ends_on(self) -> Any:
        return _parsed_date(self, "ends_on", required=True)

    def participations(self) -> list[tuple[Office, int]]:
        return [
            (office, self.cleaned_data.get(f"{PARTICIPANTS_PREFIX}{office.pk}") or 0)
            for office in self.offices
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "kind",
                "topic",
                "starts_on",
                "ends_on",
                "place",
                "organiser_office",
                "trainers",
                "notes",
            )
        }

    def add_service_errors(self, errors: Any) -> None:
        # The participant counts have no field of their own: their messages go on top.
        renamed: dict[Any, list[Any]] = {}
        for name, found in errors.items():
            key = "material" if name == "file" else None if name == "participations" else name
            renamed[key] = [*renamed.get(key, []), *found]
        super().add_service_errors(renamed)


class MaterialForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("Berkas (PDF, JPEG atau PNG, paling besar 10 MB)"))
    description = forms.CharField(label=_("Keterangan"), max_length=200, required=False)


class OperationForm(_Fields, ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Nama operasi"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis lokasi"), choices=OperationKind.choices)
    place = forms.CharField(
        label=_("Lokasi"),
        max_length=200,
        help_text=_("Misalnya Bandara Soekarno-Hatta Terminal 3 atau Pelabuhan Merak."),
    )
    starts_on = date_text_field(_("Tanggal mulai"), required=True)
    ends_on = date_text_field(_("Tanggal selesai"), required=True)
    lead_office = OfficeChoiceField(label=_("Kantor pemimpin"), queryset=Office.objects.none())
    offices = OfficeMultipleChoiceField(
        label=_("Kantor yang ikut"),
        queryset=Office.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    referral_numbers = forms.CharField(
        label=_("Rujukan yang dihasilkan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nomor rujukan, satu per baris (contoh: RJK-2026-000123)."),
    )
    lp_numbers = forms.CharField(
        label=_("Kasus yang dihasilkan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nomor LP, satu per baris."),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office_ids = [office.pk for office in offices]
        self._field("lead_office").queryset = Office.objects.filter(pk__in=office_ids)
        self._field("offices").queryset = Office.objects.filter(pk__in=office_ids)

    def clean_starts_on(self) -> Any:
        return _parsed_date(self, "starts_on", required=True)

    def clean_ends_on(self) -> Any:
        return _parsed_date(self, "ends_on", required=True)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("name", "kind", "place", "starts_on", "ends_on", "lead_office", "notes")
        }


class FacilityForm(_Fields, ServiceErrorsMixin, forms.Form):
    owner_office = OfficeChoiceField(label=_("Kantor pemilik"), queryset=Office.objects.none())
    kind = forms.ChoiceField(label=_("Jenis fasilitas"), choices=FacilityKind.choices)
    name = forms.CharField(label=_("Nama"), max_length=200)
    capacity = forms.IntegerField(label=_("Kapasitas (orang)"), min_value=1, max_value=500)
    location = forms.CharField(label=_("Lokasi"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Aktif (dapat dipesan)"), required=False, initial=True)

    def __init__(
        self, *args: Any, owner_offices: list[Office] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if owner_offices is None:
            del self.fields["owner_office"]
        else:
            self._field("owner_office").queryset = Office.objects.filter(
                pk__in=[office.pk for office in owner_offices]
            )


def _time(form: forms.Form, name: str) -> datetime.time:
    text = str(form.cleaned_data.get(name) or "").strip()
    match = TIME.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return datetime.time(hour, minute)
    raise forms.ValidationError(
        _("%(label)s tidak dapat dibaca: tulis jam seperti 08:30.")
        % {"label": form.fields[name].label}
    )


class BookingForm(ServiceErrorsMixin, forms.Form):
    day = date_text_field(_("Tanggal mulai"), required=True)
    start_time = forms.CharField(
        label=_("Jam mulai"),
        max_length=5,
        widget=forms.TextInput(attrs={"placeholder": "08:00", "inputmode": "numeric"}),
    )
    end_day = date_text_field(
        _("Tanggal selesai"), help_text=_("Kosongkan bila selesai pada hari yang sama.")
    )
    end_time = forms.CharField(
        label=_("Jam selesai"),
        max_length=5,
        widget=forms.TextInput(attrs={"placeholder": "12:00", "inputmode": "numeric"}),
    )
    purpose = forms.CharField(
        label=_("Keperluan"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Tanpa nama atau data pribadi orang yang diperiksa."),
    )

    def clean_day(self) -> Any:
        return _parsed_date(self, "day", required=True)

    def clean_end_day(self) -> Any:
        return _parsed_date(self, "end_day", required=False)

    def clean_start_time(self) -> Any:
        return _time(self, "start_time")

    def clean_end_time(self) -> Any:
        return _time(self, "end_time")

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        starts = datetime.datetime.combine(data["day"], data["start_time"], tzinfo=zone)
        ends = datetime.datetime.combine(
            data.get("end_day") or data["day"], data["end_time"], tzinfo=zone
        )
        return starts, ends

    def add_service_errors(self, errors: Any) -> None:
        renamed = {
            {"starts_at": "day", "ends_at": "end_time"}.get(name, name): found
            for name, found in errors.items()
        }
        super().add_service_errors(renamed)


class JointWorkFilterForm(_Fields, forms.Form):
    dari = forms.CharField(label=_("Dari tanggal"), required=False, widget=DateTextInput())
    sampai = forms.CharField(label=_("sampai"), required=False, widget=DateTextInput())
    instansi = forms.ChoiceField(
        label=_("Instansi"),
        required=False,
        choices=[
            ("", _("Semua")),
            (AgencyKind.IMIGRASI, AgencyKind.IMIGRASI.label),
            (AgencyKind.POLRI, AgencyKind.POLRI.label),
        ],
    )
    jenis = forms.ChoiceField(label=_("Jenis"), required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._field("jenis").choices = [("", _("Semua")), *kinds]

    def clean_dari(self) -> Any:
        return _parsed_date(self, "dari", required=False)

    def clean_sampai(self) -> Any:
        return _parsed_date(self, "sampai", required=False)

    def filters(self) -> JointWorkFilters:
        if not self.is_bound:
            return JointWorkFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return JointWorkFilters(
            starts_from=data.get("dari"),
            starts_to=data.get("sampai"),
            agency=data.get("instansi") or "",
            kind=data.get("jenis") or "",
        )


class ReportPeriodForm(forms.Form):
    periode = forms.ChoiceField(
        label=_("Periode"),
        choices=[(MONTH, _("Bulan")), (QUARTER, _("Triwulan")), (YEAR, _("Tahun"))],
    )
    tahun = forms.IntegerField(label=_("Tahun"), min_value=2025, max_value=2100)
    ke = forms.IntegerField(
        label=_("Bulan/triwulan ke"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=_("1–12 untuk bulan, 1–4 untuk triwulan."),
    )

    def clean(self) -> Any:
        data = super().clean() or {}
        kind, number = data.get("periode"), data.get("ke") or 1
        if kind == QUARTER and number > 4:
            self.add_error("ke", _("Triwulan hanya 1 sampai 4."))
        return data

    def period(self) -> ReportPeriod:
        today = timezone.localdate()
        if not self.is_bound or not self.is_valid():
            return ReportPeriod(MONTH, today.year, today.month)
        data = self.cleaned_data
        kind = data["periode"]
        return ReportPeriod(kind, data["tahun"], 1 if kind == YEAR else data.get("ke") or 1)
