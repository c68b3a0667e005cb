from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "benteng.audit"
    label = "audit"
    verbose_name = _("Jejak audit")
    # The trail's read policy is registered by the accounts app (``AuditEntryPolicy``): the
    # audit app is the bottom layer and imports neither access nor accounts.
