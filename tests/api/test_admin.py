"""Client systems in the admin: the token shown once, its hash never, revocation, no deletion."""

from __future__ import annotations

import hashlib
import re

import pytest

from benteng.accounts.models import Office
from benteng.api.models import ApiClient
from tests.api.conftest import MakeToken
from tests.conftest import Personas, verified_client

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/api/apiclient/add/"
LIST_URL = "/admin/api/apiclient/"


def test_admin_creates_client_and_sees_token_once(personas: Personas) -> None:
    # given
    browser = verified_client(personas.admin)
    office = Office.objects.get(code="kanim-serang")
    # when
    response = browser.post(
        ADD_URL,
        {
            "name": "SIMKIM Serang",
            "office": office.pk,
            "role": "petugas_imigrasi",
            "scopes": ["reference:read", "screening:read"],
        },
    )
    # then
    assert response.status_code == 302
    client = ApiClient.objects.get(name="SIMKIM Serang")
    shown = browser.get(response["Location"]).content.decode()
    token = re.search(r"<code>(bnt_[A-Za-z0-9_-]+)</code>", shown)
    assert token is not None
    assert "tidak akan ditampilkan lagi" in shown
    assert hashlib.sha256(token.group(1).encode()).hexdigest() == client.token_hash
    assert client.created_by == personas.admin
    # data scopes wait for a second administrator (tests/accounts/test_four_eyes.py)
    assert client.scopes == ["reference:read"]
    # and the token is nowhere on the client's page afterwards, nor its hash
    page = browser.get(f"{LIST_URL}{client.pk}/change/").content.decode()
    assert token.group(1) not in page
    assert client.token_hash not in page
    assert client.token_prefix in page


def test_admin_form_refuses_role_of_another_agency(personas: Personas) -> None:
    browser = verified_client(personas.admin)
    response = browser.post(
        ADD_URL,
        {
            "name": "Sistem Polri",
            "office": Office.objects.get(code="kanim-serang").pk,
            "role": "penyidik",
            "scopes": ["reference:read"],
        },
    )
    assert response.status_code == 200
    assert "tidak sesuai dengan instansi" in response.content.decode()
    assert not ApiClient.objects.filter(name="Sistem Polri").exists()


def test_admin_list_hides_hashes(personas: Personas, make_token: MakeToken) -> None:
    issued = make_token(name="Sistem Daftar")
    page = verified_client(personas.admin).get(LIST_URL).content.decode()
    assert "Sistem Daftar" in page
    assert issued.client.token_hash not in page


def test_admin_revoke_action(personas: Personas, make_token: MakeToken) -> None:
    # given
    first, second = make_token(), make_token()
    browser = verified_client(personas.admin)
    # when
    browser.post(
        LIST_URL,
        {"action": "revoke_tokens", "_selected_action": [first.client.pk, second.client.pk]},
    )
    # then
    assert ApiClient.objects.filter(revoked_at__isnull=False).count() == 2


def test_admin_issues_a_new_token_for_one_client(personas: Personas, make_token: MakeToken) -> None:
    # given
    issued = make_token()
    browser = verified_client(personas.admin)
    # when
    response = browser.post(
        LIST_URL, {"action": "rotate_token", "_selected_action": [issued.client.pk]}, follow=True
    )
    # then
    token = re.search(r"<code>(bnt_[A-Za-z0-9_-]+)</code>", response.content.decode())
    assert token is not None
    stored = ApiClient.objects.get(pk=issued.client.pk)
    assert stored.token_hash == hashlib.sha256(token.group(1).encode()).hexdigest()
    assert token.group(1) != issued.token


def test_admin_issues_new_tokens_one_client_at_a_time(
    personas: Personas, make_token: MakeToken
) -> None:
    first, second = make_token(), make_token()
    browser = verified_client(personas.admin)
    response = browser.post(
        LIST_URL,
        {"action": "rotate_token", "_selected_action": [first.client.pk, second.client.pk]},
        follow=True,
    )
    assert "tepat satu" in response.content.decode()
    hashes = set(ApiClient.objects.values_list("token_hash", flat=True))
    assert hashes == {first.client.token_hash, second.client.token_hash}


def test_admin_cannot_delete_clients(personas: Personas, make_token: MakeToken) -> None:
    issued = make_token()
    browser = verified_client(personas.admin)
    response = browser.get(f"{LIST_URL}{issued.client.pk}/delete/")
    assert response.status_code == 403
    assert ApiClient.objects.filter(pk=issued.client.pk).exists()


@pytest.mark.parametrize("role", ["petugas_imigrasi", "analis_polri", "pimpinan"])
def test_no_access_for_other_roles(personas: Personas, role: str) -> None:
    browser = verified_client(getattr(personas, role))
    response = browser.get(LIST_URL)
    assert response.status_code == 403  # not a sign-in page that would send them back here
