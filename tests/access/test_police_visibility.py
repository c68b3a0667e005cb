"""A record shown to the police (a police hit, a referral or hand-over to police) is read only
by the police offices that answer for it (``screening.access.police_visible_rows``): the Polda
for the province, a Polres or Polsek for the Kanims and TPIs in its area, the office owning a
watchlist entry it hit (a Polres for its Polseks' too) wherever it was screened, and the office
it was referred to; never every police office. Worked out once per viewer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benteng.access.policy import NotVisible, access_object
from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency, AgencyKind, Office, Role, User
from benteng.api.models import ApiScope
from benteng.api.services import api_client_create
from benteng.audit.models import AuditEntry
from benteng.people.index import screening_index_reset
from benteng.referrals.models import ReasonCategory, ReferralUrgency
from benteng.referrals.services import referral_send
from benteng.screening.models import (
    ApplicationDecision,
    DepartureCheck,
    PassportApplication,
    ScreeningResult,
)
from benteng.screening.outcome import ScreeningOutcome
from benteng.screening.selectors import application_result, departure_result
from benteng.screening.services import (
    ApplicationInput,
    DepartureInput,
    application_screen,
    departure_screen,
)
from benteng.watchlists.categories import categories_for
from benteng.watchlists.models import SharingLevel, Watchlist, WatchlistEntry, WatchlistKind
from benteng.watchlists.services import watchlist_entry_create
from tests.conftest import make_user, verified_client
from tests.screening.flow_factories import KANIM_SERANG, application_make, departure_make
from tests.screening.test_services_support import SITI_NIK, applicant

pytestmark = pytest.mark.django_db

POLICE_OFFICES = {
    "polda-banten": True,
    "polresta-tangerang": True,  # covers kecamatans of Kabupaten Tangerang, Kanim Tangerang's
    "polsek-kronjo": True,  # a kecamatan of Kabupaten Tangerang
    "polres-lebak": False,
    "polres-serang": False,
}


def _police(office_code: str, role: str = Role.PENYIDIK) -> Viewer:
    """A new viewer of the office's police officer (made the first time)."""
    username = f"{role}-{office_code}"[:30]
    user = User.objects.filter(username=username).first()
    return Viewer.for_user(user or make_user(username, role, office_code))


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


# --- the office that owns the entry hit --------------------------------------------------------

WANTED = "Tahan dan hubungi piket Satreskrim Polres Lebak."


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def own_list(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A recruiter list kept by a police office below the Polda, with Siti on it, put there
    by one of its investigators (the index takes her after the commit)."""

    def make(office_code: str, **values: Any) -> WatchlistEntry:
        office = Office.objects.get(code=office_code)
        watchlist = Watchlist.objects.create(
            code=f"{office_code}-perekrut",
            name=f"Terduga perekrut ({office.name})",
            kind=WatchlistKind.PEREKRUT,
            owner_agency=Agency.objects.get(kind=AgencyKind.POLRI),
            owner_office=office,
            default_legal_basis="UU No. 21 Tahun 2007",
        )
        keeper = make_user(f"keeper-{office_code}"[:30], Role.PENYIDIK, office_code)
        with django_capture_on_commit_callbacks(execute=True):
            return watchlist_entry_create(
                viewer=Viewer.for_user(keeper, purpose="uji"),
                watchlist=watchlist,
                data={
                    "full_name": "Siti Nurhaliza binti Ahmad",
                    "nik": SITI_NIK,
                    "birth_date": "14-08-1996",
                    "sex": "P",
                    "category": categories_for(WatchlistKind.PEREKRUT)[0],
                    "instruction": WANTED,
                    "internal_notes": "Informan: kepala dusun.",
                    **values,
                },
            )

    return make


@pytest.fixture
def screened(personas, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Siti screened at the counter of Kanim Tangerang or at the airport's TPI."""

    def run(kind: str) -> PassportApplication | DepartureCheck:
        with django_capture_on_commit_callbacks(execute=True):
            if kind == "application":
                outcome = application_screen(
                    viewer=Viewer.for_user(personas.petugas_imigrasi),
                    data=ApplicationInput.from_raw(applicant()),
                )
            else:
                outcome = departure_screen(
                    viewer=Viewer.for_user(personas.petugas_tpi),
                    data=DepartureInput.from_raw(
                        {
                            "passport_no": "C7654321",
                            "full_name": "Siti Nurhaliza binti Ahmad",
                            "birth_date": "14-08-1996",
                            "sex": "P",
                            "destination_country": "SA",
                        }
                    ),
                )
        return outcome.record

    return run


def _result_for(viewer: Viewer, record: Any) -> ScreeningOutcome:
    if isinstance(record, PassportApplication):
        return application_result(viewer, record.pk)
    return departure_result(viewer, record.pk)


# Who reads Siti's record when she hits Polres Lebak's list at Kanim Tangerang (Kabupaten
# Tangerang) or at the airport (Kota Tangerang, policed by Polda Metro Jaya): never in Lebak.
READERS_OF_A_LEBAK_HIT = {
    "application": {
        "polres-lebak": True,
        "polda-banten": True,
        "polresta-tangerang": True,  # by its area
        "polres-serang": False,
        "polres-pandeglang": False,
    },
    "departure": {
        "polres-lebak": True,
        "polda-banten": True,
        "polresta-tangerang": False,
        "polres-serang": False,
        "polres-pandeglang": False,
    },
}


@pytest.mark.parametrize("kind", ["application", "departure"])
def test_the_polres_owning_the_entry_reads_the_hit_screened_outside_its_area(
    personas, own_list, screened, kind
):
    # given: Siti on Polres Lebak's own list, then screened far from Lebak
    entry = own_list("polres-lebak")
    # when
    record = screened(kind)
    model = type(record)
    # then: a police hit, read by Polres Lebak, the Polda and the area's police only
    assert record.police_visible
    for office_code, sees in READERS_OF_A_LEBAK_HIT[kind].items():
        assert _sees(_police(office_code), model, record.pk) is sees, office_code
        result = ScreeningResult.objects.visible_to(_police(office_code)).filter(
            **{kind if kind == "application" else "departure_check": record}
        )
        assert result.exists() is sees, office_code
    # and Lebak's investigator gets the hit on its own entry, its read audited
    lebak = _police("polres-lebak")
    outcome = _result_for(lebak, record)
    assert [hit.id for hit in outcome.hits] == [entry.pk]
    assert [item.instruction for item in outcome.instructions] == [WANTED]
    read = AuditEntry.objects.filter(
        actor_id=lebak.user_id, action="read", object_type="watchlists.watchlistentry"
    )
    assert [item.object_ids for item in read] == [[str(entry.pk)]]


def test_a_polres_answers_for_the_entries_of_its_polseks(personas, own_list, screened):
    # given: Siti on Polsek Kronjo's list, then checked at the airport
    own_list("polsek-kronjo")
    # when
    check = screened("departure")
    # then: the Polsek and its Polresta read it; a sibling Polsek and another Polres do not
    assert _sees(_police("polsek-kronjo"), DepartureCheck, check.pk)
    assert _sees(_police("polresta-tangerang"), DepartureCheck, check.pk)
    assert not _sees(_police("polsek-balaraja"), DepartureCheck, check.pk)
    assert not _sees(_police("polres-lebak"), DepartureCheck, check.pk)


def test_an_owner_only_entry_of_a_polres_hits_no_counter_and_shows_it_nothing(
    personas, own_list, screened
):
    # given: Polres Lebak keeps Siti's entry to itself
    own_list("polres-lebak", sharing_level=SharingLevel.OWNER_ONLY)
    # when
    application = screened("application")
    # then: no hit at the immigration counter, so nothing for the police
    assert not application.police_visible
    assert not _sees(_police("polres-lebak"), PassportApplication, application.pk)


def test_a_hit_on_an_immigration_list_shows_the_record_to_no_police_office(
    personas, screened, django_capture_on_commit_callbacks
):
    # given: Siti on the Kanwil's deportation list (shared as a hit)
    with django_capture_on_commit_callbacks(execute=True):
        entry = watchlist_entry_create(
            viewer=Viewer.for_user(personas.analis_imigrasi, purpose="uji"),
            watchlist=Watchlist.objects.get(code="imigrasi-deportasi"),
            data={
                "full_name": "Siti Nurhaliza binti Ahmad",
                "nik": SITI_NIK,
                "birth_date": "14-08-1996",
                "sex": "P",
                "category": categories_for(WatchlistKind.DEPORTASI)[0],
                "instruction": "Tanyakan riwayat deportasi.",
            },
        )
    # when: she is screened at Kanim Tangerang
    application = screened("application")
    # then: a hit for immigration as before, and no police office reads the record
    assert [hit.id for hit in _result_for(personas.analis_imigrasi.as_viewer(), application).hits]
    assert entry.owner_office.code == "kanwil-imigrasi-banten"
    assert not application.police_visible
    for office_code in [*POLICE_OFFICES, "polres-pandeglang"]:
        assert not _sees(_police(office_code), PassportApplication, application.pk)
    assert _sees(Viewer.for_user(personas.analis_imigrasi), PassportApplication, application.pk)
    assert not _sees(
        Viewer.for_user(personas.petugas_imigrasi_other), PassportApplication, application.pk
    )


def test_the_owner_polres_finds_the_hit_on_its_pages_and_through_its_system(
    personas, own_list, screened, client
):
    # given
    own_list("polres-lebak")
    application = screened("application")
    lebak = make_user("penyidik-lebak", Role.PENYIDIK, "polres-lebak")
    serang = make_user("penyidik-serang", Role.PENYIDIK, "polres-serang")
    page = f"/penyaringan/permohonan/{application.pk}/"
    # when / then: its list and the record's page, with the instruction; not Serang's
    listed = verified_client(lebak).get("/penyaringan/permohonan/", secure=True)
    assert application.reference in listed.content.decode()
    shown = verified_client(lebak).get(page, secure=True)
    assert shown.status_code == 200
    assert WANTED in shown.content.decode()
    assert verified_client(serang).get(page, secure=True).status_code == 404
    # and the API: Polres Lebak's case system reads the result, Polres Serang's does not
    result = ScreeningResult.objects.get(application=application)
    for office_code, status in (("polres-lebak", 200), ("polres-serang", 404)):
        token = api_client_create(
            name=f"Sistem perkara {office_code}",
            office=Office.objects.get(code=office_code),
            role=Role.PENYIDIK,
            scopes=(ApiScope.SCREENING_READ,),
            viewer=Viewer.system(purpose="uji"),
        ).token
        answer = client.get(f"/api/v1/screenings/{result.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert answer.status_code == status, office_code


def test_a_police_viewer_s_offices_are_worked_out_once_per_viewer(personas, own_list, screened):
    # given: the record, its result and its decisions, as a record's page reads them
    own_list("polres-lebak")
    application = screened("application")
    viewer = _police("polres-lebak")

    def read_the_record() -> list[int]:
        return [
            PassportApplication.objects.visible_to(viewer).filter(pk=application.pk).count(),
            ScreeningResult.objects.visible_to(viewer).filter(application=application).count(),
            ApplicationDecision.objects.visible_to(viewer).count(),
        ]

    # when
    with CaptureQueriesContext(connection) as first:
        seen_first = read_the_record()
    with CaptureQueriesContext(connection) as again:
        seen_again = read_the_record()
    # then: the offices are read for the first policy only; after that one query per read
    assert seen_first == seen_again == [1, 1, 0]
    assert len(first.captured_queries) == 3 + 3
    assert len(again.captured_queries) == 3
