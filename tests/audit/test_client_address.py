"""benteng.audit.client.client_address: X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from benteng.audit.client import client_address

PROXY = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        pytest.param(
            [], "203.0.113.7", "198.51.100.1", "203.0.113.7", id="no-proxy-header-ignored"
        ),
        pytest.param([PROXY], "203.0.113.7", "198.51.100.1", "203.0.113.7", id="not-from-proxy"),
        pytest.param([PROXY], PROXY, "198.51.100.1", "198.51.100.1", id="from-proxy"),
        pytest.param(
            [PROXY], PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1", id="client-spoof-ignored"
        ),
        pytest.param(
            ["10.0.0.0/8"], PROXY, "198.51.100.1, 10.9.9.9", "198.51.100.1", id="proxy-chain"
        ),
        pytest.param([PROXY], PROXY, "rubbish, 198.51.100.1", "198.51.100.1", id="rubbish-left"),
        pytest.param([PROXY], PROXY, "198.51.100.1, rubbish", PROXY, id="rubbish-from-proxy"),
        pytest.param([PROXY], PROXY, None, PROXY, id="proxy-without-header"),
        pytest.param(["10.0.0.0/8"], PROXY, "10.1.1.1", "10.1.1.1", id="all-trusted"),
        pytest.param([], "::ffff:203.0.113.7", None, "203.0.113.7", id="ipv4-mapped"),
        pytest.param(
            ["2001:db8::/32"],
            "2001:db8::1",
            "203.0.113.9, 2001:db8::2",
            "203.0.113.9",
            id="ipv6-proxy",
        ),
        pytest.param([], "", None, None, id="no-address"),
    ],
)
def test_client_address(settings, trusted, remote, forwarded, expected) -> None:  # type: ignore[no-untyped-def]
    settings.BENTENG_TRUSTED_PROXIES = trusted
    assert client_address(_request(remote, forwarded)) == expected
