"""An administrator cannot take over an account (issue 11, item 8): no TOTP secret or QR code in
the admin, a password an administrator sets must be replaced and the second factor enrolled
again, and every admin read and write of accounts, devices, lock-outs and the trail is
audited."""

from __future__ import annotations

from base64 import b32encode

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.audit.models import AuditEntry
from tests.conftest import PASSWORD, verified_client

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Sandi-Dari-Admin-2026"


def _last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None
    return entry


def test_the_admin_never_shows_a_totp_secret_or_its_qr_code(personas):
    # given: the officer's enrolled authenticator
    device = TOTPDevice.objects.create(user=personas.petugas_imigrasi, name="ponsel")
    client = verified_client(personas.admin)
    # when
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    listing = client.get("/admin/otp_totp/totpdevice/")
    config = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    qr = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    # then
    html = page.content.decode() + listing.content.decode()
    assert page.status_code == 200
    assert device.key not in html
    assert b32encode(device.bin_key).decode().rstrip("=") not in html
    assert "qrcode" not in listing.content.decode()
    assert (config.status_code, qr.status_code) == (403, 403)


@pytest.mark.parametrize(
    "path",
    ["/admin/otp_totp/totpdevice/add/", "/admin/otp_static/staticdevice/add/"],
    ids=["totp", "static"],
)
def test_an_administrator_cannot_add_a_second_factor_for_someone(personas, path):
    client = verified_client(personas.admin)
    assert client.get(path).status_code == 403


def test_reading_a_device_in_the_admin_is_audited(personas):
    # given
    device = TOTPDevice.objects.create(user=personas.petugas_imigrasi, name="ponsel")
    client = verified_client(personas.admin)
    # when
    client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    # then
    entry = _last_entry()
    assert (entry.action, entry.object_type, entry.object_ids, entry.actor_id) == (
        "read",
        "otp_totp.totpdevice",
        [str(device.pk)],
        personas.admin.pk,
    )


def test_lock_outs_listed_and_lifted_in_the_admin_are_audited(personas):
    # given: a lock-out record
    attempt = AccessAttempt.objects.create(
        username=personas.petugas_imigrasi.username,
        ip_address="10.0.0.1",
        user_agent="x",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/masuk/",
    )
    client = verified_client(personas.admin)
    # when: listed, then lifted
    client.get("/admin/axes/accessattempt/")
    listed = _last_entry()
    client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    lifted = _last_entry()
    # then
    assert (listed.action, listed.object_type, listed.object_ids) == (
        "list",
        "axes.accessattempt",
        [str(attempt.pk)],
    )
    assert (lifted.action, lifted.object_type, lifted.object_ids) == (
        "delete",
        "axes.accessattempt",
        [str(attempt.pk)],
    )


def test_reading_the_audit_trail_in_the_admin_is_audited(personas):
    # given
    client = verified_client(personas.admin)
    client.get("/admin/accounts/user/")
    seen = _last_entry()
    # when
    client.get("/admin/audit/auditentry/")
    client.get(f"/admin/audit/auditentry/{seen.pk}/change/")
    # then
    listed, read = AuditEntry.objects.order_by("-id")[1], _last_entry()
    assert (listed.action, listed.object_type) == ("list", "audit.auditentry")
    assert str(seen.pk) in listed.object_ids
    assert (read.action, read.object_type, read.object_ids) == (
        "read",
        "audit.auditentry",
        [str(seen.pk)],
    )


def test_a_password_set_by_an_administrator_must_be_replaced_and_2fa_enrolled_again(personas):
    # given: an officer with an authenticator and a backup device
    officer = personas.petugas_imigrasi
    TOTPDevice.objects.create(user=officer, name="ponsel", confirmed=True)
    StaticDevice.objects.create(user=officer, name="cadangan", confirmed=True)
    admin_client = verified_client(personas.admin)
    # when: the administrator sets a new password
    response = admin_client.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    # then: the officer's second factor is gone and the password must be changed
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.must_change_password
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    entry = _last_entry()
    assert (entry.action, entry.object_ids, entry.detail) == (
        "update",
        [str(officer.pk)],
        {"fields": ["otp_devices", "password"]},
    )
    # when: whoever knows that password signs in
    client = Client()
    response = client.post("/masuk/", {"username": officer.username, "password": NEW_PASSWORD})
    # then: a new password first, nothing else opens
    assert response["Location"] == "/sandi/"
    assert client.get("/rekan/")["Location"] == "/sandi/"
    page = client.get("/sandi/")
    assert "Buat kata sandi baru" in page.content.decode()
    # when: the officer chooses one
    response = client.post(
        "/sandi/",
        {
            "new_password1": "Sandi-Pilihan-Sendiri-2026",
            "new_password2": "Sandi-Pilihan-Sendiri-2026",
        },
    )
    # then: on to enrolling an authenticator again
    assert response["Location"] == "/verifikasi/daftar/"
    officer.refresh_from_db()
    assert not officer.must_change_password
    assert officer.check_password("Sandi-Pilihan-Sendiri-2026")
    assert client.get("/rekan/")["Location"] == "/verifikasi/daftar/"


def test_an_account_created_by_an_administrator_sets_its_own_password(personas):
    # given
    admin_client = verified_client(personas.admin)
    # when
    admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "petugas.baru",
            "full_name": "Petugas Baru",
            "email": "baru@example.test",
            "role": "pimpinan",
            "office": personas.pimpinan.office_id,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    # then
    from benteng.accounts.models import User

    assert User.objects.get(username="petugas.baru").must_change_password


def test_an_unforced_password_change_page_is_not_offered(personas):
    client = Client()
    client.post("/masuk/", {"username": personas.pimpinan.username, "password": PASSWORD})
    assert client.get("/sandi/").status_code == 302
