"""``benteng link`` through run_link: outputs, row problems and every error path."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from benteng.core.linkage import LinkageModel
from benteng.core.linkage_cli import EXIT_INPUT_ERROR, EXIT_OK, run_link
from benteng.core.records import IdentityRecord
from tests.core.test_linkage import make_people

HEADER = ["id", "name", "birth_date", "sex", "nik", "birth_place", "phone"]


def _write(path: Path, records: list[IdentityRecord], extra_rows: Sequence[list[str]] = ()) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for r in records:
            writer.writerow([
                r.id, r.name, r.birth_date.isoformat() if r.birth_date else "", r.sex or "",
                r.nik or "", r.birth_place or "", r.phone or "",
            ])  # fmt: skip
        for row in extra_rows:
            writer.writerow(row)
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def people() -> tuple[list[IdentityRecord], dict[str, str]]:
    return make_people(120, seed=23)


@pytest.fixture(scope="module")
def dedupe_run(
    tmp_path_factory: pytest.TempPathFactory,
    people: tuple[list[IdentityRecord], dict[str, str]],
) -> tuple[Path, int, str]:
    records, _ = people
    folder = tmp_path_factory.mktemp("dedupe")
    bad_rows = [
        ["bad1", "Agus Salim", "1990-02-31", "L", "", "", ""],  # impossible date
        ["", "Tanpa Id", "", "", "", "", ""],  # no id: skipped and reported
    ]
    source = _write(folder / "people.csv", records, bad_rows)
    err = io.StringIO()
    code = run_link(
        [source],
        folder / "pairs.csv",
        folder / "clusters.csv",
        save_model=folder / "model.json",
        stderr=err,
        show_progress=False,
    )
    return folder, code, err.getvalue()


def test_dedupe_writes_pairs_and_clusters(
    dedupe_run: tuple[Path, int, str], people: tuple[list[IdentityRecord], dict[str, str]]
) -> None:
    folder, code, _ = dedupe_run
    records, truth = people
    assert code == EXIT_OK
    pairs = _rows(folder / "pairs.csv")
    assert list(pairs[0]) == ["id_l", "id_r", "probability"]
    probabilities = [float(p["probability"]) for p in pairs]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.5 <= p <= 1.0 for p in probabilities)
    correct = sum(truth[p["id_l"]] == truth[p["id_r"]] for p in pairs)
    assert correct / len(pairs) >= 0.95
    clusters = _rows(folder / "clusters.csv")
    assert list(clusters[0]) == ["id", "cluster_id"]
    ids = [c["id"] for c in clusters]
    assert sorted(ids) == sorted([r.id for r in records] + ["bad1"])  # nothing dropped
    cluster_of = {c["id"]: c["cluster_id"] for c in clusters}
    assert all(cluster_of[p["id_l"]] == cluster_of[p["id_r"]] for p in pairs)


def test_row_problems_are_reported_with_row_numbers(
    dedupe_run: tuple[Path, int, str], people: tuple[list[IdentityRecord], dict[str, str]]
) -> None:
    _, _, err = dedupe_run
    records, _ = people
    bad_date_row = len(records) + 2  # header is row 1
    assert f"people.csv baris {bad_date_row}, kolom birth_date" in err
    assert f"people.csv baris {bad_date_row + 1}, kolom id" in err
    assert "2 masalah dilaporkan" in err
    assert "pasangan dengan probabilitas >= 0.5" in err


def test_saved_model_is_reused_without_training(
    dedupe_run: tuple[Path, int, str], tmp_path: Path
) -> None:
    folder, _, _ = dedupe_run
    model = LinkageModel.load(folder / "model.json")
    assert model.trained_on["link_type"] == "dedupe_only"
    # given the saved model and the same input
    err = io.StringIO()
    code = run_link(
        [folder / "people.csv"],
        tmp_path / "again.csv",
        None,
        model=folder / "model.json",
        stderr=err,
        show_progress=False,
    )
    # then the pairs are the same as in the run that trained it
    assert code == EXIT_OK
    assert _rows(tmp_path / "again.csv") == _rows(folder / "pairs.csv")


def test_link_two_files_puts_first_file_ids_left(
    tmp_path: Path, people: tuple[list[IdentityRecord], dict[str, str]]
) -> None:
    records, truth = people
    a = _write(tmp_path / "a.csv", [r for r in records if r.id.endswith("-0")])
    b = _write(tmp_path / "b.csv", [r for r in records if not r.id.endswith("-0")])
    err = io.StringIO()
    code = run_link([a, b], tmp_path / "pairs.csv", tmp_path / "c.csv", 0.6, stderr=err)
    assert code == EXIT_OK, err.getvalue()
    assert "membentuk klaster" in err.getvalue()  # the progress bar names each step
    pairs = _rows(tmp_path / "pairs.csv")
    assert pairs
    assert all(p["id_l"].endswith("-0") and not p["id_r"].endswith("-0") for p in pairs)
    assert all(float(p["probability"]) >= 0.6 for p in pairs)
    assert sum(truth[p["id_l"]] == truth[p["id_r"]] for p in pairs) / len(pairs) >= 0.95
    clusters = _rows(tmp_path / "c.csv")
    assert list(clusters[0]) == ["id", "cluster_id", "source"]
    assert {c["source"] for c in clusters} == {"a.csv", "b.csv"}
    assert len(clusters) == len(records)


def test_single_record_gives_one_cluster_and_no_pairs(tmp_path: Path) -> None:
    source = _write(tmp_path / "one.csv", [IdentityRecord(id="x", name="Eko Nugroho")])
    code = run_link(
        [source], tmp_path / "p.csv", tmp_path / "c.csv", stderr=io.StringIO(),
        show_progress=False,
    )  # fmt: skip
    assert code == EXIT_OK
    assert _rows(tmp_path / "p.csv") == []
    assert _rows(tmp_path / "c.csv") == [{"id": "x", "cluster_id": "1"}]


@pytest.mark.parametrize("count", [0, 3], ids=["no-input", "three-inputs"])
def test_wrong_number_of_inputs(tmp_path: Path, count: int) -> None:
    inputs = [_write(tmp_path / f"{i}.csv", []) for i in range(count)]
    err = io.StringIO()
    assert run_link(inputs, tmp_path / "p.csv", None, stderr=err) == EXIT_INPUT_ERROR
    assert "satu berkas --input" in err.getvalue()
    assert not (tmp_path / "p.csv").exists()


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.1, 2.0])
def test_threshold_out_of_range(tmp_path: Path, threshold: float) -> None:
    source = _write(tmp_path / "a.csv", [IdentityRecord(id="x", name="Eko")])
    err = io.StringIO()
    code = run_link([source], tmp_path / "p.csv", None, threshold, stderr=err)
    assert code == EXIT_INPUT_ERROR
    assert "--threshold" in err.getvalue()


def test_missing_file(tmp_path: Path) -> None:
    err = io.StringIO()
    code = run_link([tmp_path / "nope.csv"], tmp_path / "p.csv", None, stderr=err)
    assert code == EXIT_INPUT_ERROR
    assert "nope.csv" in err.getvalue()


def test_missing_required_column(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("id,nama\n1,Budi\n", encoding="utf-8")
    err = io.StringIO()
    code = run_link([source], tmp_path / "p.csv", None, stderr=err)
    assert code == EXIT_INPUT_ERROR
    assert "name" in err.getvalue()


def test_not_utf8(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_bytes("id,name\n1,Ba\xefdi\n".encode("latin-1"))
    err = io.StringIO()
    assert run_link([source], tmp_path / "p.csv", None, stderr=err) == EXIT_INPUT_ERROR
    assert err.getvalue().startswith("galat:")


def test_file_without_usable_rows(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("id,name\n,Budi\n", encoding="utf-8")
    err = io.StringIO()
    assert run_link([source], tmp_path / "p.csv", None, stderr=err) == EXIT_INPUT_ERROR
    assert "tidak berisi satu pun baris" in err.getvalue()


def test_same_file_twice(tmp_path: Path) -> None:
    source = _write(tmp_path / "a.csv", [IdentityRecord(id="x", name="Eko")])
    err = io.StringIO()
    assert run_link([source, source], tmp_path / "p.csv", None, stderr=err) == EXIT_INPUT_ERROR
    assert "berkas yang sama" in err.getvalue()


def test_output_folder_missing(tmp_path: Path) -> None:
    source = _write(tmp_path / "a.csv", [IdentityRecord(id="x", name="Eko")])
    err = io.StringIO()
    code = run_link([source], tmp_path / "no" / "p.csv", None, stderr=err)
    assert code == EXIT_INPUT_ERROR
    assert "folder" in err.getvalue()


@pytest.mark.parametrize(
    "content", ["not json", '{"format": "other"}'], ids=["not-json", "not-a-model"]
)
def test_unreadable_model(tmp_path: Path, content: str) -> None:
    source = _write(tmp_path / "a.csv", [IdentityRecord(id="x", name="Eko")])
    model = tmp_path / "m.json"
    model.write_text(content, encoding="utf-8")
    err = io.StringIO()
    code = run_link([source], tmp_path / "p.csv", None, model=model, stderr=err)
    assert code == EXIT_INPUT_ERROR
    assert "model" in err.getvalue()


def test_missing_model_file(tmp_path: Path) -> None:
    source = _write(tmp_path / "a.csv", [IdentityRecord(id="x", name="Eko")])
    err = io.StringIO()
    code = run_link([source], tmp_path / "p.csv", None, model=tmp_path / "m.json", stderr=err)
    assert code == EXIT_INPUT_ERROR
    assert "m.json" in err.getvalue()


def test_model_from_another_comparison_set(
    dedupe_run: tuple[Path, int, str], tmp_path: Path
) -> None:
    folder, _, _ = dedupe_run
    data = LinkageModel.load(folder / "model.json").to_dict()
    data["splink_settings"]["comparisons"][0]["comparison_levels"].pop()
    old = tmp_path / "old.json"
    LinkageModel.from_dict(data).save(old)
    err = io.StringIO()
    code = run_link(
        [folder / "people.csv"], tmp_path / "p.csv", None, model=old, stderr=err,
        show_progress=False,
    )  # fmt: skip
    assert code == EXIT_INPUT_ERROR
    assert "train it again" in err.getvalue()
    assert not (tmp_path / "p.csv").exists()
