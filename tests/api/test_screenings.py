"""POST /api/v1/screenings and GET /api/v1/screenings/{id}: auth, scopes, idempotency, field
errors, no-access cases and the committed schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from benteng.accounts.models import Office, Role
from benteng.api.models import ApiScope
from benteng.audit.models import AuditEntry
from benteng.people.index import screening_index_reset
from benteng.screening.models import DepartureCheck, PassportApplication, ScreeningResult
from tests.api.conftest import MakeToken, bearer
from tests.screening.test_services_support import SPONSOR_PHONE, applicant, police_entry

pytestmark = pytest.mark.django_db

URL = "/api/v1/screenings"
BOTH = (ApiScope.SCREENING_WRITE, ApiScope.SCREENING_READ)


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def kanim_token(make_token: MakeToken) -> str:
    """SIMKIM of Kanim Tangerang: a passport officer's system."""
    return make_token(scopes=BOTH).token


@pytest.fixture
def post(client: Client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(token: str, body: dict[str, Any], key: str = "", **headers: str):  # type: ignore[no-untyped-def]
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                URL, json.dumps(body), content_type="application/json", **bearer(token), **headers
            )

    return run


def application_body(**overrides: Any) -> dict[str, Any]:
    return {"kind": "application", **applicant(**overrides)}


def departure_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "departure",
        "passport_no": "C7654321",
        "full_name": "Siti Nurhaliza",
        "birth_date": "14-08-1996",
        "sex": "P",
        "flight_number": "GA820",
        "destination_country": "SA",
        "purpose": "wisata",
    }
    body.update(overrides)
    return body


# --- auth and scopes ---------------------------------------------------------------------------


def test_no_token_is_401(client: Client, reference_data) -> None:  # type: ignore[no-untyped-def]
    response = client.post(URL, json.dumps(application_body()), content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"
    assert client.get(f"{URL}/1").status_code == 401


def test_post_needs_the_write_scope(post, make_token: MakeToken) -> None:  # type: ignore[no-untyped-def]
    token = make_token(scopes=(ApiScope.SCREENING_READ,)).token
    response = post(token, application_body())
    assert response.status_code == 403
    assert response.json()["details"] == {"required_scopes": ["screening:write"]}
    assert not PassportApplication.objects.exists()


def test_get_needs_the_read_scope(client: Client, post, make_token: MakeToken) -> None:  # type: ignore[no-untyped-def]
    token = make_token(scopes=(ApiScope.SCREENING_WRITE,)).token
    created = post(token, application_body())
    assert created.status_code == 201
    response = client.get(f"{URL}/{created.json()['id']}", **bearer(token))
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


# --- the good cases ------------------------------------------------------------------------------


def test_application_with_a_police_sponsor_is_201_with_the_result(
    post, personas, kanim_token: str
) -> None:  # type: ignore[no-untyped-def]
    # given
    police_entry(personas.analis_polri)
    # when
    response = post(kanim_token, application_body(sponsor_phone=SPONSOR_PHONE), key="req-1")
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "application"
    assert body["reference"].startswith("PP-")
    assert body["office"]["code"] == "kanim-tangerang"
    assert body["status"] == "disaring"
    assert body["police_visible"] is True
    assert body["replayed"] is False
    assert body["hits"][0]["owner_agency"] == "polri"
    assert "internal_notes" not in body["hits"][0]
    assert body["instructions"][0]["instruction"].startswith("Tunda")
    codes = [indicator["code"] for indicator in body["indicators"]]
    assert "sponsor_on_police_watchlist" in codes
    assert all(indicator["questions"] for indicator in body["indicators"])
    assert body["nik_check"]["valid"] is True
    assert body["risk"]["rule_set_version"] >= 1
    application = PassportApplication.objects.get(pk=body["record_id"])
    assert application.client is not None
    assert application.entered_by is None
    assert AuditEntry.objects.filter(
        action="create",
        object_type="screening.passportapplication",
        client_label__startswith="Sistem uji",
    ).exists()


def test_departure_at_a_tpi_is_201(post, make_token: MakeToken, reference_data) -> None:  # type: ignore[no-untyped-def]
    token = make_token(
        scopes=BOTH, office_code="tpi-bandara-soekarno-hatta", role=Role.PETUGAS_TPI
    ).token
    response = post(token, departure_body())
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "departure"
    assert body["reference"].startswith("KB-")
    assert body["status"] == "belum"
    assert DepartureCheck.objects.get(pk=body["record_id"]).flight_number == "GA820"


def test_get_returns_the_result(client: Client, post, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    created = post(kanim_token, application_body()).json()
    response = client.get(f"{URL}/{created['id']}", **bearer(kanim_token))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == created["id"]
    assert body["indicators"] == created["indicators"]
    assert body["replayed"] is False


def test_the_answer_is_what_ninja_would_validate(post, personas, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    """The endpoint projects its answer onto ScreeningOut instead of letting ninja validate
    it (benteng.api.projection): the same keys, defaults and values, nothing the schema does
    not name (the stored events carry the office id, for one)."""
    from ninja.responses import NinjaJSONEncoder

    from benteng.access.viewer import Viewer
    from benteng.api.models import ApiClient
    from benteng.api.screenings import ScreeningOut, screening_out
    from benteng.screening.selectors import screening_result_get

    police_entry(personas.analis_polri)
    post(kanim_token, application_body(), key="first")
    body = post(kanim_token, application_body(sponsor_phone=SPONSOR_PHONE), key="second").json()
    assert body["hits"] and body["earlier_events"]
    stored = ScreeningResult.objects.get(pk=body["id"])
    assert "office_id" in stored.earlier_events[0]
    client = ApiClient.objects.get(
        pk=PassportApplication.objects.get(pk=body["record_id"]).client_id
    )
    outcome = screening_result_get(Viewer.for_client(client, purpose="test"), body["id"])
    validated = ScreeningOut.model_validate(screening_out(outcome)).model_dump()
    expected = json.loads(json.dumps(validated, cls=NinjaJSONEncoder))
    expected["server_milliseconds"] = body["server_milliseconds"]
    assert body == expected
    # personal data: never kept by a cache or a proxy
    answer = post(kanim_token, application_body(), key="third")
    assert answer["Cache-Control"] == "no-store, private"
    assert answer["Content-Type"] == "application/json; charset=utf-8"


# --- idempotency ---------------------------------------------------------------------------------


def test_same_key_and_body_replays_with_200(post, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    first = post(kanim_token, application_body(), key="abc-123")
    again = post(kanim_token, application_body(), key="abc-123")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["replayed"] is True
    assert PassportApplication.objects.count() == 1


def test_same_key_with_another_body_is_409(post, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    post(kanim_token, application_body(), key="abc-124")
    response = post(kanim_token, application_body(destination_country="MY"), key="abc-124")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in response.json()["message"]
    assert PassportApplication.objects.count() == 1


def test_keys_belong_to_one_client(post, make_token: MakeToken, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    other = make_token(scopes=BOTH).token
    assert post(kanim_token, application_body(), key="same").status_code == 201
    assert post(other, application_body(), key="same").status_code == 201
    assert PassportApplication.objects.count() == 2


def test_a_replay_goes_through_the_access_layer(post, make_token: MakeToken) -> None:  # type: ignore[no-untyped-def]
    # given: Kanim Tangerang's system screened an applicant with a key
    issued = make_token(scopes=BOTH)
    first = post(issued.token, application_body(), key="moved-1")
    assert first.status_code == 201
    # when: the client is moved to Kanim Serang and replays the key
    issued.client.office = Office.objects.get(code="kanim-serang")
    issued.client.save()
    again = post(issued.token, application_body(), key="moved-1")
    # then: Tangerang's record is not returned, nothing is saved twice, the probe is audited
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_key_reused"
    assert "tidak lagi dapat Anda lihat" in again.json()["message"]
    assert first.json()["reference"] not in again.content.decode()
    assert PassportApplication.objects.count() == 1
    denied = AuditEntry.objects.filter(action="denied", object_type="screening.passportapplication")
    assert denied.count() == 1


def test_a_too_long_key_is_422(post, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    response = post(kanim_token, application_body(), key="k" * 101)
    assert response.status_code == 422
    assert not PassportApplication.objects.exists()


# --- bad input -----------------------------------------------------------------------------------


def test_field_errors_are_422_in_the_standard_body(post, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    response = post(
        kanim_token,
        application_body(nik="12345", birth_date="31-02-1996", destination_country="XX"),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    fields = {tuple(detail["location"]): detail["message"] for detail in body["details"]}
    assert fields[("body", "nik")] == "NIK harus 16 digit angka; yang tertulis 5 digit."
    assert "tidak ada di kalender" in fields[("body", "birth_date")]
    assert ("body", "destination_country") in fields
    assert not PassportApplication.objects.exists()


def test_field_errors_in_english_on_request(post, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    response = post(
        kanim_token, application_body(birth_date="31-02-1996"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "is not a calendar date" in response.json()["details"][0]["message"]


def test_missing_fields_and_unknown_kind_are_422(post, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    assert post(kanim_token, {"kind": "application"}).status_code == 422
    assert post(kanim_token, {"kind": "tourist"}).status_code == 422


# --- no access -----------------------------------------------------------------------------------


def test_a_police_system_cannot_screen(post, make_token: MakeToken) -> None:  # type: ignore[no-untyped-def]
    token = make_token(scopes=BOTH, office_code="polda-banten", role=Role.PENYIDIK).token
    response = post(token, application_body())
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not PassportApplication.objects.exists()


def test_a_kanim_system_cannot_check_departures(post, kanim_token: str) -> None:  # type: ignore[no-untyped-def]
    assert post(kanim_token, departure_body()).status_code == 403


def test_another_office_gets_404(
    client: Client, post, make_token: MakeToken, kanim_token: str
) -> None:  # type: ignore[no-untyped-def]
    created = post(kanim_token, application_body()).json()
    serang = make_token(scopes=BOTH, office_code="kanim-serang").token
    response = client.get(f"{URL}/{created['id']}", **bearer(serang))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"{URL}/999999", **bearer(serang)).json() == response.json()


def test_police_see_a_result_only_after_a_police_hit(
    client: Client, post, personas, make_token: MakeToken, kanim_token: str
) -> None:  # type: ignore[no-untyped-def]
    police_entry(personas.analis_polri)
    plain = post(kanim_token, application_body()).json()
    hit = post(
        kanim_token,
        application_body(
            nik="3603070101900011",
            full_name="Budi Hartono",
            birth_date="01-01-1990",
            sex="L",
            sponsor_phone=SPONSOR_PHONE,
        ),
    ).json()
    police = make_token(
        scopes=(ApiScope.SCREENING_READ,), office_code="polda-banten", role=Role.PENYIDIK
    ).token
    assert client.get(f"{URL}/{plain['id']}", **bearer(police)).status_code == 404
    seen = client.get(f"{URL}/{hit['id']}", **bearer(police))
    assert seen.status_code == 200
    assert all(event["record_id"] is None for event in seen.json()["earlier_events"])


def test_earlier_event_at_another_office_hides_the_record(
    client: Client, post, make_token: MakeToken, kanim_token: str
) -> None:  # type: ignore[no-untyped-def]
    first = post(kanim_token, application_body()).json()
    serang = make_token(scopes=BOTH, office_code="kanim-serang").token
    second = post(serang, application_body(full_name="Siti Nur Haliza")).json()
    [event] = second["earlier_events"]
    assert event["office_code"] == "kanim-tangerang"
    assert event["record_id"] is None
    assert "office_id" not in event
    # the Tangerang system reading the Serang result? not its office: 404
    assert client.get(f"{URL}/{second['id']}", **bearer(kanim_token)).status_code == 404
    assert first["earlier_events"] == []


# --- schema ---------------------------------------------------------------------------------


def test_the_committed_schema_has_the_screening_endpoints() -> None:
    schema = json.loads(Path("docs/openapi.json").read_text("utf-8"))
    post_operation = schema["paths"]["/api/v1/screenings"]["post"]
    assert post_operation["security"] == [{"ApiToken": ["screening:write"]}]
    assert {"200", "201", "409", "422"} <= set(post_operation["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post_operation["parameters"])
    get_operation = schema["paths"]["/api/v1/screenings/{screening_id}"]["get"]
    assert get_operation["security"] == [{"ApiToken": ["screening:read"]}]
    assert "404" in get_operation["responses"]
