"""Token authentication of client systems, endpoint scopes, and the client as a viewer.

Every endpoint that needs a client declares what it needs in its route::

    @router.get("/regions", auth=require_scope(ApiScope.REFERENCE_READ), ...)

The order of checks is fixed: no token (401 ``authentication_required``), an unknown token
(401 ``token_invalid``), a revoked one (401 ``token_revoked``), a missing scope (403
``scope_missing``); only then are parameters validated and the endpoint runs.

Every unknown or revoked token is recorded in the audit trail with the sender's address, and
counted per address (``BENTENG_API_BAD_TOKEN_LIMIT``): beyond the limit the answer is 429
``rate_limited`` and only the first refusal of each period is recorded, so guessing tokens is
slow and cannot flood the trail. The counts and the per-client rate limit live in the cache
every process shares (``benteng.limits``).
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from benteng.access.viewer import Viewer
from benteng.api.errors import ApiError, ApiErrorCode
from benteng.api.models import ApiClient
from benteng.api.selectors import known_clients
from benteng.api.services import api_client_mark_used
from benteng.audit.client import client_address
from benteng.audit.models import AuditAction
from benteng.audit.services import Actor, audit_record, object_type_of
from benteng.limits import LimitCheck, Rate, limit_count

DEFAULT_RATE_LIMIT = "600/min"
DEFAULT_BAD_TOKEN_LIMIT = "10/min"  # noqa: S105 — a rate, not a secret
CHALLENGE = 'Bearer realm="benteng"'
# How the trail names the sender of a token that belongs to no client (nothing derived from
# the token is kept: it may be a real token with a typo).
UNKNOWN_CLIENT = "unknown"


class ApiToken(HttpBearer):
    """``Authorization: Bearer <token>`` of an active client holding every required scope.

    The class name is the security scheme's name in the OpenAPI schema; the required scopes
    are listed in each operation's security requirement.
    """

    openapi_description = (
        "A client system's token, issued once by an administrator "
        "(`manage.py api_client_create` or the admin site)."
    )

    def __init__(self, *scopes: str) -> None:
        self.scopes = tuple(str(scope) for scope in scopes)
        super().__init__()

    def __call__(self, request: HttpRequest) -> ApiClient:
        header = request.headers.get("Authorization", "").strip()
        if not header:
            raise ApiError(
                401, ApiErrorCode.AUTHENTICATION_REQUIRED, headers={"WWW-Authenticate": CHALLENGE}
            )
        scheme, _separator, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _token_refused(request, ApiErrorCode.TOKEN_INVALID)
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        client = known_clients.get(token)
        if client is None:
            raise _token_refused(request, ApiErrorCode.TOKEN_INVALID)
        if not client.is_active:
            raise _token_refused(request, ApiErrorCode.TOKEN_REVOKED, client=client)
        missing = [scope for scope in self.scopes if not client.has_scope(scope)]
        if missing:
            raise ApiError(
                403,
                ApiErrorCode.SCOPE_MISSING,
                details={"required_scopes": missing},
                headers={
                    "WWW-Authenticate": f'{CHALLENGE}, error="insufficient_scope", '
                    f'scope="{" ".join(missing)}"'
                },
            )
        api_client_mark_used(client=client)
        return client


def _token_refused(
    request: HttpRequest, code: ApiErrorCode, *, client: ApiClient | None = None
) -> ApiError:
    """Audit and count a refused token; the answer is 401, or 429 beyond the address's limit."""
    address = client_address(request)
    rate = Rate.parse(getattr(settings, "BENTENG_API_BAD_TOKEN_LIMIT", DEFAULT_BAD_TOKEN_LIMIT))
    check = limit_count(f"api-bad-token:{address}", rate)
    if check.allowed or check.first_refusal:
        _audit_refused_token(client, code=code, address=address, rate_limited=not check.allowed)
    if not check.allowed:
        return ApiError(
            429, ApiErrorCode.RATE_LIMITED, headers={"Retry-After": str(check.retry_after)}
        )
    return ApiError(401, code, headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'})


def _audit_refused_token(
    client: ApiClient | None, *, code: ApiErrorCode, address: str | None, rate_limited: bool
) -> None:
    if client is None:
        actor = Actor(user_id=None, label=UNKNOWN_CLIENT)
    else:
        actor = Actor(
            user_id=None,
            label=client.name,
            role=client.role,
            office=client.office.name,
            client=client.name,
        )
    audit_record(
        actor=actor,
        action=AuditAction.LOGIN_FAILED,
        object_type=object_type_of(ApiClient),
        object_ids=[client.pk] if client is not None else [],
        detail={"channel": "api", "reason": str(code), "rate_limited": rate_limited},
        ip_address=address,
    )


def require_scope(*scopes: str) -> ApiToken:
    """The auth of an endpoint that needs a valid token with all these scopes."""
    return ApiToken(*scopes)


def request_client(request: HttpRequest) -> ApiClient:
    """The authenticated client of a request that passed ``ApiToken``."""
    client = getattr(request, "auth", None)
    if not isinstance(client, ApiClient):
        raise ApiError(401, ApiErrorCode.AUTHENTICATION_REQUIRED)
    return client


def request_viewer(request: HttpRequest, *, purpose: str = "") -> Viewer:
    """The client as a viewer of personal data: every such read goes through benteng.access."""
    return Viewer.for_client(request_client(request), purpose=purpose)


class ClientRateThrottle(BaseThrottle):
    """A sliding-window limit per client token, or per IP address for anonymous requests.

    The rate comes from the ``BENTENG_API_RATE_LIMIT`` setting ("600/min" by default) on every
    request, so it can be changed without restarting. The counts live in the cache every
    process shares (``benteng.limits``), so two workers count together.
    """

    def __init__(self) -> None:
        # One instance serves every request; the last check is kept per thread for ``wait``.
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        rate = Rate.parse(getattr(settings, "BENTENG_API_RATE_LIMIT", DEFAULT_RATE_LIMIT))
        client = getattr(request, "auth", None)
        if isinstance(client, ApiClient):
            key = f"api-client:{client.pk}"
        else:
            key = f"api-address:{client_address(request)}"
        check: LimitCheck = limit_count(key, rate)
        self._last.check = check
        return check.allowed

    def wait(self) -> float | None:
        check: LimitCheck | None = getattr(self._last, "check", None)
        return float(check.retry_after) if check is not None else None
