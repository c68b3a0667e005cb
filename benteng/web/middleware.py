from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404

from benteng.accounts.twofactor import two_factor_required

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


class TwoFactorRequiredMiddleware:
    """Sends a signed-in person who still owes the second factor to enrolment or verification.

    Enforced here, for every page, rather than per view, so no new page can forget it. The JSON
    API authenticates client systems by token and is not affected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user  # django-otp adds is_verified() and the device relation
        if (
            user.is_authenticated
            and not user.is_verified()
            and two_factor_required(user)
            and not self._is_open(request)
        ):
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            return redirect("web:two_factor_verify" if has_device else "web:two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        if request.path.startswith(("/static/", "/api/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_BEFORE_TWO_FACTOR
