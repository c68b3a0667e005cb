"""Forms of the watchlist pages. Values are checked by the service, one place for every source;
the form holds what was typed (so nothing is lost on an error) and shows the reasons."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from benteng.forms import DateTextInput
from benteng.identity import Sex
from benteng.problems import FieldProblems
from benteng.watchlists.categories import categories_for
from benteng.watchlists.imports import MAX_FILE_BYTES
from benteng.watchlists.models import SharingLevel, SubjectType, Watchlist
from benteng.watchlists.selectors import EntryStatus


class WatchlistEntryForm(forms.Form):
    subject_type = forms.ChoiceField(
        label=_("Subjek"), choices=SubjectType.choices, initial=SubjectType.PERSON
    )
    full_name = forms.CharField(
        label=_("Nama lengkap / nama perusahaan"),
        required=False,
        help_text=_("Wajib, kecuali untuk subjek nomor telepon."),
    )
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        help_text=_("16 digit. Tanggal lahir dan jenis kelamin yang kosong diisi dari NIK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.CharField(
        label=_("Tanggal lahir"),
        required=False,
        help_text=_("HH-BB-TTTT, misalnya 17-08-1990."),
        widget=DateTextInput(),
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"),
        required=False,
        choices=[("", _("— tidak diketahui —")), *Sex.choices],
    )
    birth_place = forms.CharField(label=_("Tempat lahir"), required=False)
    passport_no = forms.CharField(
        label=_("Nomor paspor"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Alamat"), required=False)
    desa_code = forms.CharField(
        label=_("Kode desa/kelurahan"),
        required=False,
        help_text=_(
            "Kode Kemendagri, misalnya 36.03.07.2001. Bila kosong, wilayah diambil dari NIK."
        ),
    )
    phone = forms.CharField(
        label=_("Nomor telepon"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    licence_number = forms.CharField(
        label=_("Nomor izin perusahaan"), required=False, help_text=_("Untuk subjek perusahaan.")
    )
    category = forms.ChoiceField(label=_("Kategori alasan"), required=False)
    legal_basis = forms.CharField(label=_("Dasar hukum"), required=False)
    expires_on = forms.CharField(
        label=_("Berlaku sampai"),
        required=False,
        help_text=_("Kosongkan bila berlaku sampai dicabut."),
        widget=DateTextInput(),
    )
    sharing_level = forms.ChoiceField(
        label=_("Tingkat berbagi"), choices=SharingLevel.choices, initial=SharingLevel.HIT
    )
    instruction = forms.CharField(
        label=_("Instruksi bila hit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dilihat petugas instansi lain yang mendapat hit."),
    )
    contact = forms.CharField(label=_("Kontak"), required=False)
    internal_notes = forms.CharField(
        label=_("Catatan internal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hanya dilihat instansi pemilik; tidak pernah ditampilkan sebagai hit."),
    )

    def __init__(
        self, *args: Any, watchlist: Watchlist, current_category: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The kind's picklist; an edited entry keeps a category given before the picklist.
        categories = list(categories_for(watchlist.kind))
        if current_category and current_category not in categories:
            categories.append(current_category)
        category_field = cast(forms.ChoiceField, self.fields["category"])
        category_field.choices = [
            ("", _("— pilih kategori —")),
            *((category, category) for category in categories),
        ]
        category_field.error_messages["invalid_choice"] = _(
            "Pilih kategori dari daftar; “%(value)s” bukan kategori daftar ini."
        )
        if not self.is_bound and not kwargs.get("initial"):
            self.fields["legal_basis"].initial = watchlist.default_legal_basis
            self.fields["instruction"].initial = watchlist.default_instruction
            self.fields["contact"].initial = watchlist.default_contact

    def add_service_errors(self, errors: FieldProblems) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class EntryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cari nama, NIK, telepon atau paspor"), required=False, max_length=100
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (EntryStatus.IN_FORCE, _("Berlaku")),
            (EntryStatus.EXPIRED, _("Kedaluwarsa")),
            (EntryStatus.REMOVED, _("Dicabut")),
            (EntryStatus.ALL, _("Semua")),
        ],
    )
    category = forms.ChoiceField(label=_("Kategori"), required=False)

    def __init__(self, *args: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category_field = cast(forms.ChoiceField, self.fields["category"])
        category_field.choices = [
            ("", _("Semua kategori")),
            *((category, category) for category in categories),
        ]


class RemoveEntryForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"),
        max_length=300,
        help_text=_("Misalnya: salah input, putusan bebas, data sudah tidak relevan."),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        name = uploaded.name.lower()
        if not (name.endswith((".csv", ".xlsx"))):
            raise forms.ValidationError(
                _("Jenis berkas tidak didukung: unggah berkas .csv atau .xlsx.")
            )
        # Checked from the upload's size, before anything reads the file into memory.
        if uploaded.size is None or uploaded.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (lebih dari 5 MB); bagi menjadi beberapa berkas.")
            )
        return uploaded


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "XLSX (Excel)"), ("csv", "CSV")]
    )
