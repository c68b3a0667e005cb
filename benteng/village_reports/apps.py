from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageReportsConfig(AppConfig):
    name = "benteng.village_reports"
    label = "village_reports"
    verbose_name = _("Laporan desa")

    def ready(self) -> None:
        # Django's rule for AppConfig.ready: the models (and what imports them) load only once
        # the app registry is ready, so the registrations are imported here, not at the top.
        from benteng.village_reports import wiring

        wiring.register()
