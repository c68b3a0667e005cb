from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from benteng.access.admin import AuditedAdminMixin
from benteng.audit.labels import (
    READ_WITH,
    detail_label,
    object_type_label,
    records_labels,
    records_named,
    role_label,
)
from benteng.audit.models import AuditEntry


class RoleFilter(admin.SimpleListFilter):
    title = _("peran")
    parameter_name = "actor_role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        roles = _distinct(model_admin, request, "actor_role")
        return sorted(((role, role_label(role)) for role in roles), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(actor_role=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("jenis data")
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        kinds = _distinct(model_admin, request, "object_type")
        return sorted(((kind, object_type_label(kind)) for kind in kinds), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


def _distinct(model_admin: Any, request: HttpRequest, field: str) -> list[str]:
    values = model_admin.get_queryset(request).order_by().values_list(field, flat=True)
    return [value for value in values.distinct() if value]


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedAdminMixin):
    """Administrators browse and filter the trail, and their reading is itself recorded;
    nobody can add, change or delete through it. Each entry reads as who (name, role,
    office), did what, to whose record, when and from where (``benteng/audit/labels.py``)."""

    # Few columns, so that a row still reads on a phone: the actor's name, role and office
    # share one.
    list_display = ("occurred_at", "actor_with_role", "action", "records", "details", "ip_address")
    list_display_links = ("occurred_at",)
    list_filter = ("action", RoleFilter, ObjectTypeFilter, "occurred_at")
    list_select_related = ("actor",)
    search_fields = ("actor_label", "actor_office", "object_type", "purpose", "recipient")
    search_help_text = _(
        "Cari menurut nama pengguna, kantor, jenis data, tujuan atau penerima, atau menurut "
        "rujukan data (w12, nomor permohonan): siapa yang melihatnya."
    )
    date_hierarchy = "occurred_at"
    # Newest first by id: entries not yet sealed (no sequence yet) are listed too.
    ordering = ("-id",)
    list_per_page = 100
    fields = (
        "occurred_at",
        "who",
        "role",
        "actor_office",
        "client_label",
        "action",
        "records",
        "details",
        "purpose",
        "recipient",
        "legal_basis",
        "ip_address",
        "sequence",
        "chain",
    )
    readonly_fields = fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """Besides the text columns, a record's reference finds every entry that names it, or
        names it in its details: "w12" answers who saw watchlist entry w12, an application's
        number who opened it and what was read in its screening. Only the details that name a
        record are searched, never a search's terms: finding an entry by what was typed in it
        would tell a reader the masked terms."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        named = records_named(search_term)
        if not named:
            return found, may_have_duplicates
        naming = Q()
        for key in READ_WITH:
            naming |= Q(**{f"detail__{key}": search_term.strip()})
        for object_type, pk in named:
            naming |= Q(object_type=object_type, object_ids__icontains=f'"{pk}"')
        return found | queryset.filter(naming), may_have_duplicates

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        """The page's entries name their records with one query per kind of record."""
        changelist = super().get_changelist_instance(request)
        _label_records(changelist.result_list)
        self._mark_personal_detail(request, changelist.result_list)
        return changelist

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        entry = super().get_object(request, object_id, from_field)
        if entry is not None:
            _label_records([entry])
            self._mark_personal_detail(request, [entry])
        return entry

    def _mark_personal_detail(self, request: HttpRequest, entries: Any) -> None:
        """Whether the reader may see each entry's personal detail (``AuditEntryPolicy``)."""
        for entry in entries:
            entry.personal_detail_shown = "detail" in self.visible_fields(request, entry)

    @admin.display(description=_("pelaku"), ordering="actor_label")
    def who(self, entry: AuditEntry) -> str:
        """The person's name as the account has it now, and the username at the time."""
        name = entry.actor.get_full_name() if entry.actor is not None else ""
        if name and name != entry.actor_label:
            return f"{name} ({entry.actor_label})"
        return entry.actor_label

    @admin.display(description=_("pelaku"), ordering="actor_label")
    def actor_with_role(self, entry: AuditEntry) -> str:
        """Who, with the role and the office (or the client system) at the time."""
        where = [self.role(entry), entry.actor_office, entry.client_label]
        return format_html(
            "{}<br><small>{}</small>", self.who(entry), " · ".join(part for part in where if part)
        )

    @admin.display(description=_("peran"), ordering="actor_role")
    def role(self, entry: AuditEntry) -> str:
        return role_label(entry.actor_role) if entry.actor_role else ""

    @admin.display(description=_("data siapa"))
    def records(self, entry: AuditEntry) -> str:
        return getattr(entry, "records_label", "") or object_type_label(entry.object_type)

    @admin.display(description=_("rincian"))
    def details(self, entry: AuditEntry) -> str:
        return detail_label(
            entry.detail or {},
            object_type=entry.object_type,
            # Masked unless the policy lets this reader see it.
            personal_data_shown=getattr(entry, "personal_detail_shown", False),
        )

    @admin.display(description=_("rantai"))
    def chain(self, entry: AuditEntry) -> str:
        """The entry's place in the tamper-evident chain, for ``manage.py audit_verify``."""
        if entry.sequence is None:
            return str(_("belum disegel"))
        return f"{entry.entry_hash} ← {entry.previous_hash}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _label_records(entries: Any) -> None:
    labels = records_labels(entries)
    for entry in entries:
        entry.records_label = labels.get(entry.pk, "")
