"""Demo notifications: a welcome for every demo account, made through ``notify``.

The referral and case notifications of the demo come from those apps' own demo data, which
calls ``notify`` through their services; this step makes only what is true without them. The
e-mail copies go to the console backend of the demo (``make run``'s worker sends them).
"""

from __future__ import annotations

from django.urls import reverse

from benteng.accounts.models import User
from benteng.demo import DemoContext
from benteng.notifications.models import Notification, NotificationKind
from benteng.notifications.services import notify


def seed_demo(context: DemoContext) -> None:
    usernames = [account.username for account in context.accounts]
    welcomed = set(
        Notification.objects.filter(
            kind=NotificationKind.WELCOME, recipient__username__in=usernames
        ).values_list("recipient__username", flat=True)
    )
    recipients = list(
        User.objects.filter(username__in=usernames, is_demo_account=True)
        .exclude(username__in=welcomed)
        .order_by("pk")
    )
    made = notify(
        recipients=recipients,
        kind=NotificationKind.WELCOME,
        params={},
        link=f"{reverse('notifications:list')}#pengaturan",
    )
    if made:
        context.notes.append(f"{len(made)} demo notification(s) made (a welcome per account).")
