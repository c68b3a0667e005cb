"""Rate limits of the API: counted in the cache every process shares, per address only as far
as a trusted proxy says, and refused tokens throttled and audited."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client

from benteng import limits
from benteng.audit.models import AuditAction, AuditEntry
from tests.api.conftest import MakeToken, bearer

pytestmark = pytest.mark.django_db

REGION = "/api/v1/regions/36"
UNKNOWN = "bnt_" + "x" * 43


def _token_failures() -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=AuditAction.LOGIN_FAILED, object_type="api.apiclient"
        ).order_by("pk")
    )


def test_unknown_tokens_are_audited_then_throttled_per_address(client: Client, settings) -> None:
    # given
    settings.BENTENG_API_BAD_TOKEN_LIMIT = "3/min"
    # when: five guesses from one address
    answers = [client.get(REGION, **bearer(f"{UNKNOWN}{n}")) for n in range(5)]
    # then: three are refused as invalid, then the address is throttled
    assert [a.status_code for a in answers] == [401, 401, 401, 429, 429]
    assert answers[3].json()["code"] == "rate_limited"
    assert 0 < int(answers[3]["Retry-After"]) <= 60
    # and each refusal is in the trail with the address, the throttling once, no token kept
    entries = _token_failures()
    assert [entry.detail["rate_limited"] for entry in entries] == [False, False, False, True]
    assert {entry.ip_address for entry in entries} == {"127.0.0.1"}
    assert {entry.actor_label for entry in entries} == {"unknown"}
    assert all(UNKNOWN not in str(entry.detail) for entry in entries)


def test_a_revoked_token_is_audited_with_its_client(client: Client, make_token: MakeToken) -> None:
    # given
    from benteng.access.viewer import Viewer
    from benteng.api.services import api_client_revoke

    issued = make_token()
    api_client_revoke(client=issued.client, viewer=Viewer.system(purpose="test"))
    # when
    response = client.get(REGION, **bearer(issued.token))
    # then
    assert response.json()["code"] == "token_revoked"
    (entry,) = _token_failures()
    assert entry.object_ids == [str(issued.client.pk)]
    assert entry.actor_label == issued.client.name
    assert entry.detail == {"channel": "api", "reason": "token_revoked", "rate_limited": False}


def test_a_forged_forwarded_for_does_not_dodge_the_limit(client: Client, settings) -> None:
    # given: no trusted proxy; the guesser writes a new X-Forwarded-For each time
    settings.BENTENG_API_BAD_TOKEN_LIMIT = "2/min"
    answers = [
        client.get(REGION, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **bearer(UNKNOWN))
        for n in range(3)
    ]
    # then: all three come from the connection's address, and the third is throttled
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert {entry.ip_address for entry in _token_failures()} == {"127.0.0.1"}


def test_behind_a_trusted_proxy_each_client_address_counts_alone(client: Client, settings) -> None:
    # given: requests arrive through the reverse proxy 127.0.0.1
    settings.BENTENG_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.BENTENG_API_BAD_TOKEN_LIMIT = "1/min"
    # when
    first = client.get(REGION, HTTP_X_FORWARDED_FOR="198.51.100.1", **bearer(UNKNOWN))
    other = client.get(REGION, HTTP_X_FORWARDED_FOR="198.51.100.2", **bearer(UNKNOWN))
    again = client.get(REGION, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1", **bearer(UNKNOWN))
    # then: the proxy's word is taken, the client's own prefix is not
    assert [first.status_code, other.status_code, again.status_code] == [401, 401, 429]
    assert [entry.ip_address for entry in _token_failures()] == [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.1",
    ]


def test_two_workers_count_together(
    client: Client, reference_token: str, settings, monkeypatch
) -> None:
    # given: the limit is 2 a minute; "worker one" has its own cache client, as a second
    # process would (nothing of it is shared with this process's cache object)
    settings.BENTENG_API_RATE_LIMIT = "2/min"
    table = django_settings.CACHES["default"]["LOCATION"]
    other_worker = DatabaseCache(table, {})
    this_worker = limits.shared_cache()
    assert other_worker is not this_worker
    # when: one request is served by the other worker, one by this one
    monkeypatch.setattr(limits, "shared_cache", lambda: other_worker)
    assert client.get(REGION, **bearer(reference_token)).status_code == 200
    monkeypatch.setattr(limits, "shared_cache", lambda: this_worker)
    assert client.get(REGION, **bearer(reference_token)).status_code == 200
    # then: the third is refused by either, the count being in the database, not in a process
    assert client.get(REGION, **bearer(reference_token)).status_code == 429
    monkeypatch.setattr(limits, "shared_cache", lambda: other_worker)
    assert client.get(REGION, **bearer(reference_token)).status_code == 429
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        assert cursor.fetchone()[0] >= 1


def test_the_shared_cache_is_the_database_or_redis() -> None:
    assert django_settings.CACHES["default"]["BACKEND"] in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }
