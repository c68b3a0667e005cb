"""Agreements, their clauses and what each clause lets go are reference data (no personal
data): administrators keep them here. The exchange ledger has no admin page: administrators
do not read it (``access.py``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from benteng.access.admin import AdminAuditMixin
from benteng.agreements.models import Agreement, Clause, ClauseRecordType
from benteng.agreements.registry import fields_problem, shared_types


class ClauseRecordTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    """The record type from those the apps registered; the fields as names separated by
    commas, each checked against the record type (an unknown one is refused by name)."""

    record_type = forms.ChoiceField(label=_("Jenis data"))
    fields_text = forms.CharField(
        label=_("Kolom yang boleh dibagikan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nama kolom dipisah koma, misalnya: full_name, nik, birth_date."),
    )

    class Meta:
        model = ClauseRecordType
        fields = ["record_type"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_type = self.fields["record_type"]
        assert isinstance(record_type, forms.ChoiceField)  # noqa: S101
        record_type.choices = [
            (item.record_type, f"{item.label} ({item.record_type})") for item in shared_types()
        ]
        if self.instance.pk:
            self.fields["fields_text"].initial = ", ".join(self.instance.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = [part.strip() for part in str(data.get("fields_text") or "").split(",")]
        names = [name for name in names if name]
        record_type = data.get("record_type")
        if record_type:
            problem = fields_problem(record_type, names)
            if problem:
                self.add_error("fields_text", problem)
        data["fields"] = names
        return data

    def save(self, commit: bool = True) -> ClauseRecordType:
        self.instance.fields = self.cleaned_data["fields"]
        saved: ClauseRecordType = super().save(commit=commit)
        return saved


class ClauseRecordTypeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ClauseRecordType
    form = ClauseRecordTypeForm
    extra = 1


class ClauseInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Clause
    fields = ("number", "title", "purpose", "retention_days", "onward_sharing")
    extra = 0
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(AdminAuditMixin):
    list_display = ("number", "title", "signed_on", "valid_from", "valid_until")
    filter_horizontal = ("parties",)
    inlines = [ClauseInline]


@admin.register(Clause)
class ClauseAdmin(AdminAuditMixin):
    list_display = ("__str__", "title", "purpose", "retention_days", "onward_sharing")
    list_filter = ("agreement", "purpose")
    filter_horizontal = ("senders", "recipients")
    inlines = [ClauseRecordTypeInline]
