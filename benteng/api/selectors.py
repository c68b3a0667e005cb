from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from benteng.accounts.models import Agency, Office, OfficeCoverage
from benteng.accounts.selectors import coverage_assigning_region
from benteng.api.models import ApiClient
from benteng.api.tokens import TOKEN_MARKER, api_token_hash
from benteng.caches import ProcessCacheByKey
from benteng.regions.models import Region
from benteng.rows import Columns, fetch, table

# Longer than any token we issue, so hashing cannot be used to burn CPU with huge headers.
MAX_TOKEN_LENGTH = 200


def api_client_by_token(*, token: str) -> ApiClient | None:
    """The client holding this token, revoked or not (the caller decides), with its office
    and agency; one indexed query, in plain SQL because every API request makes it."""
    if not token.startswith(TOKEN_MARKER) or len(token) > MAX_TOKEN_LENGTH:
        return None
    client, office, agency = (
        Columns.of(ApiClient, "c"),
        Columns.of(Office, "o"),
        Columns.of(Agency, "g"),
    )
    rows = fetch(
        f"SELECT {client.sql}, {office.sql}, {agency.sql} FROM {table(ApiClient)} c "  # noqa: S608 - model names
        f"JOIN {table(Office)} o ON o.id = c.office_id "
        f"JOIN {table(Agency)} g ON g.id = o.agency_id "
        "WHERE c.token_hash = %s",
        [api_token_hash(token)],
    )
    if not rows:
        return None
    found: ApiClient = client.instance(rows[0])
    found.office = office.instance(rows[0], client.width)
    found.office.agency = agency.instance(rows[0], client.width + office.width)
    return found


def region_list(
    *, search: str = "", levels: tuple[str, ...] = (), parent_code: str = ""
) -> QuerySet[Region]:
    """Regions by name (tolerant of case and spacing), level and parent, in code order."""
    queryset = Region.objects.all()
    if search.strip():
        queryset = queryset.search(search)
    if levels:
        queryset = queryset.filter(level__in=levels)
    if parent_code:
        queryset = queryset.filter(parent_id=parent_code)
    return queryset.select_related("parent").order_by("code")


def _office_queryset() -> QuerySet[Office]:
    return Office.objects.select_related("agency", "parent", "seat").prefetch_related(
        Prefetch(
            "coverage",
            queryset=OfficeCoverage.objects.select_related("region").order_by("region_id"),
        )
    )


def office_list(
    *,
    agency: str = "",
    kind: str = "",
    covers: Region | None = None,
    search: str = "",
    active: bool | None = None,
) -> QuerySet[Office]:
    """Offices by agency, kind, name and active flag; ``covers``: responsible for that region.

    An office covers a region when it covers the region itself or any region above it (a Polres
    covering a kecamatan covers every desa in it).
    """
    queryset = _office_queryset()
    if agency:
        queryset = queryset.filter(agency__kind=agency)
    if kind:
        queryset = queryset.filter(kind=kind)
    text = search.strip()
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(code__icontains=text))
    if active is not None:
        queryset = queryset.filter(is_active=active)
    if covers is not None:
        queryset = queryset.filter(
            pk__in=coverage_assigning_region(region=covers).values("office_id")
        )
    return queryset.order_by("agency__kind", "kind", "name", "code")


def office_get(*, code: str) -> Office | None:
    return _office_queryset().filter(code=code).first()


def _client_cache_seconds() -> float:
    return float(getattr(settings, "BENTENG_API_CLIENT_CACHE_SECONDS", 0))


# The client systems this process found by their tokens, kept for
# ``BENTENG_API_CLIENT_CACHE_SECONDS``: every API call names its token, and reading the client
# (with its office and agency) was the largest single cost of a call after the screening
# itself. Only tokens that exist are kept, so unknown tokens cannot fill it. A change to a
# client in this process (revocation, new token, scopes, admin edit) clears it at once; other
# processes read the client again within the cache time.
known_clients: ProcessCacheByKey[str, ApiClient] = ProcessCacheByKey(
    "API clients by token",
    lambda token: api_client_by_token(token=token),
    max_age=_client_cache_seconds,
)
known_clients.clear_when_saved(ApiClient)
