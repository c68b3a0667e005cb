from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from benteng.accounts.models import Office, OfficeCoverage, OfficeKind, User
from benteng.regions.codes import areas_containing
from benteng.regions.models import Region

# How local an office is: the village office first, the regional office last.
OFFICE_LOCALITY: dict[str, int] = {
    OfficeKind.KANTOR_DESA: 0,
    OfficeKind.POLSEK: 1,
    OfficeKind.TPI: 1,
    OfficeKind.POLRES: 2,
    OfficeKind.KANIM: 2,
    OfficeKind.POLDA: 3,
    OfficeKind.KANWIL: 3,
    OfficeKind.BP3MI: 3,
}


def coverage_assigning_region(*, region: Region) -> QuerySet[OfficeCoverage]:
    """The coverage rows that assign this region to an office: at the region itself or at any
    region above it (an office covering a kecamatan covers every desa in it). Only the offices
    assigned; their parent offices are in :func:`offices_responsible_for`."""
    return OfficeCoverage.objects.filter(region__code__in=areas_containing(region.code))


def offices_responsible_for(*, region_code: str, agency_kind: str | None = None) -> list[Office]:
    """Offices responsible for the region, most local first: those its coverage assigns it to
    (:func:`coverage_assigning_region`) and, above them, their parent offices (Polda Banten
    answers for what its Polres cover)."""
    direct = Office.objects.filter(
        is_active=True, coverage__region_id__in=areas_containing(region_code)
    ).select_related("agency", "parent")
    if agency_kind:
        direct = direct.filter(agency__kind=agency_kind)
    found: dict[int, Office] = {office.pk: office for office in direct}
    # Walk up the office tree (a few levels at most) to add the parents.
    frontier = {office.parent_id for office in found.values() if office.parent_id}
    while frontier - set(found):
        parents = list(
            Office.objects.filter(pk__in=frontier - set(found), is_active=True).select_related(
                "agency", "parent"
            )
        )
        found.update({parent.pk: parent for parent in parents})
        frontier = {office.parent_id for office in parents if office.parent_id}
    return sorted(
        found.values(), key=lambda office: (OFFICE_LOCALITY.get(office.kind, 9), office.name)
    )


def office_and_offices_below(*, office_id: int) -> list[Office]:
    """The office and the offices below it, in one query: an office tree is three levels deep
    (Polda → Polres → Polsek, Kanwil → Kanim → TPI), as the referral and case rules assume."""
    return list(
        Office.objects.filter(
            Q(pk=office_id) | Q(parent_id=office_id) | Q(parent__parent_id=office_id)
        )
    )


def region_codes_covered_by(*, office_ids: Iterable[int]) -> list[str]:
    """Region codes these offices cover (each code once, sorted)."""
    return sorted(
        set(
            Region.objects.filter(coverage__office_id__in=list(office_ids)).values_list(
                "code", flat=True
            )
        )
    )


def office_region_codes(*, office: Office) -> list[str]:
    """Region codes the office covers directly or through the offices below it."""
    below = office_and_offices_below(office_id=office.pk)
    return region_codes_covered_by(office_ids=[item.pk for item in below])


def office_list_with_counts(*, agency_kind: str | None = None) -> QuerySet[Office]:
    offices = Office.objects.select_related("agency", "parent", "seat").annotate(
        coverage_count=Count("coverage", distinct=True),
        staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True),
    )
    if agency_kind:
        offices = offices.filter(agency__kind=agency_kind)
    return offices


def user_counts_by_role() -> dict[str, int]:
    rows = User.objects.filter(is_active=True).values("role").annotate(total=Count("id"))
    return {row["role"]: row["total"] for row in rows}
