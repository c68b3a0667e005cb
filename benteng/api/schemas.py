"""The shapes the API returns; field descriptions end up in the OpenAPI schema."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from benteng.accounts.models import AgencyKind, Office, OfficeKind, Role
from benteng.api.models import ApiClient, ApiScope
from benteng.regions.models import Region, RegionLevel

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class RegionRef(Schema):
    code: str = Field(description="Kemendagri code, for example 36.03.05.2001.")
    level: RegionLevel
    name: str


class RegionOut(RegionRef):
    parent_code: str | None = Field(description="Code of the region one level up.")
    latitude: float | None = Field(description="Approximate centre (WGS 84), when known.")
    longitude: float | None = None


class RegionDetailOut(RegionOut):
    label: str = Field(description='How officers write the place: "Desa X, Kec. Y, Kab. Z".')
    parents: list[RegionRef] = Field(description="The parent chain, province first.")


class AgencyOut(Schema):
    kind: AgencyKind
    name: str
    short_name: str


class OfficeOut(Schema):
    code: str
    name: str
    kind: OfficeKind
    agency: AgencyOut
    parent_code: str | None = Field(description="Code of the office above this one.")
    seat: RegionRef | None = Field(description="The region where the office sits.")
    address: str
    is_active: bool
    coverage: list[RegionRef] = Field(
        description="Regions the office is responsible for, each with everything below it."
    )


class Page(Schema):
    count: int = Field(description="Number of items over all pages.")
    page: int
    page_size: int
    pages: int = Field(description="Number of pages (0 when there are no items).")


class RegionPage(Page):
    items: list[RegionOut]


class OfficePage(Page):
    items: list[OfficeOut]


class OfficeRef(Schema):
    code: str
    name: str


class ClientOut(Schema):
    name: str
    office: OfficeRef
    agency: AgencyKind | None
    role: Role = Field(description="The client sees data as this role sees it at its office.")
    scopes: list[ApiScope]
    token_prefix: str = Field(description="First characters of the token, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None = Field(description="Updated at most once a minute.")


class HealthCheckOut(Schema):
    ok: bool
    detail: str = Field(description="What was checked, or what went wrong.")


class HealthOut(Schema):
    status: Literal["ok", "unavailable"]
    version: str = Field(description="Version of the Benteng application.")
    checks: dict[str, HealthCheckOut] = Field(description="One entry per dependency.")


class ApiIndexOut(Schema):
    name: str
    version: str
    docs: str
    openapi: str
    health: str


def region_ref(region: Region) -> dict[str, Any]:
    return {"code": region.code, "level": region.level, "name": region.name}


def region_out(region: Region) -> dict[str, Any]:
    return {
        **region_ref(region),
        "parent_code": region.parent_id,
        "latitude": float(region.latitude) if region.latitude is not None else None,
        "longitude": float(region.longitude) if region.longitude is not None else None,
    }


def region_detail_out(region: Region) -> dict[str, Any]:
    return {
        **region_out(region),
        "label": region.label_with_parents(),
        "parents": [region_ref(parent) for parent in region.ancestors()],
    }


def office_out(office: Office) -> dict[str, Any]:
    """Expects agency, parent and seat selected and coverage prefetched (see selectors)."""
    return {
        "code": office.code,
        "name": office.name,
        "kind": office.kind,
        "agency": {
            "kind": office.agency.kind,
            "name": office.agency.name,
            "short_name": office.agency.short_name,
        },
        "parent_code": office.parent.code if office.parent is not None else None,
        "seat": region_ref(office.seat) if office.seat is not None else None,
        "address": office.address,
        "is_active": office.is_active,
        "coverage": [region_ref(coverage.region) for coverage in office.coverage.all()],
    }


def client_out(client: ApiClient) -> dict[str, Any]:
    return {
        "name": client.name,
        "office": {"code": client.office.code, "name": client.office.name},
        "agency": client.office.agency.kind,
        "role": client.role,
        "scopes": client.scopes,
        "token_prefix": client.token_prefix,
        "created_at": client.created_at,
        "last_used_at": client.last_used_at,
    }


def paginate(
    queryset: QuerySet[Any], *, page: int, page_size: int
) -> tuple[dict[str, Any], list[Any]]:
    """Page metadata and the page's objects (one COUNT and one SELECT)."""
    count = queryset.count()
    start = (page - 1) * page_size
    objects = list(queryset[start : start + page_size]) if start < count else []
    meta = {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": math.ceil(count / page_size),
    }
    return meta, objects
