"""A record shown to the police (a police hit, a referral or hand-over to police) is read only
by the police offices that answer for it (``screening.access.police_visible_rows``): the Polda
for the province, a Polres or Polsek for the Kanims and TPIs in its area, and the office it was
referred to; never every police office."""

from __future__ import annotations

import pytest

from benteng.access.policy import NotVisible, access_object
from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role
from benteng.referrals.models import ReasonCategory, ReferralUrgency
from benteng.referrals.services import referral_send
from benteng.screening.models import DepartureCheck, PassportApplication
from tests.conftest import make_user
from tests.screening.flow_factories import KANIM_SERANG, application_make, departure_make

pytestmark = pytest.mark.django_db

POLICE_OFFICES = {
    "polda-banten": True,
    "polresta-tangerang": True,  # covers kecamatans of Kabupaten Tangerang, Kanim Tangerang's
    "polsek-kronjo": True,  # a kecamatan of Kabupaten Tangerang
    "polres-lebak": False,
    "polres-serang": False,
}


def _police(office_code: str, role: str = Role.PENYIDIK) -> Viewer:
    user = make_user(f"{role}-{office_code}"[:30], role, office_code)
    return Viewer.for_user(user)


def _sees(viewer: Viewer, model, pk) -> bool:  # type: ignore[no-untyped-def]
    visible = model.objects.visible_to(viewer).filter(pk=pk).exists()
    try:
        access_object(viewer, model, pk)
    except NotVisible:
        assert not visible
        return False
    assert visible
    return True


@pytest.mark.parametrize("role", [Role.PENYIDIK, Role.ANALIS_POLRI])
@pytest.mark.parametrize(("office_code", "sees"), POLICE_OFFICES.items())
def test_a_police_hit_at_a_kanim_is_read_by_the_police_of_its_area(
    personas, office_code, sees, role
):
    # given: an application of Kanim Tangerang that hit a police list
    application = application_make(police_visible=True)
    # then
    assert _sees(_police(office_code, role), PassportApplication, application.pk) is sees


def test_a_record_not_shown_to_the_police_is_read_by_no_police_office(personas):
    # given
    application = application_make(police_visible=False)
    # then
    for office_code in POLICE_OFFICES:
        assert not _sees(_police(office_code), PassportApplication, application.pk)


def test_a_police_hit_at_kanim_serang_is_for_the_serang_police(personas):
    # given
    application = application_make(office_code=KANIM_SERANG, police_visible=True)
    # then
    assert _sees(_police("polres-serang"), PassportApplication, application.pk)
    assert not _sees(_police("polresta-tangerang"), PassportApplication, application.pk)


def test_a_referral_shows_the_record_to_the_office_it_was_sent_to(personas):
    # given: a police hit at Kanim Tangerang, referred to Polres Lebak
    application = application_make(police_visible=True)
    lebak = _police("polres-lebak")
    assert not _sees(lebak, PassportApplication, application.pk)
    referral_send(
        viewer=Viewer.for_user(personas.petugas_imigrasi),
        receiving_office=Office.objects.get(code="polres-lebak"),
        reason_category=ReasonCategory.TRAFFICKING_VICTIM,
        reason="Uji rujukan",
        urgency=ReferralUrgency.TINGGI,
        application=application,
    )
    # then: Lebak reads it, Serang still does not
    assert _sees(lebak, PassportApplication, application.pk)
    assert not _sees(_police("polres-serang"), PassportApplication, application.pk)


def test_a_police_hit_at_the_airport_is_for_the_polda(personas):
    # given: a departure check at the Soekarno-Hatta TPI (Kota Tangerang, which Polda Metro
    # Jaya polices) shown to the police
    check = departure_make()
    DepartureCheck.objects.filter(pk=check.pk).update(police_visible=True)
    # then: Polda Banten answers for it; no Polres of Banten covers the airport
    assert _sees(_police("polda-banten"), DepartureCheck, check.pk)
    assert not _sees(_police("polresta-tangerang"), DepartureCheck, check.pk)
