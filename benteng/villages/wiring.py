"""What the villages app registers with the layers below it: its need-to-know policies and
whatever else they look up in a registry (called once, from ``AppConfig.ready``, when the app
registry is ready and the models can be imported)."""

from __future__ import annotations

from benteng.access.policy import register_policy
from benteng.villages import contributions, reports
from benteng.villages.access import POLICIES


def register() -> None:
    for policy in POLICIES:
        register_policy(policy)
    contributions.register_builtin_contributions()
    reports.register()
