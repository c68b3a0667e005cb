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
``count_for_viewer``; it is the one formatting rule, the same code path for every viewer.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.access import may_read_aggregates_only

# Counts from 1 to SMALL_COUNT_BELOW - 1 are suppressed (CIHI's minimum cell size, above).
SMALL_COUNT_BELOW = 5


def is_suppressed(viewer: Viewer, count: int) -> bool:
    """Whether this count is hidden from this viewer (a small count, shown to leadership)."""
    if not may_read_aggregates_only(viewer):
        return False
    return 0 < count < SMALL_COUNT_BELOW


def count_for_viewer(viewer: Viewer, count: int) -> str:
    """The count as this viewer may see it: the number, or "< 5" for a small one."""
    if is_suppressed(viewer, count):
        return _("< %(limit)d") % {"limit": SMALL_COUNT_BELOW}
    return str(count)
