"""What every browser test shares: Debian's Chromium, started once per module, and windows
signed in as a user (password and second factor passed) for the tests that need no sign-in
walk of their own."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client

from benteng.accounts.models import User
from tests.browser.test_roles_in_chromium import CHROMIUM, CHROMIUM_ARGS, PHONE, require_chromium
from tests.conftest import verified_client


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium(CHROMIUM, required=os.environ.get("BENTENG_REQUIRE_BROWSER") == "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_as(browser, live_server):  # type: ignore[no-untyped-def]
    """A window of the given size, signed in as the user (password and second factor passed)."""
    contexts = []

    def make(user: User, viewport: dict[str, int] = PHONE):  # type: ignore[no-untyped-def]
        client: Client = verified_client(user)
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="id-ID")
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                page.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
