"""Token authentication: missing, malformed, unknown, revoked, wrong scope, and the good case."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.access import may_administer
from benteng.api.auth import request_viewer
from benteng.api.errors import ApiError
from benteng.api.models import ApiClient, ApiScope
from benteng.api.services import api_client_revoke, api_client_rotate_token
from benteng.audit.models import AuditEntry
from tests.api.conftest import MakeToken, app_queries, bearer

pytestmark = pytest.mark.django_db

REGION_URL = "/api/v1/regions/36.03"


def test_missing_token_is_401_with_error_body(client: Client, reference_data) -> None:
    # when
    response = client.get(REGION_URL)
    # then
    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_required",
        "message": "Diperlukan token API pada header Authorization: Bearer <token>.",
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="benteng"'


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Bearer bnt_not-a-real-token", id="unknown-token"),
        pytest.param("Bearer something-else", id="not-our-format"),
        pytest.param("Basic dXNlcjpwYXNz", id="wrong-scheme"),
        pytest.param("Bearer ", id="empty-token"),
        pytest.param("Bearer bnt_" + "x" * 500, id="oversized-token"),
    ],
)
def test_invalid_token_is_401(client: Client, reference_data, header: str) -> None:
    response = client.get(REGION_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_revoked_token_is_401_token_revoked(client: Client, make_token: MakeToken) -> None:
    # given
    issued = make_token()
    assert client.get(REGION_URL, **bearer(issued.token)).status_code == 200
    api_client_revoke(client=issued.client, viewer=Viewer.system(purpose="test"))
    # when
    response = client.get(REGION_URL, **bearer(issued.token))
    # then
    assert response.status_code == 401
    assert response.json() == {"code": "token_revoked", "message": "Token API ini sudah dicabut."}


def test_token_without_scope_is_403_naming_the_scope(client: Client, no_scope_token: str) -> None:
    response = client.get(REGION_URL, **bearer(no_scope_token))
    assert response.status_code == 403
    assert response.json() == {
        "code": "scope_missing",
        "message": "Token API ini tidak memiliki cakupan yang diperlukan.",
        "details": {"required_scopes": ["reference:read"]},
    }
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_scope_is_checked_before_parameters(client: Client, no_scope_token: str) -> None:
    """A client without the scope learns nothing about the endpoint, not even its parameters."""
    response = client.get("/api/v1/regions?page=0", **bearer(no_scope_token))
    assert response.status_code == 403


def test_token_is_stored_only_as_sha256_and_prefix(make_token: MakeToken) -> None:
    # given
    issued = make_token()
    # when
    stored = ApiClient.objects.values().get(pk=issued.client.pk)
    # then
    assert issued.token.startswith("bnt_")
    assert len(issued.token) >= 40
    assert stored["token_hash"] == hashlib.sha256(issued.token.encode()).hexdigest()
    assert stored["token_prefix"] == issued.token[:12]
    assert all(issued.token not in str(value) for value in stored.values())


def test_two_tokens_differ(make_token: MakeToken) -> None:
    assert make_token().token != make_token().token


def test_last_used_at_is_written_at_most_once_a_minute(
    client: Client, make_token: MakeToken, captured_queries, settings
) -> None:
    # given: every request reads its client (no cache)
    settings.BENTENG_API_CLIENT_CACHE_SECONDS = 0
    issued = make_token()
    assert issued.client.last_used_at is None
    # when: first use writes it
    client.get("/api/v1/me", **bearer(issued.token))
    first = ApiClient.objects.get(pk=issued.client.pk).last_used_at
    # then: an immediate second use only reads (one query: the token lookup; besides the
    # rate limit's count in the shared cache)
    with captured_queries:
        client.get("/api/v1/me", **bearer(issued.token))
    assert len(app_queries(captured_queries)) == 1
    assert first is not None
    assert ApiClient.objects.get(pk=issued.client.pk).last_used_at == first
    # and a use more than a minute later writes again
    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    ApiClient.objects.filter(pk=issued.client.pk).update(last_used_at=two_minutes_ago)
    client.get("/api/v1/me", **bearer(issued.token))
    refreshed = ApiClient.objects.get(pk=issued.client.pk).last_used_at
    assert refreshed is not None
    assert refreshed - two_minutes_ago > timedelta(minutes=1)


def test_me_describes_the_client(client: Client, make_token: MakeToken) -> None:
    issued = make_token(
        scopes=(ApiScope.SCREENING_READ, ApiScope.REFERENCE_READ), name="SIMKIM Tangerang"
    )
    response = client.get("/api/v1/me", **bearer(issued.token))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "SIMKIM Tangerang"
    assert body["office"] == {
        "code": "kanim-tangerang",
        "name": "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang",
    }
    assert body["agency"] == "imigrasi"
    assert body["role"] == "petugas_imigrasi"
    assert body["scopes"] == ["reference:read", "screening:read"]
    assert body["token_prefix"] == issued.token[:12]
    assert "token_hash" not in body


def test_me_needs_a_token(client: Client, reference_data) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"


def test_client_viewer_has_clients_role_and_office(make_token: MakeToken) -> None:
    issued = make_token(office_code="polda-banten", role="penyidik")
    viewer = Viewer.for_client(issued.client)
    assert viewer.role == "penyidik"
    assert viewer.agency_kind == "polri"
    assert viewer.office_id == issued.client.office_id
    assert not may_administer(viewer)


def test_creating_and_revoking_a_client_is_audited(make_token: MakeToken) -> None:
    # given
    issued = make_token()
    # when
    revoked = api_client_revoke(client=issued.client, viewer=Viewer.system(purpose="test"))
    again = api_client_revoke(client=issued.client, viewer=Viewer.system(purpose="test"))
    # then
    entries = AuditEntry.objects.filter(
        object_type="api.apiclient", object_ids=[str(issued.client.pk)]
    ).order_by("sequence")
    assert revoked is True
    assert again is False
    assert [entry.action for entry in entries] == ["create", "update"]
    assert entries[1].detail == {"fields": ["revoked_at"]}


def test_rotating_replaces_the_token_and_reactivates(client: Client, make_token: MakeToken) -> None:
    # given: a leaked token, revoked
    issued = make_token()
    system = Viewer.system(purpose="test")
    api_client_revoke(client=issued.client, viewer=system)
    # when
    new_token = api_client_rotate_token(client=issued.client, viewer=system)
    # then
    assert client.get("/api/v1/me", **bearer(issued.token)).json()["code"] == "token_invalid"
    assert client.get("/api/v1/me", **bearer(new_token)).status_code == 200
    stored = ApiClient.objects.get(pk=issued.client.pk)
    assert stored.token_prefix == new_token[:12]
    assert stored.revoked_at is None


def test_request_viewer_is_the_client_with_a_purpose(make_token: MakeToken) -> None:
    # given
    issued = make_token(office_code="polsek-kronjo", role="bhabinkamtibmas")
    request = RequestFactory().get("/api/v1/me")
    request.auth = issued.client  # type: ignore[attr-defined]
    # when
    viewer = request_viewer(request, purpose="cek keberangkatan")
    # then
    assert viewer.kind is ViewerKind.CLIENT
    assert viewer.client_id == issued.client.pk
    assert viewer.role == "bhabinkamtibmas"
    assert viewer.purpose == "cek keberangkatan"


def test_request_viewer_without_client_is_401() -> None:
    with pytest.raises(ApiError) as raised:
        request_viewer(RequestFactory().get("/api/v1/me"))
    assert raised.value.status == 401


def test_the_client_read_with_a_token_is_the_same_as_the_orm_reads_it(
    make_token: MakeToken, django_assert_num_queries
) -> None:
    from benteng.api.selectors import api_client_by_token

    issued = make_token(scopes=(ApiScope.SCREENING_WRITE, ApiScope.SCREENING_READ))
    stored = ApiClient.objects.select_related("office__agency").get(pk=issued.client.pk)
    api_client_revoke(client=stored, viewer=Viewer.system(purpose="test"))
    stored.refresh_from_db()
    with django_assert_num_queries(1):
        found = api_client_by_token(token=issued.token)
        assert found is not None
        # office and agency come with it: no further query
        assert found.office.agency.kind == "imigrasi"
    assert found.scopes == ["screening:write", "screening:read"]
    assert found.has_scope("screening:write") and not found.has_scope("screening")
    assert found.revoked_at == stored.revoked_at and found.revoked_at.tzinfo is not None
    assert found.created_at == stored.created_at
    assert (found.pk, found.name, found.role, found.office_id) == (
        stored.pk,
        stored.name,
        stored.role,
        stored.office_id,
    )
    assert found.office.name == stored.office.name
    assert api_client_by_token(token=issued.token + "x") is None


# --- the clients a process knows ---------------------------------------------------------------


def test_a_known_client_is_not_read_again_within_the_cache_time(
    client: Client, make_token: MakeToken, captured_queries, settings, monkeypatch
) -> None:
    import benteng.caches as caches

    settings.BENTENG_API_CLIENT_CACHE_SECONDS = 2
    issued = make_token()
    now = [1000.0]
    monkeypatch.setattr(caches.time, "monotonic", lambda: now[0])
    assert client.get("/api/v1/me", **bearer(issued.token)).status_code == 200
    # within the cache time: no query but the rate limit's, even for a change this process
    # did not see
    ApiClient.objects.filter(pk=issued.client.pk).update(scopes=[])
    with captured_queries:
        assert client.get("/api/v1/me", **bearer(issued.token)).status_code == 200
    assert app_queries(captured_queries) == []
    # after it: read again, and the change applies
    now[0] += 2.5
    response = client.get("/api/v1/me", **bearer(issued.token))
    assert response.json()["scopes"] == []


def test_a_revocation_in_this_process_applies_at_once(
    client: Client, make_token: MakeToken, settings
) -> None:
    settings.BENTENG_API_CLIENT_CACHE_SECONDS = 60
    issued = make_token()
    assert client.get("/api/v1/me", **bearer(issued.token)).status_code == 200
    api_client_revoke(client=issued.client, viewer=Viewer.system(purpose="test"))
    response = client.get("/api/v1/me", **bearer(issued.token))
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_a_new_token_or_an_admin_edit_applies_at_once(
    client: Client, make_token: MakeToken, settings
) -> None:
    settings.BENTENG_API_CLIENT_CACHE_SECONDS = 60
    issued = make_token()
    assert client.get("/api/v1/me", **bearer(issued.token)).status_code == 200
    new_token = api_client_rotate_token(client=issued.client, viewer=Viewer.system(purpose="t"))
    assert client.get("/api/v1/me", **bearer(issued.token)).status_code == 401
    assert client.get("/api/v1/me", **bearer(new_token)).status_code == 200
    stored = ApiClient.objects.get(pk=issued.client.pk)
    stored.scopes = []
    stored.save()  # what the admin site does
    assert client.get("/api/v1/me", **bearer(new_token)).json()["scopes"] == []


def test_unknown_tokens_are_not_kept(make_token: MakeToken, settings) -> None:
    from benteng.api.selectors import known_clients

    settings.BENTENG_API_CLIENT_CACHE_SECONDS = 60
    issued = make_token()
    for attempt in range(50):
        assert known_clients.get(issued.token + f"x{attempt}") is None
    assert known_clients.get(issued.token) is not None
    assert not any(token.startswith(issued.token + "x") for token in known_clients.kept_keys())
