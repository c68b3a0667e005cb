"""Demo accounts outside demo mode, and the one-time enrolment code (issue 11, item 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.accounts.models import EnrolmentCode, User
from benteng.accounts.twofactor import enrolment_code_issue, enrolment_code_redeem
from benteng.audit.models import AuditEntry
from tests.conftest import PASSWORD, verified_client
from tests.web.conftest import totp_code

pytestmark = pytest.mark.django_db


def _demo(user: User) -> User:
    User.objects.filter(pk=user.pk).update(is_demo_account=True)
    user.refresh_from_db()
    return user


def _login(client: Client, user: User):  # type: ignore[no-untyped-def]
    return client.post("/masuk/", {"username": user.username, "password": PASSWORD})


def test_a_demo_account_is_refused_at_sign_in_outside_demo_mode(personas, settings):
    # given: the seeded administrator, demo mode off
    settings.DEMO_MODE = False
    admin = _demo(personas.admin)
    client = Client()
    # when
    response = _login(client, admin)
    # then
    assert response.status_code == 200
    assert "Akun demo hanya dapat dipakai dalam mode demo" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_demo_account_signs_in_in_demo_mode(personas, settings):
    settings.DEMO_MODE = True
    admin = _demo(personas.admin)
    assert _login(Client(), admin).status_code == 302


def test_check_deploy_fails_while_a_demo_account_exists(personas, settings):
    # given
    settings.DEMO_MODE = False
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "benteng.E001"]
    _demo(personas.pic_desa)
    # when
    messages = [m for m in run_checks(include_deployment_checks=True) if m.id == "benteng.E001"]
    # then
    assert len(messages) == 1
    assert "1" in messages[0].msg
    # and an ordinary check (no --deploy) does not look
    assert not [m for m in run_checks() if m.id == "benteng.E001"]


def test_enrolment_needs_a_code_from_an_administrator(personas):
    # given: an officer signed in with the password only
    officer = personas.petugas_imigrasi
    client = Client()
    _login(client, officer)
    client.get("/verifikasi/daftar/")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    # when: a right TOTP code but no enrolment code
    response = client.post("/verifikasi/daftar/", {"token": totp_code(device)})
    # then
    device.refresh_from_db()
    assert not device.confirmed
    assert "Masukkan kode pendaftaran dari administrator" in response.content.decode()
    # when: the code an administrator issued
    code = enrolment_code_issue(user=officer, issued_by=personas.admin)
    response = client.post(
        "/verifikasi/daftar/",
        {"enrolment_code": code.lower(), "token": totp_code(device, steps_ahead=1)},
    )
    # then
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # and the code is used up
    assert not enrolment_code_redeem(user=officer, code=code)


def test_an_enrolment_code_is_hashed_single_use_and_expires(personas):
    officer = personas.petugas_tpi
    code = enrolment_code_issue(user=officer, issued_by=personas.admin)
    stored = EnrolmentCode.objects.get(user=officer)
    assert code.replace("-", "") not in stored.code_hash
    # an expired code
    EnrolmentCode.objects.update(expires_at=stored.issued_at - timedelta(seconds=1))
    assert not enrolment_code_redeem(user=officer, code=code)
    # a new code voids the old and works once
    first = enrolment_code_issue(user=officer, issued_by=personas.admin)
    second = enrolment_code_issue(user=officer, issued_by=personas.admin)
    assert not enrolment_code_redeem(user=officer, code=first)
    assert enrolment_code_redeem(user=officer, code=second)
    assert not enrolment_code_redeem(user=officer, code=second)


def test_five_wrong_tries_void_an_enrolment_code(personas):
    officer = personas.petugas_tpi
    code = enrolment_code_issue(user=officer, issued_by=personas.admin)
    for _ in range(5):
        assert not enrolment_code_redeem(user=officer, code="AAAA-AAAA-AAAA")
    assert not enrolment_code_redeem(user=officer, code=code)


def test_an_administrator_issues_a_code_shown_once_and_audited(personas):
    # given
    client = verified_client(personas.admin)
    officer = personas.penyidik
    # when
    response = client.post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [officer.pk]},
        follow=True,
    )
    # then
    html = response.content.decode()
    assert "Kode pendaftaran untuk" in html
    issued = EnrolmentCode.objects.get(user=officer)
    assert issued.issued_by == personas.admin
    entry = AuditEntry.objects.filter(object_type="accounts.enrolmentcode").get()
    assert (entry.action, entry.actor_id) == ("create", personas.admin.pk)


def test_an_administrator_cannot_issue_a_code_to_themselves(personas):
    client = verified_client(personas.admin)
    client.post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [personas.admin.pk]},
    )
    assert not EnrolmentCode.objects.exists()


def test_the_first_administrator_gets_a_code_from_the_command_line(personas, capsys):
    call_command("enrolment_code", personas.admin.username)
    code = capsys.readouterr().out.strip().split()[-1]
    assert enrolment_code_redeem(user=personas.admin, code=code)


def test_the_administrator_who_set_a_password_cannot_also_issue_the_enrolment_code(personas):
    # given: an administrator set the officer's password (devices removed)
    from tests.conftest import make_user

    officer = personas.petugas_imigrasi
    first = verified_client(personas.admin)
    first.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"password1": "Sandi-Dari-Admin-2026", "password2": "Sandi-Dari-Admin-2026"},
    )
    # when: the same administrator issues the enrolment code
    page = first.post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [officer.pk]},
        follow=True,
    )
    # then: refused; another administrator may
    assert "diterbitkan oleh administrator lain" in page.content.decode()
    assert not EnrolmentCode.objects.exists()
    second = make_user("admin2", "admin", "polda-banten")
    officer.refresh_from_db()
    assert enrolment_code_issue(user=officer, issued_by=second)
