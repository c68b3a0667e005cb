"""What the watchlists app registers with the layers below it: its need-to-know policies and
whatever else they look up in a registry (called once, from ``AppConfig.ready``, when the app
registry is ready and the models can be imported)."""

from __future__ import annotations

from benteng.access.policy import register_policy
from benteng.agreements.registry import register_shared_type
from benteng.outbox.registry import register_event_kind, register_projector
from benteng.people.sources import register_source
from benteng.watchlists import events, exchange, identity_sources
from benteng.watchlists.access import PendingImportPolicy, WatchlistEntryPolicy
from benteng.watchlists.models import WatchlistEntry


def register() -> None:
    register_policy(WatchlistEntryPolicy())
    register_policy(PendingImportPolicy())
    for source in identity_sources.SOURCES:
        register_source(source)
    for kind, label in events.KINDS.items():
        register_event_kind(kind, label)
    register_projector(WatchlistEntry, events.entries_projected)
    for shared in exchange.SHARED_TYPES:
        register_shared_type(shared)
