from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "benteng.referrals"
    label = "referrals"
    verbose_name = _("Rujukan")

    def ready(self) -> None:
        # Django's rule for AppConfig.ready: the models (and what imports them) load only once
        # the app registry is ready, so the registrations are imported here, not at the top.
        from benteng.referrals import wiring

        wiring.register()
