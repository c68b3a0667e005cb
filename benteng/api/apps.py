from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "benteng.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
        from benteng.access.policy import register_policy
        from benteng.api.access import (
            ApiClientPolicy,
            WebhookDeliveryPolicy,
            WebhookSubscriptionPolicy,
        )

        register_policy(ApiClientPolicy())
        register_policy(WebhookSubscriptionPolicy())
        register_policy(WebhookDeliveryPolicy())
