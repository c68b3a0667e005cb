"""Small counts suppressed for leadership, in Chromium on a 360-px phone: leadership opens a
village profile with one victim and two postponed applicants and reads "< 5", never the
number; the PIMPASA of the desa reads the exact numbers on the same page.

Set BENTENG_SCREENSHOTS=<folder> to keep a PNG of each page looked at.
"""

from __future__ import annotations

import os

import pytest

from tests.browser import test_shell_in_chromium as shell
from tests.villages.conftest import designate
from tests.villages.test_profile import _border_events

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leadership_reads_less_than_5_where_the_pimpasa_reads_the_number(open_as, personas):
    # given: a Kronjo village with 2 postponed applicants, 1 delayed passenger, 1 victim
    desa = designate(personas.pic_desa.villages.get().code, "kanim-tangerang")
    _border_events(personas, desa.region_id)
    # when: leadership opens the profile
    page = open_as(personas.pimpinan)
    page.goto(f"/desa-binaan/{desa.pk}/profil/")
    shell._shoot(page, "village-profile-pimpinan-360")
    risk = page.get_by_test_id("village-risk").inner_text()
    cases = page.get_by_test_id("profile-kasus").inner_text()
    # then
    assert "< 5 korban dari desa ini" in risk
    assert "< 5 permohonan ditunda" in risk
    assert "bobot 15" not in risk
    assert "bobot 5 " not in risk
    assert "1 korban" not in risk + cases
    assert "2 permohonan" not in risk
    assert "< 5 korban seluruhnya" in cases
    assert shell._no_sideways_scrolling(page)
    # when: the PIMPASA of the desa opens the same page
    pimpasa = open_as(personas.pimpasa)
    pimpasa.goto(f"/desa-binaan/{desa.pk}/profil/")
    shell._shoot(pimpasa, "village-profile-pimpasa-360")
    # then
    risk = pimpasa.get_by_test_id("village-risk").inner_text()
    assert "1 korban dari desa ini" in risk
    assert "2 permohonan ditunda" in risk
    assert "< 5" not in risk
