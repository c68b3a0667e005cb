"""Forms of the application shell: sign-in, the second factor and the searches."""

from __future__ import annotations

from django import forms
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
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("Nama pengguna")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none"})
        self.fields["password"].label = _("Kata sandi")


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
