"""The address of the person or system behind a request, as the audit trail, the sign-in
lock-out and the API's rate limits see it.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only as far as
it was written by the reverse proxies named in ``BENTENG_TRUSTED_PROXIES`` (addresses or
networks, e.g. ``10.0.0.5,10.1.0.0/16``). The header is read from the right: each proxy appends
the address it received the request from, so the first address from the right that is not a
trusted proxy is the client; whatever the client itself wrote further left is ignored. Without
trusted proxies (the default), the header is ignored and the connection's address is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: the connection's, or the one a trusted proxy forwarded."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    proxies = trusted_proxies(tuple(getattr(settings, "BENTENG_TRUSTED_PROXIES", ())))
    if not _is_trusted(remote, proxies):
        return str(remote)
    client = remote
    for hop in reversed(_forwarded_for(request)):
        address = _address(hop)
        if address is None:
            break  # a trusted proxy would not write this: stop at the last proxy
        client = address
        if not _is_trusted(address, proxies):
            break
    return str(client)


@lru_cache(maxsize=8)
def trusted_proxies(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The configured proxies as networks (a single address is a /32 or /128 network)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _is_trusted(address: Address, proxies: Iterable[Network]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def _forwarded_for(request: HttpRequest) -> list[str]:
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [hop.strip() for hop in header.split(",") if hop.strip()]


def _address(value: str | None) -> Address | None:
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
