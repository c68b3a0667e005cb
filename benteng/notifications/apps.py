from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "benteng.notifications"
    label = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
        from benteng.access.policy import register_policy
        from benteng.notifications import access, tasks
        from benteng.schedule.jobs import register_job

        for policy in access.POLICIES:
            register_policy(policy)
        for job in tasks.PERIODIC_JOBS:
            register_job(job)
