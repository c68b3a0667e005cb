from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class NotificationPreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("Kirim juga lewat e-mail"),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Bahasa e-mail"),
        choices=settings.LANGUAGES,
        error_messages={
            "required": _("Pilih bahasa e-mail."),
            "invalid_choice": _("Pilih Bahasa Indonesia atau English."),
        },
    )
