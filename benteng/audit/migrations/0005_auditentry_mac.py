"""Entries get a MAC keyed with BENTENG_AUDIT_KEY (benteng/audit/chain.py).

Entries already in the trail are signed here, so the trail kept so far verifies: sealed ones
over their hash, unsealed ones as the writer signs them. The key comes from the settings, and
the canonical form is repeated here rather than imported (migrations never import app code).
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations, models

WRITTEN_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_role",
    "actor_office",
    "client_label",
    "action",
    "object_type",
    "object_ids",
    "purpose",
    "recipient",
    "legal_basis",
    "detail",
    "ip_address",
)
BATCH = 2000


def _digest(message: bytes) -> str:
    key = str(settings.BENTENG_AUDIT_KEY).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _written(values):  # type: ignore[no-untyped-def]
    canonical = {name: values[name] for name in WRITTEN_FIELDS}
    canonical["occurred_at"] = (
        values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
    )
    return json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str).encode()


def sign_existing_entries(apps, schema_editor):  # type: ignore[no-untyped-def]
    entry_model = apps.get_model("audit", "AuditEntry")
    last_id = 0
    while True:
        rows = list(
            entry_model.objects.filter(id__gt=last_id, mac="").order_by("id").values()[:BATCH]
        )
        if not rows:
            return
        for row in rows:
            if row["entry_hash"]:
                mac = "s1:" + _digest(b"sealed:" + row["entry_hash"].encode("ascii"))
            else:
                mac = "w1:" + _digest(b"written:" + _written(row))
            entry_model.objects.filter(id=row["id"]).update(mac=mac)
        last_id = rows[-1]["id"]


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_indexes_without_like_copies"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=80),
        ),
        migrations.RunPython(sign_existing_entries, migrations.RunPython.noop),
    ]
