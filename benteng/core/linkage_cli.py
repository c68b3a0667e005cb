"""``benteng link``: deduplicate one CSV file or link two, for analysts with spreadsheets.

The argument parsing lives in :mod:`benteng.core.cli`; this module does the work and returns
the process exit code. Messages are in Bahasa Indonesia (the analysts' language).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from benteng.core.linkage import (
    DEFAULT_THRESHOLD,
    LEFT,
    Backend,
    DuckDBBackend,
    LinkageModel,
    LinkageResult,
    TrainingOptions,
    link_records,
    train_and_link,
    unlinked,
)
from benteng.core.records import CsvFormatError, IdentityRecord, read_identity_csv
from benteng.core.spreadsheet import SafeCsvWriter

__all__ = ["EXIT_INPUT_ERROR", "EXIT_OK", "run_link"]

EXIT_OK = 0
EXIT_INPUT_ERROR = 2

# Steps reported through the progress callback: features, match rate, u, up to two EM
# passes, scoring, clustering, collecting (train_and_link); features and the last three
# (link_records with a saved model).
_STEPS_TRAIN_AND_LINK = 8
_STEPS_LINK = 4
_PARALLEL_FROM = 100_000
# The library reports its steps in English; the analyst reads them in Bahasa Indonesia.
_STEP_NAMES = {
    "preparing features": "menyiapkan fitur nama dan data",
    "estimating the match rate": "memperkirakan tingkat kecocokan",
    "estimating u by random sampling": "memperkirakan u dari sampel acak",
    "estimating m by expectation maximisation": "memperkirakan m (EM)",
    "scoring candidate pairs": "menilai pasangan kandidat",
    "clustering": "membentuk klaster",
    "collecting results": "mengumpulkan hasil",
}


def _read(path: Path, err: TextIO) -> list[IdentityRecord] | None:
    try:
        records, problems = read_identity_csv(path)
    except CsvFormatError as error:
        print(f"galat: {error}", file=err)
        return None
    for problem in problems:
        print(
            f"{path.name} baris {problem.row_number}, kolom {problem.column} "
            f"({problem.value!r}): {problem.message}",
            file=err,
        )
    if problems:
        print(
            f"{path.name}: {len(problems)} masalah dilaporkan; nilai yang salah dianggap "
            "kosong, baris tanpa id atau nama dilewati.",
            file=err,
        )
    return records


def _write_pairs(path: Path, result: LinkageResult) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(["id_l", "id_r", "probability"])
        for pair in result.pairs:
            writer.writerow([pair.id_l, pair.id_r, f"{pair.probability:.6f}"])


def _write_clusters(path: Path, result: LinkageResult, inputs: Sequence[Path]) -> None:
    two = len(inputs) == 2
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(["id", "cluster_id", "source"] if two else ["id", "cluster_id"])
        for member in sorted(result.clusters, key=lambda m: (int(m.cluster_id), m.source)):
            if two:
                source = inputs[0].name if member.source == LEFT else inputs[1].name
                writer.writerow([member.id, member.cluster_id, source])
            else:
                writer.writerow([member.id, member.cluster_id])


def run_link(
    inputs: list[Path],
    output: Path,
    clusters: Path | None,
    threshold: float | None = None,
    *,
    model: Path | None = None,
    save_model: Path | None = None,
    backend: Backend | None = None,
    workers: int | None = None,
    stderr: TextIO | None = None,
    show_progress: bool = True,
) -> int:
    """Deduplicate ``inputs[0]``, or link it to ``inputs[1]``, and write the results.

    Writes ``id_l,id_r,probability`` to ``output`` (with two inputs ``id_l`` is from the
    first file and ``id_r`` from the second), best first, and, when ``clusters`` is given,
    every record as ``id,cluster_id`` (plus ``source``, the file name, with two inputs).
    ``threshold`` defaults to the saved model's, or :data:`DEFAULT_THRESHOLD`.

    The model is estimated from the inputs unless ``model`` names a saved one; ``save_model``
    writes the model used. ``workers`` processes compute the name features (default: one per
    core, at most four, from 100,000 records on). Row problems go to ``stderr`` with their
    row numbers and the run goes on. Returns 0 on success and 2 when the inputs or arguments
    cannot be used.
    """
    err = stderr if stderr is not None else sys.stderr
    if len(inputs) not in (1, 2):
        print(
            f"galat: berikan satu berkas --input (deduplikasi) atau dua (penautan), bukan "
            f"{len(inputs)}.",
            file=err,
        )
        return EXIT_INPUT_ERROR
    if threshold is not None and not 0.0 < threshold < 1.0:
        print(
            f"galat: --threshold harus lebih dari 0 dan kurang dari 1, bukan {threshold}.",
            file=err,
        )
        return EXIT_INPUT_ERROR
    if len(inputs) == 2 and inputs[0].resolve() == inputs[1].resolve():
        print(
            "galat: kedua --input adalah berkas yang sama; untuk deduplikasi berikan satu "
            "berkas saja.",
            file=err,
        )
        return EXIT_INPUT_ERROR
    loaded_model: LinkageModel | None = None
    if model is not None:
        try:
            loaded_model = LinkageModel.load(model)
        except (OSError, ValueError, KeyError) as error:
            print(f"galat: model {model} tidak dapat dibaca: {error}", file=err)
            return EXIT_INPUT_ERROR

    datasets: list[list[IdentityRecord]] = []
    for path in inputs:
        records = _read(path, err)
        if records is None:
            return EXIT_INPUT_ERROR
        if not records:
            print(f"galat: {path.name} tidak berisi satu pun baris yang dapat dipakai.", file=err)
            return EXIT_INPUT_ERROR
        datasets.append(records)
    left = datasets[0]
    right = datasets[1] if len(datasets) == 2 else None

    for target in (output, clusters, save_model):
        if target is not None and not target.parent.is_dir():
            print(f"galat: folder untuk {target} tidak ada.", file=err)
            return EXIT_INPUT_ERROR

    backend = backend or DuckDBBackend()
    n_records = len(left) + len(right or ())
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if n_records >= _PARALLEL_FROM else 1
    too_small = len(left) < 2 and right is None
    steps = _STEPS_LINK if loaded_model is not None or too_small else _STEPS_TRAIN_AND_LINK
    with tqdm(
        total=steps,
        desc=f"menautkan {n_records:,} catatan",
        file=err,
        disable=not show_progress,
        leave=False,
    ) as bar:

        def step(message: str) -> None:
            bar.set_postfix_str(_STEP_NAMES.get(message, message))
            bar.update(1)

        linkage_model = loaded_model
        try:
            if too_small:
                result = unlinked(left, right)
            elif linkage_model is None:
                linkage_model, result = train_and_link(
                    left,
                    right,
                    options=TrainingOptions(threshold=threshold or DEFAULT_THRESHOLD),
                    backend=backend,
                    workers=workers,
                    progress=step,
                )
            else:
                result = link_records(
                    linkage_model,
                    left,
                    right,
                    threshold=threshold,
                    backend=backend,
                    workers=workers,
                    progress=step,
                )
        except ValueError as error:  # e.g. a saved model from an older comparison set
            bar.close()
            print(f"galat: penautan tidak dapat dijalankan: {error}", file=err)
            return EXIT_INPUT_ERROR
    try:
        _write_pairs(output, result)
        if clusters is not None:
            _write_clusters(clusters, result, inputs)
        if save_model is not None and linkage_model is not None:
            linkage_model.save(save_model)
    except OSError as error:
        print(f"galat: hasil tidak dapat ditulis: {error}", file=err)
        return EXIT_INPUT_ERROR
    n_clusters = len({m.cluster_id for m in result.clusters})
    used = threshold or (linkage_model.threshold if linkage_model else DEFAULT_THRESHOLD)
    print(
        f"{len(result.pairs):,} pasangan dengan probabilitas >= {used} ditulis ke "
        f"{output}; {n_records:,} catatan dalam {n_clusters:,} klaster.",
        file=err,
    )
    return EXIT_OK
