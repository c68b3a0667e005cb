"""Who may see which staff accounts.

Officers' names, phone numbers and e-mail addresses are personal data too. Everybody sees their
own account in full; leadership sees only that (it works with aggregates). Working partners, that
is colleagues of the same office and the people working the same villages (the PIC desa, their
PIMPASA and Bhabinkamtibmas, one of each agency), see each other's name, role and office and
their work contacts, so they can call each other. Nobody else sees a phone number or an e-mail.
"""

from __future__ import annotations

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import ROLES_WITHOUT_PERSONAL_DATA, Role, User
from benteng.audit.models import AuditEntry

# A password hash is no one's business, whoever asks.
NEVER_SHOWN = frozenset({"password"})
DIRECTORY_FIELDS = frozenset({"id", "username", "full_name", "role", "office", "is_active"})
WORK_CONTACT_FIELDS = frozenset({"email", "phone"})


def may_administer(viewer: Viewer) -> bool:
    """Administrators in person manage users, offices, reference data and the audit trail."""
    if viewer.kind is not ViewerKind.USER:
        return False
    return viewer.role == Role.ADMIN


def may_read_aggregates_only(viewer: Viewer) -> bool:
    """Leadership works with aggregates: no one's personal data, not even colleagues'."""
    return viewer.role in ROLES_WITHOUT_PERSONAL_DATA


class UserPolicy(RecordPolicy[User]):
    model = User

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if viewer.kind is not ViewerKind.USER:
            return NOTHING
        if may_administer(viewer):
            return EVERYTHING
        visible = Q(pk=viewer.user_id)
        if may_read_aggregates_only(viewer):
            # Leadership signs in without a second factor.
            return visible
        if viewer.office_id is not None:
            visible |= Q(office_id=viewer.office_id)
        if viewer.village_codes:
            visible |= Q(villages__code__in=viewer.village_codes)
        return Q(pk__in=User.objects.filter(visible).values("pk"))

    def fields(self, viewer: Viewer, obj: User) -> frozenset[str]:
        if viewer.kind is ViewerKind.SYSTEM or may_administer(viewer) or obj.pk == viewer.user_id:
            return self.all_fields() - NEVER_SHOWN
        if is_working_partner(viewer, obj):
            return DIRECTORY_FIELDS | WORK_CONTACT_FIELDS
        return DIRECTORY_FIELDS


def is_working_partner(viewer: Viewer, account: User) -> bool:
    """The viewer works with this person: the same office, or a village both of them serve."""
    if viewer.kind is not ViewerKind.USER or may_read_aggregates_only(viewer):
        return False
    if viewer.office_id is not None and account.office_id == viewer.office_id:
        return True
    if not viewer.village_codes:
        return False
    return account.villages.filter(code__in=viewer.village_codes).exists()


def may_read_audit_trail(viewer: Viewer) -> bool:
    """Administrators read the audit trail; everyone else only leaves traces in it."""
    return may_administer(viewer)


class AuditEntryPolicy(RecordPolicy[AuditEntry]):
    """The audit trail is read by administrators only (and by Benteng verifying it). It lives
    here, not in the audit app, because who administers is an account's role; the audit app
    sits below access and accounts and knows neither."""

    model = AuditEntry

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if may_read_audit_trail(viewer):
            return EVERYTHING
        return NOTHING
