"""Notifications in Chromium on a 360-px phone: an investigator with an unread notification
sees the count in the header, opens the list, follows the notification to its page and the
count drops; clearing the last one from the list removes the count.

Set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at.
"""

from __future__ import annotations

import os

import pytest

from benteng.notifications.models import NotificationKind
from benteng.notifications.services import notify
from tests.browser import test_shell_in_chromium as shell
from tests.browser.test_roles_in_chromium import PHONE

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_shoot = shell._shoot
_no_sideways_scrolling = shell._no_sideways_scrolling

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_referral(recipient, number):  # type: ignore[no-untyped-def]
    notify(
        recipients=[recipient],
        kind=NotificationKind.NEW_REFERRAL,
        params={"number": number, "office": "Kanim Tangerang"},
        link="/rekan/",
        email=False,
    )


def test_an_investigator_follows_a_notification_and_the_count_drops(open_as, personas):
    # given: two unread notifications for the investigator, one for a colleague
    _new_referral(personas.penyidik, "R-2026-00011")
    _new_referral(personas.penyidik, "R-2026-00012")
    _new_referral(personas.analis_polri, "R-2026-00099")
    page = open_as(personas.penyidik, PHONE)
    # when: any page
    page.goto("/")
    count = page.locator(".notifications-link .count")
    # then: the count in the header
    assert count.inner_text() == "2"
    # (on a phone the word is hidden; a screen reader still reads it, with the count)
    assert page.get_by_role("link", name="Notifikasi 2 belum dibaca").count() == 1
    assert _no_sideways_scrolling(page)
    # when: the list, at 360 px
    page.locator(".notifications-link").click()
    page.wait_for_url("**/notifikasi/")
    _shoot(page, "notifications-360")
    # then: their own notifications as cards, none of the colleague's
    assert page.get_by_role("link", name="Rujukan baru R-2026-00012").is_visible()
    assert page.get_by_text("R-2026-00099").count() == 0
    assert _no_sideways_scrolling(page)
    # when: following one
    page.get_by_role("link", name="Rujukan baru R-2026-00012").click()
    page.wait_for_url("**/rekan/")
    # then: on its page, and one left unread
    assert page.locator(".notifications-link .count").inner_text() == "1"
    # when: clearing the other from the list
    page.goto("/notifikasi/")
    page.get_by_role("button", name="Tandai dibaca").click()
    page.wait_for_load_state()
    # then: no count; both are shown as read
    assert page.locator(".notifications-link .count").count() == 0
    assert page.locator("table.notifications tr.read").count() == 2
    assert page.csp_violations == []
