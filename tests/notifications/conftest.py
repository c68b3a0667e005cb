from __future__ import annotations

import pytest
from django.core.mail.backends.base import BaseEmailBackend


class BrokenMailServer(BaseEmailBackend):
    """A mail backend whose server is down: every send raises, as SMTP does."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def immediate_tasks(settings):  # type: ignore[no-untyped-def]
    """Tasks run when enqueued, so an e-mail enqueued after the commit is sent at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def broken_mail(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "tests.notifications.conftest.BrokenMailServer"


class SlowMailServer(BaseEmailBackend):
    """A mail server that takes its time, then keeps the message in ``mail.outbox``."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        import time

        from django.core import mail

        time.sleep(0.5)
        mail.outbox.extend(email_messages)
        return len(email_messages)
