from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchlistsConfig(AppConfig):
    name = "benteng.watchlists"
    label = "watchlists"
    verbose_name = _("Daftar pantauan")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
        from benteng.access.policy import register_policy
        from benteng.agreements.registry import register_shared_type
        from benteng.outbox.registry import register_event_kind, register_projector
        from benteng.people.sources import register_source
        from benteng.watchlists import events, exchange, identity_sources
        from benteng.watchlists.access import PendingImportPolicy, WatchlistEntryPolicy
        from benteng.watchlists.models import WatchlistEntry

        register_policy(WatchlistEntryPolicy())
        register_policy(PendingImportPolicy())
        for source in identity_sources.SOURCES:
            register_source(source)
        for kind, label in events.KINDS.items():
            register_event_kind(kind, label)
        register_projector(WatchlistEntry, events.entries_projected)
        for shared in exchange.SHARED_TYPES:
            register_shared_type(shared)
