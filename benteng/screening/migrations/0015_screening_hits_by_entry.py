"""Each screening's hits as rows (``ScreeningHit``: the result and the entry hit), so that
who may read a record can be asked of the office owning the entry in the query. The results
stored before get theirs from their ``hits``: batched and re-runnable (a row there already is
left as it is); an entry deleted since is skipped. Backwards, the table goes: the results
still hold their hits."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def hits_from_results(apps: Any, schema_editor: Any) -> None:
    result_model = apps.get_model("screening", "ScreeningResult")
    hit_model = apps.get_model("screening", "ScreeningHit")
    entry_model = apps.get_model("watchlists", "WatchlistEntry")
    last = 0
    while True:
        batch = list(
            result_model.objects.filter(pk__gt=last)
            .exclude(hits=[])
            .order_by("pk")
            .values_list("pk", "hits")[:BATCH]
        )
        if not batch:
            return
        last = batch[-1][0]
        pairs = {(pk, int(hit["entry_id"])) for pk, hits in batch for hit in hits or []}
        existing = set(
            entry_model.objects.filter(pk__in={entry_id for _pk, entry_id in pairs}).values_list(
                "pk", flat=True
            )
        )
        hit_model.objects.bulk_create(
            [
                hit_model(result_id=pk, entry_id=entry_id)
                for pk, entry_id in sorted(pairs)
                if entry_id in existing
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0014_screening_result_rescreened_after_correction"),
        ("watchlists", "0004_indexes_without_like_copies"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScreeningHit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="screening_hits",
                        to="watchlists.watchlistentry",
                    ),
                ),
                (
                    "result",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hit_entries",
                        to="screening.screeningresult",
                    ),
                ),
            ],
            options={
                "verbose_name": "hit penyaringan",
                "verbose_name_plural": "hit penyaringan",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("result", "entry"), name="screening_hit_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(hits_from_results, migrations.RunPython.noop),
    ]
