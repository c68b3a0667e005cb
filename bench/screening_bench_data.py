"""Synthetic data for bench/bench_screening_api.py: watchlist entries and earlier passport
applications written with PostgreSQL's COPY, and the query workload.

People come from benteng.core.synthetic (deterministic per seed): the first
``watchlist_count`` canonical people are watchlist entries (persons shared as hits, spread
over a police and an immigration list), the next ones earlier applications; a share of the
earlier applications are *variants* of watchlist people (the same person written another
way), so some events and hits coincide. Queries are other variants: of watchlist people, of
people with earlier applications, and of people seen nowhere.

Loading is re-runnable: it stops early when the tables already hold the wanted counts of
benchmark rows (``source_reference`` / ``reference`` start with ``bench-``) and otherwise
tops up the missing rows only.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from benteng.core.records import IdentityRecord
from benteng.core.synthetic import SyntheticConfig, generate_dataset

SEED = 20261127
BENCH_PREFIX = "bench-"
COPY_BATCH = 50_000


@dataclass(frozen=True)
class Workload:
    """Queries of the load generator with what they should find."""

    queries: list[IdentityRecord]
    # query id -> "watchlist", "event" or "none" (who the query's person is)
    kinds: dict[str, str]


# How a workload file stores a query: the IdentityRecord's fields as a list, in this order.
RECORD_FIELDS = (
    "id",
    "name",
    "birth_date",
    "sex",
    "nik",
    "birth_place",
    "passport_no",
    "address",
    "phone",
    "region_code",
)


def record_values(record: IdentityRecord) -> list[Any]:
    """A query as the workload file stores it (the birth date in ISO form)."""
    values: list[Any] = [getattr(record, name) for name in RECORD_FIELDS]
    if record.birth_date is not None:
        values[2] = record.birth_date.isoformat()
    return values


def record_from_values(values: list[Any]) -> IdentityRecord:
    """A query read back from the workload file."""
    data = dict(zip(RECORD_FIELDS, values, strict=True))
    if data["birth_date"] is not None:
        data["birth_date"] = datetime.date.fromisoformat(data["birth_date"])
    return IdentityRecord(**data)


def _people(watchlist_count: int, application_count: int) -> tuple[Any, int]:
    variants_share = 0.12
    people = watchlist_count + application_count
    config = SyntheticConfig(variants_per_person=variants_share)
    dataset = generate_dataset(people, seed=SEED, config=config)
    return dataset, people


def _identity_values(record: IdentityRecord, regions: set[str]) -> dict[str, Any]:
    return {
        "full_name": record.name[:200],
        "birth_date": record.birth_date,
        "sex": record.sex or "",
        "nik": record.nik or "",
        "birth_place": (record.birth_place or "")[:100],
        "passport_no": record.passport_no or "",
        "address": (record.address or "")[:300],
        "phone": record.phone or "",
        "region_id": record.region_code if record.region_code in regions else None,
    }


def _copy_value(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def copy_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """COPY rows (dicts of attribute names) into ``model``'s table; every concrete column
    not given takes the field's default. Returns the number of rows written."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {}
    for field in fields:
        default = field.get_default()
        defaults[field.attname] = _copy_value(default)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = [field.attname for field in fields]
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [_copy_value(row[name]) if name in row else defaults[name] for name in names]
                )
                written += 1
    return written


def _batched(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_bench_rows(model: type[models.Model], column: str) -> None:
    """Remove a partial earlier load in one statement (no per-row ORM deletion)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {connection.ops.quote_name(column)} LIKE %s",  # noqa: S608 - names from the model
            [f"{BENCH_PREFIX}%"],
        )


def load(
    *,
    watchlist_count: int,
    application_count: int,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Load the benchmark rows if they are not there yet; returns timings in seconds."""
    from benteng.accounts.models import Agency, AgencyKind, Office
    from benteng.regions.models import Region
    from benteng.screening.models import PassportApplication
    from benteng.watchlists.models import Watchlist, WatchlistEntry, WatchlistKind

    if connection.vendor != "postgresql":
        raise SystemExit("The screening benchmark loads with COPY and needs PostgreSQL.")
    entries_there = WatchlistEntry.objects.filter(source_reference__startswith=BENCH_PREFIX)
    applications_there = PassportApplication.objects.filter(reference__startswith=BENCH_PREFIX)
    have_entries = entries_there.count()
    have_applications = applications_there.count()
    if have_entries >= watchlist_count and have_applications >= application_count:
        log(f"data already loaded: {have_entries} entries, {have_applications} applications")
        return {"generate_seconds": 0.0, "copy_seconds": 0.0}
    started = time.perf_counter()
    dataset, _people_count = _people(watchlist_count, application_count)
    generated = time.perf_counter() - started
    log(f"generated {len(dataset.canonical)} people and variants in {generated:.0f} s")
    regions = set(Region.objects.values_list("code", flat=True))
    police_office = Office.objects.get(code="polda-banten")
    immigration_office = Office.objects.get(code="kanwil-imigrasi-banten")
    lists = [
        Watchlist.objects.get_or_create(
            code="bench-perekrut",
            defaults={
                "name": "Benchmark: terduga perekrut",
                "kind": WatchlistKind.PEREKRUT,
                "owner_agency": Agency.objects.get(kind=AgencyKind.POLRI),
                "owner_office": police_office,
            },
        )[0],
        Watchlist.objects.get_or_create(
            code="bench-penundaan",
            defaults={
                "name": "Benchmark: pemohon paspor ditunda",
                "kind": WatchlistKind.PENUNDAAN_PASPOR,
                "owner_agency": Agency.objects.get(kind=AgencyKind.IMIGRASI),
                "owner_office": immigration_office,
            },
        )[0],
    ]
    kanims = list(Office.objects.filter(kind="kanim").order_by("code"))
    now = timezone.now()
    rng = random.Random(SEED)
    copy_started = time.perf_counter()
    canonical = dataset.canonical
    if have_entries < watchlist_count:
        with transaction.atomic():
            _delete_bench_rows(WatchlistEntry, "source_reference")

            def entry_rows() -> Iterator[dict[str, Any]]:
                for number, record in enumerate(canonical[:watchlist_count]):
                    watchlist = lists[number % 2]
                    yield {
                        **_identity_values(record, regions),
                        "watchlist_id": watchlist.pk,
                        "owner_office_id": watchlist.owner_office_id,
                        "category": "Terduga perekrut" if number % 2 == 0 else "Penundaan",
                        "legal_basis": "UU 21/2007; UU 18/2017",
                        "instruction": "Tunda dan hubungi piket Ditreskrimum Polda Banten.",
                        "source_reference": f"{BENCH_PREFIX}{number}",
                        "created_at": now,
                        "updated_at": now,
                    }

            written = copy_rows(WatchlistEntry, entry_rows())
        log(f"copied {written} watchlist entries")
    if have_applications < application_count:
        watch_variants = [
            variant
            for variant in dataset.variants
            if int(dataset.truth[variant.id].lstrip("P") or 0) < watchlist_count
        ]
        repeaters = watch_variants[: application_count // 10]
        fresh = canonical[watchlist_count : watchlist_count + application_count - len(repeaters)]
        purposes = ["wisata", "umrah_haji", "kunjungan_keluarga", "bekerja", "lainnya"]
        countries = ["SA", "MY", "AE", "HK", "TW", "SG", "QA", "JP"]
        with transaction.atomic():
            _delete_bench_rows(PassportApplication, "reference")

            def application_rows() -> Iterator[dict[str, Any]]:
                for number, record in enumerate([*fresh, *repeaters]):
                    submitted = now - datetime.timedelta(minutes=rng.randrange(1, 400 * 24 * 60))
                    yield {
                        **_identity_values(record, regions),
                        "reference": f"{BENCH_PREFIX}{number}",
                        "office_id": kanims[number % len(kanims)].pk,
                        "submitted_at": submitted,
                        "purpose": purposes[number % len(purposes)],
                        "destination_country": countries[number % len(countries)],
                        "documents": [],
                        "interview_answers": {},
                    }

            written = copy_rows(PassportApplication, application_rows())
        log(f"copied {written} passport applications")
    copied = time.perf_counter() - copy_started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"generate_seconds": generated, "copy_seconds": copied}


def workload(*, watchlist_count: int, application_count: int, size: int) -> Workload:
    """Queries: a third variants of watchlist people, a third of people with earlier
    applications, a third people seen nowhere."""
    config = SyntheticConfig(variants_per_person=0.12)
    dataset = generate_dataset(watchlist_count + application_count, seed=SEED, config=config)
    unseen = generate_dataset(size, seed=SEED + 1, config=SyntheticConfig(variants_per_person=0))
    repeat_count = application_count // 10
    watch_variants = [
        variant
        for variant in dataset.variants
        if int(dataset.truth[variant.id].lstrip("P") or 0) < watchlist_count
    ]
    # Variants after those stored as earlier applications are fresh ways of writing them.
    watch_queries = watch_variants[repeat_count : repeat_count + size // 3]
    event_queries = [
        variant
        for variant in dataset.variants
        if watchlist_count
        <= int(dataset.truth[variant.id].lstrip("P") or 0)
        < watchlist_count + application_count - repeat_count
    ][: size // 3]
    none_queries = unseen.canonical[: size - len(watch_queries) - len(event_queries)]
    kinds = {}
    queries = []
    for kind, group in (
        ("watchlist", watch_queries),
        ("event", event_queries),
        ("none", none_queries),
    ):
        for record in group:
            query_id = f"q{len(queries)}"
            kinds[query_id] = kind
            queries.append(
                IdentityRecord(
                    id=query_id,
                    name=record.name,
                    birth_date=record.birth_date,
                    sex=record.sex,
                    nik=record.nik,
                    birth_place=record.birth_place,
                    passport_no=record.passport_no,
                    address=record.address,
                    phone=record.phone,
                    region_code=record.region_code,
                )
            )
    random.Random(SEED).shuffle(queries)
    return Workload(queries=queries, kinds=kinds)
