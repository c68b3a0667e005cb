"""Loading the Kemendagri region list shipped in ``benteng/data``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from django.db import transaction

from benteng.regions.models import Region
from benteng.regions.selectors import region_levels


@dataclass(frozen=True)
class RegionLoadResult:
    created: int
    updated: int


def _read_packaged_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("benteng.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@transaction.atomic
def regions_load_reference() -> RegionLoadResult:
    """Create or update every region from the packaged list; idempotent."""
    rows = _read_packaged_csv("wilayah_banten.csv")
    centroids = {row["code"]: row for row in _read_packaged_csv("wilayah_banten_centroids.csv")}
    existing = {region.code: region for region in Region.objects.all()}
    to_create: list[Region] = []
    to_update: list[Region] = []
    fields = ["level", "name", "search_name", "parent_id", "latitude", "longitude"]
    # Parents come before children because the list is sorted by depth, then code.
    for row in sorted(rows, key=lambda r: (r["code"].count("."), r["code"])):
        centroid = centroids.get(row["code"])
        values = {
            "level": row["level"],
            "name": row["name"],
            "search_name": "".join(row["name"].split()).lower(),
            "parent_id": row["parent_code"] or None,
            "latitude": Decimal(centroid["lat"]) if centroid else None,
            "longitude": Decimal(centroid["lng"]) if centroid else None,
        }
        region = existing.get(row["code"])
        if region is None:
            to_create.append(Region(code=row["code"], **values))
        elif any(getattr(region, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(region, key, value)
            to_update.append(region)
    Region.objects.bulk_create(to_create, batch_size=500)
    Region.objects.bulk_update(to_update, fields, batch_size=500)
    if to_create or to_update:
        region_levels.clear_after_commit()
    return RegionLoadResult(created=len(to_create), updated=len(to_update))
