"""Input and caching rules that hold for every page and endpoint."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from benteng.screening.models import ApplicationStatus, DecisionOutcome, DecisionReason
from tests.conftest import verified_client
from tests.screening.flow_factories import application_make

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
    assert multipart.status_code == 400
    assert "karakter NUL" in multipart.content.decode()


def test_a_nul_character_in_a_multipart_interview_answer_is_refused(personas):
    # Interview answers are read from the posted fields without a form field to refuse NUL.
    application = application_make()
    client = verified_client(personas.petugas_imigrasi)
    url = reverse("screening:application_decision", args=[application.pk])
    response = client.post(
        url,
        {
            "kontak-TOTAL_FORMS": "0",
            "kontak-INITIAL_FORMS": "0",
            "outcome": DecisionOutcome.POSTPONE,
            "reason": DecisionReason.DOCUMENTS_MISSING,
            "note": "Surat jaminan belum ada.",
            "jawaban-0": "Dibiayai\x00 Pak Darto",
        },
    )
    assert response.status_code == 400
    assert "karakter NUL" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCREENED
    assert not application.interview_answers
    assert not application.decisions.exists()


def test_a_file_whose_content_holds_nul_still_reaches_the_import(personas):
    # An XLSX is a zip full of NUL bytes: only fields and file names are checked.
    upload = io.BytesIO(b"PK\x03\x04\x00\x00broken")
    upload.name = "daftar.xlsx"
    client = verified_client(personas.analis_polri)
    response = client.post("/daftar-pantauan/polri-perekrut/impor/", {"file": upload})
    assert response.status_code == 200
    assert "Berkas XLSX tidak dapat dibuka" in response.content.decode()


def test_pages_of_a_signed_in_person_are_never_cached(personas):
    client = verified_client(personas.petugas_imigrasi)
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
