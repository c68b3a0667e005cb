"""Record linkage and deduplication of identity datasets, on Splink.

One dataset is deduplicated, two datasets are linked. The pipeline:

1. **Features** (Python, before Splink): every :class:`IdentityRecord` becomes one row of
   derived columns built with the Indonesian name rules of :mod:`benteng.core.names`
   (order-insensitive name key, own name parts joined, phonetic codes of the name parts),
   birth-date parts, NIK, phone, passport number, cleaned birth place and address, and
   frequency-capped blocking keys.
2. **Model**: Fellegi-Sunter comparisons on those columns (see ``_comparisons``), trained
   without labels: ``u`` by random sampling, ``m`` by expectation maximisation over two
   blocked passes, the prior match rate from deterministic rules. The trained model is a
   JSON file (:meth:`LinkageModel.save` / :meth:`LinkageModel.load`) that scores new data
   without re-training.
3. **Prediction and clusters**: blocked candidate pairs are scored, pairs at or above the
   threshold are kept and grouped into clusters by connected components.

The same model runs on Splink's DuckDB backend (default, in-process) or on its Spark backend
for national-scale data (:class:`SparkBackend`); see docs/core-linkage.md.
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import json
import logging
import multiprocessing
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.database_api import DatabaseAPI
from splink.internals.duckdb.database_api import DuckDBAPI
from splink.internals.splink_dataframe import SplinkDataFrame

from benteng.core.compare import DEFAULT_PARAMETERS, Level
from benteng.core.names import name_key, phonetic_tokens, split_parent_name
from benteng.core.records import IdentityRecord

__all__ = [
    "DEFAULT_BLOCK_CAP",
    "DEFAULT_THRESHOLD",
    "LEFT",
    "MODEL_FORMAT",
    "M_FLOOR",
    "RIGHT",
    "Backend",
    "ClusterMember",
    "DuckDBBackend",
    "LinkageModel",
    "LinkageResult",
    "LinkedPair",
    "SparkBackend",
    "TrainingOptions",
    "default_backend_for",
    "link_records",
    "local_spark_session",
    "prepare_features",
    "train_and_link",
    "train_linker",
    "unlinked",
]

MODEL_FORMAT = "benteng-linkage/1"
# u of "the NIKs differ only in the serial": given the birth dates agree (their own comparison),
# about one pair of different people in a hundred shares the kecamatan too (the judgement of
# benteng.core.compare, docs/core-screening.md).
SERIAL_ONLY_M = DEFAULT_PARAMETERS.levels["nik_matches"][Level.SERIAL_ONLY].m
SERIAL_ONLY_U = DEFAULT_PARAMETERS.levels["nik_matches"][Level.SERIAL_ONLY].u
# m of "the names share nothing": how often one person's two records carry names with nothing in
# common (the screening engine's judgement for names that differ, docs/core-screening.md).
NAMES_UNRELATED_M = DEFAULT_PARAMETERS.levels["name_matches"][Level.DIFFERENT].m
DEFAULT_THRESHOLD = 0.5
"""Match probability at or above which a pair is reported and joins a cluster."""

LEFT = "left"
RIGHT = "right"
# Names the datasets are registered under in the SQL backend ("left"/"right" are keywords).
_TABLE_NAMES = {LEFT: "benteng_left", RIGHT: "benteng_right"}

# A name key (or phonetic key) shared by more records than this is blocked together with
# the birth year, so that a very common name (Siti Aminah, Muhammad Rizki) does not create a
# quadratic block: no block costs more than 190 comparisons.
DEFAULT_BLOCK_CAP = 20

# Smallest m probability kept in a trained model, see _floor_m_probabilities.
M_FLOOR = 1e-4
_EM_MAX_ITERATIONS = 25

# Optional fields: a comparison is part of the model only when the training data has values.
OPTIONAL_FIELDS = ("birth_date", "sex", "nik", "birth_place", "passport_no", "address", "phone")

Progress = Callable[[str], None]

_logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------
# Backends


@dataclass(frozen=True, slots=True)
class DuckDBBackend:
    """Splink's in-process DuckDB backend (the default).

    ``threads`` and ``memory_limit`` (e.g. ``"3GB"``) are passed to DuckDB; ``None`` keeps
    DuckDB's defaults (all cores, 80 % of RAM). ``temp_directory`` is where DuckDB spills.
    """

    threads: int | None = None
    memory_limit: str | None = None
    temp_directory: str | None = None


@dataclass(frozen=True, slots=True)
class SparkBackend:
    """Splink's Spark backend, for national-scale linkage.

    Pass an existing ``spark_session`` (a cluster session configured with Splink's similarity
    jar, see docs/core-linkage.md), or leave it ``None`` to start a local session with
    ``master`` (useful to check a configuration on one machine).
    """

    spark_session: Any = None
    master: str = "local[2]"
    shuffle_partitions: int = 8
    driver_memory: str = "2g"
    checkpoint_dir: str | None = None
    break_lineage_method: str | None = None
    """How Splink cuts Spark's query lineage between steps: ``None`` is Splink's default
    (parquet files; Delta tables on Databricks); ``"persist"`` keeps them in executor memory,
    fastest for a local session."""


Backend = DuckDBBackend | SparkBackend


@contextmanager
def _database(backend: Backend) -> Iterator[DatabaseAPI[Any]]:
    if isinstance(backend, SparkBackend):
        yield _spark_database(backend)
        return
    con = duckdb.connect(":memory:")
    try:
        if backend.threads is not None:
            con.execute(f"SET threads = {int(backend.threads)}")
        if backend.memory_limit is not None:
            con.execute(f"SET memory_limit = '{_checked_size(backend.memory_limit)}'")
        if backend.temp_directory is not None:
            con.execute(f"SET temp_directory = '{_checked_path(backend.temp_directory)}'")
        con.execute("SET preserve_insertion_order = false")
        yield DuckDBAPI(connection=con)
    finally:
        con.close()


def _checked_size(value: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", value, flags=re.IGNORECASE):
        raise ValueError(f"memory_limit must look like '3GB', got {value!r}")
    return value


def _checked_path(value: str) -> str:
    if "'" in value:
        raise ValueError("temp_directory must not contain a quote")
    return value


def _spark_database(backend: SparkBackend) -> DatabaseAPI[Any]:
    try:
        from splink import SparkAPI
    except ImportError as err:  # pragma: no cover - depends on the optional extra
        raise RuntimeError(
            "The Spark backend needs pyspark: install the 'spark' extra (pip install "
            "'benteng[spark]') and a Java 17 runtime."
        ) from err
    spark = backend.spark_session
    if spark is None:
        spark = local_spark_session(
            master=backend.master,
            shuffle_partitions=backend.shuffle_partitions,
            driver_memory=backend.driver_memory,
            checkpoint_dir=backend.checkpoint_dir,
        )
    api: DatabaseAPI[Any] = SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=spark, break_lineage_method=backend.break_lineage_method
    )
    return api


def local_spark_session(
    *,
    master: str = "local[2]",
    shuffle_partitions: int = 8,
    driver_memory: str = "2g",
    checkpoint_dir: str | None = None,
) -> Any:
    """Start (or reuse) a Spark session configured for Splink.

    The session loads Splink's Scala similarity functions (Jaro-Winkler, Damerau-Levenshtein)
    from the jar shipped inside the splink package, so nothing is downloaded.
    """
    # pyspark is the optional 'spark' extra: imported only when that backend is asked for.
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    scratch = checkpoint_dir or tempfile.mkdtemp(prefix="splink-")
    spark = (
        SparkSession.builder.master(master)
        .appName("benteng-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.warehouse.dir", str(Path(scratch) / "warehouse"))
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(scratch)
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --------------------------------------------------------------------------------------
# Features


def _name_features(raw: str) -> tuple[str | None, ...]:
    own, _parent = split_parent_name(raw)
    if not own:
        return (None,) * len(_NAME_COLUMNS)
    codes = [code for code in phonetic_tokens(raw) if code] or own
    return (
        name_key(raw),  # own name parts sorted and joined: order/spacing-insensitive
        "".join(own),  # own name parts joined in written order
        " ".join(sorted(codes)),  # phon_key: phonetic codes, sorted
        codes[0],  # phon_first
        codes[-1],  # phon_last
    )


_NAME_COLUMNS = ("name_key", "name_flat", "phon_key", "phon_first", "phon_last")

# Blocking keys. A *strong* key (it nearly identifies a person) shared by more than
# ``block_cap`` records is salted with the birth year, and dropped (no block) if still that
# frequent. A *weak* key (one name part, part of an address) blocks only when rare: at most
# ``WEAK_BLOCK_CAP`` records share it. So no block grows quadratically with the data.
_STRONG_KEYS = ("name_key", "phon_key", "nik", "phone", "passport_no")
_WEAK_KEYS = ("phon_first", "phon_last", "nik_a", "nik_b", "nik_c", "addr_head", "addr_tail")
WEAK_BLOCK_CAP = 10
# Derived only for blocking (the comparisons use the full values).
_KEY_ONLY_COLUMNS = ("nik_a", "nik_b", "nik_c", "addr_head", "addr_tail")

_ADDRESS_WORDS = {
    "jl": "jalan",
    "jln": "jalan",
    "gg": "gang",
    "kp": "kampung",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "ds": "desa",
    "no": "",
    "nomor": "",
}


def _clean_text_sql(column: str) -> str:
    """DuckDB SQL: lower-case words of ``column``, abbreviations expanded, or NULL."""
    cases = " ".join(f"WHEN '{short}' THEN '{long}'" for short, long in _ADDRESS_WORDS.items())
    words = f"string_split_regex(lower({column}), '[^0-9a-z]+')"
    return (
        f"nullif(array_to_string(list_filter(list_transform({words}, "
        f"lambda w: CASE w {cases} ELSE w END), lambda w: w <> ''), ' '), '')"
    )


def _base_table(
    records: Sequence[IdentityRecord],
    dataset: int,
    lookup: dict[str, tuple[str | None, ...]],
) -> pa.Table:
    rows = [lookup[record.name] for record in records]
    name_columns = list(zip(*rows, strict=True)) if rows else [() for _ in _NAME_COLUMNS]
    del rows
    data: dict[str, pa.Array] = {
        "ds": pa.array([dataset] * len(records), pa.int8()),
        "unique_id": pa.array([r.id for r in records], pa.string()),
    }
    for name, values in zip(_NAME_COLUMNS, name_columns, strict=True):
        data[name] = pa.array(values, pa.string())
    data["birth_date"] = pa.array([r.birth_date for r in records], pa.date32())
    for name in ("sex", "nik", "birth_place", "passport_no", "address", "phone"):
        data[name] = pa.array([getattr(r, name) for r in records], pa.string())
    return pa.table(data)


def _clean_sql(tables: Sequence[str]) -> str:
    union = " UNION ALL ".join(f"SELECT * FROM {name}" for name in tables)  # noqa: S608
    cut1 = "(CASE WHEN length(nik) = 16 THEN 6 ELSE length(nik) // 3 END)"
    cut2 = "(CASE WHEN length(nik) = 16 THEN 12 ELSE 2 * length(nik) // 3 END)"
    return f"""
    WITH base AS ({union}),
    clean AS (
        SELECT
            ds, unique_id, name_key, name_flat, phon_key, phon_first, phon_last,
            list_distinct(string_split(phon_key, ' ')) AS phon_toks,
            strftime(birth_date, '%Y-%m-%d') AS dob,
            CAST(year(birth_date) AS INTEGER) AS dob_y,
            CAST(month(birth_date) AS INTEGER) AS dob_m,
            CAST(day(birth_date) AS INTEGER) AS dob_d,
            CASE WHEN birth_date IS NOT NULL THEN printf('%04d-%02d-%02d', year(birth_date),
                least(month(birth_date), day(birth_date)),
                greatest(month(birth_date), day(birth_date))) END AS dob_sorted,
            nullif(trim(sex), '') AS sex,
            nullif(regexp_replace(nik, '[^0-9]', '', 'g'), '') AS nik,
            {_clean_text_sql("birth_place")} AS birth_place,
            nullif(upper(regexp_replace(passport_no, '\\s', '', 'g')), '') AS passport_no,
            {_clean_text_sql("address")} AS address,
            nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '') AS phone
        FROM base
    )
    SELECT *,
        list_distinct(string_split(address, ' ')) AS addr_toks,
        -- NIK without one of its parts (16 digits: region, birth date DDMMYY, serial): a
        -- single typed-wrong digit outside the birth year leaves one of these keys intact.
        -- Only day and month are left out of the middle key: region + serial alone is
        -- shared by thousands (serials restart for every birth date).
        CASE WHEN length(nik) >= 6 THEN substr(nik, {cut1} + 1) END AS nik_a,
        CASE WHEN length(nik) = 16 THEN substr(nik, 1, 6) || substr(nik, 11)
            WHEN length(nik) >= 6
            THEN substr(nik, 1, {cut1}) || substr(nik, {cut2} + 1) END AS nik_b,
        CASE WHEN length(nik) >= 6 THEN substr(nik, 1, {cut2}) END AS nik_c,
        CASE WHEN len(string_split(address, ' ')) >= 3
            THEN array_to_string(string_split(address, ' ')[1:2], ' ') END AS addr_head,
        CASE WHEN len(string_split(address, ' ')) >= 3
            THEN array_to_string(string_split(address, ' ')[-2:], ' ') END AS addr_tail
    FROM clean
    """  # noqa: S608 - table and column names are the module's own


def _counts_join(table: str, keys: Sequence[str], suffix: str) -> str:
    """SQL joining ``table`` with the frequency ``<key>{suffix}`` of each key column."""
    joins = " ".join(
        f"LEFT JOIN (SELECT {key} AS v, count(*) AS n FROM {table} "  # noqa: S608
        f"WHERE {key} IS NOT NULL "
        f"GROUP BY {key}) c_{key} ON t.{key} = c_{key}.v"
        for key in keys
    )
    counts = ", ".join(f"c_{key}.n AS {key}{suffix}" for key in keys)
    return f"SELECT t.*, {counts} FROM {table} t {joins}"  # noqa: S608


def _capped_sql(table: str, block_cap: int) -> str:
    strong = ", ".join(
        f"CASE WHEN {key}_n <= {block_cap} THEN {key} "
        f"WHEN dob_y IS NOT NULL THEN {key} || '|' || dob_y END AS {key}_salted"
        for key in _STRONG_KEYS
    )
    weak = ", ".join(
        f"CASE WHEN {key}_n <= {WEAK_BLOCK_CAP} THEN {key} END AS {key}_blk" for key in _WEAK_KEYS
    )
    counted = _counts_join(table, (*_STRONG_KEYS, *_WEAK_KEYS), "_n")
    drop = ", ".join(
        (
            *(f"{key}_n" for key in (*_STRONG_KEYS, *_WEAK_KEYS)),
            *_KEY_ONLY_COLUMNS,
        )
    )
    return f"SELECT * EXCLUDE ({drop}), {strong}, {weak} FROM ({counted})"  # noqa: S608


def _final_sql(table: str, block_cap: int) -> str:
    salted = [f"{key}_salted" for key in _STRONG_KEYS]
    final = ", ".join(
        f"CASE WHEN {key}_salted_n <= {block_cap} THEN {key}_salted END AS {key}_blk"
        for key in _STRONG_KEYS
    )
    counted = _counts_join(table, salted, "_n")
    drop = ", ".join((*salted, *(f"{key}_n" for key in salted)))
    return f"SELECT * EXCLUDE ({drop}), {final} FROM ({counted})"  # noqa: S608


def _name_feature_rows(names: Sequence[str]) -> list[tuple[str | None, ...]]:
    return [_name_features(name) for name in names]


def _name_feature_lookup(
    datasets: Sequence[Sequence[IdentityRecord]], workers: int
) -> dict[str, tuple[str | None, ...]]:
    """Name features of every distinct written name, in ``workers`` processes if > 1."""
    distinct = list(dict.fromkeys(r.name for records in datasets for r in records))
    if workers <= 1 or len(distinct) < 20_000:
        return {name: _name_features(name) for name in distinct}
    size = -(-len(distinct) // (workers * 4))
    chunks = [distinct[i : i + size] for i in range(0, len(distinct), size)]
    # Freeze the parent's objects so the children's garbage collector does not touch (and
    # so copy) every page of the records they inherited through fork.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            rows = [row for part in pool.map(_name_feature_rows, chunks) for row in part]
    finally:
        gc.unfreeze()
    return dict(zip(distinct, rows, strict=True))


def prepare_features(
    datasets: Sequence[Sequence[IdentityRecord]],
    *,
    block_cap: int = DEFAULT_BLOCK_CAP,
    workers: int = 1,
) -> list[pa.Table]:
    """Splink input tables (one per dataset) of derived columns, see the module docstring.

    Name features come from :mod:`benteng.core.names`, computed once per distinct written
    name (in ``workers`` processes when > 1); the rest is vectorised SQL in a private
    DuckDB connection. Blocking keys are capped over all datasets together.
    """
    lookup = _name_feature_lookup(datasets, workers)
    con = duckdb.connect(":memory:")
    try:
        names = []
        for index, records in enumerate(datasets):
            name = f"base_{index}"
            con.register(name, _base_table(records, index, lookup))
            names.append(name)
        del lookup
        con.execute(f"CREATE TABLE keyed AS {_clean_sql(names)}")
        for name in names:
            con.unregister(name)
        con.execute(f"CREATE TABLE capped AS {_capped_sql('keyed', block_cap)}")
        con.execute("DROP TABLE keyed")
        features = con.sql(_final_sql("capped", block_cap)).to_arrow_table()
    finally:
        con.close()
    if len(datasets) == 1:
        return [features.drop_columns(["ds"])]
    tables = []
    for index in range(len(datasets)):
        part = features.filter(pc.equal(features.column("ds"), index))
        tables.append(part.drop_columns(["ds"]))
    return tables


def _active_fields(tables: Sequence[pa.Table]) -> list[str]:
    """Optional fields with values in at least 1 % of the records of every dataset.

    A field only one side of a link has could never agree or disagree: it gets no comparison.
    """
    column_of = {"birth_date": "dob"}
    active = []
    for name in OPTIONAL_FIELDS:
        column = column_of.get(name, name)
        present = [t.num_rows - t.column(column).null_count for t in tables]
        enough = all(
            n >= 1 and n >= 0.01 * t.num_rows for n, t in zip(present, tables, strict=True)
        )
        if enough and sum(present) >= 2:
            active.append(name)
    return active


# --------------------------------------------------------------------------------------
# Model specification


def _identifier_comparison(column: str, label: str, dialect: str) -> ComparisonCreator:
    """Exact, one or two characters typed wrong (same length), or different.

    For the NIK a difference only in the serial (digits 13-16, the same region and birth date
    before it) is a level of its own, before "one or two characters": two people of the same
    sex born on the same day in the same kecamatan have such NIKs. Its ``u`` is not sampled
    but fixed (``SERIAL_ONLY_U``, the screening engine's): random pairs almost never share a
    region and a birth date, yet the birth date is weighed by its own comparison already, so a
    sampled ``u`` would count it twice and read a neighbour as a typing error.

    Hamming distance in DuckDB (Damerau-Levenshtein there costs ~8 us a pair, hamming a
    fraction of that); Spark has no hamming, so its built-in Levenshtein on equal lengths.
    """
    function = "hamming" if dialect == "duckdb" else "levenshtein"
    distance = (
        f"CASE WHEN length({column}_l) = length({column}_r) "
        f"THEN {function}({column}_l, {column}_r) ELSE 99 END"
    )
    serial_only = (
        [
            cll.CustomLevel(
                "length(nik_l) = 16 AND length(nik_r) = 16"
                " AND substr(nik_l, 1, 12) = substr(nik_r, 1, 12)",
                label_for_charts="NIK: only the serial differs (same region and birth date)",
            ).configure(
                m_probability=SERIAL_ONLY_M,
                u_probability=SERIAL_ONLY_U,
                fix_m_probability=True,
                fix_u_probability=True,
            )
        ]
        if column == "nik"
        else []
    )
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=label,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            *serial_only,
            cll.CustomLevel(
                f"{distance} <= 2",
                label_for_charts=f"{label}: one or two characters differ",
            ),
            cll.ElseLevel(),
        ],
    )


def _one_word_inside_the_other(dialect: str) -> str:
    """One record gives a single name word (a mononym) that sounds like a word of the other's
    name: "Farida" and "Puji Farida Hakim". Lists are 1-based in DuckDB, 0-based in Spark."""
    if dialect == "duckdb":
        return (
            "(len(phon_toks_l) = 1 AND list_contains(phon_toks_r, phon_toks_l[1]))"
            " OR (len(phon_toks_r) = 1 AND list_contains(phon_toks_l, phon_toks_r[1]))"
        )
    return (
        "(size(phon_toks_l) = 1 AND array_contains(phon_toks_r, phon_toks_l[0]))"
        " OR (size(phon_toks_r) = 1 AND array_contains(phon_toks_l, phon_toks_r[0]))"
    )


def _comparisons(fields: Sequence[str], dialect: str) -> list[ComparisonCreator]:
    one_part_alike = (
        "phon_first_l = phon_first_r OR phon_last_l = phon_last_r"
        " OR phon_first_l = phon_last_r OR phon_last_l = phon_first_r"
    )
    comparisons: list[ComparisonCreator] = [
        cl.CustomComparison(
            output_column_name="name",
            comparison_description="Indonesian name (benteng.core.names features)",
            comparison_levels=[
                cll.NullLevel("name_key"),
                cll.ExactMatchLevel("name_key", term_frequency_adjustments=True).configure(
                    label_for_charts="Same name parts (any order, joined or split)"
                ),
                cll.Or(
                    cll.ExactMatchLevel("name_flat"),
                    cll.ExactMatchLevel("phon_key"),
                    cll.JaroWinklerLevel("name_flat", 0.95),
                    cll.JaroWinklerLevel("name_key", 0.95),
                ).configure(label_for_charts="Same sound or near-identical spelling"),
                cll.Or(
                    cll.JaroWinklerLevel("name_flat", 0.88),
                    cll.JaroWinklerLevel("name_key", 0.88),
                ).configure(label_for_charts="Similar name"),
                cll.CustomLevel(
                    one_part_alike, label_for_charts="First or last name part sounds alike"
                ),
                cll.CustomLevel(
                    _one_word_inside_the_other(dialect),
                    label_for_charts="One name is a single word of the other (a mononym)",
                ),
                # Names that share nothing: m is fixed, not learned. Unlabelled data holding
                # people born the same day in the same kecamatan (NIKs differing only in the
                # serial) shows EM a cluster of "one person under another name" that is in
                # fact two people; it learned m = 0.14 there (-2.8 bits) and linked them.
                cll.ElseLevel().configure(m_probability=NAMES_UNRELATED_M, fix_m_probability=True),
            ],
        )
    ]
    if "birth_date" in fields:
        comparisons.append(
            cl.CustomComparison(
                output_column_name="birth_date",
                comparison_description="Birth date, allowing day and month swapped",
                comparison_levels=[
                    cll.NullLevel("dob"),
                    cll.ExactMatchLevel("dob"),
                    cll.CustomLevel(
                        "dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r",
                        label_for_charts="Day and month swapped",
                    ),
                    cll.CustomLevel(
                        "dob_m_l = dob_m_r AND dob_d_l = dob_d_r AND (abs(dob_y_l - dob_y_r) = 1"
                        " OR levenshtein(CAST(dob_y_l AS STRING), CAST(dob_y_r AS STRING)) = 1)",
                        label_for_charts="Same day and month, year one digit or one year off",
                    ),
                    cll.CustomLevel(
                        "(dob_y_l = dob_y_r AND dob_m_l = dob_m_r)"
                        " OR (dob_y_l = dob_y_r AND dob_d_l = dob_d_r)"
                        " OR (dob_m_l = dob_m_r AND dob_d_l = dob_d_r)",
                        label_for_charts="Two of day, month and year agree",
                    ),
                    cll.CustomLevel(
                        "abs(dob_y_l - dob_y_r) <= 5",
                        label_for_charts="Years within five",
                    ),
                    cll.ElseLevel(),
                ],
            )
        )
    if "nik" in fields:
        comparisons.append(_identifier_comparison("nik", "NIK", dialect))
    if "passport_no" in fields:
        comparisons.append(_identifier_comparison("passport_no", "Passport number", dialect))
    if "phone" in fields:
        comparisons.append(_identifier_comparison("phone", "Phone", dialect))
    if "sex" in fields:
        comparisons.append(cl.ExactMatch("sex"))
    if "birth_place" in fields:
        comparisons.append(cl.JaroWinklerAtThresholds("birth_place", [0.92]))
    if "address" in fields:
        comparisons.append(_address_comparison(dialect))
    return comparisons


def _address_comparison(dialect: str) -> ComparisonCreator:
    """Whole-address similarity, then shared words (RT/RW, desa, postcode, street)."""
    if dialect == "duckdb":
        shared = "len(list_intersect(addr_toks_l, addr_toks_r))"
        smaller = "least(len(addr_toks_l), len(addr_toks_r))"
    else:
        shared = "size(array_intersect(addr_toks_l, addr_toks_r))"
        smaller = "least(size(addr_toks_l), size(addr_toks_r))"
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address"),
            cll.JaroWinklerLevel("address", 0.92),
            cll.CustomLevel(
                f"{shared} >= 0.6 * {smaller}",
                label_for_charts="Most address words shared",
            ),
            cll.CustomLevel(f"{shared} >= 2", label_for_charts="Two address words shared"),
            cll.ElseLevel(),
        ],
    )


def _prediction_blocking_rules(fields: Sequence[str]) -> list[BlockingRuleCreator]:
    """Candidate pairs: any rule agreeing. All single keys are frequency-capped."""
    rules: list[BlockingRuleCreator] = [
        block_on("name_key_blk"),
        block_on("phon_key_blk"),
        block_on("phon_first_blk"),
        block_on("phon_last_blk"),
    ]
    if "birth_date" in fields:
        rules += [
            block_on("dob_sorted", "phon_first"),
            block_on("dob_sorted", "phon_last"),
        ]
    if "nik" in fields:
        rules += [block_on(f"{key}_blk") for key in ("nik", "nik_a", "nik_b", "nik_c")]
    if "phone" in fields:
        rules.append(block_on("phone_blk"))
    if "passport_no" in fields:
        rules.append(block_on("passport_no_blk"))
    if "address" in fields:
        rules += [block_on("addr_head_blk"), block_on("addr_tail_blk")]
    return rules


def _training_blocking_rules(fields: Sequence[str]) -> list[BlockingRuleCreator]:
    """Two EM passes: one fixes the name, the other the birth date (or NIK)."""
    rules: list[BlockingRuleCreator] = [block_on("name_key")]
    if "birth_date" in fields:
        rules.append(block_on("dob"))
    elif "nik" in fields:
        rules.append(block_on("nik"))
    elif "phone" in fields:
        rules.append(block_on("phone"))
    return rules


def _deterministic_rules(fields: Sequence[str]) -> list[BlockingRuleCreator]:
    rules: list[BlockingRuleCreator] = []
    if "birth_date" in fields:
        rules.append(block_on("name_key", "dob"))
    if "nik" in fields:
        rules.append(block_on("nik", "phon_first"))
    if not rules:
        rules.append(block_on("name_key"))
    return rules


def _settings(fields: Sequence[str], link_type: str, dialect: str) -> dict[str, Any]:
    creator = SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        comparisons=list(_comparisons(fields, dialect)),
        blocking_rules_to_generate_predictions=list(_prediction_blocking_rules(fields)),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=_EM_MAX_ITERATIONS,
    )
    settings: dict[str, Any] = creator.create_settings_dict(dialect)
    return settings


# --------------------------------------------------------------------------------------
# Model


@dataclass(slots=True)
class LinkageModel:
    """A trained linkage model: the active fields and Splink's estimated parameters."""

    fields: list[str]
    splink_settings: dict[str, Any]
    threshold: float = DEFAULT_THRESHOLD
    block_cap: int = DEFAULT_BLOCK_CAP
    trained_on: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "splink_version": splink.__version__,
            "fields": list(self.fields),
            "threshold": self.threshold,
            "block_cap": self.block_cap,
            "trained_on": copy.deepcopy(self.trained_on),
            "splink_settings": copy.deepcopy(self.splink_settings),
        }

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (readable, and Splink's own settings inside)."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=2), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkageModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(
                f"not a Benteng linkage model (format {data.get('format')!r}, "
                f"expected {MODEL_FORMAT!r})"
            )
        fields = [str(f) for f in data["fields"]]
        unknown = set(fields) - set(OPTIONAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown fields in linkage model: {sorted(unknown)}")
        return cls(
            fields=fields,
            splink_settings=copy.deepcopy(dict(data["splink_settings"])),
            threshold=float(data["threshold"]),
            block_cap=int(data["block_cap"]),
            trained_on=dict(data.get("trained_on", {})),
        )

    @classmethod
    def load(cls, path: str | Path) -> LinkageModel:
        """Read a model written by :meth:`save`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ValueError(f"linkage model {path} is not valid JSON: {err}") from err
        if not isinstance(data, dict):
            raise ValueError(f"linkage model {path} is not a JSON object")
        return cls.from_dict(data)

    def settings_for(self, link_type: str, dialect: str) -> dict[str, Any]:
        """Splink settings for ``link_type`` in SQL ``dialect`` with the trained parameters.

        The comparisons are rebuilt from their (dialect-free) definitions and the trained
        m/u probabilities copied level by level, so a model trained on DuckDB scores on
        Spark and vice versa.
        """
        settings = _settings(self.fields, link_type, dialect)
        trained = self.splink_settings
        settings["probability_two_random_records_match"] = trained[
            "probability_two_random_records_match"
        ]
        for new, old in zip(settings["comparisons"], trained["comparisons"], strict=True):
            if new["output_column_name"] != old["output_column_name"] or len(
                new["comparison_levels"]
            ) != len(old["comparison_levels"]):
                raise ValueError(
                    "linkage model does not match this version's comparisons "
                    f"({old['output_column_name']}); train it again"
                )
            for new_level, old_level in zip(
                new["comparison_levels"], old["comparison_levels"], strict=True
            ):
                for key in ("m_probability", "u_probability"):
                    if key in old_level:
                        new_level[key] = old_level[key]
        return settings


@dataclass(frozen=True, slots=True)
class LinkedPair:
    """A scored pair. With two datasets ``id_l`` is from the left and ``id_r`` from the right."""

    id_l: str
    id_r: str
    probability: float
    match_weight: float


@dataclass(frozen=True, slots=True)
class ClusterMember:
    """A record's cluster; ``source`` is "left" or "right" (always "left" when deduplicating)."""

    id: str
    cluster_id: str
    source: str


@dataclass(frozen=True, slots=True)
class LinkageResult:
    pairs: list[LinkedPair]
    """Pairs at or above the threshold, highest probability first."""
    clusters: list[ClusterMember]
    """Every input record once, singletons included; cluster ids are "1", "2", ..."""


def _too_small(left: Sequence[IdentityRecord], right: Sequence[IdentityRecord] | None) -> bool:
    return len(left) < 2 if right is None else not left or not right


def unlinked(
    left: Sequence[IdentityRecord], right: Sequence[IdentityRecord] | None = None
) -> LinkageResult:
    """The result when there is nothing to compare: no pairs, every record its own cluster."""
    members = [ClusterMember(r.id, str(i + 1), LEFT) for i, r in enumerate(left)]
    members += [
        ClusterMember(r.id, str(len(left) + i + 1), RIGHT) for i, r in enumerate(right or ())
    ]
    return LinkageResult(pairs=[], clusters=members)


def _link_type(right: Sequence[IdentityRecord] | None) -> str:
    return "dedupe_only" if right is None else "link_only"


def _register(db_api: DatabaseAPI[Any], tables: Sequence[pa.Table]) -> list[SplinkDataFrame]:
    names = [_TABLE_NAMES[LEFT], _TABLE_NAMES[RIGHT]]
    frames = []
    for i, table in enumerate(tables):
        # Arrow keeps the column types (lists, all-NULL columns) for DuckDB and Spark >= 4.
        frames.append(db_api.register(table, dataset_display_name=names[i]))
    return frames


def _check_ids(left: Sequence[IdentityRecord], right: Sequence[IdentityRecord] | None) -> None:
    for label, records in (("first", left), ("second", right or ())):
        seen: set[str] = set()
        for record in records:
            if record.id in seen:
                raise ValueError(f"duplicate id {record.id!r} in the {label} dataset")
            seen.add(record.id)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _expectation_maximisation(
    linker: Linker, rule: BlockingRuleCreator, max_pairs: float | None
) -> None:
    """One EM pass; on clean data, retried with fewer iterations.

    When the matches in a blocked pass never disagree on some field, EM drives that level's
    m probability towards zero super-exponentially and Splink 5.0 refuses the underflowed
    value (ValueError "below the minimum allowed value"). The pass is then re-run with
    fewer iterations; :func:`_floor_m_probabilities` bounds the result afterwards.
    """
    settings = linker._settings_obj
    iterations = settings.training_settings.max_iterations
    while True:
        # Splink's EM session narrows the linker's model in place and restores it only on
        # success, so keep a copy to retry from.
        before = settings.core_model_settings.copy()  # type: ignore[no-untyped-call]
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=max_pairs
            )
            break
        except ValueError as err:
            settings.core_model_settings = before
            if "below the minimum allowed" not in str(err) or iterations <= 1:
                raise
            iterations = max(1, iterations // 3)
            settings.training_settings = dataclasses.replace(
                settings.training_settings, max_iterations=iterations
            )
    settings.training_settings = dataclasses.replace(
        settings.training_settings, max_iterations=_EM_MAX_ITERATIONS
    )


def _floor_m_probabilities(settings: dict[str, Any]) -> dict[str, Any]:
    """Raise every trained m probability to at least ``M_FLOOR`` (and renormalise).

    No single disagreeing field may veto a match by more than log2(M_FLOOR / u) bits, however
    clean the training data was: in production a typing error can hit any field.
    """
    for comparison in settings["comparisons"]:
        levels = [
            level
            for level in comparison["comparison_levels"]
            if isinstance(level.get("m_probability"), float | int)
        ]
        if not levels:
            continue
        for level in levels:
            level["m_probability"] = max(float(level["m_probability"]), M_FLOOR)
        total = sum(level["m_probability"] for level in levels)
        for level in levels:
            level["m_probability"] = level["m_probability"] / total
    return settings


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """How parameters are estimated (see :func:`train_linker`)."""

    seed: int = 7
    u_max_pairs: float = 1e6
    em_max_pairs: float = 5e5
    recall_of_exact_rules: float = 0.7
    threshold: float = DEFAULT_THRESHOLD
    block_cap: int = DEFAULT_BLOCK_CAP


def _train(
    db_api: DatabaseAPI[Any],
    frames: list[SplinkDataFrame],
    fields: list[str],
    link_type: str,
    n_records: int,
    options: TrainingOptions,
    progress: Progress | None,
) -> LinkageModel:
    settings = _settings(fields, link_type, db_api.sql_dialect.sql_dialect_str)
    linker = Linker(frames, settings, log_level=logging.ERROR)
    training = linker.training
    _say(progress, "estimating the match rate")
    try:
        training.estimate_probability_two_random_records_match(
            list(_deterministic_rules(fields)), recall=options.recall_of_exact_rules
        )
    except ValueError as err:  # tiny or degenerate data: keep Splink's prior
        _logger.warning("match rate not estimated: %s", err)
    _say(progress, "estimating u by random sampling")
    training.estimate_u_using_random_sampling(max_pairs=options.u_max_pairs, seed=options.seed)
    em_pairs = options.em_max_pairs if n_records > 20_000 else None
    for rule in _training_blocking_rules(fields):
        _say(progress, "estimating m by expectation maximisation")
        _expectation_maximisation(linker, rule, em_pairs)
    trained = _floor_m_probabilities(linker.misc.save_model_to_json())
    return LinkageModel(
        fields=fields,
        splink_settings=trained,
        threshold=options.threshold,
        block_cap=options.block_cap,
        trained_on={"records": n_records, "link_type": link_type, "seed": options.seed},
    )


def _link(
    db_api: DatabaseAPI[Any],
    frames: list[SplinkDataFrame],
    model: LinkageModel,
    link_type: str,
    threshold: float,
    progress: Progress | None,
) -> LinkageResult:
    settings = model.settings_for(link_type, db_api.sql_dialect.sql_dialect_str)
    linker = Linker(frames, settings, log_level=logging.ERROR)
    _say(progress, "scoring candidate pairs")
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    _say(progress, "clustering")
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    _say(progress, "collecting results")
    two_datasets = link_type == "link_only"
    pairs = _collect_pairs(linker, predictions, two_datasets=two_datasets)
    clusters = _collect_clusters(linker, clustered, two_datasets=two_datasets)
    return LinkageResult(pairs=pairs, clusters=clusters)


def _check_threshold(threshold: float) -> None:
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1 (exclusive), got {threshold}")


def train_linker(
    left: Sequence[IdentityRecord],
    right: Sequence[IdentityRecord] | None = None,
    *,
    options: TrainingOptions | None = None,
    backend: Backend | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> LinkageModel:
    """Estimate a linkage model from the data itself (no labels).

    ``u`` probabilities come from ``options.u_max_pairs`` random pairs, ``m`` probabilities
    from expectation maximisation over two blocked passes (each sampled to about
    ``options.em_max_pairs`` pairs on large data), the prior from deterministic rules assumed
    to find ``options.recall_of_exact_rules`` of the true matches. ``workers`` > 1 computes
    the name features in that many processes.
    """
    options = options or TrainingOptions()
    _check_threshold(options.threshold)
    if _too_small(left, right):
        raise ValueError(
            "training needs two records to deduplicate, or one in each dataset to link"
        )
    _check_ids(left, right)
    datasets = [left] if right is None else [left, right]
    _say(progress, "preparing features")
    tables = prepare_features(datasets, block_cap=options.block_cap, workers=workers)
    fields = _active_fields(tables)
    n_records = sum(t.num_rows for t in tables)
    with _database(backend or DuckDBBackend()) as db_api:
        frames = _register(db_api, tables)
        del tables
        return _train(db_api, frames, fields, _link_type(right), n_records, options, progress)


def link_records(
    model: LinkageModel,
    left: Sequence[IdentityRecord],
    right: Sequence[IdentityRecord] | None = None,
    *,
    threshold: float | None = None,
    backend: Backend | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> LinkageResult:
    """Deduplicate ``left`` (or link it to ``right``) with a trained model.

    Returns the pairs at or above ``threshold`` (the model's threshold when ``None``) and
    the clusters they form.
    """
    threshold = model.threshold if threshold is None else threshold
    _check_threshold(threshold)
    _check_ids(left, right)
    if _too_small(left, right):
        return unlinked(left, right)
    datasets = [left] if right is None else [left, right]
    _say(progress, "preparing features")
    tables = prepare_features(datasets, block_cap=model.block_cap, workers=workers)
    with _database(backend or DuckDBBackend()) as db_api:
        frames = _register(db_api, tables)
        del tables
        return _link(db_api, frames, model, _link_type(right), threshold, progress)


def train_and_link(
    left: Sequence[IdentityRecord],
    right: Sequence[IdentityRecord] | None = None,
    *,
    options: TrainingOptions | None = None,
    threshold: float | None = None,
    backend: Backend | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> tuple[LinkageModel, LinkageResult]:
    """:func:`train_linker` then :func:`link_records` on the same data, preparing it once.

    Raises :class:`ValueError`, as :func:`train_linker` does, when there is nothing to
    compare (use :func:`unlinked` for that case).
    """
    options = options or TrainingOptions()
    threshold = options.threshold if threshold is None else threshold
    _check_threshold(threshold)
    _check_threshold(options.threshold)
    if _too_small(left, right):
        raise ValueError(
            "training needs two records to deduplicate, or one in each dataset to link"
        )
    _check_ids(left, right)
    datasets = [left] if right is None else [left, right]
    _say(progress, "preparing features")
    tables = prepare_features(datasets, block_cap=options.block_cap, workers=workers)
    fields = _active_fields(tables)
    n_records = sum(t.num_rows for t in tables)
    link_type = _link_type(right)
    with _database(backend or DuckDBBackend()) as db_api:
        frames = _register(db_api, tables)
        del tables
        model = _train(db_api, frames, fields, link_type, n_records, options, progress)
        result = _link(db_api, frames, model, link_type, threshold, progress)
    return model, result


def _query(linker: Linker, sql: str) -> pa.Table:
    db_api = linker._db_api
    if isinstance(db_api, DuckDBAPI):
        table: pa.Table = db_api.duckdb_con.sql(sql).to_arrow_table()
        return table
    frame = linker.misc.query_sql(sql, output_type="pandas")  # type: ignore[no-untyped-call]
    return pa.Table.from_pandas(frame, preserve_index=False)


def _collect_pairs(
    linker: Linker, predictions: SplinkDataFrame, *, two_datasets: bool
) -> list[LinkedPair]:
    if two_datasets:
        # Splink orders each pair by source dataset; swap defensively so id_l is from left.
        left = _TABLE_NAMES[LEFT]
        sql = f"""
            SELECT
              CASE WHEN source_dataset_l = '{left}' THEN unique_id_l ELSE unique_id_r END,
              CASE WHEN source_dataset_l = '{left}' THEN unique_id_r ELSE unique_id_l END,
              match_probability, match_weight
            FROM {predictions.physical_name}
            ORDER BY match_probability DESC, 1, 2
        """  # noqa: S608 - names from Splink, not input
    else:
        sql = f"""
            SELECT unique_id_l, unique_id_r, match_probability, match_weight
            FROM {predictions.physical_name}
            ORDER BY match_probability DESC, 1, 2
        """  # noqa: S608 - names from Splink, not input
    table = _query(linker, sql)
    id_l, id_r, prob, weight = (table.column(i).to_pylist() for i in range(4))
    return [
        LinkedPair(a, b, float(p), float(w))
        for a, b, p, w in zip(id_l, id_r, prob, weight, strict=True)
    ]


def _collect_clusters(
    linker: Linker, clustered: SplinkDataFrame, *, two_datasets: bool
) -> list[ClusterMember]:
    source = (
        f"CASE WHEN source_dataset = '{_TABLE_NAMES[LEFT]}' THEN '{LEFT}' ELSE '{RIGHT}' END"
        if two_datasets
        else f"'{LEFT}'"
    )
    if isinstance(linker._db_api, DuckDBAPI):
        # Number clusters 1, 2, ... in SQL (parallel); Splink names them after a record.
        sql = f"""
            SELECT unique_id, CAST(dense_rank() OVER (ORDER BY cluster_id) AS VARCHAR),
                   {source} AS source
            FROM {clustered.physical_name}
            ORDER BY source, unique_id
        """  # noqa: S608 - names from Splink, not input
        ids, numbers, sources = (_query(linker, sql).column(i).to_pylist() for i in range(3))
        return [ClusterMember(*member) for member in zip(ids, numbers, sources, strict=True)]
    # On Spark a global window would move every row into one partition: number in Python.
    sql = f"""
        SELECT unique_id, cluster_id, {source} FROM {clustered.physical_name}
    """  # noqa: S608 - names from Splink, not input
    ids, splink_ids, sources = (_query(linker, sql).column(i).to_pylist() for i in range(3))
    number = {cluster: str(n) for n, cluster in enumerate(sorted(set(splink_ids)), start=1)}
    members = [
        ClusterMember(str(i), number[c], str(s))
        for i, c, s in zip(ids, splink_ids, sources, strict=True)
    ]
    members.sort(key=lambda m: (m.source, m.id))
    return members


def default_backend_for(n_records: int) -> Literal["duckdb", "spark"]:
    """The backend Benteng recommends for a run of ``n_records`` (see docs/core-linkage.md).

    DuckDB on one server handles a province (tens of millions of records with disk
    spilling); beyond that, Spark.
    """
    return "duckdb" if n_records <= 50_000_000 else "spark"
