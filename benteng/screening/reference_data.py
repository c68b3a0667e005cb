"""Reference data of screening: the default risk rules and the destination countries.

Idempotent and additive: creates the rules and countries that are missing, never touches a
row an analyst may have edited, and records the first rule set version (or a new one when
shipped rules or countries were added to an existing installation).
"""

from __future__ import annotations

from django.db import transaction

from benteng.screening.models import DestinationCountry, RiskRule, RuleSetVersion
from benteng.screening.rules import (
    default_destinations,
    default_rules,
    rule_set_version_create,
)


def load_reference() -> str:
    with transaction.atomic():
        rules_created = []
        for row in default_rules():
            _rule, created = RiskRule.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "description": row["description"],
                    "weight": row["weight"],
                    "is_enabled": row["is_enabled"],
                    "parameters": row["parameters"],
                    "questions": row["questions"],
                    "order": row["order"],
                },
            )
            if created:
                rules_created.append(row["code"])
        countries_created = []
        for row in default_destinations():
            _country, created = DestinationCountry.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "domestic_work_moratorium": row["domestic_work_moratorium"],
                    "note": row["note"],
                },
            )
            if created:
                countries_created.append(row["code"])
        version_created = False
        if not RuleSetVersion.objects.exists():
            rule_set_version_create(created_by_id=None, change_note="Aturan bawaan Benteng dimuat.")
            version_created = True
        elif rules_created or countries_created:
            rule_set_version_create(
                created_by_id=None,
                change_note=(
                    "Aturan/negara bawaan baru ditambahkan: "
                    + ", ".join(rules_created + countries_created)
                ),
            )
            version_created = True
    return (
        f"{len(rules_created)} risk rules and {len(countries_created)} destination countries "
        f"created{', new rule set version' if version_created else ''}"
    )
