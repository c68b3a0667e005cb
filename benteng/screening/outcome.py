"""What a screening found, as it is stored and as each reader gets it.

The stored result keeps hits by reference (:class:`StoredHit`: the entry's id, how it matched,
what the rules saw of it) and earlier events as any office may see them. Whoever reads the
result — the officer who screened, a reader later (page, API, history) — gets the hits
projected for them: each entry loaded again and shown through ``hit_view`` if this reader may
be told about it (``entry_hit_visible_to``); an entry they may not (another agency's
owner-only entry, one removed since) is left out, with the instruction and the indicator
evidence it gave. Another office's record is never named: an earlier event carries its
office, date, status, decision, reason and due date only.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.audit.services import audit_record_read
from benteng.core.nik import NikProblem, banten_region_name, nik_consistency, parse_nik
from benteng.core.risk import EventFact, HitFact, hit_evidence
from benteng.people.sources import SourceMatch
from benteng.screening import queries
from benteng.screening.cleaning import APPLICATION, DEPARTURE
from benteng.screening.identity_sources import APPLICATIONS, DEPARTURE_CHECKS
from benteng.screening.matching import Matches
from benteng.screening.models import (
    ApplicationStatus,
    DepartureCheck,
    DepartureOutcome,
    PassportApplication,
    ScreeningResult,
)
from benteng.screening.results import EarlierEvent, Hit, Instruction, StoredHit
from benteng.watchlists.models import WatchlistEntry
from benteng.watchlists.selectors import entry_hit_visible_to, watchlist_entries_for_hits
from benteng.watchlists.services import hit_view

POLICE = queries.POLICE


@dataclass
class ScreeningOutcome:
    """Everything the counter or the TPI page shows, and what the API returns, for one
    reader."""

    kind: str  # "application" | "departure"
    record: PassportApplication | DepartureCheck
    result: ScreeningResult
    hits: list[Hit]
    earlier_events: list[EarlierEvent]
    nik_check: dict[str, Any]
    indicators: list[dict[str, Any]]
    not_evaluated: list[dict[str, Any]]
    risk_score: int
    risk_band: str
    rule_set_version: int | None
    server_milliseconds: float
    replayed: bool = False
    police_hit: bool = False
    instructions: list[Instruction] = field(default_factory=list)
    # "Possible match -- check": entries sharing only a name with the person, in the shape
    # of a hit for this reader, never counted as hits nor seen by the risk rules.
    possible_matches: list[Hit] = field(default_factory=list)

    @property
    def application(self) -> PassportApplication | None:
        return self.record if isinstance(self.record, PassportApplication) else None

    @property
    def departure_check(self) -> DepartureCheck | None:
        return self.record if isinstance(self.record, DepartureCheck) else None


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


# --- hits ----------------------------------------------------------------------------------


def entries_of_matches(*matches: Matches) -> dict[int, WatchlistEntry]:
    """The matched entries not removed, by id, ready for ``hit_view`` (one query for the
    hits and the possible matches together)."""
    ids = [entry_id for found in matches for entry_id in found.by_entry]
    if not ids:
        return {}
    return watchlist_entries_for_hits(entry_ids=ids)


def stored_hits(
    viewer: Viewer, matches: Matches, entries: Mapping[int, WatchlistEntry]
) -> tuple[list[StoredHit], list[WatchlistEntry]]:
    """Each matched entry in force that the screening viewer may be told about, as the
    result keeps it, best first, and the entries read. The entry as read now decides: the
    index may not have seen it made owner-only yet."""
    hits: list[StoredHit] = []
    read: list[WatchlistEntry] = []
    for match in matches.best_first():
        entry = entries.get(match.entry_id)
        if entry is None or not entry.in_force():
            continue
        if not entry_hit_visible_to(viewer, entry):
            continue
        hits.append(
            StoredHit(
                entry_id=entry.pk,
                score=round(match.score, 4),
                matched_on=match.matched_on,
                matched_via=list(match.matched_via),
                match_reasons=match.reasons,
                match_reasons_en=match.reasons_en,
                watchlist_kind=entry.watchlist.kind,
                owner_agency=entry.watchlist.owner_agency.kind,
                category=entry.category,
            )
        )
        read.append(entry)
    return hits, read


def hit_facts(hits: Iterable[StoredHit]) -> list[HitFact]:
    """The hits as the risk rules see them."""
    return [
        HitFact(
            watchlist_kind=hit.watchlist_kind,
            owner_agency=hit.owner_agency,
            category=hit.category,
            score=hit.score,
            matched_on=hit.matched_on,
        )
        for hit in hits
    ]


def _hit(viewer: Viewer, entry: WatchlistEntry, stored: StoredHit) -> Hit:
    view = hit_view(viewer=viewer, entry=entry)
    return Hit(
        id=entry.pk,
        index_id=entry.index_id,
        watchlist_kind=view["watchlist_kind"],
        watchlist_kind_label=view["watchlist_kind_label"],
        watchlist_name=view["watchlist_name"],
        owner_agency=view["owner_agency"],
        owner_office_name=view["owner_office_name"],
        subject_type=view["subject_type"],
        subject_type_label=str(view["subject_type_label"]),
        full_name=view["full_name"],
        birth_date=_json_safe(view["birth_date"]),
        sex=view["sex"],
        nik=view["nik"],
        passport_no=view["passport_no"],
        phone=view["phone"],
        licence_number=view["licence_number"],
        category=view["category"],
        instruction=view["instruction"],
        contact=view["contact"],
        expires_on=_json_safe(view["expires_on"]),
        in_force=view["in_force"],
        is_owner=bool(view["is_owner"]),
        matched_on=stored.matched_on,  # type: ignore[arg-type]
        matched_via=list(stored.matched_via),
        score=stored.score,
        match_reasons=stored.match_reasons,
        match_reasons_en=stored.match_reasons_en,
    )


def hits_for(
    viewer: Viewer, stored: Sequence[StoredHit], entries: Mapping[int, WatchlistEntry]
) -> tuple[list[Hit], list[StoredHit]]:
    """The hits this reader may see, and those left out for them."""
    shown: list[Hit] = []
    left_out: list[StoredHit] = []
    for hit in stored:
        entry = entries.get(hit.entry_id)
        if entry is None or not entry_hit_visible_to(viewer, entry):
            left_out.append(hit)
            continue
        shown.append(_hit(viewer, entry, hit))
    return shown, left_out


def instructions_of(hits: Sequence[Hit]) -> list[Instruction]:
    """What each hit asks the officer to do, once per distinct instruction."""
    seen: set[tuple[str, str]] = set()
    instructions = []
    for hit in hits:
        key = (hit.instruction, hit.contact)
        if not key[0] or key in seen:
            continue
        seen.add(key)
        instructions.append(
            Instruction(
                instruction=hit.instruction,
                contact=hit.contact,
                owner_office_name=hit.owner_office_name,
                watchlist_name=hit.watchlist_name,
            )
        )
    return instructions


def indicators_without(
    indicators: Sequence[Mapping[str, Any]], left_out: Sequence[StoredHit]
) -> list[dict[str, Any]]:
    """The indicators without the evidence the left-out hits gave; an indicator left with no
    evidence at all is left out too. (The score stays the one the officer who screened saw.)"""
    if not left_out:
        return [dict(indicator) for indicator in indicators]
    lines = [hit_evidence(fact) for fact in hit_facts(left_out)]
    kept = []
    for indicator in indicators:
        evidence, evidence_en = list(indicator["evidence"]), list(indicator["evidence_en"])
        for line_id, line_en in lines:
            if line_id in evidence:
                evidence.remove(line_id)
            if line_en in evidence_en:
                evidence_en.remove(line_en)
        if evidence or not indicator["evidence"]:
            kept.append({**indicator, "evidence": evidence, "evidence_en": evidence_en})
    return kept


# --- earlier events ------------------------------------------------------------------------


def _days_between(earlier: datetime.datetime, now: datetime.datetime) -> int:
    return max(0, (timezone.localdate(now) - timezone.localdate(earlier)).days)


def _event(
    record: PassportApplication | DepartureCheck,
    candidate: SourceMatch,
    *,
    viewer: Viewer,
    now: datetime.datetime,
    decision: tuple[str, str, str, str],
    due_date: datetime.date | None,
) -> tuple[dict[str, Any], EventFact]:
    is_application = isinstance(record, PassportApplication)
    at = record.submitted_at if is_application else record.checked_at  # type: ignore[union-attr]
    status = record.status if is_application else record.outcome  # type: ignore[union-attr]
    status_label = str(
        record.get_status_display() if is_application else record.get_outcome_display()  # type: ignore[union-attr]
    )
    same_office = record.office_id == viewer.office_id
    days_ago = _days_between(at, now)
    kind = APPLICATION if is_application else DEPARTURE
    event = {
        "kind": kind,
        "office_id": record.office_id,
        "office_code": record.office.code,
        "office_name": record.office.name,
        "date": timezone.localdate(at).isoformat(),
        "days_ago": days_ago,
        "status": status,
        "status_label": status_label,
        "decision": decision[0],
        "decision_label": decision[1],
        "reason": decision[2],
        "reason_label": decision[3],
        "due_date": _json_safe(due_date),
        "same_office": same_office,
        "score": round(candidate.score, 4),
        "match_reasons": candidate.comparison.reasons(language="id"),
        "match_reasons_en": candidate.comparison.reasons(language="en"),
        # Another office's record is never named, not even in the stored result.
        "record_id": record.pk if same_office else None,
    }
    fact = EventFact(
        kind=kind,
        office_code=record.office.code,
        same_office=same_office,
        outcome=status,
        days_ago=days_ago,
        office_name=record.office.name,
    )
    return event, fact


def earlier_events_found(
    viewer: Viewer, candidates: Sequence[SourceMatch], *, now: datetime.datetime
) -> tuple[list[dict[str, Any]], list[EventFact], list[models.Model]]:
    """Earlier applications and departure checks about the person as the result keeps them
    (what any office may see), their facts for the rules, and the records read."""
    scores = {candidate.ref: candidate for candidate in candidates}
    application_ids = [ref.pk for ref in scores if ref.source == APPLICATIONS.label]
    check_ids = [ref.pk for ref in scores if ref.source == DEPARTURE_CHECKS.label]
    found: list[tuple[dict[str, Any], EventFact]] = []
    read: list[models.Model] = []
    for application, latest in (
        queries.event_applications(application_ids) if application_ids else []
    ):
        if application.status == ApplicationStatus.VOID:
            continue  # voided since the index answered (it drops it at its next refresh)
        decision = ("", "", "", "")
        if latest is not None:
            decision = (
                latest.outcome,
                str(latest.get_outcome_display()),
                latest.reason,
                str(latest.get_reason_display()),
            )
        found.append(
            _event(
                application,
                scores[APPLICATIONS.ref(application.pk)],
                viewer=viewer,
                now=now,
                decision=decision,
                due_date=application.postponed_until,
            )
        )
        read.append(application)
    for check in queries.event_checks(check_ids):
        if check.outcome == DepartureOutcome.VOID:
            continue
        label = str(check.get_outcome_display())
        found.append(
            _event(
                check,
                scores[DEPARTURE_CHECKS.ref(check.pk)],
                viewer=viewer,
                now=now,
                decision=(check.outcome, label, "", ""),
                due_date=None,
            )
        )
        read.append(check)
    found.sort(key=lambda pair: (pair[0]["date"], pair[0]["score"]), reverse=True)
    return [event for event, _fact in found], [fact for _event, fact in found], read


_EVENT_FIELDS = tuple(item.name for item in dataclasses.fields(EarlierEvent))


def events_for(viewer: Viewer, stored: Iterable[Mapping[str, Any]]) -> list[EarlierEvent]:
    """The stored earlier events for this reader: another office's record is not named."""
    events = []
    for event in stored:
        values: dict[str, Any] = {name: event.get(name) for name in _EVENT_FIELDS}
        same_office = viewer.office_id is not None and event.get("office_id") == viewer.office_id
        values["record_id"] = event.get("record_id") if same_office else None
        events.append(EarlierEvent(**values))
    return events


# --- the NIK ---------------------------------------------------------------------------------


def nik_check_of(
    nik: str, *, birth_date: datetime.date | None, sex: str, today: datetime.date
) -> tuple[dict[str, Any], list[str]]:
    """The NIK read and checked against the stated birth date and sex, as the result keeps
    it, and the codes of its problems (for the rules)."""
    if not nik:
        return {"nik": "", "checked": False, "valid": None, "problems": []}, []
    info, problems = parse_nik(nik, today=today)
    all_problems: list[NikProblem] = list(problems)
    check: dict[str, Any] = {"nik": nik, "checked": True}
    if info is not None:
        all_problems += nik_consistency(info, birth_date=birth_date, sex=sex or None)
        check.update(
            {
                "birth_date": info.birth_date.isoformat(),
                "sex": info.sex,
                "region_code": info.district_code,
                "region_name": banten_region_name(info.district_code) or "",
                "is_banten": info.is_banten,
            }
        )
    check["valid"] = not all_problems
    check["problems"] = [problem.as_dict() for problem in all_problems]
    return check, [str(problem.code) for problem in all_problems]


# --- the outcome ---------------------------------------------------------------------------


def outcome_from_result(
    *,
    viewer: Viewer,
    record: PassportApplication | DepartureCheck,
    result: ScreeningResult,
    replayed: bool = False,
    entries: Mapping[int, WatchlistEntry] | None = None,
) -> ScreeningOutcome:
    """The outcome of a saved screening as this reader may see it. ``entries``: the hits'
    entries when already loaded (the screening itself, which records their read), else read
    here (one query) and the read of the entries shown recorded in the audit trail, so "who
    saw watchlist entry w1" is answered for everyone who opened the result later."""
    screening_now = entries is not None
    stored = [StoredHit.from_json(hit) for hit in result.hits]
    stored_possible = [StoredHit.from_json(hit) for hit in result.possible_matches]
    if entries is None and (stored or stored_possible):
        entries = watchlist_entries_for_hits(
            entry_ids=[hit.entry_id for hit in (*stored, *stored_possible)]
        )
    hits, left_out = hits_for(viewer, stored, entries or {})
    possible, _possible_left_out = hits_for(viewer, stored_possible, entries or {})
    if not screening_now:
        _audit_hits_read(viewer, record, hits, entries or {})
        _audit_hits_read(viewer, record, possible, entries or {}, shown_as="possible_match")
    return ScreeningOutcome(
        kind=APPLICATION if isinstance(record, PassportApplication) else DEPARTURE,
        record=record,
        result=result,
        hits=hits,
        earlier_events=events_for(viewer, result.earlier_events),
        nik_check=dict(result.nik_check),
        indicators=indicators_without(result.indicators, left_out),
        not_evaluated=list(result.not_evaluated),
        risk_score=result.risk_score,
        risk_band=result.risk_band,
        rule_set_version=result.rule_set.number if result.rule_set is not None else None,
        server_milliseconds=result.server_milliseconds,
        replayed=replayed,
        police_hit=any(hit.owner_agency == POLICE for hit in hits),
        instructions=instructions_of(hits),
        possible_matches=possible,
    )


def _audit_hits_read(
    viewer: Viewer,
    record: PassportApplication | DepartureCheck,
    hits: Sequence[Hit],
    entries: Mapping[int, WatchlistEntry],
    *,
    shown_as: str = "hit",
) -> None:
    """The watchlist entries shown as hits (or possible matches) of this record, read by
    this viewer."""
    audit_record_read(
        viewer=viewer,
        objects=[entries[hit.id] for hit in hits],
        detail={"screening": record.reference, "as": shown_as},
    )
