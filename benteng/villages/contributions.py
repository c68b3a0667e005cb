"""The village profile, built from a registry of profile contributions.

A contribution looks at one desa and gives the profile a section (a title, a template and its
context) and indicator contributions to the village risk indicator (a name, the weight of one
event, how many events, the points they add, the evidence). The village risk indicator is the
sum of the points, at most 100, with a band: it explains itself by that list, like the
screening's risk score (``benteng/core/risk.py``), and like it supports a decision on where to
go next; it never decides about a person.

The villages app registers its own contributions (the border, the cases, the procedural PMI
counts, the activities) from ``AppConfig.ready``; another app adds one with
``register_profile_contribution(ProfileContribution(key=..., order=..., contribute=...))`` —
the village reports are meant to do so.

Counts of people are shown as ``accounts/aggregates.py`` rules: a section builds its counts as
one table (``_Table``) with the sums the page shows — a row's years and "in all", the last 12
or 24 months against the year columns they overlap, this year's months against this year's
columns, men and women against the year's PMI — and an indicator whose count is also a cell
of that table reads it from there, so that leadership sees it hidden alike in both places.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Sum
from django.db.models.functions import ExtractYear
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benteng.access.viewer import Viewer
from benteng.accounts.aggregates import (
    CountSum,
    ShownCount,
    counts_for_viewer,
    shown_count,
)
from benteng.villages.border import (
    BorderEventKind,
    BorderFigures,
    NamedEvent,
    border_figures,
    border_names,
    recent_border_counts,
)
from benteng.villages.models import DesaBinaan, Outreach, PmiCount, ServiceDay
from benteng.villages.origins import kecamatan_of
from benteng.villages.selectors import activity_years

# The windows the indicators look at.
RECENT_DAYS = 365
CASE_DAYS = 730
OUTREACH_GAP_DAYS = 180
SCORE_CAP = 100
MEDIUM_FROM = 30
HIGH_FROM = 60


@dataclass(frozen=True)
class IndicatorContribution:
    """One named part of the village risk indicator, with its evidence."""

    code: str
    name: str
    weight: int
    count: int
    points: int
    evidence: str
    # False when the count is suppressed for this viewer: the page then shows neither the
    # points nor the weight of this line (points / weight would give the count back).
    exact: bool = True


@dataclass(frozen=True)
class ProfileSection:
    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProfileInput:
    """What every contribution is given: who looks, at which desa, on which day."""

    viewer: Viewer
    village: DesaBinaan
    today: datetime.date
    # Computed once and shared between contributions (the border figures).
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Contributed:
    sections: list[ProfileSection] = field(default_factory=list)
    indicators: list[IndicatorContribution] = field(default_factory=list)


@dataclass(frozen=True)
class ProfileContribution:
    key: str
    order: int
    contribute: Callable[[ProfileInput], Contributed]


_REGISTRY: dict[str, ProfileContribution] = {}


def register_profile_contribution(contribution: ProfileContribution) -> None:
    """Add (or replace, by key) a contribution to every village profile."""
    _REGISTRY[contribution.key] = contribution


def profile_contributions() -> list[ProfileContribution]:
    return sorted(_REGISTRY.values(), key=lambda item: (item.order, item.key))


@dataclass(frozen=True)
class VillageRisk:
    score: int
    band: str
    contributions: list[IndicatorContribution]

    @property
    def band_label(self) -> Any:
        return RISK_BAND_LABELS[self.band]

    @property
    def exact(self) -> bool:
        """Whether the score may be shown: a suppressed count would come back from it (the
        score less the other lines, divided by the weight), so then only the band is."""
        return all(item.exact for item in self.contributions)


RISK_BAND_LABELS = {
    "rendah": gettext_lazy("Rendah"),
    "sedang": gettext_lazy("Sedang"),
    "tinggi": gettext_lazy("Tinggi"),
}


def village_risk(contributions: list[IndicatorContribution]) -> VillageRisk:
    """The sum of the points, at most 100, and its band; only contributions with points."""
    fired = [item for item in contributions if item.points > 0]
    score = min(SCORE_CAP, sum(item.points for item in fired))
    band = "tinggi" if score >= HIGH_FROM else "sedang" if score >= MEDIUM_FROM else "rendah"
    return VillageRisk(score=score, band=band, contributions=fired)


def counted(
    code: str,
    name: str,
    *,
    viewer: Viewer,
    weight: int,
    cap: int,
    count: int,
    evidence: str,
    shown: ShownCount | None = None,
) -> IndicatorContribution:
    """A contribution of ``weight`` points per event, at most ``cap``, scored on the true
    count; ``evidence`` is a text with ``%(count)s``, filled with the count as the viewer may
    see it: ``shown`` when the count is also a cell of a section's table (so it reads the same
    in both), else ``shown_count``."""
    seen = shown or shown_count(viewer, count)
    return IndicatorContribution(
        code=code,
        name=name,
        weight=weight,
        count=count,
        points=min(cap, weight * count),
        evidence=evidence % {"count": seen.text},
        exact=seen.exact,
    )


# --- the villages app's own contributions --------------------------------------------------


def _figures(given: ProfileInput) -> dict[BorderEventKind, BorderFigures]:
    if "border" not in given.shared:
        code = given.village.region_id
        found = border_figures(
            desa_code=code,
            kecamatan_code=kecamatan_of(code),
            today=given.today,
            recent_days=RECENT_DAYS,
        )
        given.shared["border"] = {item.kind: item for item in found}
    figures: dict[BorderEventKind, BorderFigures] = given.shared["border"]
    return figures


def _names(given: ProfileInput) -> list[NamedEvent]:
    """The named events the viewer may see, read (and audited) once per profile."""
    if "names" not in given.shared:
        given.shared["names"] = border_names(viewer=given.viewer, desa_code=given.village.region_id)
    names: list[NamedEvent] = given.shared["names"]
    return names


def _months(today: datetime.date) -> list[tuple[int, int]]:
    months = []
    year, month = today.year, today.month
    for _step in range(12):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


@dataclass
class _Table:
    """The counts one section shows, the sums they make, and the parts of those sums the page
    does not show (``accounts.aggregates.counts_for_viewer`` hides what a reader of aggregates
    could otherwise work out from them)."""

    counts: dict[Any, int] = field(default_factory=dict)
    sums: list[CountSum[Any]] = field(default_factory=list)
    unshown: set[Any] = field(default_factory=set)

    def not_shown(self, key: Any, count: int) -> tuple[Any, ...]:
        """A part of a sum the page does not show: left out when it is 0 (the check then
        takes it as known, hiding more rather than less), or below 0 (which only an event dated
        after today could make)."""
        if count <= 0:
            return ()
        self.counts[key] = count
        self.unshown.add(key)
        return (key,)

    def add_sum(self, total: Any, parts: tuple[Any, ...]) -> None:
        self.sums.append(CountSum(total, parts))

    def shown(self, viewer: Viewer) -> dict[Any, ShownCount]:
        return counts_for_viewer(viewer, self.counts, self.sums, unshown=frozenset(self.unshown))


def _years_in_all(table: _Table, key: Any, total: int, per_year: dict[Any, int]) -> None:
    """A row of years and its "in all": the years shown, and the years before them (only the
    latest five are shown) as a part the page does not show."""
    table.counts.update(per_year)
    table.counts[key] = total
    table.add_sum(
        key, (*per_year, *table.not_shown(("before", key), total - sum(per_year.values())))
    )


def _window_over_years(
    table: _Table, key: Any, count: int, window_from: datetime.date, per_year: dict[Any, int]
) -> None:
    """A count of the last N days and the year columns it overlaps: the years after the
    window's first are inside it; of the year it starts in, only the end (not shown)."""
    first_year = window_from.year
    inside = {cell: n for cell, n in per_year.items() if cell[-1] > first_year}
    table.counts[key] = count
    end_of_first = count - sum(inside.values())
    end_part = table.not_shown(("end of", key), end_of_first)
    table.add_sum(key, (*inside, *end_part))
    started_in = [cell for cell in per_year if cell[-1] == first_year]
    if end_part and started_in:
        (year_cell,) = started_in
        table.add_sum(
            year_cell,
            (*end_part, *table.not_shown(("start of", key), per_year[year_cell] - end_of_first)),
        )


def _border_table(
    given: ProfileInput,
    figures: tuple[BorderFigures, ...],
    years: list[int],
    months: list[tuple[int, int]],
) -> dict[Any, ShownCount]:
    """Every count of the border section as the viewer may see it, with the sums it shows:
    each row's years and "in all", each row's 12 months against the year columns, the months
    of each year against that year's two columns, the months against the two rows' 12
    months."""
    table = _Table()
    recent_from = given.today - datetime.timedelta(days=RECENT_DAYS)
    for figure in figures:
        per_year = {("year", figure.kind, year): figure.by_year.get(year, 0) for year in years}
        _years_in_all(table, ("total", figure.kind), figure.total, per_year)
        _window_over_years(table, ("recent", figure.kind), figure.recent, recent_from, per_year)
    monthly = {
        ("month", year, month): sum(figure.by_month.get((year, month), 0) for figure in figures)
        for year, month in months
    }
    table.counts.update(monthly)
    for year in sorted({year for year, _month in months} & set(years)):
        both = ("both", year)
        in_year = sum(figure.by_year.get(year, 0) for figure in figures)
        if not table.not_shown(both, in_year):
            continue
        table.add_sum(both, tuple(("year", figure.kind, year) for figure in figures))
        these = tuple(cell for cell in monthly if cell[1] == year)
        before = table.not_shown(("before months", year), in_year - sum(monthly[c] for c in these))
        table.add_sum(both, (*these, *before))
    recent = sum(figure.recent for figure in figures)
    if table.not_shown("recent of both", recent):
        table.add_sum("recent of both", tuple(("recent", figure.kind) for figure in figures))
        before = table.not_shown("recent before months", recent - sum(monthly.values()))
        table.add_sum("recent of both", (*monthly, *before))
    table.counts["kecamatan"] = sum(figure.kecamatan_recent for figure in figures)
    return table.shown(given.viewer)


def border_contribution(given: ProfileInput) -> Contributed:
    figures = _figures(given)
    months = _months(given.today)
    stopped = figures[BorderEventKind.APPLICATION_STOPPED]
    prevented = figures[BorderEventKind.DEPARTURE_PREVENTED]
    kecamatan_recent = stopped.kecamatan_recent + prevented.kecamatan_recent
    years = sorted({*stopped.by_year, *prevented.by_year}, reverse=True)[:5]
    shown = _border_table(given, (stopped, prevented), years, months)

    section = ProfileSection(
        key="perbatasan",
        title=_("Di perbatasan: warga desa ini yang ditunda, ditolak atau dicegah"),
        template="villages/profile/_border.html",
        context={
            "rows": [
                {
                    "label": figure.label,
                    "recent": shown[("recent", figure.kind)],
                    "per_year": [(year, shown[("year", figure.kind, year)]) for year in years],
                    "total": shown[("total", figure.kind)],
                }
                for figure in (stopped, prevented)
            ],
            "years": years,
            "months": months,
            "trend": [
                {
                    # "Des 2026": the month as the site abbreviates it, in either language.
                    "month": date_format(datetime.date(year, month, 1), "M Y"),
                    "count": shown[("month", year, month)],
                }
                for year, month in months
            ],
            "kecamatan_recent": kecamatan_recent,
            "kecamatan_recent_shown": shown["kecamatan"],
            "names": [
                event for event in _names(given) if event.kind is not BorderEventKind.CASE_VICTIM
            ],
        },
    )
    indicators = [
        counted(
            "permohonan_ditunda_ditolak",
            _("Permohonan paspor warga desa ditunda/ditolak (12 bulan)"),
            weight=5,
            cap=30,
            viewer=given.viewer,
            count=stopped.recent,
            shown=shown[("recent", stopped.kind)],
            evidence=_("%(count)s permohonan ditunda atau ditolak dalam 12 bulan terakhir"),
        ),
        counted(
            "keberangkatan_dicegah",
            _("Keberangkatan warga desa dicegah di TPI (12 bulan)"),
            weight=6,
            cap=30,
            viewer=given.viewer,
            count=prevented.recent,
            shown=shown[("recent", prevented.kind)],
            evidence=_(
                "%(count)s keberangkatan ditunda atau diserahkan ke polisi dalam 12 bulan terakhir"
            ),
        ),
        counted(
            "kecamatan_tanpa_desa",
            _("Peristiwa di kecamatan ini tanpa desa diketahui (dari NIK, 12 bulan)"),
            weight=1,
            cap=10,
            viewer=given.viewer,
            count=kecamatan_recent,
            shown=shown["kecamatan"],
            evidence=_(
                "%(count)s permohonan atau keberangkatan dari kecamatan ini; desanya tidak "
                "diketahui (hanya dari NIK)"
            ),
        ),
    ]
    return Contributed(sections=[section], indicators=indicators)


def case_contribution(given: ProfileInput) -> Contributed:
    victims = _figures(given)[BorderEventKind.CASE_VICTIM]
    since = given.today - datetime.timedelta(days=CASE_DAYS)
    recent = recent_border_counts(
        desa_codes=[given.village.region_id], since=since, kinds=[BorderEventKind.CASE_VICTIM]
    )[given.village.region_id][BorderEventKind.CASE_VICTIM]
    names = [event for event in _names(given) if event.kind is BorderEventKind.CASE_VICTIM]
    # The victims in all, per year (the latest five with victims), in the last 24 months.
    years = sorted(victims.by_year, reverse=True)[:5]
    per_year = {("year", year): victims.by_year[year] for year in years}
    table = _Table()
    _years_in_all(table, "total", victims.total, per_year)
    _window_over_years(table, "recent", recent, since, per_year)
    shown = table.shown(given.viewer)
    section = ProfileSection(
        key="kasus",
        title=_("Korban kasus TPPO/TPPM dari desa ini"),
        template="villages/profile/_cases.html",
        context={
            "total": shown["total"],
            "per_year": [(year, shown[("year", year)]) for year in years],
            "recent_cases": shown["recent"],
            "names": names,
        },
    )
    indicator = counted(
        "korban_kasus",
        _("Warga desa menjadi korban kasus TPPO/TPPM (24 bulan)"),
        weight=15,
        cap=45,
        viewer=given.viewer,
        count=recent,
        shown=shown["recent"],
        evidence=_("%(count)s korban dari desa ini dalam kasus dengan LP 24 bulan terakhir"),
    )
    return Contributed(sections=[section], indicators=[indicator])


# A desa that sent at least this many procedural PMI in its latest year is a sending village.
SENDING_VILLAGE_FROM = 50


def _pmi_table(viewer: Viewer, per_year: Sequence[Mapping[str, Any]]) -> dict[Any, ShownCount]:
    """Each year's total and, where known, its men and women (they sum to the total; any
    rest is of rows that gave no split, not shown)."""
    table = _Table()
    for row in per_year:
        year = row["year"]
        table.counts[("total", year)] = row["total"]
        split = {(sex, year): row[sex] for sex in ("male", "female") if row[sex] is not None}
        table.counts.update(split)
        if split:
            rest = row["total"] - sum(split.values())
            table.add_sum(("total", year), (*split, *table.not_shown(("rest", year), rest)))
    return table.shown(viewer)


def pmi_contribution(given: ProfileInput) -> Contributed:
    """The procedural PMI per year. Lawful placements, but still people of one desa: a year
    with 2 women who left can name them, so these counts pass the small-count rule too."""
    per_year = list(
        PmiCount.objects.filter(region_id=given.village.region_id)
        .values("year")
        .annotate(total=Sum("total"), male=Sum("male"), female=Sum("female"))
        .order_by("-year")
    )
    shown = _pmi_table(given.viewer, per_year)
    section = ProfileSection(
        key="pmi",
        title=_("PMI prosedural per tahun"),
        template="villages/profile/_pmi.html",
        context={
            "per_year": [
                {
                    "year": row["year"],
                    "total": shown[("total", row["year"])],
                    "male": shown.get(("male", row["year"])),
                    "female": shown.get(("female", row["year"])),
                }
                for row in per_year
            ]
        },
    )
    indicators = []
    if per_year and per_year[0]["total"] >= SENDING_VILLAGE_FROM:
        latest = per_year[0]
        indicators.append(
            IndicatorContribution(
                code="kantong_pmi",
                name=_("Desa kantong PMI"),
                weight=10,
                count=latest["total"],
                points=10,
                evidence=_(
                    "%(total)d PMI prosedural berangkat pada %(year)d (paling sedikit %(limit)d)"
                )
                % {"total": latest["total"], "year": latest["year"], "limit": SENDING_VILLAGE_FROM},
            )
        )
    return Contributed(sections=[section], indicators=indicators)


def activity_contribution(given: ProfileInput) -> Contributed:
    """The PIMPASA's service days and outreach per year (the latest five with any): each
    year's row of the totals page for that year (``selectors.activity_years``), so a reader of
    aggregates sees the same marks here and there ("< 5" for 1 to 4 people served, "≥ 5" where
    a small count could be worked out from the other desa and the area's sum)."""
    village = given.village
    outreach = Outreach.objects.visible_to(given.viewer).filter(village=village)
    services = ServiceDay.objects.visible_to(given.viewer).filter(village=village)
    found = {
        *outreach.annotate(year=ExtractYear("held_on"))
        .order_by()
        .values_list("year", flat=True)
        .distinct(),
        *services.annotate(year=ExtractYear("held_on"))
        .order_by()
        .values_list("year", flat=True)
        .distinct(),
    }
    years = sorted(found, reverse=True)[:5]
    rows = activity_years(viewer=given.viewer, village=village, years=years)
    # The gap since the last outreach is a fact of the desa, whoever looks: counted over all.
    last = Outreach.objects.filter(village=village).aggregate(last=Max("held_on"))["last"]
    section = ProfileSection(
        key="kegiatan",
        title=_("Kegiatan PIMPASA: layanan dan penyuluhan per tahun"),
        template="villages/profile/_activities.html",
        context={
            "years": [{"year": year, "row": rows[year]} for year in years if year in rows],
            "last_outreach": last,
        },
    )
    gap = (given.today - last).days if last else None
    indicators = []
    if gap is None or gap > OUTREACH_GAP_DAYS:
        evidence = (
            _("belum pernah ada penyuluhan tercatat")
            if last is None
            else _("penyuluhan terakhir %(days)d hari lalu (%(date)s)")
            % {"days": gap, "date": date_format(last)}
        )
        indicators.append(
            IndicatorContribution(
                code="tanpa_penyuluhan",
                name=_("Tidak ada penyuluhan dalam %(days)d hari") % {"days": OUTREACH_GAP_DAYS},
                weight=10,
                count=1,
                points=10,
                evidence=evidence,
            )
        )
    return Contributed(sections=[section], indicators=indicators)


BUILTIN = (
    ProfileContribution("perbatasan", 10, border_contribution),
    ProfileContribution("kasus", 20, case_contribution),
    ProfileContribution("pmi", 40, pmi_contribution),
    ProfileContribution("kegiatan", 50, activity_contribution),
)


def register_builtin_contributions() -> None:
    for contribution in BUILTIN:
        register_profile_contribution(contribution)


@dataclass(frozen=True)
class VillageProfile:
    village: DesaBinaan
    sections: list[ProfileSection]
    risk: VillageRisk


def village_profile(*, viewer: Viewer, village: DesaBinaan, today: datetime.date) -> VillageProfile:
    """Every registered contribution for one desa the viewer may see (loaded through
    ``access_object`` by the caller), in order."""
    given = ProfileInput(viewer=viewer, village=village, today=today)
    sections: list[ProfileSection] = []
    indicators: list[IndicatorContribution] = []
    for contribution in profile_contributions():
        found = contribution.contribute(given)
        sections += found.sections
        indicators += found.indicators
    return VillageProfile(village=village, sections=sections, risk=village_risk(indicators))
