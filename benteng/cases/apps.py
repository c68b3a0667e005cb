from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "benteng.cases"
    label = "cases"
    verbose_name = _("Kasus TPPO/TPPM")

    def ready(self) -> None:
        # Models and what imports them load only once the app registry is ready: Django's
        # rule for AppConfig.ready, not a cycle.
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

        register_policy(CasePolicy())
        register_policy(CasePersonPolicy())
        register_policy(CaseTeamMemberPolicy())
        register_policy(CaseStageChangePolicy())
        register_policy(CaseRouteLegPolicy())
        register_policy(VictimServicePolicy())
        for source in identity_sources.SOURCES:
            register_source(source)
