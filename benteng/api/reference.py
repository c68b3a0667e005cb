"""Reference data for client systems: the Banten region tree and the agencies' offices.

Neither is personal data, so these reads are not written to the audit trail; they still need a
token with the ``reference:read`` scope.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router
from ninja.params.functions import Query as query_param

from benteng.accounts.models import AgencyKind, OfficeKind
from benteng.api.auth import require_scope
from benteng.api.errors import ApiError, ApiErrorCode, error_responses
from benteng.api.models import ApiScope
from benteng.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    OfficeOut,
    OfficePage,
    RegionDetailOut,
    RegionPage,
    office_out,
    paginate,
    region_detail_out,
    region_out,
)
from benteng.api.selectors import office_get, office_list, region_list
from benteng.regions.models import RegionLevel
from benteng.regions.selectors import region_get

router = Router(tags=["reference"], auth=require_scope(ApiScope.REFERENCE_READ))

PageNumber = query_param(1, ge=1, description="Page number, from 1.")
PageSize = query_param(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
RegionSearch = query_param("", max_length=100, description="Part of the name.")
RegionLevels = query_param([], description="Only regions of these levels.")
RegionParent = query_param("", max_length=13, description="Only the children of this code.")
OfficeAgency = query_param(None, description="Only offices of this agency.")
OfficeKindParam = query_param(None, description="Only offices of this kind.")
OfficeCovers = query_param("", max_length=13, description="Region code the office covers.")
OfficeSearch = query_param("", max_length=100, description="Part of the name or code.")
OfficeActive = query_param(None, description="Only active (true) or inactive (false) offices.")


@router.get(
    "/regions",
    response={200: RegionPage, **error_responses(401, 403, 422, 429)},
    summary="Search the Banten region tree",
    description=(
        "Regions in code order. `search` matches names regardless of case and spacing "
        '("suka jaya" finds "Sukajaya"); `level` may be repeated; `parent` lists the '
        "children of one region."
    ),
    operation_id="region_list",
)
def regions(
    request: HttpRequest,
    search: str = RegionSearch,
    level: list[RegionLevel] = RegionLevels,
    parent: str = RegionParent,
    page: int = PageNumber,
    page_size: int = PageSize,
) -> dict[str, Any]:
    queryset = region_list(search=search, levels=tuple(level), parent_code=parent.strip())
    meta, items = paginate(queryset, page=page, page_size=page_size)
    return {**meta, "items": [region_out(region) for region in items]}


@router.get(
    "/regions/{code}",
    response={200: RegionDetailOut, **error_responses(401, 403, 404, 429)},
    summary="One region with its parent chain",
    operation_id="region_get",
)
def region(request: HttpRequest, code: str) -> dict[str, Any]:
    found = region_get(code=code)
    if found is None:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, _("Wilayah dengan kode ini tidak ada."))
    return region_detail_out(found)


@router.get(
    "/offices",
    response={200: OfficePage, **error_responses(401, 403, 422, 429)},
    summary="Offices of the agencies",
    description=(
        "Offices with their agency, parent office, seat and coverage. `covers` gives the offices "
        "responsible for a region: those covering it or any region above it."
    ),
    operation_id="office_list",
)
def offices(
    request: HttpRequest,
    agency: AgencyKind | None = OfficeAgency,
    kind: OfficeKind | None = OfficeKindParam,
    covers: str = OfficeCovers,
    search: str = OfficeSearch,
    active: bool | None = OfficeActive,
    page: int = PageNumber,
    page_size: int = PageSize,
) -> dict[str, Any]:
    covered_region = None
    if covers.strip():
        covered_region = region_get(code=covers)
        if covered_region is None:
            raise ApiError(
                422,
                ApiErrorCode.VALIDATION_FAILED,
                details=[
                    {
                        "location": ["query", "covers"],
                        "message": str(_("Kode wilayah tidak dikenal.")),
                        "type": "unknown_region",
                    }
                ],
            )
    queryset = office_list(
        agency=agency or "",
        kind=kind or "",
        covers=covered_region,
        search=search,
        active=active,
    )
    meta, items = paginate(queryset, page=page, page_size=page_size)
    return {**meta, "items": [office_out(office) for office in items]}


@router.get(
    "/offices/{code}",
    response={200: OfficeOut, **error_responses(401, 403, 404, 429)},
    summary="One office",
    operation_id="office_get",
)
def office(request: HttpRequest, code: str) -> dict[str, Any]:
    found = office_get(code=code)
    if found is None:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, _("Kantor dengan kode ini tidak ada."))
    return office_out(found)
