"""The rule "earlier delay or refusal at another office" no longer counts an application still
in progress there (that is a duplicate application, shown as one): "disaring" leaves the
rule's outcomes, and a new rule set version records the change, so screenings from now on are
scored without it and earlier results keep naming the version they used.

Re-runnable: a rule whose outcomes no longer hold "disaring" is left as it is. The reverse does
nothing (an analyst may add the outcome back on the rules page).
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import migrations
from django.utils import timezone

RULE = "earlier_decision_other_office"
PENDING = "disaring"
OLD_WORDING = (
    "Orang yang sama pernah ditunda, ditolak, gugur, dirujuk, atau permohonannya masih "
    "diproses di Kanim/TPI lain"
)
NEW_WORDING = (
    "Orang yang sama pernah ditunda, ditolak, gugur, atau dirujuk di Kanim/TPI lain "
    "(permohonan yang masih diproses di kantor lain ditampilkan sebagai permohonan ganda, "
    "bukan di sini)"
)
CHANGE_NOTE = (
    "Permohonan yang masih diproses di kantor lain tidak lagi dihitung sebagai keputusan "
    "sebelumnya (ditampilkan sebagai permohonan ganda)."
)


def _without_pending(parameters: dict[str, Any]) -> dict[str, Any]:
    changed = dict(parameters)
    changed["outcomes"] = [item for item in parameters.get("outcomes", []) if item != PENDING]
    return changed


def drop_pending_outcome(apps: Any, schema_editor: Any) -> None:
    rule_model = apps.get_model("screening", "RiskRule")
    version_model = apps.get_model("screening", "RuleSetVersion")
    rule = rule_model.objects.filter(code=RULE).first()
    if rule is None or PENDING not in (rule.parameters or {}).get("outcomes", []):
        return
    rule.parameters = _without_pending(rule.parameters)
    # The shipped description said so too; one an analyst rewrote is left as written.
    rule.description = rule.description.replace(OLD_WORDING, NEW_WORDING)
    rule.save(update_fields=["parameters", "description"])
    latest = version_model.objects.order_by("-number").first()
    if latest is None:
        return
    snapshot = copy.deepcopy(latest.snapshot)
    for row in snapshot.get("rules", []):
        if row.get("code") == RULE:
            row["parameters"] = _without_pending(row.get("parameters") or {})
            row["description"] = rule.description
    version_model.objects.create(
        number=latest.number + 1,
        created_at=timezone.now(),
        created_by=None,
        change_note=CHANGE_NOTE,
        changed_rule=RULE,
        snapshot=snapshot,
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0009_departure_note_only_in_decisions")]

    operations = [migrations.RunPython(drop_pending_outcome, migrations.RunPython.noop)]
