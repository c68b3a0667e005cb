"""The Django admin, restricted to Benteng administrators (role ``admin``) who passed 2FA."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from benteng.access.viewer import Viewer


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


class BentengAdminConfig(AdminConfig):
    default_site = "benteng.admin_site.BentengAdminSite"
