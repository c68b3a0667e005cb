from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """Owns the screening index; the apps above register their identity sources
    (``benteng.people.sources.register_source``) from their own ``ready()``."""

    name = "benteng.people"
    label = "people"
    verbose_name = _("Orang")
