from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillageReportsConfig(AppConfig):
    name = "benteng.village_reports"
    label = "village_reports"
    verbose_name = _("Laporan desa")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
        from benteng.access.policy import register_policy
        from benteng.people.sources import register_source
        from benteng.screening.hooks import register_village_signal_provider
        from benteng.village_reports import access, identity_sources, signals

        register_policy(access.VillageReportPolicy())
        register_policy(access.VillageReportPersonPolicy())
        register_policy(access.VillageReportPhotoPolicy())
        for source in identity_sources.SOURCES:
            register_source(source)
        register_village_signal_provider(signals.village_signal)
