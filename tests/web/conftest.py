"""Helpers of the page tests: signing in through the real forms and computing TOTP codes."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.accounts.models import User
from tests.conftest import PASSWORD


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show now (or a time step later).

    A code is accepted once only, so a second sign-in within the same 30 seconds uses the next
    step's code, which the device's tolerance of one step accepts.
    """
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def enrolment_code(user: User) -> str:
    """A one-time enrolment code, as an administrator would hand it over."""
    from benteng.accounts.twofactor import enrolment_code_issue

    return enrolment_code_issue(user=user, issued_by=None)


def password_login(client: Client, user: User, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/masuk/", {"username": user.username, "password": password})


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="ponsel", confirmed=True)


@pytest.fixture
def anonymous_client() -> Client:
    return Client()
