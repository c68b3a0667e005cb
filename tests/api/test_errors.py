"""Every error under /api/v1/ has the body {code, message, details?}, in the request's language."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from benteng.api import reference
from benteng.api.urls import api
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def assert_error_body(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    assert set(body) <= {"code", "message", "details"}
    return body


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/nothing-here", id="unknown"),
        pytest.param("/api/v1/regions/36/children/", id="deeper"),
        pytest.param("/api/v1/regions/", id="trailing-slash"),
    ],
)
def test_unknown_api_path_is_404_json(client: Client, path: str) -> None:
    body = assert_error_body(client.get(path), 404, "not_found")
    assert body["message"] == "Data atau alamat yang diminta tidak ditemukan."


def test_unknown_api_path_with_post_is_404_json_not_csrf_page(client: Client) -> None:
    csrf_checking = Client(enforce_csrf_checks=True)
    assert_error_body(csrf_checking.post("/api/v1/nothing-here", {}), 404, "not_found")


def test_unsupported_method_is_405_with_allow(client: Client, reference_token: str) -> None:
    # when
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/regions", {}, **bearer(reference_token)
    )
    # then
    body = assert_error_body(response, 405, "method_not_allowed")
    assert body["message"] == "Metode HTTP ini tidak didukung untuk alamat ini."
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs", "/api/v1/"])
def test_documents_answer_get_only(client: Client, path: str) -> None:
    response = Client(enforce_csrf_checks=True).delete(path)
    assert_error_body(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"


def test_index_lists_the_documents(client: Client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "name": "Benteng API",
        "version": "1",
        "docs": "/api/v1/docs",
        "openapi": "/api/v1/openapi.json",
        "health": "/api/v1/health",
    }


def test_validation_messages_are_translated(client: Client, reference_token: str) -> None:
    response = client.get("/api/v1/regions?page=0&page_size=x", **bearer(reference_token))
    body = assert_error_body(response, 422, "validation_failed")
    assert body["details"] == [
        {
            "location": ["query", "page"],
            "message": "Harus lebih besar atau sama dengan 1.",
            "type": "greater_than_equal",
        },
        {
            "location": ["query", "page_size"],
            "message": "Harus berupa bilangan bulat.",
            "type": "int_parsing",
        },
    ]


def test_rate_limit_is_429_with_retry_after(client: Client, reference_token: str, settings) -> None:
    # given
    settings.BENTENG_API_RATE_LIMIT = "2/min"
    for _ in range(2):
        assert client.get("/api/v1/regions/36", **bearer(reference_token)).status_code == 200
    # when
    response = client.get("/api/v1/regions/36", **bearer(reference_token))
    # then
    body = assert_error_body(response, 429, "rate_limited")
    assert body["message"] == "Terlalu banyak permintaan. Coba lagi nanti."
    assert 0 < int(response["Retry-After"]) <= 60


def test_rate_limit_counts_per_client(client: Client, make_token, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BENTENG_API_RATE_LIMIT = "1/min"
    first, second = make_token().token, make_token().token
    assert client.get("/api/v1/regions/36", **bearer(first)).status_code == 200
    assert client.get("/api/v1/regions/36", **bearer(second)).status_code == 200
    assert client.get("/api/v1/regions/36", **bearer(first)).status_code == 429


def test_unexpected_exception_is_500_json_and_logged(
    client: Client, reference_token: str, monkeypatch, caplog
) -> None:
    # given
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(reference, "region_get", broken)
    # when
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/regions/36", **bearer(reference_token))
    # then
    body = assert_error_body(response, 500, "internal_error")
    assert "synthetic failure" not in response.content.decode()
    assert body["message"] == "Terjadi kesalahan pada server. Kejadian ini sudah dicatat."
    assert any(
        record.exc_info and "synthetic failure" in str(record.exc_info[1])
        for record in caplog.records
    )


def test_unparsable_body_is_400() -> None:
    """ninja's own HttpError(400), as raised for a body that is not JSON, gets the error body."""
    from ninja.errors import HttpError

    request = RequestFactory().post("/api/v1/anything")
    response = api.on_exception(request, HttpError(400, "Cannot parse request body"))
    assert response.status_code == 400
    assert response.content.decode().startswith('{"code": "bad_request"')


def test_access_layer_not_visible_is_404() -> None:
    """Missing and forbidden look the same: benteng.access.NotVisible answers 404 not_found."""
    from benteng.access import NotVisible

    response = api.on_exception(RequestFactory().get("/api/v1/x"), NotVisible())
    assert response.status_code == 404
    assert b'"not_found"' in response.content


def test_messages_default_to_bahasa_indonesia(client: Client, reference_data) -> None:
    response = client.get("/api/v1/regions/36")
    assert response["Content-Language"] == "id"
    assert response.json()["message"].startswith("Diperlukan token API")


def test_messages_follow_accept_language_english(client: Client, reference_data) -> None:
    # when
    response = client.get("/api/v1/regions/36", HTTP_ACCEPT_LANGUAGE="en")
    # then
    with translation.override("en"):
        expected = gettext("Diperlukan token API pada header Authorization: Bearer <token>.")
    assert response["Content-Language"] == "en"
    assert response.json()["message"] == expected


def test_validation_details_follow_accept_language(client: Client, reference_token: str) -> None:
    response = client.get(
        "/api/v1/regions?page=0", HTTP_ACCEPT_LANGUAGE="en", **bearer(reference_token)
    )
    with translation.override("en"):
        expected = gettext("Harus lebih besar atau sama dengan %(ge)s.") % {"ge": 1}
    assert response.json()["details"][0]["message"] == expected
