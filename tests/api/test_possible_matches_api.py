"""The API's screening response carries "possible match -- check" apart from the hits, in the
redacted shape of a hit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from benteng.api.models import ApiScope
from benteng.people.index import screening_index_reset
from benteng.watchlists.models import WatchlistEntry
from tests.api.conftest import MakeToken, bearer
from tests.screening.test_possible_matches import HIT_FIELDS, INSTRUCTION, NOTES, SITI
from tests.screening.test_services_support import applicant, police_entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def entry(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def make(analyst: Any, **values: Any) -> WatchlistEntry:
        values = {
            "code": "polri-dpo",
            "category": "Tersangka TPPO",
            "instruction": INSTRUCTION,
            "full_name": SITI,
            "phone": "",
            **values,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return police_entry(analyst, **values)

    return make


def test_the_api_returns_possible_matches_in_the_hit_shape(
    personas, entry, client: Client, make_token: MakeToken, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # given
    listed = entry(personas.analis_polri, sex="", internal_notes=NOTES)
    token = make_token(scopes=(ApiScope.SCREENING_WRITE, ApiScope.SCREENING_READ)).token
    # when
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/screenings",
            json.dumps({"kind": "application", **applicant()}),
            content_type="application/json",
            **bearer(token),
        )
    fetched = client.get(f"/api/v1/screenings/{created.json()['id']}", **bearer(token))
    # then
    assert created.status_code == 201
    for body in (created.json(), fetched.json()):
        assert body["hits"] == []
        assert body["police_visible"] is False
        (possible,) = body["possible_matches"]
        assert possible["id"] == listed.pk
        assert set(possible) == HIT_FIELDS
        assert possible["category"] == "Tersangka TPPO"
        assert "Hanya nama yang sama" in possible["match_reasons"]
    assert NOTES not in created.content.decode()
