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
from benteng.watchlists.models import PendingImport, Watchlist, WatchlistEntry

READER_ROLES: dict[str, frozenset[str]] = {
    "imigrasi": frozenset({"analis_imigrasi"}),
    "polri": frozenset({"penyidik", "analis_polri"}),
}
KEEPER_ROLES: dict[str, frozenset[str]] = {
    "imigrasi": frozenset({"analis_imigrasi"}),
    "polri": frozenset({"penyidik", "analis_polri"}),
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


def can_keep_watchlists(viewer: Viewer, agency_kind: str) -> bool:
    return viewer.agency_kind == agency_kind and viewer.role in KEEPER_ROLES.get(agency_kind, ())


class WatchlistEntryPolicy(RecordPolicy[WatchlistEntry]):
    model = WatchlistEntry

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if viewer.agency_kind is None:
            return NOTHING
        if viewer.role not in READER_ROLES.get(viewer.agency_kind, ()):
            return NOTHING
        return Q(watchlist__owner_agency__kind=viewer.agency_kind)

    def fields(self, viewer: Viewer, obj: WatchlistEntry) -> frozenset[str]:
        if viewer.kind is ViewerKind.SYSTEM:
            return self.all_fields()
        if viewer.agency_kind != obj.watchlist.owner_agency.kind:
            return HIT_FIELDS
        if viewer.role not in READER_ROLES.get(viewer.agency_kind, ()):
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


def can_read_watchlists(viewer: Viewer) -> bool:
    """Whether this viewer reads the lists of its own agency (pages, lists, exports)."""
    if viewer.agency_kind is None:
        return False
    return viewer.role in READER_ROLES.get(viewer.agency_kind, ())


def can_keep_watchlist(viewer: Viewer, watchlist: Watchlist) -> bool:
    """Whether this viewer may write entries of this list (Benteng itself always may)."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    return can_keep_watchlists(viewer, watchlist.owner_agency.kind)


def watchlists_visible_to(viewer: Viewer) -> QuerySet[Watchlist]:
    """The lists of the viewer's own agency; none for roles that do not read watchlists."""
    if viewer.kind is ViewerKind.SYSTEM:
        return Watchlist.objects.all()
    if not can_read_watchlists(viewer):
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
