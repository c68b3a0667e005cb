"""Forms of the counter, the interview and decision, the lists and the TPI check.

Every message is in Bahasa Indonesia and says what to type instead. A form that fails keeps
everything typed (Django binds the posted values back), including the desa list of the chosen
kecamatan and the documents ticked.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from benteng import identity_cleaning as cleaning
from benteng.core.countries import country_name, destination_countries
from benteng.forms import date_text_field
from benteng.identity import Sex
from benteng.problems import FieldProblems
from benteng.regions.models import VILLAGE_LEVELS, Region, RegionLevel
from benteng.screening.cleaning import ApplicationInput, DepartureInput, ScreeningInputInvalid
from benteng.screening.decisions import OFFICER_OUTCOMES, WarningOverrideInput
from benteng.screening.models import (
    ApplicationStatus,
    ContactRelation,
    DecisionOutcome,
    DecisionReason,
    DepartureOutcome,
    DestinationCountry,
    TravelDocument,
    TravelPurpose,
)
from benteng.screening.selectors import ScreeningFilters
from benteng.screening.worklists import HITS_AWAITING

CONTACT_ROWS = 4


def parse_date_text(text: str, *, label: str) -> datetime.date | None:
    """A date written 17-08-1990, 17/08/1990, 1990-08-17 or "17 Agustus 1990"; a clear
    message otherwise."""
    parsed, problem = cleaning.date_parse(text, label=label)
    if problem:
        raise forms.ValidationError(problem)
    return parsed


def _text_input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs=attrs)


def _kecamatan_choices() -> list[tuple[str, Any]]:
    """Kecamatan of Banten grouped by kabupaten/kota, for the address."""
    regencies = {
        region.code: region.name
        for region in Region.objects.filter(level__in=[RegionLevel.KABUPATEN, RegionLevel.KOTA])
    }
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name in Region.objects.filter(level=RegionLevel.KECAMATAN).values_list(
        "code", "name"
    ):
        regency = regencies.get(code.rsplit(".", 1)[0], "")
        groups.setdefault(regency, []).append((code, name))
    return [("", _("— pilih kecamatan —")), *groups.items()]


def desa_choices(kecamatan_code: str) -> list[tuple[str, str]]:
    """The desa/kelurahan of one kecamatan."""
    if not kecamatan_code:
        return []
    return list(
        Region.objects.filter(parent_id=kecamatan_code, level__in=VILLAGE_LEVELS)
        .order_by("name")
        .values_list("code", "name")
    )


def _destination_choices() -> list[tuple[Any, Any]]:
    """Every country but Indonesia (ISO 3166-1), by name; those on the analysts' list, which
    have rules, come first in their own group."""
    language = "en" if (get_language() or "").startswith("en") else "id"
    with_rules = set(DestinationCountry.objects.values_list("code", flat=True))

    def option(code: str) -> tuple[str, str]:
        return (code, f"{country_name(code, language=language)} ({code})")

    def by_name(codes: Any) -> list[tuple[str, str]]:
        return sorted((option(code) for code in codes), key=lambda item: item[1])

    return [
        ("", _("— pilih negara —")),
        (_("Negara dengan aturan (daftar analis)"), by_name(with_rules & destination_countries())),
        (_("Semua negara lain"), by_name(destination_countries() - with_rules)),
    ]


class ApplicationForm(forms.Form):
    """The applicant as the officer reads them from the KTP, KK and the interview.

    Values are cleaned by the screening service's :class:`ApplicationInput` (the same rules
    as the API), and every problem is put on its field at once; the cleaned input is
    ``self.application_input``.
    """

    nik = forms.CharField(
        label=_("NIK"),
        max_length=30,
        required=False,
        widget=_text_input(inputmode="numeric", autocomplete="off", autofocus=True),
    )
    full_name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=200,
        required=False,
        widget=_text_input(autocomplete="off"),
    )
    birth_date = date_text_field(_("Tanggal lahir"), help_text=_("HH-BB-TTTT, misalnya 17-08-1990"))
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=Sex.choices, widget=forms.RadioSelect, required=False
    )
    address = forms.CharField(
        label=_("Alamat (jalan, kampung, RT/RW)"), max_length=300, required=False
    )
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    desa_code = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)
    phone = forms.CharField(
        label=_("Nomor telepon/WhatsApp"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    passport_no = forms.CharField(
        label=_("Nomor paspor lama (bila ada)"),
        max_length=30,
        required=False,
        widget=_text_input(autocomplete="off"),
    )
    purpose = forms.ChoiceField(
        label=_("Tujuan perjalanan"),
        choices=[("", _("— pilih tujuan —")), *TravelPurpose.choices],
        required=False,
    )
    destination_country = forms.ChoiceField(label=_("Negara tujuan"), required=False)
    sponsor_name = forms.CharField(label=_("Sponsor/penjamin"), max_length=200, required=False)
    sponsor_phone = forms.CharField(
        label=_("Telepon sponsor"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    employer_name = forms.CharField(label=_("Pemberi kerja"), max_length=200, required=False)
    placement_company = forms.CharField(
        label=_("Perusahaan penempatan (P3MI)"), max_length=200, required=False
    )
    documents = forms.MultipleChoiceField(
        label=_("Dokumen yang ditunjukkan"),
        choices=TravelDocument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # One key per form shown: a double submit screens the applicant once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    INPUT_FIELDS = (
        "nik",
        "full_name",
        "birth_date",
        "birth_place",
        "sex",
        "address",
        "desa_code",
        "phone",
        "passport_no",
        "purpose",
        "destination_country",
        "sponsor_name",
        "sponsor_phone",
        "employer_name",
        "placement_company",
        "documents",
    )

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.application_input: Any = None
        self._choice_field("kecamatan").choices = _kecamatan_choices()
        # With htmx the desa list follows the kecamatan at once; without it, after a submit.
        self.fields["kecamatan"].widget.attrs.update(
            {
                "hx-get": reverse("screening:desa_options"),
                "hx-trigger": "change",
                "hx-target": "#id_desa_code",
                "hx-swap": "innerHTML",
            }
        )
        self._choice_field("destination_country").choices = _destination_choices()
        self.fields["destination_country"].error_messages["invalid_choice"] = _(
            "Pilih negara tujuan dari daftar negara."
        )
        source = self.data if self.is_bound else self.initial
        kecamatan = str(source.get("kecamatan", "") or "")
        self._choice_field("desa_code").choices = [
            ("", _("— pilih desa/kelurahan —")),
            *desa_choices(kecamatan),
        ]
        self.fields["desa_code"].error_messages["invalid_choice"] = _(
            "Desa/kelurahan itu tidak ada di kecamatan yang dipilih; pilih lagi."
        )

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        return field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = {name: cleaned.get(name) for name in self.INPUT_FIELDS if name not in self.errors}
        try:
            self.application_input = ApplicationInput.from_raw(raw, today=self.today)
        except ScreeningInputInvalid as error:
            add_service_errors(self, error.errors)
        return cleaned


def add_service_errors(form: forms.Form, errors: FieldProblems) -> None:
    """Put a service's messages on the form's fields (or above the form)."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if field is not None and field in form.errors:
            # The field's own check already said what is wrong with it (a 300-character
            # name is too long; the service, not given it, would add "required").
            continue
        for message in messages:
            form.add_error(field, message)


class WarningOverrideForm(forms.Form):
    """The statement of an officer who lets someone through over a hit or a high risk band
    (shown only then; the service says which parts are missing)."""

    override_reason = forms.CharField(
        label=_("Alasan meneruskan meski ada peringatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    instruction_followed = forms.BooleanField(
        label=_("Saya sudah menjalankan instruksi hit di atas."),
        required=False,
    )
    contacted = forms.CharField(
        label=_("Yang dihubungi sesuai instruksi (kantor, nama, waktu)"),
        required=False,
        max_length=300,
        widget=_text_input(autocomplete="off"),
    )

    @property
    def override_input(self) -> WarningOverrideInput:
        return WarningOverrideInput(
            reason=self.cleaned_data.get("override_reason", ""),
            instruction_followed=bool(self.cleaned_data.get("instruction_followed")),
            contacted=self.cleaned_data.get("contacted", ""),
        )


class DecisionForm(WarningOverrideForm):
    """The officer's decision with its reason code; the due date only for a postponement."""

    outcome = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[
            (value, label) for value, label in DecisionOutcome.choices if value in OFFICER_OUTCOMES
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih keputusan.")},
    )
    reason = forms.ChoiceField(
        label=_("Alasan"),
        choices=[("", _("— pilih alasan —"))]
        + [(v, label) for v, label in DecisionReason.choices if v != "dokumen_tidak_dilengkapi"],
        error_messages={"required": _("Pilih alasan keputusan.")},
    )
    due_date = date_text_field(_("Batas melengkapi dokumen (untuk tunda)"))
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = forms.MultipleChoiceField(
        label=_("Dokumen yang kini ditunjukkan"),
        choices=TravelDocument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_due_date(self) -> datetime.date | None:
        return parse_date_text(
            self.cleaned_data.get("due_date", ""), label=str(_("Batas melengkapi dokumen"))
        )


class ContactForm(forms.Form):
    relation = forms.ChoiceField(
        label=_("Hubungan"),
        required=False,
        choices=[("", _("— hubungan —")), *ContactRelation.choices],
    )
    name = forms.CharField(label=_("Nama"), required=False, max_length=200)
    phone = forms.CharField(
        label=_("Telepon"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_person = cleaned.get("name") or cleaned.get("phone")
        if has_person and not cleaned.get("relation"):
            self.add_error("relation", _("Pilih hubungan orang ini dengan pemohon."))
        _phone, problem = cleaning.phone_clean(cleaned.get("phone"), label=str(_("Nomor telepon")))
        if problem:
            self.add_error("phone", problem)
        return cleaned


ContactFormSet = forms.formset_factory(ContactForm, extra=CONTACT_ROWS, max_num=20, absolute_max=20)


class ScreeningListFilterForm(forms.Form):
    """What every list of applications or departure checks filters by: a search (name however
    spelled, NIK, passport number, reference), the office, a period and the destination."""

    q = forms.CharField(
        label=_("Cari nama, NIK, nomor paspor atau nomor"), required=False, max_length=100
    )
    office = forms.TypedChoiceField(label=_("Kantor"), required=False, coerce=int, empty_value=None)
    date_from = date_text_field(_("Dari tanggal"))
    date_to = date_text_field(_("Sampai tanggal"))
    destination = forms.ChoiceField(label=_("Negara tujuan"), required=False)

    def __init__(self, *args: Any, offices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office_field = cast(forms.ChoiceField, self.fields["office"])
        office_field.choices = [("", _("Semua kantor")), *offices]
        office_field.error_messages["invalid_choice"] = _("Pilih kantor dari daftar.")
        # One office: nothing to choose between.
        self.shows_office = len(offices) > 1
        destination_field = cast(forms.ChoiceField, self.fields["destination"])
        destination_field.choices = [
            ("", _("Semua negara")),
            *_destination_choices()[1:],
        ]
        destination_field.error_messages["invalid_choice"] = _(
            "Pilih negara tujuan dari daftar negara."
        )

    def clean_date_from(self) -> datetime.date | None:
        return parse_date_text(self.cleaned_data.get("date_from", ""), label=str(_("Dari tanggal")))

    def clean_date_to(self) -> datetime.date | None:
        return parse_date_text(self.cleaned_data.get("date_to", ""), label=str(_("Sampai tanggal")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Tanggal akhir harus sama dengan atau sesudah awal."))
        return cleaned

    def filters(self) -> ScreeningFilters:
        """The filters as typed, once the form is valid; none on an unbound or invalid form."""
        if not self.is_bound or not self.is_valid():
            return ScreeningFilters()
        data = self.cleaned_data
        return ScreeningFilters(
            status=data.get("status") or "",
            search=" ".join(str(data.get("q") or "").split()),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            office_id=data.get("office"),
            destination=data.get("destination") or "",
        )


class ApplicationFilterForm(ScreeningListFilterForm):
    """Filters of the applications list."""

    DUE_SOON = "segera"
    OVERDUE = "lewat"

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua status")), *ApplicationStatus.choices],
    )
    due = forms.ChoiceField(
        label=_("Batas waktu penundaan"),
        required=False,
        choices=[
            ("", _("Semua")),
            (DUE_SOON, _("Jatuh tempo dalam 7 hari")),
            (OVERDUE, _("Sudah lewat batas")),
        ],
    )
    follow_up = forms.ChoiceField(
        label=_("Tindak lanjut"),
        required=False,
        choices=[("", _("Semua")), (HITS_AWAITING, _("Hit menunggu tindak lanjut"))],
    )


class DepartureFilterForm(ScreeningListFilterForm):
    """Filters of the departure checks list."""

    status = forms.ChoiceField(
        label=_("Keputusan"),
        required=False,
        choices=[("", _("Semua keputusan")), *DepartureOutcome.choices],
    )


class DepartureForm(forms.Form):
    """The TPI check: passport number and name, nothing else required.

    Cleaned by the screening service's :class:`DepartureInput`; the result is
    ``self.departure_input``.
    """

    passport_no = forms.CharField(
        label=_("Nomor paspor"),
        max_length=30,
        required=False,
        widget=_text_input(
            autofocus=True, autocomplete="off", autocapitalize="characters", accesskey="p"
        ),
    )
    full_name = forms.CharField(
        label=_("Nama sesuai paspor"),
        max_length=200,
        required=False,
        widget=_text_input(autocomplete="off", accesskey="n"),
    )
    birth_date = date_text_field(_("Tanggal lahir (bila ada)"))
    flight_number = forms.CharField(
        label=_("Nomor penerbangan (bila ada)"),
        required=False,
        max_length=12,
        widget=_text_input(autocomplete="off", autocapitalize="characters"),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    INPUT_FIELDS = ("passport_no", "full_name", "birth_date", "flight_number")

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.departure_input: Any = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = {name: cleaned.get(name) for name in self.INPUT_FIELDS if name not in self.errors}
        try:
            self.departure_input = DepartureInput.from_raw(raw, today=self.today)
        except ScreeningInputInvalid as error:
            add_service_errors(self, error.errors)
        return cleaned


def clean_flight_text(value: str) -> str:
    flight, problem = cleaning.flight_number_clean(value)
    if problem:
        raise forms.ValidationError(problem)
    return flight


class DepartureDecisionForm(WarningOverrideForm):
    """Allow, delay or hand over; each a button with an access key on the TPI page. A change
    of decision needs its reason."""

    outcome = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in DepartureOutcome.choices
            if value not in (DepartureOutcome.PENDING, DepartureOutcome.VOID)
        ],
        error_messages={"required": _("Pilih keputusan keberangkatan.")},
    )
    flight_number = forms.CharField(
        label=_("Nomor penerbangan"),
        max_length=12,
        required=False,
        widget=_text_input(autocomplete="off", autocapitalize="characters", accesskey="f"),
    )
    note = forms.CharField(
        label=_("Catatan/alasan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    change_reason = forms.CharField(
        label=_("Alasan perubahan keputusan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_flight_number(self) -> str:
        return clean_flight_text(self.cleaned_data.get("flight_number", ""))
