"""Who may see which staff accounts.

Officers' names, phone numbers and e-mail addresses are personal data too. Everybody sees their
own account in full; leadership sees only that (it works with aggregates). Working partners see
each other's name, role and office and their work contacts, so they can call each other:
colleagues of the same office, the people working the same villages (the PIC desa, their
PIMPASA and Bhabinkamtibmas, one of each agency), and the other agency's counterpart office (a
Kanim and the Polres covering the same kabupaten/kota). Nobody else sees a phone number or an
e-mail.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import (
    ROLES_WITHOUT_PERSONAL_DATA,
    Office,
    OfficeCoverage,
    OfficeKind,
    Role,
    User,
)
from benteng.audit.models import AuditEntry

# A password hash is no one's business, whoever asks.
NEVER_SHOWN = frozenset({"password"})
DIRECTORY_FIELDS = frozenset({"id", "username", "full_name", "role", "office", "is_active"})
WORK_CONTACT_FIELDS = frozenset({"email", "phone"})
# Offices whose staff work with each other across the two agencies when their areas share a
# kabupaten/kota: a Kanim and the Polres of the same kabupaten/kota.
COUNTERPART_OFFICE_KINDS: dict[str, frozenset[str]] = {
    OfficeKind.KANIM: frozenset({OfficeKind.POLRES}),
    OfficeKind.POLRES: frozenset({OfficeKind.KANIM}),
}
# The field of an audit entry that may hold personal data (a search's terms).
AUDIT_PERSONAL_DETAIL_FIELD = "detail"
# "36.03.07.2001" -> "36.03": the kabupaten/kota of a region code at that level or below.
KABUPATEN_CODE_LENGTH = len("36.03")


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
        counterparts = counterpart_office_ids(viewer)
        if counterparts:
            visible |= Q(office_id__in=counterparts)
        return Q(pk__in=User.objects.filter(visible).values("pk"))

    def fields(self, viewer: Viewer, obj: User) -> frozenset[str]:
        if viewer.kind is ViewerKind.SYSTEM or may_administer(viewer) or obj.pk == viewer.user_id:
            return self.all_fields() - NEVER_SHOWN
        if is_working_partner(viewer, obj):
            return DIRECTORY_FIELDS | WORK_CONTACT_FIELDS
        return DIRECTORY_FIELDS


def is_working_partner(viewer: Viewer, account: User) -> bool:
    """The viewer works with this person: the same office, a village both of them serve, or
    the other agency's counterpart office."""
    if viewer.kind is not ViewerKind.USER or may_read_aggregates_only(viewer):
        return False
    if viewer.office_id is not None and account.office_id == viewer.office_id:
        return True
    if is_counterpart(viewer, account):
        return True
    if not viewer.village_codes:
        return False
    return account.villages.filter(code__in=viewer.village_codes).exists()


def is_counterpart(viewer: Viewer, account: User) -> bool:
    """The person works at the other agency's counterpart of the viewer's office: a Kanim and
    a Polres whose areas share a kabupaten/kota."""
    if viewer.kind is not ViewerKind.USER or may_read_aggregates_only(viewer):
        return False
    if account.office_id is None:
        return False
    return account.office_id in counterpart_office_ids(viewer)


def counterpart_office_ids(viewer: Viewer) -> frozenset[int]:
    """The offices of the other agency that are the counterparts of the viewer's office (two
    queries; none for a viewer whose office has no counterpart kind)."""
    if viewer.office_id is None or viewer.kind is not ViewerKind.USER:
        return frozenset()
    office = Office.objects.filter(pk=viewer.office_id).values("kind", "agency__kind").first()
    if office is None or office["kind"] not in COUNTERPART_OFFICE_KINDS:
        return frozenset()
    areas = _kabupaten_codes(OfficeCoverage.objects.filter(office_id=viewer.office_id))
    if not areas:
        return frozenset()
    candidates = OfficeCoverage.objects.filter(
        office__kind__in=COUNTERPART_OFFICE_KINDS[office["kind"]],
        office__is_active=True,
    ).exclude(office__agency__kind=office["agency__kind"])
    return frozenset(
        office_id
        for office_id, code in candidates.values_list("office_id", "region_id")
        if code[:KABUPATEN_CODE_LENGTH] in areas
    )


def _kabupaten_codes(coverage: QuerySet[OfficeCoverage]) -> frozenset[str]:
    """The kabupaten/kota codes of coverage rows at that level or below."""
    codes = coverage.values_list("region_id", flat=True)
    return frozenset(
        code[:KABUPATEN_CODE_LENGTH] for code in codes if len(code) >= KABUPATEN_CODE_LENGTH
    )


def may_read_audit_trail(viewer: Viewer) -> bool:
    """Administrators read the audit trail; everyone else only leaves traces in it."""
    return may_administer(viewer)


def may_read_audit_search_terms(viewer: Viewer, entry: AuditEntry) -> bool:
    """The personal data an entry's detail records (the terms of a search: names, NIKs) is
    read by Benteng itself and by the person who searched, who typed them; not by the trail's
    other readers, administrators included, whose role sees no personal data."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    if viewer.kind is not ViewerKind.USER:
        return False
    return entry.actor_id is not None and entry.actor_id == viewer.user_id


class AuditEntryPolicy(RecordPolicy[AuditEntry]):
    """The audit trail is read by administrators only (and by Benteng verifying it). It lives
    here, not in the audit app, because who administers is an account's role; the audit app
    sits below access and accounts and knows neither.

    Without the ``detail`` field a reader is shown the entry's detail with its personal data
    masked (``benteng.audit.labels.detail_label``); the stored entry is never changed."""

    model = AuditEntry

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if may_read_audit_trail(viewer):
            return EVERYTHING
        return NOTHING

    def fields(self, viewer: Viewer, obj: AuditEntry) -> frozenset[str]:
        if may_read_audit_search_terms(viewer, obj):
            return self.all_fields()
        return self.all_fields() - {AUDIT_PERSONAL_DETAIL_FIELD}
