"""What the accounts app registers with the layers below it: its need-to-know policies and
whatever else they look up in a registry (called once, from ``AppConfig.ready``, when the app
registry is ready and the models can be imported)."""

from __future__ import annotations

from benteng.access.policy import register_policy
from benteng.accounts import checks  # noqa: F401 - registers the system checks
from benteng.accounts.access import AuditEntryPolicy, UserPolicy


def register() -> None:
    register_policy(UserPolicy())
    register_policy(AuditEntryPolicy())
