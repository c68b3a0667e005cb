"""The demo notifications: a welcome per demo account, made through notify, made once."""

from __future__ import annotations

import pytest

from benteng.accounts.demo import seed_demo as seed_accounts
from benteng.audit.models import AuditEntry
from benteng.demo import DemoContext
from benteng.notifications.demo import seed_demo
from benteng.notifications.models import EmailState, Notification, NotificationKind

pytestmark = pytest.mark.django_db


def test_demo_welcomes_every_demo_account_once(reference_data):
    # given
    context = DemoContext()
    seed_accounts(context)
    # when: seeded twice
    seed_demo(context)
    seed_demo(context)
    # then
    welcomes = Notification.objects.filter(kind=NotificationKind.WELCOME)
    usernames = sorted(welcomes.values_list("recipient__username", flat=True))
    assert usernames == sorted(account.username for account in context.accounts)
    assert {n.email_state for n in welcomes} == {EmailState.PENDING}
    assert AuditEntry.objects.filter(object_type="notifications.notification").count() == 1
