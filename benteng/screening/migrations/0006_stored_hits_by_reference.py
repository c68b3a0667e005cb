"""Stored screening results keep their hits by reference: the entry's id, how it matched and
what the risk rules saw of it, no longer the entry's identity (name, NIK, passport number,
phone...). Each reader gets the hits projected for them (``screening.outcome``).

Batched and re-runnable: a hit already by reference is left as it is. There is no way back
(the identities are not kept), so the reverse does nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

BATCH = 500
KEPT = (
    "score",
    "matched_on",
    "matched_via",
    "match_reasons",
    "match_reasons_en",
    "watchlist_kind",
    "owner_agency",
    "category",
)


def _by_reference(hit: dict[str, Any]) -> dict[str, Any]:
    if "entry_id" in hit:
        return hit
    stored = {"entry_id": int(hit["id"])}
    stored.update({name: hit[name] for name in KEPT if name in hit})
    stored.setdefault("matched_via", [stored.get("matched_on", "")])
    return stored


def hits_by_reference(apps: Any, schema_editor: Any) -> None:
    result_model = apps.get_model("screening", "ScreeningResult")
    last = 0
    while True:
        batch = list(
            result_model.objects.filter(pk__gt=last).order_by("pk").only("pk", "hits")[:BATCH]
        )
        if not batch:
            return
        changed = []
        for result in batch:
            hits = [_by_reference(hit) for hit in result.hits or []]
            if hits != result.hits:
                result.hits = hits
                changed.append(result)
        result_model.objects.bulk_update(changed, ["hits"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_sponsor_indexes")]

    operations = [migrations.RunPython(hits_by_reference, migrations.RunPython.noop)]
