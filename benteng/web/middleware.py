from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.defaults import server_error

from benteng.accounts.twofactor import two_factor_required
from benteng.api.errors import ApiErrorCode, error_body

# Exceptions that are the client's answer, not a failure: refused (403), not found (404), bad
# request (400). Only other exceptions become the demo's 500 page.
CLIENT_ERRORS = (PermissionDenied, Http404, BadRequest, SuspiciousOperation)

# Pages a signed-in person may open before passing the second factor.
OPEN_BEFORE_TWO_FACTOR = frozenset(
    {
        "web:login",
        "web:logout",
        "web:two_factor_setup",
        "web:two_factor_verify",
        "web:two_factor_qr",
        "set_language",
    }
)
# Pages open to a person who must first replace a password an administrator set.
OPEN_BEFORE_PASSWORD_CHANGE = frozenset(
    {"web:login", "web:logout", "web:password_change", "set_language"}
)


class TwoFactorRequiredMiddleware:
    """Sends a signed-in person who still owes the second factor to enrolment or verification.

    Enforced here, for every page, rather than per view, so no new page can forget it. The JSON
    API authenticates client systems by token and is not affected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            # Token-authenticated client systems: no session, no person to send anywhere
            # (and looking at request.user would load the session for nothing).
            return self.get_response(request)
        user: Any = request.user  # django-otp adds is_verified() and the device relation
        if (
            user.is_authenticated
            and user.must_change_password
            and not self._is_open(request, OPEN_BEFORE_PASSWORD_CHANGE)
        ):
            return redirect("web:password_change")
        if (
            user.is_authenticated
            and not user.is_verified()
            and two_factor_required(user)
            and not self._is_open(request, OPEN_BEFORE_TWO_FACTOR | {"web:password_change"})
        ):
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            return redirect("web:two_factor_verify" if has_device else "web:two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest, open_pages: frozenset[str]) -> bool:
        if request.path.startswith("/static/"):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in open_pages


class PrivatePagesMiddleware:
    """Pages shown to a signed-in person are never stored by the browser or a proxy, so the
    back button on a shared counter PC cannot bring an applicant back after logout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/static/") or (
            # A client system's call carries no session: nobody is signed in (and looking at
            # request.user would load an empty session on every API call).
            request.path.startswith("/api/") and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            return response
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class RejectNullCharactersMiddleware:
    """A NUL character in the path, the query or a body is refused with 400 before any view.

    PostgreSQL cannot store NUL in text, so such input would otherwise end in a 500; it is never
    legitimate in Benteng's forms, searches or JSON. Multipart forms are checked field by field
    (not the uploaded files' content).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            has_null = self._has_null(request)
        except RequestDataTooBig:
            # A multipart form with too many or too large fields, read here first.
            return _too_large(request)
        if has_null:
            if request.path.startswith("/api/"):
                body = error_body(
                    ApiErrorCode.BAD_REQUEST, _("Permintaan memuat karakter NUL yang tidak sah.")
                )
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(
                _("Permintaan memuat karakter NUL yang tidak sah."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _has_null(request: HttpRequest) -> bool:
        raw_query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in raw_query or "\x00" in raw_query:
            return True
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            return RejectNullCharactersMiddleware._multipart_has_null(request)
        body = request.body
        return b"\x00" in body or b"%00" in body or b"\\u0000" in body

    @staticmethod
    def _multipart_has_null(request: HttpRequest) -> bool:
        """A NUL in a multipart form's fields. Views read some fields without a form field
        that would refuse it (interview answers). A file's content may hold NUL (an XLSX is a
        zip), and Django already drops unprintable characters from file names."""
        if request.method != "POST":
            # Django parses multipart bodies only for POST; nothing else reads them.
            return False
        return any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in request.POST.lists()
        )


def _error_page(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    response = render(request, template, context, status=status)
    response.benteng_error_page = True  # type: ignore[attr-defined]
    return response


def _too_large(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(ApiErrorCode.PAYLOAD_TOO_LARGE), status=413)
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _error_page(request, "413.html", 413, limit_mb=f"{limit_mb:g}")


logger = logging.getLogger("django.request")


class ErrorPagesMiddleware:
    """Errors in Bahasa Indonesia in the site's layout, the demo's DEBUG mode included.

    A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused before anything reads it (413, the
    API's error body under /api/). With DEBUG on, Django answers a 404 or a 400 with its
    English debug page, and an error with its traceback page; the demo (``DEMO_MODE``) shows
    the same pages as production instead (the traceback is logged to the console).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._body_too_large(request):
            return _too_large(request)
        response = self.get_response(request)
        if settings.DEBUG and self._is_debug_page(request, response):
            template = "404.html" if response.status_code == 404 else "400.html"
            return _error_page(request, template, response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return _too_large(request)
        if isinstance(exception, CLIENT_ERRORS):
            return None  # Django answers these itself: 403, 404, 400 (in the site's pages)
        if settings.DEBUG and settings.DEMO_MODE and not request.path.startswith("/api/"):
            # The demo's officers get the production page; the traceback goes to the console.
            logger.error("Error on %s", request.path, exc_info=exception)
            return server_error(request)
        return None

    @staticmethod
    def _body_too_large(request: HttpRequest) -> bool:
        # Multipart uploads are bounded per field by Django and per file by the import forms.
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return limit is not None and length > limit

    @staticmethod
    def _is_debug_page(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            response.status_code in (400, 404)
            and not getattr(response, "benteng_error_page", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(("/api/", "/static/"))
        )
