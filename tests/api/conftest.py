"""Client systems and their tokens for the API tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role
from benteng.api.models import ApiScope
from benteng.api.services import IssuedToken, api_client_create
from benteng.watchlists.models import Watchlist

MakeToken = Callable[..., IssuedToken]


@pytest.fixture
def make_token(reference_data) -> MakeToken:  # type: ignore[no-untyped-def]
    counter = iter(range(1, 1000))

    def make(
        *,
        scopes: tuple[str, ...] = (ApiScope.REFERENCE_READ,),
        office_code: str = "kanim-tangerang",
        role: str = Role.PETUGAS_IMIGRASI,
        name: str = "",
    ) -> IssuedToken:
        return api_client_create(
            name=name or f"Sistem uji {next(counter)}",
            office=Office.objects.get(code=office_code),
            role=role,
            scopes=scopes,
            viewer=Viewer.system(purpose="test"),
        )

    return make


@pytest.fixture
def reference_token(make_token: MakeToken) -> str:
    """A token of an immigration system allowed to read reference data."""
    return make_token().token


@pytest.fixture
def no_scope_token(make_token: MakeToken) -> str:
    """The "no access" case: a valid token whose scopes do not include reference:read."""
    return make_token(scopes=(ApiScope.SCREENING_READ,)).token


def app_queries(captured: CaptureQueriesContext) -> list[str]:
    """The queries of the request itself: without the rate limit's reads and writes of the
    shared cache (the database cache here; Redis in a deployment that sets REDIS_URL)."""
    table = settings.CACHES["default"].get("LOCATION", "")
    return [
        query["sql"]
        for query in captured.captured_queries
        if table not in query["sql"] and "SAVEPOINT" not in query["sql"]
    ]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def captured_queries():  # type: ignore[no-untyped-def]
    return CaptureQueriesContext(connection)


@pytest.fixture
def api(client: Client) -> Client:
    return client


@pytest.fixture
def police_list(personas) -> Watchlist:  # type: ignore[no-untyped-def]
    """A list of Polda (webhook tests: events about its entries)."""
    return Watchlist.objects.get(code="polri-perekrut")


@pytest.fixture
def immigration_list(personas) -> Watchlist:  # type: ignore[no-untyped-def]
    return Watchlist.objects.get(code="imigrasi-deportasi")
