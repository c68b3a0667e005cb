"""Every role signs in through Debian's Chromium and lands on its home page in Bahasa Indonesia.

The browser drives the real pages on pytest-django's live server: password, then the TOTP
second factor where production settings require it (enrolment on the first sign-in, reading
the secret off the page as a person would type it into an app; verification on the next), then
the role's home page, whose navigation must hold only links the role may use and that work.
The window is a 360-px phone, and the Content-Security-Policy must not block anything.
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from benteng.accounts.models import Role, User
from benteng.accounts.twofactor import enrolment_code_issue, two_factor_required
from benteng.web.roles import ROLE_PURPOSES
from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# itself are still synchronous and safe (pyproject sets this too).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
ALL_PERSONAS = [
    "petugas_imigrasi",
    "petugas_tpi",
    "analis_imigrasi",
    "pimpasa",
    "penyidik",
    "analis_polri",
    "bhabinkamtibmas",
    "pic_desa",
    "pimpinan",
    "admin",
]


def require_chromium(path: Path, *, required: bool) -> None:
    """Skip when Chromium is missing, unless the run demands the browser tests (CI)."""
    if path.exists():
        return
    reason = f"Chromium is not installed at {path} (Debian package 'chromium')"
    if required:
        pytest.fail(f"{reason}, and BENTENG_REQUIRE_BROWSER=1 makes the browser tests required")
    pytest.skip(reason)


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID")
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
    yield page
    context.close()


def _code_from_secret(secret_text: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret typed off the enrolment page."""
    secret = secret_text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def _next_unused_steps_ahead(user: User) -> int:
    """How many time steps ahead the next code must be to be accepted after enrolment.

    A code is accepted once, so a sign-in in the same 30 seconds as the enrolment needs the
    next step's code (as a person would wait for it); django-otp also remembers the clock drift
    it saw at enrolment, so the step is computed from the device's own state.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    current_step = int((time.time() - device.t0) // device.step)
    return max(current_step, device.last_t + 1) - current_step


def _sign_in_with_password(page, user: User) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert "/masuk/" in page.url
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", name="Masuk ke Benteng").is_visible()
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _enrol_authenticator(page, user: User) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_url("**/verifikasi/daftar/**")
    # the one-time code an administrator hands over
    page.get_by_label("Kode pendaftaran dari administrator").fill(
        enrolment_code_issue(user=user, issued_by=None)
    )
    assert page.get_by_role("heading", name="Aktifkan verifikasi dua langkah").is_visible()
    qr_width = page.locator("img.qr").evaluate("image => image.complete && image.naturalWidth")
    assert qr_width, "the QR code image loads"
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Kode verifikasi").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Aktifkan").click()
    return secret


def _verify_authenticator(page, user: User, secret: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_url("**/verifikasi/**")
    assert page.get_by_role("heading", name="Verifikasi dua langkah").is_visible()
    code = _code_from_secret(secret, steps_ahead=_next_unused_steps_ahead(user))
    page.get_by_label("Kode verifikasi").fill(code)
    page.get_by_role("button", name="Verifikasi").click()


def _assert_on_home_page_of(page, user: User, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_url(f"{base_url}/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", name="Tugas peran Anda").is_visible()
    assert page.get_by_test_id("role-purpose").inner_text() == str(ROLE_PURPOSES[user.role])
    assert page.get_by_text(str(Role(user.role).label)).first.is_visible()
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the home page fits a 360-px phone without sideways scrolling"
    tables_fit = page.evaluate(
        "Array.from(document.querySelectorAll('main table'))"
        ".every(table => table.scrollWidth <= table.parentElement.clientWidth)"
    )
    assert tables_fit, "no table of the home page needs sideways scrolling on a phone"


def _navigation_links(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("nav.main-nav a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_role_signs_in_and_sees_its_home_page_in_indonesian(page, live_server, personas, persona):
    # given
    user = getattr(personas, persona)
    # when: first sign-in, with enrolment of the authenticator where required
    _sign_in_with_password(page, user)
    secret = ""
    if two_factor_required(user):
        secret = _enrol_authenticator(page, user)
    # then
    _assert_on_home_page_of(page, user, live_server.url)
    links = _navigation_links(page)
    admin_links = [link for link in links if link.startswith("/admin/")]
    if user.role == Role.ADMIN:
        assert admin_links == [
            "/admin/",
            "/admin/audit/auditentry/",
            "/admin/api/webhookdelivery/",
        ]
    else:
        assert admin_links == []
        assert page.locator('a[href^="/admin/"]').count() == 0
    for link in links:
        response = page.goto(link)
        assert response is not None and response.ok, f"{link} opens for {persona}"
    # when: signing out and in again asks for the enrolled authenticator's code
    page.goto("/")
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/masuk/")
    assert page.get_by_text("Anda telah keluar.").is_visible()
    _sign_in_with_password(page, user)
    if two_factor_required(user):
        _verify_authenticator(page, user, secret)
    # then
    _assert_on_home_page_of(page, user, live_server.url)
    assert page.csp_violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_language_switch_in_the_browser(page, live_server, personas):
    # given
    user = personas.pimpinan
    _sign_in_with_password(page, user)
    _assert_on_home_page_of(page, user, live_server.url)
    # when
    page.get_by_role("button", name="English").click()
    # then
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("footer strong").inner_text() == "English"
    # and back
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "id"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_region_search_updates_live_without_breaking_the_csp(page, live_server, personas):
    # given
    user = personas.pimpinan
    _sign_in_with_password(page, user)
    _assert_on_home_page_of(page, user, live_server.url)
    page.goto("/wilayah/")
    # when: typing runs the htmx search without a full page load
    page.get_by_label("Cari nama atau kode wilayah").fill("kronjo")
    # then
    page.locator("#region-results").get_by_role("link", name="Kronjo").first.wait_for()
    assert "q=kronjo" in page.url
    assert page.csp_violations == []


def test_missing_chromium_skips_unless_the_browser_tests_are_required(tmp_path):
    missing = tmp_path / "chromium"
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require_chromium(missing, required=False)
    with pytest.raises(pytest.fail.Exception, match="BENTENG_REQUIRE_BROWSER=1"):
        require_chromium(missing, required=True)
