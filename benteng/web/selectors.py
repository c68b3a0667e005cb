"""The figures of the home pages, read from the data that exists.

Staff accounts are personal data, so every read of them goes through ``visible_to``. Figures
for leadership and administrators that count across all offices use a system viewer with a
stated purpose and return counts only, never a name.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from benteng.access.policy import visible_to
from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency, Office, OfficeCoverage, Role, User
from benteng.api.models import ApiClient
from benteng.audit.models import AuditChainHead, AuditEntry
from benteng.audit.services import audit_chain_verify
from benteng.regions.codes import code_within, within_q
from benteng.regions.models import REGENCY_LEVELS, Region

AGGREGATE_PURPOSE = "angka agregat halaman beranda"
# Re-walking a long audit chain on every page view is too slow; above this size the home page
# shows the last result (kept for CHAIN_CHECK_CACHE_SECONDS) and `manage.py audit_verify` does
# the full walk.
CHAIN_CHECK_MAX_ENTRIES = 50_000
CHAIN_CHECK_CACHE_SECONDS = 300


@dataclass(frozen=True)
class CoveredRegion:
    region: Region
    village_count: int


@dataclass(frozen=True)
class OfficeSummary:
    office: Office
    covered: list[CoveredRegion]
    village_total: int
    staff_count: int


@dataclass(frozen=True)
class KindCount:
    label: str
    count: int


@dataclass(frozen=True)
class ChainStatus:
    checked: int
    intact: bool
    broken_at: int | None
    verified_at: dt.datetime | None


@dataclass(frozen=True)
class RegencyVillages:
    region: Region
    villages: int
    with_pimpasa: int
    with_bhabinkamtibmas: int
    with_pic_desa: int


def office_summary(*, viewer: Viewer, office: Office) -> OfficeSummary:
    """An office's coverage with the villages under each covered region, and its staff count."""
    coverage = list(
        OfficeCoverage.objects.filter(office=office)
        .select_related("region")
        .order_by("region__code")
    )
    codes = [item.region.code for item in coverage]
    village_codes = list(
        Region.objects.villages().filter(within_q(codes)).values_list("code", flat=True)
    )
    covered = [
        CoveredRegion(
            region=item.region,
            village_count=sum(1 for code in village_codes if code_within(code, item.region.code)),
        )
        for item in coverage
    ]
    staff_count = User.objects.visible_to(viewer).filter(office=office, is_active=True).count()
    return OfficeSummary(
        office=office,
        covered=covered,
        village_total=len(set(village_codes)),
        staff_count=staff_count,
    )


def agency_office_counts(*, agency: Agency) -> list[KindCount]:
    """How many active offices of each kind the agency has."""
    rows = (
        Office.objects.filter(agency=agency, is_active=True)
        .values("kind")
        .annotate(total=Count("pk"))
        .order_by("kind")
    )
    labels = dict(Office._meta.get_field("kind").choices or [])
    return [
        KindCount(label=str(labels.get(row["kind"], row["kind"])), count=row["total"])
        for row in rows
    ]


def villages_of_user(*, user: User) -> list[Region]:
    """The villages a village role works, with their kecamatan and kabupaten/kota loaded."""
    return list(user.villages.select_related("parent__parent").order_by("code"))


def users_per_role(*, viewer: Viewer) -> list[KindCount]:
    """Active accounts per role among those the viewer may see."""
    counts = Counter(
        dict(
            User.objects.visible_to(viewer)
            .filter(is_active=True)
            .values_list("role")
            .annotate(total=Count("pk"))
            .order_by()
        )
    )
    return [KindCount(label=str(role.label), count=counts.get(role.value, 0)) for role in Role]


def locked_out_account_count() -> int:
    """Username/address pairs that django-axes currently blocks."""

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locked: int = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).count()
    return locked


def audit_entries_today() -> int:

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        visible_to(AuditEntry.objects.all(), Viewer.system(purpose=AGGREGATE_PURPOSE))
        .filter(occurred_at__gte=start)
        .count()
    )


def audit_chain_status() -> ChainStatus | None:
    """Whether the audit chain verifies; None when it is too long to walk on a page view.

    The result is cached for a few minutes per chain head (sequence and hash), so reloading
    the page does not re-walk the chain; an edit of an old row that leaves the head alone
    shows here once the cached result expires, and at once in ``manage.py audit_verify``.
    """

    head = AuditChainHead.objects.filter(singleton=1).first()
    last_sequence = head.last_sequence if head else 0
    last_hash = head.last_hash if head else ""
    cache_key = f"benteng:web:audit-chain:{last_sequence}:{last_hash}"
    cached: ChainStatus | None = cache.get(cache_key)
    if cached is not None:
        return cached
    if last_sequence > CHAIN_CHECK_MAX_ENTRIES:
        return None
    checked, chain_break = audit_chain_verify()
    status = ChainStatus(
        checked=checked,
        intact=chain_break is None,
        broken_at=chain_break.sequence if chain_break else None,
        verified_at=timezone.now(),
    )
    cache.set(cache_key, status, CHAIN_CHECK_CACHE_SECONDS)
    return status


def active_api_client_count() -> int:

    return ApiClient.objects.filter(revoked_at__isnull=True).count()


def offices_per_agency() -> list[KindCount]:
    rows = Agency.objects.annotate(
        total=Count("offices", filter=Q(offices__is_active=True))
    ).order_by("kind")
    return [KindCount(label=agency.name, count=agency.total) for agency in rows]


def staff_per_agency() -> list[KindCount]:
    """Active accounts per agency, counted across all offices (counts only)."""
    system = Viewer.system(purpose=AGGREGATE_PURPOSE)
    counts = dict(
        User.objects.visible_to(system)
        .filter(is_active=True, office__isnull=False)
        .values_list("office__agency__kind")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return [
        KindCount(label=agency.name, count=counts.get(agency.kind, 0))
        for agency in Agency.objects.order_by("kind")
    ]


def villages_per_regency() -> list[RegencyVillages]:
    """Per kabupaten/kota: villages, and how many have a PIMPASA, Bhabinkamtibmas or PIC desa.

    A village with a PIMPASA assigned is a Desa Binaan. Counts of villages, not of people.
    """
    system = Viewer.system(purpose=AGGREGATE_PURPOSE)
    assigned = (
        User.objects.visible_to(system)
        .filter(is_active=True, role__in=[Role.PIMPASA, Role.BHABINKAMTIBMAS, Role.PIC_DESA])
        .values_list("role", "villages__code")
        .distinct()
    )
    villages_by_role: dict[str, set[str]] = {}
    for role, code in assigned:
        if code:
            villages_by_role.setdefault(role, set()).add(code)
    village_codes = list(Region.objects.villages().values_list("code", flat=True))
    per_regency: dict[str, list[str]] = {}
    for code in village_codes:
        per_regency.setdefault(".".join(code.split(".")[:2]), []).append(code)
    rows = []
    for regency in Region.objects.filter(level__in=REGENCY_LEVELS).order_by("code"):
        codes = per_regency.get(regency.code, [])
        rows.append(
            RegencyVillages(
                region=regency,
                villages=len(codes),
                with_pimpasa=sum(1 for c in codes if c in villages_by_role.get(Role.PIMPASA, ())),
                with_bhabinkamtibmas=sum(
                    1 for c in codes if c in villages_by_role.get(Role.BHABINKAMTIBMAS, ())
                ),
                with_pic_desa=sum(1 for c in codes if c in villages_by_role.get(Role.PIC_DESA, ())),
            )
        )
    return rows
