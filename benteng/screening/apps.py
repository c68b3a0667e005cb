from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "benteng.screening"
    label = "screening"
    verbose_name = _("Penyaringan")

    def ready(self) -> None:
        # Django's rule for AppConfig.ready: the models (and what imports them) load only once
        # the app registry is ready, so the registrations are imported here, not at the top.
        from benteng.screening import wiring

        wiring.register()
