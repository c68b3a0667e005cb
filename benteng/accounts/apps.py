from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "benteng.accounts"
    label = "accounts"
    verbose_name = _("Instansi dan pengguna")

    def ready(self) -> None:
        # Django's rule for AppConfig.ready: the models (and what imports them) load only once
        # the app registry is ready, so the registrations are imported here, not at the top.
        from benteng.accounts import wiring

        wiring.register()
