"""Screening a passport applicant at the Kanim counter and a passenger at the TPI.

One call does everything the officer needs while the person waits:

1. search the screening index: watchlist entries that may be this person, and earlier
   applications and departure checks about them at every office; compare the sponsor,
   employer and placement company named, and their phone numbers, with the police lists
   (:mod:`~benteng.screening.matching`);
2. count other applicants naming the same sponsor or phone recently (group pattern);
3. check the NIK against the stated birth date and sex;
4. score the facts with the current risk rules (:mod:`benteng.core.risk`) — the score
   supports the officer, it never decides;
5. all or none (on PostgreSQL one statement, elsewhere one short transaction), save the
   application (or departure check) with a reference number at the viewer's office, the
   :class:`ScreeningResult` (hits by reference, see :mod:`~benteng.screening.outcome`), a
   :class:`ScreeningHit` row per entry hit (whose owner office may then read the record) and
   the audit trail (the record written, the watchlist entries and earlier events read,
   purpose "penyaringan");
6. after the commit, put the new record among the earlier events of the index.

Applications and departures go the same way; what differs is in their :class:`_Kind`.

Repeating a request with the same ``idempotency_key`` (per client system or per user) returns
the first result without writing a second record; reusing a key with other values raises
:class:`IdempotencyKeyReused`.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benteng.access.policy import NotVisible, access_object
from benteng.access.viewer import Viewer
from benteng.accounts.models import AgencyKind
from benteng.audit.models import AuditAction
from benteng.audit.services import (
    AuditItem,
    actor_for_viewer,
    audit_record_many,
    object_type_of,
)
from benteng.core.names import name_key
from benteng.core.risk import STATEMENT_LABELS, RiskFacts, Text, assess, rule_parameter
from benteng.identity import region_code_for_identity
from benteng.people.index import index_source_record
from benteng.regions.selectors import is_village_code
from benteng.rows import insert, next_ids
from benteng.screening import queries
from benteng.screening.access import may_screen_applications, may_screen_departures
from benteng.screening.cleaning import (
    ApplicationInput,
    DepartureInput,
    ScreeningInput,
    ScreeningInputInvalid,
)
from benteng.screening.hooks import VillageSignal, VillageSignalQuery, village_signal
from benteng.screening.identity_sources import APPLICATIONS, DEPARTURE_CHECKS
from benteng.screening.matching import (
    IndexFound,
    Named,
    index_search,
    possible_person_matches,
    watchlist_matches,
)
from benteng.screening.models import (
    DepartureCheck,
    PassportApplication,
    RecordAmendment,
    ScreeningHit,
    ScreeningResult,
    TravelDocument,
)
from benteng.screening.outcome import (
    ScreeningOutcome,
    earlier_events_found,
    entries_of_matches,
    hit_facts,
    nik_check_of,
    outcome_from_result,
    stored_hits,
)
from benteng.screening.results import fields_of
from benteng.screening.rules import rules_and_moratorium_current
from benteng.watchlists.models import EntrySource, WatchlistEntry

# What the pages and the demo data import from here, though it lives in the modules above.
__all__ = ["ApplicationInput", "DepartureInput", "ScreeningInputInvalid", "outcome_from_result"]

PURPOSE = "penyaringan"
APPLICATION = "application"
DEPARTURE = "departure"
MAX_IDEMPOTENCY_KEY_LENGTH = 100


class ScreeningRefused(PermissionDenied):
    """The viewer may not screen here (wrong role, no office)."""


class IdempotencyKeyReused(Exception):
    """The idempotency key was used before, by the same client or user, with other values."""

    def __init__(self) -> None:
        super().__init__(
            _("Idempotency-Key ini sudah dipakai untuk permintaan dengan isi yang berbeda.")
        )


class IdempotencyKeyOutOfReach(IdempotencyKeyReused):
    """The key was used by this client or user for a record it may no longer see (it moved to
    another office, or changed role): the record is not shown and no second one is made."""

    def __init__(self) -> None:
        Exception.__init__(
            self,
            _(
                "Idempotency-Key ini sudah dipakai untuk data yang tidak lagi dapat Anda lihat. "
                "Kirim ulang dengan kunci baru."
            ),
        )


def _office_of(viewer: Viewer) -> int:
    """The office a screening is recorded at: always the viewer's own."""
    if viewer.office_id is None:
        raise ScreeningRefused(str(_("Akun ini tidak terikat pada kantor mana pun.")))
    return viewer.office_id


def _check_idempotency_key(key: str) -> str:
    key = key.strip()
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ScreeningInputInvalid(
            {
                "idempotency_key": [
                    str(_("Idempotency-Key paling panjang %(limit)d karakter."))
                    % {"limit": MAX_IDEMPOTENCY_KEY_LENGTH}
                ]
            }
        )
    return key


# --- what differs between an application and a departure -----------------------------------

Record = PassportApplication | DepartureCheck


@dataclass(frozen=True)
class _Kind:
    name: str  # APPLICATION | DEPARTURE
    model: type[PassportApplication] | type[DepartureCheck]
    reference_prefix: str
    may_screen: Callable[[Viewer], bool]
    refused: Promise
    user_field: str  # who entered the record
    written_fields: tuple[str, ...]


_APPLICATION = _Kind(
    name=APPLICATION,
    model=PassportApplication,
    reference_prefix="PP",
    may_screen=may_screen_applications,
    refused=_("Hanya petugas layanan paspor Kanim yang dapat menyaring permohonan paspor."),
    user_field="entered_by_id",
    written_fields=(
        "full_name",
        "birth_date",
        "sex",
        "nik",
        "birth_place",
        "passport_no",
        "address",
        "region",
        "phone",
        "purpose",
        "destination_country",
        "sponsor_name",
        "sponsor_phone",
        "employer_name",
        "placement_company",
        "documents",
    ),
)
_DEPARTURE = _Kind(
    name=DEPARTURE,
    model=DepartureCheck,
    reference_prefix="KB",
    may_screen=may_screen_departures,
    refused=_("Hanya petugas TPI yang dapat memeriksa penumpang yang berangkat."),
    user_field="checked_by_id",
    written_fields=(
        "full_name",
        "birth_date",
        "sex",
        "nik",
        "passport_no",
        "phone",
        "flight_number",
        "destination_country",
        "purpose",
        "documents",
    ),
)


def _new_record(data: ScreeningInput, *, viewer: Viewer, now: datetime.datetime) -> Record:
    """The record as typed, not saved yet."""
    common: dict[str, Any] = {
        "office_id": _office_of(viewer),
        "client_id": viewer.client_id,
        "full_name": data.full_name,
        "birth_date": data.birth_date,
        "sex": data.sex,
        "nik": data.nik,
        "passport_no": data.passport_no,
        "phone": data.phone,
        "purpose": data.purpose,
        "destination_country": data.destination_country,
        "documents": list(data.documents),
    }
    if isinstance(data, ApplicationInput):
        return PassportApplication(
            **common,
            entered_by_id=viewer.user_id,
            submitted_at=now,
            birth_place=data.birth_place,
            address=data.address,
            region_id=region_code_for_identity(desa_code=data.desa_code, nik=data.nik),
            sponsor_name=data.sponsor_name,
            sponsor_key=name_key(data.sponsor_name) if data.sponsor_name else "",
            sponsor_phone=data.sponsor_phone,
            employer_name=data.employer_name,
            placement_company=data.placement_company,
        )
    return DepartureCheck(
        **common,
        checked_by_id=viewer.user_id,
        checked_at=now,
        region_id=region_code_for_identity(desa_code=None, nik=data.nik),
        flight_number=data.flight_number,
    )


def _named(data: ScreeningInput) -> Named:
    """The sponsor, companies and phone numbers a screening compares with the police lists."""
    phones = {data.phone: "person"} if data.phone else {}
    if not isinstance(data, ApplicationInput):
        return Named(phones=phones)
    if data.sponsor_phone:
        phones[data.sponsor_phone] = "sponsor"
    companies = {
        name: matched_on
        for name, matched_on in (
            (data.sponsor_name, "sponsor"),
            (data.employer_name, "company"),
            (data.placement_company, "company"),
        )
        if name
    }
    return Named(
        sponsor_name=data.sponsor_name,
        sponsor_phone=data.sponsor_phone,
        company_names=companies,
        phones=phones,
    )


def _same_sponsor_recent(record: Record, *, window_days: int, now: datetime.datetime) -> int:
    """Other applicants (any office) naming the same sponsor or phone within the window; the
    record is not saved yet, so every one found is another. Departures name no sponsor."""
    if not isinstance(record, PassportApplication):
        return 0
    return queries.same_sponsor_count(
        sponsor_key=record.sponsor_key,
        sponsor_phone=record.sponsor_phone,
        since=now - datetime.timedelta(days=window_days),
        other_than_nik=record.nik,
    )


def _village_signal(
    record: Record, data: ScreeningInput, *, rules: Any, now: datetime.datetime
) -> VillageSignal | None:
    """What the village reports say (``hooks.village_signal``): recruiter reports of the
    person's desa, and reports naming the sponsor (applications only) as a recruiter."""
    stated = getattr(data, "desa_code", "") or record.region_id or ""
    desa_code = stated if is_village_code(stated) else ""
    sponsor_key = getattr(record, "sponsor_key", "") or ""
    sponsor_phone = getattr(record, "sponsor_phone", "") or ""
    code = "village_recruiter_reports"
    if not any(rule.code == code and rule.enabled for rule in rules):
        return None  # the rule is off: nothing to look up on the counter's path
    recent_days = int(rule_parameter(rules, code, "window_days"))
    match_days = int(rule_parameter(rules, code, "match_window_days"))
    return village_signal(
        VillageSignalQuery(
            desa_code=desa_code,
            sponsor_key=sponsor_key,
            sponsor_phone=sponsor_phone,
            recent_since=now - datetime.timedelta(days=recent_days),
            match_since=now - datetime.timedelta(days=match_days),
        )
    )


def _has_return_ticket(data: ScreeningInput) -> bool:
    stated = isinstance(data, DepartureInput) and bool(data.has_return_ticket)
    return stated or TravelDocument.TIKET_PULANG in data.documents


# --- age ---------------------------------------------------------------------------


def _age(birth_date: datetime.date | None, today: datetime.date) -> int | None:
    if birth_date is None:
        return None
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


# --- the screening -------------------------------------------------------------------------


def application_screen(
    *, viewer: Viewer, data: ApplicationInput, idempotency_key: str = ""
) -> ScreeningOutcome:
    """Save and screen a passport application at the viewer's Kanim (see the module doc)."""
    return _screen_once(_APPLICATION, viewer=viewer, data=data, idempotency_key=idempotency_key)


def departure_screen(
    *, viewer: Viewer, data: DepartureInput, idempotency_key: str = ""
) -> ScreeningOutcome:
    """Save and screen a departing passenger at the viewer's TPI (see the module doc)."""
    return _screen_once(_DEPARTURE, viewer=viewer, data=data, idempotency_key=idempotency_key)


def _screen_once(
    kind: _Kind, *, viewer: Viewer, data: ScreeningInput, idempotency_key: str
) -> ScreeningOutcome:
    """Screen, unless this viewer already sent the same key: then answer with that result.

    A new key is the common case, so the record is simply inserted: the unique constraint on
    (client or user, key) refuses a key seen before (or being saved at this very moment by a
    concurrent retry, once that one commits), and only then is the earlier result read.
    """
    if not kind.may_screen(viewer):
        raise ScreeningRefused(str(kind.refused))
    key = _check_idempotency_key(idempotency_key)
    fingerprint = data.fingerprint()
    try:
        return _screen(kind, viewer=viewer, data=data, key=key, fingerprint=fingerprint)
    except IntegrityError:
        replay = _replay(kind, viewer=viewer, key=key, fingerprint=fingerprint)
        if replay is None:
            raise
        return replay


def _replay(kind: _Kind, *, viewer: Viewer, key: str, fingerprint: str) -> ScreeningOutcome | None:
    """The earlier outcome of this key, or ``None``; raises when the values differ, or when the
    record of the key is no longer visible to the viewer (replays go through the access layer
    like every other read)."""
    if not key:
        return None
    if viewer.client_id is not None:
        owner: dict[str, Any] = {"client_id": viewer.client_id}
    else:
        owner = {kind.user_field: viewer.user_id, "client__isnull": True}
    earlier = (
        kind.model.objects.filter(idempotency_key=key, **owner)
        .values_list("pk", "idempotency_fingerprint")
        .first()
    )
    if earlier is None:
        return None
    record_id, earlier_fingerprint = earlier
    if earlier_fingerprint != fingerprint:
        raise IdempotencyKeyReused
    try:
        record: Record = access_object(
            viewer,
            kind.model,
            record_id,
            purpose=PURPOSE,
            detail={"idempotent_replay": True},
        )
    except NotVisible as error:
        raise IdempotencyKeyOutOfReach from error
    result = record.screenings.select_related("rule_set").order_by("created_at", "pk").first()
    if result is None:
        return None
    return outcome_from_result(viewer=viewer, record=record, result=result, replayed=True)


@dataclass(frozen=True)
class _Screened:
    """A screening computed, not saved yet: the result, and what it read (for the trail)."""

    result: ScreeningResult
    police_visible: bool
    entries: Any
    read_entries: Sequence[models.Model]
    read_possible: Sequence[models.Model]
    read_events: Sequence[models.Model]
    village: VillageSignal | None


def _screen(
    kind: _Kind, *, viewer: Viewer, data: ScreeningInput, key: str, fingerprint: str
) -> ScreeningOutcome:
    started = time.perf_counter()
    now = timezone.now()
    record = _new_record(data, viewer=viewer, now=now)
    record.idempotency_key = key
    record.idempotency_fingerprint = fingerprint if key else ""
    # The record is not saved yet, so it is not among the earlier events either.
    screened = _screening_of(kind, viewer=viewer, record=record, data=data, now=now)
    record.police_visible = screened.police_visible
    result = screened.result
    result.server_milliseconds = round((time.perf_counter() - started) * 1000, 2)
    hit_rows = _hit_rows(result)
    ids = next_ids(kind.model, ScreeningResult, *[ScreeningHit] * len(hit_rows))
    # All or none: the record (its reference "PP-2026-000123" holds its id), its result, its
    # hits' rows and the audit entries. On PostgreSQL the ids come first from the tables'
    # sequences, and the four are one statement, without a transaction's round trips;
    # elsewhere (SQLite) the record's id comes with its insert, in a transaction.
    with _all_or_none(one_statement=ids is not None):
        if ids is None:
            record.reference = f"tmp-{uuid.uuid4().hex[:24]}"
            insert(record)
        else:
            record.pk, result.pk, *hit_ids = ids
            for row, hit_id in zip(hit_rows, hit_ids, strict=True):
                row.pk = hit_id
        record.reference = f"{kind.reference_prefix}-{timezone.localdate(now).year}-{record.pk:06d}"
        if isinstance(record, PassportApplication):
            result.application = record
        else:
            result.departure_check = record
        written: list[Sequence[models.Model]] = []
        if ids is None:
            kind.model.objects.filter(pk=record.pk).update(reference=record.reference)
            insert(result)
            insert(*_with_result(result, hit_rows))
        else:
            written = [[record], [result], _with_result(result, hit_rows)]
        audit_record_many(
            actor=actor_for_viewer(viewer),
            items=_audit_items(kind, record, screened),
            written_with=written,
        )
        _index(record)
    return outcome_from_result(
        viewer=viewer, record=record, result=result, entries=screened.entries
    )


def record_rescreen(
    *, viewer: Viewer, record: Record, amendment: RecordAmendment
) -> ScreeningOutcome:
    """Screen a corrected record again, the way a new screening does, with the facts the
    officer stated at its first screening (``ScreeningResult.stated``); the earlier results
    are kept as they were made (what the officer saw then). Once per correction: run again
    for the same correction, it answers with the result made the first time.

    A first screening made before ``stated`` was kept has none of the officer's statements
    (interview observations, earlier migrant work, a return ticket): they are not guessed.
    The rules that read them are not evaluated (listed as such on the result), and the
    record's page names the statements missing (``statements_unavailable``).

    The caller holds the record's row lock (``amendments.record_correct``)."""
    existing = ScreeningResult.objects.filter(amendment=amendment).select_related("rule_set")
    result = existing.first()
    if result is not None:
        return outcome_from_result(viewer=viewer, record=record, result=result, replayed=True)
    kind = _APPLICATION if isinstance(record, PassportApplication) else _DEPARTURE
    started = time.perf_counter()
    first = record.screenings.order_by("created_at", "pk").first()
    stated = first.stated if first is not None else {}
    data = _input_of(record, stated=stated)
    missing = statements_missing(record, stated)
    screened = _screening_of(
        kind,
        viewer=viewer,
        record=record,
        data=data,
        now=timezone.now(),
        again=True,
        unknown_statements=_unknown_for_rules(missing, data),
    )
    result = screened.result
    # Kept as the first screening kept them: a statement missing there stays missing here
    # (the record's page names it), never stored as "stated nothing".
    result.stated = {name: value for name, value in result.stated.items() if name not in missing}
    result.amendment = amendment
    if isinstance(record, PassportApplication):
        result.application = record
    else:
        result.departure_check = record
    result.server_milliseconds = round((time.perf_counter() - started) * 1000, 2)
    with transaction.atomic():
        insert(result)
        insert(*_with_result(result, _hit_rows(result)))
        # A police hit shows the record to the police; nothing here hides it again (a
        # referral or a hand-over may have shown it, and what the police saw stays seen).
        if screened.police_visible and not record.police_visible:
            record.police_visible = True
            kind.model.objects.filter(pk=record.pk).update(police_visible=True)
        audit_record_many(
            actor=actor_for_viewer(viewer), items=_audit_items(kind, record, screened, again=True)
        )
    return outcome_from_result(
        viewer=viewer, record=record, result=result, entries=screened.entries
    )


def record_desa_code(record: Record) -> str:
    """The desa stated at the counter for the record, or "": a NIK names at most a kecamatan,
    so a desa as the record's region is the one the officer stated."""
    code = record.region_id or ""
    return code if is_village_code(code) else ""


def record_region_code(record: Record) -> str | None:
    """The region a new screening of the record as it stands would give it: the desa stated
    at the counter, else the most precise region its NIK names."""
    return region_code_for_identity(
        desa_code=record_desa_code(record) or None, nik=record.nik or None
    )


def statements_missing(record: Record, stated: dict[str, Any]) -> frozenset[str]:
    """The officer's statements (``core.risk.STATEMENT_LABELS``) that ``stated`` does not
    carry: a first screening made before ``ScreeningResult.stated`` existed kept none. The
    desa is not among them: a stated desa is the record's region (``record_desa_code``)."""
    expected = {"observations", "former_migrant_worker"}
    if isinstance(record, DepartureCheck):
        expected.add("has_return_ticket")
    return frozenset(expected - stated.keys())


def statements_unavailable(record: Record, result: ScreeningResult | None) -> list[Text]:
    """The officer's statements a re-screening after a correction did without (its first
    screening did not keep them), as the record's page names them; empty otherwise."""
    if result is None or result.amendment_id is None:
        return []
    missing = statements_missing(record, result.stated)
    return [Text(*label) for name, label in STATEMENT_LABELS.items() if name in missing]


def _unknown_for_rules(missing: frozenset[str], data: ScreeningInput) -> frozenset[str]:
    """What the rules cannot know: a return ticket among the documents answers the missing
    statement about one."""
    if TravelDocument.TIKET_PULANG in data.documents:
        return missing - {"has_return_ticket"}
    return missing


def _hit_rows(result: ScreeningResult) -> list[ScreeningHit]:
    """A row per entry the result hit (not its possible matches), its result not set yet."""
    return [ScreeningHit(entry_id=hit["entry_id"]) for hit in result.hits]


def _with_result(result: ScreeningResult, rows: list[ScreeningHit]) -> list[ScreeningHit]:
    for row in rows:
        row.result = result
    return rows


def _input_of(record: Record, *, stated: dict[str, Any]) -> ScreeningInput:
    """The screening input of a saved record, with what the officer stated then."""
    common: dict[str, Any] = {
        "full_name": record.full_name,
        "birth_date": record.birth_date,
        "sex": record.sex,
        "nik": record.nik,
        "passport_no": record.passport_no,
        "phone": record.phone,
        "purpose": record.purpose,
        "destination_country": record.destination_country,
        "documents": tuple(record.documents),
        "former_migrant_worker": stated.get("former_migrant_worker"),
        "observations": tuple(stated.get("observations", ())),
    }
    if isinstance(record, PassportApplication):
        return ApplicationInput(
            **common,
            birth_place=record.birth_place,
            address=record.address,
            desa_code=stated.get("desa_code", record_desa_code(record)),
            sponsor_name=record.sponsor_name,
            sponsor_phone=record.sponsor_phone,
            employer_name=record.employer_name,
            placement_company=record.placement_company,
        )
    return DepartureInput(
        **common,
        flight_number=record.flight_number,
        has_return_ticket=stated.get("has_return_ticket"),
    )


def _without_own_traces(found: IndexFound, record: Record) -> IndexFound:
    """What the index found, less the record itself (an earlier event under its identity
    before the correction) and the delay entries a decision on it put on the watchlists."""
    source = APPLICATIONS if isinstance(record, PassportApplication) else DEPARTURE_CHECKS
    itself = source.ref(record.pk)
    own_entries = set(
        WatchlistEntry.objects.filter(
            source=EntrySource.DECISION, source_reference=record.reference
        ).values_list("pk", flat=True)
    )
    return dataclasses.replace(
        found,
        person_candidates=[m for m in found.person_candidates if m.ref.pk not in own_entries],
        person_possible=[m for m in found.person_possible if m.ref.pk not in own_entries],
        event_candidates=[m for m in found.event_candidates if m.ref != itself],
    )


def _screening_of(
    kind: _Kind,
    *,
    viewer: Viewer,
    record: Record,
    data: ScreeningInput,
    now: datetime.datetime,
    again: bool = False,
    unknown_statements: frozenset[str] = frozenset(),
) -> _Screened:
    """Screen ``record`` as typed in ``data``; nothing is written. A record screened
    ``again`` (saved already) is not its own earlier event, nor hit by its own delay; the
    rules needing one of its ``unknown_statements`` are not evaluated."""
    today = timezone.localdate(now)
    rule_set, rules, moratorium = rules_and_moratorium_current()
    # What the index and the database know is read before anything is written, so the write
    # (record, result, audit entries) stays short.
    named = _named(data)
    found = index_search(
        record.identity_record(record_id="new"), named, reader_agency=viewer.agency_kind
    )
    if again:
        found = _without_own_traces(found, record)
    matches = watchlist_matches(viewer, found, named)
    possible_matches = possible_person_matches(found, matches)
    entries = entries_of_matches(matches, possible_matches)
    hits, read_entries = stored_hits(viewer, matches, entries)
    # Apart from the hits: never in the risk facts, the hit count or ``police_visible``.
    possible, read_possible = stored_hits(viewer, possible_matches, entries)
    events, event_facts, read_events = earlier_events_found(viewer, found.event_candidates, now=now)
    nik_check, nik_problems = nik_check_of(
        data.nik, birth_date=data.birth_date, sex=data.sex, today=today
    )
    window = int(rule_parameter(rules, "group_pattern", "window_days"))
    village = _village_signal(record, data, rules=rules, now=now)
    facts = RiskFacts(
        purpose=data.purpose,
        destination_country=data.destination_country,
        documents=set(data.documents),
        moratorium_countries=moratorium,
        nik_problems=nik_problems,
        watchlist_hits=hit_facts(hits),
        earlier_events=event_facts,
        same_sponsor_recent=_same_sponsor_recent(record, window_days=window, now=now),
        age=_age(data.birth_date, today),
        village_recruiter_reports=village.recent_reports if village is not None else None,
        village_name=village.desa_name if village is not None else "",
        village_sponsor_matches=list(village.sponsor_matches) if village is not None else [],
        has_return_ticket=_has_return_ticket(data),
        stage=kind.name,
        former_migrant_worker=data.former_migrant_worker,
        observations=set(data.observations),
        unknown_statements=unknown_statements,
    )
    assessment = assess(facts, rules)
    result = ScreeningResult(
        created_at=now,
        risk_score=assessment.score,
        risk_band=assessment.band,
        indicators=assessment.indicators_as_dicts(),
        not_evaluated=[item.as_dict() for item in assessment.not_evaluated],
        hits=[fields_of(hit) for hit in hits],
        possible_matches=[fields_of(hit) for hit in possible],
        earlier_events=events,
        nik_check=nik_check,
        rule_set=rule_set,
        stated=_stated(data),
    )
    return _Screened(
        result=result,
        police_visible=any(hit.owner_agency == AgencyKind.POLRI for hit in hits),
        entries=entries,
        read_entries=read_entries,
        read_possible=read_possible,
        read_events=read_events,
        village=village,
    )


def _stated(data: ScreeningInput) -> dict[str, Any]:
    """What the officer stated that the record does not keep (``ScreeningResult.stated``)."""
    stated: dict[str, Any] = {
        "observations": list(data.observations),
        "former_migrant_worker": data.former_migrant_worker,
    }
    if isinstance(data, ApplicationInput):
        stated["desa_code"] = data.desa_code
    else:
        stated["has_return_ticket"] = data.has_return_ticket
    return stated


def _all_or_none(*, one_statement: bool) -> Any:
    """A transaction, unless the write is one statement outside any transaction (atomic by
    itself). Inside a caller's transaction, a savepoint: a refused insert (an idempotency key
    seen before) must not spoil the caller's transaction, which reads the earlier result."""
    if one_statement and not connection.in_atomic_block:
        return nullcontext()
    return transaction.atomic()


def _audit_items(
    kind: _Kind, record: Record, screened: _Screened, *, again: bool = False
) -> list[AuditItem]:
    """The audit trail of a screening: one entry for what it wrote (the record naming its
    screening result; screened ``again`` after a correction, the new result naming the
    correction), one per kind of record read (hits, earlier events, possible matches,
    village reports)."""
    result = screened.result
    rule_set = result.rule_set
    rule_set_number = rule_set.number if rule_set is not None else None
    if again:
        written = AuditItem(
            action=AuditAction.CREATE,
            object_type=object_type_of(ScreeningResult),
            object_ids=[result.pk],
            purpose=PURPOSE,
            detail={
                "screening": record.reference,
                "correction": result.amendment_id,
                "rule_set": rule_set_number,
            },
        )
    else:
        written = AuditItem(
            action=AuditAction.CREATE,
            object_type=object_type_of(kind.model),
            object_ids=[record.pk],
            purpose=PURPOSE,
            detail={
                "fields": sorted(_written_fields(record, kind.written_fields)),
                "screening_result": result.pk,
                "rule_set": rule_set_number,
            },
        )
    items = [written]
    shown = {"screening": record.reference}
    items += _read_items(screened.read_entries, detail={**shown, "as": "hit"})
    applications = [item for item in screened.read_events if isinstance(item, PassportApplication)]
    checks = [item for item in screened.read_events if isinstance(item, DepartureCheck)]
    for events in (applications, checks):
        items += _read_items(events, detail={**shown, "as": "earlier_event"})
    items += _read_items(screened.read_possible, detail={**shown, "as": "possible_match"})
    village = screened.village
    items += _read_items(
        village.read if village is not None else (), detail={**shown, "as": "village_signal"}
    )
    return items


def _read_items(objects: Sequence[models.Model], *, detail: dict[str, Any]) -> list[AuditItem]:
    if not objects:
        return []
    return [
        AuditItem(
            action=AuditAction.READ,
            object_type=object_type_of(type(objects[0])),
            object_ids=[obj.pk for obj in objects],
            purpose=PURPOSE,
            detail=detail,
        )
    ]


def _written_fields(record: models.Model, names: Sequence[str]) -> list[str]:
    # The attribute of a foreign key is its id: reading the related row would cost a query.
    attributes = {name: record._meta.get_field(name).attname for name in names}  # type: ignore[union-attr]
    return [
        name
        for name, attribute in attributes.items()
        if getattr(record, attribute) not in ("", None, [], ())
    ]


def _index(record: Record) -> None:
    """The record joins the index's earlier events (after the commit)."""
    index_source_record(record)
