"""Who may see referrals and what they may do with them.

An office sees the referrals it sent and those it received; the head (``Role.PIMPINAN``) of an
office also sees those of the offices below it (Kanwil over its Kanims and their TPIs, Polda
over its Polres and their Polsek). Nobody else — administrators included — reads a referral,
its people, files or timeline. The rows are decided in the query (``ReferralPolicy``); one
referral is loaded through ``access_object``.

A referral closed "case opened" is linked to its case (``Referral.case``). Whoever sees the
referral learns the case's status — ``CASE_STATUS_FIELDS``: LP number, kind, legal stage and
its date, verdict — so the sender always learns the outcome; never the case's persons, route,
team or services: the case's own page opens only under the case policy
(``benteng.cases.access``). The other way round, a case's page names the referrals it grew
from (number and sending office, no personal data) to every reader of the case, with a link
only where this policy lets the reader see the referral.

The ``may_*`` predicates say *who* may act; whether the referral's state allows the step is
the service's question (``services.NEXT_STATES``), answered with a message, not a 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.models import OfficeKind, Role
from benteng.referrals.models import Referral, ReferralEvent, ReferralFile, ReferralSubject

# What a referral's reader learns of the case it grew from (no person of the case).
CASE_STATUS_FIELDS = ("lp_number", "kind", "stage", "stage_on", "verdict")
# Everyone who works at an office with people's data reads their office's referrals.
REFERRAL_READERS = frozenset(
    {
        Role.PETUGAS_IMIGRASI,
        Role.PETUGAS_TPI,
        Role.ANALIS_IMIGRASI,
        Role.PIMPASA,
        Role.PENYIDIK,
        Role.ANALIS_POLRI,
        Role.BHABINKAMTIBMAS,
        Role.PIC_DESA,
        Role.PIMPINAN,
    }
)
# Officers who send referrals (leadership oversees, it does not send).
REFERRAL_SENDERS = REFERRAL_READERS - {Role.PIMPINAN}
# Officers of the receiving office who acknowledge, assign, close or return a referral.
REFERRAL_HANDLERS = frozenset(
    {
        Role.PETUGAS_IMIGRASI,
        Role.PETUGAS_TPI,
        Role.ANALIS_IMIGRASI,
        Role.PENYIDIK,
        Role.ANALIS_POLRI,
        Role.PIMPINAN,
    }
)
# Who may be named as the officer handling a referral.
REFERRAL_ASSIGNEES = REFERRAL_HANDLERS - {Role.PIMPINAN}
# The offices a referral may be sent to (not a village office: villages report, they do not
# take referrals in).
RECEIVING_OFFICE_KINDS = frozenset(
    {
        OfficeKind.KANWIL,
        OfficeKind.KANIM,
        OfficeKind.TPI,
        OfficeKind.POLDA,
        OfficeKind.POLRES,
        OfficeKind.POLSEK,
        OfficeKind.BP3MI,
    }
)


def _in_person_at_office(viewer: Viewer, roles: frozenset[Role]) -> bool:
    if viewer.kind is not ViewerKind.USER:
        return False
    if viewer.office_id is None:
        return False
    return viewer.role in roles


# --- what a viewer may do ------------------------------------------------------------------


def may_open_referrals(viewer: Viewer) -> bool:
    """Officers and heads of an office open its referral inboxes."""
    return _in_person_at_office(viewer, REFERRAL_READERS)


def may_send_referrals(viewer: Viewer) -> bool:
    """Officers of an office send referrals to another office."""
    return _in_person_at_office(viewer, REFERRAL_SENDERS)


def _client_of_office(viewer: Viewer, roles: frozenset[Role]) -> bool:
    if viewer.kind is not ViewerKind.CLIENT:
        return False
    if viewer.office_id is None:
        return False
    return viewer.role in roles


def may_send_referrals_as_client(viewer: Viewer) -> bool:
    """A client system of an office, registered with a sending role, sends referrals from its
    office (the API also asks for the token's scope ``referral:write``)."""
    return _client_of_office(viewer, REFERRAL_SENDERS)


def may_acknowledge_as_client(viewer: Viewer, referral: Referral) -> bool:
    """A client system of the receiving office, registered with a handling role, acknowledges
    receipt (with the scope ``referral:write``)."""
    if not _client_of_office(viewer, REFERRAL_HANDLERS):
        return False
    return referral.receiving_office_id == viewer.office_id


def _handles_for_receiver(viewer: Viewer, referral: Referral) -> bool:
    if not _in_person_at_office(viewer, REFERRAL_HANDLERS):
        return False
    return referral.receiving_office_id == viewer.office_id


def may_acknowledge_referral(viewer: Viewer, referral: Referral) -> bool:
    """Officers and the head of the receiving office acknowledge receipt."""
    return _handles_for_receiver(viewer, referral)


def may_assign_referral(viewer: Viewer, referral: Referral) -> bool:
    """Officers and the head of the receiving office name the officer who handles it."""
    return _handles_for_receiver(viewer, referral)


def may_close_referral(viewer: Viewer, referral: Referral) -> bool:
    """Officers and the head of the receiving office close it with its outcome."""
    return _handles_for_receiver(viewer, referral)


def may_return_referral(viewer: Viewer, referral: Referral) -> bool:
    """Officers and the head of the receiving office send it back with a reason."""
    return _handles_for_receiver(viewer, referral)


def _works_at_either_end(viewer: Viewer, referral: Referral) -> bool:
    if not _in_person_at_office(viewer, REFERRAL_READERS):
        return False
    return viewer.office_id in (referral.sender_office_id, referral.receiving_office_id)


def may_comment_on_referral(viewer: Viewer, referral: Referral) -> bool:
    """The sending and the receiving office write in the referral's thread (a parent office's
    head reads it only)."""
    return _works_at_either_end(viewer, referral)


def may_add_referral_files(viewer: Viewer, referral: Referral) -> bool:
    """The sending and the receiving office attach files."""
    return _works_at_either_end(viewer, referral)


def may_add_referral_subjects(viewer: Viewer, referral: Referral) -> bool:
    """The sending office's officers name further people the referral is about."""
    if not _in_person_at_office(viewer, REFERRAL_SENDERS):
        return False
    return referral.sender_office_id == viewer.office_id


def may_read_referral(viewer: Viewer, referral: Referral) -> bool:
    """The viewer is party to the referral: it reads the referral itself. The rows of
    ``ReferralPolicy`` asked of one loaded referral: its sending or receiving office (an
    officer, a client system of the office), a head of an office above either, Benteng itself.
    Asking it of a head reads the offices' parents (``select_related`` them for a list)."""
    if viewer.kind is ViewerKind.SYSTEM:
        return True
    if viewer.kind is ViewerKind.CLIENT:
        return _client_at_either_end(viewer, referral)
    if _works_at_either_end(viewer, referral):
        return True
    if not _in_person_at_office(viewer, frozenset({Role.PIMPINAN})):
        return False
    return viewer.office_id in _offices_above(referral)


def _client_at_either_end(viewer: Viewer, referral: Referral) -> bool:
    if viewer.office_id is None:
        return False
    return viewer.office_id in (referral.sender_office_id, referral.receiving_office_id)


def _offices_above(referral: Referral) -> set[int | None]:
    """The parent and grandparent of the sending office, the parent and grandparent of the
    receiving office (as ``_referrals`` reaches them for a head)."""
    sender = referral.sender_office
    receiver = referral.receiving_office
    return {
        sender.parent_id,
        sender.parent.parent_id if sender.parent else None,
        receiver.parent_id,
        receiver.parent.parent_id if receiver.parent else None,
    } - {None}


def may_see_referral_outcome(
    viewer: Viewer, referral: Referral, *, filed_its_origin: bool = False
) -> bool:
    """Who learns what became of a referral — its state, its outcome and the legal stage of
    the case it grew into — where it is shown beside the record it was made from (a village
    report's pages):

    - whoever is party to it (``may_read_referral``), who also learns the case's LP number,
      as on the referral's own page (``CASE_STATUS_FIELDS``);
    - the person who filed the record it was made from (``filed_its_origin``: the account that
      filed the village report, the desa's focal person as a rule), in person: the loop back
      to the village. They learn the state, the outcome (its category) and the case's stage,
      nothing else: not the LP number, the outcome's note, the officers, deadlines, timeline,
      people or files of the referral, nor anything of the case beyond its stage.

    Nobody else: an office the record was routed to that is not party to the referral, and the
    desa's other focal persons and officers, learn only that it was referred.
    """
    if may_read_referral(viewer, referral):
        return True
    if not filed_its_origin:
        return False
    return viewer.kind is ViewerKind.USER and viewer.user_id is not None


def is_assignable_role(account_role: str) -> bool:
    """A role whose holders can be named as the officer handling a referral."""
    return account_role in REFERRAL_ASSIGNEES


# --- which records a viewer sees -----------------------------------------------------------


def _referrals(viewer: Viewer) -> Q:
    if viewer.kind is ViewerKind.SYSTEM:
        return EVERYTHING
    if viewer.kind is ViewerKind.CLIENT and viewer.office_id is not None:
        # A client system of an office (its webhooks): the referrals its office sent or
        # received; the webhooks send them only with the scope referral:read.
        return Q(sender_office_id=viewer.office_id) | Q(receiving_office_id=viewer.office_id)
    if not may_open_referrals(viewer):
        return NOTHING
    office = viewer.office_id
    rows = Q(sender_office_id=office) | Q(receiving_office_id=office)
    if viewer.role == Role.PIMPINAN:
        rows |= Q(sender_office__parent_id=office) | Q(sender_office__parent__parent_id=office)
        rows |= Q(receiving_office__parent_id=office)
        rows |= Q(receiving_office__parent__parent_id=office)
    return rows


def _through_referral(viewer: Viewer) -> Q:
    if viewer.kind is ViewerKind.CLIENT:
        return NOTHING  # a client system learns of the referral, not of its people or files
    rows = _referrals(viewer)
    if rows is EVERYTHING:
        return EVERYTHING
    return Q(referral__in=Referral.objects.filter(rows))


class ReferralPolicy(RecordPolicy[Referral]):
    model = Referral

    def rows(self, viewer: Viewer) -> Q:
        return _referrals(viewer)


class ReferralSubjectPolicy(RecordPolicy[ReferralSubject]):
    model = ReferralSubject

    def rows(self, viewer: Viewer) -> Q:
        return _through_referral(viewer)


class ReferralFilePolicy(RecordPolicy[ReferralFile]):
    model = ReferralFile

    def rows(self, viewer: Viewer) -> Q:
        return _through_referral(viewer)


class ReferralEventPolicy(RecordPolicy[ReferralEvent]):
    model = ReferralEvent

    def rows(self, viewer: Viewer) -> Q:
        return _through_referral(viewer)


POLICIES: list[RecordPolicy[Any]] = [
    ReferralPolicy(),
    ReferralSubjectPolicy(),
    ReferralFilePolicy(),
    ReferralEventPolicy(),
]


def records_referred_to(viewer: Viewer, field: str) -> QuerySet[Referral, dict[str, Any]]:
    """The ids of the screening records (``field``: "application_id" or
    "departure_check_id") referred to the viewer's office: its police see them
    (``screening.access.police_visible_rows``)."""
    referred = Referral.objects.filter(Q(**{f"{field}__isnull": False}))
    if viewer.office_id is None:
        referred = referred.none()
    ids: QuerySet[Referral, dict[str, Any]] = referred.filter(
        receiving_office_id=viewer.office_id
    ).values(field)
    return ids
