from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "benteng.agreements"
    label = "agreements"
    verbose_name = _("Perjanjian kerja sama dan buku pertukaran data")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
        from benteng.access.policy import register_policy
        from benteng.agreements import access

        for policy in access.POLICIES:
            register_policy(policy)
