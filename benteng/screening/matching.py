"""Which watchlist entries a screened person, their sponsor, employer, placement company and
phone numbers may be: the index's person candidates, the police's company names (kept in
memory), the sponsor against police person entries, and phone numbers looked up directly.

Every call to the screening index is in :func:`index_search`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Case, Q, When
from django.utils import timezone

from benteng.access.viewer import Viewer
from benteng.caches import Cached, ProcessCache
from benteng.core.compare import Level, name_matches
from benteng.core.index import (
    DEFAULT_THRESHOLD,
    POSSIBLE_MATCH_FLOOR,
    possible_match_reasons,
)
from benteng.core.names import NAME_MATCH_THRESHOLD, name_similarity
from benteng.core.records import IdentityRecord
from benteng.people.index import screening_index
from benteng.people.sources import SourceMatch
from benteng.rows import Columns, fetch, table
from benteng.screening import queries
from benteng.watchlists.models import (
    SharingLevel,
    SubjectType,
    WatchlistEntry,
    entry_in_force_q,
)

WATCHLIST_TOP = 10
EVENTS_TOP = 20
SPONSOR_TOP = 10
# Words of a company's legal form, left out when company names are compared.
COMPANY_FORM_WORDS = frozenset(
    {"pt", "cv", "ud", "tbk", "persero", "fa", "firma", "koperasi", "kop", "perusahaan", "lpk"}
)
# Rows changed this long before the newest change seen are read again on a refresh: a write
# committed late by another process may carry an earlier ``updated_at``.
COMPANY_REFRESH_OVERLAP = datetime.timedelta(seconds=60)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_COMPANY_WORD = re.compile(r"[a-z0-9]+")


def _company_words(name: str) -> str:
    """A company name without its legal form and punctuation: "PT. Maju-Jaya" → "maju jaya"."""
    words = _COMPANY_WORD.findall(name.lower())
    return " ".join(word for word in words if word not in COMPANY_FORM_WORDS)


CompanyStamp = tuple[datetime.date, datetime.datetime | None, int | None]


@dataclass(frozen=True)
class CompanyNames:
    """The police's company entries in force and shared as hits: their name words by entry
    pk, and the entries by word. Never changed once built: readers may hold it."""

    names: Mapping[int, str]
    by_word: Mapping[str, frozenset[int]]

    def matches(self, name: str) -> list[tuple[int, float]]:
        """The entries whose name may be this company's: (entry pk, similarity), best first."""
        words = _company_words(name)
        if not words:
            return []
        candidates = set().union(*(self.by_word.get(word, frozenset()) for word in words.split()))
        found = []
        for pk in candidates:
            similarity = name_similarity(words, self.names[pk])
            if similarity >= NAME_MATCH_THRESHOLD:
                found.append((pk, similarity))
        return sorted(found, key=lambda match: (-match[1], match[0]))


def _company_entry_q(today: datetime.date) -> Q:
    """A police company entry in force and shared as a hit: one in the company names."""
    return (
        Q(subject_type=SubjectType.COMPANY)
        & Q(watchlist__owner_agency__kind=queries.POLICE)
        & Q(sharing_level=SharingLevel.HIT)
        & entry_in_force_q(on=today)
    )


def _company_names_of(names: dict[int, str]) -> CompanyNames:
    by_word: dict[str, set[int]] = {}
    for pk, words in names.items():
        for word in words.split():
            by_word.setdefault(word, set()).add(pk)
    return CompanyNames(names, {word: frozenset(pks) for word, pks in by_word.items()})


def _company_names_stamp() -> CompanyStamp:
    """Today, the newest ``updated_at`` and the highest id of all entries: what changes when
    an entry is added or changed, or a day passes (entries expire)."""
    # Two ordered single-row reads in one statement: each walks one index (one MAX over
    # two columns would scan the table on SQLite).
    marks = Columns.of(WatchlistEntry, "e", ("id", "updated_at"))
    entries = table(WatchlistEntry)
    newest: WatchlistEntry = marks.instance(
        fetch(
            f"SELECT (SELECT id FROM {entries} ORDER BY id DESC LIMIT 1), "  # noqa: S608 - model names
            f"(SELECT updated_at FROM {entries} ORDER BY updated_at DESC LIMIT 1)"
        )[0]
    )
    return (timezone.localdate(), newest.updated_at, newest.pk)


def _company_names_load() -> CompanyNames:
    rows = WatchlistEntry.objects.filter(_company_entry_q(timezone.localdate())).values_list(
        "pk", "full_name"
    )
    names = {pk: _company_words(full_name) for pk, full_name in rows}
    return _company_names_of({pk: words for pk, words in names.items() if words})


def _company_names_update(previous: Cached[CompanyNames], stamp: Hashable) -> CompanyNames:
    """Only the entries changed since ``previous`` read again, into a copy; a new day or a
    database that went back (tests roll back) rebuilds everything."""
    before = cast(CompanyStamp, previous.stamp)
    today, latest, top = cast(CompanyStamp, stamp)
    went_back = (latest or _EPOCH) < (before[1] or _EPOCH) or (top or 0) < (before[2] or 0)
    if before[0] != today or went_back:
        return _company_names_load()
    changed = Q(pk__gt=before[2] or 0)
    if before[1] is not None:
        changed |= Q(updated_at__gte=before[1] - COMPANY_REFRESH_OVERLAP)
    rows = (
        WatchlistEntry.objects.filter(changed)
        .annotate(kept=Case(When(_company_entry_q(today), then=True), default=False))
        .values_list("pk", "full_name", "kept")
    )
    names = dict(previous.value.names)
    for pk, full_name, kept in rows:
        words = _company_words(full_name) if kept else ""
        if words:
            names[pk] = words
        else:
            names.pop(pk, None)
    return _company_names_of(names)


# How long a process trusts the police company names it read before asking whether an entry
# changed (the stamp's query; then only the changed rows are read). An entry saved in this
# process takes effect at once (the cache is cleared); other processes see it within this
# time, as they see a new rule set version (``rules.RULES_RECHECK_SECONDS``).
COMPANY_RECHECK_SECONDS = 1.0

company_names = ProcessCache(
    "police company names",
    _company_names_load,
    max_age=lambda: COMPANY_RECHECK_SECONDS,
    stamp=_company_names_stamp,
    update=_company_names_update,
)
company_names.clear_when_saved(WatchlistEntry)


def company_matches(name: str) -> list[tuple[int, float]]:
    """Police company entries whose name may be this company: (entry pk, similarity)."""
    return company_names.get().matches(name)


@dataclass
class Match:
    """One watchlist entry that matched, on what, and how well."""

    entry_id: int
    matched_on: str
    score: float
    reasons: str = ""
    reasons_en: str = ""
    matched_via: list[str] = field(default_factory=list)


class Matches:
    """The entries matched, each once, with the best of its matches."""

    def __init__(self) -> None:
        self.by_entry: dict[int, Match] = {}

    def add(
        self, entry_id: int, matched_on: str, score: float, *, reasons: str, reasons_en: str
    ) -> None:
        match = self.by_entry.get(entry_id)
        if match is None:
            self.by_entry[entry_id] = Match(
                entry_id, matched_on, score, reasons, reasons_en, [matched_on]
            )
            return
        if matched_on not in match.matched_via:
            match.matched_via.append(matched_on)
        if score > match.score:
            match.matched_on, match.score = matched_on, score
            match.reasons, match.reasons_en = reasons, reasons_en

    def best_first(self) -> list[Match]:
        return sorted(self.by_entry.values(), key=lambda match: -match.score)


def _similarity_text(similarity: float) -> str:
    return f"{similarity:.2f}".replace(".", ",", 1)


@dataclass(frozen=True)
class Named:
    """What a screening names besides the person: a sponsor, companies, phone numbers."""

    sponsor_name: str = ""
    sponsor_phone: str = ""
    company_names: Mapping[str, str] = field(default_factory=dict)  # name → "sponsor"/"company"
    phones: Mapping[str, str] = field(default_factory=dict)  # number → "person"/"sponsor"


@dataclass
class IndexFound:
    """What the screening index gave: person candidates among the watchlist entries (by
    entry id) at or above the hit threshold, the earlier events (by their index ids), and
    apart, the watchlist entries that share only a name with the person ("possible match --
    check": never a hit, never seen by the risk rules)."""

    person_candidates: list[SourceMatch]
    event_candidates: list[SourceMatch]
    sponsor_entry_ids: list[int]
    person_possible: list[SourceMatch] = field(default_factory=list)


def is_possible_match(candidate: SourceMatch) -> bool:
    """Below the hit threshold, at least the floor, and only a name (and the sex) to compare:
    the screening index's "possible match -- check" (``benteng.core.index.possible_matches``)."""
    return (
        POSSIBLE_MATCH_FLOOR <= candidate.score < DEFAULT_THRESHOLD
        and candidate.comparison.only_a_name
    )


def index_search(
    identity: IdentityRecord, named: Named, *, reader_agency: str | None
) -> IndexFound:
    """Every search of the screening index one screening makes; owner-only entries of
    agencies other than ``reader_agency`` are left out before the best are cut.

    The watchlist gives, besides the hits (at or above the hit threshold, as before: the
    index ranks by evidence, so the hits come first), the entries sharing only a name down
    to the possible-match floor, kept apart as possible matches. Earlier events keep the
    hit threshold."""
    backend = screening_index()
    person_found, events = backend.search_person(
        identity,
        reader_agency=reader_agency,
        watchlist_top=WATCHLIST_TOP,
        events_top=EVENTS_TOP,
        threshold=DEFAULT_THRESHOLD,
        possible_floor=POSSIBLE_MATCH_FLOOR,
    )
    person_hits = [match for match in person_found if match.score >= DEFAULT_THRESHOLD]
    possible = [match for match in person_found if is_possible_match(match)]
    sponsor_ids: list[int] = []
    if named.sponsor_name:
        query = IdentityRecord(
            id="sponsor", name=named.sponsor_name, phone=named.sponsor_phone or None
        )
        sponsor_ids = [
            candidate.ref.pk
            for candidate in backend.search_watchlist(
                query, top=SPONSOR_TOP, reader_agency=reader_agency
            )
        ]
    return IndexFound(person_hits, list(events), sponsor_ids, possible)


# A name typed into a list's search box: how many of the index's best to look at, and the
# agreements of the name that count as "this may be the person" (a spelling of the same name,
# or one name part of it: "Hayati" finds "Nur Hayati").
NAME_SEARCH_TOP = 500
NAME_SEARCH_LEVELS = frozenset(
    {Level.EXACT, Level.STRONG, Level.GOOD, Level.CONTAINED, Level.CONTAINS}
)


def records_named(name: str) -> dict[str, set[int]]:
    """The earlier events (applications, departure checks …) whose person's name may be
    ``name`` however it is spelled, by source label: the identity engine the counter uses,
    asked with a name only. Callers keep only the rows the reader may see."""
    found: dict[str, set[int]] = {}
    query = IdentityRecord(id="search", name=name)
    for match in screening_index().search_events(query, top=NAME_SEARCH_TOP, threshold=None):
        agreement = next(
            (item for item in match.comparison.features if item.feature == name_matches.__name__),
            None,
        )
        if agreement is not None and agreement.level in NAME_SEARCH_LEVELS:
            found.setdefault(match.ref.source, set()).add(match.ref.pk)
    return found


def watchlist_matches(viewer: Viewer, found: IndexFound, named: Named) -> Matches:
    """The watchlist entries this person or what they name may be."""
    matches = Matches()
    for candidate in found.person_candidates:
        matches.add(
            candidate.ref.pk,
            "person",
            candidate.score,
            reasons=candidate.comparison.reasons(language="id"),
            reasons_en=candidate.comparison.reasons(language="en"),
        )
    _sponsor_person_matches(viewer, matches, found.sponsor_entry_ids, named.sponsor_name)
    _company_name_matches(matches, named.company_names)
    _phone_matches(viewer, matches, named.phones)
    return matches


def possible_person_matches(found: IndexFound, hits: Matches) -> Matches:
    """The watchlist entries the person may be on the name alone, apart from the hits: an
    entry that is a hit by any route (the sponsor, a phone) is not repeated here."""
    possible = Matches()
    for candidate in found.person_possible:
        if candidate.ref.pk in hits.by_entry:
            continue
        possible.add(
            candidate.ref.pk,
            "person",
            candidate.score,
            reasons=possible_match_reasons(candidate.comparison, language="id"),
            reasons_en=possible_match_reasons(candidate.comparison, language="en"),
        )
    return possible


def _sponsor_person_matches(
    viewer: Viewer, matches: Matches, ids: Sequence[int], sponsor_name: str
) -> None:
    """The sponsor named against police person entries: the index's candidates, judged on
    the name (the only thing known of a sponsor besides the phone)."""
    if not ids:
        return
    names = queries.police_entry_names(viewer, ids)
    for pk in ids:
        if pk not in names:
            continue
        similarity = name_similarity(sponsor_name, names[pk])
        if similarity >= NAME_MATCH_THRESHOLD:
            matches.add(
                pk,
                "sponsor",
                similarity,
                reasons=f"Nama sponsor mirip (kemiripan {_similarity_text(similarity)})",
                reasons_en=f"Sponsor's name similar (similarity {similarity:.2f})",
            )


def _company_name_matches(matches: Matches, names: Mapping[str, str]) -> None:
    """The companies (and the sponsor) named against police company entries."""
    if not names:
        return
    known = company_names.get()
    for name, matched_on in names.items():
        for pk, similarity in known.matches(name):
            matches.add(
                pk,
                matched_on,
                similarity,
                reasons=f"Nama perusahaan mirip (kemiripan {_similarity_text(similarity)})",
                reasons_en=f"Company name similar (similarity {similarity:.2f})",
            )


def _phone_matches(viewer: Viewer, matches: Matches, phones: Mapping[str, str]) -> None:
    """Direct lookups of the phone numbers named among police entries of every subject type.

    ``phones`` maps a normalised number to what it belongs to ("sponsor" or "person"); the
    applicant's own number is looked up among phone and company entries only (person entries
    are in the index, where the phone is one feature among others).
    """
    if not phones:
        return
    rows = queries.police_entries_by_phone(viewer, list(phones), today=timezone.localdate())
    for pk, phone, subject_type in rows:
        if phones[phone] == "person" and subject_type == SubjectType.PERSON:
            continue
        matches.add(
            pk,
            "phone",
            1.0,
            reasons=f"Nomor telepon {phone} sama",
            reasons_en=f"Phone number {phone} is the same",
        )
