from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "benteng.cooperation"
    label = "cooperation"
    verbose_name = _("Kerja sama")

    def ready(self) -> None:
        # Models load only once the app registry is ready (Django's rule for ready()).
        from benteng.access.policy import register_policy
        from benteng.cooperation import access

        for policy in access.POLICIES:
            register_policy(policy)
