from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "benteng.audit"
    label = "audit"
    verbose_name = _("Jejak audit")

    def ready(self) -> None:
        from benteng.access.policy import register_policy
        from benteng.audit.access import AuditEntryPolicy

        register_policy(AuditEntryPolicy())
