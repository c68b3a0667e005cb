"""Token authentication of client systems, endpoint scopes, and the client as a viewer.

Every endpoint that needs a client declares what it needs in its route::

    @router.get("/regions", auth=require_scope(ApiScope.REFERENCE_READ), ...)

The order of checks is fixed: no token (401 ``authentication_required``), an unknown token
(401 ``token_invalid``), a revoked one (401 ``token_revoked``), a missing scope (403
``scope_missing``); only then are parameters validated and the endpoint runs.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from benteng.access.viewer import Viewer
from benteng.api.errors import ApiError, ApiErrorCode
from benteng.api.models import ApiClient
from benteng.api.selectors import known_clients
from benteng.api.services import api_client_mark_used

DEFAULT_RATE_LIMIT = "600/min"
CHALLENGE = 'Bearer realm="benteng"'


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
            raise _invalid_token(ApiErrorCode.TOKEN_INVALID)
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        client = known_clients.get(token)
        if client is None:
            raise _invalid_token(ApiErrorCode.TOKEN_INVALID)
        if not client.is_active:
            raise _invalid_token(ApiErrorCode.TOKEN_REVOKED)
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


def _invalid_token(code: ApiErrorCode) -> ApiError:
    return ApiError(401, code, headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'})


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


class ClientRateThrottle(SimpleRateThrottle):
    """A sliding-window limit per client token, or per IP address for anonymous requests.

    The rate comes from the ``BENTENG_API_RATE_LIMIT`` setting ("600/min" by default) on every
    request, so it can be changed without restarting. The counts live in Django's cache: per
    process with the default local-memory cache, shared with a shared cache.
    """

    scope = "client"

    def __init__(self) -> None:
        super().__init__(rate=DEFAULT_RATE_LIMIT)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "BENTENG_API_RATE_LIMIT", DEFAULT_RATE_LIMIT)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        client = getattr(request, "auth", None)
        ident = f"client-{client.pk}" if isinstance(client, ApiClient) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
