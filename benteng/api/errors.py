"""One error body for everything under /api/v1/: a machine code, a message, optional details.

``{"code": "token_invalid", "message": "Token tidak valid.", "details": ...}``

Clients branch on ``code`` (stable, listed in ``ApiErrorCode``); ``message`` is for people and
comes in the request's language (Bahasa Indonesia unless ``Accept-Language`` asks for English).
Every exception an endpoint, the token check, the throttle or the router can raise is turned
into this body by the handlers installed in ``install_error_handlers``.
"""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from benteng.access.policy import NotVisible

if TYPE_CHECKING:
    from ninja import NinjaAPI

# Django's own logger for failed requests, so production error reporting sees API crashes too.
request_logger = logging.getLogger("django.request")


class ApiErrorCode(enum.StrEnum):
    BAD_REQUEST = "bad_request"
    AUTHENTICATION_REQUIRED = "authentication_required"
    TOKEN_INVALID = "token_invalid"  # noqa: S105 — an error code, not a secret
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 — an error code, not a secret
    SCOPE_MISSING = "scope_missing"
    FORBIDDEN = "forbidden"
    NO_AGREEMENT_BASIS = "no_agreement_basis"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    STATE_CONFLICT = "state_conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    VALIDATION_FAILED = "validation_failed"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"
    SERVICE_UNAVAILABLE = "service_unavailable"


DEFAULT_MESSAGES: dict[ApiErrorCode, Promise] = {
    ApiErrorCode.BAD_REQUEST: _("Permintaan tidak dapat dibaca."),
    ApiErrorCode.AUTHENTICATION_REQUIRED: _(
        "Diperlukan token API pada header Authorization: Bearer <token>."
    ),
    ApiErrorCode.TOKEN_INVALID: _("Token API tidak valid."),
    ApiErrorCode.TOKEN_REVOKED: _("Token API ini sudah dicabut."),
    ApiErrorCode.SCOPE_MISSING: _("Token API ini tidak memiliki cakupan yang diperlukan."),
    ApiErrorCode.FORBIDDEN: _("Anda tidak berwenang melakukan tindakan ini."),
    ApiErrorCode.NO_AGREEMENT_BASIS: _(
        "Tidak ada pasal perjanjian kerja sama yang berlaku sebagai dasar pertukaran data ini."
    ),
    ApiErrorCode.NOT_FOUND: _("Data atau alamat yang diminta tidak ditemukan."),
    ApiErrorCode.METHOD_NOT_ALLOWED: _("Metode HTTP ini tidak didukung untuk alamat ini."),
    ApiErrorCode.IDEMPOTENCY_KEY_REUSED: _(
        "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi yang berbeda."
    ),
    ApiErrorCode.STATE_CONFLICT: _("Langkah ini tidak dapat dilakukan pada status data saat ini."),
    ApiErrorCode.PAYLOAD_TOO_LARGE: _("Isi permintaan terlalu besar."),
    ApiErrorCode.VALIDATION_FAILED: _("Data permintaan tidak valid."),
    ApiErrorCode.RATE_LIMITED: _("Terlalu banyak permintaan. Coba lagi nanti."),
    ApiErrorCode.INTERNAL_ERROR: _("Terjadi kesalahan pada server. Kejadian ini sudah dicatat."),
    ApiErrorCode.SERVICE_UNAVAILABLE: _("Layanan sedang tidak tersedia."),
}

STATUS_CODES: dict[int, ApiErrorCode] = {
    400: ApiErrorCode.BAD_REQUEST,
    401: ApiErrorCode.AUTHENTICATION_REQUIRED,
    403: ApiErrorCode.FORBIDDEN,
    404: ApiErrorCode.NOT_FOUND,
    405: ApiErrorCode.METHOD_NOT_ALLOWED,
    409: ApiErrorCode.IDEMPOTENCY_KEY_REUSED,
    413: ApiErrorCode.PAYLOAD_TOO_LARGE,
    422: ApiErrorCode.VALIDATION_FAILED,
    429: ApiErrorCode.RATE_LIMITED,
    500: ApiErrorCode.INTERNAL_ERROR,
    503: ApiErrorCode.SERVICE_UNAVAILABLE,
}

# Messages for the most common validation failures, keyed by pydantic's error type; the
# placeholders are filled from pydantic's context. Other types keep pydantic's English text.
VALIDATION_MESSAGES: dict[str, Promise] = {
    "missing": _("Wajib diisi."),
    "int_parsing": _("Harus berupa bilangan bulat."),
    "int_type": _("Harus berupa bilangan bulat."),
    "float_parsing": _("Harus berupa angka."),
    "bool_parsing": _("Harus bernilai true atau false."),
    "greater_than_equal": _("Harus lebih besar atau sama dengan %(ge)s."),
    "less_than_equal": _("Harus lebih kecil atau sama dengan %(le)s."),
    "greater_than": _("Harus lebih besar dari %(gt)s."),
    "less_than": _("Harus lebih kecil dari %(lt)s."),
    "string_too_short": _("Panjang minimal %(min_length)s karakter."),
    "string_too_long": _("Panjang maksimal %(max_length)s karakter."),
    "string_pattern_mismatch": _("Formatnya tidak sesuai."),
    "enum": _("Harus salah satu dari: %(expected)s."),
    "json_invalid": _("JSON tidak valid."),
}


class ErrorOut(Schema):
    """The body of every error response of the API."""

    code: ApiErrorCode = Field(description="Stable machine-readable error code.")
    message: str = Field(description="Human-readable message in the request's language.")
    details: dict[str, Any] | list[Any] | None = Field(
        default=None, description="Optional structured details (for example invalid fields)."
    )


class ApiError(Exception):
    """An error an endpoint or the token check raises on purpose, with its code and status."""

    def __init__(
        self,
        status: int,
        code: ApiErrorCode,
        message: str | Promise | None = None,
        *,
        details: dict[str, Any] | list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message if message is not None else DEFAULT_MESSAGES[code]
        self.details = details
        self.headers = headers or {}
        super().__init__(code.value)


def error_body(
    code: ApiErrorCode,
    message: str | Promise | None = None,
    details: dict[str, Any] | list[Any] | None = None,
) -> dict[str, Any]:
    """The error body, with the message rendered in the active (request's) language."""
    body: dict[str, Any] = {
        "code": code.value,
        "message": str(message if message is not None else DEFAULT_MESSAGES[code]),
    }
    if details is not None:
        body["details"] = details
    return body


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response declarations for an operation's possible errors, for the OpenAPI schema."""
    return dict.fromkeys(statuses, ErrorOut)


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors as ``{"location", "message", "type"}``, messages translated."""
    details = []
    for error in errors:
        error_type = str(error.get("type", ""))
        template = VALIDATION_MESSAGES.get(error_type)
        context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        if template is None:
            message = str(error.get("msg", ""))
        else:
            try:
                message = str(template) % context
            except (KeyError, ValueError, TypeError):
                message = str(error.get("msg", ""))
        details.append(
            {
                "location": [str(part) for part in error.get("loc", ())],
                "message": message,
                "type": error_type,
            }
        )
    return details


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (``{"detail": ...}``) with the API's error body.

    Handlers take ``exc: Any`` because ninja types a handler's argument as the exception or
    its class; each handler is registered for exactly the class it expects.
    """

    def respond(
        request: HttpRequest,
        status: int,
        code: ApiErrorCode,
        message: str | Promise | None = None,
        details: dict[str, Any] | list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        response = api.create_response(request, error_body(code, message, details), status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    def on_api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, exc.status, exc.code, exc.message, exc.details, exc.headers)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # Raised by ninja itself: an unparsable body (400), its own auth (401), throttling (429).
        code = STATUS_CODES.get(exc.status_code, ApiErrorCode.BAD_REQUEST)
        return respond(request, exc.status_code, code)

    def on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(
            request, 422, ApiErrorCode.VALIDATION_FAILED, details=validation_details(exc.errors)
        )

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        # Missing and not visible look the same: NotVisible comes from benteng.access.
        return respond(request, 404, ApiErrorCode.NOT_FOUND)

    def on_permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 403, ApiErrorCode.FORBIDDEN)

    def on_bad_request(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 400, ApiErrorCode.BAD_REQUEST)

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        request_logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return respond(request, 500, ApiErrorCode.INTERNAL_ERROR)

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(NotVisible, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(BadRequest, on_bad_request)
    api.add_exception_handler(SuspiciousOperation, on_bad_request)
    api.add_exception_handler(Exception, on_unexpected)
