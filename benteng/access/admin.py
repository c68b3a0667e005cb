from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse

from benteng.access.policy import visible_fields, visible_to
from benteng.access.viewer import Viewer
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_list, audit_record_read, audit_record_write

# Query parameters of a change list that are no search or filter.
_LIST_DISPLAY_PARAMETERS = frozenset({"q", "o", "p", "e", "_to_field", "_popup"})


def _search_terms(request: HttpRequest, query: str) -> dict[str, str]:
    """What an administrator searched and filtered a change list by."""
    terms = {"q": query}
    for name in request.GET:
        if name not in _LIST_DISPLAY_PARAMETERS:
            terms[name] = request.GET.get(name, "")
    return terms


class AdminAuditMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every admin read (list, page, history, delete confirmation) and write of the model
    writes the audit trail; for the models of other packages (OTP devices, lock-outs), which
    have no access policy of their own."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if changelist is not None:
            audit_record_list(
                viewer=Viewer.for_user(request.user, purpose="admin"),  # type: ignore[arg-type]
                model=self.model,
                objects=list(changelist.result_list),
                search=_search_terms(request, changelist.query),
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record_read(
                    viewer=Viewer.for_user(request.user),  # type: ignore[arg-type]
                    objects=[obj],
                    purpose="admin",
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record_write(
            viewer=Viewer.for_user(request.user),  # type: ignore[arg-type]
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            changed_fields=list(form.changed_data) if change else [],
            purpose="admin",
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The inline rows saved with the page (a clause's record types): each audited."""
        super().save_formset(request, form, formset, change)
        viewer = Viewer.for_user(request.user)  # type: ignore[arg-type]
        for obj in formset.new_objects:
            audit_record_write(viewer=viewer, action=AuditAction.CREATE, obj=obj, purpose="admin")
        for obj, changed in formset.changed_objects:
            audit_record_write(
                viewer=viewer,
                action=AuditAction.UPDATE,
                obj=obj,
                changed_fields=list(changed),
                purpose="admin",
            )
        for obj in formset.deleted_objects:
            audit_record_write(viewer=viewer, action=AuditAction.DELETE, obj=obj, purpose="admin")

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._audit_read(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            self._audit_read(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        """The "delete selected" action: one entry naming every record deleted."""
        viewer = Viewer.for_user(request.user)  # type: ignore[arg-type]
        for obj in queryset:
            audit_record_write(viewer=viewer, action=AuditAction.DELETE, obj=obj, purpose="admin")
        super().delete_queryset(request, queryset)

    def _audit_read(self, request: HttpRequest, object_id: str) -> None:
        obj = self.get_object(request, object_id)
        if obj is not None:
            audit_record_read(
                viewer=Viewer.for_user(request.user),  # type: ignore[arg-type]
                objects=[obj],
                purpose="admin",
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record_write(
            viewer=Viewer.for_user(request.user),  # type: ignore[arg-type]
            action=AuditAction.DELETE,
            obj=obj,
            purpose="admin",
        )
        super().delete_model(request, obj)


class AuditedAdminMixin(AdminAuditMixin):
    """Admin pages of personal data go through the access layer and write the audit trail."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return visible_to(super().get_queryset(request), request.user)

    def visible_fields(self, request: HttpRequest, obj: models.Model) -> frozenset[str]:
        """The fields of a row the signed-in reader may see (the model's policy)."""
        return visible_fields(request.user, obj)
