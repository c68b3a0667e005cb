"""Reading watchlists: the lists of the viewer's agency and the entries of one list."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency, Office
from benteng.core.phones import normalize_phone
from benteng.core.records import normalize_passport_no
from benteng.rows import Columns, fetch, one_of, table
from benteng.watchlists.access import watchlists_visible_to
from benteng.watchlists.models import (
    SharingLevel,
    Watchlist,
    WatchlistEntry,
    entry_in_force_q,
)
from benteng.watchlists.validation import normalized_nik_query


class EntryStatus(StrEnum):
    IN_FORCE = "berlaku"
    EXPIRED = "kedaluwarsa"
    REMOVED = "dicabut"
    ALL = "semua"


def watchlist_list(*, viewer: Viewer) -> QuerySet[Watchlist]:
    """The lists of the viewer's agency with their number of entries in force."""
    today = timezone.localdate()
    return (
        watchlists_visible_to(viewer)
        .select_related("owner_agency", "owner_office")
        .annotate(
            in_force_count=Count("entries", filter=entry_in_force_q(on=today, prefix="entries__")),
            entry_count=Count("entries", filter=Q(entries__removed_at__isnull=True)),
        )
        .order_by("owner_agency__kind", "name")
    )


def watchlist_entry_list(
    *,
    viewer: Viewer,
    watchlist: Watchlist,
    status: str = EntryStatus.IN_FORCE,
    category: str = "",
    query: str = "",
) -> QuerySet[WatchlistEntry]:
    """Entries of one list the viewer may see, filtered by status, category and a search."""
    today = timezone.localdate()
    entries = WatchlistEntry.objects.visible_to(viewer).filter(watchlist=watchlist)
    if status == EntryStatus.IN_FORCE:
        entries = entries.in_force(on=today)
    elif status == EntryStatus.EXPIRED:
        entries = entries.filter(removed_at__isnull=True, expires_on__lt=today)
    elif status == EntryStatus.REMOVED:
        entries = entries.filter(removed_at__isnull=False)
    if category:
        entries = entries.filter(category=category)
    if query:
        entries = entries.filter(_search_q(query))
    return entries.select_related("owner_office").order_by("-updated_at", "-pk")


def _search_q(text: str) -> Q:
    """A name part, a NIK, a phone number or a passport number, however it was typed."""
    text = " ".join(text.split())
    condition = Q(full_name__icontains=text)
    nik = normalized_nik_query(text)
    if nik.isdigit() and len(nik) == 16:
        condition |= Q(nik=nik)
    phone = normalize_phone(text)
    if phone:
        condition |= Q(phone=phone)
    passport_no = normalize_passport_no(text)
    if passport_no and any(character.isdigit() for character in passport_no):
        condition |= Q(passport_no=passport_no)
    return condition


def watchlist_categories(*, watchlist: Watchlist) -> list[str]:
    """The categories used in a list, for the filter (category names are not personal)."""
    return list(
        WatchlistEntry.objects.filter(watchlist=watchlist)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def watchlist_entries_for_hits(*, entry_ids: list[int]) -> dict[int, WatchlistEntry]:
    """The entries the screening index found (by primary key), ready for ``hit_view`` in one
    query.

    Not filtered by viewer: a hit is shown to every agency as ``hit_view`` projects it. Ids
    of entries removed since the index last saw them are left out.
    """
    pks = entry_ids
    if not pks:
        return {}
    # In plain SQL (see benteng.rows): every screening with a hit reads these.
    entry, watchlist = Columns.of(WatchlistEntry, "e"), Columns.of(Watchlist, "w")
    agency, office = Columns.of(Agency, "g"), Columns.of(Office, "o")
    among, params = one_of("e.id", pks, "bigint")
    rows = fetch(
        f"SELECT {entry.sql}, {watchlist.sql}, {agency.sql}, {office.sql} "  # noqa: S608 - model names
        f"FROM {table(WatchlistEntry)} e JOIN {table(Watchlist)} w ON w.id = e.watchlist_id "
        f"JOIN {table(Agency)} g ON g.id = w.owner_agency_id "
        f"JOIN {table(Office)} o ON o.id = e.owner_office_id "
        f"WHERE {among} AND e.removed_at IS NULL",
        params,
    )
    found: dict[int, WatchlistEntry] = {}
    for row in rows:
        item: WatchlistEntry = entry.instance(row)
        item.watchlist = watchlist.instance(row, entry.width)
        item.watchlist.owner_agency = agency.instance(row, entry.width + watchlist.width)
        item.owner_office = office.instance(row, entry.width + watchlist.width + agency.width)
        found[item.pk] = item
    return found


def watchlist_entries_hit_visible_to(viewer: Viewer) -> QuerySet[WatchlistEntry]:
    """The entries this viewer may be told about as *hits* of a screening (the hit fields,
    never the record): not removed, and shared as hits or kept by the viewer's own agency.
    What ``entry_hit_visible_to`` says of one loaded entry."""
    return WatchlistEntry.objects.filter(removed_at__isnull=True).filter(
        Q(sharing_level=SharingLevel.HIT)
        | Q(watchlist__owner_agency__kind=viewer.agency_kind or "")
    )


def entry_hit_visible_to(viewer: Viewer, entry: WatchlistEntry) -> bool:
    """Whether this viewer may be told about this entry as a hit (its watchlist and owner
    agency loaded): the rule of ``watchlist_entries_hit_visible_to``."""
    if entry.removed_at is not None:
        return False
    if entry.sharing_level == SharingLevel.HIT:
        return True
    return viewer.agency_kind is not None and (
        entry.watchlist.owner_agency.kind == viewer.agency_kind
    )
