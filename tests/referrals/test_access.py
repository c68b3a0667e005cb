"""Who sees which referrals: the two offices at its ends, the head of a parent office, and
nobody else — administrators and leadership elsewhere included."""

from __future__ import annotations

import pytest

from benteng.access import NotVisible, access_object
from benteng.accounts.models import Role
from benteng.audit.models import AuditEntry
from benteng.referrals.models import Referral, ReferralEvent, ReferralSubject
from tests.conftest import make_user
from tests.referrals.conftest import send, viewer_of

pytestmark = pytest.mark.django_db

# A referral from Kanim Tangerang to Polresta Tangerang, as each persona sees it.
SEES_IT = {
    "petugas_imigrasi": True,  # sender's office
    "pimpasa": True,  # sender's office
    "petugas_imigrasi_other": False,  # another Kanim
    "petugas_tpi": False,
    "analis_imigrasi": False,  # Kanwil, but not its head
    "penyidik": False,  # Polda, but not its head
    "analis_polri": False,
    "bhabinkamtibmas": False,  # Polsek Kronjo: under Polresta, but not the receiving office
    "pic_desa": False,
    "pic_desa_other": False,
    "pimpinan": True,  # head of the Kanwil, the sending Kanim's parent office
    "admin": False,
}


@pytest.mark.parametrize("persona", sorted(SEES_IT))
def test_a_referral_is_seen_by_its_two_offices_and_the_parent_head_only(
    personas, penyidik_polres, persona
):
    # given
    referral = send(personas.petugas_imigrasi)
    viewer = getattr(personas, persona)
    # when
    rows = set(Referral.objects.visible_to(viewer).values_list("pk", flat=True))
    subjects = ReferralSubject.objects.visible_to(viewer).count()
    events = ReferralEvent.objects.visible_to(viewer).count()
    # then
    expected = SEES_IT[persona]
    assert (referral.pk in rows) == expected
    assert (subjects > 0) == expected
    assert (events > 0) == expected


def test_the_receiving_office_sees_it_and_its_polda_head_does_too(personas, penyidik_polres):
    # given
    referral = send(personas.petugas_imigrasi)
    polda_head = make_user("kapolda", Role.PIMPINAN, "polda-banten")
    kanim_head_elsewhere = make_user("kakanim_serang", Role.PIMPINAN, "kanim-serang")
    # then
    assert Referral.objects.visible_to(penyidik_polres).filter(pk=referral.pk).exists()
    assert Referral.objects.visible_to(polda_head).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(kanim_head_elsewhere).filter(pk=referral.pk).exists()


def test_missing_and_forbidden_look_the_same_and_leave_a_trace(personas, penyidik_polres):
    # given
    referral = send(personas.petugas_imigrasi)
    # when / then
    for viewer in (personas.admin, personas.petugas_imigrasi_other):
        with pytest.raises(NotVisible):
            access_object(viewer_of(viewer), Referral, referral.pk)
    with pytest.raises(NotVisible):
        access_object(viewer_of(personas.petugas_imigrasi), Referral, 10**9)
    denied = AuditEntry.objects.filter(action="denied", object_type="referrals.referral")
    assert denied.count() == 3
