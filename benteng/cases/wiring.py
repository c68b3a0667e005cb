"""What the cases app registers with the layers below it: its need-to-know policies and
whatever else they look up in a registry (called once, from ``AppConfig.ready``, when the app
registry is ready and the models can be imported)."""

from __future__ import annotations

from benteng.access.policy import register_policy
from benteng.cases import identity_sources
from benteng.cases.access import (
    CasePersonPolicy,
    CasePolicy,
    CaseRouteLegPolicy,
    CaseStageChangePolicy,
    CaseTeamMemberPolicy,
    VictimServicePolicy,
)
from benteng.people.sources import register_source


def register() -> None:
    register_policy(CasePolicy())
    register_policy(CasePersonPolicy())
    register_policy(CaseTeamMemberPolicy())
    register_policy(CaseStageChangePolicy())
    register_policy(CaseRouteLegPolicy())
    register_policy(VictimServicePolicy())
    for source in identity_sources.SOURCES:
        register_source(source)
