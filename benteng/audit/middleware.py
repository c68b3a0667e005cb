"""Every audit entry written while a request is served carries the client's address."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponseBase

from benteng.audit.client import client_address

_request_address: ContextVar[str | None] = ContextVar("audit_request_address", default=None)


def current_client_address() -> str | None:
    """The address of the client of the request being served; None outside a request
    (a background task, a command)."""
    return _request_address.get()


class ClientAddressMiddleware:
    """Keeps the request's client address (``client_address``) for the audit trail, so every
    read and write recorded while serving it says from where, whoever records it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _request_address.set(client_address(request) or None)
        try:
            return self.get_response(request)
        finally:
            _request_address.reset(token)
