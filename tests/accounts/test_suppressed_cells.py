"""The rule that hides counts from readers of aggregates (``accounts/aggregates.py``): small
counts (1 to 4), and then the cells it takes so that none of them can be worked out from a
total and the other parts (secondary suppression). On its own, without a database."""

from __future__ import annotations

import pytest

from benteng.accounts.aggregates import CountSum, Suppression, suppressed_cells

SMALL = Suppression.SMALL
COMPLEMENT = Suppression.COMPLEMENT


def _row(*parts: int) -> tuple[dict[str, int], list[CountSum[str]]]:
    """One row: parts p0, p1, ... and their total."""
    counts = {f"p{index}": count for index, count in enumerate(parts)}
    counts["total"] = sum(parts)
    return counts, [CountSum("total", tuple(name for name in counts if name != "total"))]


@pytest.mark.parametrize(
    ("parts", "hidden"),
    [
        pytest.param((0, 7, 12), {}, id="no-small-count-nothing-hidden"),
        pytest.param((0, 0, 0), {}, id="zeros-are-shown"),
        pytest.param((3, 7, 12), {"p0": SMALL, "p1": COMPLEMENT}, id="one-small-next-too"),
        pytest.param((2, 0, 9), {"p0": SMALL, "p2": COMPLEMENT}, id="never-a-zero"),
        pytest.param((2, 3, 20), {"p0": SMALL, "p1": SMALL}, id="two-small-ones"),
        pytest.param(
            (1, 1, 20), {"p0": SMALL, "p1": SMALL, "p2": COMPLEMENT}, id="two-that-must-be-1-each"
        ),
        pytest.param(
            (4, 4, 20), {"p0": SMALL, "p1": SMALL, "p2": COMPLEMENT}, id="two-that-must-be-4-each"
        ),
        pytest.param(
            (1, 5, 7), {"p0": SMALL, "p1": COMPLEMENT, "p2": COMPLEMENT}, id="5-and-6-give-back-1"
        ),
        pytest.param((2, 3), {"p0": SMALL, "p1": SMALL}, id="all-parts-small-total-shown"),
        pytest.param((1, 2), {"p0": SMALL, "p1": SMALL, "total": SMALL}, id="small-total"),
        pytest.param((3, 0, 0), {"p0": SMALL, "total": SMALL}, id="part-equals-total"),
        pytest.param((3, 0, 8), {"p0": SMALL, "p2": COMPLEMENT}, id="only-other-part"),
    ],
)
def test_no_small_count_can_be_worked_out_from_its_row(parts, hidden):
    counts, sums = _row(*parts)
    assert suppressed_cells(counts, sums) == hidden


def test_when_every_other_part_is_hidden_the_total_is():
    # given: a small part whose only other part is hidden by another sum (a column)
    counts = {"a": 3, "b": 9, "row": 12, "c": 6, "column": 15}
    sums = [CountSum("row", ("a", "b")), CountSum("column", ("b", "c"))]
    # when
    hidden = suppressed_cells(counts, sums)
    # then: b hides a in the row, but the column gives b back (15 - 6) and a with it; the
    # row's other part is hidden already, so the row's total is
    assert hidden == {"a": SMALL, "b": COMPLEMENT, "row": COMPLEMENT}


def test_a_part_the_page_does_not_show_is_a_count_to_protect_too():
    # given: 5 shown years of a row and the years before them, not shown, 2 events in all
    counts = {"y1": 7, "y2": 0, "earlier": 2, "total": 9}
    sums = [CountSum("total", ("y1", "y2", "earlier"))]
    # when
    hidden = suppressed_cells(counts, sums, unshown={"earlier"})
    # then: the total less the years would give the 2 back
    assert hidden == {"y1": COMPLEMENT}


def test_an_unshown_part_that_may_be_anything_protects_a_small_one():
    counts = {"y1": 3, "y2": 8, "earlier": 6, "total": 17}
    sums = [CountSum("total", ("y1", "y2", "earlier"))]
    assert suppressed_cells(counts, sums, unshown={"earlier"}) == {"y1": SMALL}


def test_sums_that_share_cells_are_checked_together():
    # given: this year's months sum to this year's two columns (applications, departures)
    counts = {"jan": 3, "feb": 10, "both": 13, "applications": 13, "departures": 0}
    sums = [
        CountSum("both", ("jan", "feb")),
        CountSum("both", ("applications", "departures")),
    ]
    # when
    hidden = suppressed_cells(counts, sums, unshown={"both"})
    # then: February alone would give January back through the columns
    assert hidden == {"jan": SMALL, "feb": COMPLEMENT}


def test_without_sums_only_small_counts_are_hidden():
    assert suppressed_cells({"a": 1, "b": 5, "c": 0}) == {"a": SMALL}
