"""The same linkage on Splink's Spark backend (local session; needs pyspark and Java 17)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from benteng.core.linkage import (
    LinkageModel,
    SparkBackend,
    link_records,
    local_spark_session,
    train_and_link,
)
from benteng.core.records import IdentityRecord
from tests.core.test_linkage import make_people

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime"),
]


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    # py4j logs its shutdown after pytest has closed the captured streams
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = local_spark_session(
        master="local[1]",
        shuffle_partitions=1,
        checkpoint_dir=str(tmp_path_factory.mktemp("spark")),
    )
    yield session
    session.stop()


def test_spark_scores_and_clusters_like_duckdb(spark: Any) -> None:
    # given a model trained on DuckDB
    records: list[IdentityRecord]
    records, _ = make_people(40, seed=5)
    model, on_duckdb = train_and_link(records)
    saved = LinkageModel.from_dict(model.to_dict())
    # when the same records are linked on Spark with that model
    on_spark = link_records(
        saved, records, backend=SparkBackend(spark_session=spark, break_lineage_method="persist")
    )
    # then Spark finds the same pairs with the same probabilities, and the same clusters
    assert on_duckdb.pairs
    duck = {(p.id_l, p.id_r): p.probability for p in on_duckdb.pairs}
    spark_pairs = {(p.id_l, p.id_r): p.probability for p in on_spark.pairs}
    assert spark_pairs.keys() == duck.keys()
    for key, probability in duck.items():
        assert spark_pairs[key] == pytest.approx(probability, abs=1e-9)
    assert [(m.id, m.cluster_id) for m in on_spark.clusters] == [
        (m.id, m.cluster_id) for m in on_duckdb.clusters
    ]
