from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "benteng.regions"
    label = "regions"
    verbose_name = _("Wilayah")

    def ready(self) -> None:
        # Connects the signals that keep the in-memory region codes fresh. Django's rule for
        # AppConfig.ready: the selectors import the models, which load only once the app
        # registry is ready, so they are imported here, not at the top.
        from benteng.regions import selectors  # noqa: F401
