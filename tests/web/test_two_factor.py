"""TOTP two-factor authentication: enrolment with a QR code, verification, the demo exception."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.audit.models import AuditAction, AuditEntry
from tests.web.conftest import confirmed_device, enrolment_code, password_login, totp_code

pytestmark = pytest.mark.django_db


def _secret_shown(html: str) -> str:
    match = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html)
    assert match, "the secret is shown as text"
    return match.group(1).replace(" ", "")


def test_pages_need_the_second_factor_after_the_password(personas, anonymous_client):
    # given
    password_login(anonymous_client, personas.penyidik)
    # when
    response = anonymous_client.get("/rekan/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/verifikasi/daftar/"


def test_enrolment_shows_qr_code_and_secret_and_a_real_code_confirms_it(personas, anonymous_client):
    # given
    officer = personas.petugas_tpi
    password_login(anonymous_client, officer)
    # when
    page = anonymous_client.get("/verifikasi/daftar/")
    qr = anonymous_client.get("/verifikasi/daftar/qr.svg")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    confirmed = anonymous_client.post(
        "/verifikasi/daftar/",
        {"enrolment_code": enrolment_code(officer), "token": totp_code(device)},
    )
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "Aktifkan verifikasi dua langkah" in html
    assert 'src="/verifikasi/daftar/qr.svg"' in html
    import base64

    assert base64.b32decode(_secret_shown(html) + "=" * (-len(_secret_shown(html)) % 8)) == (
        device.bin_key
    )
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert "no-store" in qr["Cache-Control"]
    assert qr.content.startswith(b"<svg")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert anonymous_client.get("/rekan/").status_code == 200
    entry = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR).latest("sequence")
    assert entry.actor_id == officer.pk
    assert entry.detail == {"step": "enrolment", "result": "success"}


def test_enrolment_with_a_wrong_code_explains_and_confirms_nothing(personas, anonymous_client):
    # given
    officer = personas.petugas_tpi
    password_login(anonymous_client, officer)
    anonymous_client.get("/verifikasi/daftar/")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    # when
    response = anonymous_client.post(
        "/verifikasi/daftar/", {"enrolment_code": enrolment_code(officer), "token": wrong}
    )
    # then
    assert response.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert anonymous_client.get("/").status_code == 302
    entry = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR).latest("sequence")
    assert entry.detail == {"step": "enrolment", "result": "failure"}


def test_a_code_that_is_not_six_digits_is_refused_by_the_form(personas, anonymous_client):
    # given
    password_login(anonymous_client, personas.petugas_tpi)
    anonymous_client.get("/verifikasi/daftar/")
    # when
    response = anonymous_client.post(
        "/verifikasi/daftar/",
        {"enrolment_code": enrolment_code(personas.petugas_tpi), "token": "12ab56"},
    )
    # then
    assert "Kode terdiri atas enam angka." in response.content.decode()


def test_later_logins_verify_with_the_enrolled_authenticator(personas, anonymous_client):
    # given
    officer = personas.penyidik
    device = confirmed_device(officer)
    # when
    after_password = password_login(anonymous_client, officer)
    verify_page = anonymous_client.get("/verifikasi/")
    verified = anonymous_client.post("/verifikasi/", {"token": totp_code(device)})
    # then
    assert after_password["Location"] == "/verifikasi/"
    assert "Verifikasi dua langkah" in verify_page.content.decode()
    assert verified.status_code == 302
    assert verified["Location"] == "/"
    assert anonymous_client.get("/").status_code == 200
    entry = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR).latest("sequence")
    assert entry.detail == {"step": "verification", "result": "success"}


def test_a_code_is_accepted_only_once(personas, anonymous_client):
    # given
    officer = personas.penyidik
    device = confirmed_device(officer)
    code = totp_code(device)
    password_login(anonymous_client, officer)
    anonymous_client.post("/verifikasi/", {"token": code})
    anonymous_client.post("/keluar/")
    # when
    password_login(anonymous_client, officer)
    replay = anonymous_client.post("/verifikasi/", {"token": code})
    # then
    assert replay.status_code == 200
    assert "_otp_device_id" not in anonymous_client.session


def test_repeated_wrong_codes_are_throttled(personas, anonymous_client):
    # given
    officer = personas.penyidik
    device = confirmed_device(officer)
    password_login(anonymous_client, officer)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    anonymous_client.post("/verifikasi/", {"token": wrong})
    # when: the right code straight after a wrong one is refused while throttled
    response = anonymous_client.post("/verifikasi/", {"token": totp_code(device)})
    # then
    assert "Terlalu banyak kode yang salah" in response.content.decode()
    assert anonymous_client.get("/").status_code == 302


def test_a_password_alone_cannot_enrol_a_second_authenticator(personas, anonymous_client):
    # given
    officer = personas.penyidik
    confirmed_device(officer)
    password_login(anonymous_client, officer)
    # when
    setup = anonymous_client.get("/verifikasi/daftar/")
    qr = anonymous_client.get("/verifikasi/daftar/qr.svg")
    # then
    assert setup.status_code == 302
    assert setup["Location"] == "/verifikasi/"
    assert qr.status_code == 404
    assert not TOTPDevice.objects.filter(user=officer, confirmed=False).exists()


def test_second_factor_pages_need_a_signed_in_person(anonymous_client):
    for path in ("/verifikasi/", "/verifikasi/daftar/", "/verifikasi/daftar/qr.svg"):
        response = anonymous_client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/?next=")


def test_next_page_survives_the_second_factor(personas, anonymous_client):
    # given
    officer = personas.penyidik
    device = confirmed_device(officer)
    # when
    after_password = anonymous_client.post(
        "/masuk/?next=/wilayah/",
        {"username": officer.username, "password": "Persona-Password-2026"},
    )
    verified = anonymous_client.post(
        "/verifikasi/", {"token": totp_code(device), "next": "/wilayah/"}
    )
    # then
    assert after_password["Location"] == "/verifikasi/?next=%2Fwilayah%2F"
    assert verified["Location"] == "/wilayah/"


def test_leadership_sees_no_personal_data_and_needs_no_second_factor(personas, anonymous_client):
    # when
    response = password_login(anonymous_client, personas.pimpinan)
    # then
    assert response["Location"] == "/"
    assert anonymous_client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("demo_mode", "is_demo_account", "expected"),
    [
        pytest.param(True, True, "/", id="demo-machine-demo-account-skips"),
        pytest.param(True, False, "/verifikasi/daftar/", id="demo-machine-real-account-enrols"),
        pytest.param(False, True, None, id="production-demo-account-refused"),
    ],
)
def test_only_demo_accounts_on_a_demo_machine_skip_the_second_factor(
    personas, anonymous_client, settings, demo_mode, is_demo_account, expected
):
    # given
    settings.DEMO_MODE = demo_mode
    officer = personas.petugas_imigrasi
    officer.is_demo_account = is_demo_account
    officer.save(update_fields=["is_demo_account"])
    # when
    response = password_login(anonymous_client, officer)
    # then
    assert response.get("Location") == expected
    assert anonymous_client.get("/").status_code == (200 if expected == "/" else 302)


def test_demo_banner_on_every_page_only_in_demo_mode(personas, anonymous_client, settings):
    # given
    banner = "DEMO — data contoh buatan"
    # when
    settings.DEMO_MODE = False
    without = anonymous_client.get("/masuk/").content.decode()
    settings.DEMO_MODE = True
    with_banner = anonymous_client.get("/masuk/").content.decode()
    # then
    assert banner not in without
    assert banner in with_banner


def test_roles_without_the_second_factor_are_not_offered_an_authenticator(
    personas, anonymous_client
):
    # given
    leader = personas.pimpinan
    password_login(anonymous_client, leader)
    # when
    response = anonymous_client.get("/verifikasi/daftar/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not TOTPDevice.objects.filter(user=leader).exists()
