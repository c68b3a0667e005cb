"""Input and caching rules that hold for every page and endpoint."""

from __future__ import annotations

import json

import pytest

from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/wilayah/36%00/", "/wilayah/?q=a%00", "/api/v1/regions?search=a%00", "/api/v1/health?x=%00"],
)
def test_a_nul_character_in_the_address_is_refused_with_400(client, path):
    response = client.get(path)
    assert response.status_code == 400


def test_a_nul_character_in_a_json_body_gets_the_api_error_body(client):
    response = client.post(
        "/api/v1/screenings",
        data=json.dumps({"kind": "application", "full_name": "Nur\u0000Aini"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_a_nul_character_in_a_form_is_refused(personas):
    client = verified_client(personas.petugas_imigrasi)
    urlencoded = client.post(
        "/penyaringan/loket/",
        "full_name=Nur%00Aini",
        content_type="application/x-www-form-urlencoded",
    )
    multipart = client.post("/penyaringan/loket/", {"full_name": "Nur\x00Aini"})
    assert urlencoded.status_code == 400
    # Multipart bodies reach the form, whose fields refuse NUL with a message.
    assert multipart.status_code == 200


def test_pages_of_a_signed_in_person_are_never_cached(personas):
    client = verified_client(personas.petugas_imigrasi)
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
