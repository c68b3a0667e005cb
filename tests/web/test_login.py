"""Signing in and out: messages, lock-out after repeated failures, audit entries, sessions."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from benteng.audit.models import AuditAction, AuditEntry
from tests.conftest import verified_client
from tests.web.conftest import password_login

pytestmark = pytest.mark.django_db


def test_login_page_is_indonesian_and_asks_for_username_and_password(anonymous_client):
    # when
    response = anonymous_client.get("/masuk/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "Masuk ke Benteng" in html
    assert 'name="username"' in html
    assert 'name="password"' in html


def test_right_password_of_a_personal_data_role_leads_to_two_factor_enrolment(
    personas, anonymous_client
):
    # given
    officer = personas.petugas_imigrasi
    # when
    response = password_login(anonymous_client, officer)
    # then
    assert response.status_code == 302
    assert response["Location"] == "/verifikasi/daftar/"
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN).latest("sequence")
    assert entry.actor_id == officer.pk
    assert entry.detail == {"second_factor": "pending"}
    assert entry.ip_address == "127.0.0.1"


def test_wrong_password_says_so_and_keeps_the_username(personas, anonymous_client):
    # given
    officer = personas.petugas_imigrasi
    # when
    response = password_login(anonymous_client, officer, password="salah-sekali-2026")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in html
    assert f'value="{officer.username}"' in html
    assert "_auth_user_id" not in anonymous_client.session
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).latest("sequence")
    assert entry.actor_label == officer.username
    assert entry.actor_id is None
    assert entry.detail == {"locked_out": False}


def test_empty_form_names_the_missing_fields(anonymous_client):
    # when
    response = anonymous_client.post("/masuk/", {"username": "", "password": ""})
    # then
    assert response.status_code == 200
    assert response.content.decode().count("Bidang ini tidak boleh kosong.") == 2


def test_account_locks_after_the_failure_limit_even_for_the_right_password(
    personas, anonymous_client, settings
):
    # given
    settings.AXES_FAILURE_LIMIT = 3
    officer = personas.petugas_imigrasi
    # when
    responses = [
        password_login(anonymous_client, officer, password=f"salah-{attempt}-2026")
        for attempt in range(3)
    ]
    after_lock = password_login(anonymous_client, officer)
    # then
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert responses[2].status_code == 429
    html = responses[2].content.decode()
    assert "Akun dikunci sementara" in html
    assert "(3 kali)" in html
    assert "30 menit" in html
    assert after_lock.status_code == 429
    assert "_auth_user_id" not in anonymous_client.session
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("sequence")
    assert [entry.detail["locked_out"] for entry in failed] == [False, False, True, True]


def test_lock_out_is_per_username_so_a_colleague_at_another_counter_still_signs_in(
    personas, anonymous_client, settings
):
    # given: two wrong passwords for one officer at one counter
    settings.AXES_FAILURE_LIMIT = 2
    for attempt in range(2):
        password_login(anonymous_client, personas.petugas_imigrasi, password=f"salah-{attempt}")
    # when: a colleague signs in from another counter behind the same office address
    colleague = Client(HTTP_USER_AGENT="Loket-2")
    response = password_login(colleague, personas.pimpinan)
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_guessing_from_one_address_does_not_lock_the_owner_out_elsewhere(
    personas, anonymous_client, settings
):
    # given: a stranger guesses a username's password from one address until locked there
    settings.AXES_FAILURE_LIMIT = 2
    for attempt in range(2):
        password_login(anonymous_client, personas.pimpinan, password=f"salah-{attempt}")
    assert password_login(anonymous_client, personas.pimpinan).status_code == 429
    # when: the owner signs in from their own address
    own_address = Client(REMOTE_ADDR="10.0.0.2", HTTP_USER_AGENT="Lain")
    response = password_login(own_address, personas.pimpinan)
    # then: the lock is the stranger's address's, not the account's
    assert response.status_code == 302
    assert response["Location"] == "/"


def _guess_from(address: str, user, attempts: int) -> list[int]:  # type: ignore[no-untyped-def]
    guesser = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=f"Penebak {address}")
    return [
        password_login(guesser, user, password=f"salah-{n}").status_code for n in range(attempts)
    ]


def test_guessing_one_username_from_many_addresses_meets_the_back_off(
    personas, settings, monkeypatch
):
    # given: 3 failures per address lock that address (axes); after 3 failures of a username
    # from anywhere, each next attempt waits (the clock stands still for the test)
    import benteng.accounts.lockout as lockout

    now = time.time()
    monkeypatch.setattr(lockout, "_now", lambda: now)
    settings.AXES_FAILURE_LIMIT = 3
    settings.BENTENG_LOGIN_BACKOFF_AFTER = 3
    leader = personas.pimpinan
    # when: guesses come from three addresses
    first = _guess_from("10.0.1.1", leader, 2)
    second = _guess_from("10.0.1.2", leader, 2)
    third = _guess_from("10.0.1.3", leader, 1)
    # then: after three failures in all, the next attempt waits, whatever its address
    assert first == [200, 200]
    assert second == [200, 429]
    assert third == [429]
    # and even the right password waits, with a clear Indonesian message and the name kept
    owner = Client(REMOTE_ADDR="10.0.9.9", HTTP_USER_AGENT="Pemilik")
    response = password_login(owner, leader)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal untuk akun ini" in html
    assert "tunggu 2 detik" in html
    assert f'value="{leader.username}"' in html
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).latest("pk")
    assert entry.detail == {"locked_out": False, "backoff_seconds": 2}
    assert entry.ip_address == "10.0.9.9"
    # and once the wait is over, the owner signs in
    monkeypatch.setattr(lockout, "_now", lambda: now + 3)
    assert password_login(owner, leader).status_code == 302


def test_the_back_off_grows_is_capped_and_ends(personas, settings):
    from benteng.accounts.lockout import (
        backoff_failure_record,
        backoff_forget,
        backoff_wait_seconds,
    )

    settings.BENTENG_LOGIN_BACKOFF_AFTER = 2
    settings.BENTENG_LOGIN_BACKOFF_MAX_SECONDS = 10
    name = personas.pimpinan.username
    waits = []
    for _failure in range(6):
        backoff_failure_record(name, now=1000.0)
        waits.append(backoff_wait_seconds(name, now=1000.0))
    assert waits == [0, 2, 4, 8, 10, 10]
    assert backoff_wait_seconds(name, now=1010.0) == 0  # the wait is over
    assert backoff_wait_seconds(None) == 0  # a name that is no account: nothing to wait for
    backoff_forget(name)
    assert backoff_wait_seconds(name, now=1000.0) == 0


def test_a_successful_sign_in_forgets_the_failures(personas, anonymous_client, settings):
    settings.BENTENG_LOGIN_BACKOFF_AFTER = 2
    password_login(anonymous_client, personas.pimpinan, password="salah")
    assert password_login(anonymous_client, personas.pimpinan).status_code == 302
    anonymous_client.logout()
    # then: one more failure is the first again, not the second
    password_login(anonymous_client, personas.pimpinan, password="salah")
    assert password_login(anonymous_client, personas.pimpinan).status_code == 302


def test_a_forged_forwarded_for_does_not_move_the_lock(personas, anonymous_client, settings):
    # given: no trusted proxy; the guesser changes X-Forwarded-For on every attempt
    settings.AXES_FAILURE_LIMIT = 2
    statuses = [
        anonymous_client.post(
            "/masuk/",
            {"username": personas.pimpinan.username, "password": f"salah-{n}"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(3)
    ]
    # then: the lock is on the connection's address all the same
    assert statuses == [200, 429, 429]
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert {entry.ip_address for entry in failed} == {"127.0.0.1"}


def test_password_spraying_from_one_device_is_locked(personas, anonymous_client, settings):
    # given: one wrong password each for several usernames from one device
    settings.AXES_FAILURE_LIMIT = 2
    password_login(anonymous_client, personas.petugas_imigrasi, password="salah")
    password_login(anonymous_client, personas.penyidik, password="salah")
    # when
    response = password_login(anonymous_client, personas.pimpinan)
    # then
    assert response.status_code == 429


def test_safe_next_is_kept_and_a_foreign_one_ignored(personas, anonymous_client):
    # given
    leader = personas.pimpinan  # leadership sees no personal data and needs no second factor
    # when
    kept = anonymous_client.post(
        "/masuk/?next=/kantor/",
        {"username": leader.username, "password": "Persona-Password-2026"},
    )
    anonymous_client.logout()
    ignored = anonymous_client.post(
        "/masuk/",
        {
            "username": leader.username,
            "password": "Persona-Password-2026",
            "next": "https://example.com/",
        },
    )
    # then
    assert kept["Location"] == "/kantor/"
    assert ignored["Location"] == "/"


def test_logout_only_by_post_and_audited(personas):
    # given
    officer = personas.petugas_imigrasi
    client = verified_client(officer)
    # when
    by_get = client.get("/keluar/")
    by_post = client.post("/keluar/")
    # then
    assert by_get.status_code == 405
    assert by_post.status_code == 302
    assert by_post["Location"] == "/masuk/"
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.filter(action=AuditAction.LOGOUT).latest("sequence")
    assert entry.actor_id == officer.pk
    assert client.get("/").status_code == 302


def test_signed_in_visitor_of_the_login_page_goes_home(personas):
    # given
    client = verified_client(personas.petugas_imigrasi)
    # when
    response = client.get("/masuk/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_session_expires_after_inactivity_and_is_refreshed_by_activity():
    # then: at most half an hour idle, renewed on every request, gone with the browser
    assert django_settings.SESSION_COOKIE_AGE <= 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True


def test_an_expired_session_sends_back_to_the_login_page(personas):
    # given
    client = verified_client(personas.petugas_imigrasi)
    assert client.get("/").status_code == 200
    # when
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/masuk/?next=/"


def test_each_request_pushes_the_session_expiry_forward(personas):
    # given
    client = verified_client(personas.petugas_imigrasi)
    key = client.session.session_key
    soon = timezone.now() + dt.timedelta(seconds=60)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    # when
    client.get("/")
    # then
    assert Session.objects.get(session_key=key).expire_date > soon


def test_a_name_that_is_no_account_leaves_no_derivative_anywhere(anonymous_client, caplog):
    """A password typed into the username box: not kept, not hashed, not cut to a prefix."""
    import hashlib

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    # given: a password typed into the username box
    typed = "Rahasia-Sekali-123"
    caplog.set_level("DEBUG")
    # when
    anonymous_client.post("/masuk/", {"username": typed, "password": "x"})
    # then: the trail says an unknown name was tried, and nothing more about it
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).latest("sequence")
    assert entry.actor_label == "unknown"
    assert entry.detail == {"locked_out": False}
    digest = hashlib.sha256(typed.encode()).hexdigest()
    stored = [
        *AuditEntry.objects.values_list("actor_label", "detail", "object_ids", "purpose"),
        *AccessAttempt.objects.values_list("username", "get_data", "post_data"),
        *AccessFailureLog.objects.values_list("username"),
        *AccessLog.objects.values_list("username"),
        caplog.text,
    ]
    text = repr(stored)
    assert typed not in text
    assert typed[:4] not in text
    assert digest[:8] not in text
    # the attempt still counts towards the lock-out of the address and browser
    assert AccessAttempt.objects.get().failures_since_start == 1
