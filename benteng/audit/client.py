"""The address of the client of a request, as the audit trail and the rate limits see it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address: ``REMOTE_ADDR``, unless the request came through one of the
    proxies in ``BENTENG_TRUSTED_PROXIES``; then the nearest address in ``X-Forwarded-For``
    that is not a trusted proxy itself. A client-sent header is never believed."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    trusted = set(settings.BENTENG_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return remote
