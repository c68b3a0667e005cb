from __future__ import annotations

import pytest

from benteng.watchlists.models import Watchlist


@pytest.fixture
def police_list(personas) -> Watchlist:  # type: ignore[no-untyped-def]
    return Watchlist.objects.get(code="polri-perekrut")
