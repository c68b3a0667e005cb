"""The packages Benteng uses, named in Bahasa Indonesia in the admin (INSTALLED_APPS lists these
configs in place of the packages' own).

The packages name their apps and some models in English ("Otp_Static", "TOTP devices",
"Tasks Database Backend") without translations. The names are set here when the app is ready:
``Meta.verbose_name`` as the migrations see it (``original_attrs``) is left as it is, so no
migration of another package's models is ever asked for.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDeviceConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpDeviceConfig
from django_tasks_db.apps import TasksAppConfig


def _name_model(config: AppConfig, model_name: str, singular: Promise, plural: Promise) -> None:
    options = config.get_model(model_name)._meta
    options.verbose_name = singular  # type: ignore[assignment]
    options.verbose_name_plural = plural  # type: ignore[assignment]


class TotpDevices(TotpDeviceConfig):  # type: ignore[misc]
    verbose_name = _("Autentikator (TOTP)")

    def ready(self) -> None:
        super().ready()
        _name_model(self, "totpdevice", _("aplikasi autentikator"), _("aplikasi autentikator"))


class StaticDevices(StaticDeviceConfig):  # type: ignore[misc]
    verbose_name = _("Kode cadangan dua langkah")

    def ready(self) -> None:
        super().ready()
        _name_model(self, "staticdevice", _("daftar kode cadangan"), _("daftar kode cadangan"))


class SignInLockouts(AxesAppConfig):  # type: ignore[misc]
    verbose_name = _("Percobaan masuk dan penguncian")


class BackgroundTasks(TasksAppConfig):
    verbose_name = _("Tugas latar belakang")  # type: ignore[assignment]

    def ready(self) -> None:
        super().ready()
        _name_model(
            self, "dbtaskresult", _("hasil tugas latar belakang"), _("hasil tugas latar belakang")
        )
