"""Small counts suppressed for leadership (DESIGN.md: "leadership sees aggregates, with small
counts suppressed"): 1 to 4 people of a desa are "< 5" on the village profile and the outreach
list for leadership, exact for the village team; 0 and 5 or more as they are; the indicator
and the ranking computed on the true counts. Where a total and the other parts would give a
small count back, leadership sees one more cell hidden ("≥ 5"); the rule itself is tested in
``tests/accounts/test_suppressed_cells.py``."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from benteng.access.viewer import Viewer
from benteng.accounts.aggregates import count_for_viewer
from benteng.accounts.models import Office
from benteng.cases.services import case_open, case_person_add
from benteng.cases.validation import ROMAN_MONTHS
from benteng.screening.models import ApplicationDecision
from benteng.villages.contributions import village_profile
from benteng.villages.models import PmiCount
from benteng.villages.selectors import outreach_list
from tests.conftest import verified_client
from tests.screening.flow_factories import application_make
from tests.villages.test_profile import _border_events

pytestmark = pytest.mark.django_db


def _evidence(persona, village) -> dict[str, str]:  # type: ignore[no-untyped-def]
    profile = village_profile(
        viewer=Viewer.for_user(persona), village=village, today=timezone.localdate()
    )
    return {item.code: item.evidence for item in profile.risk.contributions}


def _postponed(personas, desa_code: str, how_many: int, days_ago: int = 5) -> None:  # type: ignore[no-untyped-def]
    for number in range(how_many):
        application = application_make(full_name=f"Pemohon Tambahan {number}")
        application.region_id = desa_code
        application.save(update_fields=["region"])
        ApplicationDecision.objects.create(
            application=application,
            outcome="tunda",
            reason="indikasi_pmi_nonprosedural",
            decided_by=personas.petugas_imigrasi,
            decided_at=timezone.now() - datetime.timedelta(days=days_ago),
        )


@pytest.mark.parametrize(
    ("count", "leadership", "village_team"),
    [(0, "0", "0"), (1, "< 5", "1"), (4, "< 5", "4"), (5, "5", "5"), (12, "12", "12")],
)
def test_the_rule_hides_1_to_4_from_leadership_only(personas, count, leadership, village_team):
    assert count_for_viewer(Viewer.for_user(personas.pimpinan), count) == leadership
    for persona in (personas.pimpasa, personas.pic_desa, personas.petugas_imigrasi):
        assert count_for_viewer(Viewer.for_user(persona), count) == village_team


def test_leadership_sees_less_than_5_for_one_victim_and_two_postponements(personas, villages):
    # given: 2 applications stopped, 1 departure prevented, 1 victim, 1 from the kecamatan
    village = villages["own"]
    _border_events(personas, village.region_id)
    # when
    evidence = _evidence(personas.pimpinan, village)
    html = (
        verified_client(personas.pimpinan)
        .get(reverse("villages:profile", args=[village.pk]))
        .content.decode()
    )
    # then
    assert evidence["korban_kasus"].startswith("< 5 korban dari desa ini")
    assert evidence["permohonan_ditunda_ditolak"].startswith("< 5 permohonan ditunda")
    assert evidence["keberangkatan_dicegah"].startswith("< 5 keberangkatan")
    assert "1 korban" not in html
    assert "2 permohonan" not in html
    assert "&lt; 5 korban seluruhnya; &lt; 5 dalam 24 bulan terakhir" in html
    # the points and weight of a suppressed line would give the count back: not shown
    assert "+15" not in html
    assert "bobot 15 per peristiwa" not in html
    assert "+10</strong> Tidak ada penyuluhan" in html  # not a count of people: as it is
    # nor the score, which less the other lines would give it back too: the band only
    score = village_profile(
        viewer=Viewer.for_user(personas.pimpinan), village=village, today=timezone.localdate()
    ).risk.score
    assert f"{score}/100" not in html
    assert "hanya tingkatnya" in html


def test_the_village_team_sees_the_exact_numbers(personas, villages):
    village = villages["own"]
    _border_events(personas, village.region_id)
    evidence = _evidence(personas.pimpasa, village)
    html = (
        verified_client(personas.pimpasa)
        .get(reverse("villages:profile", args=[village.pk]))
        .content.decode()
    )
    assert evidence["korban_kasus"].startswith("1 korban dari desa ini")
    assert evidence["permohonan_ditunda_ditolak"].startswith("2 permohonan ditunda")
    assert "1 korban seluruhnya; 1 dalam 24 bulan terakhir" in html
    assert "+15</strong>" in html
    assert "&lt; 5" not in html
    score = village_profile(
        viewer=Viewer.for_user(personas.pimpasa), village=village, today=timezone.localdate()
    ).risk.score
    assert f"{score}/100" in html


def test_the_indicator_is_scored_on_the_true_counts_for_everyone(personas, villages):
    village = villages["own"]
    _border_events(personas, village.region_id)
    today = timezone.localdate()
    for_leadership, for_team = (
        village_profile(viewer=Viewer.for_user(persona), village=village, today=today).risk
        for persona in (personas.pimpinan, personas.pimpasa)
    )
    assert for_leadership.score == for_team.score
    assert [item.points for item in for_leadership.contributions] == [
        item.points for item in for_team.contributions
    ]


def test_five_or_more_and_zero_are_shown_to_leadership_as_they_are(personas, villages):
    # given: 5 applications of the desa postponed, nothing else
    village = villages["own"]
    _postponed(personas, village.region_id, 5)
    # when
    evidence = _evidence(personas.pimpinan, village)
    html = (
        verified_client(personas.pimpinan)
        .get(reverse("villages:profile", args=[village.pk]))
        .content.decode()
    )
    # then
    assert evidence["permohonan_ditunda_ditolak"].startswith("5 permohonan ditunda")
    assert "+25</strong>" in html
    assert "0 korban seluruhnya; 0 dalam 24 bulan terakhir" in html
    assert "&lt; 5" not in html


def test_the_outreach_list_shows_leadership_which_events_not_how_many(personas, villages):
    # given: more kinds of events in the second village than in the own one, all below 5
    _border_events(personas, villages["second"].region_id)
    _postponed(personas, villages["own"].region_id, 1)
    today = timezone.localdate()
    # when
    for_team = outreach_list(viewer=Viewer.for_user(personas.pimpasa), today=today)
    for_leadership = outreach_list(viewer=Viewer.for_user(personas.pimpinan), today=today)
    # then: the numbers for the team; for leadership which kinds of event, no number
    team_order = [item.village for item in for_team]
    assert team_order == [villages["second"], villages["own"]]
    assert [item.village for item in for_leadership if item.village in team_order] == team_order
    led = {item.village: item.reasons for item in for_leadership}
    assert led[villages["second"]][0] == "Permohonan paspor ditunda/ditolak dalam 90 hari"
    assert for_team[0].reasons[0] == "2 × Permohonan paspor ditunda/ditolak dalam 90 hari"
    page = verified_client(personas.pimpinan).get(reverse("villages:outreach_list")).content
    assert "2 × Permohonan" not in page.decode()
    assert "× Permohonan" not in page.decode()


def test_in_english_the_suppressed_count_reads_the_same(personas, villages):
    village = villages["own"]
    _border_events(personas, village.region_id)
    with translation.override("en"):
        evidence = _evidence(personas.pimpinan, village)
    assert evidence["korban_kasus"].startswith("< 5 victims from this village")


def _section(persona, village, key: str) -> dict:  # type: ignore[no-untyped-def]
    profile = village_profile(
        viewer=Viewer.for_user(persona), village=village, today=timezone.localdate()
    )
    (section,) = [item for item in profile.sections if item.key == key]
    return section.context


def _year_of(days_ago: int) -> int:
    return timezone.localtime(timezone.now() - datetime.timedelta(days=days_ago)).year


def test_leadership_cannot_work_out_a_small_border_count_from_the_row_total(personas, villages):
    # given: 3 applicants of the desa stopped this week, 7 three years ago: 10 in all
    village = villages["own"]
    _postponed(personas, village.region_id, 3)
    _postponed(personas, village.region_id, 7, days_ago=1100)
    recent_year, old_year = _year_of(5), _year_of(1100)
    # when
    for_leadership = _section(personas.pimpinan, village, "perbatasan")["rows"][0]
    for_team = _section(personas.pimpasa, village, "perbatasan")["rows"][0]
    html = (
        verified_client(personas.pimpinan)
        .get(reverse("villages:profile", args=[village.pk]))
        .content.decode()
    )
    # then: the 7 is hidden too, or 10 - 7 would give the 3 back; the total stays
    shown = [(year, str(count)) for year, count in for_leadership["per_year"]]
    assert shown == [(recent_year, "< 5"), (old_year, "≥ 5")]
    assert str(for_leadership["total"]) == "10"
    assert f'data-label="{old_year}">≥ 5</td>' in html
    assert f'data-label="{old_year}">7</td>' not in html
    # the village team sees every number
    exact = [(year, str(count)) for year, count in for_team["per_year"]]
    assert exact == [(recent_year, "3"), (old_year, "7")]


def test_leadership_cannot_work_out_the_women_from_the_men_and_the_total(personas, villages):
    # given: one year with 3 women among 23 PMI, one with no small count
    village = villages["own"]
    for year, (total, male, female) in {2024: (20, 9, 11), 2025: (23, 20, 3)}.items():
        PmiCount.objects.create(
            region_id=village.region_id,
            year=year,
            source="BP3MI Banten",
            total=total,
            male=male,
            female=female,
        )
    # when
    rows = {
        persona: {
            row["year"]: (str(row["total"]), str(row["male"]), str(row["female"]))
            for row in _section(persona, village, "pmi")["per_year"]
        }
        for persona in (personas.pimpinan, personas.pimpasa)
    }
    html = (
        verified_client(personas.pimpinan)
        .get(reverse("villages:profile", args=[village.pk]))
        .content.decode()
    )
    # then
    assert rows[personas.pimpinan] == {2025: ("23", "≥ 5", "< 5"), 2024: ("20", "9", "11")}
    assert rows[personas.pimpasa] == {2025: ("23", "20", "3"), 2024: ("20", "9", "11")}
    assert '<td data-label="Laki-laki">≥ 5</td><td data-label="Perempuan">&lt; 5</td>' in html
    assert '<td data-label="Laki-laki">20</td>' not in html


def _victims(personas, desa_code: str, how_many: int, lp_date: datetime.date) -> None:  # type: ignore[no-untyped-def]
    investigator = Viewer.for_user(personas.penyidik)
    case = case_open(
        viewer=investigator,
        kind="tppo",
        lp_number=(
            f"LP/B/{how_many}/{ROMAN_MONTHS[lp_date.month - 1]}/{lp_date.year}/SPKT/POLDA BANTEN"
        ),
        lp_date=lp_date,
        handling_office=Office.objects.get(code="polda-banten"),
        modus="penipuan_daring",
    )
    for number in range(how_many):
        case_person_add(
            viewer=investigator,
            case=case,
            role="korban",
            data={"full_name": f"Korban Desa {number}", "desa_code": desa_code},
        )


def test_leadership_cannot_work_out_this_year_s_victims_from_all_of_them(personas, villages):
    # given: 2 victims in a case of this year, 6 in a case three years ago
    village = villages["own"]
    today = timezone.localdate()
    _victims(personas, village.region_id, 2, today)
    _victims(personas, village.region_id, 6, today.replace(year=today.year - 3, day=1))
    # when
    for_leadership = _section(personas.pimpinan, village, "kasus")
    for_team = _section(personas.pimpasa, village, "kasus")
    # then: the 6 is hidden too, or 8 - 6 would give the 2 back
    assert [(year, str(count)) for year, count in for_leadership["per_year"]] == [
        (today.year, "< 5"),
        (today.year - 3, "≥ 5"),
    ]
    assert (str(for_leadership["total"]), str(for_leadership["recent_cases"])) == ("8", "< 5")
    assert [(year, str(count)) for year, count in for_team["per_year"]] == [
        (today.year, "2"),
        (today.year - 3, "6"),
    ]
