"""Small counts suppressed for those who see aggregates only (DESIGN.md, "Data sharing":
"leadership sees aggregates, with small counts suppressed").

A count about people of one place (the applicants of a desa postponed at the counter, its
victims in a case) is shown to a viewer who sees aggregates only
(``accounts.access.may_read_aggregates_only``: leadership) as "< 5" when it is 1 to 4, never
as the number: in a village, "1 korban dari desa ini" can name the person. Everyone else sees
the number: they already see the people behind it through their own policies, or see the
desa they work in.

Zero is shown as 0, as official statistics do: the usual rule suppresses cells of 1 up to a
threshold and publishes zeros — e.g. the U.S. CMS cell size suppression policy ("no cell
containing a value of 1 to 10 can be reported directly"; zero can) and the minimum cell size
of 5 of the Canadian Institute for Health Information. A zero says that nothing happened to
anyone, which names no one; suppressing it too would make every small village unreadable.

Callers compute on the true counts (ranking, scores) and pass only what they show through
``counts_for_viewer`` (a table) or ``count_for_viewer`` (one count); it is the one formatting
rule, the same code path for every viewer.

Counts worked out by difference (secondary, or complementary, suppression). Where a table
shows a total and its parts (a row of years and its "in all", men and women and the year's
total, the months of this year and this year's column), hiding a small part is not enough:
the total less the shown parts gives it back. The rule, as statistical offices apply it
(e.g. Statistics Canada's and the U.S. CDC's complementary suppression): after the small counts
are hidden, every sum of the table is checked, and while a hidden small count could still be
worked out from the shown cells, one more cell of that sum is hidden too, the next smallest
part that is not 0 — or, when every other part is hidden already, the total. The check
(``suppressed_cells``) takes each sum with the bounds every hidden cell's mark states: a small
count is shown as "< 5" (1 to 4), a cell hidden to protect one as "≥ 5" (it is 5 or more:
never 0, which would give nothing away, nor 1 to 4, hidden already), a part the page does not
show at all (the years before the five shown, the end of last year inside the last 12 months)
as anything from 0; it narrows those bounds through all the sums until nothing changes, and a
hidden count of 1 to 4 whose bounds close on one number is worked out. So two hidden counts
summing to 2 (both 1) or to 8 (both 4) are caught as well as one alone. A part the page does
not show whose true value is 0 is left out of the sums: the check then assumes the reader knows
it is 0, which errs on the side of hiding more.

The check covers the sums a table states (``CountSum``). Where two pages show the same cells
(the totals page's desa of a year and the village profile's year), both read them from one
table, so they carry the same marks. A count over a window that cuts across another page's
cells is a sum no table can state: the outreach list's last 90 days start inside a month of
the profile's twelve and cover the next ones, so "11 in 90 days" less a month shown as 7 gives
back a month shown as "< 5". Such a count is shown to a reader of aggregates only as whether
there was any (``sees_window_counts``), and anything ordered by it is ordered by that alone:
"some" is at least 1, which every hidden count is already known to be, and "none" names only
zeros, which are shown anyway.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.access import may_read_aggregates_only

# Counts from 1 to SMALL_COUNT_BELOW - 1 are suppressed (CIHI's minimum cell size, above).
SMALL_COUNT_BELOW = 5

Cell = TypeVar("Cell", bound=Hashable)


class Suppression(enum.Enum):
    """Why a cell is hidden, which is what its mark says of it."""

    SMALL = "small"  # 1 to 4: "< 5"
    COMPLEMENT = "complement"  # 5 or more, hidden so that a small one cannot be worked out: "≥ 5"


@dataclass(frozen=True)
class CountSum(Generic[Cell]):
    """One sum a table shows: ``total`` is the sum of ``parts``."""

    total: Cell
    parts: tuple[Cell, ...]


@dataclass(frozen=True)
class ShownCount:
    """A count as one viewer sees it: the number, or its mark when it is hidden."""

    text: str
    exact: bool

    def __str__(self) -> str:
        return self.text


def is_suppressed(viewer: Viewer, count: int) -> bool:
    """Whether this count is hidden from this viewer (a small count, shown to leadership)."""
    if not may_read_aggregates_only(viewer):
        return False
    return 0 < count < SMALL_COUNT_BELOW


def sees_window_counts(viewer: Viewer) -> bool:
    """Whether this viewer sees the number of a count over a window that cuts across another
    page's cells; a reader of aggregates sees only whether there was any (module docstring)."""
    return not may_read_aggregates_only(viewer)


def _is_small(count: int) -> bool:
    return 0 < count < SMALL_COUNT_BELOW


Bounds = tuple[float, float]


def _bounds(
    counts: Mapping[Cell, int], hidden: Mapping[Cell, Suppression], unshown: AbstractSet[Cell]
) -> dict[Cell, Bounds]:
    """What the reader knows of each cell from the page: its number, or its mark's range."""
    known: dict[Cell, Bounds] = {}
    for cell, count in counts.items():
        if cell in unshown:
            known[cell] = (0, math.inf)
        elif hidden.get(cell) is Suppression.SMALL:
            known[cell] = (1, SMALL_COUNT_BELOW - 1)
        elif hidden.get(cell) is Suppression.COMPLEMENT:
            known[cell] = (SMALL_COUNT_BELOW, math.inf)
        else:
            known[cell] = (count, count)
    return known


def _narrow(known: dict[Cell, Bounds], sums: Sequence[CountSum[Cell]]) -> None:
    """Narrow every cell's range by every sum (a total lies between the sums of its parts'
    lowest and highest; a part between the total's less the other parts'), until no range
    changes. Each change closes a range by at least 1 on the integers, so this ends."""
    changed = True
    while changed:
        changed = False
        for relation in sums:
            parts = [known[part] for part in relation.parts]
            total_low, total_high = known[relation.total]
            ranges = [(relation.total, (sum(low for low, _ in parts), sum(h for _, h in parts)))]
            for index, part in enumerate(relation.parts):
                others = parts[:index] + parts[index + 1 :]
                ranges.append(
                    (
                        part,
                        (
                            total_low - sum(high for _, high in others),
                            total_high - sum(low for low, _ in others),
                        ),
                    )
                )
            for cell, (low, high) in ranges:
                old_low, old_high = known[cell]
                narrowed = (max(old_low, low), min(old_high, high))
                if narrowed != (old_low, old_high):
                    known[cell] = narrowed
                    changed = True


def _worked_out(
    counts: Mapping[Cell, int],
    hidden: Mapping[Cell, Suppression],
    unshown: AbstractSet[Cell],
    sums: Sequence[CountSum[Cell]],
) -> list[Cell]:
    """The small counts the page does not show as such that the reader can still work out."""
    known = _bounds(counts, hidden, unshown)
    _narrow(known, sums)
    return [
        cell
        for cell, count in counts.items()
        if _is_small(count)
        and (cell in hidden or cell in unshown)
        and known[cell][0] == known[cell][1]
    ]


def _complement(
    cell: Cell,
    counts: Mapping[Cell, int],
    hidden: Mapping[Cell, Suppression],
    unshown: AbstractSet[Cell],
    sums: Sequence[CountSum[Cell]],
) -> Cell | None:
    """The cell to hide next to protect ``cell``: in the sum of it with the fewest cells the
    reader does not see, the smallest shown part that is not 0, else that sum's total."""

    def shown(other: Cell) -> bool:
        return other not in hidden and other not in unshown

    containing = [item for item in sums if cell == item.total or cell in item.parts]
    containing.sort(key=lambda item: sum(not shown(c) for c in (item.total, *item.parts)))
    for relation in containing:
        parts = [p for p in relation.parts if p != cell and shown(p) and counts[p] > 0]
        if parts:
            return min(parts, key=lambda part: counts[part])
        if relation.total != cell and shown(relation.total) and counts[relation.total] > 0:
            return relation.total
    return None


def suppressed_cells(
    counts: Mapping[Cell, int],
    sums: Iterable[CountSum[Cell]] = (),
    *,
    unshown: AbstractSet[Cell] = frozenset(),
) -> dict[Cell, Suppression]:
    """The cells of a table to hide from a reader of aggregates: every small count, and then
    as many more as it takes so that no small count can be worked out from the table's sums
    (the rule in this module's docstring). ``unshown`` are parts a sum needs that the page
    does not show (never hidden, never chosen to hide)."""
    relations = list(sums)
    hidden = {
        cell: Suppression.SMALL
        for cell, count in counts.items()
        if cell not in unshown and _is_small(count)
    }
    while exposed := _worked_out(counts, hidden, unshown, relations):
        chosen = None
        for cell in exposed:
            chosen = _complement(cell, counts, hidden, unshown, relations)
            if chosen is not None:
                break
        if chosen is None:
            # Every cell of their sums is hidden or not shown already: nothing left to hide.
            # No table of the pages has such a sum (their totals are shown cells).
            break
        hidden[chosen] = Suppression.COMPLEMENT
    return hidden


def counts_for_viewer(
    viewer: Viewer,
    counts: Mapping[Cell, int],
    sums: Iterable[CountSum[Cell]] = (),
    *,
    unshown: AbstractSet[Cell] = frozenset(),
) -> dict[Cell, ShownCount]:
    """The shown cells of a table as this viewer may see them: the numbers, or for a reader
    of aggregates "< 5" for a small count and "≥ 5" for a cell hidden so that no small count
    can be worked out (``suppressed_cells``)."""
    hidden = (
        suppressed_cells(counts, sums, unshown=unshown) if may_read_aggregates_only(viewer) else {}
    )
    marks = {
        Suppression.SMALL: ShownCount(_("< %(limit)d") % {"limit": SMALL_COUNT_BELOW}, exact=False),
        Suppression.COMPLEMENT: ShownCount(
            _("≥ %(limit)d") % {"limit": SMALL_COUNT_BELOW}, exact=False
        ),
    }
    shown = {}
    for cell, count in counts.items():
        if cell in unshown:
            continue
        why = hidden.get(cell)
        shown[cell] = marks[why] if why is not None else ShownCount(str(count), exact=True)
    return shown


def shown_count(viewer: Viewer, count: int) -> ShownCount:
    """One count that is part of no shown sum, as this viewer may see it."""
    return counts_for_viewer(viewer, {"count": count})["count"]


def count_for_viewer(viewer: Viewer, count: int) -> str:
    """The count as this viewer may see it: the number, or "< 5" for a small one."""
    return shown_count(viewer, count).text
