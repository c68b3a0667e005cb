"""Client systems in the Django admin: register (token shown once), edit scopes, revoke.

The token's hash is never shown, and clients are never deleted: a revoked client stays, so the
audit trail's references to it keep their meaning.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from benteng.access.admin import AuditedAdminMixin
from benteng.access.viewer import Viewer
from benteng.accounts.grants import GRANT_APPLIERS, grant_needs_approval, role_grant_request
from benteng.accounts.models import GrantSubject, RoleGrant
from benteng.api.models import ApiClient, ApiScope, WebhookDelivery, WebhookSubscription
from benteng.api.services import (
    ROLES_NOT_FOR_CLIENTS,
    api_client_register,
    api_client_revoke,
    api_client_role_check,
    api_client_rotate_token,
    api_scopes_clean,
)
from benteng.api.webhooks import (
    WebhookResendRefused,
    webhook_delivery_resend,
    webhook_event_kinds_clean,
    webhook_subscription_register,
    webhook_subscription_rotate_secret,
    webhook_url_clean,
)
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write
from benteng.outbox.registry import event_kinds

# Scopes that read or write personal data; granting one needs a second administrator.
NON_DATA_SCOPES = frozenset({ApiScope.REFERENCE_READ})


def _without_data_scopes(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope in NON_DATA_SCOPES]


def _data_access_requested(
    client: ApiClient, form: Any, change: bool
) -> tuple[str, list[str]] | None:
    """The role and scopes asked for, when they give the client personal data it did not
    have: a data scope added, or the role of a client with data scopes changed."""
    scopes = list(client.scopes)
    has_data_scope = any(scope not in NON_DATA_SCOPES for scope in scopes)
    if not grant_needs_approval(client.role) or not has_data_scope:
        return None
    if not change:
        return client.role, scopes
    before = set(form.initial.get("scopes") or [])
    role_changed = "role" in form.changed_data
    if role_changed or set(scopes) - NON_DATA_SCOPES - before:
        return client.role, scopes
    return None


def _apply_client_grant(grant: RoleGrant, approver: Any) -> None:
    """An approved grant: the client gets the role and scopes (the save clears the token
    cache of this process)."""
    client = ApiClient.objects.select_for_update().get(pk=grant.subject_id)
    client.role = grant.role
    client.scopes = list(grant.scopes)
    client.save(update_fields=["role", "scopes"])
    audit_record_write(
        viewer=Viewer.for_user(approver, purpose="admin"),
        action=AuditAction.UPDATE,
        obj=client,
        changed_fields=["role", "scopes"],
    )


# Registered here, with the admin that requests client grants (loaded at start-up with the
# admin site).
GRANT_APPLIERS[GrantSubject.API_CLIENT] = _apply_client_grant


class ApiClientForm(forms.ModelForm):  # type: ignore[type-arg]
    scopes = forms.MultipleChoiceField(
        label=_("cakupan"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ("name", "office", "role", "scopes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [
            (value, label)
            for value, label in cast(list[tuple[str, Any]], role_field.choices)
            if value not in ROLES_NOT_FOR_CLIENTS
        ]

    def clean_scopes(self) -> list[str]:
        return api_scopes_clean(self.cleaned_data.get("scopes") or [])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        office, role = cleaned.get("office"), cleaned.get("role")
        if office is not None and role:
            api_client_role_check(office=office, role=role)
        return cleaned


class ActiveFilter(admin.SimpleListFilter):
    title = _("status token")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("active", _("aktif")), ("revoked", _("dicabut"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> QuerySet[ApiClient]:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ApiClientForm
    list_display = (
        "name",
        "office",
        "role",
        "scope_list",
        "token_prefix",
        "is_active",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (ActiveFilter, "role", "office__agency")
    search_fields = ("name", "token_prefix", "office__name", "office__code")
    list_select_related = ("office",)
    readonly_fields = (
        "token_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke_tokens", "rotate_token"]

    @admin.display(description=_("cakupan"))
    def scope_list(self, obj: ApiClient) -> str:
        return ", ".join(obj.scopes)

    @admin.display(description=_("aktif"), boolean=True)
    def is_active(self, obj: ApiClient) -> bool:
        return obj.is_active

    def get_readonly_fields(self, request: HttpRequest, obj: ApiClient | None = None) -> Any:
        if obj is None:
            return ()
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        viewer = Viewer.for_user(request.user, purpose="admin")  # type: ignore[arg-type]
        requested = _data_access_requested(obj, form, change)
        if requested is not None:
            # Four eyes: until another administrator approves, the client keeps the role and
            # data scopes it had (a new one: reference data only).
            obj.role = form.initial.get("role", obj.role) if change else obj.role
            obj.scopes = _without_data_scopes(obj.scopes) if not change else form.initial["scopes"]
        if change:
            obj.save()
            audit_record_write(
                viewer=viewer,
                action=AuditAction.UPDATE,
                obj=obj,
                changed_fields=list(form.changed_data),
            )
        else:
            token = api_client_register(
                client=obj,
                viewer=viewer,
                created_by=request.user,  # type: ignore[arg-type]
            )
            self._show_token_once(request, obj, token)
        if requested is not None:
            role, scopes = requested
            role_grant_request(
                subject_type=GrantSubject.API_CLIENT,
                subject_id=obj.pk,
                subject_label=obj.name,
                role=role,
                scopes=scopes,
                requested_by=request.user,  # type: ignore[arg-type]
            )
            messages.info(
                request,
                _(
                    "Peran dan cakupan data pribadi klien ini berlaku setelah disetujui "
                    "administrator lain (Pemberian peran data)."
                ),
            )

    @staticmethod
    def _show_token_once(request: HttpRequest, client: ApiClient, token: str) -> None:
        messages.warning(
            request,
            format_html(
                str(
                    _(
                        "Token untuk {name}: {token} — salin sekarang dan simpan dengan aman; "
                        "token ini tidak akan ditampilkan lagi."
                    )
                ),
                name=client.name,
                token=format_html("<code>{}</code>", token),
            ),
        )

    @admin.action(description=_("Cabut token klien terpilih"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        viewer = Viewer.for_user(request.user, purpose="admin")  # type: ignore[arg-type]
        revoked = sum(api_client_revoke(client=client, viewer=viewer) for client in queryset)
        messages.success(
            request,
            ngettext("%(count)d token klien dicabut.", "%(count)d token klien dicabut.", revoked)
            % {"count": revoked},
        )

    @admin.action(description=_("Terbitkan token baru (token lama langsung tidak berlaku)"))
    def rotate_token(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        # One at a time: each new token has to be shown, and copied, on its own.
        if queryset.count() != 1:
            messages.error(request, _("Pilih tepat satu klien untuk menerbitkan token baru."))
            return
        client = queryset.get()
        viewer = Viewer.for_user(request.user, purpose="admin")  # type: ignore[arg-type]
        token = api_client_rotate_token(client=client, viewer=viewer)
        self._show_token_once(request, client, token)


# --- webhooks ------------------------------------------------------------------------------


class WebhookSubscriptionForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label=_("alamat penerima"), max_length=500, assume_scheme="https")
    event_kinds = forms.MultipleChoiceField(
        label=_("jenis peristiwa"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ("client", "url", "event_kinds", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds_field = cast(forms.MultipleChoiceField, self.fields["event_kinds"])
        kinds_field.choices = [(kind, f"{kind} — {label}") for kind, label in event_kinds().items()]

    def clean_url(self) -> str:
        return webhook_url_clean(self.cleaned_data.get("url") or "")

    def clean_event_kinds(self) -> list[str]:
        return webhook_event_kinds_clean(self.cleaned_data.get("event_kinds") or [])


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedAdminMixin):
    """A client's receivers: the secret is shown once when made or renewed, never again."""

    form = WebhookSubscriptionForm
    list_display = ("client", "url", "kind_list", "secret_prefix", "is_active", "created_at")
    list_filter = ("is_active", "client")
    search_fields = ("client__name", "url")
    list_select_related = ("client",)
    readonly_fields = ("secret_prefix", "created_at", "created_by")
    actions = ["rotate_secret"]

    @admin.display(description=_("jenis peristiwa"))
    def kind_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.event_kinds)

    def has_delete_permission(
        self, request: HttpRequest, obj: WebhookSubscription | None = None
    ) -> bool:
        # Deliveries keep their subscription for the log: switch it off instead.
        return False

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        viewer = Viewer.for_user(request.user, purpose="admin")  # type: ignore[arg-type]
        if change:
            # Only the form's fields: a full save would write back the delivery worker's
            # lease as it was when the page was loaded, over a lease taken since.
            obj.save(update_fields=WebhookSubscriptionForm.Meta.fields)
            audit_record_write(
                viewer=viewer,
                action=AuditAction.UPDATE,
                obj=obj,
                changed_fields=list(form.changed_data),
            )
            return
        obj.created_by = request.user  # type: ignore[assignment]
        secret = webhook_subscription_register(obj, viewer=viewer)
        self._show_secret_once(request, obj, secret)

    @staticmethod
    def _show_secret_once(
        request: HttpRequest, subscription: WebhookSubscription, secret: str
    ) -> None:
        messages.warning(
            request,
            format_html(
                str(
                    _(
                        "Rahasia penandatangan untuk {url}: {secret} — berikan kepada pengelola "
                        "sistem penerima sekarang; rahasia ini tidak akan ditampilkan lagi."
                    )
                ),
                url=subscription.url,
                secret=format_html("<code>{}</code>", secret),
            ),
        )

    @admin.action(description=_("Buat rahasia baru (rahasia lama langsung tidak berlaku)"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        if queryset.count() != 1:
            messages.error(request, _("Pilih tepat satu langganan untuk membuat rahasia baru."))
            return
        subscription = queryset.get()
        viewer = Viewer.for_user(request.user, purpose="admin")  # type: ignore[arg-type]
        secret = webhook_subscription_rotate_secret(viewer=viewer, subscription=subscription)
        self._show_secret_once(request, subscription, secret)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AuditedAdminMixin):
    """The delivery log: ids, states and answer codes; never a body (none is kept)."""

    list_display = (
        "id",
        "subscription",
        "event_kind",
        "object_label",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "resent_count",
    )
    list_filter = ("status", "subscription__client")
    list_select_related = ("subscription__client", "event")
    search_fields = ("=event__object_id", "event__kind")
    actions = ["resend"]

    @admin.display(description=_("jenis peristiwa"))
    def event_kind(self, obj: WebhookDelivery) -> str:
        return obj.event.kind

    @admin.display(description=_("data"))
    def object_label(self, obj: WebhookDelivery) -> str:
        return f"{obj.event.object_type}:{obj.event.object_id}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: WebhookDelivery | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: WebhookDelivery | None = None
    ) -> bool:
        return False

    @admin.action(description=_("Kirim ulang pengiriman terpilih"))
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        viewer = Viewer.for_user(request.user, purpose="admin")  # type: ignore[arg-type]
        resent = refused = 0
        for delivery in queryset.order_by("id"):
            try:
                webhook_delivery_resend(viewer=viewer, delivery=delivery)
            except WebhookResendRefused:
                refused += 1
            else:
                resent += 1
        messages.success(
            request,
            ngettext(
                "%(count)d pengiriman dijadwalkan untuk dikirim ulang.",
                "%(count)d pengiriman dijadwalkan untuk dikirim ulang.",
                resent,
            )
            % {"count": resent},
        )
        if refused:
            messages.warning(
                request,
                _("%(count)d pengiriman yang dilewati tidak dapat dikirim ulang.")
                % {"count": refused},
            )
