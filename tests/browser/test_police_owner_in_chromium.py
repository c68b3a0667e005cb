"""A Polres's investigator finds, in Chromium, the passenger who hit the Polres's own watchlist
at the airport — far outside its area — on a 360-px phone and a desktop; another Polres finds
nothing. (The rule: ``screening.access.police_visible_rows``.)

Set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at.
"""

from __future__ import annotations

import os

import pytest

from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency, AgencyKind, Office, Role
from benteng.people.index import screening_index_reset
from benteng.screening.services import DepartureInput, departure_screen
from benteng.watchlists.categories import categories_for
from benteng.watchlists.models import Watchlist, WatchlistKind
from benteng.watchlists.services import watchlist_entry_create
from tests.browser import test_shell_in_chromium as shell
from tests.browser.test_roles_in_chromium import PHONE
from tests.conftest import make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WANTED = "Tahan dan hubungi piket Satreskrim Polres Lebak."


@pytest.fixture(autouse=True)
def fresh_index():  # type: ignore[no-untyped-def]
    screening_index_reset()
    yield
    screening_index_reset()


def _lebak_hit_at_the_airport(personas):  # type: ignore[no-untyped-def]
    """Siti on a recruiter list Polres Lebak keeps, then checked at Soekarno-Hatta."""
    lebak = Office.objects.get(code="polres-lebak")
    watchlist = Watchlist.objects.create(
        code="polres-lebak-perekrut",
        name="Terduga perekrut Polres Lebak",
        kind=WatchlistKind.PEREKRUT,
        owner_agency=Agency.objects.get(kind=AgencyKind.POLRI),
        owner_office=lebak,
        default_legal_basis="UU No. 21 Tahun 2007",
    )
    keeper = make_user("penyidik-lebak", Role.PENYIDIK, "polres-lebak")
    watchlist_entry_create(
        viewer=Viewer.for_user(keeper, purpose="uji"),
        watchlist=watchlist,
        data={
            "full_name": "Siti Nurhaliza binti Ahmad",
            "birth_date": "14-08-1996",
            "sex": "P",
            "category": categories_for(WatchlistKind.PEREKRUT)[0],
            "instruction": WANTED,
        },
    )
    outcome = departure_screen(
        viewer=Viewer.for_user(personas.petugas_tpi),
        data=DepartureInput.from_raw(
            {
                "passport_no": "C7654321",
                "full_name": "Siti Nurhaliza binti Ahmad",
                "birth_date": "14-08-1996",
                "sex": "P",
                "flight_number": "GA820",
                "destination_country": "SA",
            }
        ),
    )
    assert outcome.record.police_visible
    return keeper, outcome.record


@pytest.mark.parametrize("viewport", [PHONE, shell.DESKTOP], ids=["360", "1280"])
def test_the_owner_polres_walks_to_the_hit_and_another_polres_finds_nothing(
    open_as, personas, viewport
):
    # given
    lebak, check = _lebak_hit_at_the_airport(personas)
    serang = make_user("penyidik-serang", Role.PENYIDIK, "polres-serang")
    # when: Polres Lebak's investigator opens the departure checks and the passenger's page
    page = open_as(lebak, viewport)
    page.goto("/penyaringan/keberangkatan/")
    shell._shoot(page, f"owner-polres-departures-{viewport['width']}")
    # then
    assert page.locator("[data-testid=departures] a").all_inner_texts() == [check.reference]
    assert shell._no_sideways_scrolling(page)
    page.get_by_role("link", name=check.reference).click()
    page.wait_for_url(f"**/penyaringan/tpi/{check.pk}/")
    shell._shoot(page, f"owner-polres-departure-{viewport['width']}")
    hits = page.locator("[data-testid=hits]")
    assert "Terduga perekrut Polres Lebak" in hits.inner_text()
    assert WANTED in page.content()
    assert shell._no_sideways_scrolling(page)
    assert page.csp_violations == []
    # and Polres Serang's investigator: an empty list, and the page is not found
    other = open_as(serang, viewport)
    other.goto("/penyaringan/keberangkatan/")
    assert other.locator("[data-testid=departures] a").count() == 0
    response = other.goto(f"/penyaringan/tpi/{check.pk}/")
    assert response is not None and response.status == 404
