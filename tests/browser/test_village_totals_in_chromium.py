"""The activity totals page in Chromium on a 360-px phone: leadership reads "< 5" and "≥ 5"
where the PIMPASA and the Kanim officer read the numbers, with the totals line, and chooses a
year rather than dates; no sideways scrolling for any of them.

Set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at.
"""

from __future__ import annotations

import os

import pytest

from tests.browser import test_shell_in_chromium as shell
from tests.villages.conftest import designate
from tests.villages.test_totals_small_counts import _served

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leadership_reads_marks_where_the_village_team_and_the_kanim_read_numbers(
    open_as, personas
):
    # given: two Kronjo villages, 3 men and 6 women served in one, 9 and 7 in the other
    own_code, second_code = sorted(personas.pimpasa.villages.values_list("code", flat=True))
    own = designate(own_code, "kanim-tangerang")
    second = designate(second_code, "kanim-tangerang")
    _served(own, 3, 6)
    _served(second, 9, 7)
    # when: leadership opens the totals
    page = open_as(personas.pimpinan)
    page.goto("/desa-binaan/rekap/")
    shell._shoot(page, "village-totals-pimpinan-360")
    table = page.get_by_test_id("totals").inner_text()
    # then
    assert "< 5/6" in table
    assert "≥ 5/7" in table
    assert "12/13" in page.get_by_test_id("totals-line").inner_text()
    assert "3/6" not in table and "9/7" not in table
    assert page.locator("input[name=year]").is_visible()
    assert page.locator("input[name=date_from]").count() == 0
    assert shell._no_sideways_scrolling(page)
    # when: the PIMPASA and the Kanim officer open it
    for persona, name in ((personas.pimpasa, "pimpasa"), (personas.petugas_imigrasi, "kanim")):
        reader = open_as(persona)
        reader.goto("/desa-binaan/rekap/")
        shell._shoot(reader, f"village-totals-{name}-360")
        table = reader.get_by_test_id("totals").inner_text()
        # then
        assert "3/6" in table and "9/7" in table
        assert "< 5" not in table and "≥ 5" not in table
        assert reader.locator("input[name=date_from]").is_visible()
        assert shell._no_sideways_scrolling(reader)
