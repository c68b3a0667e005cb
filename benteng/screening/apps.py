from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "benteng.screening"
    label = "screening"
    verbose_name = _("Penyaringan")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
        from benteng.access.policy import register_policy
        from benteng.people.sources import register_source
        from benteng.schedule.jobs import register_job
        from benteng.screening import access, identity_sources, tasks

        for policy in access.POLICIES:
            register_policy(policy)
        for source in identity_sources.SOURCES:
            register_source(source)
        for job in tasks.PERIODIC_JOBS:
            register_job(job)
