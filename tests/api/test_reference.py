"""Reference endpoints: regions and offices, with a no-access case for each."""

from __future__ import annotations

import pytest
from django.test import Client

from benteng.accounts.models import Office
from tests.api.conftest import app_queries, bearer

pytestmark = pytest.mark.django_db

REFERENCE_URLS = [
    "/api/v1/regions",
    "/api/v1/regions/36.03.07",
    "/api/v1/offices",
    "/api/v1/offices/kanim-tangerang",
]


@pytest.mark.parametrize("url", REFERENCE_URLS)
def test_no_access_without_reference_scope(client: Client, no_scope_token: str, url: str) -> None:
    response = client.get(url, **bearer(no_scope_token))
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


@pytest.mark.parametrize("url", REFERENCE_URLS)
def test_no_access_without_token(client: Client, reference_data, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"


def test_region_with_parent_chain(client: Client, reference_token: str) -> None:
    # when
    response = client.get("/api/v1/regions/36.03.07.2001", **bearer(reference_token))
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "36.03.07.2001"
    assert body["level"] == "desa"
    assert body["name"] == "Kronjo"
    assert body["parent_code"] == "36.03.07"
    assert [parent["code"] for parent in body["parents"]] == ["36", "36.03", "36.03.07"]
    assert [parent["level"] for parent in body["parents"]] == ["provinsi", "kabupaten", "kecamatan"]
    assert body["label"] == "Kronjo, Kronjo, Kabupaten Tangerang"
    assert isinstance(body["latitude"], float)


def test_province_has_no_parents(client: Client, reference_token: str) -> None:
    body = client.get("/api/v1/regions/36", **bearer(reference_token)).json()
    assert body["parents"] == []
    assert body["parent_code"] is None


def test_unknown_region_is_404(client: Client, reference_token: str) -> None:
    response = client.get("/api/v1/regions/36.99.99", **bearer(reference_token))
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Wilayah dengan kode ini tidak ada.",
    }


def test_region_search_ignores_case_and_spaces(client: Client, reference_token: str) -> None:
    # when
    response = client.get(
        "/api/v1/regions", {"search": "K RONJO", "level": "kecamatan"}, **bearer(reference_token)
    )
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 1
    assert body["items"][0]["code"] == "36.03.07"


def test_region_level_filter_repeats(client: Client, reference_token: str) -> None:
    response = client.get(
        "/api/v1/regions?level=kabupaten&level=kota&page_size=100", **bearer(reference_token)
    )
    body = response.json()
    assert body["count"] == 8  # Banten: 4 kabupaten and 4 kota
    assert {item["level"] for item in body["items"]} == {"kabupaten", "kota"}
    assert [item["code"] for item in body["items"]] == sorted(
        item["code"] for item in body["items"]
    )


def test_region_children_by_parent(client: Client, reference_token: str) -> None:
    body = client.get(
        "/api/v1/regions", {"parent": "36.03.07", "page_size": 100}, **bearer(reference_token)
    ).json()
    assert body["count"] > 0
    assert all(item["parent_code"] == "36.03.07" for item in body["items"])
    assert all(item["level"] in ("desa", "kelurahan") for item in body["items"])


def test_region_pagination(client: Client, reference_token: str) -> None:
    # when
    first = client.get("/api/v1/regions?page_size=10", **bearer(reference_token)).json()
    second = client.get("/api/v1/regions?page_size=10&page=2", **bearer(reference_token)).json()
    beyond = client.get("/api/v1/regions?page_size=10&page=9999", **bearer(reference_token)).json()
    # then
    assert first["count"] == second["count"] > 1000
    assert first["pages"] == -(-first["count"] // 10)
    assert len(first["items"]) == 10
    assert first["items"][0]["code"] == "36"
    assert {i["code"] for i in first["items"]}.isdisjoint({i["code"] for i in second["items"]})
    assert beyond["items"] == []
    assert beyond["page"] == 9999


def test_region_list_query_count(client: Client, reference_token: str, captured_queries) -> None:  # type: ignore[no-untyped-def]
    # token lookup + (at most) last-used update + count + page, besides the rate limit's
    with captured_queries:
        response = client.get("/api/v1/regions?page_size=100", **bearer(reference_token))
    assert len(app_queries(captured_queries)) <= 4
    assert len(response.json()["items"]) == 100


@pytest.mark.parametrize(
    ("query", "location"),
    [
        pytest.param("page=0", ["query", "page"], id="page-zero"),
        pytest.param("page_size=101", ["query", "page_size"], id="page-too-big"),
        pytest.param("page=abc", ["query", "page"], id="page-not-a-number"),
        pytest.param("level=planet", ["query", "level", "0"], id="unknown-level"),
    ],
)
def test_region_list_invalid_parameters_are_422(
    client: Client, reference_token: str, query: str, location: list[str]
) -> None:
    response = client.get(f"/api/v1/regions?{query}", **bearer(reference_token))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["message"] == "Data permintaan tidak valid."
    assert [detail["location"] for detail in body["details"]] == [location]


def test_office_detail(client: Client, reference_token: str) -> None:
    response = client.get("/api/v1/offices/polsek-kronjo", **bearer(reference_token))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "polsek-kronjo"
    assert body["kind"] == "polsek"
    assert body["agency"]["kind"] == "polri"
    assert body["parent_code"] == "polresta-tangerang"
    assert body["seat"]["code"] == "36.03.07"
    assert {region["code"] for region in body["coverage"]} == {"36.03.07", "36.03.33"}


def test_unknown_office_is_404(client: Client, reference_token: str) -> None:
    response = client.get("/api/v1/offices/kanim-atlantis", **bearer(reference_token))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_office_list_filters_by_agency_and_kind(client: Client, reference_token: str) -> None:
    body = client.get(
        "/api/v1/offices", {"agency": "imigrasi", "kind": "kanim"}, **bearer(reference_token)
    ).json()
    expected = set(
        Office.objects.filter(agency__kind="imigrasi", kind="kanim").values_list("code", flat=True)
    )
    assert body["count"] == len(expected) > 0
    assert {item["code"] for item in body["items"]} == expected


def test_offices_covering_a_desa(client: Client, reference_token: str) -> None:
    """Offices covering the desa, its kecamatan, its kabupaten or the whole province."""
    body = client.get(
        "/api/v1/offices", {"covers": "36.03.07.2001"}, **bearer(reference_token)
    ).json()
    codes = {item["code"] for item in body["items"]}
    assert {
        "kanim-tangerang",
        "polresta-tangerang",
        "polsek-kronjo",
        "kanwil-imigrasi-banten",
    } <= codes
    assert "polsek-kresek" not in codes
    assert "kanim-serang" not in codes


def test_offices_covering_unknown_region_is_422(client: Client, reference_token: str) -> None:
    response = client.get("/api/v1/offices?covers=99.99", **bearer(reference_token))
    assert response.status_code == 422
    assert response.json()["details"][0]["location"] == ["query", "covers"]


def test_office_list_query_count(client: Client, reference_token: str, captured_queries) -> None:  # type: ignore[no-untyped-def]
    # token lookup + (at most) last-used update + count + page + coverage prefetch, besides
    # the rate limit's
    with captured_queries:
        response = client.get("/api/v1/offices?page_size=100", **bearer(reference_token))
    assert len(app_queries(captured_queries)) <= 5
    assert response.json()["count"] == Office.objects.count()
