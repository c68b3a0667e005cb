"""The screening demo: realistic patterns, made through the real services, idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from benteng.accounts import demo as accounts_demo
from benteng.demo import DemoContext
from benteng.people.index import screening_index_reset
from benteng.screening import demo as screening_demo
from benteng.screening.models import (
    ApplicationStatus,
    DecisionOutcome,
    DepartureCheck,
    DepartureOutcome,
    PassportApplication,
)
from benteng.watchlists import demo as watchlists_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(reference_data, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    screening_index_reset()
    context = DemoContext()
    with django_capture_on_commit_callbacks(execute=True):
        accounts_demo.seed_demo(context)
        watchlists_demo.seed_demo(context)
        screening_demo.seed_demo(context)
    yield context
    screening_index_reset()


def test_demo_has_decisions_of_every_kind(seeded):
    outcomes = set(
        PassportApplication.objects.values_list("decisions__outcome", flat=True).distinct()
    )
    assert set(DecisionOutcome.values) <= outcomes
    statuses = set(PassportApplication.objects.values_list("status", flat=True))
    assert {ApplicationStatus.SCREENED, ApplicationStatus.POSTPONED, ApplicationStatus.LAPSED} <= (
        statuses
    )
    overdue = PassportApplication.objects.filter(
        status=ApplicationStatus.POSTPONED, postponed_until__lt=timezone.localdate()
    )
    assert overdue.exists()
    departures = set(DepartureCheck.objects.values_list("outcome", flat=True))
    assert set(DepartureOutcome.values) <= departures
    dates = PassportApplication.objects.values_list("submitted_at", flat=True)
    assert (max(dates) - min(dates)).days >= 14  # a few weeks of work


def test_recruiter_sponsors_applicants_from_two_villages(seeded):
    recruiter = seeded.shared["demo_recruiter"]
    sponsored = PassportApplication.objects.filter(sponsor_phone=recruiter["phone"])
    assert sponsored.count() >= 4
    assert len({application.region_id for application in sponsored}) == 2
    for application in sponsored:
        result = application.screenings.get()
        assert any(hit["matched_on"] in ("sponsor", "phone") for hit in result.hits)
        assert application.police_visible


def test_applicant_delayed_in_serang_is_seen_in_tangerang_and_at_the_tpi(seeded):
    again = PassportApplication.objects.get(full_name="Siti Nur Halimah")
    assert again.office.code == "kanim-tangerang"
    events = again.screenings.get().earlier_events
    assert any(
        event["office_code"] == "kanim-serang" and event["status"] == ApplicationStatus.POSTPONED
        for event in events
    )
    passenger = DepartureCheck.objects.get(full_name="Siti Nurhalimah")
    assert passenger.outcome == DepartureOutcome.DELAY
    assert passenger.screenings.get().hits


def test_demo_runs_twice_without_duplicates(seeded):
    applications = PassportApplication.objects.count()
    checks = DepartureCheck.objects.count()
    screening_demo.seed_demo(seeded)
    assert PassportApplication.objects.count() == applications
    assert DepartureCheck.objects.count() == checks


def test_the_demo_shows_a_possible_match_for_the_recruiter_known_by_name_only(
    seeded, django_capture_on_commit_callbacks
):
    # given: the police know a recruiter by his name only (the demo's note names him)
    from benteng.accounts.models import User
    from benteng.screening.cleaning import ApplicationInput
    from benteng.screening.services import application_screen
    from tests.screening.test_services_support import applicant, viewer_of

    assert watchlists_demo.NAME_ONLY_RECRUITER_SPELLED in " ".join(seeded.notes)
    # when: an applicant of a close spelling comes to the counter with a full identity
    with django_capture_on_commit_callbacks(execute=True):
        outcome = application_screen(
            viewer=viewer_of(User.objects.get(username="imigrasi.tangerang")),
            data=ApplicationInput.from_raw(
                applicant(full_name=watchlists_demo.NAME_ONLY_RECRUITER_SPELLED, sex="L")
            ),
        )
    # then: a possible match to check, not a hit
    assert outcome.hits == []
    assert len(outcome.possible_matches) == 1
