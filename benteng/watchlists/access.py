"""Who may see watchlist entries as records, and what a hit shows everyone else.

The owning agency's analysts (immigration analysts; police investigators and analysts) read
and keep its lists. Everybody else — counter and TPI officers of the same agency included —
learns of an entry only as a *hit* on a screening: the identity that matched, the category,
the instruction and whom to call — never the internal notes or the legal file. (Issue 4: an
officer "sees other Kanims' decisions about the same person but not their unrelated
applications"; the lists hold other Kanims' decision notes and unrelated applicants.)
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from benteng.access.policy import EVERYTHING, NOTHING, NotVisible, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import AgencyKind, Role
from benteng.watchlists.models import PendingImport, Watchlist, WatchlistEntry

# Who reads, and keeps, the lists their agency owns; nobody reads another agency's lists.
WATCHLIST_KEEPERS: dict[str, frozenset[Role]] = {
    AgencyKind.IMIGRASI: frozenset({Role.ANALIS_IMIGRASI}),
    AgencyKind.POLRI: frozenset({Role.PENYIDIK, Role.ANALIS_POLRI}),
}
# What a hit shows to an officer of any agency.
HIT_FIELDS = frozenset(
    {
        "id",
        "full_name",
        "birth_date",
        "sex",
        "nik",
        "passport_no",
        "phone",
        "licence_number",
        "subject_type",
        "category",
        "instruction",
        "contact",
        "owner_office",
        "expires_on",
    }
)


# --- what a viewer may do ------------------------------------------------------------------


def may_read_watchlists(viewer: Viewer) -> bool:
    """The keepers of an agency's lists read them: pages, entries, exports and imports."""
    if viewer.agency_kind is None:
        return False
    return viewer.role in WATCHLIST_KEEPERS.get(viewer.agency_kind, frozenset())


def may_keep_watchlist(viewer: Viewer, watchlist: Watchlist) -> bool:
    """The keepers of the owning agency write entries of a list; Benteng itself always may."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    if viewer.agency_kind != watchlist.owner_agency.kind:
        return False
    return may_read_watchlists(viewer)


# --- which records a viewer sees -----------------------------------------------------------


class WatchlistEntryPolicy(RecordPolicy[WatchlistEntry]):
    model = WatchlistEntry

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if not may_read_watchlists(viewer):
            return NOTHING
        return Q(watchlist__owner_agency__kind=viewer.agency_kind)

    def fields(self, viewer: Viewer, obj: WatchlistEntry) -> frozenset[str]:
        if viewer.kind is ViewerKind.SYSTEM:
            return self.all_fields()
        if viewer.agency_kind != obj.watchlist.owner_agency.kind:
            return HIT_FIELDS
        if not may_read_watchlists(viewer):
            return HIT_FIELDS
        return self.all_fields()


class PendingImportPolicy(RecordPolicy[PendingImport]):
    """An uploaded file waiting for confirmation is its uploader's alone."""

    model = PendingImport

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if viewer.user_id is None:
            return NOTHING
        return Q(uploaded_by_id=viewer.user_id)


def watchlists_visible_to(viewer: Viewer) -> QuerySet[Watchlist]:
    """The lists of the viewer's own agency; none for roles that do not read watchlists."""
    if viewer.kind is ViewerKind.SYSTEM:
        return Watchlist.objects.all()
    if not may_read_watchlists(viewer):
        return Watchlist.objects.none()
    return Watchlist.objects.filter(owner_agency__kind=viewer.agency_kind)


def access_watchlist_by_code(viewer: Viewer, code: str) -> Watchlist:
    """One list for this viewer; a list of another agency and a missing one look the same."""
    try:
        return (
            watchlists_visible_to(viewer)
            .select_related("owner_agency", "owner_office")
            .get(code=code)
        )
    except Watchlist.DoesNotExist as error:
        raise NotVisible from error
