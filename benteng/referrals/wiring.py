"""What the referrals app registers with the layers below it: its need-to-know policies and
whatever else they look up in a registry (called once, from ``AppConfig.ready``, when the app
registry is ready and the models can be imported)."""

from __future__ import annotations

from benteng.access.policy import register_policy
from benteng.agreements.registry import register_shared_type
from benteng.outbox.registry import register_event_kind, register_projector
from benteng.people.sources import register_source
from benteng.referrals import access, events, exchange, identity_sources, panels, tasks
from benteng.referrals.models import Referral
from benteng.schedule.jobs import register_job
from benteng.screening.hooks import (
    register_hand_over_hook,
    register_record_panel,
    register_referred_records,
)


def register() -> None:
    panels.register_with_cases()
    for policy in access.POLICIES:
        register_policy(policy)
    for source in identity_sources.SOURCES:
        register_source(source)
    for job in tasks.PERIODIC_JOBS:
        register_job(job)
    register_hand_over_hook(panels.hand_over_hook)
    register_record_panel(panels.record_panel)
    register_referred_records(access.records_referred_to)
    for kind, label in events.KINDS.items():
        register_event_kind(kind, label)
    register_projector(Referral, events.referrals_projected)
    for shared in exchange.SHARED_TYPES:
        register_shared_type(shared)
