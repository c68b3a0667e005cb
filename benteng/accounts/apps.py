from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "benteng.accounts"
    label = "accounts"
    verbose_name = _("Instansi dan pengguna")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
        from benteng.access.policy import register_policy
        from benteng.accounts import checks  # noqa: F401 - registers the system checks
        from benteng.accounts.access import AuditEntryPolicy, UserPolicy

        register_policy(UserPolicy())
        register_policy(AuditEntryPolicy())
