from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "benteng.villages"
    label = "villages"
    verbose_name = _("Desa Binaan")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
        from benteng.access.policy import register_policy
        from benteng.villages import contributions, reports
        from benteng.villages.access import POLICIES

        for policy in POLICIES:
            register_policy(policy)
        contributions.register_builtin_contributions()
        reports.register()
