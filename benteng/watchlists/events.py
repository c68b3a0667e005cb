"""The events the watchlists publish for client systems, and how an entry is shown to one.

A police system that keeps a copy of its agency's lists subscribes to these; a client whose
role does not keep an agency's lists never receives that agency's entries (the fan-out and the
projection both ask ``WatchlistEntryPolicy``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from benteng.access.policy import visible_fields
from benteng.access.viewer import Viewer
from benteng.outbox.services import publish
from benteng.watchlists.models import WatchlistEntry

ENTRY_CREATED = "watchlist.entry_created"
ENTRY_CHANGED = "watchlist.entry_changed"
KINDS = {
    ENTRY_CREATED: _("Entri daftar pantauan dibuat"),
    ENTRY_CHANGED: _("Entri daftar pantauan diubah, berakhir atau dicabut"),
}
# What a subscriber may receive of an entry, further limited by the policy's fields.
PROJECTED_FIELDS = (
    "id",
    "subject_type",
    "full_name",
    "birth_date",
    "sex",
    "nik",
    "passport_no",
    "licence_number",
    "category",
    "instruction",
    "contact",
    "expires_on",
    "removed_at",
    "updated_at",
)


def entry_state(entry: WatchlistEntry) -> str:
    if entry.removed_at is not None:
        return "removed"
    return "in_force" if entry.in_force() else "expired"


def entries_published(entries: Sequence[WatchlistEntry], *, kind: str, change: str) -> None:
    """One event per entry, in the caller's transaction: ids and states only."""
    for entry in entries:
        publish(
            kind,
            obj_type=WatchlistEntry,
            obj_id=entry.pk,
            data={
                "watchlist_id": entry.watchlist_id,
                "change": change,
                "state": entry_state(entry),
            },
            occurred_at=entry.updated_at,
        )


def _json(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def entries_projected(viewer: Viewer, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The entries of ``ids`` the viewer may see, each with the fields it may see."""
    numeric = [int(pk) for pk in ids if pk.isdigit()]
    found = (
        WatchlistEntry.objects.visible_to(viewer)
        .filter(pk__in=numeric)
        .select_related("watchlist", "watchlist__owner_agency", "owner_office")
    )
    projected: dict[str, dict[str, Any]] = {}
    for entry in found:
        allowed = visible_fields(viewer, entry)
        shown = {name: _json(getattr(entry, name)) for name in PROJECTED_FIELDS if name in allowed}
        shown["watchlist"] = entry.watchlist.code
        shown["owner_office"] = entry.owner_office.code
        shown["state"] = entry_state(entry)
        projected[str(entry.pk)] = shown
    return projected
