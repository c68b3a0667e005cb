"""Small counts on the activity totals page and where they meet other pages (DESIGN.md:
"leadership sees aggregates, with small counts suppressed"). Leadership sees "< 5" for 1 to 4
and "≥ 5" where a small count could be worked out from an area's sum, the same marks at every
level and area, one calendar year at a time, and the same marks on the village profile; the
village team and the Kanim see the numbers. The outreach list's 90 days cannot be subtracted
from the profile's months: leadership sees which events, not how many."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.screening.models import ApplicationDecision
from benteng.villages.contributions import village_profile
from benteng.villages.selectors import LEVEL_DESA, LEVEL_KECAMATAN, activity_totals, outreach_list
from benteng.villages.services import outreach_record, service_day_record
from tests.conftest import verified_client
from tests.screening.flow_factories import application_make

pytestmark = pytest.mark.django_db

SYSTEM = Viewer.system(purpose="uji rekap Desa Binaan")


def _served(village, male: int, female: int, on: datetime.date | None = None) -> None:  # type: ignore[no-untyped-def]
    service_day_record(
        viewer=SYSTEM,
        village=village,
        held_on=on or timezone.localdate(),
        place="Balai Desa",
        services=["informasi_paspor"],
        served_male=male,
        served_female=female,
    )


def _session(village, on: datetime.date | None = None) -> None:  # type: ignore[no-untyped-def]
    outreach_record(
        viewer=SYSTEM,
        village=village,
        kind="sosialisasi",
        held_on=on or timezone.localdate(),
        place="Balai Desa",
        topic="TPPO",
        facilitators=["imigrasi"],
        participants_male=10,
        participants_female=10,
        participants_youth=6,
    )


@pytest.fixture
def served(villages):  # type: ignore[no-untyped-def]
    """This year: 3 men and 6 women served in the own desa, 9 men and 7 women in the second
    (both in Kronjo): the own desa's men are small, and Kronjo's 12 less the second desa's 9
    would give them back."""
    _served(villages["own"], 3, 6)
    _served(villages["second"], 9, 7)
    return villages


def _rows(persona, level: str = LEVEL_DESA, **period) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    totals = activity_totals(viewer=Viewer.for_user(persona), level=level, **period)
    return {
        row.code: {cell: shown.text for cell, shown in row.shown.items()} for row in totals.rows
    }


def test_leadership_sees_marks_where_the_village_team_sees_numbers(personas, served):
    own, second = served["own"].region_id, served["second"].region_id
    # when
    for_leadership = _rows(personas.pimpinan)
    for_team = _rows(personas.pimpasa)
    # then: the numbers for the PIMPASA
    assert (for_team[own]["service_days"], for_team[own]["served_male"]) == ("1", "3")
    assert for_team[second]["served_male"] == "9"
    # and for leadership: 1 service day and 3 men are "< 5", 6 women are 6
    assert for_leadership[own]["service_days"] == "< 5"
    assert for_leadership[own]["served_male"] == "< 5"
    assert for_leadership[own]["served_female"] == "6"


def test_leadership_sees_the_second_mark_where_a_sum_would_give_a_small_count_back(
    personas, served
):
    own, second = served["own"].region_id, served["second"].region_id
    # when: the desa and the kecamatan, as leadership can ask for both
    desa = _rows(personas.pimpinan)
    kecamatan = _rows(personas.pimpinan, LEVEL_KECAMATAN)
    # then: Kronjo's 12 men are shown, so the second desa's 9 are hidden as "≥ 5"
    assert kecamatan["36.03.07"]["served_male"] == "12"
    assert desa[second]["served_male"] == "≥ 5"
    assert desa[second]["served_female"] == "7"
    # the subtraction leadership could try gives nothing: neither part is a number
    assert not desa[own]["served_male"].isdigit()
    assert not desa[second]["served_male"].isdigit()


def test_an_area_asked_for_shows_the_same_marks_as_everything(personas, served):
    second = served["second"].region_id
    within = _rows(personas.pimpinan, within="36.03.07")
    assert within[second]["served_male"] == "≥ 5"
    totals = activity_totals(
        viewer=Viewer.for_user(personas.pimpinan), level=LEVEL_DESA, within="36.03.07"
    )
    assert totals.total is not None and totals.total.shown["served_male"].text == "12"


def test_the_kanim_officer_sees_the_numbers_on_the_page(personas, served):
    # given
    client = verified_client(personas.petugas_imigrasi)
    # when
    html = client.get(reverse("villages:totals")).content.decode()
    # then
    assert "3/6" in html and "9/7" in html and "12/13" in html
    assert "&lt; 5" not in html and "≥ 5" not in html


def test_the_leader_sees_the_marks_on_the_page_and_a_year_not_dates(personas, served):
    # given
    client = verified_client(personas.pimpinan)
    # when
    html = client.get(reverse("villages:totals")).content.decode()
    # then
    assert "&lt; 5/6" in html and "≥ 5/7" in html
    assert 'data-testid="totals-line"' in html and "12/13" in html
    assert 'name="year"' in html and 'name="date_from"' not in html


def test_leadership_cannot_difference_two_overlapping_periods(personas, villages):
    # given: 5 men served yesterday and 3 today
    today = timezone.localdate()
    _served(villages["own"], 5, 0, on=today - datetime.timedelta(days=1))
    _served(villages["own"], 3, 0, on=today)
    own = villages["own"].region_id
    # when: the two periods that would give today's 3 as 8 - 5
    up_to_today = _rows(personas.pimpinan, date_from=today.replace(month=1, day=1), date_to=today)
    up_to_yesterday = _rows(
        personas.pimpinan,
        date_from=today.replace(month=1, day=1),
        date_to=today - datetime.timedelta(days=1),
        today=today,
    )
    # then: leadership is given the calendar year both times
    assert up_to_today[own]["served_male"] == "8"
    if (today - datetime.timedelta(days=1)).year == today.year:
        assert up_to_yesterday[own]["served_male"] == "8"
    # and the Kanim officer the periods asked for
    officer = _rows(personas.petugas_imigrasi, date_from=today, date_to=today)
    assert officer[own]["served_male"] == "3"


def test_a_year_that_is_not_a_number_is_refused_with_a_message(personas, villages):
    client = verified_client(personas.pimpinan)
    response = client.get(reverse("villages:totals"), {"year": "tahun lalu"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="tahun lalu"' in html
    assert "Masukkan keseluruhan angka bilangan." in html


def test_the_profile_shows_leadership_the_totals_page_s_marks(personas, served):
    # given
    today = timezone.localdate()
    # when
    profile = village_profile(
        viewer=Viewer.for_user(personas.pimpinan), village=served["second"], today=today
    )
    team = village_profile(
        viewer=Viewer.for_user(personas.pimpasa), village=served["second"], today=today
    )
    # then: the second desa's men hidden as on the totals page, for leadership only
    (section,) = [item for item in profile.sections if item.key == "kegiatan"]
    (row,) = [item["row"] for item in section.context["years"] if item["year"] == today.year]
    assert row.shown["served_male"].text == "≥ 5"
    (section,) = [item for item in team.sections if item.key == "kegiatan"]
    (row,) = [item["row"] for item in section.context["years"] if item["year"] == today.year]
    assert row.shown["served_male"].text == "9"
    html = (
        verified_client(personas.pimpinan)
        .get(reverse("villages:profile", args=[served["own"].pk]))
        .content.decode()
    )
    assert "&lt; 5/6" in html


def test_the_profile_s_sessions_and_their_kinds_give_no_small_count_back(personas, villages):
    # given: 6 sosialisasi and 2 pelatihan in the own desa
    for _ in range(6):
        _session(villages["own"])
    for _ in range(2):
        outreach_record(
            viewer=SYSTEM,
            village=villages["own"],
            kind="pelatihan",
            held_on=timezone.localdate(),
            place="Balai",
            topic="TPPO",
            facilitators=["desa"],
            participants_male=1,
            participants_female=1,
            participants_youth=0,
        )
    # when
    row = activity_totals(viewer=Viewer.for_user(personas.pimpinan), level=LEVEL_DESA).rows[0]
    # then: the 8 sessions (the profile's column) less 6 would give the 2: one more is hidden
    assert row.shown["outreach:pelatihan"].text == "< 5"
    assert not (row.shown["outreach"].exact and row.shown["outreach:sosialisasi"].exact)


# --- the outreach list's 90 days against the profile's months -------------------------------

# A fixed day, so that the months fall the same way whenever the test runs: the 90 days back
# from 20 November 2026 start on 22 August, so October and November are inside, May is not.
TODAY = datetime.date(2026, 11, 20)


def _stopped(personas, desa_code: str, how_many: int, on: datetime.date) -> None:  # type: ignore[no-untyped-def]
    decided_at = datetime.datetime.combine(
        on, datetime.time(10), tzinfo=timezone.get_current_timezone()
    )
    for number in range(how_many):
        application = application_make(full_name=f"Pemohon {on:%m} {number}")
        application.region_id = desa_code
        application.save(update_fields=["region"])
        ApplicationDecision.objects.create(
            application=application,
            outcome="tunda",
            reason="indikasi_pmi_nonprosedural",
            decided_by=personas.petugas_imigrasi,
            decided_at=decided_at,
        )


def test_leadership_cannot_subtract_the_profile_s_months_from_the_outreach_list(personas, villages):
    # given: 5 postponed in May, 4 in October, 7 in November
    village = villages["own"]
    for month, how_many in ((5, 5), (10, 4), (11, 7)):
        _stopped(personas, village.region_id, how_many, datetime.date(2026, month, 15))
    leader = Viewer.for_user(personas.pimpinan)
    # when: the profile's months as leadership sees them
    profile = village_profile(viewer=leader, village=village, today=TODAY)
    (border,) = [item for item in profile.sections if item.key == "perbatasan"]
    months = {item["month"]: item["count"] for item in border.context["trend"]}
    # then: October is hidden, May hidden to protect it, November shown
    assert months["Okt 2026"].text == "< 5"
    assert months["Mei 2026"].text == "≥ 5"
    assert months["Nov 2026"].text == "7"
    shown_inside = sum(int(months[label].text) for label in ("Agu 2026", "Sep 2026", "Nov 2026"))
    # when: the attack: the outreach list's 90 days less the months shown inside them
    (listed,) = [
        item for item in outreach_list(viewer=leader, today=TODAY) if item.village == village
    ]
    figures = [int(found) for found in re.findall(r"(\d+) ×", "; ".join(listed.reasons))]
    # then: there is no figure to subtract from, so October's 4 is not had
    assert 4 not in {figure - shown_inside for figure in figures}
    assert figures == []
    assert listed.reasons[0] == "Permohonan paspor ditunda/ditolak dalam 90 hari"
    # and the PIMPASA, who sees October anyway, is given the 11
    (team,) = [
        item
        for item in outreach_list(viewer=Viewer.for_user(personas.pimpasa), today=TODAY)
        if item.village == village
    ]
    assert team.reasons[0] == "11 × Permohonan paspor ditunda/ditolak dalam 90 hari"


def test_the_outreach_list_ranks_leadership_by_what_it_shows(personas, villages):
    # given: 1 postponed in the own desa, 9 in the second: both "some" for leadership
    own, second = villages["own"], villages["second"]
    _stopped(personas, own.region_id, 1, datetime.date(2026, 11, 10))
    _stopped(personas, second.region_id, 9, datetime.date(2026, 11, 10))
    # when
    led = outreach_list(viewer=Viewer.for_user(personas.pimpinan), today=TODAY)
    team = outreach_list(viewer=Viewer.for_user(personas.pimpasa), today=TODAY)
    # then: the PIMPASA's list puts the 9 first; leadership's cannot tell the two apart and
    # orders them by their codes (putting the 9 first would say which has more)
    assert own.region_id < second.region_id
    assert [item.village for item in team][:2] == [second, own]
    assert [item.village for item in led if item.village in (own, second)] == [own, second]
