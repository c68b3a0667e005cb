"""Errors answer in Bahasa Indonesia, in the site's layout, and never with Django's debug page."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from benteng.screening.models import PassportApplication
from tests.conftest import verified_client
from tests.screening.test_views import APPLICANT

pytestmark = pytest.mark.django_db

OVER_LIMIT = 3 * 1024 * 1024  # above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


@pytest.fixture(params=[False, True], ids=["production", "demo-debug"])
def debug(request, settings):  # type: ignore[no-untyped-def]
    """The demo runs with DEBUG on: its errors must look like production's."""
    settings.DEBUG = request.param
    return request.param


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_unknown_page_is_an_indonesian_404_in_the_site_layout(personas, debug):
    # when
    response = verified_client(personas.petugas_imigrasi).get("/tidak-ada-halaman-ini/")
    # then
    page = _text(response)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in page
    assert 'class="site-header"' in page
    assert "Beranda" in page  # the navigation of the signed-in person
    assert "Page not found" not in page
    assert "Using the URLconf" not in page


def test_record_not_found_is_the_same_404_page(personas, debug):
    response = verified_client(personas.petugas_imigrasi).get("/rekan/999999999/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in _text(response)


@pytest.mark.parametrize("persona", ["petugas_imigrasi", "pimpinan", "penyidik"])
def test_a_non_admin_opening_the_admin_gets_a_403_page_not_a_redirect_loop(personas, persona):
    # when
    response = verified_client(getattr(personas, persona)).get("/admin/")
    # then
    assert response.status_code == 403
    page = _text(response)
    assert "Akses ditolak" in page
    assert 'class="site-header"' in page
    assert "Forbidden" not in page


def test_anonymous_admin_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("web:login"))
    assert response.status_code == 200


def test_500_page_needs_neither_database_nor_user(django_assert_num_queries):
    # given
    request = RequestFactory().get("/")
    # when
    with django_assert_num_queries(0):
        response = server_error(request)
    # then
    page = _text(response)
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in page
    assert 'class="site-header"' in page


def test_oversize_post_gets_an_indonesian_page_not_the_debug_page(personas, debug):
    # given
    client = verified_client(personas.petugas_imigrasi)
    # when
    response = client.post(
        reverse("screening:counter"),
        "full_name=" + "a" * OVER_LIMIT,
        content_type="application/x-www-form-urlencoded",
    )
    # then
    page = _text(response)
    assert response.status_code == 413
    assert "Isian terlalu besar" in page
    assert 'class="site-header"' in page
    assert "Traceback" not in page
    assert "RequestDataTooBig" not in page


def test_oversize_api_body_gets_the_json_error_body(debug):
    # when
    response = Client().post(
        "/api/v1/screenings/applications",
        "{" + " " * OVER_LIMIT + "}",
        content_type="application/json",
    )
    # then
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "payload_too_large"
    assert "terlalu besar" in body["message"]


def test_a_300_character_name_gets_one_message(personas):
    # given
    client = verified_client(personas.petugas_imigrasi)
    # when
    response = client.post(reverse("screening:counter"), {**APPLICANT, "full_name": "a" * 300})
    # then
    page = _text(response)
    assert response.status_code == 200
    assert len(re.findall(r"paling banyak 200|maksimal 200|at most 200", page)) == 1
    assert "Nama lengkap wajib diisi" not in page
    assert not PassportApplication.objects.exists()


def test_every_api_operation_declares_400_422_with_parameters_413_with_a_body():
    # given
    from benteng.api.urls import api

    schema = api.get_openapi_schema()
    # when / then
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = {str(status) for status in operation["responses"]}
            assert "400" in declared, (path, method)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in declared, (path, method)
            if method.upper() in ("POST", "PUT", "PATCH"):
                assert "413" in declared, (path, method)


def test_an_error_in_the_demo_gets_the_indonesian_500_page_not_the_traceback(
    personas, settings, monkeypatch
):
    # given the demo (DEBUG and DEMO_MODE on) and a page that fails
    settings.DEBUG = True
    settings.DEMO_MODE = True
    from benteng.web import views as web_views

    class Broken(dict):  # type: ignore[type-arg]
        def get(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    monkeypatch.setattr(web_views, "ROLE_PURPOSES", Broken())
    client = verified_client(personas.petugas_imigrasi)
    client.raise_request_exception = False
    # when
    response = client.get("/")
    # then
    page = _text(response)
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in page
    assert "Traceback" not in page


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("admin", "/rujukan/", 403),  # refused by the predicate
        ("petugas_imigrasi", "/kasus/", 403),
        ("penyidik", "/kasus/999999/", 404),  # missing and forbidden alike
    ],
)
def test_a_refused_or_missing_page_in_the_demo_is_403_or_404_not_the_500_page(
    personas, settings, persona, path, status
):
    # given the demo (DEBUG and DEMO_MODE on), whose 500 page catches every other error
    settings.DEBUG = True
    settings.DEMO_MODE = True
    client = verified_client(getattr(personas, persona))
    client.raise_request_exception = False
    # when
    response = client.get(path)
    # then
    assert response.status_code == status
    assert "Terjadi kesalahan pada server" not in _text(response)
