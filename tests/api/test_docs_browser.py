"""The browsable docs render in a real Chromium under the site's Content-Security-Policy."""

from __future__ import annotations

import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page():  # type: ignore[no-untyped-def]
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_swagger_ui_renders_without_csp_violations(live_server, page) -> None:  # type: ignore[no-untyped-def]
    # given
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            request.url.startswith(live_server.url)
            or request.url.startswith("data:")
            or outside.append(request.url)
        ),
    )
    # when
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    # then
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/regions/{code}" in [path.replace("\u200b", "") for path in paths]
    assert page.locator("button.authorize").count() == 1
    assert problems == []
    assert outside == []


def test_try_it_out_calls_the_api_from_the_docs(live_server, page) -> None:  # type: ignore[no-untyped-def]
    # given
    page.goto(f"{live_server.url}/api/v1/docs#/health/health")
    health = page.locator("#operations-health-health")
    health.locator(".opblock-summary").wait_for(timeout=15_000)
    if not health.locator(".try-out__btn").is_visible():
        health.locator(".opblock-summary").click()
    # when
    health.locator(".try-out__btn").click()
    health.locator(".execute").click()
    # then
    status = health.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=15_000)
    assert status.inner_text().strip() == "200"
