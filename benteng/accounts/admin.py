from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency, Office, OfficeCoverage, Role, User
from benteng.accounts.services import office_validate, user_validate_assignment
from benteng.audit.admin_mixins import AuditedAdminMixin
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("short_name", "name", "kind")


class OfficeCoverageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OfficeCoverage
    autocomplete_fields = ("region",)
    extra = 1


class OfficeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Office
        fields = ["name", "code", "agency", "kind", "parent", "seat", "address", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        office = Office(
            kind=cleaned.get("kind", ""),
            agency=cleaned.get("agency"),
            parent=cleaned.get("parent"),
        )
        office_validate(office=office)
        return cleaned


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = OfficeForm
    list_display = ("name", "code", "agency", "kind", "parent", "is_active")
    list_filter = ("agency", "kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("seat", "parent")
    inlines = [OfficeCoverageInline]
    prepopulated_fields = {"code": ("name",)}


class AssignmentValidationMixin(forms.ModelForm):  # type: ignore[type-arg]
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role:
            villages = cleaned.get("villages")
            try:
                user_validate_assignment(
                    role=role,
                    office=cleaned.get("office"),
                    villages=list(villages) if villages is not None else [],
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned


class BentengUserCreationForm(AssignmentValidationMixin, UserCreationForm):  # type: ignore[type-arg]
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email", "role", "office", "villages")


class BentengUserChangeForm(AssignmentValidationMixin, UserChangeForm):  # type: ignore[type-arg]
    class Meta(UserChangeForm.Meta):
        model = User
        # django-stubs declares UserChangeForm.Meta.fields as "__all__" only.
        fields = (  # type: ignore[assignment]
            "username",
            "password",
            "full_name",
            "employee_number",
            "email",
            "phone",
            "role",
            "office",
            "villages",
            "is_active",
        )


@admin.register(User)
class BentengUserAdmin(AuditedAdminMixin, UserAdmin):  # type: ignore[type-arg]
    form = BentengUserChangeForm
    add_form = BentengUserCreationForm
    list_display = ("username", "full_name", "role", "office", "is_active", "last_login")
    list_filter = ("role", "office__agency", "is_active")
    search_fields = ("username", "full_name", "email", "employee_number")
    list_select_related = ("office",)
    autocomplete_fields = ("office", "villages")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Identitas"),
            {"fields": ("full_name", "employee_number", "email", "phone")},
        ),
        (_("Penugasan"), {"fields": ("role", "office", "villages")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "role",
                    "office",
                    "villages",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def user_change_password(self, request: Any, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                audit_record_write(
                    viewer=Viewer.for_user(request.user),
                    action=AuditAction.UPDATE,
                    obj=user,
                    changed_fields=["password"],
                    purpose="admin",
                )
        return response

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        # Staff status follows the role: only administrators use this site.
        obj.is_staff = obj.role == Role.ADMIN
        obj.is_superuser = obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)
