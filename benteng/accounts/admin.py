from __future__ import annotations

from typing import Any

from axes.admin import (
    AccessAttemptAdmin,
    AccessFailureLogAdmin,
    AccessLogAdmin,
    IsLockedOutFilter,
)
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.access.admin import AdminAuditMixin, AuditedAdminMixin
from benteng.access.viewer import Viewer
from benteng.accounts.grants import grant_needs_approval, role_grant_decide, role_grant_request
from benteng.accounts.models import (
    Agency,
    GrantSubject,
    Office,
    OfficeCoverage,
    Role,
    RoleGrant,
    User,
)
from benteng.accounts.services import (
    office_validate,
    user_password_set_by_admin,
    user_validate_assignment,
)
from benteng.accounts.twofactor import enrolment_code_issue


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
    actions = ["issue_enrolment_code"]

    @admin.action(description=_("Terbitkan kode pendaftaran verifikasi dua langkah"))
    def issue_enrolment_code(self, request: Any, queryset: Any) -> None:
        # One at a time: each code is shown once and handed over in person.
        if queryset.count() != 1:
            messages.error(request, _("Pilih tepat satu pengguna untuk menerbitkan kode."))
            return
        user = queryset.get()
        if user.pk == request.user.pk:
            messages.error(
                request, _("Kode pendaftaran Anda sendiri diterbitkan oleh administrator lain.")
            )
            return
        try:
            code = enrolment_code_issue(user=user, issued_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return
        messages.warning(
            request,
            format_html(
                str(
                    _(
                        "Kode pendaftaran untuk {username}: {code} — berlaku 72 jam dan sekali "
                        "pakai; serahkan langsung kepada pemiliknya. Kode ini tidak akan "
                        "ditampilkan lagi."
                    )
                ),
                username=user.username,
                code=format_html("<code>{}</code>", code),
            ),
        )

    def user_change_password(self, request: Any, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                user_password_set_by_admin(
                    user=user, admin=Viewer.for_user(request.user), set_by=request.user
                )
        return response

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        requested_role = obj.role if _grants_data_role(obj, form, change) else None
        if requested_role is not None:
            # Four eyes: the account keeps its role (a new one stays inactive) until another
            # administrator approves.
            if change:
                obj.role = form.initial["role"]
                obj.is_active = form.initial["is_active"]
            else:
                obj.is_active = False
        # Staff status follows the role: only administrators use this site.
        obj.is_staff = obj.role == Role.ADMIN
        obj.is_superuser = obj.role == Role.ADMIN
        if not change:
            # The administrator typed the first password: its owner replaces it.
            obj.must_change_password = True
            obj.password_set_by = request.user
        super().save_model(request, obj, form, change)
        if requested_role is not None:
            role_grant_request(
                subject_type=GrantSubject.USER,
                subject_id=obj.pk,
                subject_label=obj.username,
                role=requested_role,
                activates=not change or "is_active" in form.changed_data,
                requested_by=request.user,
            )
            messages.info(
                request,
                _(
                    "Peran %(role)s untuk %(username)s berlaku setelah disetujui administrator "
                    "lain (Pemberian peran data)."
                )
                % {"role": Role(requested_role).label, "username": obj.username},
            )


def _grants_data_role(user: User, form: Any, change: bool) -> bool:
    """Whether this save would leave an active account with a data role it did not have
    active before: a new account, a changed role, or an account activated."""
    if not grant_needs_approval(user.role) or not user.is_active:
        return False
    if not change:
        return True
    return "role" in form.changed_data or "is_active" in form.changed_data


@admin.register(RoleGrant)
class RoleGrantAdmin(AdminAuditMixin):
    """Data roles waiting for a second administrator: approved or rejected here, never by the
    administrator who asked (accounts.grants)."""

    list_display = (
        "subject_label",
        "subject_type",
        "role",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "subject_type", "role")
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Setujui pemberian peran terpilih"))
    def approve(self, request: Any, queryset: Any) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Tolak pemberian peran terpilih"))
    def reject(self, request: Any, queryset: Any) -> None:
        self._decide(request, queryset, approve=False)

    def _decide(self, request: Any, queryset: Any, *, approve: bool) -> None:
        for grant in queryset:
            try:
                role_grant_decide(grant=grant, decided_by=request.user, approve=approve)
            except ValidationError as error:
                messages.error(request, f"{grant.subject_label}: {' '.join(error.messages)}")
            else:
                messages.success(request, f"{grant.subject_label}: {grant.get_role_display()}")


# --- second-factor devices and lock-outs, on the project's admin site -------------------
# Re-registered so that every read and write is audited, and no administrator can read a
# secret (OTP_ADMIN_HIDE_SENSITIVE_DATA) or give someone a device whose secret they know:
# devices are only looked at and removed (which makes their owner enrol again).


class DeviceConfirmedFilter(admin.SimpleListFilter):
    title = _("sudah dikonfirmasi")
    parameter_name = "confirmed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1", _("Ya")), ("0", _("Belum"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in ("0", "1"):
            return queryset.filter(confirmed=self.value() == "1")
        return queryset


class SecondFactorDeviceAdminMixin(AdminAuditMixin):
    """A device as an administrator sees it, in Bahasa Indonesia: whose, which, confirmed or
    not, when made and last used; never its secret."""

    list_display = ("owner", "device_name", "is_confirmed", "created", "last_used")
    list_filter = (DeviceConfirmedFilter,)
    search_help_text = _("Cari menurut nama pengguna atau alamat e-mail pemiliknya.")
    readonly_fields = list_display

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return [(None, {"fields": self.list_display})]

    @admin.display(description=_("pemilik"), ordering="user__username")
    def owner(self, device: Any) -> str:
        return str(device.user)

    @admin.display(description=_("nama perangkat"), ordering="name")
    def device_name(self, device: Any) -> str:
        return str(device.name)

    @admin.display(description=_("sudah dikonfirmasi"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device: Any) -> bool:
        return bool(device.confirmed)

    @admin.display(description=_("dibuat"), ordering="created_at")
    def created(self, device: Any) -> Any:
        return device.created_at

    @admin.display(description=_("terakhir dipakai"), ordering="last_used_at")
    def last_used(self, device: Any) -> Any:
        return device.last_used_at

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedTOTPDeviceAdmin(SecondFactorDeviceAdminMixin, TOTPDeviceAdmin):  # type: ignore[misc]
    pass


class AuditedStaticDeviceAdmin(SecondFactorDeviceAdminMixin, StaticDeviceAdmin):  # type: ignore[misc]
    pass


class LockedOutFilter(IsLockedOutFilter):  # type: ignore[misc]
    title = _("terkunci")


class AuditedAccessAttemptAdmin(AdminAuditMixin, AccessAttemptAdmin):  # type: ignore[misc]
    list_filter = ("attempt_time", LockedOutFilter)


class AuditedAccessLogAdmin(AdminAuditMixin, AccessLogAdmin):  # type: ignore[misc]
    pass


class AuditedAccessFailureLogAdmin(AdminAuditMixin, AccessFailureLogAdmin):  # type: ignore[misc]
    pass


for _model, _model_admin in (
    (TOTPDevice, AuditedTOTPDeviceAdmin),
    (StaticDevice, AuditedStaticDeviceAdmin),
    (AccessAttempt, AuditedAccessAttemptAdmin),
    (AccessLog, AuditedAccessLogAdmin),
    (AccessFailureLog, AuditedAccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _model_admin)
