"""What the village reports app registers with the layers below it: its need-to-know policies and
whatever else they look up in a registry (called once, from ``AppConfig.ready``, when the app
registry is ready and the models can be imported)."""

from __future__ import annotations

from benteng.access.policy import register_policy
from benteng.people.sources import register_source
from benteng.screening.hooks import register_village_signal_provider
from benteng.village_reports import access, identity_sources, signals


def register() -> None:
    register_policy(access.VillageReportPolicy())
    register_policy(access.VillageReportPersonPolicy())
    register_policy(access.VillageReportPhotoPolicy())
    for source in identity_sources.SOURCES:
        register_source(source)
    register_village_signal_provider(signals.village_signal)
