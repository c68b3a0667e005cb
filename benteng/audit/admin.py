from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from benteng.access.admin import AuditedAdminMixin
from benteng.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedAdminMixin):
    """Administrators browse and filter the trail, and their reading is itself recorded;
    nobody can add, change or delete through it."""

    list_display = (
        "sequence",
        "occurred_at",
        "actor_label",
        "actor_role",
        "actor_office",
        "action",
        "object_type",
        "purpose",
    )
    list_filter = ("action", "actor_role", "object_type", "occurred_at")
    search_fields = ("actor_label", "actor_office", "object_type", "purpose", "recipient")
    date_hierarchy = "occurred_at"
    # Newest first by id: entries not yet sealed (no sequence yet) are listed too.
    ordering = ("-id",)
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
