"""The screening hot path's reads, in plain SQL through :mod:`benteng.rows`.

Every screening runs these; built with the ORM each cost more CPU than the database spends
answering it. Each states the access rule it applies; ``tests/screening/test_queries.py``
proves that each returns what the ORM would for the same viewer and values.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection

from benteng.access.viewer import Viewer
from benteng.accounts.models import Agency, AgencyKind, Office
from benteng.rows import Columns, fetch, one_of, table
from benteng.screening.models import (
    ApplicationDecision,
    ApplicationStatus,
    DepartureCheck,
    PassportApplication,
)
from benteng.watchlists.models import SharingLevel, Watchlist, WatchlistEntry

POLICE = AgencyKind.POLRI.value  # a raw SQL parameter: the plain string


def _police_entries(
    viewer: Viewer, columns: str, condition: str, params: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """``(id, *columns)`` of the police entries meeting ``condition`` that this viewer may be
    told about as hits: shared as hits, or of the viewer's own agency
    (``watchlist_entries_hit_visible_to``)."""
    return fetch(
        f"SELECT e.id, {columns} FROM {table(WatchlistEntry)} e "  # noqa: S608 - model names
        f"JOIN {table(Watchlist)} w ON w.id = e.watchlist_id "
        f"JOIN {table(Agency)} g ON g.id = w.owner_agency_id "
        f"WHERE {condition} AND g.kind = %s AND (e.sharing_level = %s OR g.kind = %s)",
        [*params, POLICE, SharingLevel.HIT.value, viewer.agency_kind or ""],
    )


def police_entries_by_phone(
    viewer: Viewer, phones: Sequence[str], *, today: datetime.date
) -> list[tuple[int, str, str]]:
    """``(id, phone, subject_type)`` of the police entries in force on ``today`` with one of
    these phone numbers, that the viewer may be told about as hits."""
    among, numbers = one_of("e.phone", phones, "text")
    rows = _police_entries(
        viewer,
        "e.phone, e.subject_type",
        f"{among} AND e.removed_at IS NULL AND (e.expires_on IS NULL OR e.expires_on >= %s)",
        [*numbers, connection.ops.adapt_datefield_value(today)],
    )
    return [(int(pk), str(phone), str(subject_type)) for pk, phone, subject_type in rows]


def police_entry_names(viewer: Viewer, ids: Sequence[int]) -> dict[int, str]:
    """The names of these police entries, not removed, that the viewer may be told about as
    hits (whether expired is checked when the hits are read)."""
    among, params = one_of("e.id", ids, "bigint")
    rows = _police_entries(viewer, "e.full_name", f"{among} AND e.removed_at IS NULL", params)
    return {int(pk): str(name) for pk, name in rows}


# Earlier events are read for every screening, only the columns an event shows. The rule: a
# screening tells any office of the earlier events about the same person (office, date,
# status, decision), never the record itself (see outcome.py).
_EVENT_APPLICATION = ("id", "office", "submitted_at", "status", "postponed_until")
_EVENT_CHECK = ("id", "office", "checked_at", "outcome")
_EVENT_OFFICE = ("id", "code", "name")


def event_applications(
    ids: Sequence[int],
) -> list[tuple[PassportApplication, ApplicationDecision | None]]:
    """The applications with their office and latest decision (outcome and reason)."""
    if not ids:
        return []
    application = Columns.of(PassportApplication, "a", _EVENT_APPLICATION)
    office = Columns.of(Office, "o", _EVENT_OFFICE)
    latest = (
        f"SELECT d.{{column}} FROM {table(ApplicationDecision)} d WHERE d.application_id = a.id "  # noqa: S608 - model names
        "ORDER BY d.decided_at DESC, d.id DESC LIMIT 1"
    )
    among, params = one_of("a.id", ids, "bigint")
    rows = fetch(
        f"SELECT {application.sql}, {office.sql}, ({latest.format(column='outcome')}), "  # noqa: S608 - model names
        f"({latest.format(column='reason')}) FROM {table(PassportApplication)} a "
        f"JOIN {table(Office)} o ON o.id = a.office_id WHERE {among}",
        params,
    )
    found = []
    for row in rows:
        record = application.instance(row)
        record.office = office.instance(row, application.width)
        outcome, reason = row[application.width + office.width :]
        decision = None
        if outcome is not None:
            decision = ApplicationDecision(outcome=outcome, reason=reason or "")
        found.append((record, decision))
    return found


def event_checks(ids: Sequence[int]) -> list[DepartureCheck]:
    """The departure checks with their office."""
    if not ids:
        return []
    check = Columns.of(DepartureCheck, "c", _EVENT_CHECK)
    office = Columns.of(Office, "o", _EVENT_OFFICE)
    among, params = one_of("c.id", ids, "bigint")
    rows = fetch(
        f"SELECT {check.sql}, {office.sql} FROM {table(DepartureCheck)} c "  # noqa: S608 - model names
        f"JOIN {table(Office)} o ON o.id = c.office_id WHERE {among}",
        params,
    )
    found = []
    for row in rows:
        record = check.instance(row)
        record.office = office.instance(row, check.width)
        found.append(record)
    return found


def same_sponsor_count(
    *, sponsor_key: str, sponsor_phone: str, since: datetime.datetime, other_than_nik: str
) -> int:
    """Applications (any office, not void) naming this sponsor (by name key) or sponsor phone
    since ``since``, of another NIK. A count: no record leaves, so no viewer rule applies."""
    named: list[str] = []
    params: list[Any] = []
    # "<> ''" lets PostgreSQL use the partial indexes of named sponsors whatever the value.
    if sponsor_key:
        named.append("(a.sponsor_key = %s AND a.sponsor_key <> '')")
        params.append(sponsor_key)
    if sponsor_phone:
        named.append("(a.sponsor_phone = %s AND a.sponsor_phone <> '')")
        params.append(sponsor_phone)
    if not named:
        return 0
    # A voided application (a duplicate entered by mistake) is nobody's application.
    condition = f"({' OR '.join(named)}) AND a.submitted_at >= %s AND a.status <> %s"
    params += [connection.ops.adapt_datetimefield_value(since), ApplicationStatus.VOID.value]
    if other_than_nik:
        condition += " AND a.nik <> %s"
        params.append(other_than_nik)
    ((count,),) = fetch(
        f"SELECT COUNT(*) FROM {table(PassportApplication)} a WHERE {condition}",  # noqa: S608 - model names
        params,
    )
    return int(count)
