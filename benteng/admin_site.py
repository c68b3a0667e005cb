"""The Django admin, restricted to Benteng administrators (role ``admin``) who passed 2FA."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _

from benteng.access.viewer import Viewer

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class BentengAdminSite(admin.AdminSite):
    site_header = _("Administrasi Benteng")
    site_title = _("Administrasi Benteng")
    index_title = _("Pengguna, kantor dan data referensi")

    def has_permission(self, request: HttpRequest) -> bool:
        # This module is loaded with the app configs (INSTALLED_APPS names its AdminConfig),
        # before any model can be imported: Django's rule, not a cycle.
        from benteng.accounts.access import may_administer

        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return may_administer(Viewer.for_user(user))

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        """A signed-in person who is no administrator gets 403: sending them to sign in again
        would bring them straight back here, forever."""
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def refuse_signed_in_non_admins(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return guarded(request, *args, **kwargs)

        return cast(View, refuse_signed_in_non_admins)


class BentengAdminConfig(AdminConfig):
    default_site = "benteng.admin_site.BentengAdminSite"
