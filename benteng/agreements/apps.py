from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "benteng.agreements"
    label = "agreements"
    verbose_name = _("Perjanjian kerja sama dan buku pertukaran data")

    def ready(self) -> None:
        # Django's rule for AppConfig.ready: the models (and what imports them) load only once
        # the app registry is ready, so the registrations are imported here, not at the top.
        from benteng.agreements import wiring

        wiring.register()
