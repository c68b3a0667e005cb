"""The demo watchlists: a few hundred synthetic entries, the recruiter the screening demo
needs, and idempotence."""

from __future__ import annotations

import pytest

from benteng.demo import DemoContext
from benteng.regions.models import Region
from benteng.watchlists.demo import seed_demo
from benteng.watchlists.models import WatchlistEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(reference_data) -> DemoContext:  # type: ignore[no-untyped-def]
    context = DemoContext()
    villages = list(Region.objects.filter(parent_id="36.03.07").villages().order_by("code")[:3])
    context.shared["demo_villages"] = villages
    return context


def test_demo_seeds_police_and_immigration_entries_with_the_recruiter(context):
    # when
    seed_demo(context)
    # then
    entries = WatchlistEntry.objects.select_related("watchlist")
    per_list = {}
    for entry in entries:
        per_list[entry.watchlist.code] = per_list.get(entry.watchlist.code, 0) + 1
    assert sum(count for code, count in per_list.items() if code.startswith("polri-")) >= 300
    assert per_list["imigrasi-deportasi"] >= 50
    assert per_list["polri-perusahaan"] >= 20
    recruiter = context.shared["demo_recruiter"]
    assert recruiter["phone"].startswith("628")
    calo = WatchlistEntry.objects.get(pk=recruiter["entry_id"])
    assert calo.watchlist.code == "polri-perekrut"
    assert calo.full_name == recruiter["name"]
    assert calo.in_force()
    assert calo.region_id == context.shared["demo_villages"][0].code
    assert WatchlistEntry.objects.filter(
        watchlist__code="polri-nomor-telepon", phone=recruiter["phone"]
    ).exists()
    assert recruiter["village_codes"] == [v.code for v in context.shared["demo_villages"][:2]]
    assert WatchlistEntry.objects.in_force().count() < entries.count()
    assert WatchlistEntry.objects.filter(removed_at__isnull=False).count() == 1
    assert all(entry.instruction and entry.legal_basis for entry in entries)


def test_seeding_twice_adds_nothing(context):
    seed_demo(context)
    count = WatchlistEntry.objects.count()
    again = DemoContext()
    again.shared["demo_villages"] = context.shared["demo_villages"]
    seed_demo(again)
    assert WatchlistEntry.objects.count() == count
    assert again.shared["demo_recruiter"] == context.shared["demo_recruiter"]
