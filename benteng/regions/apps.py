from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "benteng.regions"
    label = "regions"
    verbose_name = _("Wilayah")

    def ready(self) -> None:
        # Connects the signals that keep the in-memory region codes fresh.
        from benteng.regions import selectors  # noqa: F401
