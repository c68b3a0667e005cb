"""Writing watchlist entries: create, edit, expire, remove and import, and the hit view.

Only keepers of the owning agency write (police investigators and analysts for police lists,
immigration analysts for immigration lists); the automatic list of immigration decisions is
written by Benteng itself with a system viewer. Every write is audited and reaches the
screening index when the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.policy import visible_fields
from benteng.access.viewer import Viewer, ViewerKind
from benteng.audit.models import AuditAction
from benteng.audit.services import actor_for_viewer, audit_record, audit_record_write
from benteng.people.index import index_source_record
from benteng.watchlists.access import HIT_FIELDS, may_keep_watchlist
from benteng.watchlists.events import ENTRY_CHANGED, ENTRY_CREATED, entries_published
from benteng.watchlists.models import (
    EntrySource,
    Watchlist,
    WatchlistEntry,
    WatchlistKind,
)
from benteng.watchlists.reference_data import watchlists_load_reference
from benteng.watchlists.validation import (
    ENTRY_MODEL_FIELDS,
    CleanedEntry,
    WatchlistEntryInvalid,
    entry_values_clean,
)

# What the pages and the tests import from here, though it lives in the module above.
__all__ = ["WatchlistEntryInvalid"]

IMMIGRATION_DECISION_LIST_CODE = "imigrasi-penundaan-paspor"


class WatchlistWriteRefused(PermissionDenied):
    """The viewer may not write this list (not a keeper of its agency, or a system-fed list)."""


def _require_keeper(viewer: Viewer, watchlist: Watchlist, *, creating: bool = False) -> None:
    if not may_keep_watchlist(viewer, watchlist):
        raise WatchlistWriteRefused(
            _("Hanya analis atau penyidik instansi pemilik yang boleh mengubah daftar ini.")
        )
    if creating and watchlist.is_automatic and viewer.kind is not ViewerKind.SYSTEM:
        raise WatchlistWriteRefused(
            _(
                "Daftar ini diisi otomatis dari keputusan petugas imigrasi; entri tidak ditambah "
                "dengan tangan."
            )
        )


def _index_on_commit(entries: Sequence[WatchlistEntry]) -> None:
    """Bring the screening index up to date once the entries are committed.

    Robust: the database is the truth and the index catches up on its own refresh, so an
    index service that is down never turns a committed write into an error page.
    """
    pending = list(entries)

    def index() -> None:
        # Imported here: the index backend is heavy and this module is imported everywhere.

        for entry in pending:
            index_source_record(entry)

    transaction.on_commit(index, robust=True)


def _cleaned_or_raise(cleaned: CleanedEntry) -> dict[str, Any]:
    cleaned.problems.raise_if_any()
    return cleaned.values


def watchlist_entry_create(
    *,
    viewer: Viewer,
    watchlist: Watchlist,
    data: dict[str, Any],
    source: str = EntrySource.MANUAL,
    source_reference: str = "",
) -> WatchlistEntry:
    """Add an entry to a list; raises WatchlistEntryInvalid with every problem of the values.

    With ``source=EntrySource.DECISION`` (the automatic list) the NIK is kept as the
    application recorded it, even when it is not valid or contradicts the birth date.
    """
    _require_keeper(viewer, watchlist, creating=True)
    # A decision copies an application Benteng holds: its NIK may itself be the problem.
    as_recorded = source == EntrySource.DECISION
    values = _cleaned_or_raise(
        entry_values_clean(watchlist=watchlist, raw=data, as_recorded=as_recorded)
    )
    now = timezone.now()
    with transaction.atomic():
        entry = WatchlistEntry.objects.create(
            watchlist=watchlist,
            owner_office=watchlist.owner_office,
            source=EntrySource(source).value,
            source_reference=source_reference[:100],
            created_by_id=viewer.user_id,
            created_at=now,
            updated_at=now,
            **values,
        )
        audit_record_write(
            viewer=viewer,
            action=AuditAction.CREATE,
            obj=entry,
            changed_fields=[name for name in ENTRY_MODEL_FIELDS if values.get(name)],
        )
        entries_published([entry], kind=ENTRY_CREATED, change="created")
        _index_on_commit([entry])
    return entry


def watchlist_entry_update(
    *, viewer: Viewer, entry: WatchlistEntry, data: dict[str, Any]
) -> WatchlistEntry:
    """Change an entry's values; only the fields that really changed are named in the audit."""
    _require_keeper(viewer, entry.watchlist)
    if entry.removed_at is not None:
        raise WatchlistWriteRefused(_("Entri yang sudah dicabut tidak dapat diubah."))
    cleaned = entry_values_clean(
        watchlist=entry.watchlist,
        raw=data,
        previous_expires_on=entry.expires_on,
        previous_category=entry.category,
    )
    values = _cleaned_or_raise(cleaned)
    changed = [name for name in ENTRY_MODEL_FIELDS if getattr(entry, name) != values[name]]
    if not changed:
        return entry
    with transaction.atomic():
        for name in changed:
            setattr(entry, name, values[name])
        entry.updated_at = timezone.now()
        entry.save(update_fields=[*changed, "updated_at"])
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=entry, changed_fields=changed
        )
        entries_published([entry], kind=ENTRY_CHANGED, change="updated")
        _index_on_commit([entry])
    return entry


def watchlist_entry_expire(
    *, viewer: Viewer, entry: WatchlistEntry, on: datetime.date | None = None
) -> WatchlistEntry:
    """End an entry's force: it stays on record but no longer triggers hits from today."""
    _require_keeper(viewer, entry.watchlist)
    if entry.removed_at is not None:
        raise WatchlistWriteRefused(_("Entri yang sudah dicabut tidak dapat diubah."))
    today = on or timezone.localdate()
    last_day = today - datetime.timedelta(days=1)
    if entry.expires_on is not None and entry.expires_on <= last_day:
        return entry
    with transaction.atomic():
        entry.expires_on = last_day
        entry.updated_at = timezone.now()
        entry.save(update_fields=["expires_on", "updated_at"])
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=entry, changed_fields=["expires_on"]
        )
        entries_published([entry], kind=ENTRY_CHANGED, change="expired")
        _index_on_commit([entry])
    return entry


def watchlist_entry_remove(
    *, viewer: Viewer, entry: WatchlistEntry, reason: str = ""
) -> WatchlistEntry:
    """Withdraw an entry entered in error or no longer justified; it is kept for the record."""
    _require_keeper(viewer, entry.watchlist)
    if entry.removed_at is not None:
        return entry
    with transaction.atomic():
        entry.removed_at = timezone.now()
        entry.removal_reason = " ".join(reason.split())[:300]
        entry.updated_at = entry.removed_at
        entry.save(update_fields=["removed_at", "removal_reason", "updated_at"])
        audit_record_write(
            viewer=viewer,
            action=AuditAction.DELETE,
            obj=entry,
            changed_fields=["removed_at", "removal_reason"],
        )
        entries_published([entry], kind=ENTRY_CHANGED, change="removed")
        _index_on_commit([entry])
    return entry


def watchlist_entries_create_many(
    *,
    viewer: Viewer,
    watchlist: Watchlist,
    rows: Sequence[tuple[dict[str, Any], str]],
    source: str = EntrySource.IMPORT,
    purpose: str = "",
) -> list[WatchlistEntry]:
    """Create entries from already cleaned values (an import), audited as one write.

    ``rows`` holds (cleaned model values, source reference) pairs; the caller cleaned them
    with ``entry_values_clean`` and reported what was not valid.
    """
    _require_keeper(viewer, watchlist, creating=True)
    if not rows:
        return []
    now = timezone.now()
    with transaction.atomic():
        entries = WatchlistEntry.objects.bulk_create(
            [
                WatchlistEntry(
                    watchlist=watchlist,
                    owner_office=watchlist.owner_office,
                    source=EntrySource(source).value,
                    source_reference=reference[:100],
                    created_by_id=viewer.user_id,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
                for values, reference in rows
            ],
            batch_size=500,
        )
        if any(entry.pk is None for entry in entries):
            # A backend that does not return ids of bulk inserts: read them back.
            entries = list(
                WatchlistEntry.objects.filter(watchlist=watchlist, created_at=now).order_by("pk")
            )
        audit_record(
            actor=actor_for_viewer(viewer),
            action=AuditAction.CREATE,
            object_type="watchlists.watchlistentry",
            object_ids=[entry.pk for entry in entries],
            purpose=purpose or viewer.purpose,
            detail={"source": EntrySource(source).value, "watchlist": watchlist.code},
        )
        entries_published(entries, kind=ENTRY_CREATED, change="created")
        _index_on_commit(entries)
    return entries


def immigration_decision_watchlist() -> Watchlist:
    """The automatic immigration list that officers' postponements and refusals feed."""
    watchlist = Watchlist.objects.filter(code=IMMIGRATION_DECISION_LIST_CODE).first()
    if watchlist is not None:
        return watchlist

    watchlists_load_reference()
    return Watchlist.objects.get(code=IMMIGRATION_DECISION_LIST_CODE)


def _plain(name: str, value: Any) -> Any:
    """Foreign keys by their id; everything else as stored."""
    if hasattr(value, "_meta"):
        return value.pk
    return value


def hit_view(*, viewer: Viewer, entry: WatchlistEntry) -> dict[str, Any]:
    """What this viewer may know of an entry that matched: a hit for other agencies.

    The owning agency's list readers (and Benteng itself) get every field; everybody else —
    the owning agency's counter and TPI officers included — the HIT_FIELDS only: the matched
    identity, category, instruction and contact, never internal notes or legal basis.
    Both get the list's kind and the owner office's name. The caller audits the read (one
    audit entry for all hits of a screening). Load entries with
    ``selectors.watchlist_entries_for_hits`` so this makes no query of its own.
    """
    allowed = visible_fields(viewer, entry)
    reads_in_full = allowed != HIT_FIELDS
    # Owner means the viewer's agency keeps the list; only its list readers (analysts) see
    # more than the hit fields — counter and TPI officers of that agency see the hit.
    is_owner = reads_in_full or viewer.agency_kind == entry.watchlist.owner_agency.kind
    names = [f.name for f in WatchlistEntry._meta.concrete_fields if f.name in allowed]
    view: dict[str, Any] = {name: _plain(name, getattr(entry, name)) for name in names}
    view["id"] = entry.pk
    view["index_id"] = entry.index_id
    view["is_owner"] = is_owner
    view["in_force"] = entry.in_force()
    view["watchlist_kind"] = entry.watchlist.kind
    view["watchlist_kind_label"] = str(WatchlistKind(entry.watchlist.kind).label)
    view["watchlist_name"] = entry.watchlist.name
    view["owner_agency"] = entry.watchlist.owner_agency.kind
    view["owner_office_name"] = entry.owner_office.name
    view["subject_type_label"] = entry.get_subject_type_display()
    if reads_in_full:
        view["watchlist_code"] = entry.watchlist.code
    return view
