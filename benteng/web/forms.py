"""Forms of the application shell: sign-in, the second factor and the searches."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from benteng.accounts.models import Role


class LoginForm(AuthenticationForm):
    """Django's sign-in form with Indonesian messages; the username survives a failed attempt."""

    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Periksa keduanya lalu coba lagi "
            "(huruf besar dan kecil dibedakan)."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi administrator kantor Anda."),
        "demo_account": _(
            "Akun demo hanya dapat dipakai dalam mode demo. Minta akun pribadi kepada "
            "administrator kantor Anda."
        ),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("Nama pengguna")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none"})
        self.fields["password"].label = _("Kata sandi")

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.is_demo_account and not settings.DEMO_MODE:
            # The seeded accounts' passwords are in the README: never valid outside the demo.
            raise forms.ValidationError(self.error_messages["demo_account"], code="demo_account")


class ChosenPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """A new password of the account's owner, in place of one an administrator set."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")

    def clean_new_password1(self) -> str:
        password: str = self.cleaned_data["new_password1"]
        if self.user.check_password(password):
            raise forms.ValidationError(
                _("Pilih kata sandi lain dari yang diberikan administrator.")
            )
        return password


class TokenForm(forms.Form):
    """The six-digit code of an authenticator app."""

    token = forms.CharField(
        label=_("Kode verifikasi"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": _("Masukkan kode enam angka dari aplikasi autentikator."),
            "min_length": _("Kode terdiri atas enam angka."),
            "max_length": _("Kode terdiri atas enam angka."),
        },
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Kode terdiri atas enam angka."))
        return token


class EnrolmentForm(TokenForm):
    """A first authenticator: the administrator's one-time enrolment code and a first code."""

    enrolment_code = forms.CharField(
        label=_("Kode pendaftaran dari administrator"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={
            "required": _(
                "Masukkan kode pendaftaran dari administrator. Belum punya? Mintalah kepada "
                "administrator kantor Anda."
            )
        },
    )

    field_order = ["enrolment_code", "token"]


class RegionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari nama atau kode wilayah"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("mis. Sukajaya atau 36.01.01")}
        ),
    )


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari nama"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    role = forms.ChoiceField(
        label=_("Peran"),
        required=False,
        choices=[("", _("Semua peran")), *Role.choices],
    )
