"""Bahasa Indonesia unless the person chose English with the language switch.

Django's ``LocaleMiddleware`` also follows the browser's Accept-Language header, so a phone
set to English would get English pages without anyone choosing it. Benteng is Indonesian
first: only the choice stored by the language switch (the language cookie) changes it. The
JSON API is the exception: a client system asks for English with ``Accept-Language: en``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """``LocaleMiddleware`` that ignores Accept-Language (drop-in replacement in MIDDLEWARE)."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            # Client systems state their language explicitly with Accept-Language.
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
